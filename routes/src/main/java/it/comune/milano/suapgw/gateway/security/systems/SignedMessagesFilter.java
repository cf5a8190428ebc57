package it.comune.milano.suapgw.gateway.security.systems;

import com.nimbusds.jose.jwk.RSAKey;
import it.comune.milano.suapgw.gateway.security.BodyStreams;
import it.comune.milano.suapgw.gateway.security.modi.ModiException;
import it.comune.milano.suapgw.gateway.security.modi.ModiKeys;
import it.comune.milano.suapgw.gateway.security.modi.ModiService;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SOAP endpoints (/services/*: the scrivania's PddServiceEnte, the Geowork callback) and the GEOPOST push
 * (/geopost/*) take only messages signed by the system that owns the path: the body is streamed to a temporary file
 * while its SHA-256 is computed (never more than the system's limit, never held in memory), then the signature is
 * checked (ModiService.verifySystemSignature) and only then the route sees the message. A POST to a path no system
 * owns is refused: nothing is open by default. The WSDLs (GET) stay readable.
 */
public class SignedMessagesFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(SignedMessagesFilter.class);

    private final ModiService modi;
    private final Map<String, System> systems = new LinkedHashMap<>();

    private record System(String name, SystemsProperties.Signer config, Map<String, RSAKey> keys) {
    }

    public SignedMessagesFilter(ModiService modi, SystemsProperties props) {
        this.modi = modi;
        props.signers().forEach((name, s) -> {
            Map<String, RSAKey> keys = new LinkedHashMap<>();
            if (s.keys() != null) s.keys().forEach((kid, file) -> {
                if (file != null && !file.isBlank()) keys.put(kid, readPublicKey(Path.of(file), kid));
            });
            systems.put(name, new System(name, s, keys));
        });
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!"POST".equals(request.getMethod())) {
            if ("GET".equals(request.getMethod()) && request.getQueryString() != null && request.getQueryString().toLowerCase().startsWith("wsdl")) {
                chain.doFilter(request, response);
            } else {
                refuse(request, response, 405, "only POST");
            }
            return;
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        System owner = owner(path);
        if (owner == null) {
            refuse(request, response, 401, "no system may call " + path);
            return;
        }
        Path spool = Files.createTempFile("suapgw-signed-", ".body");
        boolean handedOver = false;
        try {
            String digest = spool(request.getInputStream(), spool, owner.config().maxBodyBytes());
            if (digest == null) {
                refuse(request, response, 413, "message larger than " + owner.config().maxBodyBytes() + " bytes");
                return;
            }
            try {
                modi.verifySystemSignature(request.getHeader("Agid-JWT-Signature"), owner.name(), owner.keys(), digest,
                        request.getContentType(), request.getHeader("Digest"));
            } catch (ModiException e) {
                log.warn("{} {} refused: not signed by {} ({}: {})", request.getMethod(), path, owner.name(), e.code(), e.getMessage());
                refuse(request, response, 401, e.code() + ": " + e.getMessage());
                return;
            }
            Spooled body = new Spooled(request, spool);
            chain.doFilter(body, response);
            if (request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new Cleanup(spool));
                handedOver = true;
            }
        } finally {
            if (!handedOver) Files.deleteIfExists(spool);
        }
    }

    private System owner(String path) {
        for (System s : systems.values()) {
            if (s.config().paths() == null) continue;
            for (String p : s.config().paths()) if (path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/")) return s;
        }
        return null;
    }

    /** The body into {@code file}, its digest ({@code SHA-256=base64}); null once it exceeds {@code max}. */
    static String spool(InputStream in, Path file, long max) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long total = 0;
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), sha)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
                if (total > max) return null;
                out.write(buf, 0, n);
            }
        }
        return total == 0 ? null : "SHA-256=" + Base64.getEncoder().encodeToString(sha.digest());
    }

    /** SOAP paths get a SOAP 1.1 Client fault, the others a problem detail. */
    private static void refuse(HttpServletRequest request, HttpServletResponse response, int status, String reason) throws IOException {
        response.setStatus(status);
        String body;
        if (request.getRequestURI().contains("/services/")) {
            response.setContentType("text/xml; charset=UTF-8");
            body = "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><soap:Fault>"
                    + "<faultcode>soap:Client</faultcode><faultstring>" + xml(reason) + "</faultstring></soap:Fault></soap:Body></soap:Envelope>";
        } else {
            response.setContentType("application/problem+json");
            org.springframework.http.HttpStatus hs = org.springframework.http.HttpStatus.resolve(status);
            body = "{\"type\":\"about:blank\",\"title\":\"" + (hs == null ? "Error" : hs.getReasonPhrase()) + "\",\"status\":" + status
                    + ",\"detail\":\""
                    + reason.replace("\\", "\\\\").replace("\"", "'") + "\"}";
        }
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static RSAKey readPublicKey(Path pem, String kid) {
        try {
            return ModiKeys.publicKey(Files.readString(pem), kid);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the public key " + pem + ": " + e.getMessage(), e);
        }
    }

    /** The request with its body from the spooled file. */
    static final class Spooled extends HttpServletRequestWrapper {
        private final Path file;

        Spooled(HttpServletRequest request, Path file) {
            super(request);
            this.file = file;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            return BodyStreams.servletStream(new BufferedInputStream(Files.newInputStream(file)));
        }

        @Override
        public BufferedReader getReader() throws IOException {
            return BodyStreams.reader(this, new BufferedInputStream(Files.newInputStream(file)));
        }

        @Override
        public int getContentLength() {
            long n = getContentLengthLong();
            return n > Integer.MAX_VALUE ? -1 : (int) n;
        }

        @Override
        public long getContentLengthLong() {
            try {
                return Files.size(file);
            } catch (IOException e) {
                return -1;
            }
        }
    }

    private record Cleanup(Path file) implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) throws IOException {
            Files.deleteIfExists(file);
        }

        @Override
        public void onTimeout(AsyncEvent event) throws IOException {
            Files.deleteIfExists(file);
        }

        @Override
        public void onError(AsyncEvent event) throws IOException {
            Files.deleteIfExists(file);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
