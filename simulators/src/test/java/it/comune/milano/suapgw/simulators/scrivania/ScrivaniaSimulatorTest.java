package it.comune.milano.suapgw.simulators.scrivania;

import com.sun.net.httpserver.HttpServer;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import jakarta.mail.BodyPart;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

public class ScrivaniaSimulatorTest {

    static final String CODICE = "10000000156-20112026-1030";

    /** One request seen by the fake gateway. */
    record Captured(String path, String contentType, String soapAction, byte[] body) {
    }

    private HttpServer gateway;
    private final List<Captured> captured = new CopyOnWriteArrayList<>();
    private final AtomicInteger gatewayFailuresLeft = new AtomicInteger();
    private volatile String gatewayFault;
    private ScrivaniaSimulator scrivania;

    @BeforeEach
    void start() throws Exception {
        gateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gateway.createContext("/", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            String ct = ex.getRequestHeaders().getFirst("Content-Type");
            if (gatewayFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                ex.sendResponseHeaders(503, -1);
                ex.close();
                return;
            }
            captured.add(new Captured(ex.getRequestURI().getPath(), ct, ex.getRequestHeaders().getFirst("SOAPAction"), in));
            String fault = gatewayFault;
            String envelope = fault != null ? SoapSupport.fault("soap:Client", fault)
                    : SoapSupport.envelope("<ns2:inviaSUAPEnteResponse xmlns:ns2=\"" + SoapSupport.SCRIVANIA_NS
                    + "\"><return>PRATICA-1</return></ns2:inviaSUAPEnteResponse>");
            byte[] out;
            String outType;
            if (ct != null && ct.startsWith("multipart/")) { // like CXF: a MIME request gets a MIME answer
                String b = "uuid:0f1e2d3c";
                outType = "multipart/related; type=\"text/xml\"; boundary=\"" + b + "\"; start=\"<root.message@cxf.apache.org>\"; start-info=\"text/xml\"";
                out = ("--" + b + "\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Transfer-Encoding: binary\r\n"
                        + "Content-ID: <root.message@cxf.apache.org>\r\n\r\n" + envelope + "\r\n--" + b + "--").getBytes(StandardCharsets.UTF_8);
            } else {
                outType = "text/xml;charset=UTF-8";
                out = envelope.getBytes(StandardCharsets.UTF_8);
            }
            ex.getResponseHeaders().set("Content-Type", outType);
            ex.sendResponseHeaders(fault != null ? 500 : 200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        gateway.start();
        scrivania = new ScrivaniaSimulator(0, "http://127.0.0.1:" + gateway.getAddress().getPort() + "/");
        scrivania.start();
    }

    @AfterEach
    void stop() {
        scrivania.stop();
        gateway.stop(0);
    }

    public static Path resource(String name) throws Exception {
        return Path.of(ScrivaniaSimulatorTest.class.getResource("/scrivania/" + name).toURI());
    }

    /** A complete inviaEnteSUAP envelope (what the gateway sends) for a pratica and tipo-cooperazione. */
    public static String enteSuap(String codice, String tipo) throws Exception {
        return Files.readString(resource("invia-ente-suap.xml"))
                .replace("${codicePratica}", codice)
                .replace("${tipoCooperazione}", tipo)
                .replace("${oggetto}", "Comunicazione " + tipo)
                .replace("${testo}", "Si comunica " + tipo + " per la pratica " + codice);
    }

    private HttpResponse<String> call(String contentType, byte[] body) throws Exception {
        return TestSupport.HTTP.send(HttpRequest.newBuilder(URI.create(scrivania.address()))
                .header("Content-Type", contentType).header("SOAPAction", "\"inviaEnteSUAP\"")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String envelope) throws Exception {
        return call("text/xml; charset=UTF-8", envelope.getBytes(StandardCharsets.UTF_8));
    }

    private static String faultcode(HttpResponse<String> r) {
        return SoapSupport.text(SoapSupport.descendant(SoapSupport.parse(r.body().getBytes(StandardCharsets.UTF_8)), "faultcode"));
    }

    private static String faultstring(HttpResponse<String> r) {
        return SoapSupport.text(SoapSupport.descendant(SoapSupport.parse(r.body().getBytes(StandardCharsets.UTF_8)), "faultstring"));
    }

    // ------------------------------------------------------------------ server side

    @Test
    void validCallIsRecordedAndAnsweredOk() throws Exception {
        HttpResponse<String> r = call(enteSuap(CODICE, "rilascio-provvedimento"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/xml"));
        Document doc = SoapSupport.parse(r.body().getBytes(StandardCharsets.UTF_8));
        assertThat(SoapSupport.body(doc)).isNotNull();
        org.w3c.dom.Element response = SoapSupport.children(SoapSupport.body(doc)).get(0);
        assertThat(response.getLocalName()).isEqualTo("inviaEnteSUAPResponse");
        assertThat(response.getNamespaceURI()).isEqualTo(SoapSupport.SCRIVANIA_NS);
        assertThat(SoapSupport.text(SoapSupport.child(response, "return"))).isEqualTo("Ok");

        assertThat(scrivania.received()).hasSize(1);
        ScrivaniaSimulator.Received got = scrivania.received(CODICE).get(0);
        assertThat(got.codicePratica()).isEqualTo(CODICE);
        assertThat(got.tipoCooperazione()).isEqualTo("rilascio-provvedimento");
        assertThat(got.oggetto()).isEqualTo("Comunicazione rilascio-provvedimento");
        assertThat(got.testo()).isEqualTo("Si comunica rilascio-provvedimento per la pratica " + CODICE);
        assertThat(got.protocolloNumero()).isEqualTo("0004321");
        assertThat(got.enteMittenteCodiceAmministrazione()).isEqualTo("c_f205");
        assertThat(got.receivedAt()).isNotNull();
        assertThat(scrivania.received("other")).isEmpty();
        assertThat(scrivania.calls()).isEqualTo(1);
        assertThat(scrivania.invalidCalls()).isZero();
    }

    @Test
    void multipartRequestIsReadFromItsRootPart() throws Exception {
        // the root part (named by start=) is not the first one: the simulator must follow start, not the order
        String boundary = "uuid:6b0c5e8a";
        String body = "--" + boundary + "\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: binary\r\nContent-ID: <provvedimento-0004321.pdf>\r\n\r\n"
                + "%PDF-1.4 fake\r\n--" + boundary + "\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Transfer-Encoding: binary\r\n"
                + "Content-ID: <root.message@cxf.apache.org>\r\n\r\n" + enteSuap(CODICE, "altro") + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> r = call("multipart/related; type=\"text/xml\"; boundary=\"" + boundary
                + "\"; start=\"<root.message@cxf.apache.org>\"; start-info=\"text/xml\"", body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(scrivania.tipiCooperazione(CODICE)).containsExactly("altro");
    }

    @Test
    void contentNotValidAgainstTheXsdIsAClientFault() throws Exception {
        String invalid = enteSuap(CODICE, "rilascio-provvedimento")
                .replace("numero-registrazione=\"0004321\"", "numero-registrazione=\"4321\"");
        HttpResponse<String> r = call(invalid);
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/xml"));
        assertThat(faultcode(r)).isEqualTo("soap:Client");
        assertThat(faultstring(r)).contains("SUAP-ente-1.1.1.xsd").contains("4321");

        String missingElement = enteSuap(CODICE, "altro").replaceAll("<ente-mittente[^>]*>[^<]*</ente-mittente>", "");
        HttpResponse<String> r2 = call(missingElement);
        assertThat(r2.statusCode()).isEqualTo(500);
        assertThat(faultstring(r2)).contains("suap-competente");

        // a qualified wrapper child is not the contract (CooperazioneEnteSUAP is unqualified)
        String qualified = enteSuap(CODICE, "altro").replace("<CooperazioneEnteSUAP>", "<ns:CooperazioneEnteSUAP>")
                .replace("</CooperazioneEnteSUAP>", "</ns:CooperazioneEnteSUAP>");
        assertThat(faultstring(call(qualified))).contains("CooperazioneEnteSUAP");

        assertThat(scrivania.received()).isEmpty();
        assertThat(scrivania.invalidCalls()).isEqualTo(3);
        assertThat(scrivania.calls()).isEqualTo(3);
    }

    @Test
    void hostileOrForeignMessagesAreFaults() throws Exception {
        Path secret = Files.createTempFile("scrivania-secret", ".txt");
        Files.writeString(secret, "TOP-SECRET-CONTENT");
        try {
            String xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"" + secret.toUri() + "\">]>"
                    + enteSuap("&e;", "altro").replaceFirst("<\\?xml[^>]*\\?>", "");
            HttpResponse<String> r = call(xxe);
            assertThat(r.statusCode()).isEqualTo(500);
            assertThat(faultcode(r)).isEqualTo("soap:Client");
            assertThat(r.body()).doesNotContain("TOP-SECRET-CONTENT").containsIgnoringCase("DOCTYPE");
        } finally {
            Files.deleteIfExists(secret);
        }
        assertThat(faultcode(call("<soap:Envelope xmlns:soap=\"" + SoapSupport.SOAP11_NS + "\"><soap:Body>"))).isEqualTo("soap:Client");
        String wrongOp = enteSuap(CODICE, "altro").replace("ns:inviaEnteSUAP", "ns:inviaSUAPEnte");
        assertThat(faultstring(call(wrongOp))).contains("inviaEnteSUAP");
        String soap12 = enteSuap(CODICE, "altro").replace(SoapSupport.SOAP11_NS, SoapSupport.SOAP12_NS);
        HttpResponse<String> v = call("application/soap+xml; charset=UTF-8", soap12.getBytes(StandardCharsets.UTF_8));
        assertThat(v.statusCode()).isEqualTo(500);
        assertThat(faultcode(v)).isEqualTo("soap:VersionMismatch");
        assertThat(call("text/xml", new byte[0]).statusCode()).isEqualTo(500);
        assertThat(scrivania.invalidCalls()).isEqualTo(5);
        assertThat(scrivania.received()).isEmpty();
    }

    @Test
    void unavailableAnswers503WithoutBody() throws Exception {
        scrivania.setAvailable(false);
        HttpResponse<String> down = call(enteSuap(CODICE, "altro"));
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).isEmpty();
        assertThat(scrivania.received()).isEmpty();
        scrivania.setAvailable(true);
        assertThat(call(enteSuap(CODICE, "altro")).statusCode()).isEqualTo(200);
        assertThat(scrivania.calls()).isEqualTo(2);
        assertThat(scrivania.refusedCalls()).isEqualTo(1);
        assertThat(scrivania.received()).hasSize(1);
    }

    @Test
    void servesItsWsdlWithItsOwnAddress() throws Exception {
        HttpResponse<String> r = TestSupport.get(scrivania.address() + "?wsdl");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("inviaEnteSUAP").contains("location=\"" + scrivania.address() + "\"");
        assertThat(TestSupport.get(scrivania.baseUrl() + "/services/Other").statusCode()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ client side

    @Test
    void postsACaseWithAttachmentsAsSoapWithAttachments() throws Exception {
        Path caseDir = resource("case-01");
        ScrivaniaSimulator.Result result = scrivania.post(caseDir);
        assertThat(result.httpStatus()).isEqualTo(200);
        assertThat(result.returnValue()).isEqualTo("PRATICA-1");
        assertThat(result.faultString()).isNull();
        assertThat(result.ok()).isTrue();
        assertThat(result.rawBody()).contains("--uuid:0f1e2d3c"); // the raw MIME answer, root part parsed

        assertThat(captured).hasSize(1);
        Captured c = captured.get(0);
        assertThat(c.path()).isEqualTo("/services/PddServiceEnte");
        assertThat(c.soapAction()).isEqualTo("\"inviaSUAPEnte\"");
        ContentType ct = new ContentType(c.contentType());
        assertThat(ct.getBaseType()).isEqualTo("multipart/related");
        assertThat(ct.getParameter("type")).isEqualTo("text/xml");
        assertThat(ct.getParameter("start")).isEqualTo("<rootpart@suapgw>");
        assertThat(ct.getParameter("boundary")).isNotBlank();

        MimeMultipart mp = new MimeMultipart(new ByteArrayDataSource(c.body(), c.contentType()));
        assertThat(mp.getCount()).isEqualTo(4);
        BodyPart root = mp.getBodyPart(0);
        assertThat(root.getContentType()).isEqualTo("text/xml; charset=UTF-8");
        assertThat(root.getHeader("Content-ID")).containsExactly("<rootpart@suapgw>");
        assertThat(root.getInputStream().readAllBytes()).isEqualTo(Files.readAllBytes(caseDir.resolve("envelope.xml")));

        Map<String, String> types = new LinkedHashMap<>();
        for (int i = 1; i < mp.getCount(); i++) {
            BodyPart p = mp.getBodyPart(i);
            String id = p.getHeader("Content-ID")[0];
            String file = id.substring(1, id.length() - 1);
            types.put(file, p.getContentType());
            assertThat(p.getHeader("Content-Transfer-Encoding")).containsExactly("binary");
            assertThat(p.getInputStream().readAllBytes()).as(file).isEqualTo(Files.readAllBytes(caseDir.resolve("attachments").resolve(file)));
        }
        assertThat(types).containsExactly(
                Map.entry("10000000156-20112026-1030.001.pdf.p7m", "application/pkcs7-mime"),
                Map.entry("10000000156-20112026-1030.SUAP.zip", "application/zip"),
                Map.entry("planimetria.pdf", "application/pdf"));
    }

    @Test
    void postsAPlainEnvelopeAsTextXmlAndReadsFaults() throws Exception {
        String envelope = Files.readString(resource("invia-suap-ente.xml"));
        ScrivaniaSimulator.Result ok = scrivania.postEnvelope(envelope, Map.of());
        assertThat(ok.ok()).isTrue();
        assertThat(captured.get(0).contentType()).isEqualTo("text/xml; charset=UTF-8");
        assertThat(new String(captured.get(0).body(), StandardCharsets.UTF_8)).isEqualTo(envelope);

        // a case folder without attachments/ is posted as text/xml too, byte for byte
        Path noAttachments = resource("case-02");
        assertThat(scrivania.post(noAttachments).ok()).isTrue();
        assertThat(captured.get(1).contentType()).isEqualTo("text/xml; charset=UTF-8");
        assertThat(captured.get(1).body()).isEqualTo(Files.readAllBytes(noAttachments.resolve("envelope.xml")));

        gatewayFault = "pacchetto SUAP non valido";
        ScrivaniaSimulator.Result fault = scrivania.postEnvelope(envelope, Map.of("a.xml", "<a/>".getBytes(StandardCharsets.UTF_8)));
        assertThat(fault.httpStatus()).isEqualTo(500);
        assertThat(fault.faultString()).isEqualTo("pacchetto SUAP non valido");
        assertThat(fault.returnValue()).isNull();
        assertThat(fault.ok()).isFalse();
        assertThat(ScrivaniaClient.contentTypeFor("foto.JPG")).isEqualTo("image/jpeg");
        assertThat(ScrivaniaClient.contentTypeFor("dati.xml")).isEqualTo("application/xml");
        assertThat(ScrivaniaClient.contentTypeFor("disegno.dwf")).isEqualTo("application/octet-stream");
    }

    @Test
    void casesAreRegisteredByTheirCodicePratica() throws Exception {
        Path dir = resource("case-01").getParent();
        assertThat(scrivania.registerCases(dir)).isEqualTo(2);
        assertThat(scrivania.registeredCases()).containsOnlyKeys(CODICE, "10000000156-21112026-0900");
        assertThat(ScrivaniaCase.loadAll(dir)).extracting(ScrivaniaCase::name, ScrivaniaCase::codicePratica, ScrivaniaCase::esitoFinale)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("case-01", CODICE, "ended_by_positive_outcome"),
                        org.assertj.core.groups.Tuple.tuple("case-02", "10000000156-21112026-0900", "ended_by_negative_outcome"));
        assertThat(ScrivaniaCase.loadAll(dir.resolve("missing"))).isEmpty();
    }

    @Test
    void richiestaIntegrazioneForARegisteredCasePostsItsIntegration() throws Exception {
        Path caseDir = resource("case-01");
        assertThat(scrivania.registerCase(caseDir)).isEqualTo(CODICE);
        gatewayFailuresLeft.set(1); // the first integration attempt meets a 503: it is retried

        HttpResponse<String> r = call(enteSuap(CODICE, "richiesta-integrazione"));
        assertThat(r.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> scrivania.integrations().size() == 1);
        ScrivaniaSimulator.IntegrationPost post = scrivania.integrations().get(0);
        assertThat(post.ok()).as(String.valueOf(post)).isTrue();
        assertThat(post.codicePratica()).isEqualTo(CODICE);
        assertThat(captured).hasSize(1);
        MimeMultipart mp = new MimeMultipart(new ByteArrayDataSource(captured.get(0).body(), captured.get(0).contentType()));
        assertThat(mp.getBodyPart(0).getInputStream().readAllBytes())
                .isEqualTo(Files.readAllBytes(caseDir.resolve("integration/envelope.xml")));
        assertThat(mp.getBodyPart(1).getHeader("Content-ID")).containsExactly("<integrazione.pdf>");

        // a richiesta-integrazione for an unknown pratica, or another tipo for a known one, posts nothing
        call(enteSuap("99999999999-01012026-0000", "richiesta-integrazione"));
        call(enteSuap(CODICE, "rilascio-provvedimento"));
        assertThat(scrivania.tipiCooperazione(CODICE)).containsExactly("richiesta-integrazione", "rilascio-provvedimento");
        assertThat(scrivania.integrations()).hasSize(1);
        assertThat(captured).hasSize(1);
    }
}
