package it.comune.milano.suapgw.gateway.retention;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.time.Duration;

/**
 * The retention purge's statements, one bounded batch each; the caller runs each in its own transaction. Rows are
 * taken {@code for update skip locked}: a row someone is changing now is left for the next run.
 */
@Repository
public class RetentionStore {
    /** the key of the advisory lock that lets one gateway instance purge at a time ("SUAPRET") */
    static final long LOCK_KEY = 0x5355_4150_5245_54L;

    private final JdbcTemplate jdbc;

    public RetentionStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** @return false if another instance holds the purge lock (until the end of the current transaction) */
    public boolean tryLock() {
        return Boolean.TRUE.equals(jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class, LOCK_KEY));
    }

    /**
     * Outbox entries DONE, CANCELLED or DISCARDED before {@code age}, except: one a dead letter still refers to (it goes with
     * the dead letter), and the latest delivered entry of its kind and recipient for a pratica not concluded before
     * {@code age} (a peer's /retry sends it again: OutboxStore.lastDelivered). A term still naming a purged entry (a
     * timer met or fired) forgets it: the reference is only used to cancel a pending timer.
     */
    public int purgeOutbox(Duration age, int batch) {
        long secs = age.toSeconds();
        return jdbc.update("""
                with victim as (
                  select o.id from outbox o
                   where o.status in ('DONE', 'CANCELLED', 'DISCARDED') and o.done_at < now() - make_interval(secs => ?)
                     and not exists (select 1 from dead_letter d where d.outbox_id = o.id)
                     and not (o.status = 'DONE' and o.pratica_id is not null
                          and not exists (select 1 from outbox n
                                           where n.status = 'DONE' and n.pratica_id = o.pratica_id and n.kind = o.kind
                                             and n.ordering_key is not distinct from o.ordering_key and n.id > o.id)
                          and exists (select 1 from pratica p where p.id = o.pratica_id
                                         and (p.concluded_at is null or p.concluded_at >= now() - make_interval(secs => ?))))
                   order by o.done_at limit ? for update of o skip locked),
                unlinked as (update termine t set outbox_id = null from victim v where t.outbox_id = v.id)
                delete from outbox o using victim v where o.id = v.id""", secs, secs, batch);
    }

    /** Dead letters replayed or discarded before {@code age} (resolved); an unresolved one stays whatever its age. */
    public int purgeDeadLetters(Duration age, int batch) {
        return jdbc.update("""
                with victim as (
                  select id from dead_letter where coalesce(replayed_at, discarded_at) < now() - make_interval(secs => ?)
                   order by coalesce(replayed_at, discarded_at) limit ? for update skip locked)
                delete from dead_letter d using victim v where d.id = v.id""", age.toSeconds(), batch);
    }

    /**
     * The whole timeline of up to {@code pratiche} pratiche concluded more than {@code years} years ago, a pratica's
     * chain at once (so every remaining chain still verifies), under the pratica's row lock (the one
     * TimelineStore.record chains under).
     *
     * @return the timeline rows deleted
     */
    public int purgeTimeline(int years, int pratiche) {
        return jdbc.update("""
                with victim as (
                  select p.id from pratica p
                   where p.concluded_at < now() - make_interval(years => ?)
                     and exists (select 1 from timeline t where t.pratica_id = p.id)
                   order by p.concluded_at limit ? for update skip locked)
                delete from timeline t using victim v where t.pratica_id = v.id""", years, pratiche);
    }
}
