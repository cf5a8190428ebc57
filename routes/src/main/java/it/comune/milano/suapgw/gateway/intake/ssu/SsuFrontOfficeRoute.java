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
import org.springframework.dao.DuplicateKeyException;
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
                    LifecycleException ex = e.getProperty(Exchange.EXCEPTION_CAUGHT, LifecycleException.class);
                    error(e, new SsuException(ex.kind() == LifecycleException.Kind.EVENT_NOT_EXPECTED
                            ? SsuErrorCode.ERROR_500_008 : SsuErrorCode.ERROR_500_009, ex.getMessage()));
                });
        onException(Exception.class).handled(true)
                .process(e -> {
                    log.error("SSU request failed", e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
                    error(e, new SsuException(SsuErrorCode.ERROR_500_007, "response processing error"));
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
                    String cui = body.path("cui").path("uuid").asText();
                    safeId("cui.uuid", cui);
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
                    intake.receiveNotifyReceipt(validated(raw, SsuContract.NOTIFY_RECEIPT), raw);
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
                    intake.receiveRetry(body, raw);
                    ok(e);
                });

        from("direct:ssu-cancel-instance").routeId("ssu-cancel-instance")
                .process(SECURITY)
                .process(e -> {
                    throw new SsuException(SsuErrorCode.ERROR_503_001, "cancel_instance is not available yet");
                });

        from("direct:ssu-get-document").routeId("ssu-get-document")
                .process(SECURITY)
                .process(this::document);
    }

    /** A document of the instance, served only against its hash (If-Match). */
    private void document(Exchange e) {
        String cui = e.getMessage().getHeader("cui_uuid", String.class);
        String rid = e.getMessage().getHeader("resource_id", String.class);
        String ifMatch = e.getMessage().getHeader("If-Match", String.class);
        if (ifMatch == null || ifMatch.isBlank()) {
            throw new SsuException(SsuErrorCode.ERROR_428_001, "If-Match with the resource hash is required");
        }
        PraticaRepository.StoredContent d = pratiche.verifiedContent(cui, rid)
                .orElseThrow(() -> new SsuException(SsuErrorCode.ERROR_404_001, "no document " + rid + " for CUI " + cui));
        if (!ContentHashes.matches(d.algHash(), ifMatch.replace("\"", ""), d.content())) {
            throw new SsuException(SsuErrorCode.ERROR_412_001, "If-Match does not match the resource hash");
        }
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "text/plain");
        e.getMessage().setBody(Base64.getEncoder().encodeToString(d.content()));
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
