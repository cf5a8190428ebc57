package it.comune.milano.suapgw.simulators.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import it.comune.milano.suapgw.simulators.support.modi.ModiPeer;
import it.comune.milano.suapgw.simulators.support.modi.ModiServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Base of the REST simulators: a JDK {@link HttpServer} bound to 127.0.0.1 with JSON helpers.
 * Port 0 picks a free port; {@link #baseUrl()} reports the actual one after {@link #start()}.
 * <p>
 * With a {@link ModiServer} ({@link #setModiServer}) every request is first checked as docs/modi-pdnd.md says
 * (voucher and Agid-JWT-Signature: 401 with the {@code ERROR_401_00x} of the first failure, counted in
 * {@link #modiRefusals()}) and every response, errors included, is signed ({@code Digest}, {@code Agid-JWT-Signature}).
 */
public abstract class HttpSimulator {

    /** The signer of each exchange being answered (JDK 17's exchange attributes are shared by the whole context). */
    private static final Map<HttpExchange, ResponseSigner> SIGNERS = Collections.synchronizedMap(new IdentityHashMap<>());

    private record ResponseSigner(ModiServer server, String caller) {
    }

    private final Logger log = LoggerFactory.getLogger(getClass());
    private volatile ModiServer modiServer;
    private volatile ModiPeer modi;
    private final java.util.concurrent.atomic.AtomicInteger modiFailures = new java.util.concurrent.atomic.AtomicInteger();
    private final List<String> modiFailureDetails = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final int requestedPort;
    private final String name;
    private HttpServer server;
    private ExecutorService executor;
    private volatile int port;

    protected HttpSimulator(String name, int port) {
        this.name = name;
        this.requestedPort = port;
        this.port = port;
    }

    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", requestedPort), 64);
        } catch (IOException e) {
            throw new IllegalStateException(name + ": cannot bind 127.0.0.1:" + requestedPort, e);
        }
        AtomicInteger n = new AtomicInteger();
        executor = new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name + "-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
        port = server.getAddress().getPort();
        log.info("{} listening on {}", name, baseUrl());
    }

    public synchronized void stop() {
        if (server == null) {
            return;
        }
        server.stop(0);
        executor.shutdownNow();
        server = null;
        log.info("{} stopped", name);
    }

    /** {@code http://127.0.0.1:PORT} (the bound port once started). */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** ModI on the server side: null turns it off. */
    protected void setModiServer(ModiServer modiServer) {
        this.modiServer = modiServer;
    }

    /**
     * ModI on both sides (null: off): the client for this simulator's calls to the gateway (null for one that calls no
     * one, as the Catalogo), the server for the gateway's calls to it (docs/modi-pdnd.md).
     */
    public void setModi(ModiPeer modi) {
        this.modi = modi;
        setModiServer(modi == null ? null : modi.server());
    }

    public ModiPeer modi() {
        return modi;
    }

    /** Gateway responses whose ModI signature was missing or wrong (each such call counts as failed). */
    public int modiFailures() {
        return modiFailures.get();
    }

    /** Why each untrusted gateway response was not trusted, in order. */
    public List<String> modiFailureDetails() {
        return List.copyOf(modiFailureDetails);
    }

    /** Records a gateway response that was not trusted (GatewayClient's callback). */
    protected void untrusted(GatewayResponse r) {
        modiFailures.incrementAndGet();
        modiFailureDetails.add(r.request().method() + " " + r.uri().getPath() + " -> " + r.statusCode() + ": " + r.signatureError());
        log.warn("{}: gateway response to {} {} not trusted: {}", name, r.request().method(), r.uri().getPath(), r.signatureError());
    }

    /** The ModI verification of this simulator's requests (null: none). */
    public ModiServer modiServer() {
        return modiServer;
    }

    /** Requests refused by the ModI checks (0 without ModI). */
    public int modiRefusals() {
        ModiServer m = modiServer;
        return m == null ? 0 : m.refusals();
    }

    /** Requests refused by the ModI checks with this code ({@code ERROR_401_00x}). */
    public int modiRefusals(String code) {
        ModiServer m = modiServer;
        return m == null ? 0 : m.refusals(code);
    }

    private void dispatch(HttpExchange exchange) {
        try (exchange) {
            try {
                ModiServer modi = modiServer;
                if (modi != null) {
                    byte[] body = readBody(exchange);
                    ModiServer.Outcome outcome = modi.verify(exchange.getRequestHeaders(), body);
                    SIGNERS.put(exchange, new ResponseSigner(modi, outcome.clientId()));
                    if (!outcome.ok()) {
                        sendError(exchange, 401, outcome.code(), outcome.message());
                        return;
                    }
                    exchange.setStreams(new ByteArrayInputStream(body), null);
                }
                handle(exchange, segments(exchange));
            } catch (IllegalArgumentException e) {
                sendError(exchange, 400, "ERROR_400_001", e.getMessage());
            } catch (Exception | LinkageError e) {
                // a broken simulator must answer, not drop the connection: the caller would only see an EOF
                log.warn("{}: {} {} failed", name, exchange.getRequestMethod(), exchange.getRequestURI(), e);
                sendError(exchange, 500, "ERROR_500_001", String.valueOf(e.getMessage()));
            }
        } catch (IOException e) {
            log.debug("{}: cannot answer {}", name, exchange.getRequestURI(), e);
        } finally {
            SIGNERS.remove(exchange);
        }
    }

    /** Handles one request; {@code path} is the decoded list of non-empty path segments. */
    protected abstract void handle(HttpExchange exchange, List<String> path) throws IOException;

    private static List<String> segments(HttpExchange exchange) {
        List<String> out = new ArrayList<>();
        for (String s : exchange.getRequestURI().getRawPath().split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    protected static byte[] readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    /** Parses the body as a JSON object; {@link IllegalArgumentException} (→ 400) otherwise. */
    protected static JsonNode readJsonObject(HttpExchange exchange) throws IOException {
        byte[] body = readBody(exchange);
        if (body.length == 0) {
            throw new IllegalArgumentException("empty body");
        }
        JsonNode node = Json.parse(body);
        if (!node.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object");
        }
        return node;
    }

    protected static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        ResponseSigner signer = SIGNERS.get(exchange);
        if (signer != null) {
            signer.server().signResponse(exchange.getResponseHeaders(), body, signer.caller());
        }
        if (body == null || body.length == 0) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            // in pieces: one write of a whole large body makes NIO copy it into a direct buffer of the same size
            for (int off = 0; off < body.length; off += 1 << 16) {
                out.write(body, off, Math.min(1 << 16, body.length - off));
            }
        }
    }

    protected static void sendJson(HttpExchange exchange, int status, Object body) throws IOException {
        send(exchange, status, "application/json", Json.bytes(body));
    }

    protected static void sendEmpty(HttpExchange exchange, int status) throws IOException {
        send(exchange, status, null, null);
    }

    /** SSU {@code Error} body: {@code {"code":..., "message":...}}. */
    protected static void sendError(HttpExchange exchange, int status, String code, String message) throws IOException {
        sendJson(exchange, status, Json.object().put("code", code).put("message", message == null ? "" : message));
    }

    protected static boolean isCuiValid(JsonNode cui) {
        return cui != null && cui.isObject()
                && nonEmpty(cui, "context") && nonEmpty(cui, "data") && nonEmpty(cui, "progressivo") && nonEmpty(cui, "uuid");
    }

    protected static boolean nonEmpty(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isValueNode() && !v.asText().isEmpty();
    }
}
