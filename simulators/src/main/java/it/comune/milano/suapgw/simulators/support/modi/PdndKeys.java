package it.comune.milano.suapgw.simulators.support.modi;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import it.comune.milano.suapgw.simulators.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys a receiver finds at the PDND: the PDND's own ({@code /.well-known/jwks.json}, to verify vouchers; fetched
 * again when a voucher names a kid not seen yet) and the clients' ({@code /keys/{kid}}, INTEGRITY_REST_02; cached once
 * found, a 404 is not cached).
 */
public final class PdndKeys {

    private static final Logger LOG = LoggerFactory.getLogger(PdndKeys.class);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A client's key registered at the PDND. */
    public record ClientKey(String kid, String clientId, RSAPublicKey key) {
    }

    private final PdndEndpoints pdnd;
    private final Map<String, RSAPublicKey> pdndKeys = new ConcurrentHashMap<>();
    private final Map<String, ClientKey> clientKeys = new ConcurrentHashMap<>();

    public PdndKeys(PdndEndpoints pdnd) {
        this.pdnd = pdnd;
    }

    public PdndEndpoints endpoints() {
        return pdnd;
    }

    /** The PDND key {@code kid} of its JWKS. */
    public Optional<RSAPublicKey> pdndKey(String kid) {
        if (kid == null) {
            return Optional.empty();
        }
        RSAPublicKey k = pdndKeys.get(kid);
        if (k == null) {
            refreshJwks();
            k = pdndKeys.get(kid);
        }
        return Optional.ofNullable(k);
    }

    /** The client key registered under {@code kid}, or empty (404, or the PDND not reachable). */
    public Optional<ClientKey> clientKey(String kid) {
        if (kid == null || kid.isBlank()) {
            return Optional.empty();
        }
        ClientKey known = clientKeys.get(kid);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(pdnd.keyUrl(kid))).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            JsonNode body = Json.parse(r.body());
            JWK jwk = JWK.parse(Json.write(body.path("jwk")));
            if (!(jwk instanceof RSAKey rsa) || !kid.equals(Json.text(body, "kid"))) {
                LOG.warn("PDND key {}: not an RSA key for that kid: {}", kid, r.body());
                return Optional.empty();
            }
            ClientKey k = new ClientKey(kid, Json.text(body, "client_id"), rsa.toRSAPublicKey());
            clientKeys.put(kid, k);
            return Optional.of(k);
        } catch (IOException | java.text.ParseException | com.nimbusds.jose.JOSEException | IllegalArgumentException e) {
            LOG.warn("PDND key {} not obtained from {}: {}", kid, pdnd.keyUrl(kid), e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private synchronized void refreshJwks() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(pdnd.jwksUrl())).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                LOG.warn("PDND JWKS {} answered {}", pdnd.jwksUrl(), r.statusCode());
                return;
            }
            for (JWK k : JWKSet.parse(r.body()).getKeys()) {
                if (k instanceof RSAKey rsa && k.getKeyID() != null) {
                    pdndKeys.put(k.getKeyID(), rsa.toRSAPublicKey());
                }
            }
        } catch (IOException | java.text.ParseException | com.nimbusds.jose.JOSEException e) {
            LOG.warn("PDND JWKS not obtained from {}: {}", pdnd.jwksUrl(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
