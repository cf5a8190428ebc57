package it.comune.milano.suapgw.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.config.SecurityConfig;
import it.comune.milano.suapgw.gateway.documenti.DocumentLinks;
import it.comune.milano.suapgw.gateway.security.TrustedHeaders;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.persistence.PraticaReadModel;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.StatoPratica;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The gateway's API on pratiche for operators and integrators: list, detail, timeline, figures. Minimised per role:
 * an operatore sees the codice fiscale masked and not the data the applicant declared; a funzionario or an
 * amministratore sees them whole. Documents come with signed links bound to the operator who asked.
 */
@Component
public class PraticheApiRoute extends GatewayRouteBuilder {
    private final PraticaReadModel read;
    private final TimelineStore timeline;
    private final ObjectMapper json;
    private final DocumentLinks links;

    public PraticheApiRoute(PraticaReadModel read, TimelineStore timeline, ObjectMapper json, DocumentLinks links) {
        this.read = read;
        this.timeline = timeline;
        this.json = json;
        this.links = links;
    }

    @Override
    public void configure() {
        rest("/api")
                .get("/pratiche").routeId("rest-api-list-pratiche").to("direct:api-list-pratiche")
                .get("/pratiche/{id}").routeId("rest-api-get-pratica").to("direct:api-get-pratica")
                .get("/pratiche/{id}/timeline").routeId("rest-api-get-timeline").to("direct:api-get-timeline")
                .get("/pratiche/{id}/verifica").routeId("rest-api-verify-timeline").to("direct:api-verify-timeline")
                .get("/stats").routeId("rest-api-stats").to("direct:api-stats");

        fromApi("direct:api-list-pratiche", "api-list-pratiche")
                .process(e -> {
                    String state = e.getMessage().getHeader("state", String.class);
                    String stateName = null;
                    if (state != null) {
                        try {
                            stateName = StatoPratica.fromApiName(state).name();
                        } catch (IllegalArgumentException bad) {
                            throw ApiProblem.badRequest("unknown state " + state);
                        }
                    }
                    ApiResponses.json(e, json, read.pratiche(stateName, e.getMessage().getHeader("cui", String.class),
                            e.getMessage().getHeader("codice", String.class), e.getMessage().getHeader("cf", String.class),
                            bounded(e.getMessage().getHeader("richiedente", String.class))).stream().map(p -> summary(p, wholeView(e))).toList());
                });

        fromApi("direct:api-get-pratica", "api-get-pratica")
                .process(e -> {
                    UUID id = id(e);
                    Map<String, Object> p = read.pratica(id).orElseThrow(() -> ApiProblem.notFound("no pratica " + id));
                    boolean whole = wholeView(e);
                    Map<String, Object> out = summary(p, whole);
                    out.put("cui", p.get("cui") == null ? null : JsonColumns.read(json, p.get("cui")));
                    // the pratica as its channel described it (scrivania: riepilogo, impresa, moduli, enti coinvolti)
                    if (whole) out.put("dati", p.get("dati") == null ? null : JsonColumns.read(json, p.get("dati")));
                    String operator = e.getMessage().getHeader(TrustedHeaders.OPERATOR, String.class);
                    out.put("documents", read.documents(id).stream().map(d -> {
                        Map<String, Object> doc = new LinkedHashMap<>(d);
                        if (d.get("sha256") != null) doc.put("url", links.downloadUrl((String) d.get("sha256"), "operatore:" + operator));
                        return doc;
                    }).toList());
                    out.put("pareri", read.pareri(id));
                    Map<String, Object> outcome = new LinkedHashMap<>();
                    outcome.put("proposed", p.get("outcome_proposed"));
                    outcome.put("validated", p.get("outcome_validated"));
                    outcome.put("validatedBy", p.get("validated_by"));
                    outcome.put("frontOfficeNotifiedAt", p.get("fo_notified_at"));
                    out.put("outcome", outcome);
                    out.put("checklist", read.checklist(id));
                    out.put("comunicazioni", read.comunicazioni(id));
                    out.put("pendingOutbound", read.pendingOutbound(id));
                    ApiResponses.json(e, json, out);
                });

        fromApi("direct:api-get-timeline", "api-get-timeline")
                .process(e -> {
                    UUID id = id(e);
                    if (read.pratica(id).isEmpty()) throw ApiProblem.notFound("no pratica " + id);
                    ApiResponses.json(e, json, timeline.of(id));
                });

        fromApi("direct:api-verify-timeline", "api-verify-timeline")
                .process(e -> {
                    UUID id = id(e);
                    if (read.pratica(id).isEmpty()) throw ApiProblem.notFound("no pratica " + id);
                    ApiResponses.json(e, json, timeline.verify(id));
                });

        fromApi("direct:api-stats", "api-stats")
                .process(e -> ApiResponses.json(e, json, read.stats()));
    }

    private static String bounded(String search) {
        if (search != null && search.length() > 200) throw ApiProblem.badRequest("richiedente: at most 200 characters");
        return search;
    }

    /** Whether the caller's role needs the applicant's identity and declarations. */
    private static boolean wholeView(Exchange e) {
        return TrustedHeaders.hasAnyRole(e.getMessage().getHeader(TrustedHeaders.ROLES, String.class),
                SecurityConfig.FUNZIONARIO, SecurityConfig.AMMINISTRATORE);
    }

    static Map<String, Object> summary(Map<String, Object> p, boolean whole) {
        StatoPratica state = StatoPratica.valueOf((String) p.get("state"));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", p.get("id"));
        out.put("channel", p.get("channel"));
        out.put("cuiUuid", p.get("cui_uuid"));
        out.put("codicePratica", p.get("codice_pratica"));
        out.put("state", state.apiName());
        out.put("ssuState", state.ssuState());
        out.put("final", state.isFinal());
        out.put("procedure", p.get("procedure_code"));
        out.put("regime", p.get("regime"));
        out.put("applicant", whole ? p.get("applicant_cf") : mask((String) p.get("applicant_cf")));
        out.put("documentsStatus", p.get("documents_status"));
        out.put("geoworkProtocol", p.get("geowork_protocol"));
        out.put("anomaly", p.get("anomaly"));
        out.put("presentedAt", p.get("presented_at"));
        out.put("updatedAt", p.get("updated_at"));
        out.put("concludedAt", p.get("concluded_at"));
        return out;
    }

    static String mask(String cf) {
        if (cf == null || cf.length() < 6) return cf;
        return cf.substring(0, 3) + "*".repeat(cf.length() - 5) + cf.substring(cf.length() - 2);
    }

    private static UUID id(Exchange e) {
        try {
            return UUID.fromString(e.getMessage().getHeader("id", String.class));
        } catch (IllegalArgumentException | NullPointerException bad) {
            throw ApiProblem.notFound("no such pratica");
        }
    }
}
