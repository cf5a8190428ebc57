package it.comune.milano.suapgw.gateway.config;

import com.icegreen.greenmail.util.DummySSLServerSocketFactory;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import it.comune.milano.suapgw.model.Ente;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Value;
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
    public GreenMail embeddedMailServer(GatewayProperties props, @Value("${suapgw.mail.data-dir:}") String dataDir) throws IOException {
        GatewayProperties.Mail m = props.mail();
        if (m.tls() == null || m.tls().keystore() == null || m.tls().keystore().isBlank()) {
            throw new IllegalStateException("the embedded mail server speaks TLS only and has no keystore (suapgw.mail.tls.keystore)");
        }
        // GreenMail reads its certificate from these once per JVM, when its first TLS server starts
        System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_FILE_PROPERTY, Path.of(m.tls().keystore()).toAbsolutePath().toString());
        System.setProperty(DummySSLServerSocketFactory.GREENMAIL_KEYSTORE_PASSWORD_PROPERTY, m.tls().keystorePassword());
        PersistentGreenMail mail = new PersistentGreenMail(new ServerSetup[]{
                new ServerSetup(m.smtpPort(), m.host(), ServerSetup.PROTOCOL_SMTPS),
                new ServerSetup(m.imapPort(), m.host(), ServerSetup.PROTOCOL_IMAPS)},
                dataDir == null || dataDir.isBlank() ? null : Path.of(dataDir));
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
        mail.keepMailboxes();
        log.info("Embedded mail server (PEC provider) on {} SMTPS {} IMAPS {}, mailboxes {}", m.host(), m.smtpPort(), m.imapPort(),
                dataDir == null || dataDir.isBlank() ? "in memory only" : "kept in " + Path.of(dataDir).toAbsolutePath());
        return mail;
    }

    /**
     * GreenMail whose mailboxes survive a restart (PersistentMailboxes): restored at start, saved within
     * {@link #SAVE_EVERY} of a change while running, and at stop.
     */
    static final class PersistentGreenMail extends GreenMail {
        static final Duration SAVE_EVERY = Duration.ofSeconds(1);
        private final PersistentMailboxes mailboxes;
        private ScheduledExecutorService saver;

        PersistentGreenMail(ServerSetup[] setups, Path dir) {
            super(setups);
            this.mailboxes = dir == null ? null : new PersistentMailboxes(this, dir);
        }

        /** Once the users are set: their saved messages back in their mailboxes, and saved from now on. */
        synchronized void keepMailboxes() throws IOException {
            if (mailboxes == null) return;
            int restored = mailboxes.restore();
            if (restored > 0) log.info("Embedded mail server: {} messages restored into the mailboxes", restored);
            saver = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mailbox-saver");
                t.setDaemon(true);
                return t;
            });
            saver.scheduleWithFixedDelay(this::save, SAVE_EVERY.toMillis(), SAVE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }

        private void save() {
            try {
                mailboxes.save();
            } catch (IOException | RuntimeException e) {
                log.warn("Embedded mail server: cannot save the mailboxes: {}", e.toString());
            }
        }

        @Override
        public synchronized void stop() {
            if (saver != null) {
                saver.shutdown();
                try {
                    saver.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                save();
                saver = null;
            }
            super.stop();
        }
    }
}
