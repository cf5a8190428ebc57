package it.comune.milano.suapgw.routetest;

import it.comune.milano.suapgw.gateway.documenti.DocumentLinks;
import it.comune.milano.suapgw.gateway.pareri.PareriDispatchRoute;
import it.comune.milano.suapgw.gateway.pareri.PareriService;
import it.comune.milano.suapgw.gateway.pareri.pec.PecChannelRoute;
import it.comune.milano.suapgw.gateway.pareri.pec.PecReplyService;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.model.Ente;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.apache.camel.Exchange;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.model.ToDynamicDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** Requests by PEC with the art. 10 subject and the documents attached up to the provider's limit; replies read raw. */
@Import({PecChannelRoute.class, DocumentLinks.class})
class PecChannelRouteTest extends RouteTestBase {
    static final Ente VVF = PareriDispatchRouteTest.VVF;

    @MockitoBean
    PareriService pareri;
    @MockitoBean
    PecReplyService replies;
    @MockitoBean
    PraticaRepository pratiche;

    @Override
    protected void advise() throws Exception {
        adviceWith("pareri-dispatch-pec", a -> a.weaveByType(ToDynamicDefinition.class).replace().to("mock:smtp"));
        adviceWith("pareri-collection-pec", a -> a.replaceFromWith("direct:imap"));
    }

    @Test
    void theRequestIsAnArt10MailWithTheRequestAndTheDocumentsAttached() throws Exception {
        PareriService.Invio invio = PareriDispatchRouteTest.invio(VVF, 0);
        when(pratiche.documentsWithContent(invio.richiesta().praticaId())).thenReturn(List.of(
                Map.of("name", "modulo.pdf", "mime_type", "application/pdf", "sha256", "b".repeat(64), "size", 3L,
                        "content", DocumentStore.Content.of("pdf".getBytes()))));
        mock("smtp").expectedMessageCount(1);

        producer.send(PareriDispatchRoute.PEC, e -> {
            e.setProperty(PareriDispatchRoute.INVIO, invio);
            e.getMessage().setBody("{\"idRichiesta\":\"" + invio.richiesta().id() + "\"}");
        });

        mock("smtp").assertIsSatisfied();
        Exchange mail = mock("smtp").getReceivedExchanges().get(0);
        assertThat(mail.getMessage().getHeader("To")).isEqualTo(VVF.pec());
        assertThat(mail.getMessage().getHeader("Subject", String.class)).isEqualTo("SUAP Comune di Milano - RSSMRA80A01F205X - Bar Duomo");
        assertThat(mail.getMessage().getBody(String.class)).contains("Pratica: CF-1", "Tipo messaggio: richiesta-parere");
        assertThat(mail.getMessage(AttachmentMessage.class).getAttachmentNames())
                .containsExactlyInAnyOrder("richiesta-parere.json", "modulo.pdf");
        // read from the store as the message is written, not copied into it
        jakarta.activation.DataHandler pdf = mail.getMessage(AttachmentMessage.class).getAttachment("modulo.pdf");
        assertThat(pdf.getDataSource()).isNotInstanceOf(jakarta.mail.util.ByteArrayDataSource.class);
        assertThat(pdf.getContentType()).isEqualTo("application/pdf");
        try (java.io.InputStream in = pdf.getInputStream()) {
            assertThat(in.readAllBytes()).isEqualTo("pdf".getBytes());
        }
        verify(pareri).onRequestSent(eq(invio.richiesta().id()), eq(VVF.code()), anyString());
    }

    @Test
    void aReplyIsHandedOverAsTheRawMessage() throws Exception {
        MimeMessage m = new MimeMessage(Session.getInstance(new Properties()));
        m.setFrom(new InternetAddress(VVF.pec()));
        m.setSubject("Parere");
        m.setText("Pratica: CF-1\r\nEsito: POSITIVO\r\n");
        m.saveChanges();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        m.writeTo(raw);

        producer.sendBody("direct:imap", m);

        verify(replies).onMail(raw.toByteArray());
    }
}
