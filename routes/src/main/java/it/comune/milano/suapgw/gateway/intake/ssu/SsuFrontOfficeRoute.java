package it.comune.milano.suapgw.gateway.intake.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.ssu.SsuContract;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

import java.util.UUID;

/**
 * The bo_to_fo e-service the gateway provides to the national front-office, under /ssu/fo. Every request is
 * validated against the official contract; the answer comes only after the pratica is durable; every error is
 * answered in the SSU format {@code {"code":"ERROR_xxx_yyy","message":...}}.
 */
@Component
public class SsuFrontOfficeRoute extends SsuEserviceRouteBuilder {
    private static final Logger log = LoggerFactory.getLogger(SsuFrontOfficeRoute.class);
    static final String SECURITY = "ssuInboundSecurity";

    private final SsuIntakeService intake;
    /** the front-office reads every document of an instance the back-office holds: its own, the enti's, the act */
    private final DocumentAccess FRONT_OFFICE = new DocumentAccess() {
        @Override
        public UUID instance(String cuiUuid) {
            return pratiche.lockFreeIdByCui(cuiUuid)
                    .orElseThrow(() -> new SsuException(SsuErrorCode.ERROR_500_002, "no instance with CUI uuid " + cuiUuid));
        }

        @Override
        public void resource(UUID praticaId, String resourceId) {
        }
    };

    public SsuFrontOfficeRoute(SsuIntakeService intake, PraticaRepository pratiche, JsonContracts contracts, SsuMapper ssu,
                               ObjectMapper json) {
        super(pratiche, contracts, ssu, json);
        this.intake = intake;
    }

    @Override
    public void configure() {
        ssuErrorHandling();

        rest("/ssu/fo")
                .post("/send_instance").routeId("rest-ssu-send-instance").to("direct:ssu-send-instance")
                .post("/notify_receipt").routeId("rest-ssu-notify-receipt").to("direct:ssu-notify-receipt")
                .post("/retry").routeId("rest-ssu-retry").to("direct:ssu-retry")
                .post("/cancel_instance").routeId("rest-ssu-cancel-instance").to("direct:ssu-cancel-instance")
                .get("/instance/{cui_uuid}/document/{resource_id}").routeId("rest-ssu-get-document").to("direct:ssu-get-document");

        from("direct:ssu-send-instance").routeId("ssu-send-instance")
                .process(SECURITY)
                .process(e -> {
                    String raw = body(e);
                    JsonNode body = validated(raw, SsuContract.SEND_INSTANCE);
                    String cui = cuiUuid(body.path("cui"));
                    PraticaMdc.set(e, null, cui);
                    bounded(body);
                    SsuIntakeService.Ricezione r;
                    try {
                        r = intake.receiveSendInstance(body, raw);
                    } catch (DuplicateKeyException race) {
                        // the same instance arrived twice at once; another instance with this cui.value is not the same
                        if (pratiche.lockFreeIdByCui(cui).isEmpty()) {
                            throw new SsuException(SsuErrorCode.ERROR_500_002, "cui.value belongs to another instance");
                        }
                        r = SsuIntakeService.Ricezione.DUPLICATE;
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

        from("direct:ssu-get-document").routeId("ssu-get-document").streamCache("false") // the document streams out
                .process(SECURITY)
                .process(e -> document(e, FRONT_OFFICE));
    }

    /** What the instance names must fit where it is kept: a longer value is refused, never cut or crashed on. */
    private void bounded(JsonNode body) {
        String value = body.path("cui").path("value").asText("");
        if (value.length() > 100) {
            throw new SsuException(SsuErrorCode.ERROR_500_002, "cui.value longer than 100 characters");
        }
        if (body.path("instance_descriptor_version").asText("").length() > 20) {
            throw new SsuException(SsuErrorCode.ERROR_400_001, "$.instance_descriptor_version: longer than 20 characters");
        }
        ssu.documentsOf(body).forEach(d -> {
            safeId("resource_id", d.resourceId());
            within("code", d.code(), 200);
            within("ref", d.ref(), 300);
            within("name", d.name(), 300);
            within("mime_type", d.mimeType(), 100);
            within("hash", d.hash(), 200);
        });
    }

    private static void within(String what, String value, int max) {
        if (value != null && value.length() > max) {
            throw new SsuException(SsuErrorCode.ERROR_500_003, "$." + what + ": '" + abbreviate(value) + "' longer than " + max + " characters");
        }
    }
}
