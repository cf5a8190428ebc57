package it.comune.milano.suapgw.simulators.enti;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import it.comune.milano.suapgw.simulators.support.DemoFiles;
import it.comune.milano.suapgw.simulators.support.Json;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The PEC ente against a GreenMail that speaks implicit TLS only (SMTPS + IMAPS) with the demo mail server
 * certificate, as the gateway's mail server does.
 */
class PecEnteSimulatorTlsTest {

    static final String GATEWAY = PecEnteSimulatorTest.GATEWAY;
    static final String GATEWAY_PASSWORD = PecEnteSimulatorTest.GATEWAY_PASSWORD;
    static final String ENTE = PecEnteSimulatorTest.ENTE;
    static final String ENTE_PASSWORD = PecEnteSimulatorTest.ENTE_PASSWORD;
    static final String HOST = "127.0.0.1";

    static {
        // GreenMail reads its TLS keystore once per JVM, at its first SMTPS/IMAPS start: before the extension below
        System.setProperty("greenmail.tls.keystore.file", DemoFiles.require("config/demo/keys/mail.p12").toString());
        System.setProperty("greenmail.tls.keystore.password", "demo-mail-keystore");
    }

    @RegisterExtension
    final GreenMailExtension greenMail = new GreenMailExtension(ServerSetup.dynamicPort(ServerSetupTest.SMTPS_IMAPS));

    private PecEnteSimulator ente;

    @BeforeEach
    void users() {
        greenMail.setUser(GATEWAY, GATEWAY, GATEWAY_PASSWORD);
        greenMail.setUser(ENTE, ENTE, ENTE_PASSWORD);
        ente = new PecEnteSimulator("vigili-del-fuoco", ENTE, ENTE_PASSWORD, HOST, greenMail.getSmtps().getPort(), HOST,
                greenMail.getImaps().getPort(), PecEnteSimulator.defaultRules("vigili-del-fuoco"));
        ente.setPollInterval(Duration.ofMillis(100));
    }

    @AfterEach
    void stop() {
        ente.stop();
        PecEnteSimulator.useTrustStore(null, null);
    }

    private static void trustMailServer() {
        PecEnteSimulator.useTrustStore(DemoFiles.require("config/demo/keys/mail-trust.p12"), "demo-mail-truststore");
    }

    private String sendRequest(String codicePratica) throws Exception {
        ObjectNode j = PecEnteSimulatorTest.json(codicePratica, "SOMMINISTRAZIONE_APERTURA", 1);
        MimeMessage request = PecEnteSimulatorTest.request(PecEnteSimulatorTest.body(codicePratica, 1, j.get("idRichiesta").asText()), Json.bytes(j));
        return PecEnteSimulator.sendMessage(request, HOST, greenMail.getSmtps().getPort(), GATEWAY, GATEWAY_PASSWORD);
    }

    @Test
    void answersARequestOverImapsAndSmtps() throws Exception {
        trustMailServer();
        ente.start();
        assertThat(ente.awaitConnected(Duration.ofSeconds(10))).isTrue();
        String request = sendRequest("PRATICA-TLS");
        await().atMost(Duration.ofSeconds(15)).until(() -> ente.replies().size() == 1
                && greenMail.getReceivedMessagesForDomain("pec.comune.milano.it").length == 1);
        MimeMessage envelope = greenMail.getReceivedMessagesForDomain("pec.comune.milano.it")[0];
        assertThat(PecEnvelopes.verifies(envelope, PecEnvelopes.demoCertificate())).isTrue();
        MimeMessage inner = PecMail.unwrap(envelope);
        assertThat(inner.getHeader("In-Reply-To", null)).isEqualTo(request);
        assertThat(PecMail.fields(PecMail.content(inner).texts().get(0))).containsEntry("pratica", "PRATICA-TLS").containsEntry("esito", "POSITIVO");
        assertThat(ente.requests()).extracting(PecEnteSimulator.Request::codicePratica).containsExactly("PRATICA-TLS");

        // sendRaw is TLS-aware too
        String raw = PecEnteSimulator.sendRaw(HOST, greenMail.getSmtps().getPort(), ENTE, ENTE_PASSWORD, GATEWAY, "Parere illeggibile", "%%%");
        await().atMost(Duration.ofSeconds(5)).until(() -> greenMail.getReceivedMessagesForDomain("pec.comune.milano.it").length == 2);
        assertThat(greenMail.getReceivedMessagesForDomain("pec.comune.milano.it")[1].getMessageID()).isEqualTo(raw);
    }

    @Test
    void aServerOutsideTheTruststoreIsNotTrusted() throws Exception {
        // the broker's truststore: a valid PKCS#12, but without the mail server's certificate
        PecEnteSimulator.useTrustStore(DemoFiles.require("config/demo/keys/broker-trust.p12"), "demo-broker-truststore");
        ente.start();
        assertThat(ente.awaitConnected(Duration.ofSeconds(2))).isFalse();
        assertThatThrownBy(() -> PecEnteSimulator.sendRaw(HOST, greenMail.getSmtps().getPort(), GATEWAY, GATEWAY_PASSWORD, ENTE, "x", "y"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(greenMail.getReceivedMessages()).isEmpty();
        assertThat(ente.replies()).isEmpty();

        // no crash loop: the ente keeps retrying with backoff and gets in at the next attempt once the truststore is right
        trustMailServer();
        assertThat(ente.awaitConnected(Duration.ofSeconds(10))).isTrue();
        sendRequest("PRATICA-DOPO");
        await().atMost(Duration.ofSeconds(15)).until(() -> ente.replies().size() == 1);
    }

    @Test
    void aTruststoreThatCannotBeReadIsRefusedAtOnce() {
        assertThatThrownBy(() -> PecEnteSimulator.useTrustStore(DemoFiles.require("config/demo/keys/mail-trust.p12"), "wrong-password"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mail-trust.p12");
    }
}
