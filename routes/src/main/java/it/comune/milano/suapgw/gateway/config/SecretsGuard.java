package it.comune.milano.suapgw.gateway.config;

import it.comune.milano.suapgw.gateway.security.modi.ModiProperties;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gateway refuses to start with a blank secret, or one of the demo's (known to everybody), outside the embedded
 * demo profile: every password it uses or gives out, its ModI key, the operators' identity provider.
 */
@Component
public class SecretsGuard {
    public static final String DEMO = "demo";
    /** the secrets of application-demo.yaml */
    static final Set<String> DEMO_SECRETS = Set.of("suapgw", "gateway-secret", "polizia-locale-secret", "ats-milano-secret",
            "soprintendenza-secret", "mercati-secret", "arredo-urbano-secret", "mobilita-secret", "suap-secret",
            "vigili-del-fuoco-secret", "demo-document-link-secret", "demo-broker-keystore", "demo-mail-keystore",
            "demo-mail-truststore", "suapgw-console-demo-secret");

    public SecretsGuard(Environment env, GatewayProperties props, ModiProperties modi) {
        if (env.acceptsProfiles(Profiles.of(DEMO))) return;
        List<String> problems = problems(env, props, modi);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("refusing to start outside the demo profile: " + String.join("; ", problems));
        }
    }

    static List<String> problems(Environment env, GatewayProperties props, ModiProperties modi) {
        List<String> p = new ArrayList<>();
        // the embedded PostgreSQL too: the gateway works there as a role with this password, never as superuser
        check(p, "spring.datasource.password", env.getProperty("spring.datasource.password"));
        if (props.broker() != null) {
            check(p, "suapgw.broker.password", props.broker().password());
            if (props.broker().embedded()) {
                each(p, "suapgw.broker.ente-passwords", props.broker().entePasswords());
                // the gateway never uses an ente's password: outside the demo only its hash is configured
                if (props.broker().entePasswords() != null) {
                    props.broker().entePasswords().forEach((user, password) -> {
                        if (!blank(password) && !BrokerPasswords.isHashed(password)) {
                            p.add("suapgw.broker.ente-passwords." + user + " is not a hash (ENC(...), see docs/security.md)");
                        }
                    });
                }
                if (!props.broker().tlsOn()) p.add("the embedded broker has no TLS keystore (suapgw.broker.tls.keystore)");
                else if (props.broker().tls().keystore().replace('\\', '/').contains("/demo/keys/")) p.add("the broker's TLS keystore is the demo's");
                else check(p, "suapgw.broker.tls.keystore-password", props.broker().tls().keystorePassword());
            }
        }
        if (props.mail() != null) {
            check(p, "suapgw.mail.password", props.mail().password());
            if (props.mail().embedded()) each(p, "suapgw.mail.ente-passwords", props.mail().entePasswords());
            GatewayProperties.MailTls tls = props.mail().tls();
            if (props.mail().embedded()) {
                if (tls == null || blank(tls.keystore())) p.add("the embedded mail server has no TLS keystore (suapgw.mail.tls.keystore)");
                else if (isDemoFile(tls.keystore())) p.add("the mail server's TLS keystore is the demo's");
                else check(p, "suapgw.mail.tls.keystore-password", tls.keystorePassword());
            }
            if (tls != null && tls.hasTruststore() && isDemoFile(tls.truststore())) p.add("the mail truststore is the demo's");
            if (blank(props.mail().pecProviders())) p.add("no PEC provider trusted for the enti's replies (suapgw.mail.pec-providers)");
            else if (isDemoFile(props.mail().pecProviders())) p.add("suapgw.mail.pec-providers is the demo PEC provider");
        }
        check(p, "suapgw.documents.link-secret", env.getProperty("suapgw.documents.link-secret"));
        // the console is optional: configured, its client secret must be a real one
        String consoleSecret = env.getProperty("spring.security.oauth2.client.registration.comune.client-secret");
        if (consoleSecret != null) check(p, "spring.security.oauth2.client.registration.comune.client-secret", consoleSecret);
        String jwt = "spring.security.oauth2.resourceserver.jwt.";
        String key = env.getProperty(jwt + "public-key-location");
        if (blank(env.getProperty(jwt + "issuer-uri")) && blank(env.getProperty(jwt + "jwk-set-uri")) && blank(key)) {
            p.add("no identity provider for the operators (" + jwt + "issuer-uri, jwk-set-uri or public-key-location)");
        }
        if (key != null && key.replace('\\', '/').contains("/demo/keys/")) p.add(jwt + "public-key-location is the demo identity provider");
        var systems = org.springframework.boot.context.properties.bind.Binder.get(env)
                .bind("suapgw.systems", it.comune.milano.suapgw.gateway.security.systems.SystemsProperties.class)
                .orElse(new it.comune.milano.suapgw.gateway.security.systems.SystemsProperties(Map.of()));
        for (String system : List.of("geowork", "scrivania", "geopost")) {
            var signer = systems.signers().get(system);
            var files = signer == null || signer.keys() == null ? List.<String>of()
                    : signer.keys().values().stream().filter(f -> f != null && !f.isBlank()).toList();
            if (files.isEmpty()) p.add("no key for " + system + "'s signatures (suapgw.systems.signers." + system + ".keys)");
            if (files.stream().anyMatch(f -> f.replace('\\', '/').contains("/demo/keys/"))) p.add(system + "'s signature key is a demo key");
        }
        if (modi == null || modi.privateKey() == null || modi.privateKey().isBlank()) {
            p.add("suapgw.modi.private-key is blank");
        } else if (modi.privateKey().replace('\\', '/').contains("/demo/keys/")) {
            p.add("suapgw.modi.private-key is a demo key");
        }
        return p;
    }

    private static boolean isDemoFile(String path) {
        return path.replace('\\', '/').contains("/demo/keys/");
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static void each(List<String> p, String name, Map<String, String> secrets) {
        if (secrets == null) return;
        secrets.forEach((k, v) -> check(p, name + "." + k, v));
    }

    private static void check(List<String> p, String name, String value) {
        if (value == null || value.isBlank()) p.add(name + " is blank");
        else if (DEMO_SECRETS.contains(value)) p.add(name + " is a demo secret");
    }
}
