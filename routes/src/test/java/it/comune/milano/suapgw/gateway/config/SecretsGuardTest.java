package it.comune.milano.suapgw.gateway.config;

import it.comune.milano.suapgw.gateway.security.modi.ModiProperties;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Outside the demo profile the gateway refuses blank and demo secrets, a demo ModI key, no or the demo identity provider. */
class SecretsGuardTest {
    static GatewayProperties props(String brokerPassword) {
        return props(brokerPassword, new GatewayProperties.Tls("/etc/suapgw/broker.p12", "a-keystore-password"));
    }

    static GatewayProperties props(String brokerPassword, GatewayProperties.Tls tls) {
        return props(brokerPassword, tls, BrokerPasswords.stored("s3cr3t-x"),
                new GatewayProperties.MailTls("/etc/suapgw/mail.p12", "a-mail-keystore-password", null, null), "/etc/suapgw/gestori-pec.pem");
    }

    static GatewayProperties props(String brokerPassword, GatewayProperties.Tls tls, String entePassword, GatewayProperties.MailTls mailTls,
                                   String pecProviders) {
        return new GatewayProperties(null, null, null, null, new GatewayProperties.Db(true, null, 0),
                new GatewayProperties.Broker(true, null, null, 0, null, "gateway", brokerPassword, Map.of("ente-x", entePassword),
                        tls),
                null, null, null, null, null, null, null,
                new GatewayProperties.Mail(true, null, 0, 0, null, "m4il-s3cr3t", 0, null, null, 0, Map.of(), mailTls, pecProviders, 1000),
                null, null, null);
    }

    static ModiProperties modi(String key) {
        return new ModiProperties("c", "k", key, null, null, null, null, null, null, null, 0);
    }

    @Test
    void theDemoSecretsAreRefusedOutsideTheDemoProfile() {
        MockEnvironment env = new MockEnvironment();
        assertThatThrownBy(() -> new SecretsGuard(env, props("gateway-secret", new GatewayProperties.Tls("config/demo/keys/broker.p12",
                "demo-broker-keystore")), modi("config/demo/keys/suapgw.pem")))
                .hasMessageContaining("suapgw.broker.password is a demo secret")
                .hasMessageContaining("suapgw.documents.link-secret is blank")
                .hasMessageContaining("spring.datasource.password is blank")
                .hasMessageContaining("no identity provider for the operators")
                .hasMessageContaining("no key for geowork's signatures")
                .hasMessageContaining("the broker's TLS keystore is the demo's")
                .hasMessageContaining("demo key");
        env.setProperty("spring.security.oauth2.resourceserver.jwt.public-key-location", "file:config/demo/keys/idp.pub.pem");
        assertThatThrownBy(() -> new SecretsGuard(env, props(""), modi("/etc/suapgw/modi.pem")))
                .hasMessageContaining("suapgw.broker.password is blank")
                .hasMessageContaining("the demo identity provider");
    }

    @Test
    void enteBrokerPasswordsAreHashesAndTheMailChannelHasItsOwnKeysOutsideTheDemo() {
        MockEnvironment env = new MockEnvironment();
        var demoMail = new GatewayProperties.MailTls("config/demo/keys/mail.p12", "demo-mail-keystore", "config/demo/keys/mail-trust.p12",
                "demo-mail-truststore");
        assertThat(SecretsGuard.problems(env, props("a-real-one", new GatewayProperties.Tls("/etc/suapgw/broker.p12", "k"), "s3cr3t-x",
                demoMail, "config/demo/keys/pec-gestore.crt"), modi("/etc/suapgw/modi.pem")))
                .contains("suapgw.broker.ente-passwords.ente-x is not a hash (ENC(...), see docs/security.md)",
                        "the mail server's TLS keystore is the demo's", "the mail truststore is the demo's",
                        "suapgw.mail.pec-providers is the demo PEC provider");
        assertThat(SecretsGuard.problems(env, props("a-real-one", new GatewayProperties.Tls("/etc/suapgw/broker.p12", "k"),
                BrokerPasswords.stored("s3cr3t-x"), null, ""), modi("/etc/suapgw/modi.pem")))
                .contains("the embedded mail server has no TLS keystore (suapgw.mail.tls.keystore)",
                        "no PEC provider trusted for the enti's replies (suapgw.mail.pec-providers)")
                .noneMatch(problem -> problem.contains("ente-passwords"));
    }

    @Test
    void aBrokerPasswordIsStoredAsASaltedHashThatTheBrokerChecks() {
        String stored = BrokerPasswords.stored("s3cr3t-x");
        assertThat(stored).startsWith("ENC(").doesNotContain("s3cr3t-x").isNotEqualTo(BrokerPasswords.stored("s3cr3t-x"));
        assertThat(BrokerPasswords.stored(stored)).isEqualTo(stored);
        var user = new org.apache.activemq.artemis.core.security.User("ente-x", stored);
        assertThat(user.isValid("ente-x", "s3cr3t-x")).isTrue();
        assertThat(user.isValid("ente-x", "s3cr3t-y")).isFalse();
        assertThat(user.isValid("ente-x", stored)).as("the hash is no password").isFalse();
    }

    @Test
    void realSecretsPassAndTheDemoProfileTakesItsOwn() {
        MockEnvironment env = new MockEnvironment().withProperty("suapgw.documents.link-secret", "a-real-link-secret-of-ours")
                .withProperty("spring.datasource.password", "a-real-db-password")
                .withProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri", "https://idp.comune.milano.it/realms/suap")
                .withProperty("suapgw.systems.signers.geowork.keys.geowork-7", "/etc/suapgw/keys/geowork.pub.pem")
                .withProperty("suapgw.systems.signers.scrivania.keys.scrivania-1", "/etc/suapgw/keys/scrivania.pub.pem")
                .withProperty("suapgw.systems.signers.geopost.keys.geopost-1", "/etc/suapgw/keys/geopost.pub.pem");
        new SecretsGuard(env, props("a-real-one"), modi("/etc/suapgw/modi.pem"));
        assertThat(SecretsGuard.problems(env, props("a-real-one"), modi("/etc/suapgw/modi.pem"))).isEmpty();
        env.setActiveProfiles("demo");
        new SecretsGuard(env, props("gateway-secret"), modi("config/demo/keys/suapgw.pem"));
    }
}
