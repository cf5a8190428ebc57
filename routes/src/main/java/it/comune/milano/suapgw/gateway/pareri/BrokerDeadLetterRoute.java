package it.comune.milano.suapgw.gateway.pareri;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.config.BrokerConfig;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.Collections;
import java.util.UUID;

/**
 * The broker's dead letters in the gateway's dead-letter store, where operators look (API, console, metrics): a
 * request an ente's consumer failed, a reply the gateway failed, max-delivery-attempts times (or one an operator
 * moved there). One queue per address, {@code DLQ::DLQ.<address>}, embedded or external broker alike. Transacted: a
 * message leaves the broker only once stored; until then the broker redelivers it (no attempt limit on DLQ).
 */
@Component
public class BrokerDeadLetterRoute extends GatewayRouteBuilder {
    private static final Logger log = LoggerFactory.getLogger(BrokerDeadLetterRoute.class);
    /** set by Artemis when it dead-letters a message: the address and the queue the message was on */
    static final String ORIGINAL_ADDRESS = "_AMQ_ORIG_ADDRESS";
    static final String ORIGINAL_QUEUE = "_AMQ_ORIG_QUEUE";
    private static final String DELIVERY_COUNT = "JMSXDeliveryCount";

    private final DeadLetterStore deadLetters;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public BrokerDeadLetterRoute(DeadLetterStore deadLetters, GatewayProperties props, ObjectMapper json) {
        this.deadLetters = deadLetters;
        this.props = props;
        this.json = json;
    }

    @Override
    public void configure() {
        for (String address : BrokerConfig.enteAddresses(props)) {
            String queue = BrokerConfig.deadLetterQueue(address).getName().toString();
            from("jms:queue:" + BrokerConfig.DEAD_LETTER_ADDRESS + "::" + queue + "?transacted=true&cacheLevelName=CACHE_CONSUMER")
                    .routeId("broker-dead-letters-" + address)
                    .process(e -> store(e, address));
        }
    }

    private void store(Exchange e, String queueAddress) throws JMSException {
        Message jms = e.getMessage(JmsMessage.class).getJmsMessage();
        String address = jms.getStringProperty(ORIGINAL_ADDRESS);
        if (address == null) address = queueAddress;
        ObjectNode headers = json.createObjectNode();
        headers.put("JMSMessageID", jms.getJMSMessageID());
        headers.put("JMSCorrelationID", DeadLetterStore.storable(jms.getJMSCorrelationID()));
        headers.put("JMSTimestamp", jms.getJMSTimestamp());
        for (Object name : Collections.list(jms.getPropertyNames())) {
            if (DELIVERY_COUNT.equals(name)) continue; // counts the deliveries from DLQ, not the failed ones
            Object value = jms.getObjectProperty(name.toString());
            headers.put(DeadLetterStore.storable(name.toString()), value == null ? null : DeadLetterStore.storable(value.toString()));
        }
        String reason = "dead letter of the broker: not consumed from " + jms.getStringProperty(ORIGINAL_QUEUE)
                + " within its delivery attempts";
        UUID pratica = uuidOrNull(jms.getStringProperty("idPratica"));
        deadLetters.add(DeadLetterStore.BROKER_DLQ, address, reason, e.getMessage().getBody(String.class),
                headers.toString(), null, pratica);
        log.warn("Dead letter {} of {} (pratica {}) stored", jms.getJMSMessageID(), address, pratica);
    }

    private static UUID uuidOrNull(String s) {
        try {
            return s == null ? null : UUID.fromString(s);
        } catch (IllegalArgumentException notOurs) {
            return null;
        }
    }
}
