package it.comune.milano.suapgw.gateway.intake.ssu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.ssu.SsuContract;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.stereotype.Component;

import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bo_to_fo e-service the gateway provides to the national front-office, under /ssu/fo. Every request is
 * validated against the official contract; the answer comes only after the pratica is durable; every error is
 * answered in the SSU format {@code {"code":"ERROR_xxx_yyy","message":...}}.
 */
@Component
public class SsuFrontOfficeRoute extends GatewayRouteBuilder {
    private static final Logger log = LoggerFactory.getLogger(SsuFrontOfficeRoute.class);
    private static final int MAX_BODY = 1_048_576;
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,100}");
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern HASH_TEXT = Pattern.compile("\"?[A-Za-z0-9+/=_-]{1,200}\"?");
    private static final String CONTENT_RANGE = "ssuContentRange";
    static final String SECURITY = "ssuInboundSecurity";

    private final SsuIntakeService intake;
    private final PraticaRepository pratiche;
    private final JsonContracts contracts;
    private final SsuMapper ssu;
    private final ObjectMapper json;

    public SsuFrontOfficeRoute(SsuIntakeService intake, PraticaRepository pratiche, JsonContracts contracts, SsuMapper ssu,
                               ObjectMapper json) {
        this.intake = intake;
        this.pratiche = pratiche;
        this.contracts = contracts;
        this.ssu = ssu;
        this.json = json;
    }

    @Override
    public void configure() {
        onException(SsuException.class).handled(true)
                .process(e -> error(e, e.getProperty(Exchange.EXCEPTION_CAUGHT, SsuException.class)));
        onException(LifecycleException.class).handled(true)
                .process(e -> {
                    // ERROR_500_008 is the code of notify and audit, which the front-office serves: every operation
                    // of bo_to_fo the state does not take is ERROR_500_009 (Tabella 30)
                    LifecycleException ex = e.getProperty(Exchange.EXCEPTION_CAUGHT, LifecycleException.class);
                    error(e, new SsuException(SsuErrorCode.ERROR_500_009, ex.getMessage()));
                });
        // the database or another resource of ours is unreachable for now: the front-office retries (§8.5.4)
        onException(TransientDataAccessException.class, CannotCreateTransactionException.class,
                DataAccessResourceFailureException.class).handled(true)
                .process(e -> {
                    log.warn("SSU request refused for now: {}", e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class).toString());
                    error(e, new SsuException(SsuErrorCode.ERROR_503_001, "the service cannot take the request now"));
                });
        onException(Exception.class).handled(true)
                .process(e -> {
                    log.error("SSU request failed", e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
                    error(e, new SsuException(SsuErrorCode.ERROR_500_007, null));
                });

        rest("/ssu/fo")
                .post("/send_instance").to("direct:ssu-send-instance")
                .post("/notify_receipt").to("direct:ssu-notify-receipt")
                .post("/retry").to("direct:ssu-retry")
                .post("/cancel_instance").to("direct:ssu-cancel-instance")
                .get("/instance/{cui_uuid}/document/{resource_id}").to("direct:ssu-get-document");

        from("direct:ssu-send-instance").routeId("ssu-send-instance")
                .process(SECURITY)
                .process(e -> {
                    String raw = body(e);
                    JsonNode body = validated(raw, SsuContract.SEND_INSTANCE);
                    String cui = cuiUuid(body.path("cui"));
                    PraticaMdc.set(e, null, cui);
                    ssu.documentsOf(body).forEach(d -> safeId("resource_id", d.resourceId()));
                    SsuIntakeService.Ricezione r;
                    try {
                        r = intake.receiveSendInstance(body, raw);
                    } catch (DuplicateKeyException race) {
                        r = SsuIntakeService.Ricezione.DUPLICATE; // the same instance arrived twice at once
                    }
                    log.info("send_instance {}: {}", cui, r);
                    ok(e);
                });

        from("direct:ssu-notify-receipt").routeId("ssu-notify-receipt")
                .process(SECURITY)
                .process(e -> {
                    String raw = body(e);
                    JsonNode body = validated(raw, SsuContract.NOTIFY_RECEIPT);
                    cuiUuid(body.path("cui"));
                    intake.receiveNotifyReceipt(body, raw);
                    ok(e);
                });

        from("direct:ssu-retry").routeId("ssu-retry")
                .process(SECURITY)
                .process(e -> {
                    String raw = body(e);
                    JsonNode body = validated(raw, SsuContract.BO_RETRY);
                    if (body.path("cui").path("uuid").isMissingNode() || body.path("operation").isMissingNode()) {
                        throw new SsuException(SsuErrorCode.ERROR_400_001, "retry needs cui and operation");
                    }
                    cuiUuid(body.path("cui"));
                    intake.receiveRetry(body, raw);
                    ok(e);
                });

        from("direct:ssu-cancel-instance").routeId("ssu-cancel-instance")
                .process(SECURITY)
                .process(e -> {
                    JsonNode cui = validated(body(e), SsuContract.CANCEL_INSTANCE);
                    PraticaMdc.set(e, null, cuiUuid(cui));
                    intake.receiveCancel(cui);
                    ok(e);
                });

        from("direct:ssu-get-document").routeId("ssu-get-document")
                .process(SECURITY)
                .process(this::document);
    }

    /**
     * A document of the instance — one the front-office sent, or the act of the back-office — served only against its
     * hash (If-Match), whole or one byte range (RFC 9110, single part), base64-encoded.
     */
    private void document(Exchange e) {
        String cui = e.getMessage().getHeader("cui_uuid", String.class);
        String rid = e.getMessage().getHeader("resource_id", String.class);
        String ifMatch = e.getMessage().getHeader("If-Match", String.class);
        String range = e.getMessage().getHeader("Range", String.class);
        if (!UUID_TEXT.matcher(cui == null ? "" : cui).matches() || pratiche.lockFreeIdByCui(cui).isEmpty()) {
            throw new SsuException(SsuErrorCode.ERROR_500_002, "no instance with CUI uuid " + abbreviate(cui));
        }
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new SsuException(SsuErrorCode.ERROR_428_001, "If-Match with the resource hash is required");
        }
        // what the request names must be a resource id and a hash (hex, base64, base64url, optionally quoted)
        if (rid == null || !SAFE_ID.matcher(rid).matches()) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "resource_id '" + abbreviate(rid) + "' must be 1-100 characters of [A-Za-z0-9._:-]");
        }
        if (!HASH_TEXT.matcher(ifMatch.trim()).matches()) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "If-Match must carry the resource hash (hex, base64 or base64url)");
        }
        PraticaRepository.StoredContent d = pratiche.verifiedContent(cui, rid)
                .orElseThrow(() -> new SsuException(SsuErrorCode.ERROR_404_001, "no document " + abbreviate(rid) + " for CUI " + cui));
        if (!ContentHashes.matches(d.algHash(), ifMatch.replace("\"", ""), d.content())) {
            throw new SsuException(SsuErrorCode.ERROR_412_001, "If-Match does not match the resource hash");
        }
        byte[] content = d.content();
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain");
        e.getMessage().setHeader("Accept-Ranges", "bytes");
        if (range == null || range.isBlank()) {
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            e.getMessage().setBody(Base64.getEncoder().encodeToString(content));
            return;
        }
        ByteRange r = ByteRange.parse(range, content.length);
        if (r == null) {
            e.setProperty(CONTENT_RANGE, "bytes */" + content.length);
            throw new SsuException(SsuErrorCode.ERROR_416_001, "range '" + abbreviate(range) + "' cannot be satisfied for "
                    + content.length + " bytes (one range, bytes unit)");
        }
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 206);
        e.getMessage().setHeader("Content-Range", "bytes " + r.first() + "-" + r.last() + "/" + content.length);
        e.getMessage().setBody(Base64.getEncoder().encodeToString(
                java.util.Arrays.copyOfRange(content, (int) r.first(), (int) r.last() + 1)));
    }

    /** The CUI's uuid, which names the instance (and a path of the Catalogo): a UUID, else the CUI is invalid. */
    private static String cuiUuid(JsonNode cui) {
        String uuid = cui.path("uuid").asText();
        if (!UUID_TEXT.matcher(uuid).matches()) {
            throw new SsuException(SsuErrorCode.ERROR_500_002, "cui.uuid '" + abbreviate(uuid) + "' is not a UUID");
        }
        return uuid;
    }

    private static String abbreviate(String s) {
        return s == null ? null : s.length() > 40 ? s.substring(0, 40) + "..." : s;
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
        List<String> errors = contracts.validate(schema, node);
        if (!errors.isEmpty()) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, String.join("; ", errors));
        }
        return node;
    }

    private static void safeId(String what, String value) {
        if (!SAFE_ID.matcher(value).matches()) {
            throw new SsuException(SsuErrorCode.ERROR_500_003,
                    "$." + what + ": '" + abbreviate(value) + "' must be 1-100 characters of [A-Za-z0-9._:-]");
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
        String contentRange = e.getProperty(CONTENT_RANGE, String.class);
        if (contentRange != null) e.getMessage().setHeader("Content-Range", contentRange);
        e.getMessage().setBody(ssu.error(ex.code(), ex.getMessage()).toString());
    }
}
