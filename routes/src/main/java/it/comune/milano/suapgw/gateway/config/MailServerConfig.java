package it.comune.milano.suapgw.gateway.config;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import it.comune.milano.suapgw.model.Ente;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded default's PEC provider: a real SMTP + IMAP server (GreenMail) on 127.0.0.1 with the gateway's
 * mailbox and one per PEC ente of the registry. In production suapgw.mail points at the real provider.
 */
@Configuration
@ConditionalOnProperty(prefix = "suapgw.mail", name = "embedded", havingValue = "true")
public class MailServerConfig {
    private static final Logger log = LoggerFactory.getLogger(MailServerConfig.class);

    /** Named so that the mail routes can depend on it: they must not poll before the server listens. */
    @Bean(name = "embeddedMailServer", destroyMethod = "stop")
    public GreenMail embeddedMailServer(GatewayProperties props) {
        GatewayProperties.Mail m = props.mail();
        GreenMail mail = new GreenMail(new ServerSetup[]{
                new ServerSetup(m.smtpPort(), m.host(), ServerSetup.PROTOCOL_SMTP),
                new ServerSetup(m.imapPort(), m.host(), ServerSetup.PROTOCOL_IMAP)});
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
        log.info("Embedded mail server (PEC provider) on {} SMTP {} IMAP {}", m.host(), m.smtpPort(), m.imapPort());
        return mail;
    }
}
