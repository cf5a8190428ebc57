package it.comune.milano.suapgw.gateway.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.service.PecService;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.gateway.persistence.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.StatoPratica;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/** The gateway's own API for operators and integrators: pratiche, timelines, figures, documents, dead letters. */
@Component
public class GatewayApiRoute extends RouteBuilder {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private final JdbcTemplate jdbc;
    private final TimelineStore timeline;
    private final DeadLetterStore deadLetters;
    private final OutboxStore outbox;
    private final ObjectMapper json;
    private final GatewayProperties props;

    public GatewayApiRoute(JdbcTemplate jdbc, TimelineStore timeline, DeadLetterStore deadLetters, OutboxStore outbox,
                           ObjectMapper json, GatewayProperties props) {
        this.props = props;
        this.jdbc = jdbc;
        this.timeline = timeline;
        this.deadLetters = deadLetters;
        this.outbox = outbox;
        this.json = json;
    }

    static class NotFound extends RuntimeException {
        NotFound(String m) {
            super(m);
        }
    }

    static class BadRequest extends RuntimeException {
        BadRequest(String m) {
            super(m);
        }
    }

    @Override
    public void configure() {
        onException(NotFound.class).handled(true).process(e -> problem(e, 404));
        onException(BadRequest.class).handled(true).process(e -> problem(e, 400));

        rest("/api")
                .get("/pratiche").to("direct:api-list-pratiche")
                .get("/pratiche/{id}").to("direct:api-get-pratica")
                .get("/pratiche/{id}/timeline").to("direct:api-get-timeline")
                .get("/stats").to("direct:api-stats")
                .get("/documenti/{sha256}").to("direct:api-get-documento")
                .get("/dead-letters").to("direct:api-list-dead-letters")
                .get("/quarantine").to("direct:api-list-quarantine")
                .post("/dead-letters/{id}/replay").to("direct:api-replay-dead-letter");

        from("direct:api-list-pratiche").routeId("api-list-pratiche")
                .process(e -> {
                    String state = e.getMessage().getHeader("state", String.class);
                    String cui = e.getMessage().getHeader("cui", String.class);
                    String codice = e.getMessage().getHeader("codice", String.class);
                    StringBuilder sql = new StringBuilder("select * from pratica where 1=1");
                    List<Object> args = new java.util.ArrayList<>();
                    if (state != null) {
                        try {
                            args.add(StatoPratica.fromApiName(state).name());
                        } catch (IllegalArgumentException bad) {
                            throw new BadRequest("unknown state " + state);
                        }
                        sql.append(" and state = ?");
                    }
                    if (cui != null) {
                        sql.append(" and cui_uuid = ?");
                        args.add(cui);
                    }
                    if (codice != null) {
                        sql.append(" and codice_pratica = ?");
                        args.add(codice);
                    }
                    sql.append(" order by presented_at desc limit 1000");
                    json(e, jdbc.queryForList(sql.toString(), args.toArray()).stream().map(this::summary).toList());
                });

        from("direct:api-get-pratica").routeId("api-get-pratica")
                .process(e -> {
                    UUID id = id(e);
                    Map<String, Object> p = pratica(id);
                    Map<String, Object> out = summary(p);
                    out.put("cui", p.get("cui") == null ? null : json.readTree(String.valueOf(p.get("cui"))));
                    // the pratica as its channel described it (scrivania: riepilogo, impresa, moduli, enti coinvolti)
                    out.put("dati", p.get("dati") == null ? null : json.readTree(String.valueOf(p.get("dati"))));
                    out.put("documents", jdbc.queryForList("""
                            select resource_id, name, code, mime_type, alg_hash, expected_hash, sha256, status, last_error,
                                   verified_at from pratica_documento where pratica_id = ? order by resource_id""", id));
                    out.put("pareri", jdbc.queryForList("""
                            select r.id, r.ente_code, r.channel, r.round, r.previous_id, r.deadline, r.status, r.requested_at,
                                   r.sent_at, r.answered_at, r.esito, r.prescrizioni::text as prescrizioni, r.motivazione,
                                   r.firmatario, (select json_agg(json_build_object('name', a.name, 'sha256', a.sha256))::text
                                                    from parere_allegato a where a.richiesta_id = r.id) as allegati
                              from richiesta_parere r where r.pratica_id = ? order by r.round, r.ente_code""", id));
                    Map<String, Object> outcome = new LinkedHashMap<>();
                    outcome.put("proposed", p.get("outcome_proposed"));
                    outcome.put("validated", p.get("outcome_validated"));
                    outcome.put("validatedBy", p.get("validated_by"));
                    outcome.put("frontOfficeNotifiedAt", p.get("fo_notified_at"));
                    out.put("outcome", outcome);
                    // OSP: the pre-istruttoria of every round, and the communications composed for the applicant
                    out.put("checklist", jdbc.queryForList("""
                            select round, codice, descrizione, esito, evidenza, checked_at from osp_checklist
                             where pratica_id = ? order by round, codice""", id));
                    out.put("comunicazioni", jdbc.queryForList("""
                            select id, round, tipo, stato, coalesce(testo, testo_proposto) as testo, validata_da, validata_il,
                                   numero_concessione, id_avviso_geri, inviata_il from osp_comunicazione
                             where pratica_id = ? order by created_at""", id));
                    out.put("pendingOutbound", jdbc.queryForList("""
                            select id, kind, status, attempts, next_attempt_at, last_error from outbox
                             where pratica_id = ? and status <> 'DONE' order by id""", id));
                    json(e, out);
                });

        from("direct:api-get-timeline").routeId("api-get-timeline")
                .process(e -> {
                    UUID id = id(e);
                    pratica(id);
                    json(e, timeline.of(id));
                });

        from("direct:api-stats").routeId("api-stats")
                .process(e -> {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("received", count("select count(*) from pratica"));
                    s.put("documentsVerified", count("select count(*) from pratica_documento where status = 'VERIFIED'"));
                    s.put("documentsMismatched", count("select count(*) from pratica_documento where status = 'HASH_MISMATCH'"));
                    s.put("deliveredToGeowork", count("select count(*) from pratica where geowork_protocol is not null"));
                    s.put("pareriRequested", count("select count(*) from richiesta_parere where sent_at is not null"));
                    s.put("pareriReceived", count("select count(*) from richiesta_parere where status = 'ANSWERED'"));
                    s.put("outcomesValidated", count("select count(*) from pratica where outcome_validated is not null"));
                    s.put("frontOfficeNotified", count("select count(*) from pratica where fo_notified_at is not null"));
                    s.put("outboundPending", count("select count(*) from outbox where status = 'PENDING'"));
                    s.put("deadLetters", count("select count(*) from dead_letter where replayed_at is null"));
                    s.put("pecQuarantined", count("select count(*) from dead_letter where category = 'PEC_QUARANTINE'"));
                    s.put("ospIstanze", count("select count(*) from pratica where channel = 'GEOPOST'"));
                    s.put("ospComunicazioniDaValidare", count("select count(*) from osp_comunicazione where stato = 'PROPOSTA'"));
                    s.put("ospComunicazioniInviate", count("select count(*) from osp_comunicazione where stato = 'INVIATA'"));
                    s.put("pareriScaduti", count("select count(*) from richiesta_parere where status = 'OPEN' and deadline < current_date"));
                    Map<String, Object> byState = new LinkedHashMap<>();
                    jdbc.queryForList("select state, count(*) as n from pratica group by state order by state")
                            .forEach(r -> byState.put(((String) r.get("state")).toLowerCase(), r.get("n")));
                    s.put("byState", byState);
                    json(e, s);
                });

        from("direct:api-get-documento").routeId("api-get-documento")
                .process(e -> {
                    String sha = e.getMessage().getHeader("sha256", String.class);
                    if (sha == null || !SHA256.matcher(sha).matches()) throw new NotFound("no such document");
                    List<Map<String, Object>> rows = jdbc.queryForList("""
                            select x.content, (select d.mime_type from pratica_documento d where d.sha256 = x.sha256
                                               and d.mime_type is not null limit 1) as mime
                              from documento x where x.sha256 = ?""", sha);
                    if (rows.isEmpty()) throw new NotFound("no such document");
                    String mime = (String) rows.get(0).get("mime");
                    e.getMessage().getHeaders().clear();
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, mime == null ? "application/octet-stream" : mime);
                    e.getMessage().setHeader("Digest", "sha-256=" + java.util.Base64.getEncoder()
                            .encodeToString(java.util.HexFormat.of().parseHex(sha)));
                    e.getMessage().setBody(rows.get(0).get("content"));
                });

        from("direct:api-list-dead-letters").routeId("api-list-dead-letters")
                .process(e -> json(e, deadLetters.list(e.getMessage().getHeader("category", String.class))));

        from("direct:api-list-quarantine").routeId("api-list-quarantine")
                .process(e -> json(e, deadLetters.list(PecService.QUARANTINE).stream().map(q -> {
                    Map<String, Object> out = new LinkedHashMap<>(q);
                    try {
                        JsonNode h = json.readTree(String.valueOf(q.get("headers")));
                        out.put("headers", h);
                        out.put("rawMessageUrl", DocumentApi.downloadUrl(props, h.path("rawSha256").asText()));
                    } catch (Exception ignored) {
                        // headers are always written as JSON by PecService
                    }
                    return out;
                }).toList()));

        from("direct:api-replay-dead-letter").routeId("api-replay-dead-letter")
                .process(e -> {
                    long id;
                    try {
                        id = Long.parseLong(e.getMessage().getHeader("id", String.class));
                    } catch (NumberFormatException bad) {
                        throw new NotFound("no such dead letter");
                    }
                    Map<String, Object> dl = deadLetters.get(id);
                    if (dl == null) throw new NotFound("no such dead letter");
                    if (dl.get("outbox_id") == null) {
                        throw new BadRequest("only undelivered outbound calls can be replayed; this one was a rejected inbound message");
                    }
                    int revived = outbox.revive(((Number) dl.get("outbox_id")).longValue());
                    if (revived == 1) deadLetters.markReplayed(id);
                    json(e, Map.of("replayed", revived == 1));
                });
    }

    private Map<String, Object> summary(Map<String, Object> p) {
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
        out.put("applicant", mask((String) p.get("applicant_cf")));
        out.put("documentsStatus", p.get("documents_status"));
        out.put("geoworkProtocol", p.get("geowork_protocol"));
        out.put("anomaly", p.get("anomaly"));
        out.put("presentedAt", p.get("presented_at"));
        out.put("updatedAt", p.get("updated_at"));
        return out;
    }

    private static String mask(String cf) {
        if (cf == null || cf.length() < 6) return cf;
        return cf.substring(0, 3) + "*".repeat(cf.length() - 5) + cf.substring(cf.length() - 2);
    }

    private Map<String, Object> pratica(UUID id) {
        List<Map<String, Object>> rows = jdbc.queryForList("select * from pratica where id = ?", id);
        if (rows.isEmpty()) throw new NotFound("no pratica " + id);
        return rows.get(0);
    }

    private static UUID id(Exchange e) {
        try {
            return UUID.fromString(e.getMessage().getHeader("id", String.class));
        } catch (IllegalArgumentException | NullPointerException bad) {
            throw new NotFound("no such pratica");
        }
    }

    private long count(String sql) {
        return jdbc.queryForObject(sql, Long.class);
    }

    private void json(Exchange e, Object value) throws Exception {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(json.writeValueAsString(value));
    }

    private void problem(Exchange e, int status) throws Exception {
        Exception ex = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(json.writeValueAsString(Map.of("status", status, "message", ex.getMessage())));
    }
}
