package it.comune.milano.suapgw.bench;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

/**
 * What the gateway's work is compared with, measured in the same run on the same box:
 * <ul>
 * <li>{@link #http}: an anonymous, trivial endpoint of the gateway ({@code GET /actuator/health/liveness}: the liveness
 * state, no component checked) at max rate;</li>
 * <li>{@link #postgres}: single-row INSERT commits (autocommit, one transaction each) on the gateway's embedded
 * PostgreSQL (fsync and synchronous_commit on), one connection per thread, in a schema of the bench dropped after;</li>
 * <li>{@link #artemis}: persistent sends (durable, each blocking until journalled) to an Artemis broker of this JVM
 * configured as the gateway's embedded one (persistence on, default journal: AIO when available, else NIO, same
 * disk), over its in-VM acceptor as the gateway sends. Not the gateway's own broker: its users may send only to the
 * enti's queues, where bench messages would be consumed as requests.</li>
 * <li>{@link #rsaSign}: RS256 signatures (RSA 2048, SHA-256) of a short token, one thread per core: the ModI signature
 * the gateway puts on every response it gives and every request it makes (and each peer on its own). No signed-message
 * rate on this box can pass it.</li>
 * </ul>
 */
final class Baselines {

    private Baselines() {
    }

    static Load.Result http(String gatewayUrl, int connections, Duration duration) throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl + "/actuator/health/liveness")).timeout(Duration.ofSeconds(30))
                .GET().build();
        return Load.maxRate("http-liveness", connections, duration,
                i -> () -> client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    }

    static Load.Result rsaSign(Duration duration) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.KeyPair keys = g.generateKeyPair();
        byte[] token = new byte[600]; // about a ModI Agid-JWT-Signature's header and claims, base64url
        java.util.Arrays.fill(token, (byte) 'a');
        return Load.maxRate("rsa-sign", Runtime.getRuntime().availableProcessors(), duration, i -> () -> {
            java.security.Signature rs256 = java.security.Signature.getInstance("SHA256withRSA");
            rs256.initSign(keys.getPrivate());
            rs256.update(token);
            return rs256.sign().length == 256;
        });
    }

    static Load.Result postgres(String jdbcUrl, String user, String password, int connections, Duration duration) throws Exception {
        String schema = "suapgw_bench_baseline";
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
            s.execute("drop schema if exists " + schema + " cascade");
            s.execute("create schema " + schema);
            s.execute("create table " + schema + ".commit_rate (id bigserial primary key, payload text not null, at timestamptz not null default now())");
        }
        ConcurrentLinkedQueue<Connection> opened = new ConcurrentLinkedQueue<>();
        ThreadLocal<PreparedStatement> insert = ThreadLocal.withInitial(() -> {
            try {
                Connection c = DriverManager.getConnection(jdbcUrl, user, password);
                opened.add(c);
                c.setAutoCommit(true);
                return c.prepareStatement("insert into " + schema + ".commit_rate (payload) values (?)");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        String payload = "x".repeat(200);
        try {
            return Load.maxRate("pg-commit", connections, duration, i -> () -> {
                PreparedStatement ps = insert.get();
                ps.setString(1, payload);
                return ps.executeUpdate() == 1;
            });
        } finally {
            for (Connection c : opened) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // closing
                }
            }
            try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement s = c.createStatement()) {
                s.execute("drop schema if exists " + schema + " cascade");
            }
        }
    }

    /** {@code journalType}: set to what the broker used (AIO or NIO). */
    static Load.Result artemis(Path dataDir, int connections, Duration duration, StringBuilder journalType) throws Exception {
        deleteTree(dataDir);
        ConfigurationImpl cfg = new ConfigurationImpl();
        cfg.setName("suapgw-bench-baseline");
        cfg.setPersistenceEnabled(true);
        cfg.setJournalDirectory(dataDir.resolve("journal").toString());
        cfg.setBindingsDirectory(dataDir.resolve("bindings").toString());
        cfg.setLargeMessagesDirectory(dataDir.resolve("large-messages").toString());
        cfg.setPagingDirectory(dataDir.resolve("paging").toString());
        cfg.setJMXManagementEnabled(false);
        cfg.setSecurityEnabled(false);
        cfg.addAcceptorConfiguration("in-vm", "vm://7");
        EmbeddedActiveMQ broker = new EmbeddedActiveMQ();
        broker.setConfiguration(cfg);
        broker.start();
        journalType.append(broker.getActiveMQServer().getConfiguration().getJournalType());
        String queue = "bench.baseline";
        ConcurrentLinkedQueue<AutoCloseable> opened = new ConcurrentLinkedQueue<>();
        try (ServerLocator locator = ActiveMQClient.createServerLocator("vm://7")) {
            locator.setBlockOnDurableSend(true);
            try (ClientSessionFactory factory = locator.createSessionFactory(); ClientSession admin = factory.createSession()) {
                admin.createQueue(QueueConfiguration.of(queue).setRoutingType(RoutingType.ANYCAST).setDurable(true));
            }
            ThreadLocal<ClientSession> sessions = ThreadLocal.withInitial(() -> {
                try {
                    ClientSessionFactory f = locator.createSessionFactory();
                    ClientSession s = f.createSession(true, true);
                    opened.add(s);
                    opened.add(f);
                    return s;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ThreadLocal<ClientProducer> producers = ThreadLocal.withInitial(() -> {
                try {
                    return sessions.get().createProducer(queue);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] body = new byte[1024];
            return Load.maxRate("artemis-send", connections, duration, i -> () -> {
                ClientSession s = sessions.get();
                ClientMessage m = s.createMessage(true);
                m.getBodyBuffer().writeBytes(body);
                producers.get().send(m);
                return true;
            });
        } finally {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // closing
                }
            }
            broker.stop();
            deleteTree(dataDir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
