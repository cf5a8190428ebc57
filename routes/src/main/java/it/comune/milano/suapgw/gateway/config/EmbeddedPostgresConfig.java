package it.comune.milano.suapgw.gateway.config;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import javax.sql.DataSource;
import java.io.IOException;
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
 * Durable: {@code fsync}, {@code synchronous_commit} and {@code full_page_writes} on (the library turns the first two off).
 */
@Configuration
@ConditionalOnProperty(name = "suapgw.db.embedded", havingValue = "true")
public class EmbeddedPostgresConfig {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfig.class);
    static final String APP_ROLE = "suapgw";
    static final String APP_DATABASE = "suapgw";

    @Bean(destroyMethod = "close")
    public EmbeddedPostgres embeddedPostgres(GatewayProperties props,
                                             @Value("${spring.datasource.password:}") String appPassword) throws IOException {
        if (appPassword == null || appPassword.isBlank()) {
            throw new IllegalStateException("spring.datasource.password (SUAPGW_DB_PASSWORD) is required for the embedded PostgreSQL too");
        }
        Path dir = Path.of(props.db().embeddedDataDir()).toAbsolutePath();
        Files.createDirectories(dir);
        String superPassword = superuserPassword(dir.resolveSibling(dir.getFileName() + ".superuser"));
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
                .start();
        try {
            provision(pg, dir, superPassword, appPassword);
        } catch (SQLException | IOException | RuntimeException e) {
            pg.close();
            throw new IllegalStateException("cannot provision the embedded PostgreSQL: " + e.getMessage(), e);
        }
        log.info("Embedded PostgreSQL on port {} with data in {} (database {}, role {}, password authentication)", pg.getPort(), dir,
                APP_DATABASE, APP_ROLE);
        return pg;
    }

    @Bean
    public DataSource dataSource(EmbeddedPostgres pg, @Value("${spring.datasource.password:}") String appPassword) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(pg.getJdbcUrl(APP_ROLE, APP_DATABASE));
        ds.setUsername(APP_ROLE);
        ds.setPassword(appPassword);
        ds.setMaximumPoolSize(20);
        ds.setPoolName("suapgw-embedded");
        return ds;
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
