package it.comune.milano.suapgw.gateway.flows;

import it.comune.milano.suapgw.connectors.geowork.GeoworkMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.OutboxEntry;
import it.comune.milano.suapgw.gateway.service.PraticaService;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.schemas.geowork.GeoworkCallbackPortType;
import it.comune.milano.suapgw.schemas.geowork.GeoworkFault;
import it.comune.milano.suapgw.schemas.geowork.GeoworkFault_Exception;
import it.comune.milano.suapgw.schemas.geowork.GeoworkPortType;
import it.comune.milano.suapgw.schemas.geowork.NotificaValidazioneEsito;
import it.comune.milano.suapgw.schemas.geowork.NotificaValidazioneEsitoResponse;
import it.comune.milano.suapgw.schemas.geowork.ProponiEsitoResponse;
import it.comune.milano.suapgw.schemas.geowork.RegistraPraticaResponse;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.cxf.common.DataFormat;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Back-office delivery: the pratica and later the proposed outcome to Geowork (Camel CXF client, idempotency keys),
 * and Geowork's callback with the funzionario's validation (Camel CXF endpoint of the gateway).
 */
@Component
public class GeoworkDeliveryRoute extends RouteBuilder {
    private final PraticaService pratiche;
    private final GeoworkMapper mapper;
    private final GatewayProperties props;

    public GeoworkDeliveryRoute(PraticaService pratiche, GeoworkMapper mapper, GatewayProperties props) {
        this.pratiche = pratiche;
        this.mapper = mapper;
        this.props = props;
    }

    @Bean
    public CxfEndpoint geoworkClient(GatewayProperties props) {
        CxfEndpoint e = new CxfEndpoint();
        e.setAddress(props.geowork().address());
        e.setServiceClass(GeoworkPortType.class);
        e.setWsdlURL("classpath:geowork/geowork.wsdl");
        e.setDataFormat(DataFormat.POJO);
        return e;
    }

    @Bean
    public CxfEndpoint geoworkCallback() {
        CxfEndpoint e = new CxfEndpoint();
        e.setAddress("/geowork-callback");
        e.setServiceClass(GeoworkCallbackPortType.class);
        e.setWsdlURL("classpath:geowork/geowork-callback.wsdl");
        e.setDataFormat(DataFormat.POJO);
        Map<String, Object> p = new HashMap<>();
        p.put("schema-validation-enabled", "true");
        e.setProperties(p);
        return e;
    }

    @Override
    public void configure() {
        from("direct:outbox-GEOWORK_REGISTER").routeId("geowork-register-pratica")
                .errorHandler(noErrorHandler())
                .process(e -> {
                    OutboxEntry o = e.getMessage().getBody(OutboxEntry.class);
                    e.getMessage().setBody(mapper.registraPratica(pratiche.canonical(o.praticaId()),
                            d -> DocumentApi.downloadUrl(props, d.sha256())));
                    e.getMessage().setHeader(CxfConstants.OPERATION_NAME, "registraPratica");
                })
                .to("cxf:bean:geoworkClient")
                .process(e -> {
                    OutboxEntry o = e.getProperty("outboxEntry", OutboxEntry.class);
                    RegistraPraticaResponse r = (RegistraPraticaResponse) e.getMessage().getBody(List.class).get(0);
                    pratiche.onGeoworkRegistered(o.praticaId(), r.getProtocolloGeowork(), r.isGiaRegistrata());
                });

        from("direct:outbox-GEOWORK_PROPOSE_OUTCOME").routeId("geowork-propose-outcome")
                .errorHandler(noErrorHandler())
                .process(e -> {
                    OutboxEntry o = e.getMessage().getBody(OutboxEntry.class);
                    e.getMessage().setBody(mapper.proponiEsito(o.praticaId().toString(), pratiche.roundOf(o.praticaId()), Esito.valueOf(o.payload()),
                            pratiche.sintesiPareri(o.praticaId())));
                    e.getMessage().setHeader(CxfConstants.OPERATION_NAME, "proponiEsito");
                })
                .to("cxf:bean:geoworkClient")
                .process(e -> {
                    OutboxEntry o = e.getProperty("outboxEntry", OutboxEntry.class);
                    ProponiEsitoResponse r = (ProponiEsitoResponse) e.getMessage().getBody(List.class).get(0);
                    if (!r.isAccettata()) {
                        throw new IllegalStateException("Geowork did not accept the proposed outcome");
                    }
                    pratiche.onOutcomeProposed(o.praticaId(), o.payload());
                });

        from("cxf:bean:geoworkCallback").routeId("geowork-callback")
                .process(e -> {
                    NotificaValidazioneEsito n = (NotificaValidazioneEsito) e.getMessage().getBody(List.class).get(0);
                    StatoPratica state;
                    try {
                        state = pratiche.onOutcomeValidated(mapper.validazione(n));
                    } catch (SsuException ex) {
                        GeoworkFault fault = new GeoworkFault();
                        fault.setCodice(ex.code().name());
                        fault.setMessaggio(ex.getMessage());
                        throw new GeoworkFault_Exception(ex.getMessage(), fault);
                    }
                    NotificaValidazioneEsitoResponse r = new NotificaValidazioneEsitoResponse();
                    r.setStatoPratica(state.apiName());
                    e.getMessage().setBody(r);
                });
    }
}
