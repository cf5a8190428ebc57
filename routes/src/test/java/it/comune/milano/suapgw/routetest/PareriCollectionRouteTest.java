package it.comune.milano.suapgw.routetest;

import it.comune.milano.suapgw.gateway.pareri.PareriCollectionRoute;
import it.comune.milano.suapgw.gateway.pareri.PareriService;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.model.Esito;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.util.UUID;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.verify;

/**
 * Replies taken from the enti's reply queues of a real (in-VM) Artemis: the sender is the ente whose queue it is,
 * whatever user the message claims, and an unreadable reply is set aside without stopping the queue.
 */
@Import({PareriCollectionRoute.class, PareriCollectionRouteTest.Broker.class})
class PareriCollectionRouteTest extends RouteTestBase {
    static final String REPLIES = "suapgw.pareri.risposte.";

    @TestConfiguration
    static class Broker {
        @Bean(initMethod = "start", destroyMethod = "stop")
        EmbeddedActiveMQ routeTestBroker() throws Exception {
            EmbeddedActiveMQ server = new EmbeddedActiveMQ();
            server.setConfiguration(new ConfigurationImpl().setPersistenceEnabled(false).setSecurityEnabled(false)
                    .setJMXManagementEnabled(false).addAcceptorConfiguration("in-vm", "vm://7"));
            return server;
        }

        @Bean
        ConnectionFactory connectionFactory(EmbeddedActiveMQ broker) {
            return new ActiveMQConnectionFactory("vm://7");
        }
    }

    @MockitoBean
    PareriService pareri;
    @MockitoBean
    DeadLetterStore deadLetters;
    @org.springframework.beans.factory.annotation.Autowired
    ConnectionFactory cf;

    @Test
    void aReplyBecomesAParereOfTheEnteWhoseQueueItArrivesOnWhateverUserItClaims() throws Exception {
        UUID richiesta = UUID.randomUUID();
        String body = """
                {"schemaVersion":"1.0","idRisposta":"r-1","idRichiesta":"%s","ente":"polizia-locale","esito":"positivo",
                 "dataParere":"2026-11-30T10:00:00Z","firmatario":"Comandante"}""".formatted(richiesta);

        send("polizia-locale", body, "ente-ats-milano");

        verify(pareri, timeout(10_000)).onBrokerReply(
                argThat(p -> p.richiestaId().equals(richiesta) && p.esito() == Esito.POSITIVO && p.enteCode().equals("polizia-locale")),
                argThat(e -> e.code().equals("polizia-locale")), eq(REPLIES + "polizia-locale"), eq(body));
    }

    @Test
    void anUnreadableReplyIsSetAsideWithItsSender() throws Exception {
        send("ats-milano", "this is not json", null);

        verify(deadLetters, timeout(10_000)).addRejectedReply(eq(REPLIES + "ats-milano"), anyString(), eq("this is not json"),
                eq("ente-ats-milano"), isNull());
        verify(pareri, never()).onBrokerReply(any(), any(), any(), eq("this is not json"));
    }

    /** On the ente's reply queue, with a user in _AMQ_VALIDATED_USER as an AMQP client may set it. */
    private void send(String ente, String body, String claimedUser) throws Exception {
        try (Connection c = cf.createConnection(); Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer p = s.createProducer(s.createQueue(REPLIES + ente));
            TextMessage m = s.createTextMessage(body);
            if (claimedUser != null) m.setStringProperty("_AMQ_VALIDATED_USER", claimedUser);
            p.send(m);
        }
    }
}
