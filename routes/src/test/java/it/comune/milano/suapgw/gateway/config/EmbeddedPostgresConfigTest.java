package it.comune.milano.suapgw.gateway.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded PostgreSQL the gateway starts: a real server on a temporary data directory. */
class EmbeddedPostgresConfigTest {
    static final String APP_PASSWORD = "app-test-password";

    @TempDir
    Path tmp;
    final List<EmbeddedPostgresConfig.EmbeddedDatabase> started = new ArrayList<>();
    ProcessHandle orphan;

    @AfterEach
    void stopServers() throws IOException {
        for (EmbeddedPostgresConfig.EmbeddedDatabase db : started) db.close();
        if (orphan != null && orphan.isAlive()) orphan.destroy();
    }

    @Test
    void everyCommitReachesTheDiskBeforeItIsAcknowledged() throws Exception {
        EmbeddedPostgres pg = start(tmp.resolve("pg"));
        try (Connection c = asGateway(pg)) {
            assertThat(show(c, "fsync")).isEqualTo("on");
            assertThat(show(c, "synchronous_commit")).isEqualTo("on");
            assertThat(show(c, "full_page_writes")).isEqualTo("on");
        }
    }

    @Test
    void sizedForTheBoxItSharesWithTheGateway() throws Exception {
        EmbeddedPostgres pg = start(tmp.resolve("pg"));
        try (Connection c = asGateway(pg)) {
            assertThat(show(c, "max_connections")).as("not the library's 300").isEqualTo("100");
            assertThat(show(c, "shared_buffers")).isEqualTo("128MB");
            assertThat(show(c, "max_wal_size")).isEqualTo("1GB");
            assertThat(show(c, "wal_compression")).isEqualTo("on");
        }
    }

    /**
     * A gateway killed with kill -9 leaves its PostgreSQL running on the data directory: the next start stops that
     * orphan and runs a server of its own, on the same data.
     */
    @Test
    void aServerLeftByAKilledGatewayIsStoppedAndReplacedOnTheSameData() throws Exception {
        Path dir = tmp.resolve("pg");
        Process killedGateway = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), GatewayToBeKilled.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(killedGateway.getInputStream()));
        String line;
        while ((line = out.readLine()) != null && !line.startsWith("STARTED ")) { /* the child's log */ }
        assertThat(line).as("the gateway to be killed started its server").isNotNull();
        killedGateway.destroyForcibly().waitFor();
        orphan = ProcessHandle.of(Long.parseLong(line.substring("STARTED ".length()))).orElseThrow();
        assertThat(orphan.isAlive()).as("the server outlives its killed gateway").isTrue();

        EmbeddedPostgres own = start(dir);
        try (Connection c = asGateway(own)) {
            assertThat(orphan.isAlive()).as("the orphan is stopped").isFalse();
            assertThat(postmasterPid(c)).isNotEqualTo(orphan.pid());
            assertThat(show(c, "fsync")).as("the gateway's own settings").isEqualTo("on");
            try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select note from before_the_kill")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getString(1)).isEqualTo("committed before the kill");
            }
        }
    }

    @Test
    void aLiveServerOfThisJvmIsNotAnOrphan() throws Exception {
        Path dir = tmp.resolve("pg");
        EmbeddedPostgres running = start(dir);
        assertThat(EmbeddedPostgresConfig.stopOrphan(dir, java.time.Duration.ofSeconds(5))).isFalse();
        try (Connection c = asGateway(running)) {
            assertThat(show(c, "fsync")).isEqualTo("on");
        }
    }

    /** At exit the library's own shutdown hook (EmbeddedPostgres.close) leaves the server to the context's close. */
    @Test
    void theServerIsStoppedByTheContextNotByTheLibrarysShutdownHook() throws Exception {
        EmbeddedPostgresConfig.EmbeddedDatabase db = new EmbeddedPostgresConfig().embeddedPostgres(props(tmp.resolve("pg")), APP_PASSWORD);
        ProcessHandle postmaster;
        try (Connection c = asGateway(db.server())) {
            postmaster = ProcessHandle.of(postmasterPid(c)).orElseThrow();
        }
        db.server().close(); // what the library's hook runs when the JVM begins to exit
        try (Connection c = asGateway(db.server())) {
            assertThat(show(c, "fsync")).as("still serving").isEqualTo("on");
        }
        db.close();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !postmaster.isAlive());
    }

    /** A gateway's embedded server with a row committed, in a JVM of its own that the test kills. */
    public static class GatewayToBeKilled {
        public static void main(String[] args) throws Exception {
            EmbeddedPostgres pg = new EmbeddedPostgresConfig().embeddedPostgres(props(Path.of(args[0])), APP_PASSWORD).server();
            try (Connection c = asGateway(pg); Statement s = c.createStatement()) {
                s.execute("create table before_the_kill (note text)");
                s.execute("insert into before_the_kill values ('committed before the kill')");
                System.out.println("STARTED " + postmasterPid(c));
            }
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    static long postmasterPid(Connection c) throws SQLException {
        // the postmaster is the parent of this connection's backend
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("select pg_backend_pid()")) {
            r.next();
            return ProcessHandle.of(r.getLong(1)).flatMap(ProcessHandle::parent).orElseThrow().pid();
        }
    }

    EmbeddedPostgres start(Path dir) throws IOException {
        EmbeddedPostgresConfig.EmbeddedDatabase db = new EmbeddedPostgresConfig().embeddedPostgres(props(dir), APP_PASSWORD);
        started.add(db);
        return db.server();
    }

    static GatewayProperties props(Path dir) throws IOException {
        return new GatewayProperties(null, null, null, null, new GatewayProperties.Db(true, dir.toString(), freePort()),
                null, null, null, null, null, null, null, null, null, null, null, null);
    }

    static Connection asGateway(EmbeddedPostgres pg) throws SQLException {
        return DriverManager.getConnection(pg.getJdbcUrl(EmbeddedPostgresConfig.APP_ROLE, EmbeddedPostgresConfig.APP_DATABASE),
                EmbeddedPostgresConfig.APP_ROLE, APP_PASSWORD);
    }

    static String show(Connection c, String setting) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("show " + setting)) {
            r.next();
            return r.getString(1);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
