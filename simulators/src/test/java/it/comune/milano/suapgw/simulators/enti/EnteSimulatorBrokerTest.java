package it.comune.milano.suapgw.simulators.enti;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The broker enti over a real (embedded, in-memory) Artemis: requests, silence, integrations and notifications. */
class EnteSimulatorBrokerTest {

    private static final com.networknt.schema.JsonSchema REPLY_SCHEMA = Json.schema("classpath:messages/risposta-parere-v1.schema.json");

    private EmbeddedActiveMQ broker;
    private int port;
    private EnteSimulator ats;
    private EnteSimulator soprintendenza;
    private Connection gateway;
    private Session session;

    @BeforeEach
    void start() throws Exception {
        port = TestSupport.freePort();
        ConfigurationImpl cfg = new ConfigurationImpl();
        cfg.setName("enti-test");
        cfg.setPersistenceEnabled(false);
        cfg.setSecurityEnabled(false);
        cfg.setJMXManagementEnabled(false);
        cfg.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port + "?protocols=CORE,AMQP");
        broker = new EmbeddedActiveMQ();
        broker.setConfiguration(cfg);
        broker.start();
        ats = new EnteSimulator("ats-milano", EnteSimulator.Protocol.AMQP, "127.0.0.1", port);
        soprintendenza = new EnteSimulator("soprintendenza", EnteSimulator.Protocol.CORE, "127.0.0.1", port);
        ats.start();
        soprintendenza.start();
        assertThat(ats.awaitConnected(Duration.ofSeconds(30))).isTrue();
        assertThat(soprintendenza.awaitConnected(Duration.ofSeconds(30))).isTrue();
        gateway = EnteSimulator.connectionFactory(EnteSimulator.Protocol.CORE, "127.0.0.1", port).createConnection("gateway", "x");
        session = gateway.createSession(false, Session.AUTO_ACKNOWLEDGE);
        gateway.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        ats.stop();
        soprintendenza.stop();
        broker.stop();
    }

    private void send(String ente, JsonNode body, String tipoMessaggio) throws Exception {
        MessageProducer p = session.createProducer(session.createQueue(EnteSimulator.REQUEST_QUEUE_PREFIX + ente));
        TextMessage m = session.createTextMessage(Json.write(body));
        if (tipoMessaggio != null) {
            m.setStringProperty(EnteSimulator.TIPO_MESSAGGIO, tipoMessaggio);
        }
        p.send(m);
        p.close();
    }

    /** The replies on the two enti's reply queues, waiting up to {@code wait} for each. */
    private List<TextMessage> replies(int expected, Duration wait) throws Exception {
        List<TextMessage> out = new ArrayList<>();
        try (MessageConsumer a = session.createConsumer(session.createQueue(ats.replyQueue()));
             MessageConsumer b = session.createConsumer(session.createQueue(soprintendenza.replyQueue()))) {
            long deadline = System.nanoTime() + wait.toNanos() * Math.max(1, expected);
            while (System.nanoTime() < deadline) {
                boolean more = false;
                for (MessageConsumer c : List.of(a, b)) {
                    Message m = c.receive(out.size() < expected ? 200 : 100);
                    if (m != null) {
                        out.add((TextMessage) m);
                        more = true;
                    }
                }
                if (out.size() >= expected && !more) {
                    break;
                }
            }
        }
        return out;
    }

    @Test
    void integrationRequestsSilenceAndNotifications() throws Exception {
        ObjectNode palestra = EnteSimulatorTest.request("PALESTRA_APERTURA", 1);
        ObjectNode impianto = EnteSimulatorTest.request("IMPIANTO_PUBBLICITARIO", 1);
        ObjectNode explicit = EnteSimulatorTest.request("DEHORS_STAGIONALE", 1);
        ObjectNode cancel = EnteSimulatorTest.notifica(palestra.get("idPratica").asText(), List.of(palestra.get("idRichiesta").asText()));
        ObjectNode badNotice = cancel.deepCopy();
        badNotice.put("evento", "boh");

        send("ats-milano", palestra, null);
        send("soprintendenza", impianto, null);
        send("ats-milano", cancel, EnteSimulator.NOTIFICA);
        send("ats-milano", badNotice, EnteSimulator.NOTIFICA);
        send("soprintendenza", explicit, "richiesta");
        // a cancellation notice to the silent ente as well: recorded, never answered
        send("soprintendenza", EnteSimulatorTest.notifica(impianto.get("idPratica").asText(), List.of(impianto.get("idRichiesta").asText())),
                EnteSimulator.NOTIFICA);

        List<TextMessage> replies = replies(2, Duration.ofSeconds(15));
        assertThat(replies).hasSize(2);
        TextMessage atsReply = replies.stream().filter(r -> palestra.get("idRichiesta").asText().equals(corr(r))).findFirst().orElseThrow();
        JsonNode integration = Json.parse(atsReply.getText());
        assertThat(Json.errors(REPLY_SCHEMA, integration)).isEmpty();
        assertThat(integration.get("esito").asText()).isEqualTo("conformazione");
        assertThat(integration.get("integrazioni")).hasSize(1);
        assertThat(integration.get("ente").asText()).isEqualTo("ats-milano");
        JsonNode positive = Json.parse(replies.stream().filter(r -> explicit.get("idRichiesta").asText().equals(corr(r))).findFirst()
                .orElseThrow().getText());
        assertThat(positive.get("esito").asText()).isEqualTo("positivo");

        await().atMost(Duration.ofSeconds(10)).until(() -> ats.notifiche().size() == 1 && ats.invalidNotifiche() == 1
                && soprintendenza.notifiche().size() == 1);
        assertThat(ats.notifiche().get(0)).isEqualTo(cancel);
        assertThat(soprintendenza.unansweredRequests()).containsExactly(impianto.get("idRichiesta").asText());
        assertThat(soprintendenza.answeredRequests()).containsExactly(explicit.get("idRichiesta").asText());
        assertThat(ats.repliesSent()).isEqualTo(1);
        assertThat(soprintendenza.repliesSent()).isEqualTo(1);
        assertThat(ats.invalidRequests()).isZero();

        // round 2 after the integration: positivo
        ObjectNode round2 = EnteSimulatorTest.request("PALESTRA_APERTURA", 2);
        round2.put("idPratica", palestra.get("idPratica").asText());
        round2.putObject("parerePrecedente").put("idRichiesta", palestra.get("idRichiesta").asText()).put("esito", "conformazione");
        send("ats-milano", round2, null);
        List<TextMessage> second = replies(1, Duration.ofSeconds(15));
        assertThat(second).hasSize(1);
        assertThat(Json.parse(second.get(0).getText()).get("esito").asText()).isEqualTo("positivo");
    }

    private static String corr(TextMessage m) {
        try {
            return m.getJMSCorrelationID();
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
