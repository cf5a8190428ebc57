package it.comune.milano.suapgw.gateway.pareri.pec;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.pec.PecEnvelope;
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
 * Replies of the PEC enti. A message becomes a parere only when it arrives in a certified-mail transport envelope
 * signed by a trusted PEC provider ({@link PecEnvelope}) that certifies an ente's registered address as its sender and
 * the very message it carries, and when that message answers (In-Reply-To, References) the request open for that ente
 * on the pratica its {@code Pratica:} line names; anything else is quarantined with the raw message kept, never dropped.
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
    private final PecEnvelope envelopes;
    private final String requestDomain;

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
        String providers = props.mail().pecProviders();
        if (providers == null || providers.isBlank()) {
            log.warn("No PEC providers trusted (suapgw.mail.pec-providers): every PEC reply will be quarantined");
            this.envelopes = new PecEnvelope(java.util.List.of());
        } else {
            this.envelopes = new PecEnvelope(PecEnvelope.certificates(java.nio.file.Path.of(providers)));
        }
        this.requestDomain = requestDomain(props.mail().address());
    }

    /** The domain of the Message-IDs of our requests: the mailbox's own. */
    public static String requestDomain(String address) {
        return address.substring(address.indexOf('@') + 1).toLowerCase(java.util.Locale.ROOT);
    }

    /** Records one received message, already bounded in size by the caller. */

    @Transactional
    public Esito onMail(byte[] raw) {
        PecMessages.Intestazione outer;
        try {
            outer = messages.headersOf(raw);
        } catch (PecMessages.UnreadableMessage e) {
            return quarantine(e.getMessage(), raw, null, null);
        }
        if (outer.receipt() != null) {
            deadLetters.add(RECEIPT, props.mail().address(), "PEC receipt: " + outer.receipt(), null,
                    headers(outer, documents.store(raw)).toString(), null, null);
            return Esito.RECEIPT;
        }
        PecEnvelope.Certified certified;
        try {
            certified = envelopes.open(raw);
        } catch (PecEnvelope.Refused e) {
            return quarantine("no valid certified-mail envelope: " + e.getMessage(), raw, outer, null);
        }
        PecMessages.Ricevuto m;
        try {
            m = messages.parse(certified.postacert());
        } catch (PecMessages.UnreadableMessage e) {
            return quarantine(e.getMessage(), raw, outer, null);
        }
        PecMessages.Intestazione inner = new PecMessages.Intestazione(m.messageId(), m.from(), m.subject(), null);
        if (m.messageId() == null || !certified.msgid().equals(m.messageId())) {
            return quarantine("the envelope certifies message " + certified.msgid() + ", not the one it carries", raw, inner, null);
        }
        if (!certified.mittente().equalsIgnoreCase(m.from())) {
            return quarantine("the envelope certifies " + certified.mittente() + " as sender, the message says " + m.from(), raw, inner, null);
        }
        Ente ente = props.enteByPec(certified.mittente()).orElse(null);
        if (ente == null) {
            return quarantine("sender " + certified.mittente() + " is not the registered PEC address of any ente", raw, inner, null);
        }
        // the codice pratica, or the CUI of an SSU pratica
        UUID id = m.codicePratica().length() > 100 ? null
                : pratiche.idByCodice(m.codicePratica()).or(() -> pratiche.idByCui(m.codicePratica())).orElse(null);
        if (id == null) {
            return quarantine("no pratica " + abbreviate(m.codicePratica()) + " (line 'Pratica:')", raw, inner, null);
        }
        PraticaMdc.set(id, m.codicePratica());
        pratiche.lock(id);
        PareriRepository.Richiesta r = richieste.latestOf(id, ente.code()).orElse(null);
        if (r == null) {
            return quarantine(ente.code() + " was not asked for a parere on pratica " + m.codicePratica(), raw, inner, id);
        }
        // the request it answers, by the Message-ID we gave it: a reply to nothing, to an older round or to another
        // ente's request is not this request's parere
        String answered = m.answers().stream().map(a -> PecMessages.requestOf(a, requestDomain).orElse(null))
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        if (answered == null) {
            return quarantine("the message answers no request of ours (In-Reply-To, References)", raw, inner, id);
        }
        if (!answered.equals(r.id().toString())) {
            return quarantine("the message answers request " + answered + ", not the request " + r.id() + " open for "
                    + ente.code() + " on pratica " + m.codicePratica(), raw, inner, id);
        }
        String replyId = m.messageId() != null ? m.messageId() : "pec-" + ContentHashes.sha256Hex(raw);
        if (replyId.equals(r.replyId())) return Esito.DUPLICATE; // the mailbox delivered the same message again
        if (r.answered()) {
            return quarantine("the request of " + ente.code() + " on pratica " + m.codicePratica() + " was already answered",
                    raw, inner, id);
        }
        for (PecMessages.Allegato a : m.allegati()) {
            richieste.addAllegato(r.id(), documents.store(a.content()), a.name(), a.mimeType());
        }
        Parere parere = new Parere(replyId, r.id(), ente.code(), m.esito(), m.prescrizioni(), m.motivazione(),
                m.firmatario(), OffsetDateTime.now(), m.integrazioni());
        pareri.record(id, ente.code(), parere, "pec:" + certified.mittente(), ContentHashes.sha256Hex(raw));
        log.info("PEC parere {} of {} on pratica {}", m.esito(), ente.code(), m.codicePratica());
        return Esito.RECORDED;
    }

    /**
     * A message that could not be recorded for a reason of its own (its transaction rolled back): quarantined, so that
     * it is looked at once instead of being read again at every poll. A failure to quarantine it too (the database is
     * down) leaves it unread in the mailbox for the next poll.
     */
    @Transactional
    public Esito onFailure(byte[] raw, RuntimeException failure) {
        log.error("PEC message could not be recorded", failure);
        PecMessages.Intestazione h;
        try {
            h = messages.headersOf(raw);
        } catch (PecMessages.UnreadableMessage e) {
            h = null;
        }
        return quarantine("the message could not be recorded (" + failure.getClass().getSimpleName() + ")", raw, h, null);
    }

    /** A message larger than the channel reads: quarantined by its headers, its content left on the provider. */
    @Transactional
    public Esito onOversized(String from, String subject, String messageId, long size) {
        String reason = "a message of " + size + " bytes, more than the " + props.mail().maxMessageBytes() + " read";
        log.warn("PEC message quarantined: {}", reason);
        ObjectNode h = json.createObjectNode();
        h.put("from", DeadLetterStore.storable(from));
        h.put("subject", DeadLetterStore.storable(subject));
        h.put("messageId", DeadLetterStore.storable(messageId));
        h.put("size", size);
        deadLetters.add(QUARANTINE, props.mail().address(), reason, null, h.toString(), null, null);
        return Esito.QUARANTINED;
    }

    private Esito quarantine(String reason, byte[] raw, PecMessages.Intestazione m, UUID praticaId) {
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

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    private ObjectNode headers(PecMessages.Intestazione m, String sha) {
        ObjectNode h = json.createObjectNode();
        h.put("from", DeadLetterStore.storable(m.from()));
        h.put("subject", DeadLetterStore.storable(m.subject()));
        h.put("messageId", DeadLetterStore.storable(m.messageId()));
        h.put("rawSha256", sha);
        return h;
    }
}
