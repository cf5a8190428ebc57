package it.comune.milano.suapgw.gateway.config;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

/**
 * The embedded default: a real PostgreSQL started by the gateway, its data in a local directory that survives
 * restarts. Production sets suapgw.db.embedded=false and uses spring.datasource.*.
 * <p>
 * Hardened like a server of its own: password authentication only (scram-sha-256, no {@code trust}); the superuser's
 * password random, kept beside the data ({@code postgres.superuser}, readable by the owner only) and used only here,
 * to provision; the gateway works as {@code suapgw}, no superuser, owner of its database {@code suapgw}, with the
 * password of {@code spring.datasource.password} (set again at every start: changing it and restarting rotates it).
 * A data directory of an earlier version (tables in the {@code postgres} database) is copied into {@code suapgw} once.
 * A server left running by a killed gateway on the same data directory is stopped at start (see stopOrphan).
 * Durable: {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on (the library turns the first two off).
 */
@Configuration
@ConditionalOnProperty(name = "suapgw.db.embedded", havingValue = "true")
public class EmbeddedPostgresConfig {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfig.class);
    static final String APP_ROLE = "suapgw";
    static final String APP_DATABASE = "suapgw";
    /** zonky's lock on the data directory, held by the JVM whose server it is */
    static final String LOCK_FILE = "epg-lock";
    static final Duration ORPHAN_STOP_PATIENCE = Duration.ofSeconds(30);

    /**
     * The server, stopped when the context closes — after Camel (a Lifecycle, stopped before any bean is destroyed),
     * after the DataSource (which depends on it) and after the embedded broker (see {@link #databaseOutlivesBroker}).
     */
    @Bean(destroyMethod = "close")
    public EmbeddedDatabase embeddedPostgres(GatewayProperties props,
                                             @Value("${spring.datasource.password:}") String appPassword) throws IOException {
        if (appPassword == null || appPassword.isBlank()) {
            throw new IllegalStateException("spring.datasource.password (SUAPGW_DB_PASSWORD) is required for the embedded PostgreSQL too");
        }
        Path dir = Path.of(props.db().embeddedDataDir()).toAbsolutePath();
        Files.createDirectories(dir);
        String superPassword = superuserPassword(dir.resolveSibling(dir.getFileName() + ".superuser"));
        stopOrphan(dir, ORPHAN_STOP_PATIENCE);
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(props.db().embeddedPort())
                .setConnectConfig("password", superPassword)
                // the library's defaults are a test database's (postgres -F, synchronous_commit=off): an acknowledged
                // commit could vanish with the host. The embedded default is a real deployment: every commit on disk.
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                // sized for the box it shares with the gateway (docs/performance.md, "Footprint"): the library asks for
                // 300 connections (each a share of shared memory); one gateway pools 20, a second instance, the
                // bench, the fault harness and an operator's psql fit in 100
                .setServerConfig("max_connections", "100")
                .setServerConfig("shared_buffers", "128MB")
                .setServerConfig("work_mem", "4MB")
                .setServerConfig("maintenance_work_mem", "64MB")
                // large objects are written in 192 KiB pieces: fewer checkpoints (each forcing full-page images
                // into the WAL) while a 1 GB document goes in
                .setServerConfig("max_wal_size", "1GB")
                .setServerConfig("checkpoint_timeout", "15min")
                .setServerConfig("wal_compression", "on")
                .start();
        try {
            provision(pg, dir, superPassword, appPassword);
        } catch (SQLException | IOException | RuntimeException e) {
            pg.close();
            throw new IllegalStateException("cannot provision the embedded PostgreSQL: " + e.getMessage(), e);
        }
        log.info("Embedded PostgreSQL on port {} with data in {} (database {}, role {}, password authentication)", pg.getPort(), dir,
                APP_DATABASE, APP_ROLE);
        return new EmbeddedDatabase(pg, disarmShutdownHook(pg));
    }

    /** The embedded broker is stopped before the database, whatever the order the beans were created in. */
    @Bean
    static BeanFactoryPostProcessor databaseOutlivesBroker() {
        return factory -> {
            if (!factory.containsBeanDefinition("embeddedBroker") || !factory.containsBeanDefinition("embeddedPostgres")) return;
            BeanDefinition broker = factory.getBeanDefinition("embeddedBroker");
            List<String> dependsOn = new ArrayList<>(broker.getDependsOn() == null ? List.of() : List.of(broker.getDependsOn()));
            dependsOn.add("embeddedPostgres");
            broker.setDependsOn(dependsOn.toArray(String[]::new));
        };
    }

    /**
     * The embedded server, stopped by {@link #close()} only. The library registers a JVM shutdown hook of its own that
     * stops PostgreSQL as soon as the JVM begins to exit (SIGTERM), concurrently with the context's close: Camel's
     * in-flight work lost its database and logged SQL errors. That hook is disarmed; if the JVM ever exits without
     * closing the context, the server left running is stopped at the next start ({@link #stopOrphan}).
     */
    public static final class EmbeddedDatabase implements AutoCloseable {
        private final EmbeddedPostgres pg;
        private final AtomicBoolean hookDisarmed;

        EmbeddedDatabase(EmbeddedPostgres pg, AtomicBoolean hookDisarmed) {
            this.pg = pg;
            this.hookDisarmed = hookDisarmed;
        }

        public EmbeddedPostgres server() {
            return pg;
        }

        @Override
        public void close() throws IOException {
            if (hookDisarmed != null) hookDisarmed.set(false);
            pg.close();
        }
    }

    /**
     * The library's hook calls {@code close()}, which does nothing once its {@code closed} flag is set: the flag set
     * now, cleared just before our own close. Returns the flag, or null (and a WARN) if this version has none.
     */
    static AtomicBoolean disarmShutdownHook(EmbeddedPostgres pg) {
        try {
            java.lang.reflect.Field f = EmbeddedPostgres.class.getDeclaredField("closed");
            f.setAccessible(true);
            AtomicBoolean closed = (AtomicBoolean) f.get(pg);
            closed.set(true);
            return closed;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("cannot disarm the embedded PostgreSQL's own shutdown hook ({}): it may stop the database before Camel at exit",
                    e.toString());
            return null;
        }
    }

    @Bean
    public DataSource dataSource(EmbeddedDatabase db, @Value("${spring.datasource.password:}") String appPassword) {
        EmbeddedPostgres pg = db.server();
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(pg.getJdbcUrl(APP_ROLE, APP_DATABASE));
        ds.setUsername(APP_ROLE);
        ds.setPassword(appPassword);
        ds.setMaximumPoolSize(20);
        ds.setPoolName("suapgw-embedded");
        return ds;
    }

    /**
     * A server of an earlier run still serving this data directory — its gateway was killed (kill -9) and nobody holds
     * the directory's lock any more — is stopped (pg_ctl stop -m fast, else SIGTERM), so that the gateway starts its
     * own, with its settings, instead of failing to start one ({@code postmaster.pid} exists) and using the orphan.
     * A pid file whose process is gone, or is not a postgres of this directory, is left to postgres.
     *
     * @return whether an orphan was stopped
     */
    static boolean stopOrphan(Path dir, Duration patience) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) return false;
        List<String> lines = Files.readAllLines(pidFile);
        if (lines.size() < 2 || !lines.get(0).trim().matches("\\d{1,10}")) return false;
        ProcessHandle orphan = ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(ProcessHandle::isAlive).orElse(null);
        if (orphan == null) return false;
        Path command = orphan.info().command().map(Path::of).orElse(null);
        if (command == null || !command.getFileName().toString().equals("postgres") || !sameFile(Path.of(lines.get(1).trim()), dir)) {
            return false;
        }
        if (!lockFree(dir)) return false; // a live gateway's server (postgres or zonky refuse to start a second one)
        log.warn("Embedded PostgreSQL: a server of an earlier run (pid {}, its gateway killed) still serves {}: stopping it",
                orphan.pid(), dir);
        Path pgCtl = command.resolveSibling("pg_ctl");
        if (Files.isExecutable(pgCtl)) {
            try {
                new ProcessBuilder(pgCtl.toString(), "stop", "-D", dir.toString(), "-m", "fast", "-w",
                        "-t", String.valueOf(patience.toSeconds())).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(patience.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while stopping the orphaned PostgreSQL " + orphan.pid(), e);
            }
        }
        if (orphan.isAlive()) orphan.destroy(); // SIGTERM: postgres' smart shutdown; a killed gateway left no client
        try {
            orphan.onExit().get(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the orphaned PostgreSQL " + orphan.pid() + " serving " + dir + " did not stop within "
                    + patience.toSeconds() + " s: stop it, then start the gateway again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the orphaned PostgreSQL " + orphan.pid(), e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause());
        }
        log.warn("Embedded PostgreSQL: the orphaned server {} stopped; starting the gateway's own on {}", orphan.pid(), dir);
        return true;
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    /** Nobody — no other process, not this JVM — holds zonky's lock on the data directory. */
    private static boolean lockFree(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = ch.tryLock();
            if (lock == null) return false;
            lock.release();
            return true;
        } catch (OverlappingFileLockException heldHere) {
            return false;
        }
    }

    /** The superuser's password: generated once, kept beside the data directory, the owner only may read it. */
    static String superuserPassword(Path file) throws IOException {
        if (Files.exists(file)) return Files.readString(file).trim();
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        Files.writeString(file, secret);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            log.warn("cannot restrict the permissions of {}", file);
        }
        return secret;
    }

    private static void provision(EmbeddedPostgres pg, Path dir, String superPassword, String appPassword)
            throws SQLException, IOException {
        boolean database;
        boolean earlier;
        try (Connection c = connect(pg, "postgres", superPassword); Statement s = c.createStatement()) {
            s.execute("alter role postgres password " + literal(superPassword));
            boolean role;
            try (ResultSet r = s.executeQuery("select 1 from pg_roles where rolname = '" + APP_ROLE + "'")) {
                role = r.next();
            }
            s.execute((role ? "alter role " : "create role ") + APP_ROLE
                    + " login nosuperuser nocreatedb nocreaterole noreplication password " + literal(appPassword));
            try (ResultSet r = s.executeQuery("select 1 from pg_database where datname = '" + APP_DATABASE + "'")) {
                database = r.next();
            }
            try (ResultSet r = s.executeQuery("select 1 from information_schema.tables where table_schema = 'public'"
                    + " and table_name = 'flyway_schema_history'")) {
                earlier = r.next();
            }
        }
        if (!database) {
            // from template1: a database cannot be copied while anyone (this very bootstrap) is connected to it
            try (Connection t = connect(pg, "template1", superPassword); Statement ts = t.createStatement()) {
                if (earlier) {
                    log.warn("Embedded PostgreSQL: copying the data of an earlier version from database postgres into {}", APP_DATABASE);
                    ts.execute("create database " + APP_DATABASE + " template postgres owner " + APP_ROLE);
                } else {
                    ts.execute("create database " + APP_DATABASE + " owner " + APP_ROLE);
                }
            }
        }
        // every start: what a copy (or an interrupted one) left owned by the superuser becomes the gateway's
        reassignTables(pg, superPassword);
        try (Connection c = connect(pg, APP_DATABASE, superPassword); Statement s = c.createStatement()) {
            s.execute("alter schema public owner to " + APP_ROLE);
            s.execute("revoke all on database " + APP_DATABASE + " from public");
        }
        passwordsOnly(dir);
        try (Connection c = connect(pg, "postgres", superPassword); Statement s = c.createStatement()) {
            s.execute("select pg_reload_conf()");
        }
    }

    /** The copied tables and views (with their sequences), then any other sequence, become the application role's. */
    private static void reassignTables(EmbeddedPostgres pg, String superPassword) throws SQLException {
        try (Connection c = connect(pg, APP_DATABASE, superPassword); Statement s = c.createStatement()) {
            for (String kinds : List.of("'r', 'p', 'v'", "'S'")) {
                List<String> alters = new ArrayList<>();
                try (ResultSet r = s.executeQuery("""
                        select case c.relkind when 'S' then 'sequence' when 'v' then 'view' else 'table' end, c.relname
                          from pg_class c join pg_namespace n on n.oid = c.relnamespace
                         where n.nspname = 'public' and c.relkind in (%s)
                           and pg_get_userbyid(c.relowner) <> '%s'""".formatted(kinds, APP_ROLE))) {
                    while (r.next()) alters.add("alter " + r.getString(1) + " public.\"" + r.getString(2) + "\" owner to " + APP_ROLE);
                }
                for (String a : alters) s.execute(a);
            }
        }
    }

    /** pg_hba.conf: password (scram-sha-256) for every connection, local or over TCP; nothing on trust. */
    private static void passwordsOnly(Path dir) throws IOException {
        Path hba = dir.resolve("pg_hba.conf");
        String wanted = """
                # written by suap-gateway (EmbeddedPostgresConfig): password authentication only
                local   all   all                 scram-sha-256
                host    all   all   127.0.0.1/32  scram-sha-256
                host    all   all   ::1/128       scram-sha-256
                """;
        if (!Files.exists(hba) || !Files.readString(hba).equals(wanted)) Files.writeString(hba, wanted);
    }

    private static Connection connect(EmbeddedPostgres pg, String database, String superPassword) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", superPassword);
        return DriverManager.getConnection(pg.getJdbcUrl("postgres", database), p);
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
