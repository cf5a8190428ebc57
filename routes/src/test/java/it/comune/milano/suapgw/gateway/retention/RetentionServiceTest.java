package it.comune.milano.suapgw.gateway.retention;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The retention purge on a real PostgreSQL (the schema of the Flyway migrations). */
class RetentionServiceTest {
    static EmbeddedPostgres pg;
    static JdbcTemplate jdbc;
    static DataSourceTransactionManager transactions;
    static TimelineStore timeline;
    SimpleMeterRegistry meters;

    @BeforeAll
    static void database() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        Flyway.configure().dataSource(pg.getPostgresDatabase()).load().migrate();
        jdbc = new JdbcTemplate(pg.getPostgresDatabase());
        transactions = new DataSourceTransactionManager(pg.getPostgresDatabase());
        timeline = new TimelineStore(jdbc, transactions);
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    @BeforeEach
    void empty() {
        jdbc.update("delete from dead_letter");
        jdbc.update("delete from termine");
        jdbc.update("delete from outbox");
        jdbc.update("delete from timeline");
        jdbc.update("delete from pratica");
        meters = new SimpleMeterRegistry();
    }

    /** Days 30 for the outbox, 90 for dead letters, batches of 2 rows (so every purge below takes several). */
    RetentionService retention(int timelineYears) {
        RetentionProperties props = new RetentionProperties(true, Duration.ZERO, Duration.ofHours(6), 2,
                Duration.ofDays(30), Duration.ofDays(90), timelineYears);
        return new RetentionService(new RetentionStore(jdbc), props, transactions, meters);
    }

    @Test
    void oldFinalOutboxEntriesGoPendingDeadAndRecentOnesStay() {
        UUID open = pratica(null);
        long oldDone = outbox(open, "FO_NOTIFY", "fo:" + open, "DONE", 40);
        long oldCancelled1 = outbox(open, "TERM_EXPIRY", null, "CANCELLED", 31);
        long oldCancelled2 = outbox(open, "TERM_EXPIRY", null, "CANCELLED", 35);
        long oldCancelled3 = outbox(null, "TERM_EXPIRY", null, "CANCELLED", 60);
        long latestDone = outbox(open, "FO_NOTIFY", "fo:" + open, "DONE", 20);
        long recentCancelled = outbox(open, "TERM_EXPIRY", null, "CANCELLED", 29);
        long oldPending = outbox(open, "CATALOGO_AUDIT", null, "PENDING", 45);
        long oldDead = outbox(open, "GEOWORK_SEND", null, "DEAD", 45);

        Map<String, Integer> purged = retention(0).purge();

        assertThat(purged).containsEntry("outbox", 4).containsEntry("dead_letter", 0).doesNotContainKey("timeline");
        assertThat(outboxIds()).containsExactlyInAnyOrder(latestDone, recentCancelled, oldPending, oldDead)
                .doesNotContain(oldDone, oldCancelled1, oldCancelled2, oldCancelled3);
        assertThat(meters.counter("suapgw.retention.purged", "tabella", "outbox").count()).isEqualTo(4.0);
    }

    @Test
    void theLatestDeliveredEntryOfAKindStaysWhileItsPraticaCanAskItAgain() {
        UUID open = pratica(null);
        UUID concludedLongAgo = pratica(Duration.ofDays(100));
        long onlyOfItsKind = outbox(open, "FO_NOTIFY", "fo:" + open, "DONE", 200);
        long otherRecipient = outbox(open, "ET_NOTIFY", "et:a:" + open, "DONE", 200);
        long supersededForRecipientB = outbox(open, "ET_NOTIFY", "et:b:" + open, "DONE", 200);
        long latestForRecipientB = outbox(open, "ET_NOTIFY", "et:b:" + open, "DONE", 100);
        long ofConcludedPratica = outbox(concludedLongAgo, "FO_NOTIFY", "fo:" + concludedLongAgo, "DONE", 200);

        retention(0).purge();

        assertThat(outboxIds()).containsExactlyInAnyOrder(onlyOfItsKind, otherRecipient, latestForRecipientB)
                .doesNotContain(supersededForRecipientB, ofConcludedPratica);
    }

    @Test
    void anEntryADeadLetterNamesStaysUntilTheDeadLetterGoes() {
        UUID p = pratica(Duration.ofDays(365));
        long replayedLongAgo = outbox(p, "GEOWORK_SEND", null, "DONE", 200);
        long replayedRecently = outbox(p, "GEOWORK_SEND", null, "DONE", 50);
        long stillDead = outbox(p, "GEOWORK_SEND", null, "DEAD", 200);
        deadLetter(replayedLongAgo, 100);
        long recentDl = deadLetter(replayedRecently, 10);
        long unreplayedDl = deadLetter(stillDead, null);
        long rejectedReplyReplayedLongAgo = deadLetter(null, 91);
        long discardedLongAgo = outbox(p, "GEOWORK_SEND", null, "DISCARDED", 200);
        long discardedDl = deadLetter(discardedLongAgo, null);
        jdbc.update("update dead_letter set discarded_at = now() - interval '100 days' where id = ?", discardedDl);

        Map<String, Integer> purged = retention(0).purge();

        // the old dead letters (replayed or discarded) went first, freeing their outbox entries in the same run
        assertThat(purged).containsEntry("dead_letter", 3).containsEntry("outbox", 2);
        assertThat(jdbc.queryForList("select id from dead_letter", Long.class))
                .containsExactlyInAnyOrder(recentDl, unreplayedDl).doesNotContain(rejectedReplyReplayedLongAgo, discardedDl);
        assertThat(outboxIds()).containsExactlyInAnyOrder(replayedRecently, stillDead);
    }

    @Test
    void aTermNamingAPurgedTimerForgetsIt() {
        UUID p = pratica(null);
        long metTimer = outbox(p, "TERM_EXPIRY", null, "CANCELLED", 40);
        long pendingTimer = outbox(p, "TERM_EXPIRY", null, "PENDING", 40);
        long metTerm = termine(p, "CORREZIONE", metTimer);
        long runningTerm = termine(p, "PROCEDIMENTO", pendingTimer);

        retention(0).purge();

        assertThat(outboxIds()).containsExactly(pendingTimer);
        assertThat(jdbc.queryForObject("select outbox_id from termine where id = ?", Long.class, metTerm)).isNull();
        assertThat(jdbc.queryForObject("select outbox_id from termine where id = ?", Long.class, runningTerm)).isEqualTo(pendingTimer);
    }

    @Test
    void theTimelineIsKeptUnlessAskedThenWholeChainsOfLongConcludedPraticheGo() {
        UUID concludedElevenYearsAgo = pratica(Duration.ofDays(11 * 366));
        UUID concludedTwelveYearsAgo = pratica(Duration.ofDays(12 * 366));
        UUID concludedLastYear = pratica(Duration.ofDays(365));
        UUID open = pratica(null);
        for (UUID p : List.of(concludedElevenYearsAgo, concludedTwelveYearsAgo, concludedLastYear, open)) {
            for (int i = 0; i < 3; i++) timeline.record(p, TimelineStore.IN, "FRONTOFFICE", "send_instance", "ACCEPTED", null, "step " + i);
        }

        assertThat(retention(0).purge()).doesNotContainKey("timeline");
        assertThat(jdbc.queryForObject("select count(*) from timeline", Integer.class)).isEqualTo(12);

        // batches of 2 / 50 -> one pratica per statement: the two old chains take two batches
        assertThat(retention(10).purge()).containsEntry("timeline", 6);
        assertThat(jdbc.queryForList("select distinct pratica_id from timeline", UUID.class))
                .containsExactlyInAnyOrder(concludedLastYear, open);
        assertThat(timeline.verify(concludedLastYear)).containsEntry("verified", true).containsEntry("entries", 3);
        assertThat(timeline.verify(open)).containsEntry("verified", true).containsEntry("entries", 3);
    }

    @Test
    void aRunWaitsForNobodyAndRemovesNothingWhileAnotherInstancePurges() throws Exception {
        outbox(null, "TERM_EXPIRY", null, "CANCELLED", 40);
        try (Connection other = pg.getPostgresDatabase().getConnection()) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                s.execute("select pg_advisory_xact_lock(" + RetentionStore.LOCK_KEY + ")");
            }
            assertThat(retention(0).purge()).isNull();
            assertThat(outboxIds()).hasSize(1);
            other.rollback();
        }
        assertThat(retention(0).purge()).containsEntry("outbox", 1);
        assertThat(outboxIds()).isEmpty();
    }

    // ---------------------------------------------------------------- fixtures

    /** A pratica, concluded {@code concludedAgo} ago (null: still open). */
    UUID pratica(Duration concludedAgo) {
        UUID id = UUID.randomUUID();
        jdbc.update("""
                insert into pratica (id, channel, cui_uuid, cui, descriptor_version, state, presented_at, updated_at, concluded_at)
                values (?, 'SSU', ?, '{}'::jsonb, '1', 'PROCESSING', now(), now(),
                        case when ?::bigint is null then null else now() - make_interval(secs => ?::bigint) end)""",
                id, id.toString(), seconds(concludedAgo), seconds(concludedAgo));
        return id;
    }

    /** An outbox entry created and (if final) done {@code daysAgo} days ago. */
    long outbox(UUID pratica, String kind, String orderingKey, String status, int daysAgo) {
        boolean fin = status.equals("DONE") || status.equals("CANCELLED") || status.equals("DISCARDED");
        return jdbc.queryForObject("""
                insert into outbox (pratica_id, kind, ordering_key, payload, status, next_attempt_at, created_at, done_at)
                values (?, ?, ?, 'x', ?, now(), now() - make_interval(days => ?),
                        case when ? then now() - make_interval(days => ?) end) returning id""",
                Long.class, pratica, kind, orderingKey, status, daysAgo, fin, daysAgo);
    }

    /** A dead letter replayed {@code replayedDaysAgo} days ago (null: not replayed). */
    long deadLetter(Long outboxId, Integer replayedDaysAgo) {
        return jdbc.queryForObject("""
                insert into dead_letter (category, source, reason, outbox_id, created_at, replayed_at)
                values (?, 'test', 'test', ?, now() - interval '400 days',
                        case when ?::int is null then null else now() - make_interval(days => ?::int) end) returning id""",
                Long.class, outboxId == null ? "REPLY_REJECTED" : "OUTBOX_EXHAUSTED", outboxId, replayedDaysAgo, replayedDaysAgo);
    }

    long termine(UUID pratica, String kind, long outboxId) {
        return jdbc.queryForObject("""
                insert into termine (pratica_id, kind, inizio, giorni, scadenza, state, anchor_at, outbox_id, updated_at)
                values (?, ?, current_date, 30, current_date + 30, 'ATTIVO', now(), ?, now()) returning id""",
                Long.class, pratica, kind, outboxId);
    }

    List<Long> outboxIds() {
        return jdbc.queryForList("select id from outbox", Long.class);
    }

    static Long seconds(Duration d) {
        return d == null ? null : d.toSeconds();
    }
}
