package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.simulators.enti.EnteSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static it.comune.milano.suapgw.simulators.enti.EnteSimulator.Protocol.AMQP;
import static it.comune.milano.suapgw.simulators.enti.EnteSimulator.Protocol.CORE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The gateway on an external broker: an instance of the official Artemis distribution configured with config/artemis
 * (the demo's users), run as its own process. Pareri travel through it, each ente is confined to its own queues,
 * and its dead letters reach the gateway's dead-letter store.
 * <p>
 * Its gateway has its own context on the ports the other ITs share: it runs first ({@code @Order}) and closes its
 * context when done.
 */
@Order(1)
@DirtiesContext
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Import(ExternalArtemisIT.BrokerOutlivesTheGateway.class)
class ExternalArtemisIT extends AbstractGatewayIT {
    static final Path HOME = tempDir();
    /** a primary/backup pair on one shared store (config/artemis/ha): the gateway fails over, the enti reconnect */
    static final int BACKUP_GATEWAY_PORT = freePort();
    static final int PRIMARY_GATEWAY_PORT = freePort();
    static final ExternalArtemis BROKER = member("primary", PRIMARY_GATEWAY_PORT, BACKUP_GATEWAY_PORT)
            .start().awaitAcceptingConnections(Duration.ofSeconds(90));
    static final ExternalArtemis BACKUP = member("backup", BACKUP_GATEWAY_PORT, PRIMARY_GATEWAY_PORT)
            .start().awaitLogged("AMQ221031", Duration.ofSeconds(90)); // backup announced
    static final List<EnteSimulator> EXTERNAL_ENTI = new ArrayList<>();

    @DynamicPropertySource
    static void externalBroker(DynamicPropertyRegistry r) {
        r.add("suapgw.broker.embedded", () -> false);
        r.add("suapgw.broker.url", () -> "(" + BROKER.url() + "," + BACKUP.url() + ")?ha=true&reconnectAttempts=-1");
        r.add("suapgw.db.embedded-data-dir", () -> HOME.resolve("postgres").toString());
    }

    /** the gateway's own connection (user gateway) */
    @Autowired
    ConnectionFactory gateway;

    /** The brokers stop with the gateway's context, after the gateway's connection (which depends on them) is closed. */
    @TestConfiguration(proxyBeanMethods = false)
    static class BrokerOutlivesTheGateway {
        @Bean(destroyMethod = "stop")
        ExternalArtemis externalBroker() {
            return BROKER;
        }

        /** stopped after the gateway and before the primary (the order of their dependencies), so that it does not take over */
        @Bean(destroyMethod = "stop")
        ExternalArtemis externalBackup() {
            return BACKUP;
        }

        @Bean
        static BeanFactoryPostProcessor gatewayConnectionDependsOnTheBroker() {
            return beans -> {
                BeanDefinition connection = beans.getBeanDefinition("connectionFactory");
                List<String> dependsOn = new ArrayList<>(connection.getDependsOn() == null ? List.of() : List.of(connection.getDependsOn()));
                dependsOn.add("externalBackup");
                beans.getBeanDefinition("externalBackup").setDependsOn("externalBroker");
                connection.setDependsOn(dependsOn.toArray(String[]::new));
            };
        }
    }

    @AfterAll
    static void stopEnti() {
        EXTERNAL_ENTI.forEach(EnteSimulator::stop);
    }

    @Test
    void aParereRequestAndItsReplyTravelThroughTheExternalBroker() throws Exception {
        startEnti("polizia-locale", "ats-milano", "soprintendenza");
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        awaitFinal(s);

        JsonNode d = detail(s.cuiUuid());
        assertThat(d.path("state").asText()).isEqualTo(s.expectedState());
        assertThat(d.path("pareri")).isNotEmpty();
        d.path("pareri").forEach(p -> assertThat(p.path("status").asText()).as(p.toString()).isEqualTo("ANSWERED"));
        assertThat(EXTERNAL_ENTI.stream().mapToInt(EnteSimulator::repliesSent).sum())
                .as("every parere answered by an ente over the external broker").isGreaterThanOrEqualTo(d.path("pareri").size());
        assertThat(EXTERNAL_ENTI.stream().mapToInt(EnteSimulator::documentMismatches).sum()).isZero();
    }

    @Test
    void anEnteMayConsumeOnlyItsOwnRequestsAndSendOnlyToItsOwnReplies() {
        String host = "127.0.0.1";
        int port = BROKER.entiPort;
        assertThat(EnteSimulator.canConsume(CORE, host, port, "ente-mobilita", "mobilita-secret", "suapgw.pareri.richieste.mobilita"))
                .as("its own requests").isTrue();
        assertThat(EnteSimulator.canConsume(CORE, host, port, "ente-mobilita", "mobilita-secret", "suapgw.pareri.richieste.ats-milano"))
                .as("another ente's requests (CORE)").isFalse();
        assertThat(EnteSimulator.canConsume(AMQP, host, port, "ente-mobilita", "mobilita-secret", "suapgw.pareri.richieste.ats-milano"))
                .as("another ente's requests (AMQP)").isFalse();
        assertThat(EnteSimulator.canConsume(CORE, host, port, "ente-mobilita", "mobilita-secret", "suapgw.pareri.risposte.mobilita"))
                .as("the replies, even its own").isFalse();
        assertThat(EnteSimulator.canConsume(CORE, host, port, "ente-mobilita", "mobilita-secret", "DLQ::DLQ.suapgw.pareri.richieste.mobilita"))
                .as("the dead letters").isFalse();
        assertThat(EnteSimulator.canConsume(CORE, host, port, "ente-mobilita", "not-its-password", "suapgw.pareri.richieste.mobilita"))
                .as("a wrong password").isFalse();

        EnteSimulator mobilita = new EnteSimulator("mobilita", CORE, host, port, "ente-mobilita", "mobilita-secret",
                EnteSimulator.defaultRules("mobilita"));
        assertThatThrownBy(() -> mobilita.sendRawReply("suapgw.pareri.risposte.polizia-locale", "{\"forged\":true}", null))
                .as("another ente's reply queue").isInstanceOf(IllegalStateException.class).hasMessageContaining("AMQ229032");
        assertThatThrownBy(() -> mobilita.sendRawReply("suapgw.pareri.richieste.polizia-locale", "{\"forged\":true}", null))
                .as("a request queue").isInstanceOf(IllegalStateException.class).hasMessageContaining("AMQ229032");
    }

    /**
     * A request its ente fails max-delivery-attempts (10) times is moved by the broker to DLQ.&lt;address&gt;, which the
     * gateway reads into its dead-letter store.
     */
    @Test
    void aMessageTheExternalBrokerDeadLettersReachesTheGatewaysDeadLetterStore() throws Exception {
        String queue = "suapgw.pareri.richieste.mobilita";
        UUID pratica = UUID.randomUUID();
        String body = "{\"idPratica\":\"" + pratica + "\",\"tipo\":\"richiesta\",\"note\":\"failed by its ente\"}";
        try (Connection c = gateway.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer p = s.createProducer(s.createQueue(queue));
            TextMessage m = s.createTextMessage(body);
            m.setStringProperty("idPratica", pratica.toString());
            p.send(m);
        }

        int deliveries = 0;
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(enteUrl());
             Connection c = cf.createConnection("ente-mobilita", "mobilita-secret");
             Session s = c.createSession(true, Session.SESSION_TRANSACTED)) {
            c.start();
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            while (consumer.receive(3000) instanceof TextMessage m && body.equals(m.getText())) {
                deliveries++;
                s.rollback();
            }
        }
        assertThat(deliveries).as("delivered until its attempts were exhausted").isEqualTo(10);

        Map<String, Object> row = await().atMost(Duration.ofSeconds(20)).until(() -> {
            var rows = jdbc.queryForList("select * from dead_letter where category = 'BROKER_DLQ' and payload = ?", body);
            return rows.isEmpty() ? null : rows.get(0);
        }, r -> r != null);
        assertThat(row).containsEntry("source", queue).containsEntry("pratica_id", pratica);
    }

    /**
     * The primary dies (its process killed) with a parere request queued and the gateway connected: the backup takes
     * over the shared store, the gateway's connection fails over to it, the enti reconnect there, and the pratica
     * completes. Last: the primary stays dead.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void whenThePrimaryDiesTheBackupCarriesTheParereRequestAndItsReply() throws Exception {
        EXTERNAL_ENTI.forEach(EnteSimulator::stop);
        EXTERNAL_ENTI.clear();
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        String praticaId = await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode p = pratica(s.cuiUuid());
            return p == null ? null : p.path("id").asText();
        }, id -> id != null);
        await("a request of the pratica on the primary").atMost(Duration.ofSeconds(30)).until(() -> queuedRequests(praticaId) > 0);

        BROKER.kill();
        BACKUP.awaitLogged("AMQ221010", Duration.ofSeconds(60)); // Backup Server is now active
        startEnti(BACKUP, "polizia-locale", "ats-milano", "soprintendenza");

        awaitFinal(s);
        JsonNode d = detail(s.cuiUuid());
        assertThat(d.path("state").asText()).isEqualTo(s.expectedState());
        d.path("pareri").forEach(p -> assertThat(p.path("status").asText()).as(p.toString()).isEqualTo("ANSWERED"));
        assertThat(EXTERNAL_ENTI.stream().mapToInt(EnteSimulator::repliesSent).sum()).isGreaterThanOrEqualTo(d.path("pareri").size());
    }

    /** The gateway's requests for this pratica waiting in the enti's queues (browsed as the gateway, which may). */
    int queuedRequests(String praticaId) throws Exception {
        int n = 0;
        try (Connection c = gateway.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            c.start();
            for (String ente : List.of("polizia-locale", "ats-milano", "soprintendenza")) {
                var browser = s.createBrowser(s.createQueue("suapgw.pareri.richieste." + ente));
                for (var e = browser.getEnumeration(); e.hasMoreElements(); ) {
                    if (e.nextElement() instanceof TextMessage m && m.getText().contains(praticaId)) n++;
                }
                browser.close();
            }
        }
        return n;
    }

    static ExternalArtemis member(String role, int gatewayPort, int peerPort) {
        return ExternalArtemis.create(HOME.resolve(role), role, freePort(), gatewayPort, xml -> {
                    // the committed broker redelivers after 1 s doubling: 10 failed deliveries would take 4 minutes here
                    String fast = xml.replace("<redelivery-delay>1000</redelivery-delay>", "<redelivery-delay>0</redelivery-delay>");
                    return fast.replace("   </core>", ExternalArtemis.haFragment(role) + "   </core>");
                })
                .with("suapgw.artemis.data-dir", HOME.resolve("shared-store"))
                .with("suapgw.artemis.peer-host", "127.0.0.1")
                .with("suapgw.artemis.peer-port", peerPort)
                .with("suapgw.artemis.cluster-password", "it-cluster-secret");
    }

    static String enteUrl() {
        return "tcp://127.0.0.1:" + BROKER.entiPort + "?sslEnabled=true&verifyHost=true&trustStoreType=PKCS12"
                + "&trustStorePath=" + Path.of("../config/demo/keys/broker-trust.p12").toAbsolutePath()
                + "&trustStorePassword=demo-broker-truststore";
    }

    static void startEnti(String... codes) {
        startEnti(BROKER, codes);
    }

    static synchronized void startEnti(ExternalArtemis broker, String... codes) {
        for (String code : codes) {
            if (EXTERNAL_ENTI.stream().anyMatch(e -> e.enteCode().equals(code))) continue;
            // one of them on AMQP 1.0, as in the embedded setup
            EnteSimulator ente = new EnteSimulator(code, code.equals("ats-milano") ? AMQP : CORE, "127.0.0.1", broker.entiPort,
                    "ente-" + code, code + "-secret", EnteSimulator.defaultRules(code));
            ente.start();
            assertThat(ente.awaitConnected(Duration.ofSeconds(30))).as(code + " connected").isTrue();
            EXTERNAL_ENTI.add(ente);
        }
    }
}
