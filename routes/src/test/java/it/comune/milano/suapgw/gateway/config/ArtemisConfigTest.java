package it.comune.milano.suapgw.gateway.config;

import org.apache.activemq.artemis.core.config.Configuration;
import org.apache.activemq.artemis.core.deployers.impl.FileConfigurationParser;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.utils.PasswordMaskingUtil;
import org.junit.jupiter.api.Test;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The external broker's configuration (config/artemis) is the rendering of the enti registry ({@link ArtemisConfig}):
 * a registry changed without rendering it again fails here. {@code -Dartemis.config.write=true} rewrites the files.
 */
class ArtemisConfigTest {
    static final Path CONFIG = Path.of("../config");
    static final Path ARTEMIS = CONFIG.resolve("artemis");
    static final Path DEMO_USERS = CONFIG.resolve("demo/artemis/artemis-users.properties");

    final ArtemisConfig rendered = ArtemisConfig.of(CONFIG);

    @Test
    void theCommittedFilesAreTheRenderingOfTheEntiRegistry() throws Exception {
        boolean write = Boolean.getBoolean("artemis.config.write");
        for (Map.Entry<String, String> file : rendered.render().entrySet()) {
            Path committed = ARTEMIS.resolve(file.getKey());
            if (write) Files.writeString(committed, file.getValue(), StandardCharsets.UTF_8);
            assertThat(committed).as(file.getKey() + " is out of date: see config/artemis/README.md").hasContent(file.getValue());
        }
    }

    @Test
    void artemisReadsTheBrokerXmlAsTheEmbeddedModel() throws Exception {
        Configuration cfg;
        try (var xml = Files.newInputStream(ARTEMIS.resolve("broker.xml"))) {
            cfg = new FileConfigurationParser().parseMainConfig(xml);
        }

        assertThat(cfg.isSecurityEnabled()).isTrue();
        assertThat(cfg.isPopulateValidatedUser()).isTrue();
        assertThat(cfg.isPersistIDCache()).isTrue();
        assertThat(cfg.getIDCacheSize()).isPositive();
        assertThat(cfg.getAcceptorConfigurations()).anySatisfy(a -> {
            assertThat(a.getName()).isEqualTo("enti");
            assertThat(a.getParams()).containsEntry("sslEnabled", "true").containsEntry("protocols", "CORE,AMQP");
        });

        Set<Role> request = roles(cfg, "suapgw.pareri.richieste.mobilita");
        assertThat(request).filteredOn(Role::isConsume).extracting(Role::getName).containsExactly("ente-mobilita");
        assertThat(request).filteredOn(Role::isSend).extracting(Role::getName).containsExactly("gateway");
        Set<Role> replies = roles(cfg, "suapgw.pareri.risposte.mobilita");
        assertThat(replies).filteredOn(Role::isSend).extracting(Role::getName).containsExactly("ente-mobilita");
        assertThat(replies).filteredOn(Role::isConsume).extracting(Role::getName).containsExactly("gateway");
        assertThat(roles(cfg, "DLQ")).filteredOn(Role::isConsume).extracting(Role::getName).containsExactly("gateway");
        assertThat(cfg.getSecurityRoles().values().stream().flatMap(Set::stream))
                .as("nobody manages or creates anything over the wire")
                .noneMatch(r -> r.isManage() || r.isCreateAddress() || r.isCreateDurableQueue() || r.isCreateNonDurableQueue()
                        || r.isDeleteAddress() || r.isDeleteDurableQueue() || r.isDeleteNonDurableQueue());
        assertThat(cfg.getSecurityRoles().keySet()).doesNotContain("#");

        assertThat(cfg.getAddressConfigurations()).anySatisfy(a -> {
            assertThat(a.getName()).isEqualTo("DLQ");
            assertThat(a.getQueueConfigs()).anySatisfy(q -> {
                assertThat(q.getName().toString()).isEqualTo("DLQ.suapgw.pareri.risposte.mobilita");
                assertThat(q.getFilterString().toString())
                        .isEqualTo(BrokerConfig.deadLetterQueue("suapgw.pareri.risposte.mobilita").getFilterString().toString());
            });
        });
        var all = cfg.getAddressSettings().get("#");
        assertThat(all.getDeadLetterAddress().toString()).isEqualTo("DLQ");
        assertThat(all.getMaxDeliveryAttempts()).isEqualTo(10);
        assertThat(all.getMaxSizeBytes()).isPositive();
        assertThat(all.getAddressFullMessagePolicy().name()).isEqualTo("PAGE");
        assertThat(cfg.getAddressSettings().get("DLQ").getMaxDeliveryAttempts()).isEqualTo(-1);
    }

    /** The demo's users file holds every user of the rendering, each with the hash of its demo password. */
    @Test
    void theDemoUsersAreHashesOfTheDemoPasswords() throws Exception {
        Properties demo = new Properties();
        try (Reader r = Files.newBufferedReader(DEMO_USERS)) {
            demo.load(r);
        }
        assertThat(demo.stringPropertyNames()).containsExactlyInAnyOrderElementsOf(rendered.users());
        for (String user : rendered.users()) {
            String stored = demo.getProperty(user);
            assertThat(PasswordMaskingUtil.isEncMasked(stored)).as(user).isTrue();
            String password = user.equals("gateway") ? "gateway-secret" : user.substring("ente-".length()) + "-secret";
            assertThat(new org.apache.activemq.artemis.core.security.User(user, stored).isValid(user, password)).as(user).isTrue();
            assertThat(SecretsGuard.DEMO_SECRETS).as("a demo secret, refused outside the demo").contains(password);
        }
    }

    private static Set<Role> roles(Configuration cfg, String match) {
        return cfg.getSecurityRoles().entrySet().stream().filter(e -> e.getKey().equals(match))
                .flatMap(e -> e.getValue().stream()).collect(Collectors.toSet());
    }
}
