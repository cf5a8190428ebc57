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
    final List<EmbeddedPostgres> started = new ArrayList<>();

    @AfterEach
    void stopServers() throws IOException {
        for (EmbeddedPostgres pg : started) pg.close();
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

    EmbeddedPostgres start(Path dir) throws IOException {
        EmbeddedPostgres pg = new EmbeddedPostgresConfig().embeddedPostgres(props(dir), APP_PASSWORD);
        started.add(pg);
        return pg;
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
