package it.comune.milano.suapgw.gateway.security.modi;

import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.security.BodyStreams;
import it.comune.milano.suapgw.gateway.security.TrustedHeaders;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;
import org.springframework.web.util.WebUtils;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Every SSU e-service we provide (bo_to_fo under /ssu/fo, bo_to_et under /ssu/et, bo_to_ri under /ssu/ri) sits behind
 * this filter: the PDND voucher and the Agid-JWT-Signature are checked before anything else (the body read bounded),
 * a failure answered with its ERROR_401_00x; the caller's client_id — the only identity the routes know — travels in
 * {@link #CALLER}, which nobody outside can set; every response, errors included, is signed.
 */
public class ModiInboundFilter extends OncePerRequestFilter {
    /** the authenticated caller's client_id, set only here */
    public static final String CALLER = TrustedHeaders.SSU_CLIENT;
    private static final Logger log = LoggerFactory.getLogger(ModiInboundFilter.class);

    private final ModiService modi;
    private final ModiProperties props;
    private final GatewayProperties gateway;
    private final SsuMapper ssu;

    public ModiInboundFilter(ModiService modi, ModiProperties props, GatewayProperties gateway, SsuMapper ssu) {
        this.modi = modi;
        this.props = props;
        this.gateway = gateway;
        this.ssu = ssu;
    }

    private record Eservice(String name, String audience, Set<String> callers) {
    }

    private Eservice eservice(String path) {
        if (path.startsWith("/ssu/fo/")) {
            return new Eservice("bo_to_fo", props.audiences().get("bo_to_fo"), props.frontofficeClient() == null ? Set.of()
                    : Set.of(props.frontofficeClient()));
        }
        if (path.startsWith("/ssu/et/")) {
            return new Eservice("bo_to_et", props.audiences().get("bo_to_et"), gateway.enti().stream()
                    .filter(e -> e.bySsu() && e.ssu() != null && e.ssu().client() != null).map(e -> e.ssu().client())
                    .collect(Collectors.toSet()));
        }
        if (path.startsWith("/ssu/ri/")) {
            var ri = gateway.ssu() == null ? null : gateway.ssu().registroImprese();
            return new Eservice("bo_to_ri", props.audiences().get("bo_to_ri"), ri == null || ri.client() == null ? Set.of()
                    : Set.of(ri.client()));
        }
        return null;
    }

    /** The routes answer asynchronously (platform-http): the response is signed when the async dispatch ends. */
    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Eservice es = eservice(request.getRequestURI().substring(request.getContextPath().length()));
        if (es == null || es.audience() == null) {
            chain.doFilter(new Authenticated(request, new byte[0], null, false), response);
            return;
        }
        if (isAsyncDispatch(request)) {
            // the second pass of an async request: already authenticated, its body already given
            chain.doFilter(request, response);
            signWhenComplete(request, response);
            return;
        }
        byte[] body = read(request.getInputStream(), props.maxBodyBytes());
        if (body == null) {
            refuse(response, es, SsuErrorCode.ERROR_400_001, "request body exceeds " + props.maxBodyBytes() + " bytes");
            return;
        }
        String client;
        try {
            client = modi.verifyVoucher(request.getHeader("Authorization"), es.audience(), es.callers());
            modi.verifyRequestSignature(request.getHeader("Agid-JWT-Signature"), es.audience(), client, body,
                    request.getContentType(), request.getHeader("Digest"));
        } catch (ModiException e) {
            log.warn("{} {} refused: {} ({})", es.name(), request.getRequestURI(), e.code(), e.getMessage());
            refuse(response, es, e.code(), e.getMessage());
            return;
        } catch (org.springframework.dao.DataAccessException | org.springframework.transaction.TransactionException e) {
            // the jti store (our database) is unreachable for now: the caller retries (§8.5.4), nothing was taken
            log.warn("{} {} refused for now: {}", es.name(), request.getRequestURI(), e.toString());
            response.setHeader("Retry-After", "5");
            refuse(response, es, SsuErrorCode.ERROR_503_001, "the service cannot take the request now");
            return;
        }
        Authenticated authenticated = new Authenticated(request, body, client, true);
        chain.doFilter(authenticated, new SignedResponse(response, client, modi));
        signWhenComplete(authenticated, response);
    }

    private void signWhenComplete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (isAsyncStarted(request)) return;
        SignedResponse out = WebUtils.getNativeResponse(response, SignedResponse.class);
        if (out == null || out.streamed) return;
        byte[] body = out.getContentAsByteArray();
        String digest = ModiService.digest(body);
        if (digest != null) out.setHeader("Digest", digest);
        out.setHeader("Agid-JWT-Signature", modi.sign(out.client, digest, out.getContentType()));
        out.copyBodyToResponse();
    }

    /**
     * The response held until signed, with the caller it answers. A route that knows its body's digest before writing
     * it (a stored document) sets {@code Digest} itself: the response is then signed over it up front and streamed,
     * never held.
     */
    static final class SignedResponse extends ContentCachingResponseWrapper {
        final String client;
        private final ModiService modi;
        private String announcedDigest;
        boolean streamed;

        SignedResponse(HttpServletResponse response, String client, ModiService modi) {
            super(response);
            this.client = client;
            this.modi = modi;
        }

        @Override
        public void setHeader(String name, String value) {
            if ("Digest".equalsIgnoreCase(name) && getContentSize() == 0 && !streamed) announcedDigest = value;
            super.setHeader(name, value);
        }

        @Override
        public void addHeader(String name, String value) {
            if ("Digest".equalsIgnoreCase(name) && getContentSize() == 0 && !streamed) announcedDigest = value;
            super.addHeader(name, value);
        }

        @Override
        public jakarta.servlet.ServletOutputStream getOutputStream() throws IOException {
            if (announcedDigest == null) return super.getOutputStream();
            if (!streamed) {
                streamed = true;
                HttpServletResponse raw = (HttpServletResponse) getResponse();
                raw.setHeader("Agid-JWT-Signature", modi.sign(client, announcedDigest, raw.getContentType()));
            }
            return getResponse().getOutputStream();
        }

        @Override
        public void flushBuffer() throws IOException {
            if (streamed) getResponse().flushBuffer();
            else super.flushBuffer();
        }
    }

    /** The SSU error, signed like any response. */
    private void refuse(HttpServletResponse response, Eservice es, SsuErrorCode code, String detail) throws IOException {
        byte[] body = ssu.error(code, detail).toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(code.httpStatus());
        response.setContentType("application/json");
        String digest = ModiService.digest(body);
        response.setHeader("Digest", digest);
        response.setHeader("Agid-JWT-Signature", modi.sign(es.audience(), digest, "application/json"));
        response.getOutputStream().write(body);
    }

    /** The body, or null when it is larger than allowed (read no further than that). */
    static byte[] read(InputStream in, long max) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        long total = 0;
        for (int n; (n = in.read(chunk)) > 0; ) {
            total += n;
            if (total > max) return null;
            buf.write(chunk, 0, n);
        }
        return buf.toByteArray();
    }

    /** The request as the routes see it: its body read once, and the caller only as authenticated here. */
    static final class Authenticated extends TrustedHeaders.Request {
        private final byte[] body;
        private final boolean replaceBody;

        Authenticated(HttpServletRequest request, byte[] body, String caller, boolean replaceBody) {
            super(request, caller == null ? Map.of() : Map.of(CALLER, caller));
            this.body = body;
            this.replaceBody = replaceBody;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            return replaceBody ? BodyStreams.servletStream(new ByteArrayInputStream(body)) : super.getInputStream();
        }

        @Override
        public java.io.BufferedReader getReader() throws IOException {
            return replaceBody ? BodyStreams.reader(this, new ByteArrayInputStream(body)) : super.getReader();
        }

        @Override
        public int getContentLength() {
            return replaceBody ? body.length : super.getContentLength();
        }

        @Override
        public long getContentLengthLong() {
            return replaceBody ? body.length : super.getContentLengthLong();
        }
    }
}
