package it.comune.milano.suapgw.simulators.scrivania;

import it.comune.milano.suapgw.simulators.ssu.FrontOfficeSimulator;
import org.w3c.dom.Document;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Client side of the scrivania: calls the gateway's {@code PddServiceEnte.inviaSUAPEnte} with nothing but
 * {@code java.net.http}, building SOAP with Attachments (multipart/related) by hand so that the exact bytes on the
 * wire are under the test's control (hostile cases included) and no SOAP stack normalises them.
 */
final class ScrivaniaClient {

    static final String PATH = "/services/PddServiceEnte";
    static final String SOAP_ACTION = "inviaSUAPEnte";
    static final String ROOT_CONTENT_ID = "<rootpart@suapgw>";

    private final String endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** signs each message as the scrivania (null: sent unsigned) */
    private volatile it.comune.milano.suapgw.simulators.support.SystemSigner signer;

    ScrivaniaClient(String gatewayUrl) {
        this.endpoint = FrontOfficeSimulator.stripSlash(gatewayUrl) + PATH;
    }

    String endpoint() {
        return endpoint;
    }

    void setSigner(it.comune.milano.suapgw.simulators.support.SystemSigner signer) {
        this.signer = signer;
    }

    /** Posts {@code caseDir/envelope.xml} with the files of {@code caseDir/attachments/} (sorted by name) if any. */
    ScrivaniaSimulator.Result post(Path caseDir) {
        Path envelope = caseDir.resolve("envelope.xml");
        try {
            byte[] xml = Files.readAllBytes(envelope);
            return postBytes(xml, attachments(caseDir.resolve("attachments")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read case " + caseDir + ": " + e, e);
        }
    }

    /** File name → bytes of the regular files of {@code dir}, sorted by name; empty if the folder does not exist. */
    static Map<String, byte[]> attachments(Path dir) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            out.put(f.getFileName().toString(), Files.readAllBytes(f));
        }
        return out;
    }

    ScrivaniaSimulator.Result postEnvelope(String envelopeXml, Map<String, byte[]> attachments) {
        return postBytes(envelopeXml.getBytes(StandardCharsets.UTF_8), attachments);
    }

    ScrivaniaSimulator.Result postBytes(byte[] envelope, Map<String, byte[]> attachments) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint))
                .timeout(Duration.ofSeconds(60))
                .header("SOAPAction", "\"" + SOAP_ACTION + "\"")
                .header("Accept", "text/xml, multipart/related");
        String contentType;
        byte[] body;
        if (attachments == null || attachments.isEmpty()) {
            contentType = "text/xml; charset=UTF-8";
            body = envelope;
        } else {
            String boundary = "suapgw-" + UUID.randomUUID();
            contentType = multipartContentType(boundary);
            body = multipart(envelope, attachments, boundary);
        }
        b.header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        var s = signer;
        if (s != null) {
            s.headers(body, contentType).forEach(b::header);
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return result(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("POST " + endpoint + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String multipartContentType(String boundary) {
        return "multipart/related; type=\"text/xml\"; start=\"" + ROOT_CONTENT_ID + "\"; boundary=\"" + boundary + "\"";
    }

    /**
     * SwA body: root part (the envelope, text/xml UTF-8, Content-ID {@value #ROOT_CONTENT_ID}), then one binary part
     * per attachment with {@code Content-ID: <file name>} and a Content-Type from the extension. CRLF line ends.
     */
    static byte[] multipart(byte[] envelope, Map<String, byte[]> attachments, String boundary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(envelope.length + 1024);
        ascii(out, "--" + boundary + "\r\n"
                + "Content-Type: text/xml; charset=UTF-8\r\n"
                + "Content-Transfer-Encoding: binary\r\n"
                + "Content-ID: " + ROOT_CONTENT_ID + "\r\n\r\n");
        out.writeBytes(envelope);
        for (Map.Entry<String, byte[]> a : attachments.entrySet()) {
            ascii(out, "\r\n--" + boundary + "\r\n"
                    + "Content-Type: " + contentTypeFor(a.getKey()) + "\r\n"
                    + "Content-Transfer-Encoding: binary\r\n"
                    + "Content-ID: <" + a.getKey() + ">\r\n\r\n");
            out.writeBytes(a.getValue());
        }
        ascii(out, "\r\n--" + boundary + "--\r\n");
        return out.toByteArray();
    }

    private static void ascii(ByteArrayOutputStream out, String s) {
        // header lines are ASCII; a non-ASCII file name is sent as UTF-8 bytes (what a lax sender would do)
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** MIME type of an attachment from its file name (a {@code .p7m} envelope wins over the inner extension). */
    static String contentTypeFor(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".zip")) {
            return "application/zip";
        } else if (n.endsWith(".p7m")) {
            return "application/pkcs7-mime";
        } else if (n.endsWith(".pdf")) {
            return "application/pdf";
        } else if (n.endsWith(".xml")) {
            return "application/xml";
        } else if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        return "application/octet-stream";
    }

    /** Reads status, {@code return} and {@code faultstring} from a response (root part when multipart). */
    static ScrivaniaSimulator.Result result(int status, String contentType, byte[] body) {
        String raw = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        if (body == null || body.length == 0) {
            return new ScrivaniaSimulator.Result(status, raw, null, null);
        }
        try {
            byte[] xml = SoapSupport.isMultipart(contentType) ? SoapSupport.rootPart(body, contentType) : body;
            Document doc = SoapSupport.parse(xml);
            return new ScrivaniaSimulator.Result(status, raw, SoapSupport.text(SoapSupport.descendant(doc, "return")),
                    SoapSupport.text(SoapSupport.descendant(doc, "faultstring")));
        } catch (IllegalArgumentException notSoap) {
            return new ScrivaniaSimulator.Result(status, raw, null, null);
        }
    }
}
