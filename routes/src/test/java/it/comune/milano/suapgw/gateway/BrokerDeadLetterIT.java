package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Messages the broker dead-letters (here moved by Artemis' own dead-letter path, as after max-delivery-attempts
 * failed deliveries) end in the gateway's dead-letter store, with their payload and original address, and show in
 * the operations API; only the gateway may read the broker's dead letters.
 */
class BrokerDeadLetterIT extends AbstractGatewayIT {
    static final String REPLIES = "suapgw.pareri.risposte.mobilita";
    static final String ENTE_TLS = "tcp://127.0.0.1:" + BROKER_PORT + "?sslEnabled=true&verifyHost=true&trustStoreType=PKCS12"
            + "&trustStorePath=" + java.nio.file.Path.of("../config/demo/keys/broker-trust.p12").toAbsolutePath()
            + "&trustStorePassword=demo-broker-truststore&initialConnectAttempts=3";

    @Autowired
    EmbeddedActiveMQ broker;
    /** the gateway's own connection (user gateway) */
    @Autowired
    ConnectionFactory gateway;

    @Test
    void aReplyTheBrokerDeadLettersIsInTheDeadLetterStoreWithItsOriginalAddress() throws Exception {
        String body = "{\"idRisposta\":\"" + UUID.randomUUID() + "\",\"note\":\"never taken\"}";
        try (ActiveMQConnectionFactory ente = new ActiveMQConnectionFactory(ENTE_TLS)) {
            deadLetter(REPLIES, () -> ente.createConnection("ente-mobilita", "mobilita-secret"), body, Map.of());
        }

        Map<String, Object> row = await().atMost(Duration.ofSeconds(20)).until(() -> stored(body), r -> r != null);
        assertThat(row).containsEntry("source", REPLIES);
        JsonNode headers = JSON.readTree(row.get("headers").toString());
        assertThat(headers.path("_AMQ_ORIG_QUEUE").asText()).isEqualTo(REPLIES);
        assertThat(headers.path("JMSXUserID").asText()).as("the user the broker validated").isEqualTo("ente-mobilita");

        JsonNode listed = JSON.readTree(get("/api/dead-letters?category=BROKER_DLQ").body());
        assertThat(listed.findValuesAsText("payload")).contains(body);
        assertThat(broker.getActiveMQServer().locateQueue("DLQ." + REPLIES).getMessageCount())
                .as("acknowledged once stored").isZero();
    }

    @Test
    void aRequestAnEnteNeverConsumedIsADeadLetterOfItsPratica() throws Exception {
        UUID pratica = UUID.randomUUID();
        String body = "{\"idPratica\":\"" + pratica + "\",\"tipo\":\"richiesta\"}";
        deadLetter("suapgw.pareri.richieste.mobilita", gateway::createConnection, body, Map.of("idPratica", pratica.toString()));

        Map<String, Object> row = await().atMost(Duration.ofSeconds(20)).until(() -> stored(body), r -> r != null);
        assertThat(row).containsEntry("source", "suapgw.pareri.richieste.mobilita").containsEntry("pratica_id", pratica);
    }

    /** The broker shares the gateway's heap: requests an ente leaves unread go to disk past 10 MiB. */
    @Test
    void requestsAnEnteLeavesUnreadArePagedToDiskPastTenMebibytes() throws Exception {
        String address = "suapgw.pareri.richieste.mobilita";
        var store = broker.getActiveMQServer().getPagingManager().getPageStore(org.apache.activemq.artemis.api.core.SimpleString.of(address));
        assertThat(store.isPaging()).isFalse();
        // under the client's 100 KiB large-message threshold (a larger one is a file of its own, not held in memory)
        String piece = "x".repeat(40 << 10);
        try (Connection c = gateway.createConnection(); Session s = c.createSession(true, Session.SESSION_TRANSACTED)) {
            MessageProducer p = s.createProducer(s.createQueue(address));
            for (int i = 0; i < 200; i++) p.send(s.createTextMessage(piece)); // ~16 MiB held as UTF-16
            s.commit();
            assertThat(store.isPaging()).isTrue();
            assertThat(store.getAddressSize()).isLessThanOrEqualTo(12L << 20);
        } finally {
            broker.getActiveMQServer().locateQueue(address).deleteAllReferences();
        }
    }

    @Test
    void noEnteMayReadTheBrokersDeadLetters() throws Exception {
        try (ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(ENTE_TLS);
             Connection c = cf.createConnection("ente-mobilita", "mobilita-secret");
             Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("DLQ::DLQ." + REPLIES)))
                    .isInstanceOf(JMSSecurityException.class);
        }
    }

    interface Sender {
        Connection connect() throws Exception;
    }

    /**
     * Sends {@code body} to {@code queue} while the queue delivers to no one, then has Artemis dead-letter it
     * (the management operation takes the same path as a message out of delivery attempts).
     */
    private void deadLetter(String queue, Sender sender, String body, Map<String, String> properties) throws Exception {
        Queue q = broker.getActiveMQServer().locateQueue(queue);
        q.pause();
        try {
            try (Connection c = sender.connect(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
                MessageProducer p = s.createProducer(s.createQueue(queue));
                TextMessage m = s.createTextMessage(body);
                for (var e : properties.entrySet()) m.setStringProperty(e.getKey(), e.getValue());
                p.send(m);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> q.getMessageCount() == 1);
            assertThat(q.sendMessagesToDeadLetterAddress(null)).isEqualTo(1);
        } finally {
            q.resume();
        }
    }

    private Map<String, Object> stored(String payload) {
        var rows = jdbc.queryForList("select * from dead_letter where category = 'BROKER_DLQ' and payload = ?", payload);
        return rows.isEmpty() ? null : rows.get(0);
    }
}
