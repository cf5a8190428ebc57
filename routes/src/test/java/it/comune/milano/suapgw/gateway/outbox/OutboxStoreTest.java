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
        assertThat(ids(claim(10))).containsExactly(first);
        store.markDone(first);
        assertThat(ids(claim(10))).containsExactly(second);
    }

    @Test
    void aRescheduledEntryHoldsBackItsSuccessorsUntilItIsDone() {
        UUID p = UUID.randomUUID();
        long first = store.enqueue(p, "FO_NOTIFY", "fo:" + p, "a");
        long second = store.enqueue(p, "FO_NOTIFY", "fo:" + p, "b");
        claim(10);
        store.reschedule(first, Instant.now().minusSeconds(1), "HTTP 503");

        List<OutboxEntry> again = claim(10);
        assertThat(ids(again)).containsExactly(first);
        assertThat(again.get(0).attempts()).isEqualTo(2);
        assertThat(ids(claim(10))).isEmpty();
        store.markDone(first);
        assertThat(ids(claim(10))).containsExactly(second);
    }

    @Test
    void anEntryNotYetDueOrClaimedByAnotherInstanceIsNotClaimed() {
        long later = store.enqueue(UUID.randomUUID(), "CATALOGO_AUDIT", null, "x");
        store.reschedule(later, Instant.now().plusSeconds(60), "later");
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

    private static List<OutboxEntry> claim(int limit) {
        return tx.execute(s -> store.claimDue(limit, 120));
    }

    private static List<Long> ids(List<OutboxEntry> entries) {
        return entries.stream().map(OutboxEntry::id).toList();
    }
}
