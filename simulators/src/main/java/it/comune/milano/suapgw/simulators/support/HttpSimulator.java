package it.comune.milano.suapgw.simulators.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Base of the REST simulators: a JDK {@link HttpServer} bound to 127.0.0.1 with JSON helpers.
 * Port 0 picks a free port; {@link #baseUrl()} reports the actual one after {@link #start()}.
 */
public abstract class HttpSimulator {

    private final Logger log = LoggerFactory.getLogger(getClass());
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

    private void dispatch(HttpExchange exchange) {
        try (exchange) {
            try {
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
        if (body == null || body.length == 0) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
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
