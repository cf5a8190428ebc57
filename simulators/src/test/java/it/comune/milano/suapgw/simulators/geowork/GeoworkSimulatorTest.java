package it.comune.milano.suapgw.simulators.geowork;

import it.comune.milano.suapgw.schemas.geowork.Documento;
import it.comune.milano.suapgw.schemas.geowork.Esito;
import it.comune.milano.suapgw.schemas.geowork.EsitoControllo;
import it.comune.milano.suapgw.schemas.geowork.FaseVerifica;
import it.comune.milano.suapgw.schemas.geowork.NotificaVerifica;
import it.comune.milano.suapgw.schemas.geowork.NotificaVerificaResponse;
import it.comune.milano.suapgw.schemas.geowork.GeoworkCallbackPortType;
import it.comune.milano.suapgw.schemas.geowork.GeoworkPortType;
import it.comune.milano.suapgw.schemas.geowork.GeoworkService;
import it.comune.milano.suapgw.schemas.geowork.NotificaValidazioneEsito;
import it.comune.milano.suapgw.schemas.geowork.NotificaValidazioneEsitoResponse;
import it.comune.milano.suapgw.schemas.geowork.Pratica;
import it.comune.milano.suapgw.schemas.geowork.ProponiEsito;
import it.comune.milano.suapgw.schemas.geowork.RegistraPratica;
import it.comune.milano.suapgw.schemas.geowork.RegistraPraticaResponse;
import it.comune.milano.suapgw.schemas.geowork.Richiedente;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import jakarta.jws.WebService;
import jakarta.xml.ws.BindingProvider;
import jakarta.xml.ws.WebServiceException;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.jaxws.EndpointImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.xml.datatype.DatatypeFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class GeoworkSimulatorTest {

    /** Stand-in for the gateway's GeoworkCallbackService. */
    @WebService(endpointInterface = "it.comune.milano.suapgw.schemas.geowork.GeoworkCallbackPortType",
            serviceName = "GeoworkCallbackService", portName = "GeoworkCallbackPort",
            targetNamespace = "http://geowork.comune.milano.it/suapgw/v1",
            wsdlLocation = "classpath:geowork/geowork-callback.wsdl")
    public static class Callback implements GeoworkCallbackPortType {
        final List<NotificaValidazioneEsito> received = new CopyOnWriteArrayList<>();

        @Override
        public NotificaValidazioneEsitoResponse notificaValidazioneEsito(NotificaValidazioneEsito request) {
            received.add(request);
            NotificaValidazioneEsitoResponse r = new NotificaValidazioneEsitoResponse();
            r.setStatoPratica("ESITO_VALIDATO");
            return r;
        }

        final List<NotificaVerifica> verifiche = new CopyOnWriteArrayList<>();

        @Override
        public NotificaVerificaResponse notificaVerifica(NotificaVerifica request) {
            verifiche.add(request);
            NotificaVerificaResponse r = new NotificaVerificaResponse();
            r.setStatoPratica(request.getEsito() == EsitoControllo.KO
                    ? (request.getFase() == FaseVerifica.FORMALE ? "correction_requested" : "refused") : "presented");
            return r;
        }
    }

    private GeoworkSimulator geowork;
    private String callbackUrl;
    private final Callback callback = new Callback();
    private Bus callbackBus;
    private EndpointImpl callbackEndpoint;
    private GeoworkPortType client;

    @BeforeEach
    void start() throws Exception {
        callbackUrl = "http://127.0.0.1:" + TestSupport.freePort() + "/services/geowork-callback";
        callbackBus = BusFactory.newInstance().createBus();
        geowork = new GeoworkSimulator(0, callbackUrl);
        geowork.setValidationDelay(Duration.ofMillis(50));
        geowork.start();
        client = new GeoworkService().getGeoworkPort();
        ((BindingProvider) client).getRequestContext().put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, geowork.address());
    }

    @AfterEach
    void stop() {
        geowork.stop();
        if (callbackEndpoint != null) {
            callbackEndpoint.stop();
        }
        callbackBus.shutdown(true);
    }

    private void publishCallback() {
        callbackEndpoint = new EndpointImpl(callbackBus, callback);
        callbackEndpoint.publish(callbackUrl);
    }

    private static RegistraPratica registra(String key, String idPratica) {
        return registra(key, idPratica, "SOMMINISTRAZIONE_APERTURA", null, null);
    }

    private static RegistraPratica registra(String key, String idPratica, String procedimento, FaseVerifica controllo, String versione) {
        Pratica p = new Pratica();
        p.setIdPratica(idPratica);
        p.setCanale("SSU");
        p.setProcedimento(procedimento);
        p.setControlloPreliminare(controllo);
        p.setVersioneIstanza(versione);
        for (String[] d : new String[][]{{"SUAP_PDF", "application/pdf"}, {"istanza_esercizio_vicinato_apertura.xml", "application/xml"},
                {"planimetria_locali.pdf", "application/pdf"}}) {
            Documento doc = new Documento();
            doc.setIdDocumento("sha-" + d[0]);
            doc.setNome(d[0]);
            doc.setMimeType(d[1]);
            doc.setDimensione(100);
            doc.setSha256("0".repeat(64));
            doc.setUrlDownload("http://127.0.0.1/api/documenti/" + d[0]);
            p.getDocumento().add(doc);
        }
        Richiedente r = new Richiedente();
        r.setCodiceFiscale("10000000156");
        p.setRichiedente(r);
        try {
            p.setDataPresentazione(DatatypeFactory.newInstance().newXMLGregorianCalendar("2026-11-25T10:00:00Z"));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        RegistraPratica req = new RegistraPratica();
        req.setIdempotencyKey(key);
        req.setPratica(p);
        return req;
    }

    private static ProponiEsito proponi(String key, String idPratica, Esito esito) {
        ProponiEsito req = new ProponiEsito();
        req.setIdempotencyKey(key);
        req.setIdPratica(idPratica);
        req.setEsitoProposto(esito);
        return req;
    }

    @Test
    void registraPraticaIsIdempotent() throws Exception {
        RegistraPraticaResponse first = client.registraPratica(registra("k-1", "p-1"));
        RegistraPraticaResponse again = client.registraPratica(registra("k-1", "p-1"));
        RegistraPraticaResponse second = client.registraPratica(registra("k-2", "p-2"));
        assertThat(first.getProtocolloGeowork()).isEqualTo("GW-2026-000001");
        assertThat(first.isGiaRegistrata()).isFalse();
        assertThat(again.getProtocolloGeowork()).isEqualTo("GW-2026-000001");
        assertThat(again.isGiaRegistrata()).isTrue();
        assertThat(second.getProtocolloGeowork()).isEqualTo("GW-2026-000002");
        assertThat(geowork.registrations()).isEqualTo(2);
        assertThat(geowork.registrationCalls()).isEqualTo(3);
        assertThat(geowork.isRegistered("p-1")).isTrue();
        assertThat(geowork.isRegistered("p-3")).isFalse();
    }

    @Test
    void proponiEsitoIsValidatedThroughTheCallbackWithRetries() throws Exception {
        client.registraPratica(registra("k-1", "p-1"));
        // callback endpoint not up yet: the funzionario's callback must be retried
        assertThat(client.proponiEsito(proponi("e-1", "p-1", Esito.CONFORMAZIONE)).isAccettata()).isTrue();
        assertThat(client.proponiEsito(proponi("e-1", "p-1", Esito.CONFORMAZIONE)).isAccettata()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> geowork.validationRetries() >= 1);
        assertThat(geowork.validationsSent()).isZero();
        publishCallback();
        await().atMost(Duration.ofSeconds(15)).until(() -> geowork.validationsSent() == 1);
        assertThat(callback.received).hasSize(1);
        NotificaValidazioneEsito n = callback.received.get(0);
        assertThat(n.getIdPratica()).isEqualTo("p-1");
        assertThat(n.getEsitoValidato()).isEqualTo(Esito.CONFORMAZIONE);
        assertThat(n.getFunzionario()).isEqualTo("funz.rossi");
        assertThat(n.getDataValidazione()).isNotNull();
        assertThat(geowork.validatedOutcomes()).containsEntry("p-1", "CONFORMAZIONE");
        assertThat(geowork.proposals()).isEqualTo(1);
    }

    @Test
    void unavailableMeansConnectionRefusedAndComesBackOnTheSamePort() throws Exception {
        assertThat(client.registraPratica(registra("k-1", "p-1")).isGiaRegistrata()).isFalse();
        geowork.setAvailable(false);
        assertThatThrownBy(() -> client.registraPratica(registra("k-2", "p-2"))).isInstanceOf(WebServiceException.class);
        geowork.setAvailable(true);
        assertThat(client.registraPratica(registra("k-1", "p-1")).isGiaRegistrata()).isTrue();
        assertThat(client.registraPratica(registra("k-2", "p-2")).getProtocolloGeowork()).isEqualTo("GW-2026-000002");
        geowork.setAvailable(false);
        geowork.setAvailable(true);
        assertThat(client.registraPratica(registra("k-3", "p-3")).getProtocolloGeowork()).isEqualTo("GW-2026-000003");
    }

    @Test
    void formalCheckKoOnTheFirstVersionThenAdmissibleAfterTheCorrection() throws Exception {
        geowork.setVerificationDelay(Duration.ofMillis(50));
        publishCallback();
        client.registraPratica(registra("registra-p-1", "p-1", "ESERCIZIO_VICINATO_APERTURA", FaseVerifica.FORMALE, "1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> geowork.verifiche("p-1").size() == 1);
        NotificaVerifica ko = callback.verifiche.get(0);
        assertThat(ko.getIdPratica()).isEqualTo("p-1");
        assertThat(ko.getFase()).isEqualTo(FaseVerifica.FORMALE);
        assertThat(ko.getEsito()).isEqualTo(EsitoControllo.KO);
        assertThat(ko.getFunzionario()).isNotBlank();
        assertThat(ko.getDataVerifica()).isNotNull();
        assertThat(ko.getCorrezione()).hasSize(1);
        assertThat(ko.getCorrezione().get(0).getCodice()).isEqualTo("ESERCIZIO_VICINATO_APERTURA");
        assertThat(ko.getCorrezione().get(0).getRiferimento()).as("the instance's document, not the riepilogo").isEqualTo("planimetria_locali.pdf");
        assertThat(ko.getCorrezione().get(0).getTesto()).contains("Regolarizzare", "planimetria_locali.pdf");
        // a KO formal check is not followed by the admissibility one
        Thread.sleep(300);
        assertThat(callback.verifiche).hasSize(1);
        assertThat(geowork.verificheEsiti("p-1")).containsExactly("FORMALE:KO");
        assertThat(geowork.verifiche("p-1").get(0).statoPratica()).isEqualTo("correction_requested");
        assertThat(geowork.verifiche("p-1").get(0).correzioni()).containsExactly("planimetria_locali.pdf");

        // the corrected instance (version 2) comes back for its admissibility check, even under the same key
        client.registraPratica(registra("registra-p-1", "p-1", "ESERCIZIO_VICINATO_APERTURA", FaseVerifica.AMMISSIBILITA, "2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> callback.verifiche.size() == 2);
        assertThat(callback.verifiche.get(1).getFase()).isEqualTo(FaseVerifica.AMMISSIBILITA);
        assertThat(callback.verifiche.get(1).getEsito()).isEqualTo(EsitoControllo.OK);
        // a repeated registration is not checked again
        client.registraPratica(registra("registra-p-1", "p-1", "ESERCIZIO_VICINATO_APERTURA", FaseVerifica.AMMISSIBILITA, "2"));
        // version 2 asked for the formal check again: OK, then admissible
        client.registraPratica(registra("registra-p-1-v2", "p-1", "ESERCIZIO_VICINATO_APERTURA", FaseVerifica.FORMALE, "2"));
        await().atMost(Duration.ofSeconds(10)).until(() -> callback.verifiche.size() == 4);
        Thread.sleep(300);
        assertThat(geowork.verificheEsiti("p-1")).containsExactly("FORMALE:KO", "AMMISSIBILITA:OK", "FORMALE:OK", "AMMISSIBILITA:OK");
        assertThat(geowork.pratica("p-1").getVersioneIstanza()).isEqualTo("2");
    }

    @Test
    void inadmissibleAfterAFormalOk() throws Exception {
        geowork.setVerificationDelay(Duration.ofMillis(50));
        publishCallback();
        client.registraPratica(registra("registra-p-2", "p-2", "NOLEGGIO_SENZA_CONDUCENTE", FaseVerifica.FORMALE, "1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> geowork.verifiche("p-2").size() == 2);
        assertThat(callback.verifiche.get(0).getFase()).isEqualTo(FaseVerifica.FORMALE);
        assertThat(callback.verifiche.get(0).getEsito()).isEqualTo(EsitoControllo.OK);
        assertThat(callback.verifiche.get(0).getCorrezione()).isEmpty();
        NotificaVerifica ko = callback.verifiche.get(1);
        assertThat(ko.getFase()).isEqualTo(FaseVerifica.AMMISSIBILITA);
        assertThat(ko.getEsito()).isEqualTo(EsitoControllo.KO);
        assertThat(ko.getMotivazione()).contains("non ammissibile", "NOLEGGIO_SENZA_CONDUCENTE");
        assertThat(geowork.verifiche("p-2").get(1).statoPratica()).isEqualTo("refused");
    }

    @Test
    void standardProceduresPassAndWithoutAControlNothingIsChecked() throws Exception {
        geowork.setVerificationDelay(Duration.ofMillis(50));
        publishCallback();
        client.registraPratica(registra("registra-p-3", "p-3", "SOMMINISTRAZIONE_APERTURA", FaseVerifica.FORMALE, "1"));
        client.registraPratica(registra("registra-p-4", "p-4", "DEHORS_STAGIONALE", null, null));
        client.registraPratica(registra("registra-p-5", "p-5", "NOLEGGIO_SENZA_CONDUCENTE", FaseVerifica.AMMISSIBILITA, "1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> callback.verifiche.size() == 3);
        Thread.sleep(300);
        assertThat(geowork.verificheEsiti("p-3")).containsExactly("FORMALE:OK", "AMMISSIBILITA:OK");
        assertThat(geowork.verifiche("p-4")).isEmpty();
        assertThat(geowork.verificheEsiti("p-5")).as("only the admissibility check").containsExactly("AMMISSIBILITA:KO");
    }

    @Test
    void rulesAreOverridableAndManualModeWaits() throws Exception {
        geowork.setVerificationDelay(Duration.ofMillis(50));
        geowork.setFormalKoRules(List.of("DEHORS_.*"));
        geowork.setInadmissibleRules(List.of());
        assertThat(geowork.formalKo("DEHORS_STAGIONALE", "1")).isTrue();
        assertThat(geowork.formalKo("DEHORS_STAGIONALE", null)).as("no version: the first").isTrue();
        assertThat(geowork.formalKo("DEHORS_STAGIONALE", "2")).isFalse();
        assertThat(geowork.formalKo("ESERCIZIO_VICINATO_APERTURA", "1")).isFalse();
        assertThat(geowork.inadmissible("NOLEGGIO_SENZA_CONDUCENTE")).isFalse();
        publishCallback();
        geowork.setAutoVerify(false);
        client.registraPratica(registra("registra-p-6", "p-6", "DEHORS_STAGIONALE", FaseVerifica.FORMALE, "1"));
        Thread.sleep(300);
        assertThat(callback.verifiche).isEmpty();
        geowork.sendVerifica("p-6", FaseVerifica.FORMALE);
        await().atMost(Duration.ofSeconds(10)).until(() -> callback.verifiche.size() == 1);
        assertThat(callback.verifiche.get(0).getEsito()).isEqualTo(EsitoControllo.KO);
        NotificaVerifica crafted = new NotificaVerifica();
        crafted.setIdPratica("p-6");
        crafted.setFase(FaseVerifica.AMMISSIBILITA);
        crafted.setEsito(EsitoControllo.KO);
        crafted.setFunzionario("op.verdi");
        crafted.setDataVerifica(DatatypeFactory.newInstance().newXMLGregorianCalendar("2026-11-26T10:00:00Z"));
        crafted.setMotivazione("Manca la procura speciale");
        geowork.sendVerifica(crafted);
        await().atMost(Duration.ofSeconds(10)).until(() -> callback.verifiche.size() == 2);
        assertThat(callback.verifiche.get(1).getMotivazione()).isEqualTo("Manca la procura speciale");
        assertThatThrownBy(() -> geowork.sendVerifica("nope", FaseVerifica.FORMALE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void checksAreRetriedUntilTheGatewayAnswers() throws Exception {
        geowork.setVerificationDelay(Duration.ofMillis(50));
        client.registraPratica(registra("registra-p-7", "p-7", "SOMMINISTRAZIONE_APERTURA", FaseVerifica.FORMALE, "1"));
        await().pollDelay(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() -> true);
        assertThat(callback.verifiche).isEmpty();
        publishCallback();
        await().atMost(Duration.ofSeconds(15)).until(() -> geowork.verifiche("p-7").size() == 2);
        assertThat(geowork.verificheEsiti("p-7")).containsExactly("FORMALE:OK", "AMMISSIBILITA:OK");
        assertThat(geowork.verificationFailures()).isZero();
    }

    @Test
    void theValidationCarriesTheProvvedimento() throws Exception {
        publishCallback();
        client.registraPratica(registra("k-8", "p-8"));
        client.proponiEsito(proponi("esito-p-8-1", "p-8", Esito.POSITIVO));
        await().atMost(Duration.ofSeconds(10)).until(() -> geowork.validationsSent() == 1);
        NotificaValidazioneEsito n = callback.received.get(0);
        assertThat(n.getProvvedimento()).isNotNull();
        assertThat(n.getProvvedimento().getNomeFile()).isEqualTo("provvedimento-p-8.pdf");
        assertThat(n.getProvvedimento().getMimeType()).isEqualTo("application/pdf");
        String pdf = new String(n.getProvvedimento().getContenuto(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(pdf).startsWith("%PDF-1.4").contains("p-8", "favorevole", "esito-p-8-1").endsWith("%%EOF\n");
        assertThat(geowork.provvedimento("p-8")).isEqualTo(n.getProvvedimento().getContenuto());
        assertThat(GeoworkSimulator.provvedimentoPdf("p-8", Esito.POSITIVO, "esito-p-8-1")).as("the same act on every retry")
                .isEqualTo(n.getProvvedimento().getContenuto());

        geowork.setAttachProvvedimento(false);
        client.registraPratica(registra("k-9", "p-9"));
        client.proponiEsito(proponi("esito-p-9-1", "p-9", Esito.NEGATIVO));
        await().atMost(Duration.ofSeconds(10)).until(() -> geowork.validationsSent() == 2);
        assertThat(callback.received.get(1).getProvvedimento()).isNull();
        assertThat(geowork.provvedimento("p-9")).isNull();
    }
}
