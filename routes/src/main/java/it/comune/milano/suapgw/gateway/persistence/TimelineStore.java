package it.comune.milano.suapgw.gateway.persistence;

import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every message in and out, per pratica, as a hash chain: each entry's {@code chain_hash} is the SHA-256 of the previous
 * entry's and of its own fields, so that changing, removing or inserting an entry breaks every link after it
 * ({@link #verify}). Entries of one pratica are chained in turn under the pratica's row lock.
 */
@Repository
public class TimelineStore {
    public static final String IN = "IN";
    public static final String OUT = "OUT";
    public static final String INTERNAL = "INTERNAL";
    private static final int MAX_DETAIL = 4000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public TimelineStore(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
    }

    public void record(UUID praticaId, String direction, String system, String operation, String outcome,
                       String sha256, String detail) {
        String d = detail == null ? null : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
        tx.executeWithoutResult(s -> {
            // one chain per pratica: whoever records next waits for the one recording now (the same lock as the
            // pratica's own changes, so no new lock order)
            jdbc.queryForList("select id from pratica where id = ? for update", UUID.class, praticaId);
            List<String> last = jdbc.queryForList(
                    "select chain_hash from timeline where pratica_id = ? order by id desc limit 1", String.class, praticaId);
            String prev = last.isEmpty() ? null : last.get(0);
            // the database keeps microseconds: the instant hashed is the one stored
            Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
            String chain = chainHash(prev, praticaId, at, direction, system, operation, outcome, sha256, d);
            jdbc.update("""
                    insert into timeline (pratica_id, at, direction, system, operation, outcome, hash, detail, prev_hash, chain_hash)
                    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    praticaId, Timestamp.from(at), direction, system, operation, outcome, sha256, d, prev, chain);
        });
    }

    public List<Map<String, Object>> of(UUID praticaId) {
        return jdbc.queryForList("""
                select at, direction, system, operation, outcome, hash, detail, chain_hash
                  from timeline where pratica_id = ? order by id""", praticaId);
    }

    /**
     * Recomputes the pratica's chain: the first entry whose stored hash is not what its fields and its predecessor
     * give, or whose link does not name its predecessor, is the first broken link. (Removing the newest entries leaves a
     * shorter valid chain: {@code head}, the last link, is what to compare with a copy kept elsewhere.)
     */
    public Map<String, Object> verify(UUID praticaId) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                select id, at, direction, system, operation, outcome, hash, detail, prev_hash, chain_hash
                  from timeline where pratica_id = ? order by id""", praticaId);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pratica", praticaId.toString());
        out.put("entries", rows.size());
        int unchained = 0;
        String prev = null;
        boolean chainStarted = false;
        for (Map<String, Object> r : rows) {
            String stored = (String) r.get("chain_hash");
            if (stored == null && !chainStarted) {
                unchained++; // recorded before the chain existed
                continue;
            }
            String reason = null;
            if (stored == null) {
                reason = "an entry without a link inside the chain";
            } else if (!java.util.Objects.equals(prev, r.get("prev_hash"))) {
                reason = "the entry does not link to the one before it (an entry was removed or inserted)";
            } else {
                Instant at = ((Timestamp) r.get("at")).toInstant();
                String expected = chainHash((String) r.get("prev_hash"), praticaId, at, (String) r.get("direction"),
                        (String) r.get("system"), (String) r.get("operation"), (String) r.get("outcome"),
                        (String) r.get("hash"), (String) r.get("detail"));
                if (!expected.equals(stored)) reason = "the entry's content is not the one chained (it was changed)";
            }
            if (reason != null) {
                out.put("verified", false);
                Map<String, Object> broken = new LinkedHashMap<>();
                broken.put("id", r.get("id"));
                broken.put("at", r.get("at").toString());
                broken.put("system", r.get("system"));
                broken.put("operation", r.get("operation"));
                broken.put("reason", reason);
                out.put("firstBroken", broken);
                out.put("unchained", unchained);
                return out;
            }
            chainStarted = true;
            prev = stored;
        }
        out.put("verified", true);
        out.put("unchained", unchained);
        out.put("head", prev);
        return out;
    }

    /** Length-prefixed fields, so that no two different entries hash the same text. */
    static String chainHash(String prev, UUID praticaId, Instant at, String direction, String system, String operation,
                            String outcome, String hash, String detail) {
        StringBuilder b = new StringBuilder();
        for (String f : new String[]{prev, praticaId.toString(), at.getEpochSecond() + "." + String.format("%06d", at.getNano() / 1000),
                direction, system, operation, outcome, hash, detail}) {
            if (f == null) {
                b.append("-1:");
            } else {
                b.append(f.length()).append(':').append(f);
            }
            b.append('\n');
        }
        return ContentHashes.sha256Hex(b.toString().getBytes(StandardCharsets.UTF_8));
    }
}
