package it.comune.milano.suapgw.simulators.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.support.modi.ModiDemo;
import it.comune.milano.suapgw.simulators.support.modi.ModiServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny stand-in for the gateway's SSU APIs with ModI, built with {@link ModiServer}: {@code /ssu/fo} (bo_to_fo),
 * {@code /ssu/et} (bo_to_et), {@code /ssu/ri} (bo_to_ri), provider {@code suapgw-milano}. Every request is checked
 * (401 with the code otherwise) and recorded with its caller; documents are served with If-Match (428/404/412, base64);
 * POSTs are answered 200. Every response is signed — by the gateway, or by {@link #signWith another provider}, or not
 * at all ({@link #unsigned}).
 */
public final class ModiSsuGateway implements AutoCloseable {

    /** A request received: its caller (null when refused) and the ModI code it got (null when accepted). */
    public record Received(String method, String path, String caller, String code, String body) {
        public JsonNode json() {
            return Json.parse(body);
        }
    }

    private final HttpServer server;
    private final Map<String, ModiServer> apis = new ConcurrentHashMap<>();
    private final Map<String, byte[]> documents = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile ModiServer signer;
    private volatile ModiServer postSigner;
    private volatile boolean unsigned;

    public ModiSsuGateway(ModiDemo demo) throws IOException {
        apis.put("/ssu/fo", demo.server(ModiDemo.GATEWAY, ModiDemo.BO_TO_FO));
        apis.put("/ssu/et", demo.server(ModiDemo.GATEWAY, ModiDemo.BO_TO_ET));
        apis.put("/ssu/ri", demo.server(ModiDemo.GATEWAY, ModiDemo.BO_TO_RI));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The checks of an API ({@code /ssu/fo}, {@code /ssu/et}, {@code /ssu/ri}). */
    public ModiServer api(String prefix) {
        return apis.get(prefix);
    }

    /** From now on the responses are signed by this provider instead (null: the gateway again). */
    public void signWith(ModiServer other) {
        this.signer = other;
    }

    /** From now on the responses to the POSTs (not the documents) are signed by this provider instead (null: as the others). */
    public void signPostsWith(ModiServer other) {
        this.postSigner = other;
    }

    /** From now on the responses carry no Digest nor Agid-JWT-Signature. */
    public void unsigned(boolean unsigned) {
        this.unsigned = unsigned;
    }

    public ModiSsuGateway serve(String prefix, SampleInstances.Sample s) {
        s.documents().forEach((id, bytes) -> serve(prefix, s.cuiUuid(), id, bytes));
        return this;
    }

    public ModiSsuGateway serve(String prefix, String cuiUuid, String resourceId, byte[] bytes) {
        documents.put(prefix + "/instance/" + cuiUuid + "/document/" + resourceId, bytes);
        return this;
    }

    public List<Received> received() {
        return List.copyOf(received);
    }

    /** Accepted POSTs to {@code path}. */
    public List<Received> posts(String path) {
        return received.stream().filter(r -> "POST".equals(r.method()) && path.equals(r.path()) && r.code() == null).toList();
    }

    /** Accepted document GETs under {@code prefix}. */
    public List<Received> documentGets(String prefix) {
        return received.stream().filter(r -> "GET".equals(r.method()) && r.path().startsWith(prefix + "/instance/") && r.code() == null).toList();
    }

    /** The codes of the refused requests, in order. */
    public List<String> refusals() {
        return received.stream().filter(r -> r.code() != null).map(Received::code).toList();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            String prefix = path.length() >= 7 ? path.substring(0, 7) : path;
            ModiServer api = apis.get(prefix);
            if (api == null) {
                reply(ex, null, null, 404, "{\"code\":\"ERROR_404_001\",\"message\":\"no such API\"}");
                return;
            }
            ModiServer.Outcome o = api.verify(ex.getRequestHeaders(), body);
            ModiServer signs = signer != null ? signer : api;
            received.add(new Received(ex.getRequestMethod(), path, o.clientId(), o.code(), new String(body, StandardCharsets.UTF_8)));
            if (!o.ok()) {
                reply(ex, signs, o.clientId(), 401, Json.write(Json.object().put("code", o.code()).put("message", o.message())));
                return;
            }
            if ("GET".equals(ex.getRequestMethod())) {
                byte[] doc = documents.get(path);
                String ifMatch = ex.getRequestHeaders().getFirst("If-Match");
                if (ifMatch == null || ifMatch.isBlank()) {
                    reply(ex, signs, o.clientId(), 428, "{\"code\":\"ERROR_428_001\",\"message\":\"hash not found\"}");
                } else if (doc == null) {
                    reply(ex, signs, o.clientId(), 404, "{\"code\":\"ERROR_404_001\",\"message\":\"resource not found\"}");
                } else if (!Json.sha256(doc).equalsIgnoreCase(ifMatch.trim())) {
                    reply(ex, signs, o.clientId(), 412, "{\"code\":\"ERROR_412_001\",\"message\":\"invalid hash\"}");
                } else {
                    send(ex, signs, o.clientId(), 200, "text/plain", Base64.getEncoder().encode(doc));
                }
                return;
            }
            ModiServer p = postSigner;
            send(ex, p != null ? p : signs, o.clientId(), 200, null, new byte[0]);
        }
    }

    private void reply(HttpExchange ex, ModiServer signer, String caller, int status, String json) throws IOException {
        send(ex, signer, caller, status, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    private void send(HttpExchange ex, ModiServer signer, String caller, int status, String contentType, byte[] body) throws IOException {
        if (contentType != null) {
            ex.getResponseHeaders().set("Content-Type", contentType);
        }
        if (signer != null && !unsigned) {
            signer.signResponse(ex.getResponseHeaders(), body, caller);
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
