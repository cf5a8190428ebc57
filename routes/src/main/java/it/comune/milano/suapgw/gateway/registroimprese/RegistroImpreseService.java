package it.comune.milano.suapgw.gateway.registroimprese;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.ssu.SsuContract;
import it.comune.milano.suapgw.connectors.ssu.SsuEntiMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.gateway.common.ContractViolationException;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.EntiSsuRepository;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;
import java.util.UUID;

/**
 * The Registro Imprese through the SSU: what we send it (ri_to_bo send_instance, notify) and what it may ask of us
 * (bo_to_ri retry, the documents of the instances it was sent).
 */
@Service
public class RegistroImpreseService {
    private final PraticaRepository pratiche;
    private final EntiSsuRepository destinatari;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final SsuEntiMapper mapper;
    private final JsonContracts contracts;
    private final ObjectMapper json;

    public RegistroImpreseService(PraticaRepository pratiche, EntiSsuRepository destinatari, OutboxStore outbox,
                                  TimelineStore timeline, SsuEntiMapper mapper, JsonContracts contracts, ObjectMapper json) {
        this.pratiche = pratiche;
        this.destinatari = destinatari;
        this.outbox = outbox;
        this.timeline = timeline;
        this.mapper = mapper;
        this.contracts = contracts;
        this.json = json;
    }

    /** ri_to_bo send_instance: the whole instance. */
    public String sendInstanceBody(UUID id) {
        JsonNode index = pratiche.ssuIndexOf(id);
        JsonNode descriptor = pratiche.descriptorOf(id);
        return checked(SsuContract.RI_SEND_INSTANCE, mapper.sendInstance(pratiche.cuiOf(id), pratiche.descriptorVersionOf(id),
                index.path("instance_index"), index.path("general_index"),
                descriptor == null ? null : descriptor.path("instance_status")));
    }

    /** ri_to_bo notify: the end, with the act for a transfer outcome. */
    public String notifyBody(UUID id, String payload) {
        JsonNode p = JsonColumns.read(json, payload);
        var atto = p.hasNonNull("resource_id") ? pratiche.act(id, p.get("resource_id").asText()).orElse(null) : null;
        return checked(SsuContract.RI_NOTIFY, mapper.notify(pratiche.cuiOf(id), pratiche.descriptorVersionOf(id),
                p.path("event").asText(), atto));
    }

    public String event(String payload) {
        return payload.startsWith("{") ? JsonColumns.read(json, payload).path("event").asText() : "send_instance v" + payload;
    }

    @Transactional
    public void onDelivered(UUID id, String operation, String detail, String sha256) {
        timeline.record(id, TimelineStore.OUT, "REGISTRO_IMPRESE", operation, "DELIVERED", sha256, detail);
    }

    /** bo_to_ri /retry: the Registro Imprese asks for one of our messages again. */
    @Transactional
    public void retry(JsonNode body) {
        UUID id = sentInstance(body.path("cui").path("uuid").asText(), true);
        String operation = body.path("operation").asText();
        OutboxKind kind = switch (operation) {
            case "send_instance" -> OutboxKind.RI_SEND_INSTANCE;
            case "notify" -> OutboxKind.RI_NOTIFY;
            default -> throw new SsuException(SsuErrorCode.ERROR_400_001, "operation '" + operation + "' cannot be retried");
        };
        String payload = outbox.lastDelivered(id, kind.name(), RegistroImpreseNotifiche.ORDERING + id).orElseThrow(() ->
                new SsuException(SsuErrorCode.ERROR_500_009, "no " + operation + " was sent to the Registro Imprese for this instance"));
        timeline.record(id, TimelineStore.IN, "REGISTRO_IMPRESE", "retry", "ACCEPTED", null, operation);
        outbox.enqueue(id, kind.name(), RegistroImpreseNotifiche.ORDERING + id, payload);
    }

    /** An instance the Registro Imprese was sent, else ERROR_500_002. */
    public UUID sentInstance(String cuiUuid, boolean lock) {
        UUID id = (lock ? pratiche.lockByCui(cuiUuid) : pratiche.lockFreeIdByCui(cuiUuid))
                .filter(p -> destinatari.wasSent(p, EntiSsuRepository.REGISTRO_IMPRESE))
                .orElseThrow(() -> new SsuException(SsuErrorCode.ERROR_500_002, "no instance " + cuiUuid + " was sent to the Registro Imprese"));
        PraticaMdc.set(id, cuiUuid);
        return id;
    }

    public void readable(UUID id, String resourceId) {
        if (!destinatari.mayRead(id, EntiSsuRepository.REGISTRO_IMPRESE, resourceId)) {
            throw new SsuException(SsuErrorCode.ERROR_404_001, "no document " + resourceId + " was sent to the Registro Imprese");
        }
    }

    private String checked(String schema, JsonNode body) {
        List<String> errors = contracts.validate(schema, body);
        if (!errors.isEmpty()) throw new ContractViolationException(schema, errors);
        return body.toString();
    }
}
