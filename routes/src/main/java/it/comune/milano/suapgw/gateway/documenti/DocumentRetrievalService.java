package it.comune.milano.suapgw.gateway.documenti;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.istruttoria.PraticaCompleta;
import it.comune.milano.suapgw.gateway.termini.TermineService;
import it.comune.milano.suapgw.gateway.outbox.OutboxEntry;
import it.comune.milano.suapgw.gateway.outbox.OutboxFailureHandler;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.DatiIstanza;
import it.comune.milano.suapgw.model.DocumentoAtteso;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.io.InputStream;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;

/**
 * What the document retrieval books: the instance descriptor, each document once its hash is verified (stored once
 * by content), and, when a document keeps not matching its hash, the SSU data-inconsistency path (/retry to the
 * front-office). The istruttoria starts as soon as the last piece is in.
 */
@Service
public class DocumentRetrievalService implements OutboxFailureHandler {
    private final PraticaRepository pratiche;
    private final DocumentStore documents;
    private final PraticaCompleta completa;
    private final TermineService termini;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final SsuMapper ssu;
    private final GatewayProperties props;

    public DocumentRetrievalService(PraticaRepository pratiche, DocumentStore documents, PraticaCompleta completa,
                                    TermineService termini, OutboxStore outbox, TimelineStore timeline, SsuMapper ssu,
                                    GatewayProperties props) {
        this.pratiche = pratiche;
        this.documents = documents;
        this.completa = completa;
        this.termini = termini;
        this.outbox = outbox;
        this.timeline = timeline;
        this.ssu = ssu;
        this.props = props;
    }

    @Transactional
    public void onDescriptor(UUID id, JsonNode descriptor, DatiIstanza dati) {
        pratiche.lock(id);
        pratiche.setDescriptor(id, descriptor, dati);
        for (DocumentoAtteso d : dati.descriptorDocuments()) {
            if (d.mimeType() != null) pratiche.describeByRef(id, d.ref(), d.mimeType(), d.name());
        }
        timeline.record(id, TimelineStore.IN, "CATALOGO", "instance_descriptor", "OK",
                ContentHashes.sha256Hex(descriptor.toString()), "version " + descriptor.path("version").asText());
        // the terms run from the receipt date (General-001), else from the descriptor's start; set once
        if (dati.termini() != null && termini.of(id).isEmpty()) {
            LocalDate receipt = pratiche.receiptDateOf(id);
            termini.imposta(id, dati.termini(), receipt != null ? receipt : dati.termini().start());
        }
        List<String> pending = pratiche.pendingResourceIds(id);
        for (String rid : pending) {
            outbox.enqueue(id, OutboxKind.FETCH_DOCUMENT.name(), null, rid);
        }
        if (pending.isEmpty()) completa.onComplete(id);
    }

    public PraticaRepository.DocumentToFetch documentToFetch(UUID id, String resourceId) {
        return pratiche.documentToFetch(id, resourceId);
    }

    /**
     * Stores a document as it streams from the front-office; {@code verify} runs once all of it has passed (its hash,
     * the response's signature) and, if it throws, nothing of the document is kept.
     */
    @Transactional
    public void onDocumentFetched(UUID id, String resourceId, InputStream content, long maxBytes,
                                  java.util.function.Consumer<DocumentStore.Stored> verify) {
        // the content first, without the pratica's lock: a large document takes minutes to come, and holding the
        // lock meanwhile stalled every other step of the pratica, each holding a connection of the pool
        DocumentStore.Stored stored = documents.store(content, maxBytes);
        verify.accept(stored);
        pratiche.lock(id);
        if (!pratiche.markVerified(id, resourceId, stored.sha256())) return; // an earlier delivery of the same fetch did it
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "document " + resourceId, "HASH_VERIFIED", stored.sha256(),
                stored.size() + " bytes");
        completa.onComplete(id);
    }

    /** Within {@link #onDocumentFetched}'s verification: the digest of the content's standard base64 (DocumentStore). */
    public void recordBase64Digest(String sha256, String digest) {
        documents.recordBase64Digest(sha256, digest);
    }

    /** A fetch that kept failing on a mismatching hash ends in the data-inconsistency path, not in a dead letter. */
    @Override
    public boolean handle(OutboxEntry e, Exception cause, String error) {
        if (!(cause instanceof HashMismatchException) || e.attempts() < props.outbox().hashMismatchAttempts()) return false;
        onDocumentInconsistent(e.praticaId(), e.payload(), error);
        return true;
    }

    private void onDocumentInconsistent(UUID id, String resourceId, String reason) {
        pratiche.lock(id);
        pratiche.markMismatched(id, resourceId, reason);
        pratiche.setDocumentsStatus(id, PraticaRepository.INCONSISTENT, "document " + resourceId + ": " + reason);
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "document " + resourceId, "HASH_MISMATCH", null, reason);
        String retry = ssu.retry(pratiche.cuiOf(id), "send_instance", SsuErrorCode.ERROR_412_001,
                "document " + resourceId + " does not match its declared hash").toString();
        outbox.enqueue(id, OutboxKind.FO_RETRY.name(), "fo:" + id, retry);
        outbox.enqueue(id, OutboxKind.CATALOGO_AUDIT.name(), "catalogo:" + id, "retry_requested_for_send_instance");
    }
}
