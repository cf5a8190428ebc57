package it.comune.milano.suapgw.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.documenti.DocumentLinks;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.pareri.pec.PecReplyService;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.gateway.persistence.DisservizioStore;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.persistence.PraticaReadModel;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The operators' view of what went wrong: dead letters, the PEC quarantine, replay of undelivered calls, overdue pareri,
 * outages of the SSU's components.
 */
@Component
public class OperationsApiRoute extends GatewayRouteBuilder {
    private final DeadLetterStore deadLetters;
    private final OutboxStore outbox;
    private final PraticaReadModel read;
    private final DocumentLinks links;
    private final ObjectMapper json;
    private final DisservizioStore disservizi;

    public OperationsApiRoute(DeadLetterStore deadLetters, OutboxStore outbox, PraticaReadModel read, DocumentLinks links,
                              ObjectMapper json, DisservizioStore disservizi) {
        this.disservizi = disservizi;
        this.deadLetters = deadLetters;
        this.read = read;
        this.outbox = outbox;
        this.links = links;
        this.json = json;
    }

    @Override
    public void configure() {
        rest("/api")
                .get("/dead-letters").routeId("rest-api-list-dead-letters").to("direct:api-list-dead-letters")
                .get("/quarantine").routeId("rest-api-list-quarantine").to("direct:api-list-quarantine")
                .post("/dead-letters/{id}/replay").routeId("rest-api-replay-dead-letter").to("direct:api-replay-dead-letter")
                .post("/dead-letters/{id}/discard").routeId("rest-api-discard-dead-letter").to("direct:api-discard-dead-letter")
                .get("/pareri/scaduti").routeId("rest-api-pareri-scaduti").to("direct:api-pareri-scaduti")
                .get("/disservizi").routeId("rest-api-disservizi").to("direct:api-disservizi");

        // open outages of the SSU's components (§8.5.5); ?all=true includes the closed ones
        fromApi("direct:api-disservizi", "api-outages")
                .process(e -> ApiResponses.json(e, json,
                        disservizi.list(!"true".equals(e.getMessage().getHeader("all", String.class)))));

        fromApi("direct:api-pareri-scaduti", "api-pareri-overdue")
                .process(e -> ApiResponses.json(e, json, read.pareriScaduti()));

        fromApi("direct:api-list-dead-letters", "api-list-dead-letters")
                .process(e -> ApiResponses.json(e, json, deadLetters.list(e.getMessage().getHeader("category", String.class))));

        fromApi("direct:api-list-quarantine", "api-list-quarantine")
                .process(e -> ApiResponses.json(e, json, deadLetters.list(PecReplyService.QUARANTINE).stream().map(q -> {
                    Map<String, Object> out = new LinkedHashMap<>(q);
                    // headers are always written as JSON by PecReplyService
                    JsonNode h = JsonColumns.read(json, q.get("headers"));
                    out.put("headers", h);
                    out.put("rawMessageUrl", links.downloadUrl(h.path("rawSha256").asText(), "operatore"));
                    return out;
                }).toList()));

        fromApi("direct:api-replay-dead-letter", "api-replay-dead-letter")
                .process(e -> {
                    long id = deadLetterId(e);
                    int revived = outbox.revive(undeliveredCall(id, "replayed"));
                    if (revived == 1) deadLetters.markReplayed(id);
                    ApiResponses.json(e, json, Map.of("replayed", revived == 1));
                });

        // a dead call holds back the later calls to the same peer for its pratica (their order); given up, it frees them
        fromApi("direct:api-discard-dead-letter", "api-discard-dead-letter")
                .process(e -> {
                    long id = deadLetterId(e);
                    int discarded = outbox.discard(undeliveredCall(id, "discarded"));
                    if (discarded == 1) deadLetters.markDiscarded(id);
                    ApiResponses.json(e, json, Map.of("discarded", discarded == 1));
                });
    }

    private static long deadLetterId(org.apache.camel.Exchange e) {
        try {
            return Long.parseLong(e.getMessage().getHeader("id", String.class));
        } catch (NumberFormatException bad) {
            throw ApiProblem.notFound("no such dead letter");
        }
    }

    /** @return the outbox entry of a dead letter that is an undelivered outbound call */
    private long undeliveredCall(long id, String what) {
        Map<String, Object> dl = deadLetters.get(id);
        if (dl == null) throw ApiProblem.notFound("no such dead letter");
        if (dl.get("outbox_id") == null) {
            throw ApiProblem.badRequest("only undelivered outbound calls can be " + what + "; this one was a rejected inbound message");
        }
        return ((Number) dl.get("outbox_id")).longValue();
    }
}
