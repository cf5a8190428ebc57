package it.comune.milano.suapgw.gateway.pareri;

import it.comune.milano.suapgw.connectors.pareri.PareriMessages;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.model.Parere;
import jakarta.jms.Message;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Replies of the enti from suapgw.pareri.risposte. Transacted: the message is acknowledged only after the
 * database has the parere (or has set the reply aside); a database failure rolls back and Artemis redelivers.
 */
@Component
public class PareriCollectionRoute extends GatewayRouteBuilder {
    private static final Logger log = LoggerFactory.getLogger(PareriCollectionRoute.class);
    /** the authenticated user the broker stamps on each message */
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
        from("jms:queue:{{suapgw.pareri.reply-queue}}?transacted=true&cacheLevelName=CACHE_CONSUMER"
                + "&concurrentConsumers={{suapgw.pareri.reply-consumers}}")
                .routeId("pareri-collect-replies")
                .process(e -> {
                    String body = e.getMessage().getBody(String.class);
                    // Camel's header mapping does not carry Artemis' _AMQ properties: read the broker's stamp directly
                    Message jms = e.getMessage(JmsMessage.class).getJmsMessage();
                    String user = jms.getStringProperty(VALIDATED_USER);
                    Parere parere;
                    try {
                        parere = messages.risposta(body);
                    } catch (PareriMessages.InvalidMessageException | IllegalArgumentException bad) {
                        log.warn("Unreadable reply from {} set aside: {}", user, bad.getMessage());
                        deadLetters.addRejectedReply(props.pareri().replyQueue(), bad.getMessage(), body, user, null);
                        return;
                    }
                    PareriService.EsitoRisposta outcome = pareri.onBrokerReply(parere, user, body);
                    log.info("Reply {} for request {} from {}: {}", parere.replyId(), parere.richiestaId(), user, outcome);
                });
    }
}
