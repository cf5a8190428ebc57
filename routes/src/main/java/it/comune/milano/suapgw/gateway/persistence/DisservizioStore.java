package it.comune.milano.suapgw.gateway.persistence;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Map;

/**
 * Outages of peers (SSU §8.5.5): a peer is in outage once a call to it exhausted the retransmission policy, until a
 * call to it succeeds. Operators see them on {@code GET /api/disservizi} and escalate to the peer's contacts.
 */
@Repository
public class DisservizioStore {
    private final JdbcTemplate jdbc;

    public DisservizioStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Opens the peer's outage, or counts one more failure on the open one. */
    public void failure(String peer, String error) {
        jdbc.update("""
                insert into disservizio (peer, opened_at, last_failure_at, failures, last_error) values (?, now(), now(), 1, ?)
                on conflict (peer) where closed_at is null
                do update set last_failure_at = now(), failures = disservizio.failures + 1, last_error = excluded.last_error""",
                peer, error);
    }

    /** @return whether an open outage was closed */
    public boolean restored(String peer) {
        return jdbc.update("update disservizio set closed_at = now() where peer = ? and closed_at is null", peer) > 0;
    }

    public List<Map<String, Object>> list(boolean openOnly) {
        return jdbc.queryForList("""
                select id, peer, opened_at, last_failure_at, failures, last_error, closed_at from disservizio
                 where (? = false or closed_at is null) order by id desc limit 500""", openOnly);
    }
}
