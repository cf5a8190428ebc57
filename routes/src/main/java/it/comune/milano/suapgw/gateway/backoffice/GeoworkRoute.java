package it.comune.milano.suapgw.gateway.backoffice;

import it.comune.milano.suapgw.connectors.geowork.GeoworkMapper;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.config.SoapEndpoints;
import it.comune.milano.suapgw.gateway.documenti.DocumentLinks;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.lifecycle.UnknownPraticaException;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.gateway.conferenza.ConferenzaService;
import it.comune.milano.suapgw.schemas.geowork.ConvocaConferenzaResponse;
import it.comune.milano.suapgw.schemas.geowork.NotificaConferenza;
import it.comune.milano.suapgw.schemas.geowork.NotificaConferenzaResponse;
import it.comune.milano.suapgw.schemas.geowork.GeoworkFault;
import it.comune.milano.suapgw.schemas.geowork.GeoworkFault_Exception;
import it.comune.milano.suapgw.schemas.geowork.NotificaValidazioneEsito;
import it.comune.milano.suapgw.schemas.geowork.NotificaValidazioneEsitoResponse;
import it.comune.milano.suapgw.schemas.geowork.NotificaVerifica;
import it.comune.milano.suapgw.schemas.geowork.NotificaVerificaResponse;
import it.comune.milano.suapgw.schemas.geowork.ProponiEsitoResponse;
import it.comune.milano.suapgw.schemas.geowork.RegistraPraticaResponse;
import org.apache.camel.Exchange;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.UUID;

/**
 * Back-office delivery: the pratica, the proposed outcome and a conferenza to convene to Geowork (Camel CXF client,
 * idempotency keys), and Geowork's callbacks (the gateway's CXF endpoint): the operator's checks, the conferenza's
 * convocation and determination, the funzionario's validation.
 */
@Component
public class GeoworkRoute extends GatewayRouteBuilder {
    private final GeoworkService geowork;
    private final GeoworkMapper mapper;
    private final DocumentLinks links;
    private final ConferenzaService conferenze;

    public GeoworkRoute(GeoworkService geowork, GeoworkMapper mapper, DocumentLinks links, ConferenzaService conferenze) {
        this.conferenze = conferenze;
        this.geowork = geowork;
        this.mapper = mapper;
        this.links = links;
    }

    @Override
    public void configure() {
        fromOutbox(OutboxKind.GEOWORK_REGISTER, "geowork-register-pratica")
                .process(e -> {
                    UUID id = entry(e).praticaId();
                    String controllo = entry(e).payload();
                    soap(e, "registraPratica", mapper.registraPratica(geowork.pratica(id), d -> links.downloadUrl(d.sha256(), "geowork"),
                            controllo == null || controllo.isBlank() || !controllo.matches("[A-Z]+") ? null : controllo,
                            geowork.versione(id)));
                })
                .to(SoapEndpoints.GEOWORK_CLIENT)
                .process(e -> {
                    RegistraPraticaResponse r = (RegistraPraticaResponse) e.getMessage().getBody(List.class).get(0);
                    geowork.onRegistered(entry(e).praticaId(), r.getProtocolloGeowork(), r.isGiaRegistrata());
                });

        fromOutbox(OutboxKind.GEOWORK_PROPOSE_OUTCOME, "geowork-propose-outcome")
                .process(e -> {
                    UUID id = entry(e).praticaId();
                    soap(e, "proponiEsito", mapper.proponiEsito(id.toString(), geowork.round(id),
                            Esito.valueOf(entry(e).payload()), geowork.sintesiPareri(id)));
                })
                .to(SoapEndpoints.GEOWORK_CLIENT)
                .process(e -> {
                    ProponiEsitoResponse r = (ProponiEsitoResponse) e.getMessage().getBody(List.class).get(0);
                    if (!r.isAccettata()) throw new IllegalStateException("Geowork did not accept the proposed outcome");
                    geowork.onOutcomeProposed(entry(e).praticaId(), entry(e).payload());
                });

        fromOutbox(OutboxKind.GEOWORK_CONVOCA_CONFERENZA, "geowork-convoca-conferenza")
                .process(e -> soap(e, "convocaConferenza", mapper.convocaConferenza(entry(e).praticaId().toString(),
                        conferenze.richiedenti(entry(e).praticaId()))))
                .to(SoapEndpoints.GEOWORK_CLIENT)
                .process(e -> {
                    ConvocaConferenzaResponse r = (ConvocaConferenzaResponse) e.getMessage().getBody(List.class).get(0);
                    if (!r.isAccettata()) throw new IllegalStateException("Geowork did not accept the conferenza");
                    conferenze.onConvocaSent(entry(e).praticaId());
                });

        from(SoapEndpoints.GEOWORK_CALLBACK).routeId("geowork-callback")
                .choice()
                    .when(header(CxfConstants.OPERATION_NAME).isEqualTo("notificaConferenza"))
                        .process(e -> {
                            NotificaConferenza n = (NotificaConferenza) e.getMessage().getBody(List.class).get(0);
                            NotificaConferenzaResponse r = new NotificaConferenzaResponse();
                            r.setStatoPratica(answered(() -> conferenze.onConferenza(mapper.conferenza(n))).apiName());
                            e.getMessage().setBody(r);
                        })
                    .when(header(CxfConstants.OPERATION_NAME).isEqualTo("notificaVerifica"))
                        .process(e -> {
                            NotificaVerifica n = (NotificaVerifica) e.getMessage().getBody(List.class).get(0);
                            NotificaVerificaResponse r = new NotificaVerificaResponse();
                            r.setStatoPratica(answered(() -> geowork.onVerifica(mapper.verifica(n))).apiName());
                            e.getMessage().setBody(r);
                        })
                    .otherwise()
                        .process(e -> {
                            NotificaValidazioneEsito n = (NotificaValidazioneEsito) e.getMessage().getBody(List.class).get(0);
                            NotificaValidazioneEsitoResponse r = new NotificaValidazioneEsitoResponse();
                            r.setStatoPratica(answered(() -> geowork.onValidated(mapper.validazione(n))).apiName());
                            e.getMessage().setBody(r);
                        })
                .end();
    }

    /** The state the callback leads to, or Geowork's fault with the codes it already knows. */
    private static StatoPratica answered(java.util.function.Supplier<StatoPratica> call) throws GeoworkFault_Exception {
        try {
            return call.get();
        } catch (UnknownPraticaException ex) {
            throw fault("ERROR_404_001", ex.getMessage());
        } catch (IllegalArgumentException ex) {
            throw fault("ERROR_400_001", ex.getMessage());
        } catch (LifecycleException ex) {
            // the SSU's codes for an event or an operation out of step
            throw fault(ex.kind() == LifecycleException.Kind.EVENT_NOT_EXPECTED ? "ERROR_500_008" : "ERROR_500_009",
                    ex.getMessage());
        }
    }

    private static void soap(Exchange e, String operation, Object request) {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(CxfConstants.OPERATION_NAME, operation);
        e.getMessage().setBody(request);
    }

    private static GeoworkFault_Exception fault(String codice, String messaggio) {
        GeoworkFault fault = new GeoworkFault();
        fault.setCodice(codice);
        fault.setMessaggio(messaggio);
        return new GeoworkFault_Exception(messaggio, fault);
    }
}
