package it.comune.milano.suapgw.gateway.pareri;

import it.comune.milano.suapgw.connectors.pareri.PareriMessages;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Parere;
import jakarta.jms.Message;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Replies of the enti, each from its own queue suapgw.pareri.risposte.<ente> (only that ente may send there). Transacted: the message is acknowledged only after the
 * database has the parere (or has set the reply aside); a database failure rolls back and Artemis redelivers.
 */
@Component
public class PareriCollectionRoute extends GatewayRouteBuilder {
    private static final Logger log = LoggerFactory.getLogger(PareriCollectionRoute.class);
    /** the user the broker stamps on each message: for AMQP clients it may be the one they claim, so only logged */
    static final String VALIDATED_USER = "_AMQ_VALIDATED_USER";

    private final PareriService pareri;
    private final PareriMessages messages;
    private final DeadLetterStore deadLetters;
    private final GatewayProperties props;

    public PareriCollectionRoute(PareriService pareri, PareriMessages messages, DeadLetterStore deadLetters,
                                 GatewayProperties props) {
        this.pareri = pareri;
        this.messages = messages;
        this.deadLetters = deadLetters;
        this.props = props;
    }

    @Override
    public void configure() {
        for (Ente ente : props.enti()) {
            if (!Ente.ARTEMIS.equals(ente.channel())) continue;
            String queue = props.pareri().replyQueueOf(ente);
            from("jms:queue:" + queue + "?transacted=true&cacheLevelName=CACHE_CONSUMER"
                    // one consumer per ente while its replies are few, up to reply-consumers under load: six enti
                    // held 24 idle threads
                    + "&concurrentConsumers=1&maxConcurrentConsumers={{suapgw.pareri.reply-consumers}}")
                    .routeId("pareri-collect-replies-" + ente.code())
                    .process(e -> collect(e.getMessage().getBody(String.class), ente, queue,
                            e.getMessage(JmsMessage.class).getJmsMessage()));
        }
    }

    /** The sender is the ente whose queue this is: whatever the message says about its user is only logged. */
    private void collect(String body, Ente from, String queue, Message jms) throws Exception {
        String claimed = jms.getStringProperty(VALIDATED_USER);
        if (claimed != null && !claimed.equals(from.brokerUser())) {
            log.warn("Reply on {} claims user {}: the queue's ente {} is the sender", queue, claimed, from.code());
        }
        if (body != null && body.length() > props.pareri().maxReplyBytes()) {
            // the embedded broker refuses these at the send; an external one may not
            String reason = "a reply of " + body.length() + " characters, more than " + props.pareri().maxReplyBytes();
            log.warn("Reply from {} set aside: {}", from.code(), reason);
            deadLetters.addRejectedReply(queue, reason, body.substring(0, 4096), from.brokerUser(), null);
            return;
        }
        Parere parere;
        try {
            parere = messages.risposta(body);
        } catch (PareriMessages.InvalidMessageException | IllegalArgumentException bad) {
            log.warn("Unreadable reply from {} set aside: {}", from.code(), bad.getMessage());
            deadLetters.addRejectedReply(queue, bad.getMessage(), body, from.brokerUser(), null);
            return;
        }
        PareriService.EsitoRisposta outcome = pareri.onBrokerReply(parere, from, queue, body);
        log.info("Reply {} for request {} from {}: {}", parere.replyId(), parere.richiestaId(), from.code(), outcome);
    }
}
