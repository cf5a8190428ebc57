package it.comune.milano.suapgw.gateway.security.modi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Our PDND vouchers, one per purpose (one per e-service we call): obtained with a client assertion (RFC 7523) and kept
 * until 30 s before they expire.
 */
public class PdndVouchers {
    private record Voucher(String token, Instant expires) {
    }

    private final ModiService modi;
    private final String tokenUrl;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Map<String, Voucher> cache = new ConcurrentHashMap<>();

    public PdndVouchers(ModiService modi, String tokenUrl, HttpClient http, ObjectMapper json) {
        this.modi = modi;
        this.tokenUrl = tokenUrl;
        this.http = http;
        this.json = json;
    }

    /** A valid voucher for the purpose. @throws java.io.IOException when the PDND cannot give one */
    public String voucher(String purposeId) throws java.io.IOException {
        Voucher v = cache.get(purposeId);
        if (v != null && Instant.now().isBefore(v.expires().minusSeconds(30))) return v.token();
        String form = "grant_type=client_credentials&client_id=" + enc(modi.clientId())
                + "&client_assertion_type=" + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                + "&client_assertion=" + enc(modi.clientAssertion(purposeId));
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.IOException("interrupted while asking the PDND for a voucher", e);
        }
        if (r.statusCode() != 200) {
            throw new java.io.IOException("the PDND refused a voucher for " + purposeId + ": HTTP " + r.statusCode() + " " + abbreviate(r.body()));
        }
        JsonNode n = json.readTree(r.body());
        String token = n.path("access_token").asText(null);
        if (token == null) throw new java.io.IOException("the PDND answered no access_token");
        Voucher fresh = new Voucher(token, Instant.now().plusSeconds(Math.max(60, n.path("expires_in").asLong(600))));
        cache.put(purposeId, fresh);
        return fresh.token();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) : s;
    }
}
