package it.comune.milano.suapgw.gateway.contatti;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.api.ApiParameters;
import it.comune.milano.suapgw.gateway.api.ApiProblem;
import it.comune.milano.suapgw.gateway.api.ApiResponses;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The contact centre's API ({@code /api/contatti}), for any operator role: record a contact, list them (of a pratica,
 * or the open follow-ups), read one with who has read it, close a follow-up, the contact KPIs.
 */
@Component
public class ContattiApiRoute extends GatewayRouteBuilder {
    private final ContattiService contatti;
    private final ObjectMapper json;

    public ContattiApiRoute(ContattiService contatti, ObjectMapper json) {
        this.contatti = contatti;
        this.json = json;
    }

    @Override
    public void configure() {
        rest("/api/contatti")
                .get().routeId("rest-api-contatti-list").to("direct:api-contatti-list")
                .post().routeId("rest-api-contatti-create").to("direct:api-contatti-create")
                .get("/kpi").routeId("rest-api-contatti-kpi").to("direct:api-contatti-kpi")
                .get("/{id}").routeId("rest-api-contatti-get").to("direct:api-contatti-get")
                .post("/{id}/seguito/chiuso").routeId("rest-api-contatti-close").to("direct:api-contatti-close");

        fromApi("direct:api-contatti-create", "api-contatti-create")
                .convertBodyTo(String.class)
                .process(e -> {
                    JsonNode body;
                    try {
                        body = json.readTree(e.getMessage().getBody(String.class));
                    } catch (Exception bad) {
                        throw ApiProblem.badRequest("the body is not JSON");
                    }
                    long id = contatti.create(ApiParameters.operator(e), body);
                    ApiResponses.json(e, json, Map.of("id", id));
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
                });

        fromApi("direct:api-contatti-list", "api-contatti-list")
                .process(e -> {
                    String pratica = e.getMessage().getHeader("pratica", String.class);
                    UUID id = null;
                    if (pratica != null && !pratica.isBlank()) {
                        try {
                            id = UUID.fromString(pratica);
                        } catch (IllegalArgumentException bad) {
                            throw ApiProblem.badRequest("pratica must be the pratica's id");
                        }
                    }
                    boolean open = "true".equals(e.getMessage().getHeader("seguitiAperti", String.class));
                    boolean pastDue = "true".equals(e.getMessage().getHeader("scaduti", String.class));
                    ApiResponses.json(e, json, contatti.list(ApiParameters.operator(e), id, open || pastDue, pastDue));
                });

        fromApi("direct:api-contatti-get", "api-contatti-get")
                .process(e -> {
                    long id = id(e);
                    Map<String, Object> out = new LinkedHashMap<>(contatti.get(ApiParameters.operator(e), id)
                            .orElseThrow(() -> ApiProblem.notFound("no contact " + id)));
                    out.put("accessi", contatti.accessi(id));
                    ApiResponses.json(e, json, out);
                });

        fromApi("direct:api-contatti-close", "api-contatti-close-follow-up")
                .convertBodyTo(String.class)
                .process(e -> {
                    String note = null;
                    String body = e.getMessage().getBody(String.class);
                    if (body != null && !body.isBlank()) {
                        try {
                            note = json.readTree(body).path("nota").asText(null);
                        } catch (Exception bad) {
                            throw ApiProblem.badRequest("the body is not JSON");
                        }
                    }
                    contatti.closeFollowUp(ApiParameters.operator(e), id(e), note);
                    ApiResponses.json(e, json, Map.of("chiuso", true));
                });

        fromApi("direct:api-contatti-kpi", "api-contatti-kpi")
                .process(e -> {
                    LocalDate al = ApiParameters.date(e, "al", LocalDate.now());
                    LocalDate dal = ApiParameters.date(e, "dal", al.withDayOfYear(1));
                    ApiResponses.json(e, json, contatti.kpi(dal, al));
                });
    }

    private static long id(Exchange e) {
        try {
            return Long.parseLong(e.getMessage().getHeader("id", String.class));
        } catch (NumberFormatException | NullPointerException bad) {
            throw ApiProblem.notFound("no such contact");
        }
    }
}
