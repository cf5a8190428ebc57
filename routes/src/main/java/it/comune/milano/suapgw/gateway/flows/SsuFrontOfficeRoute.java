package it.comune.milano.suapgw.gateway.flows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.connectors.ssu.SsuHashes;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuSchemas;
import it.comune.milano.suapgw.gateway.service.PraticaService;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The bo_to_fo e-service the gateway provides to the national front-office, under /ssu/fo. Every request is
 * validated against the official contract; the answer comes only after the pratica is durable.
 */
@Component
public class SsuFrontOfficeRoute extends RouteBuilder {
    private static final Logger log = LoggerFactory.getLogger(SsuFrontOfficeRoute.class);
    private static final int MAX_BODY = 1_048_576;
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");

    private final PraticaService pratiche;
    private final SsuSchemas schemas;
    private final SsuMapper ssu;
    private final ObjectMapper json;
    private final JdbcTemplate jdbc;

    public SsuFrontOfficeRoute(PraticaService pratiche, SsuSchemas schemas, SsuMapper ssu, ObjectMapper json,
                               JdbcTemplate jdbc) {
        this.pratiche = pratiche;
        this.schemas = schemas;
        this.ssu = ssu;
        this.json = json;
        this.jdbc = jdbc;
    }

    @Override
    public void configure() {
        onException(SsuException.class).handled(true)
                .process(e -> error(e, e.getProperty(Exchange.EXCEPTION_CAUGHT, SsuException.class)));
        onException(Exception.class).handled(true)
                .process(e -> {
                    Exception ex = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                    log.error("SSU request failed", ex);
                    error(e, new SsuException(SsuErrorCode.ERROR_500_007, "response processing error"));
                });

        rest("/ssu/fo")
                .post("/send_instance").to("direct:ssu-send-instance")
                .post("/notify_receipt").to("direct:ssu-notify-receipt")
                .post("/retry").to("direct:ssu-retry")
                .post("/cancel_instance").to("direct:ssu-cancel-instance")
                .get("/instance/{cui_uuid}/document/{resource_id}").to("direct:ssu-get-document");

        from("direct:ssu-send-instance").routeId("ssu-send-instance")
                .process("ssuInboundSecurity")
                .process(e -> {
                    String raw = body(e);
                    JsonNode body = validated(raw, SsuSchemas.SEND_INSTANCE);
                    safeId("cui.uuid", body.path("cui").path("uuid").asText());
                    ssu.documentsOf(body).forEach(d -> safeId("resource_id", d.resourceId()));
                    PraticaService.Ricezione r;
                    try {
                        r = pratiche.receiveSendInstance(body, raw);
                    } catch (DuplicateKeyException race) {
                        r = PraticaService.Ricezione.DUPLICATE; // the same instance arrived twice at once
                    }
                    log.info("send_instance {}: {}", body.path("cui").path("uuid").asText(), r);
                    ok(e);
                });

        from("direct:ssu-notify-receipt").routeId("ssu-notify-receipt")
                .process("ssuInboundSecurity")
                .process(e -> {
                    String raw = body(e);
                    pratiche.receiveNotifyReceipt(validated(raw, SsuSchemas.NOTIFY_RECEIPT), raw);
                    ok(e);
                });

        from("direct:ssu-retry").routeId("ssu-retry")
                .process("ssuInboundSecurity")
                .process(e -> {
                    String raw = body(e);
                    JsonNode body = validated(raw, SsuSchemas.BO_RETRY);
                    if (body.path("cui").path("uuid").isMissingNode() || body.path("operation").isMissingNode()) {
                        throw new SsuException(SsuErrorCode.ERROR_400_001, "retry needs cui and operation");
                    }
                    pratiche.receiveRetry(body, raw);
                    ok(e);
                });

        from("direct:ssu-cancel-instance").routeId("ssu-cancel-instance")
                .process("ssuInboundSecurity")
                .process(e -> {
                    throw new SsuException(SsuErrorCode.ERROR_503_001, "cancel_instance is not available yet");
                });

        from("direct:ssu-get-document").routeId("ssu-get-document")
                .process("ssuInboundSecurity")
                .process(e -> {
                    String cui = e.getMessage().getHeader("cui_uuid", String.class);
                    String rid = e.getMessage().getHeader("resource_id", String.class);
                    String ifMatch = e.getMessage().getHeader("If-Match", String.class);
                    if (ifMatch == null || ifMatch.isBlank()) {
                        throw new SsuException(SsuErrorCode.ERROR_428_001, "If-Match with the resource hash is required");
                    }
                    List<Map<String, Object>> rows = jdbc.queryForList("""
                            select d.alg_hash, d.expected_hash, x.content from pratica p
                              join pratica_documento d on d.pratica_id = p.id
                              join documento x on x.sha256 = d.sha256
                             where p.cui_uuid = ? and d.resource_id = ? and d.status = 'VERIFIED'""", cui, rid);
                    if (rows.isEmpty()) {
                        throw new SsuException(SsuErrorCode.ERROR_404_001, "no document " + rid + " for CUI " + cui);
                    }
                    byte[] content = (byte[]) rows.get(0).get("content");
                    String alg = (String) rows.get(0).get("alg_hash");
                    if (!SsuHashes.matches(alg, ifMatch.replace("\"", ""), content)) {
                        throw new SsuException(SsuErrorCode.ERROR_412_001, "If-Match does not match the resource hash");
                    }
                    e.getMessage().getHeaders().clear();
                    e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
                    e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain");
                    e.getMessage().setBody(Base64.getEncoder().encodeToString(content));
                });
    }

    private static String body(Exchange e) {
        String raw = e.getMessage().getBody(String.class);
        if (raw == null || raw.isBlank()) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "request body is empty");
        }
        if (raw.length() > MAX_BODY) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "request body exceeds " + MAX_BODY + " characters");
        }
        return raw;
    }

    private JsonNode validated(String raw, String schema) {
        JsonNode node;
        try {
            node = json.readTree(raw);
        } catch (JsonProcessingException ex) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "body is not valid JSON: " + ex.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "body must be a JSON object");
        }
        List<String> errors = schemas.validate(schema, node);
        if (!errors.isEmpty()) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, String.join("; ", errors));
        }
        return node;
    }

    private static void safeId(String what, String value) {
        if (!SAFE_ID.matcher(value).matches()) {
            throw new SsuException(SsuErrorCode.ERROR_400_001,
                    "$." + what + ": '" + (value.length() > 40 ? value.substring(0, 40) + "..." : value)
                            + "' must be 1-100 characters of [A-Za-z0-9._:-]");
        }
    }

    private static void ok(Exchange e) {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setBody(null);
    }

    private void error(Exchange e, SsuException ex) {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, ex.code().httpStatus());
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        e.getMessage().setBody(ssu.error(ex.code(), ex.getMessage()).toString());
    }
}
