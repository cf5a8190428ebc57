package it.comune.milano.suapgw.gateway.outbox;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

@Repository
public class OutboxStore {
    private final JdbcTemplate jdbc;

    public OutboxStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Must run inside the transaction of the state change that causes the call. */
    public long enqueue(UUID praticaId, String kind, String orderingKey, String payload) {
        return jdbc.queryForObject("""
                insert into outbox (pratica_id, kind, ordering_key, payload, status, next_attempt_at, created_at)
                values (?, ?, ?, ?, 'PENDING', now(), now()) returning id""",
                Long.class, praticaId, kind, orderingKey, payload);
    }

    /** An entry due at {@code at}, not before (a timer). */
    public long enqueueAt(UUID praticaId, String kind, String payload, Instant at) {
        return jdbc.queryForObject("""
                insert into outbox (pratica_id, kind, ordering_key, payload, status, next_attempt_at, created_at)
                values (?, ?, null, ?, 'PENDING', ?, now()) returning id""",
                Long.class, praticaId, kind, payload, Timestamp.from(at));
    }

    /** A pending entry no longer wanted (a timer whose term was met or moved): it will not run. */
    public void cancel(long id) {
        jdbc.update("update outbox set status = 'CANCELLED', done_at = now() where id = ? and status = 'PENDING'", id);
    }

    /** The payload of the latest entry of a kind delivered for a pratica (what a peer may ask to receive again). */
    public java.util.Optional<String> lastDelivered(UUID praticaId, String kind) {
        List<String> rows = jdbc.queryForList("""
                select payload from outbox where pratica_id = ? and kind = ? and status = 'DONE' order by id desc limit 1""",
                String.class, praticaId, kind);
        return rows.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(rows.get(0));
    }

    /** The payload of the latest entry of a kind delivered for a pratica under one ordering key (one recipient). */
    public java.util.Optional<String> lastDelivered(UUID praticaId, String kind, String orderingKey) {
        List<String> rows = jdbc.queryForList("""
                select payload from outbox where pratica_id = ? and kind = ? and ordering_key = ? and status = 'DONE'
                 order by id desc limit 1""", String.class, praticaId, kind, orderingKey);
        return rows.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(rows.get(0));
    }

    /**
     * Claims due entries for this instance (SKIP LOCKED: any number of gateway instances share the table), each with a
     * fresh claim token its booking must present. An entry is free when unclaimed, when its lease ran out, or when the
     * instance holding it has no recent heartbeat. An entry waits while an older entry with the same ordering key is
     * pending or dead (a dead one holds its key until it is replayed or discarded).
     */
    public List<OutboxEntry> claimDue(int limit, int claimSeconds, String instance, int instanceTimeoutSeconds) {
        return jdbc.query("""
                with due as (
                  select o.id from outbox o
                   where o.status = 'PENDING' and o.next_attempt_at <= now()
                     and (o.claimed_until is null or o.claimed_until < now()
                          -- a late heartbeat of our own (a busy JVM) must not make us run our own claims twice
                          or (o.claimed_by <> ? and not exists (select 1 from gateway_instance i where i.id = o.claimed_by
                                            and i.heartbeat_at > now() - make_interval(secs => ?))))
                     and (o.ordering_key is null or not exists (
                          select 1 from outbox p where p.ordering_key = o.ordering_key
                             and p.status in ('PENDING', 'DEAD') and p.id < o.id))
                   order by o.next_attempt_at, o.id
                   limit ? for update skip locked)
                update outbox set claimed_until = now() + make_interval(secs => ?), claim_token = gen_random_uuid(),
                       claimed_by = ?
                  from due where outbox.id = due.id
                returning outbox.id, outbox.pratica_id, outbox.kind, outbox.payload, outbox.attempts + 1, outbox.created_at,
                          outbox.claim_token""",
                (rs, i) -> new OutboxEntry(rs.getLong(1), (UUID) rs.getObject(2), rs.getString(3),
                        rs.getString(4), rs.getInt(5), rs.getTimestamp(6).toInstant(), (UUID) rs.getObject(7)),
                instance, instanceTimeoutSeconds, limit, claimSeconds, instance);
    }

    /** Extends the leases of these claims (entry id → claim token) that are still current; @return how many */
    public int renew(Map<Long, UUID> claims, int claimSeconds) {
        Long[] ids = claims.keySet().toArray(Long[]::new);
        UUID[] tokens = java.util.Arrays.stream(ids).map(claims::get).toArray(UUID[]::new);
        return jdbc.update(con -> {
            var ps = con.prepareStatement("""
                    update outbox o set claimed_until = now() + make_interval(secs => ?)
                      from unnest(?::bigint[], ?::uuid[]) as h(id, token)
                     where o.id = h.id and o.claim_token = h.token and o.status = 'PENDING'""");
            ps.setInt(1, claimSeconds);
            ps.setArray(2, con.createArrayOf("bigint", ids));
            ps.setArray(3, con.createArrayOf("uuid", tokens));
            return ps;
        });
    }

    /** @return false when the claim is no longer ours (fenced: nothing changed) */
    public boolean markDone(long id, UUID claimToken) {
        return jdbc.update("""
                update outbox set status = 'DONE', done_at = now(), claimed_until = null, claim_token = null, last_error = null
                 where id = ? and claim_token = ? and status = 'PENDING'""", id, claimToken) == 1;
    }

    /** A failed attempt: counted, due again at {@code nextAttempt}; false when the claim is no longer ours. */
    public boolean reschedule(long id, UUID claimToken, Instant nextAttempt, String error) {
        return jdbc.update("""
                update outbox set next_attempt_at = ?, claimed_until = null, claim_token = null, attempts = attempts + 1,
                       last_error = ? where id = ? and claim_token = ? and status = 'PENDING'""",
                Timestamp.from(nextAttempt), error, id, claimToken) == 1;
    }

    /** @return the instant the entry first failed, set now if this is its first failure */
    public Instant firstFailure(long id) {
        return jdbc.queryForObject("""
                update outbox set first_failure_at = coalesce(first_failure_at, now()) where id = ? returning first_failure_at""",
                Timestamp.class, id).toInstant();
    }

    /** @return false when the claim is no longer ours (fenced: nothing changed) */
    public boolean markDead(long id, UUID claimToken, String error) {
        return jdbc.update("""
                update outbox set status = 'DEAD', claimed_until = null, claim_token = null, attempts = attempts + 1,
                       last_error = ? where id = ? and claim_token = ? and status = 'PENDING'""", error, id, claimToken) == 1;
    }

    /** A dead entry given up by an operator: it releases its ordering key and will not run. */
    public int discard(long id) {
        return jdbc.update("update outbox set status = 'DISCARDED', done_at = now() where id = ? and status = 'DEAD'", id);
    }

    /** Replay of a dead entry: back to pending with a fresh attempt budget. */
    public int revive(long id) {
        return jdbc.update("""
                update outbox set status = 'PENDING', attempts = 0, next_attempt_at = now(), claimed_until = null, claim_token = null,
                       claimed_by = null, first_failure_at = null
                 where id = ? and status = 'DEAD'""", id);
    }
}
