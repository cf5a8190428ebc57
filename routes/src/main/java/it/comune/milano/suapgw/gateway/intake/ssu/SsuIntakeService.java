package it.comune.milano.suapgw.gateway.intake.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.DocumentoAtteso;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.LocalDate;
import java.util.UUID;

/**
 * What the front-office sends on bo_to_fo, each in one transaction that ends before the 200: a new instance (a
 * repeated one creates nothing), the receipt date, and the request to execute a notify again.
 */
@Service
public class SsuIntakeService {
    private static final Logger log = LoggerFactory.getLogger(SsuIntakeService.class);

    public enum Ricezione { CREATED, DUPLICATE }

    private final PraticaRepository pratiche;
    private final SsuSubmissions submissions;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final SsuMapper ssu;

    public SsuIntakeService(PraticaRepository pratiche, SsuSubmissions submissions, OutboxStore outbox,
                            TimelineStore timeline, SsuMapper ssu) {
        this.pratiche = pratiche;
        this.submissions = submissions;
        this.outbox = outbox;
        this.timeline = timeline;
        this.ssu = ssu;
    }

    @Transactional
    public Ricezione receiveSendInstance(JsonNode body, String rawBody) {
        String cuiUuid = body.path("cui").path("uuid").asText();
        String version = body.path("instance_descriptor_version").asText();
        String bodyHash = ContentHashes.sha256Hex(rawBody);
        UUID existing = pratiche.lockByCui(cuiUuid).orElse(null);
        if (existing != null) {
            PraticaMdc.set(existing, cuiUuid);
            if (!submissions.exists(cuiUuid, version)) {
                throw new SsuException(SsuErrorCode.ERROR_500_009, "instance " + cuiUuid + " is already in progress with another"
                        + " instance_descriptor_version; a new version is expected only after a correction request");
            }
            resendAfterInconsistency(existing);
            timeline.record(existing, TimelineStore.IN, "FRONTOFFICE", "send_instance", "DUPLICATE", bodyHash, null);
            return Ricezione.DUPLICATE;
        }
        UUID id = UUID.randomUUID();
        PraticaMdc.set(id, cuiUuid);
        pratiche.insert(new PraticaRepository.NuovaPratica(id, Canale.SSU, cuiUuid, body.path("cui"),
                body.path("cui").path("value").asText(null), version, null, null, null, null));
        submissions.insert(cuiUuid, version, id, bodyHash);
        for (DocumentoAtteso d : ssu.documentsOf(body)) {
            pratiche.insertExpected(id, d);
        }
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "send_instance", "ACCEPTED", bodyHash, null);
        outbox.enqueue(id, OutboxKind.FETCH_DESCRIPTOR.name(), null, cuiUuid);
        log.info("Pratica {} received (CUI {})", id, cuiUuid);
        return Ricezione.CREATED;
    }

    /** The FO re-executes send_instance after our /retry: fetch the documents that did not match again. */
    private void resendAfterInconsistency(UUID id) {
        int reset = pratiche.resetMismatched(id);
        if (reset == 0) return;
        pratiche.setDocumentsStatus(id, PraticaRepository.PENDING, null);
        for (String rid : pratiche.pendingResourceIds(id)) {
            outbox.enqueue(id, OutboxKind.FETCH_DOCUMENT.name(), null, rid);
        }
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "refetch_documents", "SCHEDULED", null,
                reset + " document(s) fetched again after the sender re-sent the instance");
    }

    @Transactional
    public void receiveNotifyReceipt(JsonNode body, String rawBody) {
        String cuiUuid = body.path("cui").path("uuid").asText();
        UUID id = lockByCui(cuiUuid);
        Lifecycle.requireOpen(pratiche.stateOf(id), Lifecycle.Operazione.NOTIFY_RECEIPT);
        pratiche.setReceiptDate(id, LocalDate.parse(body.path("date").asText()));
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "notify_receipt", "ACCEPTED", ContentHashes.sha256Hex(rawBody), null);
    }

    /** The FO asks us to execute again an operation we made towards it (data-inconsistency path). */
    @Transactional
    public void receiveRetry(JsonNode body, String rawBody) {
        UUID id = lockByCui(body.path("cui").path("uuid").asText());
        String operation = body.path("operation").asText();
        String hash = ContentHashes.sha256Hex(rawBody);
        if (!"notify".equals(operation) || !pratiche.frontOfficeNotified(id)) {
            timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "retry", "REJECTED", hash, operation);
            throw new SsuException(SsuErrorCode.ERROR_500_009, "notify".equals(operation)
                    ? "no notify was sent yet for this instance" : "no " + operation + " was sent for this instance");
        }
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "retry", "ACCEPTED", hash, operation);
        outbox.enqueue(id, OutboxKind.FO_NOTIFY.name(), "fo:" + id, pratiche.stateOf(id).ssuEvent());
    }

    private UUID lockByCui(String cuiUuid) {
        UUID id = pratiche.lockByCui(cuiUuid)
                .orElseThrow(() -> new SsuException(SsuErrorCode.ERROR_500_002, "no instance with CUI uuid " + cuiUuid));
        PraticaMdc.set(id, cuiUuid);
        return id;
    }
}
