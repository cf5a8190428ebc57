package it.comune.milano.suapgw.gateway.outbox;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox's claim on a real PostgreSQL (the schema of the Flyway migrations): due entries, per-key order, no double claim. */
class OutboxStoreTest {
    static EmbeddedPostgres pg;
    static JdbcTemplate jdbc;
    static TransactionTemplate tx;
    static OutboxStore store;
    static final String ME = "instance-a";

    @BeforeAll
    static void database() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        Flyway.configure().dataSource(pg.getPostgresDatabase()).load().migrate();
        jdbc = new JdbcTemplate(pg.getPostgresDatabase());
        tx = new TransactionTemplate(new DataSourceTransactionManager(pg.getPostgresDatabase()));
        store = new OutboxStore(jdbc);
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    @BeforeEach
    void empty() {
        jdbc.update("delete from dead_letter");
        jdbc.update("delete from outbox");
        jdbc.update("delete from gateway_instance");
        jdbc.update("insert into gateway_instance values (?, 'test', now(), now())", ME);
    }

    @Test
    void entriesWithOneOrderingKeyAreClaimedOneAtATimeInOrder() {
        UUID p = UUID.randomUUID();
        long first = store.enqueue(p, "OSAPI_REGISTER", "osp:" + p, "c");
        long second = store.enqueue(p, "GEOPOST_SEND", "osp:" + p, "c");
        long unordered = store.enqueue(p, "PARERE_REQUEST", null, "r");

        assertThat(ids(claim(10))).containsExactlyInAnyOrder(first, unordered);
        // the second waits while the first is pending, even once the first's claim has lapsed
        jdbc.update("update outbox set claimed_until = now() - interval '1 second' where id = ?", first);
        OutboxEntry again = claim(10).get(0);
        assertThat(again.id()).isEqualTo(first);
        assertThat(store.markDone(first, again.claimToken())).isTrue();
        assertThat(ids(claim(10))).containsExactly(second);
    }

    @Test
    void aRescheduledEntryHoldsBackItsSuccessorsUntilItIsDone() {
        UUID p = UUID.randomUUID();
        long first = store.enqueue(p, "FO_NOTIFY", "fo:" + p, "a");
        long second = store.enqueue(p, "FO_NOTIFY", "fo:" + p, "b");
        OutboxEntry claimed = claim(10).get(0);
        assertThat(claimed.attempts()).isEqualTo(1);
        assertThat(store.reschedule(first, claimed.claimToken(), Instant.now().minusSeconds(1), "HTTP 503")).isTrue();

        List<OutboxEntry> again = claim(10);
        assertThat(ids(again)).containsExactly(first);
        assertThat(again.get(0).attempts()).isEqualTo(2);
        assertThat(ids(claim(10))).isEmpty();
        store.markDone(first, again.get(0).claimToken());
        assertThat(ids(claim(10))).containsExactly(second);
    }

    @Test
    void anEntryNotYetDueOrClaimedByAnotherInstanceIsNotClaimed() {
        long later = store.enqueue(UUID.randomUUID(), "CATALOGO_AUDIT", null, "x");
        store.reschedule(later, claim(10).get(0).claimToken(), Instant.now().plusSeconds(60), "later");
        long claimed = store.enqueue(UUID.randomUUID(), "CATALOGO_AUDIT", null, "y");
        assertThat(ids(claim(10))).containsExactly(claimed);
        assertThat(ids(claim(10))).isEmpty();
    }

    @Test
    void concurrentClaimsNeverTakeTheSameEntryNorTwoOfOneKey() throws Exception {
        List<UUID> pratiche = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID p = UUID.randomUUID();
            pratiche.add(p);
            for (int k = 0; k < 3; k++) store.enqueue(p, "GEOWORK_REGISTER", "geowork:" + p, String.valueOf(k));
        }
        int claimers = 4;
        CyclicBarrier start = new CyclicBarrier(claimers);
        ExecutorService pool = Executors.newFixedThreadPool(claimers);
        List<Future<List<OutboxEntry>>> results = new ArrayList<>();
        for (int i = 0; i < claimers; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return claim(50);
            }));
        }
        List<OutboxEntry> all = Collections.synchronizedList(new ArrayList<>());
        for (Future<List<OutboxEntry>> f : results) all.addAll(f.get());
        pool.shutdown();

        assertThat(ids(all)).doesNotHaveDuplicates();
        // at most the head of each key, and it is the oldest of its key
        assertThat(all).hasSizeLessThanOrEqualTo(pratiche.size());
        for (OutboxEntry e : all) assertThat(e.payload()).isEqualTo("0");
    }

    @Test
    void aClaimIsFencedByItsTokenAndOnlyRealFailuresCountAsAttempts() {
        long id = store.enqueue(UUID.randomUUID(), "FO_NOTIFY", null, "a");
        OutboxEntry first = claim(10).get(0);
        // the lease runs out while the first claimant still works: another claim takes the entry
        jdbc.update("update outbox set claimed_until = now() - interval '1 second' where id = ?", id);
        OutboxEntry second = claim(10).get(0);
        assertThat(second.attempts()).as("a lapsed lease is no failure").isEqualTo(1);
        assertThat(second.claimToken()).isNotEqualTo(first.claimToken());

        assertThat(store.markDone(id, first.claimToken())).isFalse();
        assertThat(store.reschedule(id, first.claimToken(), Instant.now(), "late")).isFalse();
        assertThat(store.markDead(id, first.claimToken(), "late")).isFalse();
        assertThat(store.markDone(id, second.claimToken())).isTrue();
        assertThat(jdbc.queryForObject("select attempts from outbox where id = ?", Integer.class, id)).isZero();
    }

    @Test
    void theClaimsOfAnInstanceWithoutHeartbeatAreFreeAtOnceThoseOfALiveOneAreNot() {
        jdbc.update("insert into gateway_instance values ('killed', 'test', now() - interval '1 minute', now() - interval '30 seconds')");
        jdbc.update("insert into gateway_instance values ('alive', 'test', now(), now())");
        long ofAlive = store.enqueue(UUID.randomUUID(), "FO_NOTIFY", null, "b");
        assertThat(ids(claimAs("alive", 1))).containsExactly(ofAlive);
        long ofKilled = store.enqueue(UUID.randomUUID(), "FO_NOTIFY", null, "a");
        assertThat(ids(claimAs("killed", 1))).containsExactly(ofKilled);

        assertThat(ids(claim(10))).as("within their 120 s leases").containsExactly(ofKilled);
    }

    @Test
    void anInstanceWhoseOwnHeartbeatIsLateDoesNotClaimItsOwnEntriesAgain() {
        jdbc.update("insert into gateway_instance values ('late', 'test', now() - interval '1 minute', now() - interval '30 seconds')");
        long entry = store.enqueue(UUID.randomUUID(), "FO_NOTIFY", null, "c");
        assertThat(ids(claimAs("late", 1))).containsExactly(entry);

        assertThat(ids(claimAs("late", 10))).as("its own claim, still in its lease").isEmpty();
        assertThat(ids(claim(10))).as("a peer sees a dead instance").containsExactly(entry);
    }

    @Test
    void aRenewedLeaseOutlastsALongCallAndOnlyTheCurrentClaimIsRenewed() {
        jdbc.update("insert into gateway_instance values ('peer', 'test', now(), now())");
        long entry = store.enqueue(UUID.randomUUID(), "FETCH_DOCUMENT", null, "doc-1");
        OutboxEntry running = claim(1).get(0);
        // the call outlived its lease (a large document at a slow peer's pace)
        jdbc.update("update outbox set claimed_until = now() - interval '1 second' where id = ?", entry);

        assertThat(store.renew(java.util.Map.of(entry, running.claimToken()), 120)).isEqualTo(1);
        assertThat(ids(claimAs("peer", 10))).as("renewed: not claimed again while it runs").isEmpty();

        jdbc.update("update outbox set claimed_until = now() - interval '1 second' where id = ?", entry);
        OutboxEntry takenOver = claimAs("peer", 10).get(0);
        assertThat(store.renew(java.util.Map.of(entry, running.claimToken()), 120)).as("a stale token renews nothing").isZero();
        assertThat(store.markDone(entry, running.claimToken())).isFalse();
        assertThat(store.markDone(entry, takenOver.claimToken())).isTrue();
    }

    @Test
    void aDeadEntryHoldsItsKeyUntilReplayedAndThenRunsFirstOrUntilDiscarded() {
        UUID p = UUID.randomUUID();
        long first = store.enqueue(p, "FO_NOTIFY", "fo:" + p, "a");
        long second = store.enqueue(p, "FO_NOTIFY", "fo:" + p, "b");
        assertThat(store.markDead(first, claim(10).get(0).claimToken(), "refused")).isTrue();
        assertThat(ids(claim(10))).as("the later entry waits for the dead one").isEmpty();

        store.revive(first);
        OutboxEntry replayed = claim(10).get(0);
        assertThat(replayed.id()).isEqualTo(first);
        assertThat(store.markDead(first, replayed.claimToken(), "refused again")).isTrue();
        assertThat(store.discard(first)).isEqualTo(1);
        assertThat(ids(claim(10))).containsExactly(second);
    }

    private static List<OutboxEntry> claim(int limit) {
        return claimAs(ME, limit);
    }

    private static List<OutboxEntry> claimAs(String instance, int limit) {
        return tx.execute(s -> store.claimDue(limit, 120, instance, 10));
    }

    private static List<Long> ids(List<OutboxEntry> entries) {
        return entries.stream().map(OutboxEntry::id).toList();
    }
}
