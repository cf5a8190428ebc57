package it.comune.milano.suapgw.gateway.config;

import it.comune.milano.suapgw.model.Ente;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The external Artemis broker's configuration ({@code config/artemis}) rendered from the enti registry, with the model
 * of the embedded broker ({@link BrokerConfig}): one user and role per ente on the broker, which may consume only its
 * request queue and send only to its reply queue; the gateway sends requests, reads replies and the dead letters
 * ({@code DLQ.<address>} on the multicast address {@code DLQ}, filtered on the original address as Artemis creates
 * them). {@code ArtemisConfigTest} fails when the committed files differ from this rendering, and rewrites them with
 * {@code -Dartemis.config.write=true}.
 */
public final class ArtemisConfig {
    /** the files rendered here, by name in config/artemis */
    public static final List<String> FILES = List.of("broker.xml", "artemis-roles.properties", "artemis-users.properties");

    private static final String GATEWAY = BrokerConfig.GATEWAY_ROLE;
    private final List<Ente> enti;
    private final GatewayProperties.Pareri pareri;
    private final String gatewayUser;

    ArtemisConfig(List<Ente> enti, String replyQueuePrefix, String gatewayUser) {
        this.enti = enti.stream().filter(e -> !e.byPec() && Ente.ARTEMIS.equals(e.channel())).toList();
        this.pareri = new GatewayProperties.Pareri(replyQueuePrefix, 0, 0);
        this.gatewayUser = gatewayUser;
    }

    /** The registry in {@code configDir}/enti.yaml, the reply queues and the gateway's user as application.yaml names them. */
    public static ArtemisConfig of(Path configDir) {
        Binder enti = binder(new FileSystemResource(configDir.resolve("enti.yaml")));
        Binder application = binder(new ClassPathResource("application.yaml"));
        return new ArtemisConfig(enti.bind("suapgw.enti", Bindable.listOf(Ente.class)).orElse(List.of()),
                application.bind("suapgw.pareri.reply-queue", String.class).get(),
                application.bind("suapgw.broker.user", String.class).get());
    }

    private static Binder binder(org.springframework.core.io.Resource yaml) {
        try {
            List<PropertySource<?>> sources = new YamlPropertySourceLoader().load(yaml.getDescription(), yaml);
            return new Binder(ConfigurationPropertySources.from(sources));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** file name → content */
    public Map<String, String> render() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("broker.xml", brokerXml());
        files.put("artemis-roles.properties", roles());
        files.put("artemis-users.properties", usersTemplate());
        return files;
    }

    /** Every broker user: the gateway's first, then one per ente. */
    public List<String> users() {
        List<String> users = new ArrayList<>();
        users.add(gatewayUser);
        enti.forEach(e -> users.add(e.brokerUser()));
        return users;
    }

    private static String role(Ente ente) {
        return "ente-" + ente.code();
    }

    private List<String> enteAddresses() {
        List<String> addresses = new ArrayList<>();
        for (Ente e : enti) {
            addresses.add(e.queue());
            addresses.add(pareri.replyQueueOf(e));
        }
        return addresses;
    }

    String roles() {
        StringBuilder s = new StringBuilder(GENERATED.replace("<!--", "#").replace(" -->", "")).append('\n');
        s.append("# role = users\n");
        s.append(BrokerConfig.GATEWAY_ROLE).append(" = ").append(gatewayUser).append('\n');
        enti.forEach(e -> s.append(role(e)).append(" = ").append(e.brokerUser()).append('\n'));
        return s.toString();
    }

    /** No password is committed: an operator fills in the hashes (README.md); a commented user cannot log in. */
    String usersTemplate() {
        StringBuilder s = new StringBuilder(GENERATED.replace("<!--", "#").replace(" -->", "")).append('\n');
        s.append("""
                # user = ENC(hash): the hash printed by `artemis mask --hash <password>` (never a plain password: the
                # login module would accept it as is). Uncomment every line with its hash; the gateway's password is its
                # SUAPGW_BROKER_PASSWORD, each ente's the one given to that ente.
                """);
        users().forEach(u -> s.append("#").append(u).append(" = ENC(...)\n"));
        return s.toString();
    }

    static final String GENERATED = "<!-- Rendered from config/enti.yaml by ArtemisConfigTest: edit the registry, then run it with -Dartemis.config.write=true (README.md) -->";

    String brokerXml() {
        StringBuilder x = new StringBuilder();
        x.append("""
                <?xml version='1.0'?>
                %s
                <!-- The model of the gateway's embedded broker (BrokerConfig) for an external Artemis. System properties
                     (JAVA_ARGS_APPEND in etc/artemis.profile): suapgw.artemis.keystore, suapgw.artemis.keystore-password
                     (required, no default), suapgw.artemis.name, suapgw.artemis.data-dir, suapgw.artemis.enti-host/-port,
                     suapgw.artemis.gateway-host/-port. A primary/backup pair: add ha/primary.xml or ha/backup.xml inside <core> -->
                <configuration xmlns="urn:activemq" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                               xsi:schemaLocation="urn:activemq /schema/artemis-configuration.xsd">
                   <core xmlns="urn:activemq:core">
                      <name>${suapgw.artemis.name:suapgw}</name>
                      <persistence-enabled>true</persistence-enabled>
                      <journal-type>NIO</journal-type>
                      <journal-datasync>true</journal-datasync>
                      <journal-min-files>2</journal-min-files>
                      <journal-pool-files>10</journal-pool-files>
                      <paging-directory>${suapgw.artemis.data-dir:data}/paging</paging-directory>
                      <bindings-directory>${suapgw.artemis.data-dir:data}/bindings</bindings-directory>
                      <journal-directory>${suapgw.artemis.data-dir:data}/journal</journal-directory>
                      <large-messages-directory>${suapgw.artemis.data-dir:data}/large-messages</large-messages-directory>
                      <security-enabled>true</security-enabled>
                      <!-- _AMQ_VALIDATED_USER on every message: the user the broker authenticated -->
                      <populate-validated-user>true</populate-validated-user>
                      <!-- the gateway sends every request with _AMQ_DUPL_ID: a resend after a failover or a restart is dropped -->
                      <id-cache-size>20000</id-cache-size>
                      <persist-id-cache>true</persist-id-cache>
                      <max-disk-usage>90</max-disk-usage>

                      <acceptors>
                         <!-- the enti: TLS only (CORE and AMQP 1.0) -->
                         <acceptor name="enti">tcp://${suapgw.artemis.enti-host:0.0.0.0}:${suapgw.artemis.enti-port:61616}?protocols=CORE,AMQP;sslEnabled=true;keyStoreType=PKCS12;keyStorePath=${suapgw.artemis.keystore};keyStorePassword=${suapgw.artemis.keystore-password};enabledProtocols=TLSv1.2,TLSv1.3;amqpDuplicateDetection=true</acceptor>
                         <!-- the gateway instances (and a backup broker): on the internal network only -->
                         <acceptor name="gateway">tcp://${suapgw.artemis.gateway-host:127.0.0.1}:${suapgw.artemis.gateway-port:61617}?protocols=CORE</acceptor>
                      </acceptors>

                      <!-- least privilege: nothing is allowed where nothing is granted; nobody manages or creates anything over the wire -->
                      <security-settings>
                """.formatted(GENERATED));
        for (Ente e : enti) {
            String replies = pareri.replyQueueOf(e);
            x.append("         <!-- ").append(e.name().replace("--", "-")).append(" -->\n");
            securitySetting(x, e.queue(), Map.of("send", GATEWAY, "consume", role(e), "browse", GATEWAY + "," + role(e)));
            securitySetting(x, replies, Map.of("send", role(e), "consume", GATEWAY, "browse", GATEWAY));
        }
        x.append("         <!-- the broker's dead letters: only the gateway reads them (into its dead-letter store) -->\n");
        securitySetting(x, BrokerConfig.DEAD_LETTER_ADDRESS, Map.of("consume", GATEWAY, "browse", GATEWAY));
        x.append("""
                      </security-settings>

                      <address-settings>
                         <!-- a message failed 10 times goes to DLQ.<address> on DLQ; an address holds 10 MiB in memory, then pages to disk -->
                         <address-setting match="#">
                            <dead-letter-address>%s</dead-letter-address>
                            <auto-create-dead-letter-resources>true</auto-create-dead-letter-resources>
                            <expiry-address>ExpiryQueue</expiry-address>
                            <auto-create-expiry-resources>true</auto-create-expiry-resources>
                            <max-delivery-attempts>10</max-delivery-attempts>
                            <redelivery-delay>1000</redelivery-delay>
                            <redelivery-delay-multiplier>2</redelivery-delay-multiplier>
                            <max-redelivery-delay>60000</max-redelivery-delay>
                            <max-size-bytes>10M</max-size-bytes>
                            <page-size-bytes>1M</page-size-bytes>
                            <address-full-policy>PAGE</address-full-policy>
                         </address-setting>
                         <!-- a dead letter the gateway fails to store is retried until it is stored: from DLQ it has nowhere else to go -->
                         <address-setting match="%1$s">
                            <max-delivery-attempts>-1</max-delivery-attempts>
                            <redelivery-delay>1000</redelivery-delay>
                            <redelivery-delay-multiplier>2</redelivery-delay-multiplier>
                            <max-redelivery-delay>60000</max-redelivery-delay>
                         </address-setting>
                      </address-settings>

                      <addresses>
                """.formatted(BrokerConfig.DEAD_LETTER_ADDRESS));
        for (Ente e : enti) {
            anycastQueue(x, e.queue());
            anycastQueue(x, pareri.replyQueueOf(e));
        }
        x.append("         <!-- declared as Artemis would auto-create them at the first dead letter: the gateway reads them and may not create queues -->\n");
        x.append("         <address name=\"").append(BrokerConfig.DEAD_LETTER_ADDRESS).append("\">\n            <multicast>\n");
        for (String address : enteAddresses()) {
            var q = BrokerConfig.deadLetterQueue(address);
            x.append("               <queue name=\"").append(q.getName()).append("\">\n");
            x.append("                  <filter string=\"").append(xml(q.getFilterString().toString())).append("\"/>\n");
            x.append("                  <durable>true</durable>\n");
            x.append("               </queue>\n");
        }
        x.append("""
                            </multicast>
                         </address>
                      </addresses>
                   </core>
                </configuration>
                """);
        return x.toString();
    }

    private static void securitySetting(StringBuilder x, String match, Map<String, String> permissions) {
        x.append("         <security-setting match=\"").append(xml(match)).append("\">\n");
        for (String type : List.of("send", "consume", "browse")) {
            String roles = permissions.get(type);
            if (roles != null) x.append("            <permission type=\"").append(type).append("\" roles=\"").append(roles).append("\"/>\n");
        }
        x.append("         </security-setting>\n");
    }

    private static void anycastQueue(StringBuilder x, String name) {
        x.append("         <address name=\"").append(xml(name)).append("\">\n")
                .append("            <anycast>\n")
                .append("               <queue name=\"").append(xml(name)).append("\"><durable>true</durable></queue>\n")
                .append("            </anycast>\n")
                .append("         </address>\n");
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
