package it.comune.milano.suapgw.gateway.intake.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.esito.EsitoService;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.lifecycle.PraticaLifecycle;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.pareri.PareriService;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.gateway.termini.TermineService;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.DocumentoAtteso;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.TerminiIstanza;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What the front-office sends on bo_to_fo, each in one transaction that ends before the 200: an instance — new, or a
 * new version of one (corrected after a request_correction, integrated after a request_integration); a repeated one
 * creates nothing — the receipt date, from which the terms run; the request to execute again an operation we made;
 * the applicant's cancellation.
 */
@Service
public class SsuIntakeService {
    private static final Logger log = LoggerFactory.getLogger(SsuIntakeService.class);
    /** The fo_to_bo operations the front-office may ask us to execute again (bo_to_fo /retry), and their outbox kinds. */
    static final Map<String, OutboxKind> RETRYABLE = Map.of("notify", OutboxKind.FO_NOTIFY,
            "request_correction", OutboxKind.FO_REQUEST_CORRECTION, "request_integration", OutboxKind.FO_REQUEST_INTEGRATION);

    public enum Ricezione { CREATED, NEW_VERSION, DUPLICATE }

    private final PraticaRepository pratiche;
    private final SsuSubmissions submissions;
    private final PraticaLifecycle lifecycle;
    private final EsitoService esiti;
    private final PareriService pareri;
    private final TermineService termini;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final SsuMapper ssu;

    public SsuIntakeService(PraticaRepository pratiche, SsuSubmissions submissions, PraticaLifecycle lifecycle,
                            EsitoService esiti, PareriService pareri, TermineService termini, OutboxStore outbox,
                            TimelineStore timeline, SsuMapper ssu) {
        this.pratiche = pratiche;
        this.submissions = submissions;
        this.lifecycle = lifecycle;
        this.esiti = esiti;
        this.pareri = pareri;
        this.termini = termini;
        this.outbox = outbox;
        this.timeline = timeline;
        this.ssu = ssu;
    }

    @Transactional
    public Ricezione receiveSendInstance(JsonNode body, String rawBody) {
        String cuiUuid = body.path("cui").path("uuid").asText();
        String version = body.path("instance_descriptor_version").asText();
        String bodyHash = ContentHashes.sha256Hex(rawBody);
        List<DocumentoAtteso> documents = ssu.documentsOf(body);
        UUID existing = pratiche.lockByCui(cuiUuid).orElse(null);
        if (existing != null) {
            PraticaMdc.set(existing, cuiUuid);
            if (submissions.exists(cuiUuid, version)) {
                resendAfterInconsistency(existing);
                timeline.record(existing, TimelineStore.IN, "FRONTOFFICE", "send_instance", "DUPLICATE", bodyHash, null);
                return Ricezione.DUPLICATE;
            }
            newVersion(existing, cuiUuid, version, documents, bodyHash);
            pratiche.setSsuIndex(existing, index(body));
            return Ricezione.NEW_VERSION;
        }
        String cuiValue = body.path("cui").path("value").asText(null);
        if (cuiValue != null && pratiche.idByCodice(Canale.SSU, cuiValue).isPresent()) {
            // the CUI's value names one instance: under another uuid it is not a new one, nor this one again
            throw new SsuException(SsuErrorCode.ERROR_500_002, "cui.value " + cuiValue + " belongs to another instance");
        }
        UUID id = UUID.randomUUID();
        PraticaMdc.set(id, cuiUuid);
        pratiche.insert(new PraticaRepository.NuovaPratica(id, Canale.SSU, cuiUuid, body.path("cui"),
                cuiValue, version, null, null, null, null));
        submissions.insert(cuiUuid, version, id, bodyHash);
        pratiche.setSsuIndex(id, index(body));
        documents.forEach(d -> pratiche.insertExpected(id, d));
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "send_instance", "ACCEPTED", bodyHash, null);
        outbox.enqueue(id, OutboxKind.FETCH_DESCRIPTOR.name(), null, cuiUuid);
        log.info("Pratica {} received (CUI {})", id, cuiUuid);
        return Ricezione.CREATED;
    }

    /** What the enti terzi and the Registro Imprese are sent of this version: the indexes as the front-office sent them. */
    private static JsonNode index(JsonNode body) {
        com.fasterxml.jackson.databind.node.ObjectNode i = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        i.set("instance_index", body.path("instance_index"));
        i.set("general_index", body.path("general_index"));
        return i;
    }

    /**
     * A new version of the instance: the corrected one while a correction is awaited, the integrated one while an
     * integration is. Anything else is not expected now (ERROR_500_009).
     */
    private void newVersion(UUID id, String cuiUuid, String version, List<DocumentoAtteso> documents, String bodyHash) {
        StatoPratica state = pratiche.stateOf(id);
        Lifecycle.Evento event = switch (state) {
            case CORRECTION_REQUESTED -> Lifecycle.Evento.CORRECTED_INSTANCE_RECEIVED;
            case INTEGRATION_REQUESTED -> Lifecycle.Evento.INTEGRATION_RECEIVED;
            default -> throw new SsuException(SsuErrorCode.ERROR_500_009, "instance " + cuiUuid + " is "
                    + state.apiName() + ": a new instance_descriptor_version is expected only after a correction or"
                    + " integration request");
        };
        lifecycle.transition(id, state, event);
        submissions.insert(cuiUuid, version, id, bodyHash);
        pratiche.setDescriptorVersion(id, version);
        int toFetch = pratiche.applyIndex(id, documents);
        pratiche.setDocumentsStatus(id, PraticaRepository.PENDING, null);
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "send_instance", "NEW_VERSION", bodyHash,
                "version " + version + ": " + toFetch + " document(s) to fetch");
        // the Catalogo holds the new version's descriptor; its documents are fetched once it is in
        outbox.enqueue(id, OutboxKind.FETCH_DESCRIPTOR.name(), null, cuiUuid);
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

    /** The receipt date: the terms run from it (General-001), and the Catalogo is told. */
    @Transactional
    public void receiveNotifyReceipt(JsonNode body, String rawBody) {
        String cuiUuid = body.path("cui").path("uuid").asText();
        UUID id = lockByCui(cuiUuid);
        Lifecycle.requireOpen(pratiche.stateOf(id), Lifecycle.Operazione.NOTIFY_RECEIPT);
        LocalDate date = LocalDate.parse(body.path("date").asText());
        LocalDate known = pratiche.receiptDateOf(id);
        if (date.equals(known)) return; // the same receipt again: taken already
        if (known != null) {
            throw new LifecycleException(LifecycleException.Kind.OPERATION_NOT_EXPECTED,
                    "the receipt of instance " + cuiUuid + " was notified already, dated " + known);
        }
        pratiche.setReceiptDate(id, date);
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "notify_receipt", "ACCEPTED", ContentHashes.sha256Hex(rawBody),
                "receipt date " + date);
        JsonNode descriptor = pratiche.descriptorOf(id);
        TerminiIstanza t = descriptor == null ? null : ssu.fromDescriptor(descriptor).termini();
        if (t != null) termini.imposta(id, t, date);
    }

    /**
     * The FO asks us to execute again an operation we made towards it (the data-inconsistency path of Retry-001): the
     * last one of that kind we delivered is sent again, as it was.
     */
    @Transactional
    public void receiveRetry(JsonNode body, String rawBody) {
        UUID id = lockByCui(body.path("cui").path("uuid").asText());
        String operation = body.path("operation").asText();
        String hash = ContentHashes.sha256Hex(rawBody);
        OutboxKind kind = RETRYABLE.get(operation);
        String payload = kind == null ? null : outbox.lastDelivered(id, kind.name()).orElse(null);
        if (payload == null) {
            timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "retry", "REJECTED", hash, operation);
            throw new SsuException(SsuErrorCode.ERROR_500_009, "no " + operation + " was sent for this instance");
        }
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "retry", "ACCEPTED", hash, operation);
        outbox.enqueue(id, kind.name(), "fo:" + id, payload);
    }

    /**
     * The applicant withdraws the instance (SubmitterCancel-001): the enti asked are told, the front-office notified,
     * the Catalogo audited. A repeated cancellation changes nothing; an ended instance cannot be withdrawn.
     */
    @Transactional
    public void receiveCancel(JsonNode cui) {
        UUID id = lockByCui(cui.path("uuid").asText());
        StatoPratica state = pratiche.stateOf(id);
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "cancel_instance", "ACCEPTED", null, "in state " + state.apiName());
        if (state == StatoPratica.ENDED_BY_SUBMITTER_CANCEL_REQUESTED) return;
        Lifecycle.requireOpen(state, Lifecycle.Operazione.CANCEL_INSTANCE);
        pareri.annulla(id);
        esiti.end(id, Lifecycle.Evento.SUBMITTER_CANCELLED);
    }

    private UUID lockByCui(String cuiUuid) {
        UUID id = pratiche.lockByCui(cuiUuid)
                .orElseThrow(() -> new SsuException(SsuErrorCode.ERROR_500_002, "no instance with CUI uuid " + cuiUuid));
        PraticaMdc.set(id, cuiUuid);
        return id;
    }
}
