package it.comune.milano.suapgw.gateway.pareri.pec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.pec.PecMessages;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.pareri.PareriService;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Parere;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Replies of the PEC enti. A message becomes a parere only when its sender is an ente's registered address and its
 * {@code Pratica:} line names a pratica with a request open for that ente; anything else is quarantined with the raw
 * message kept, never dropped.
 */
@Service
public class PecReplyService {
    private static final Logger log = LoggerFactory.getLogger(PecReplyService.class);
    public static final String QUARANTINE = "PEC_QUARANTINE";
    public static final String RECEIPT = "PEC_RECEIPT";

    public enum Esito { RECORDED, DUPLICATE, QUARANTINED, RECEIPT }

    private final PraticaRepository pratiche;
    private final PareriRepository richieste;
    private final PareriService pareri;
    private final DeadLetterStore deadLetters;
    private final DocumentStore documents;
    private final TimelineStore timeline;
    private final PecMessages messages;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public PecReplyService(PraticaRepository pratiche, PareriRepository richieste, PareriService pareri,
                           DeadLetterStore deadLetters, DocumentStore documents, TimelineStore timeline,
                           PecMessages messages, GatewayProperties props, ObjectMapper json) {
        this.pratiche = pratiche;
        this.richieste = richieste;
        this.pareri = pareri;
        this.deadLetters = deadLetters;
        this.documents = documents;
        this.timeline = timeline;
        this.messages = messages;
        this.props = props;
        this.json = json;
    }

    @Transactional
    public Esito onMail(byte[] raw) {
        PecMessages.Ricevuto m;
        try {
            m = messages.parse(raw);
        } catch (PecMessages.UnreadableMessage e) {
            return quarantine(e.getMessage(), raw, null, null);
        }
        if (m.receipt() != null) {
            deadLetters.add(RECEIPT, props.mail().address(), "PEC receipt: " + m.receipt(), null,
                    headers(m, documents.store(raw)).toString(), null, null);
            return Esito.RECEIPT;
        }
        Ente ente = props.enteByPec(m.from()).orElse(null);
        if (ente == null) {
            return quarantine("sender " + m.from() + " is not the registered PEC address of any ente", raw, m, null);
        }
        UUID id = pratiche.idByCodice(m.codicePratica()).orElse(null);
        if (id == null) return quarantine("no pratica " + m.codicePratica() + " (line 'Pratica:')", raw, m, null);
        PraticaMdc.set(id, m.codicePratica());
        pratiche.lock(id);
        PareriRepository.Richiesta r = richieste.latestOf(id, ente.code()).orElse(null);
        if (r == null) {
            return quarantine(ente.code() + " was not asked for a parere on pratica " + m.codicePratica(), raw, m, id);
        }
        String replyId = m.messageId() != null ? m.messageId() : "pec-" + ContentHashes.sha256Hex(raw);
        if (replyId.equals(r.replyId())) return Esito.DUPLICATE; // the mailbox delivered the same message again
        if (r.answered()) {
            return quarantine("the request of " + ente.code() + " on pratica " + m.codicePratica() + " was already answered",
                    raw, m, id);
        }
        for (PecMessages.Allegato a : m.allegati()) {
            richieste.addAllegato(r.id(), documents.store(a.content()), a.name(), a.mimeType());
        }
        Parere parere = new Parere(replyId, r.id(), ente.code(), m.esito(), m.prescrizioni(), m.motivazione(),
                m.firmatario(), OffsetDateTime.now(), m.integrazioni());
        pareri.record(id, ente.code(), parere, "pec:" + m.from(), ContentHashes.sha256Hex(raw));
        log.info("PEC parere {} of {} on pratica {}", m.esito(), ente.code(), m.codicePratica());
        return Esito.RECORDED;
    }

    private Esito quarantine(String reason, byte[] raw, PecMessages.Ricevuto m, UUID praticaId) {
        log.warn("PEC message quarantined: {}", reason);
        String sha = documents.store(raw);
        ObjectNode h = m == null ? json.createObjectNode().put("rawSha256", sha).put("size", raw.length) : headers(m, sha);
        if (m == null) h.put("size", raw.length);
        deadLetters.add(QUARANTINE, props.mail().address(), reason, null, h.toString(), null, praticaId);
        if (praticaId != null) {
            timeline.record(praticaId, TimelineStore.IN, "PEC", "risposta_parere", "QUARANTINED", sha, reason);
        }
        return Esito.QUARANTINED;
    }

    private ObjectNode headers(PecMessages.Ricevuto m, String sha) {
        ObjectNode h = json.createObjectNode();
        h.put("from", m.from());
        h.put("subject", m.subject());
        h.put("messageId", m.messageId());
        h.put("rawSha256", sha);
        return h;
    }
}
