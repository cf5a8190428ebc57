package it.comune.milano.suapgw.gateway.config;

import it.comune.milano.suapgw.model.Ente;
import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.CoreAddressConfiguration;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.config.impl.SecurityConfiguration;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.activemq.artemis.spi.core.security.ActiveMQJAASSecurityManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Artemis for the gateway. Embedded by default (in-VM for the gateway, a TCP acceptor speaking CORE and AMQP
 * for the enti); an external broker or HA pair by configuration only (suapgw.broker.embedded=false + url).
 * Security: every ente has its own user, may consume only its own request queue and send only to its own reply
 * queue ({@code suapgw.pareri.risposte.<ente>}): the queue a reply arrives on is its sender's identity. The broker's
 * _AMQ_VALIDATED_USER is not used for that: for an AMQP 1.0 message it may carry the {@code user-id} the client chose.
 * A message failed 10 times goes to its queue {@code DLQ.<address>} on the address {@code DLQ}, which only the gateway
 * reads (into its dead-letter store).
 */
@Configuration
public class BrokerConfig {
    private static final Logger log = LoggerFactory.getLogger(BrokerConfig.class);
    public static final String GATEWAY_ROLE = "gateway";
    /** where a message goes once its consumer has failed it max-delivery-attempts times */
    public static final String DEAD_LETTER_ADDRESS = "DLQ";
    /** Artemis' own prefix of the dead-letter queue it creates per address: DLQ.&lt;address&gt; */
    public static final String DEAD_LETTER_QUEUE_PREFIX = "DLQ.";

    @Bean(initMethod = "start", destroyMethod = "stop")
    @ConditionalOnProperty(name = "suapgw.broker.embedded", havingValue = "true")
    public EmbeddedActiveMQ embeddedBroker(GatewayProperties props) throws Exception {
        GatewayProperties.Broker b = props.broker();
        Path data = Path.of(b.dataDir()).toAbsolutePath();
        ConfigurationImpl cfg = new ConfigurationImpl();
        cfg.setName("suapgw-embedded");
        cfg.setPersistenceEnabled(true);
        cfg.setJournalDirectory(data.resolve("journal").toString());
        cfg.setBindingsDirectory(data.resolve("bindings").toString());
        cfg.setLargeMessagesDirectory(data.resolve("large-messages").toString());
        cfg.setPagingDirectory(data.resolve("paging").toString());
        cfg.setJMXManagementEnabled(false);
        cfg.setSecurityEnabled(true);
        cfg.setPopulateValidatedUser(true);
        // a broker for one gateway and a dozen enti: the defaults (30 + 5) are a shared server's, and each thread is a stack
        cfg.setThreadPoolMaxSize(16);
        cfg.setScheduledThreadPoolMaxSize(3);
        cfg.addAcceptorConfiguration("in-vm", "vm://0");
        String acceptor = "tcp://" + b.tcpHost() + ":" + b.tcpPort() + "?protocols=CORE,AMQP";
        if (b.tlsOn()) {
            // the enti's connections are encrypted and authenticate the broker; the gateway's own stays in-VM
            acceptor += ";sslEnabled=true;keyStoreType=PKCS12;keyStorePath=" + Path.of(b.tls().keystore()).toAbsolutePath()
                    + ";keyStorePassword=" + b.tls().keystorePassword() + ";enabledProtocols=TLSv1.2,TLSv1.3";
        }
        cfg.addAcceptorConfiguration("tcp", acceptor);

        SecurityConfiguration users = new SecurityConfiguration();
        users.addUser(b.user(), BrokerPasswords.stored(b.password())); // the broker keeps hashes only
        users.addRole(b.user(), GATEWAY_ROLE);
        // least privilege: the gateway sends requests and reads replies; nobody manages or creates anything over the wire
        Role gatewaySends = new Role(GATEWAY_ROLE, true, false, false, false, false, false, false, true, false, false);
        Role gatewayReads = new Role(GATEWAY_ROLE, false, true, false, false, false, false, false, true, false, false);

        if (props.enti().isEmpty()) {
            log.warn("The enti registry is empty (suapgw.enti): no parere can be requested. Check suapgw.config-dir");
        }
        CoreAddressConfiguration deadLetters = new CoreAddressConfiguration().setName(DEAD_LETTER_ADDRESS)
                .addRoutingType(RoutingType.MULTICAST);
        for (Ente ente : props.enti()) {
            if (ente.byPec()) continue; // answers by certified e-mail, has no queue
            if (!"artemis".equals(ente.channel())) continue;
            String password = b.entePasswords() == null ? null : b.entePasswords().get(ente.brokerUser());
            if (password == null || password.isBlank()) {
                throw new IllegalStateException("no broker password configured for " + ente.brokerUser()
                        + " (suapgw.broker.ente-passwords." + ente.brokerUser() + ")");
            }
            users.addUser(ente.brokerUser(), BrokerPasswords.stored(password));
            String ownRole = "ente-" + ente.code();
            users.addRole(ente.brokerUser(), ownRole);
            anycastQueue(cfg, ente.queue());
            Set<Role> roles = new HashSet<>();
            roles.add(gatewaySends);
            roles.add(new Role(ownRole, false, true, false, false, false, false, false, true, false, false));
            cfg.putSecurityRoles(ente.queue(), roles);
            String replies = props.pareri().replyQueueOf(ente);
            anycastQueue(cfg, replies);
            cfg.putSecurityRoles(replies, Set.of(gatewayReads, new Role(ownRole, true, false, false, false, false, false, false, false, false, false)));
        }
        // declared up front, as Artemis would auto-create them at the first dead letter: the gateway reads them
        // (BrokerDeadLetterRoute) and may not create queues
        enteAddresses(props).forEach(address -> deadLetters.addQueueConfiguration(deadLetterQueue(address)));
        cfg.addAddressConfiguration(deadLetters);
        cfg.putSecurityRoles(DEAD_LETTER_ADDRESS, Set.of(gatewayReads));

        // the broker lives in the gateway's heap (256 MB, config/jvm.options): an ente that does not read its requests
        // for days pages them to disk past 10 MiB, and all addresses together hold at most 32 MiB in memory (the
        // default is half the heap). As config/artemis/broker.xml does for an external broker.
        cfg.setGlobalMaxSize(32L << 20);
        cfg.addAddressSetting("#", new AddressSettings()
                .setMaxSizeBytes(10L << 20)
                .setPageSizeBytes(1 << 20)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE)
                .setDeadLetterAddress(SimpleString.of(DEAD_LETTER_ADDRESS))
                .setExpiryAddress(SimpleString.of("ExpiryQueue"))
                .setMaxDeliveryAttempts(10)
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000)
                .setAutoCreateDeadLetterResources(true)
                .setAutoCreateExpiryResources(true));
        // a dead letter the gateway fails to store is retried until it is stored: from DLQ it has nowhere else to go
        cfg.addAddressSetting(DEAD_LETTER_ADDRESS, new AddressSettings()
                .setMaxDeliveryAttempts(-1)
                .setRedeliveryDelay(1000)
                .setRedeliveryMultiplier(2)
                .setMaxRedeliveryDelay(60_000));

        cfg.registerBrokerPlugin(new ReplySizeLimit(props.pareri().replyQueue() + ".", props.pareri().maxReplyBytes()));

        EmbeddedActiveMQ server = new EmbeddedActiveMQ();
        server.setConfiguration(cfg);
        server.setSecurityManager(new ActiveMQJAASSecurityManager(HashedPasswordLoginModule.class.getName(), users));
        log.info("Embedded Artemis: in-VM and tcp://{}:{} (CORE, AMQP{}), data in {}", b.tcpHost(), b.tcpPort(),
                b.tlsOn() ? ", TLS only" : ", plain TCP", data);
        return server;
    }

    /**
     * The queue on {@link #DEAD_LETTER_ADDRESS} holding the dead letters of {@code address}: named and filtered as
     * Artemis names and filters the one it auto-creates (auto-create-dead-letter-resources), so that either is the same.
     */
    public static QueueConfiguration deadLetterQueue(String address) {
        return QueueConfiguration.of(DEAD_LETTER_QUEUE_PREFIX + address).setAddress(DEAD_LETTER_ADDRESS)
                .setRoutingType(RoutingType.MULTICAST).setDurable(true)
                .setFilterString(org.apache.activemq.artemis.api.core.Message.HDR_ORIGINAL_ADDRESS + " = '" + address + "'");
    }

    /** Every address of the enti on the broker (their request queue, their reply queue), whose dead letters the gateway reads. */
    public static List<String> enteAddresses(GatewayProperties props) {
        List<String> addresses = new ArrayList<>();
        for (Ente ente : props.enti()) {
            if (ente.byPec() || !Ente.ARTEMIS.equals(ente.channel())) continue;
            addresses.add(ente.queue());
            addresses.add(props.pareri().replyQueueOf(ente));
        }
        return addresses;
    }

    private static void anycastQueue(ConfigurationImpl cfg, String name) {
        cfg.addAddressConfiguration(new CoreAddressConfiguration().setName(name)
                .addRoutingType(RoutingType.ANYCAST)
                .addQueueConfiguration(QueueConfiguration.of(name).setRoutingType(RoutingType.ANYCAST).setDurable(true)));
    }

    /** The gateway's own connection; depends on the embedded broker (when there is one) having started. */
    @Bean
    public ConnectionFactory connectionFactory(GatewayProperties props,
                                               org.springframework.beans.factory.ObjectProvider<EmbeddedActiveMQ> broker) {
        broker.ifAvailable(b -> { });
        GatewayProperties.Broker b = props.broker();
        String url = b.embedded() ? "vm://0" : b.url();
        ActiveMQConnectionFactory artemis = new ActiveMQConnectionFactory(url, b.user(), b.password());
        CachingConnectionFactory caching = new CachingConnectionFactory(artemis);
        caching.setSessionCacheSize(20);
        caching.setCacheConsumers(false);
        return caching;
    }

    /**
     * The enti's replies are bounded where they enter: a larger message is refused at its send (its sender gets the
     * error), before any consumer reads it into memory. Large messages are counted by the body size they declare.
     */
    static final class ReplySizeLimit implements org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin {
        private final String replyPrefix;
        private final long max;

        ReplySizeLimit(String replyPrefix, long max) {
            this.replyPrefix = replyPrefix;
            this.max = max;
        }

        @Override
        public void beforeSend(org.apache.activemq.artemis.core.server.ServerSession session,
                               org.apache.activemq.artemis.core.transaction.Transaction tx,
                               org.apache.activemq.artemis.api.core.Message message, boolean direct, boolean noAutoCreateQueue)
                throws org.apache.activemq.artemis.api.core.ActiveMQException {
            String address = message.getAddress();
            if (address == null || !address.startsWith(replyPrefix)) return;
            long size = Math.max(message.getPersistentSize(), message.getWholeMessageSize());
            Object declared = message.getObjectProperty(org.apache.activemq.artemis.api.core.Message.HDR_LARGE_BODY_SIZE);
            if (declared instanceof Number n) size = Math.max(size, n.longValue());
            if (size > max) {
                log.warn("A reply of {} bytes to {} refused (at most {})", size, address, max);
                throw new org.apache.activemq.artemis.api.core.ActiveMQException(
                        org.apache.activemq.artemis.api.core.ActiveMQExceptionType.GENERIC_EXCEPTION,
                        "a reply of " + size + " bytes, more than " + max);
            }
        }
    }
}
