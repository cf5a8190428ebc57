package it.comune.milano.suapgw.gateway.security.modi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys the PDND knows: its own (to verify vouchers, from its JWKS) and the clients' (to verify an
 * Agid-JWT-Signature, by kid — INTEGRITY_REST_02). Cached; an unknown kid is looked up again, at most once a minute, so
 * a new or rotated key is found without a restart.
 */
public class PdndKeys {
    /** A client's registered key. */
    public record ClientKey(String clientId, RSAKey key) {
    }

    private static final Duration TTL = Duration.ofMinutes(10), RETRY_UNKNOWN = Duration.ofMinutes(1);

    private final String jwksUrl;
    private final String keysUrl;
    private final HttpClient http;
    private final ObjectMapper json;
    private volatile JWKSet pdnd;
    private volatile Instant pdndAt = Instant.EPOCH;
    private final Map<String, Cached> clients = new ConcurrentHashMap<>();

    private record Cached(ClientKey key, Instant at) {
    }

    public PdndKeys(String jwksUrl, String keysUrl, HttpClient http, ObjectMapper json) {
        this.jwksUrl = jwksUrl;
        this.keysUrl = keysUrl;
        this.http = http;
        this.json = json;
    }

    /** The PDND's key of this kid, if it has one. */
    public Optional<RSAKey> pdndKey(String kid) {
        Optional<RSAKey> k = find(pdnd, kid);
        if (k.isEmpty() || Instant.now().isAfter(pdndAt.plus(TTL))) {
            if (pdnd == null || Instant.now().isAfter(pdndAt.plus(k.isEmpty() ? RETRY_UNKNOWN : TTL))) {
                refreshPdnd();
                k = find(pdnd, kid);
            }
        }
        return k;
    }

    /** A client's key registered at the PDND under this kid, if any. */
    public Optional<ClientKey> clientKey(String kid) {
        Cached c = clients.get(kid);
        Instant now = Instant.now();
        if (c != null && now.isBefore(c.at().plus(c.key() == null ? RETRY_UNKNOWN : TTL))) return Optional.ofNullable(c.key());
        ClientKey k = fetchClient(kid);
        clients.put(kid, new Cached(k, now));
        return Optional.ofNullable(k);
    }

    private synchronized void refreshPdnd() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(jwksUrl)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                pdnd = JWKSet.parse(r.body());
                pdndAt = Instant.now();
            }
        } catch (Exception e) {
            pdndAt = Instant.now(); // do not hammer an unreachable PDND; the keys in hand stay valid
        }
    }

    private ClientKey fetchClient(String kid) {
        try {
            String url = keysUrl.replace("{kid}", java.net.URLEncoder.encode(kid, java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) return null;
            JsonNode n = json.readTree(r.body());
            JWK jwk = JWK.parse(n.path("jwk").toString());
            if (!(jwk instanceof RSAKey rsa) || !kid.equals(n.path("kid").asText(kid))) return null;
            return new ClientKey(n.path("client_id").asText(null), rsa);
        } catch (Exception e) {
            return null;
        }
    }

    private static Optional<RSAKey> find(JWKSet set, String kid) {
        if (set == null || kid == null) return Optional.empty();
        JWK k = set.getKeyByKeyId(kid);
        return k instanceof RSAKey rsa ? Optional.of(rsa) : Optional.empty();
    }
}
