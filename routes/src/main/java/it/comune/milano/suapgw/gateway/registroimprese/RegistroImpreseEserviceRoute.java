package it.comune.milano.suapgw.gateway.registroimprese;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.ssu.SsuContract;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuClientAuthentication;
import it.comune.milano.suapgw.gateway.intake.ssu.SsuEserviceRouteBuilder;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.UUID;

/**
 * The bo_to_ri e-service the gateway provides to the Registro Imprese (RI_InformationDebit-001), under /ssu/ri ({@code retry}, the documents of the instances it was sent), for the
 * authenticated Registro Imprese only.
 */
@Component
public class RegistroImpreseEserviceRoute extends SsuEserviceRouteBuilder {
    private final RegistroImpreseService ri;
    private final SsuClientAuthentication auth;
    private final GatewayProperties props;

    public RegistroImpreseEserviceRoute(RegistroImpreseService ri, SsuClientAuthentication auth, GatewayProperties props,
                                PraticaRepository pratiche, JsonContracts contracts, SsuMapper ssu, ObjectMapper json) {
        super(pratiche, contracts, ssu, json);
        this.ri = ri;
        this.auth = auth;
        this.props = props;
    }

    @Override
    public void configure() {
        ssuErrorHandling();
        rest("/ssu/ri")
                .post("/retry").routeId("rest-ri-retry").to("direct:ri-retry")
                .get("/instance/{cui_uuid}/document/{resource_id}").routeId("rest-ri-get-document").to("direct:ri-get-document");

        from("direct:ri-retry").routeId("ri-retry")
                .process(this::caller)
                .process(e -> {
                    JsonNode body = validated(body(e), SsuContract.RI_BO_RETRY);
                    if (body.path("cui").isMissingNode() || body.path("operation").isMissingNode()) {
                        throw new SsuException(SsuErrorCode.ERROR_400_001, "retry needs cui and operation");
                    }
                    cuiUuid(body.path("cui"));
                    ri.retry(body);
                    ok(e);
                });

        from("direct:ri-get-document").routeId("ri-get-document")
                .process(this::caller)
                .process(e -> document(e, new DocumentAccess() {
                    @Override
                    public UUID instance(String cuiUuid) {
                        return ri.sentInstance(cuiUuid, false);
                    }

                    @Override
                    public void resource(UUID praticaId, String resourceId) {
                        ri.readable(praticaId, resourceId);
                    }
                }));
    }

    /** Only the Registro Imprese's client. */
    private void caller(Exchange e) {
        String client = auth.authenticate(e);
        var cfg = props.ssu() == null ? null : props.ssu().registroImprese();
        if (cfg == null || !client.equals(cfg.client())) {
            throw new SsuException(SsuErrorCode.ERROR_401_002, "client " + client + " is not the Registro Imprese");
        }
    }
}
