package it.comune.milano.suapgw.gateway.persistence;

import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** What could not be delivered or understood: listed by the API, replayable when it came from the outbox. */
@Repository
public class DeadLetterStore {
    public static final String OUTBOX_EXHAUSTED = "OUTBOX_EXHAUSTED";
    /** an outbound call the peer refused (a 4xx, a non-transient 5xx) or that ours violated the contract: not retried */
    public static final String OUTBOX_REFUSED = "OUTBOX_REFUSED";
    public static final String REPLY_REJECTED = "REPLY_REJECTED";
    /** a message the broker set aside (its consumer failed it every delivery attempt): source is its original address */
    public static final String BROKER_DLQ = "BROKER_DLQ";
    /** a message whose sender is not who it claims to be, or who may send it: never recorded, always looked at */
    public static final String SECURITY = "SECURITY";

    private final JdbcTemplate jdbc;

    public DeadLetterStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void add(String category, String source, String reason, String payload, String headersJson,
                    Long outboxId, UUID praticaId) {
        jdbc.update("""
                insert into dead_letter (category, source, reason, payload, headers, outbox_id, pratica_id, created_at)
                values (?, ?, ?, ?, cast(? as jsonb), ?, ?, now())""",
                category, storable(source), storable(reason), storable(payload), headersJson, outboxId, praticaId);
    }

    /**
     * What was set aside is kept whatever it holds: U+0000 (which PostgreSQL text refuses: the message would roll
     * back and be redelivered for ever) is written as the text backslash-u-0000, an unpaired surrogate as U+FFFD.
     */
    public static String storable(String s) {
        if (s == null || JsonContracts.storable(s)) return s;
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                b.append("\\u0000");
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append('\uFFFD');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A reply on a reply queue that was not taken as a parere: kept with the broker user that sent it. */
    public void addRejectedReply(String queue, String reason, String payload, String validatedUser, UUID praticaId) {
        addReply(REPLY_REJECTED, queue, reason, payload, validatedUser, praticaId);
    }

    public void addReply(String category, String queue, String reason, String payload, String validatedUser, UUID praticaId) {
        String headers = validatedUser == null ? "{\"validatedUser\":null}"
                : "{\"validatedUser\":\"" + validatedUser.replace("\\", "").replace("\"", "") + "\"}";
        add(category, queue, reason, payload, headers, null, praticaId);
    }

    public List<Map<String, Object>> list(String category) {
        return category == null
                ? jdbc.queryForList("select * from dead_letter order by id desc limit 500")
                : jdbc.queryForList("select * from dead_letter where category = ? order by id desc limit 500", category);
    }

    public Map<String, Object> get(long id) {
        List<Map<String, Object>> rows = jdbc.queryForList("select * from dead_letter where id = ?", id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    public void markReplayed(long id) {
        jdbc.update("update dead_letter set replayed_at = now() where id = ?", id);
    }

    public void markDiscarded(long id) {
        jdbc.update("update dead_letter set discarded_at = now() where id = ?", id);
    }
}
