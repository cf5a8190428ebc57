package it.comune.milano.suapgw.gateway.pareri.pec;

import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SecureSocketProtocolsParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/** How the PEC channel reaches its provider: implicit TLS 1.2/1.3, the server's certificate and host name verified. */
@Configuration
public class PecMailConfig {
    public static final String SSL = "pecMailSsl";
    public static final String PROPERTIES = "pecMailProperties";

    @Bean(SSL)
    public SSLContextParameters pecMailSsl(GatewayProperties props) {
        SSLContextParameters ssl = new SSLContextParameters();
        SecureSocketProtocolsParameters protocols = new SecureSocketProtocolsParameters();
        protocols.setSecureSocketProtocol(List.of("TLSv1.3", "TLSv1.2"));
        ssl.setSecureSocketProtocols(protocols);
        GatewayProperties.MailTls tls = props.mail().tls();
        if (tls != null && tls.hasTruststore()) {
            KeyStoreParameters store = new KeyStoreParameters();
            store.setResource("file:" + Path.of(tls.truststore()).toAbsolutePath());
            store.setPassword(tls.truststorePassword());
            store.setType("PKCS12");
            TrustManagersParameters trust = new TrustManagersParameters();
            trust.setKeyStore(store);
            ssl.setTrustManagers(trust);
        }
        return ssl;
    }

    /** Jakarta Mail checks the certificate's name against the host only when asked to. */
    @Bean(PROPERTIES)
    public Properties pecMailProperties() {
        Properties p = new Properties();
        p.setProperty("mail.smtps.ssl.checkserveridentity", "true");
        p.setProperty("mail.imaps.ssl.checkserveridentity", "true");
        p.setProperty("mail.smtps.connectiontimeout", "10000");
        p.setProperty("mail.smtps.timeout", "30000");
        p.setProperty("mail.smtps.writetimeout", "30000");
        p.setProperty("mail.imaps.connectiontimeout", "10000");
        p.setProperty("mail.imaps.timeout", "30000");
        return p;
    }
}
