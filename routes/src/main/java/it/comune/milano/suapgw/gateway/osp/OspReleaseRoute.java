package it.comune.milano.suapgw.gateway.osp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.geopost.GeopostMapper;
import it.comune.milano.suapgw.connectors.geowork.GeoworkMapper;
import it.comune.milano.suapgw.connectors.geri.GeriMapper;
import it.comune.milano.suapgw.connectors.osapi.OsapiMapper;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.common.OutboundHttp;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.config.SoapEndpoints;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.model.Comunicazione;
import it.comune.milano.suapgw.schemas.geowork.RegistraAtto;
import it.comune.milano.suapgw.schemas.geowork.RegistraAttoResponse;
import org.apache.camel.Exchange;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.UUID;

/**
 * The release of a validated OSP act, in order on one ordering key: a concession registered in OSAPI (its number),
 * the canone of a temporary occupation told to GERI, the communication sent to GEOPOST, the act filed in Geowork.
 */
@Component
public class OspReleaseRoute extends GatewayRouteBuilder {
    private static final String TIPO_ATTO = "ospTipoAtto";

    private final OspRelease release;
    private final GeopostMapper geopost;
    private final OsapiMapper osapi;
    private final GeriMapper geri;
    private final GeoworkMapper geowork;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public OspReleaseRoute(OspRelease release, GeopostMapper geopost, OsapiMapper osapi, GeriMapper geri,
                           GeoworkMapper geowork, GatewayProperties props, ObjectMapper json) {
        this.release = release;
        this.geopost = geopost;
        this.osapi = osapi;
        this.geri = geri;
        this.geowork = geowork;
        this.props = props;
        this.json = json;
    }

    @Override
    public void configure() {
        GatewayProperties.Osp cfg = props.osp();

        fromOutbox(OutboxKind.OSAPI_REGISTER, "osp-osapi-register-concession")
                .process(e -> OutboundHttp.postJson(e, cfg.osapiUrl() + OsapiMapper.CONCESSIONI,
                        release.osapiRequest(entry(e).praticaId()).toString()))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> release.onConcessioneRegistered(entry(e).praticaId(), comunicazione(e),
                        osapi.numeroConcessione(answer(e))));

        fromOutbox(OutboxKind.GERI_CANONE, "osp-geri-canone-due")
                .process(e -> OutboundHttp.postJson(e, cfg.geriUrl() + GeriMapper.CANONI,
                        release.geriRequest(entry(e).praticaId(), comunicazione(e)).toString()))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> release.onCanoneRegistered(entry(e).praticaId(), comunicazione(e), geri.idAvviso(answer(e))));

        fromOutbox(OutboxKind.GEOPOST_SEND, "osp-geopost-send-communication")
                .process(e -> OutboundHttp.postJson(e, cfg.geopostUrl() + geopost.comunicazioniPath(release.idIstanza(entry(e).praticaId())),
                        geopost.comunicazione(release.comunicazione(entry(e).praticaId(), comunicazione(e))).toString()))
                .toD(OutboundHttp.TO_URL)
                .convertBodyTo(String.class)
                .process(e -> release.onCommunicationSent(entry(e).praticaId(), comunicazione(e), geopost.ricevuta(answer(e))));

        fromOutbox(OutboxKind.GEOWORK_ATTO, "osp-geowork-file-act")
                .process(this::fileInGeowork)
                .to(SoapEndpoints.GEOWORK_CLIENT)
                .process(e -> {
                    RegistraAttoResponse r = (RegistraAttoResponse) e.getMessage().getBody(List.class).get(0);
                    if (!r.isRegistrato()) throw new IllegalStateException("Geowork did not file the act");
                    release.onAttoFiled(entry(e).praticaId(), comunicazione(e), e.getProperty(TIPO_ATTO, String.class));
                });
    }

    /** The act exactly as GEOPOST received it. */
    private void fileInGeowork(Exchange e) {
        Comunicazione c = release.comunicazione(entry(e).praticaId(), comunicazione(e));
        RegistraAtto atto = geowork.registraAtto(entry(e).praticaId().toString(), c.id().toString(), c.tipo(),
                c.numeroConcessione(), c.testo(), c.validataDa(),
                java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(c.validataIl()));
        e.setProperty(TIPO_ATTO, atto.getTipoAtto());
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(CxfConstants.OPERATION_NAME, "registraAtto");
        e.getMessage().setBody(atto);
    }

    private static UUID comunicazione(Exchange e) {
        return UUID.fromString(entry(e).payload());
    }

    private JsonNode answer(Exchange e) throws Exception {
        return json.readTree(e.getMessage().getBody(String.class));
    }
}
