package it.comune.milano.suapgw.gateway.config;

import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import it.comune.milano.suapgw.model.Ente;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded default's PEC provider: a real SMTPS + IMAPS server (GreenMail, implicit TLS only, with the certificate
 * of {@code suapgw.mail.tls.keystore}) on 127.0.0.1 with the gateway's mailbox and one per PEC ente of the registry.
 * In production suapgw.mail points at the real provider.
 */
@Configuration
@ConditionalOnProperty(prefix = "suapgw.mail", name = "embedded", havingValue = "true")
public class MailServerConfig {
    private static final Logger log = LoggerFactory.getLogger(MailServerConfig.class);

    /** Named so that the mail routes can depend on it: they must not poll before the server listens. */
    @Bean(name = "embeddedMailServer", destroyMethod = "stop")
    public GreenMail embeddedMailServer(GatewayProperties props) {
        GatewayProperties.Mail m = props.mail();
        if (m.tls() == null || m.tls().keystore() == null || m.tls().keystore().isBlank()) {
            throw new IllegalStateException("the embedded mail server speaks TLS only and has no keystore (suapgw.mail.tls.keystore)");
        }
        // GreenMail reads its certificate from these once per JVM, when its first TLS server starts
        System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY, Path.of(m.tls().keystore()).toAbsolutePath().toString());
        System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY, m.tls().keystorePassword());
        GreenMail mail = new GreenMail(new ServerSetup[]{
                new ServerSetup(m.smtpPort(), m.host(), ServerSetup.PROTOCOL_SMTPS),
                new ServerSetup(m.imapPort(), m.host(), ServerSetup.PROTOCOL_IMAPS)});
        mail.start();
        mail.setUser(m.address(), m.address(), m.password());
        for (Ente e : props.enti()) {
            if (!e.byPec()) continue;
            String password = m.entePasswords() == null ? null : m.entePasswords().get(e.pec());
            if (password == null) {
                throw new IllegalStateException("no mailbox password for PEC ente " + e.code()
                        + " (suapgw.mail.ente-passwords.[" + e.pec() + "])");
            }
            mail.setUser(e.pec(), e.pec(), password);
        }
        log.info("Embedded mail server (PEC provider) on {} SMTPS {} IMAPS {}", m.host(), m.smtpPort(), m.imapPort());
        return mail;
    }
}
