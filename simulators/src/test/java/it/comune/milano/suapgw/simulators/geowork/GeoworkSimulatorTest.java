package it.comune.milano.suapgw.simulators.geowork;

import it.comune.milano.suapgw.schemas.geowork.ConvocaConferenza;
import it.comune.milano.suapgw.schemas.geowork.Documento;
import it.comune.milano.suapgw.schemas.geowork.EnteRichiedente;
import it.comune.milano.suapgw.schemas.geowork.FaseConferenza;
import it.comune.milano.suapgw.schemas.geowork.GeoworkFault_Exception;
import it.comune.milano.suapgw.schemas.geowork.ModalitaConferenza;
import it.comune.milano.suapgw.schemas.geowork.NotificaConferenza;
import it.comune.milano.suapgw.schemas.geowork.NotificaConferenzaResponse;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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
        final List<NotificaConferenza> conferenze = new CopyOnWriteArrayList<>();
        /** The state the gateway answers a CONVOCAZIONE with (a final one: the callback came too late). */
        volatile String statoDopoConvocazione = "cdss_convened";
        /** The next conferenza callbacks answered with a fault. */
        final AtomicInteger conferenzaFaults = new AtomicInteger();

        @Override
        public NotificaConferenzaResponse notificaConferenza(NotificaConferenza request) throws GeoworkFault_Exception {
            if (conferenzaFaults.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw GeoworkSimulator.fault("ERROR_500_007", "response processing error");
            }
            conferenze.add(request);
            NotificaConferenzaResponse r = new NotificaConferenzaResponse();
            r.setStatoPratica(request.getFase() == FaseConferenza.CONVOCAZIONE ? statoDopoConvocazione : "presented");
            return r;
        }

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

    // ------------------------------------------------------------------ conferenza dei servizi

    private static ConvocaConferenza convoca(String key, String idPratica, String... enti) {
        ConvocaConferenza c = new ConvocaConferenza();
        c.setIdempotencyKey(key);
        c.setIdPratica(idPratica);
        for (String ente : enti) {
            EnteRichiedente r = new EnteRichiedente();
            r.setEnte(ente);
            r.setCodiceIpa("cmmi");
            r.setCodiceUfficio("AMBIENTE");
            r.setDenominazione("Città metropolitana di Milano - Settore Ambiente");
            try {
                r.setDataRichiesta(DatatypeFactory.newInstance().newXMLGregorianCalendar("2026-11-26"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            c.getRichiedente().add(r);
        }
        return c;
    }

    @Test
    void aConferenzaIsConvenedAndThenDeterminedOnceWhateverTheRepeats() throws Exception {
        geowork.setConvocazioneDelay(Duration.ofMillis(50));
        geowork.setDeterminazioneDelay(Duration.ofMillis(100));
        publishCallback();
        client.registraPratica(registra("registra-p-c1", "p-c1", "DISTRIBUTORE_CARBURANTI_APERTURA", null, null));
        LocalDate before = LocalDate.now();
        assertThat(client.convocaConferenza(convoca("cdss-p-c1-citta", "p-c1", "citta-metropolitana")).isAccettata()).isTrue();
        assertThat(client.convocaConferenza(convoca("cdss-p-c1-citta", "p-c1", "citta-metropolitana")).isAccettata()).as("a repeat").isTrue();
        // another ente asking while the conferenza is open joins it
        assertThat(client.convocaConferenza(convoca("cdss-p-c1-arpa", "p-c1", "arpa-lombardia")).isAccettata()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> geowork.conferenzaFasi("p-c1").size() == 2);
        LocalDate after = LocalDate.now();
        assertThat(geowork.conferenzaFasi("p-c1")).containsExactly("CONVOCAZIONE", "DETERMINAZIONE:POSITIVO");

        NotificaConferenza convocazione = callback.conferenze.get(0);
        assertThat(convocazione.getIdPratica()).isEqualTo("p-c1");
        assertThat(convocazione.getFase()).isEqualTo(FaseConferenza.CONVOCAZIONE);
        assertThat(convocazione.getFunzionario()).isEqualTo(GeoworkSimulator.FUNZIONARIO);
        assertThat(convocazione.getData()).isNotNull();
        assertThat(convocazione.getModalita()).isEqualTo(ModalitaConferenza.SINCRONA);
        LocalDate data = LocalDate.parse(convocazione.getDataConvocazione().toXMLFormat());
        assertThat(data).isBetween(before.plusDays(10), after.plusDays(10));
        assertThat(convocazione.getCanale()).isEqualTo("videoconferenza https://conferenze.comune.milano.it/p-c1");
        assertThat(convocazione.getAtto().getNomeFile()).isEqualTo("convocazione-p-c1.pdf");
        assertThat(convocazione.getAtto().getMimeType()).isEqualTo("application/pdf");
        assertThat(new String(convocazione.getAtto().getContenuto(), StandardCharsets.ISO_8859_1)).startsWith("%PDF-1.4")
                .contains("p-c1", "conferenza dei servizi").endsWith("%%EOF\n");
        assertThat(convocazione.getEsito()).isNull();
        assertThat(geowork.attoConvocazione("p-c1")).isEqualTo(convocazione.getAtto().getContenuto());

        NotificaConferenza determinazione = callback.conferenze.get(1);
        assertThat(determinazione.getFase()).isEqualTo(FaseConferenza.DETERMINAZIONE);
        assertThat(determinazione.getEsito()).isEqualTo(Esito.POSITIVO);
        assertThat(determinazione.getMotivazione()).contains("conclusione positiva");
        assertThat(determinazione.getAtto()).isNull();

        assertThat(geowork.conferenze("p-c1")).singleElement().satisfies(c -> {
            assertThat(c.idempotencyKeys()).containsExactly("cdss-p-c1-citta", "cdss-p-c1-arpa");
            assertThat(c.richiedenti()).containsExactly("citta-metropolitana", "arpa-lombardia");
            assertThat(c.procedimento()).isEqualTo("DISTRIBUTORE_CARBURANTI_APERTURA");
            assertThat(c.chiusa()).isTrue();
            assertThat(c.fasi()).extracting(GeoworkSimulator.FaseConferenzaInviata::statoPratica).containsExactly("cdss_convened", "presented");
            assertThat(c.fasi().get(0).dataConvocazione()).isEqualTo(data);
        });
        assertThat(geowork.conferenzeCount()).isEqualTo(1);
        assertThat(geowork.conferenzaCalls()).isEqualTo(3);
        // nothing else follows
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> callback.conferenze.size() == 2);
        assertThat(geowork.conferenze("p-nope")).isEmpty();
        assertThat(geowork.conferenzaFasi("p-nope")).isEmpty();
    }

    @Test
    void theDeterminationFollowsTheRulesAndCallbacksAreRetriedOnFaults() throws Exception {
        Map<String, Esito> rules = new LinkedHashMap<>();
        rules.put(".*DISTRIBUTORE_CARBURANTI.*", Esito.NEGATIVO);
        rules.put(".*CARBURANTI.*|.*CARROZZERIA.*", Esito.CONFORMAZIONE);
        geowork.setDeterminazioneRules(rules);
        assertThat(geowork.determinazione("DISTRIBUTORE_CARBURANTI_APERTURA")).isEqualTo(Esito.NEGATIVO);
        assertThat(geowork.determinazione("DEPOSITO_CARBURANTI")).isEqualTo(Esito.CONFORMAZIONE);
        assertThat(geowork.determinazione("CARROZZERIA_APERTURA")).isEqualTo(Esito.CONFORMAZIONE);
        assertThat(geowork.determinazione("DEHORS_STAGIONALE")).isEqualTo(Esito.POSITIVO);
        assertThat(geowork.determinazione(null)).as("a pratica not registered").isEqualTo(Esito.POSITIVO);

        geowork.setConvocazioneDelay(Duration.ofMillis(20));
        geowork.setDeterminazioneDelay(Duration.ofMillis(20));
        client.registraPratica(registra("registra-p-c2", "p-c2", "DISTRIBUTORE_CARBURANTI_APERTURA", null, null));
        client.convocaConferenza(convoca("cdss-p-c2", "p-c2", "citta-metropolitana"));
        // the callback endpoint is down at first, then answers one fault: the funzionario keeps trying
        await().atMost(Duration.ofSeconds(10)).until(() -> geowork.conferenze("p-c2").size() == 1);
        callback.conferenzaFaults.set(1);
        publishCallback();
        await().atMost(Duration.ofSeconds(20)).until(() -> geowork.conferenzaFasi("p-c2").size() == 2);
        assertThat(geowork.conferenzaFasi("p-c2")).containsExactly("CONVOCAZIONE", "DETERMINAZIONE:NEGATIVO");
        assertThat(geowork.conferenze("p-c2").get(0).fasi().get(0).attempts()).isGreaterThan(1);
        assertThat(callback.conferenze.get(1).getMotivazione()).contains("conclusione negativa");
        assertThat(geowork.conferenzaFailures()).isZero();
    }

    @Test
    void aLateConvocationAnsweredWithAFinalStateClosesTheConferenza() throws Exception {
        geowork.setConvocazioneDelay(Duration.ofMillis(20));
        geowork.setDeterminazioneDelay(Duration.ofMillis(20));
        callback.statoDopoConvocazione = "ended_by_proceeding_time_expired";
        publishCallback();
        client.convocaConferenza(convoca("cdss-p-c3", "p-c3", "citta-metropolitana"));
        await().atMost(Duration.ofSeconds(10)).until(() -> geowork.conferenze("p-c3").size() == 1 && geowork.conferenze("p-c3").get(0).chiusa());
        assertThat(geowork.conferenzaFasi("p-c3")).containsExactly("CONVOCAZIONE");
        assertThat(geowork.conferenze("p-c3").get(0).fasi().get(0).statoPratica()).isEqualTo("ended_by_proceeding_time_expired");
        assertThat(geowork.conferenze("p-c3").get(0).procedimento()).as("not registered").isNull();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> callback.conferenze.size() == 1);
        assertThat(GeoworkSimulator.isFinal("refused")).isTrue();
        assertThat(GeoworkSimulator.isFinal("ENDED_BY_POSITIVE_OUTCOME")).isTrue();
        assertThat(GeoworkSimulator.isFinal("cdss_convened")).isFalse();
        assertThat(GeoworkSimulator.isFinal(null)).isFalse();
    }

    @Test
    void convocaConferenzaNeedsKeyPraticaAndARequesterAndManualModeWaits() throws Exception {
        assertThatThrownBy(() -> client.convocaConferenza(convoca("k", "p-c4"))).isInstanceOf(GeoworkFault_Exception.class)
                .hasMessageContaining("richiedente");
        assertThatThrownBy(() -> client.convocaConferenza(convoca(" ", "p-c4", "citta-metropolitana"))).isInstanceOf(GeoworkFault_Exception.class);
        assertThat(geowork.conferenze("p-c4")).isEmpty();

        geowork.setAutoConferenza(false);
        publishCallback();
        client.convocaConferenza(convoca("cdss-p-c4", "p-c4", "citta-metropolitana"));
        assertThat(geowork.conferenze("p-c4")).hasSize(1);
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> callback.conferenze.isEmpty());
        NotificaConferenza crafted = new NotificaConferenza();
        crafted.setIdPratica("p-c4");
        crafted.setFase(FaseConferenza.CONVOCAZIONE);
        crafted.setFunzionario("funz.verdi");
        crafted.setData(DatatypeFactory.newInstance().newXMLGregorianCalendar("2026-11-26T10:00:00Z"));
        crafted.setModalita(ModalitaConferenza.ASINCRONA);
        crafted.setCanale("PEC");
        geowork.sendNotificaConferenza(crafted);
        await().atMost(Duration.ofSeconds(10)).until(() -> callback.conferenze.size() == 1);
        assertThat(callback.conferenze.get(0).getModalita()).isEqualTo(ModalitaConferenza.ASINCRONA);
        assertThat(callback.conferenze.get(0).getFunzionario()).isEqualTo("funz.verdi");
    }
}
