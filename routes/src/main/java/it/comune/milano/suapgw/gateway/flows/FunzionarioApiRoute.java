package it.comune.milano.suapgw.gateway.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.osp.Decisione;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.service.OspProposals;
import it.comune.milano.suapgw.gateway.service.PraticaService;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The funzionario's API (role FUNZIONARIO, see SecurityConfig): the communications waiting for validation, and
 * validating (possibly editing the text or deciding otherwise) or rejecting them. Nothing reaches GEOPOST before.
 * Also the overdue pareri and their reminders.
 */
@Component
public class FunzionarioApiRoute extends RouteBuilder {
    private static final Set<String> TIPI = Set.of(Decisione.CONCESSIONE, Decisione.DINIEGO, Decisione.RICHIESTA_INTEGRAZIONE);
    private final PraticaService pratiche;
    private final OspProposals proposals;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final GatewayProperties props;

    public FunzionarioApiRoute(PraticaService pratiche, OspProposals proposals, JdbcTemplate jdbc, ObjectMapper json,
                               GatewayProperties props) {
        this.pratiche = pratiche;
        this.proposals = proposals;
        this.jdbc = jdbc;
        this.json = json;
        this.props = props;
    }

    static class Problem extends RuntimeException {
        final int status;

        Problem(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    @Override
    public void configure() {
        onException(Problem.class).handled(true).process(e -> {
            Problem p = e.getProperty(Exchange.EXCEPTION_CAUGHT, Problem.class);
            reply(e, p.status, Map.of("status", p.status, "message", p.getMessage()));
        });

        rest("/api/funzionario")
                .get("/comunicazioni").to("direct:funzionario-list")
                .get("/istanze/{istanza}/comunicazione").to("direct:funzionario-get")
                .post("/istanze/{istanza}/comunicazione").to("direct:funzionario-decide");
        rest("/api/pareri").get("/scaduti").to("direct:api-pareri-scaduti");

        from("direct:funzionario-list").routeId("funzionario-list-pending")
                .process(e -> reply(e, 200, jdbc.queryForList("""
                        select p.codice_pratica as "idIstanza", p.id as "idPratica", c.tipo, c.round, c.testo_proposto as testo,
                               c.created_at as "propostaIl"
                          from osp_comunicazione c join pratica p on p.id = c.pratica_id
                         where c.stato = 'PROPOSTA' and p.state = 'OUTCOME_PROPOSED' order by c.created_at""")));

        from("direct:funzionario-get").routeId("funzionario-get-pending")
                .process(e -> {
                    UUID id = pratica(e);
                    Map<String, Object> c = proposals.pending(id);
                    if (c == null) throw new Problem(404, "no communication waiting for validation");
                    reply(e, 200, view(c));
                });

        from("direct:funzionario-decide").routeId("funzionario-validate-or-reject")
                .convertBodyTo(String.class)
                .process(e -> {
                    UUID id = pratica(e);
                    String user = user(e);
                    JsonNode body;
                    try {
                        body = json.readTree(e.getMessage().getBody(String.class));
                    } catch (Exception bad) {
                        throw new Problem(400, "the body is not JSON");
                    }
                    String azione = body == null ? "" : body.path("azione").asText();
                    Map<String, Object> pending = proposals.pending(id);
                    if ("RIFIUTA".equals(azione)) {
                        if (!pratiche.rejectProposal(id, user)) throw new Problem(409, "no communication waiting for validation");
                        reply(e, 200, Map.of("esito", "RIFIUTATA"));
                        return;
                    }
                    if (!"VALIDA".equals(azione)) throw new Problem(400, "azione must be VALIDA or RIFIUTA");
                    String state = jdbc.queryForObject("select state from pratica where id = ?", String.class, id);
                    if (!StatoPratica.OUTCOME_PROPOSED.name().equals(state)) {
                        throw new Problem(409, "nothing to validate: the istanza is " + state.toLowerCase());
                    }
                    String tipo = body.hasNonNull("tipo") ? body.path("tipo").asText()
                            : pending == null ? null : (String) pending.get("tipo");
                    if (tipo == null || !TIPI.contains(tipo)) {
                        throw new Problem(400, "tipo must be one of " + TIPI + " (no proposal is pending to take it from)");
                    }
                    String testo = body.hasNonNull("testo") ? body.path("testo").asText() : null;
                    if (testo != null && (testo.isBlank() || testo.length() > 20000)) {
                        throw new Problem(400, "testo must be 1..20000 characters");
                    }
                    Esito esito = new Decisione(tipo, List.of(), List.of(), List.of()).esito();
                    try {
                        StatoPratica next = pratiche.validate(id, esito, user, testo, "FUNZIONARIO");
                        reply(e, 200, Map.of("esito", "VALIDATA", "tipo", tipo, "stato", next.apiName()));
                    } catch (SsuException notNow) {
                        throw new Problem(409, notNow.getMessage());
                    }
                });

        from("direct:api-pareri-scaduti").routeId("api-pareri-overdue")
                .process(e -> reply(e, 200, jdbc.queryForList("""
                        select r.id, p.codice_pratica as "codicePratica", r.pratica_id as "idPratica", r.ente_code as ente,
                               r.round, r.deadline, r.overdue_at as "scadutaIl", r.reminders as solleciti,
                               r.reminded_at as "ultimoSollecito"
                          from richiesta_parere r join pratica p on p.id = r.pratica_id
                         where r.status = 'OPEN' and r.deadline < current_date order by r.deadline""")));

        from("timer:pareri-deadlines?delay=5000&period=" + props.osp().deadlineCheckMs()).routeId("pareri-deadlines")
                .process(e -> pratiche.remindOverdue(Duration.ofHours(props.osp().reminderEveryHours())));
    }

    private UUID pratica(Exchange e) {
        String ref = e.getMessage().getHeader("istanza", String.class);
        try {
            UUID id = UUID.fromString(ref);
            if (!jdbc.queryForList("select id from pratica where id = ?", UUID.class, id).isEmpty()) return id;
        } catch (IllegalArgumentException notUuid) {
            List<UUID> ids = jdbc.queryForList("select id from pratica where codice_pratica = ?", UUID.class, ref);
            if (!ids.isEmpty()) return ids.get(0);
        }
        throw new Problem(404, "no istanza " + ref);
    }

    /** The authenticated funzionario (Spring Security has checked the credentials before the route runs). */
    private static String user(Exchange e) {
        String auth = e.getMessage().getHeader("Authorization", String.class);
        if (auth == null || !auth.regionMatches(true, 0, "Basic ", 0, 6)) throw new Problem(401, "authentication required");
        String decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
        return decoded.substring(0, Math.max(0, decoded.indexOf(':')));
    }

    private static Map<String, Object> view(Map<String, Object> c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.get("id"));
        out.put("tipo", c.get("tipo"));
        out.put("round", c.get("round"));
        out.put("testo", c.get("testo_proposto"));
        out.put("motivi", String.valueOf(c.get("motivi")));
        out.put("prescrizioni", String.valueOf(c.get("prescrizioni")));
        out.put("integrazioni", String.valueOf(c.get("integrazioni")));
        out.put("stato", c.get("stato"));
        return out;
    }

    private void reply(Exchange e, int status, Object body) throws Exception {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(json.writeValueAsString(body));
    }
}
