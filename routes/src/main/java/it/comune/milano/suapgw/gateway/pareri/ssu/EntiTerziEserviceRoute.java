package it.comune.milano.suapgw.gateway.pareri.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.ssu.SsuContract;
import it.comune.milano.suapgw.connectors.ssu.SsuEntiMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.conferenza.ConferenzaService;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuClientAuthentication;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuEserviceRouteBuilder;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.model.Ente;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.UUID;

/**
 * The bo_to_et e-service the gateway provides to the enti terzi that have their own system, under /ssu/et: their
 * conclusions, integration requests, requests for a conferenza, retry requests, and the documents they were sent. The
 * ente is the authenticated client; it reaches only the instances it was sent.
 */
@Component
public class EntiTerziEserviceRoute extends SsuEserviceRouteBuilder {
    static final String ENTE = "ssuEnte";

    private final EntiSsuService enti;
    private final ConferenzaService conferenze;
    private final SsuClientAuthentication auth;
    private final SsuEntiMapper mapper;
    private final GatewayProperties props;

    public EntiTerziEserviceRoute(EntiSsuService enti, ConferenzaService conferenze, SsuClientAuthentication auth,
                                  SsuEntiMapper mapper, GatewayProperties props, PraticaRepository pratiche,
                                  JsonContracts contracts, SsuMapper ssu, ObjectMapper json) {
        super(pratiche, contracts, ssu, json);
        this.enti = enti;
        this.conferenze = conferenze;
        this.auth = auth;
        this.mapper = mapper;
        this.props = props;
    }

    @Override
    public void configure() {
        ssuErrorHandling();

        rest("/ssu/et")
                .post("/send_conclusions").routeId("rest-et-send-conclusions").to("direct:et-send-conclusions")
                .post("/request_integration").routeId("rest-et-request-integration").to("direct:et-request-integration")
                .post("/request_cdss").routeId("rest-et-request-cdss").to("direct:et-request-cdss")
                .post("/retry").routeId("rest-et-retry").to("direct:et-retry")
                .get("/instance/{cui_uuid}/document/{resource_id}").routeId("rest-et-get-document").to("direct:et-get-document");

        fromEnte("et-send-conclusions", SsuContract.SEND_CONCLUSIONS, enti::conclusions);
        fromEnte("et-request-integration", SsuContract.ET_REQUEST_INTEGRATION, enti::integrationRequest);

        from("direct:et-request-cdss").routeId("et-request-cdss")
                .process(this::caller)
                .process(e -> {
                    JsonNode body = validated(body(e), SsuContract.REQUEST_CDSS);
                    JsonNode cui = mapper.cdssCui(body);
                    cuiUuid(cui);
                    conferenze.request(ente(e), cui);
                    ok(e);
                });

        from("direct:et-retry").routeId("et-retry")
                .process(this::caller)
                .process(e -> {
                    JsonNode body = validated(body(e), SsuContract.ET_BO_RETRY);
                    if (body.path("cui").isMissingNode() || body.path("operation").isMissingNode()) {
                        throw new SsuException(SsuErrorCode.ERROR_400_001, "retry needs cui and operation");
                    }
                    cuiUuid(body.path("cui"));
                    enti.retry(ente(e), body);
                    ok(e);
                });

        from("direct:et-get-document").routeId("et-get-document").streamCache("false") // the document streams out
                .process(this::caller)
                .process(e -> {
                    Ente ente = ente(e);
                    document(e, new DocumentAccess() {
                        @Override
                        public UUID instance(String cuiUuid) {
                            return enti.readable(ente, cuiUuid, null);
                        }

                        @Override
                        public void resource(UUID praticaId, String resourceId) {
                            enti.readable(ente, praticaId, resourceId);
                        }
                    });
                });
    }

    /** The ente calling: its client authenticated, and an ente terzo of the registry. */

    /** An ente's message about one of its instances: validated, its CUI checked, handed to the service with its raw text. */
    private void fromEnte(String routeId, String schema, EnteMessage service) {
        from("direct:" + routeId).routeId(routeId)
                .process(this::caller)
                .process(e -> {
                    String raw = body(e);
                    JsonNode body = validated(raw, schema);
                    cuiUuid(body.path("cui"));
                    service.take(ente(e), body, raw);
                    ok(e);
                });
    }

    @FunctionalInterface
    private interface EnteMessage {
        void take(Ente ente, JsonNode body, String raw) throws Exception;
    }

    private void caller(Exchange e) {
        String client = auth.authenticate(e);
        Ente ente = props.enteBySsuClient(client)
                .orElseThrow(() -> new SsuException(SsuErrorCode.ERROR_401_002, "client " + client + " is not an ente terzo"));
        e.setProperty(ENTE, ente);
    }

    private static Ente ente(Exchange e) {
        return e.getProperty(ENTE, Ente.class);
    }
}
