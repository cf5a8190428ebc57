package it.comune.milano.suapgw.gateway.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.pec.PecMessages;
import it.comune.milano.suapgw.connectors.ssu.SsuHashes;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Parere;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Replies of the PEC enti. A message becomes a parere only when its sender is an ente's registered address and its
 * {@code Pratica:} line names a pratica with a request open for that ente; anything else is quarantined with the raw
 * message kept, never dropped.
 */
@Service
public class PecService {
    private static final Logger log = LoggerFactory.getLogger(PecService.class);
    public static final String QUARANTINE = "PEC_QUARANTINE";
    public static final String RECEIPT = "PEC_RECEIPT";

    public enum Esito { RECORDED, DUPLICATE, QUARANTINED, RECEIPT }

    private final JdbcTemplate jdbc;
    private final PraticaService pratiche;
    private final DeadLetterStore deadLetters;
    private final DocumentStore documents;
    private final TimelineStore timeline;
    private final PecMessages messages;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public PecService(JdbcTemplate jdbc, PraticaService pratiche, DeadLetterStore deadLetters, DocumentStore documents,
                      TimelineStore timeline, PecMessages messages, GatewayProperties props, ObjectMapper json) {
        this.documents = documents;
        this.jdbc = jdbc;
        this.pratiche = pratiche;
        this.deadLetters = deadLetters;
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
            return quarantine(e.getMessage(), raw, null, null, null);
        }
        if (m.receipt() != null) {
            deadLetters.add(RECEIPT, props.mail().address(), "PEC receipt: " + m.receipt(), null,
                    headers(m, store(raw)).toString(), null, null);
            return Esito.RECEIPT;
        }
        Ente ente = props.enteByPec(m.from()).orElse(null);
        if (ente == null) {
            return quarantine("sender " + m.from() + " is not the registered PEC address of any ente", raw, m, null, null);
        }
        List<UUID> ids = jdbc.queryForList("select id from pratica where codice_pratica = ?", UUID.class, m.codicePratica());
        if (ids.isEmpty()) {
            return quarantine("no pratica " + m.codicePratica() + " (line 'Pratica:')", raw, m, null, null);
        }
        UUID id = ids.get(0);
        pratiche.lock(id);
        List<Map<String, Object>> rs = jdbc.queryForList("""
                select id, status, reply_id from richiesta_parere where pratica_id = ? and ente_code = ?
                 order by round desc limit 1""", id, ente.code());
        if (rs.isEmpty()) {
            return quarantine(ente.code() + " was not asked for a parere on pratica " + m.codicePratica(), raw, m, id, null);
        }
        Map<String, Object> r = rs.get(0);
        UUID richiestaId = (UUID) r.get("id");
        String replyId = m.messageId() != null ? m.messageId() : "pec-" + SsuHashes.sha256Hex(raw);
        if (replyId.equals(r.get("reply_id"))) {
            return Esito.DUPLICATE; // the mailbox delivered the same message again
        }
        if ("ANSWERED".equals(r.get("status"))) {
            return quarantine("the request of " + ente.code() + " on pratica " + m.codicePratica()
                    + " was already answered", raw, m, id, richiestaId);
        }
        for (PecMessages.Allegato a : m.allegati()) {
            String sha = documents.store(a.content());
            jdbc.update("""
                    insert into parere_allegato (richiesta_id, sha256, name, mime_type) values (?, ?, ?, ?)
                    on conflict do nothing""", richiestaId, sha, a.name(), a.mimeType());
        }
        Parere parere = new Parere(replyId, richiestaId, ente.code(), m.esito(), m.prescrizioni(), m.motivazione(),
                m.firmatario(), OffsetDateTime.now(), m.integrazioni());
        pratiche.recordParere(id, ente.code(), parere, "pec:" + m.from(), SsuHashes.sha256Hex(raw));
        log.info("PEC parere {} of {} on pratica {}", m.esito(), ente.code(), m.codicePratica());
        return Esito.RECORDED;
    }

    private Esito quarantine(String reason, byte[] raw, PecMessages.Ricevuto m, UUID praticaId, UUID richiestaId) {
        log.warn("PEC message quarantined: {}", reason);
        String sha = store(raw);
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

    /** The raw message, kept by content like any document (downloadable through /api/documenti/{sha256}). */
    private String store(byte[] raw) {
        return documents.store(raw);
    }
}
