package it.comune.milano.suapgw.gateway.intake.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.ssu.SsuContract;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.common.ContractViolationException;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Atto;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * What the back-office owes the front-office (fo_to_bo notify, request_correction, request_integration, retry) and
 * the Catalogo (audit, update_times): each body built from the outbox entry and checked against the official
 * contract before it leaves — a body that does not validate is our bug, never sent — and each delivery booked.
 */
@Service
public class SsuAnswerService {
    private final PraticaRepository pratiche;
    private final TimelineStore timeline;
    private final SsuMapper ssu;
    private final JsonContracts contracts;
    private final ObjectMapper json;

    public SsuAnswerService(PraticaRepository pratiche, TimelineStore timeline, SsuMapper ssu, JsonContracts contracts,
                            ObjectMapper json) {
        this.pratiche = pratiche;
        this.timeline = timeline;
        this.ssu = ssu;
        this.contracts = contracts;
        this.json = json;
    }

    /** @param payload {@code {"event":...,"resource_id":...}} as booked at the transition */
    public String notifyBody(UUID id, String payload) {
        JsonNode p = JsonColumns.read(json, payload);
        Atto atto = p.hasNonNull("resource_id") ? pratiche.act(id, p.path("resource_id").asText()).orElse(null) : null;
        var body = ssu.notify(pratiche.cuiOf(id), pratiche.descriptorVersionOf(id), p.path("event").asText(), atto);
        // cdss_convened: how the conferenza meets (the published NotifyMessage allows these further properties)
        for (String f : new String[]{"cdss_channel", "cdss_convocation", "cdss_admin_act_filename", "mime_type"}) {
            if (p.hasNonNull(f)) body.put(f, p.get(f).asText());
        }
        return checked(SsuContract.NOTIFY, body);
    }

    /** The event of a notify payload, for the timeline. */
    public String event(String payload) {
        return JsonColumns.read(json, payload).path("event").asText();
    }

    /** A body fixed when it was booked (request_correction, request_integration, retry, update_times), checked. */
    public String fixedBody(String schema, String payload) {
        return checked(schema, JsonColumns.read(json, payload));
    }

    /** The audit's event_time is when the event was booked, not when the call is made. */
    public String auditBody(UUID id, String message, Instant bookedAt) {
        return checked(SsuContract.AUDIT, ssu.audit(pratiche.cuiOf(id), message, OffsetDateTime.ofInstant(bookedAt, ZoneOffset.UTC)));
    }

    private String checked(String schema, JsonNode body) {
        List<String> errors = contracts.validate(schema, body);
        if (!errors.isEmpty()) throw new ContractViolationException(schema, errors);
        return body.toString();
    }

    @Transactional
    public void onFrontOfficeCalled(UUID id, String operation, String sha256, String detail) {
        if ("notify".equals(operation)) pratiche.markFrontOfficeNotified(id);
        timeline.record(id, TimelineStore.OUT, "FRONTOFFICE", operation, "DELIVERED", sha256, detail);
    }

    /** @param response the Catalogo's answer (AuditResponse, InstanceDescriptor), possibly empty */
    @Transactional
    public void onCatalogoCalled(UUID id, String operation, String sha256, JsonNode response) {
        String type = response == null ? "ok" : response.path("type").asText("ok");
        timeline.record(id, TimelineStore.OUT, "CATALOGO", operation, type, sha256, null);
    }
}
