package it.comune.milano.suapgw.simulators.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny stand-in for the gateway's SSU APIs for the enti terzi ({@code /ssu/et}) and the Registro Imprese
 * ({@code /ssu/ri}): serves documents (Basic credentials checked → 401, If-Match required → 428, not the hash → 412,
 * base64 body) and records the POSTs, answered as scripted ({@link #respond}) or 200.
 */
public final class FakeSsuGateway implements AutoCloseable {

    /** A request the fake gateway received. */
    public record Received(String method, String path, String authorization, String ifMatch, String body) {
        public JsonNode json() {
            return Json.parse(body);
        }
    }

    /** A scripted answer. */
    public record Answer(int status, String body) {
    }

    private final HttpServer server;
    /** prefix (/ssu/et, /ssu/ri) → expected Authorization header. */
    private final Map<String, String> credentials = new ConcurrentHashMap<>();
    /** path → bytes served. */
    private final Map<String, byte[]> documents = new ConcurrentHashMap<>();
    /** path → bytes served instead (the hash still being the declared one's). */
    private final Map<String, byte[]> tampered = new ConcurrentHashMap<>();
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    public FakeSsuGateway() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Requests under {@code prefix} must carry these Basic credentials (401 otherwise). */
    public FakeSsuGateway credentials(String prefix, String user, String password) {
        credentials.put(prefix, "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    /** Serves every document of the sample under {@code prefix}. */
    public FakeSsuGateway serve(String prefix, SampleInstances.Sample s) {
        s.documents().forEach((id, bytes) -> serve(prefix, s.cuiUuid(), id, bytes));
        return this;
    }

    public FakeSsuGateway serve(String prefix, String cuiUuid, String resourceId, byte[] bytes) {
        documents.put(prefix + "/instance/" + cuiUuid + "/document/" + resourceId, bytes);
        return this;
    }

    /** From now on this document is served with other bytes (the declared hash still matches If-Match). */
    public void tamper(String prefix, String cuiUuid, String resourceId) {
        String path = prefix + "/instance/" + cuiUuid + "/document/" + resourceId;
        byte[] b = documents.get(path).clone();
        b[0] ^= 0x01;
        tampered.put(path, b);
    }

    public void untamper(String prefix, String cuiUuid, String resourceId) {
        tampered.remove(prefix + "/instance/" + cuiUuid + "/document/" + resourceId);
    }

    /** The next POSTs to {@code path} are answered with these (status, body), then 200. */
    public FakeSsuGateway respond(String path, Answer... scripted) {
        answers.computeIfAbsent(path, k -> new ArrayDeque<>()).addAll(List.of(scripted));
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> posts(String path) {
        return received.stream().filter(r -> "POST".equals(r.method()) && path.equals(r.path())).toList();
    }

    public List<Received> documentGets(String prefix) {
        return received.stream().filter(r -> "GET".equals(r.method()) && r.path().startsWith(prefix + "/instance/")).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            String ifMatch = ex.getRequestHeaders().getFirst("If-Match");
            received.add(new Received(ex.getRequestMethod(), path, auth, ifMatch, body));
            String prefix = path.startsWith("/ssu/et/") ? "/ssu/et" : path.startsWith("/ssu/ri/") ? "/ssu/ri" : null;
            String expected = prefix == null ? null : credentials.get(prefix);
            if (expected != null && !expected.equals(auth)) {
                reply(ex, 401, "{\"code\":\"ERROR_401_001\",\"message\":\"PDND token not found\"}");
                return;
            }
            if ("GET".equals(ex.getRequestMethod())) {
                byte[] doc = documents.get(path);
                if (ifMatch == null || ifMatch.isBlank()) {
                    reply(ex, 428, "{\"code\":\"ERROR_428_001\",\"message\":\"hash not found\"}");
                } else if (doc == null) {
                    reply(ex, 404, "{\"code\":\"ERROR_404_001\",\"message\":\"resource not found\"}");
                } else if (!Json.sha256(doc).equalsIgnoreCase(ifMatch.trim())) {
                    reply(ex, 412, "{\"code\":\"ERROR_412_001\",\"message\":\"invalid hash\"}");
                } else {
                    byte[] b64 = Base64.getEncoder().encode(tampered.getOrDefault(path, doc));
                    ex.getResponseHeaders().set("Content-Type", "text/plain");
                    ex.sendResponseHeaders(200, b64.length);
                    ex.getResponseBody().write(b64);
                }
                return;
            }
            Deque<Answer> scripted = answers.get(path);
            Answer a = scripted == null ? null : scripted.poll();
            if (a == null) {
                ex.sendResponseHeaders(200, -1);
            } else {
                reply(ex, a.status(), a.body());
            }
        }
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            ex.getResponseBody().write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
