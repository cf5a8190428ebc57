package it.comune.milano.suapgw.connectors.pec;

import it.comune.milano.suapgw.model.Esito;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PecMessagesTest {
    final PecMessages pec = new PecMessages();

    static byte[] mail(String headers, String body) {
        return (headers + "\r\n" + body).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsAParereWithItsPrescriptionsAndAttachment() {
        byte[] raw = mail("""
                From: VVF Milano <Com.Milano@cert.vigilfuoco.it>\r
                To: suap@pec.comune.milano.it\r
                Subject: VVF - 01234567890 - Bar Sport\r
                Message-ID: <r1@vvf>\r
                MIME-Version: 1.0\r
                Content-Type: multipart/mixed; boundary="b"\r
                """, """
                --b\r
                Content-Type: text/plain; charset=UTF-8\r
                \r
                SUAP: c_f205-SUAP\r
                Pratica: 01234567890-01012026-1000\r
                Tipo messaggio: parere\r
                Esito: favorevole con prescrizioni\r
                Motivazione: uscite di sicurezza da adeguare\r
                Prescrizione: installare due estintori\r
                Prescrizione: segnaletica conforme\r
                Firmatario: Ing. Rossi\r
                --b\r
                Content-Type: application/pdf\r
                Content-Disposition: attachment; filename="parere.pdf"\r
                \r
                %PDF-1.4\r
                --b--\r
                """);
        PecMessages.Ricevuto r = pec.parse(raw);
        assertThat(r.from()).isEqualTo("com.milano@cert.vigilfuoco.it");
        assertThat(r.codicePratica()).isEqualTo("01234567890-01012026-1000");
        assertThat(r.esito()).isEqualTo(Esito.CONFORMAZIONE);
        assertThat(r.prescrizioni()).containsExactly("installare due estintori", "segnaletica conforme");
        assertThat(r.allegati()).extracting(PecMessages.Allegato::name).containsExactly("parere.pdf");
        assertThat(r.messageId()).isEqualTo("<r1@vvf>");
    }

    @Test
    void readsTheRequestsAReplyAnswersAndRecognisesReceipts() {
        String ours = PecMessages.requestMessageId("7f0c2a1e-0000-4000-8000-000000000001", 2, "pec.comune.milano.it");
        PecMessages.Ricevuto r = pec.parse(mail("From: com.milano@cert.vigilfuoco.it\r\nSubject: x\r\nIn-Reply-To: " + ours
                + "\r\nReferences: <a@b> " + ours + "\r\n", "Pratica: P-1\r\nEsito: NEGATIVO\r\n"));
        assertThat(r.answers()).containsExactly(ours, "<a@b>", ours);
        assertThat(PecMessages.requestOf(ours, "pec.comune.milano.it")).contains("7f0c2a1e-0000-4000-8000-000000000001");
        assertThat(PecMessages.requestOf(ours, "pec.altro.it")).isEmpty();
        assertThat(PecMessages.requestOf("<a@b>", "pec.comune.milano.it")).isEmpty();

        PecMessages.Intestazione receipt = pec.headersOf(mail("From: posta-certificata@pec.provider.it\r\nX-Ricevuta: avvenuta-consegna\r\n"
                + "Subject: CONSEGNA: x\r\n", "Il messaggio è stato consegnato\r\n"));
        assertThat(receipt.receipt()).isEqualTo("avvenuta-consegna");
        assertThat(receipt.from()).isEqualTo("posta-certificata@pec.provider.it");
    }

    @Test
    void saysWhyAMessageCannotBeAParere() {
        assertThatThrownBy(() -> pec.parse(mail("From: a@b.it\r\n", "Gentili signori, buongiorno.\r\n")))
                .isInstanceOf(PecMessages.UnreadableMessage.class).hasMessageContaining("Pratica:");
        assertThatThrownBy(() -> pec.parse(mail("From: a@b.it\r\n", "Pratica: P-1\r\nEsito: forse\r\n")))
                .hasMessageContaining("'Esito: forse'");
        assertThatThrownBy(() -> pec.parse(mail("From: a@b.it\r\n", "Pratica: P-1\r\nTipo messaggio: sollecito\r\nEsito: POSITIVO\r\n")))
                .hasMessageContaining("not a parere");
    }

    @Test
    void readsLinesAndHtmlOfHostileShapesInOnePass() {
        // shapes that made the former regular expressions backtrack: long runs of blanks around a colon, unclosed tags
        String blanks = " ".repeat(200_000);
        var lines = PecMessages.lines("Pratica:" + blanks + "P-1" + blanks + "\r\n" + blanks + "x" + blanks + "\r\nEsito :POSITIVO\r\n"
                + "Questa riga ha un nome troppo lungo per un campo: x\r\n");
        assertThat(lines.get("pratica")).containsExactly("P-1");
        assertThat(lines.get("esito")).containsExactly("POSITIVO");
        assertThat(lines).hasSize(2);
        assertThat(PecMessages.htmlText("<p>Pratica: P-1</p><br/>Esito: <b>NEGATIVO</b>")).isEqualTo("Pratica: P-1\n\nEsito: NEGATIVO");
        assertThat(PecMessages.htmlText("<".repeat(300_000) + "x")).hasSize(300_001);
        assertThat(PecMessages.htmlText("a<" + "b".repeat(300_000))).startsWith("a<b").hasSize(300_002);
    }

    @Test
    void writesTheArt10SubjectAndBody() {
        assertThat(PecMessages.subject("SUAP Comune di Milano", "01234567890", "Bar Sport S.r.l."))
                .isEqualTo("SUAP Comune di Milano - 01234567890 - Bar Sport S.r.l.");
        String body = PecMessages.requestBody("c_f205-SUAP", "P-1", "01234567890", "Bar Sport", null, "r-1", 1,
                java.time.LocalDate.of(2026, 12, 1), "SCIA_SOMMINISTRAZIONE", java.util.List.of("a.pdf"), 0);
        assertThat(body).contains("SUAP: c_f205-SUAP\r\n", "Pratica: P-1\r\n", "Impresa: 01234567890 - Bar Sport\r\n",
                "Protocollo RI: -\r\n", "Protocollo Ente: r-1\r\n", "Tipo messaggio: richiesta-parere\r\n");
    }
}
