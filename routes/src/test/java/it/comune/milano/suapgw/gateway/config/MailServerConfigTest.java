package it.comune.milano.suapgw.gateway.config;

import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.Flags;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The embedded PEC provider (GreenMail, SMTPS + IMAPS with the demo certificate) keeps its mailboxes across a restart. */
class MailServerConfigTest {
    static final String SUAP = "suap@pec.comune.milano.it";

    @TempDir
    Path tmp;
    final List<GreenMail> started = new ArrayList<>();

    @AfterEach
    void stopServers() {
        started.forEach(GreenMail::stop);
    }

    @Test
    void aMessageDeliveredBeforeARestartIsStillThereAfterItWithItsFlags() throws Exception {
        Path dir = tmp.resolve("mail");
        int smtp = EmbeddedPostgresConfigTest.freePort();
        int imap = EmbeddedPostgresConfigTest.freePort();
        GreenMail before = start(smtp, imap, dir);
        GreenMailUtil.sendTextEmail(SUAP, "protocollo@ente.example", "Parere 1", "favorevole", before.getSmtps().getServerSetup());
        GreenMailUtil.sendTextEmail(SUAP, "protocollo@ente.example", "Parere 2", "contrario", before.getSmtps().getServerSetup());
        inbox(before).get(0).setFlag(Flags.Flag.SEEN, true); // the gateway has read the first one
        await("saved while running, not only at the stop").atMost(Duration.ofSeconds(10))
                .until(() -> saved(dir).size() == 2 && saved(dir).stream().anyMatch(f -> f.endsWith("_S.eml")));
        before.stop();
        started.remove(before);

        GreenMail after = start(smtp, imap, dir);
        List<StoredMessage> inbox = inbox(after);
        assertThat(inbox).hasSize(2);
        assertThat(inbox.get(0).getMimeMessage().getSubject()).isEqualTo("Parere 1");
        assertThat(inbox.get(0).isSet(Flags.Flag.SEEN)).isTrue();
        assertThat(inbox.get(1).getMimeMessage().getSubject()).isEqualTo("Parere 2");
        assertThat(inbox.get(1).isSet(Flags.Flag.SEEN)).as("still to be read").isFalse();
        assertThat(GreenMailUtil.getBody(inbox.get(1).getMimeMessage())).isEqualTo("contrario");
        // the restored mailbox goes on taking mail
        GreenMailUtil.sendTextEmail(SUAP, "protocollo@ente.example", "Parere 3", "favorevole", after.getSmtps().getServerSetup());
        assertThat(inbox(after)).hasSize(3);
    }

    @Test
    void withoutADataDirectoryTheMailboxesAreInMemoryOnly() throws Exception {
        GreenMail mail = start(EmbeddedPostgresConfigTest.freePort(), EmbeddedPostgresConfigTest.freePort(), null);
        GreenMailUtil.sendTextEmail(SUAP, "protocollo@ente.example", "Parere", "favorevole", mail.getSmtps().getServerSetup());
        assertThat(inbox(mail)).hasSize(1);
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).isEmpty();
        }
    }

    GreenMail start(int smtp, int imap, Path dir) throws IOException {
        GatewayProperties props = new GatewayProperties(null, null, List.of(), null, null, null, null, null, null, null, null, null, null,
                new GatewayProperties.Mail(true, "127.0.0.1", smtp, imap, SUAP, "suap-secret", 500, null, null, 0, Map.of(),
                        new GatewayProperties.MailTls("../config/demo/keys/mail.p12", "demo-mail-keystore", null, null), null, 1000),
                null, null, null);
        GreenMail mail = new MailServerConfig().embeddedMailServer(props, dir == null ? "" : dir.toString());
        started.add(mail);
        return mail;
    }

    static List<StoredMessage> inbox(GreenMail mail) throws Exception {
        GreenMailUser user = mail.getUserManager().getUserByEmail(SUAP);
        return mail.getManagers().getImapHostManager().getInbox(user).getMessages();
    }

    static List<String> saved(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.walk(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".eml")).toList();
        }
    }
}
