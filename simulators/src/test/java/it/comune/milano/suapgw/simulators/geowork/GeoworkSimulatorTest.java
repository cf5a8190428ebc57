package it.comune.milano.suapgw.simulators.geowork;

import it.comune.milano.suapgw.schemas.geowork.Esito;
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
        Pratica p = new Pratica();
        p.setIdPratica(idPratica);
        p.setCanale("SSU");
        p.setProcedimento("SOMMINISTRAZIONE_APERTURA");
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
}
