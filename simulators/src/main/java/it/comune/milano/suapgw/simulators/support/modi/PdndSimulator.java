package it.comune.milano.suapgw.simulators.support.modi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.support.HttpSimulator;
import it.comune.milano.suapgw.simulators.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The PDND authorization server of the demo and the tests (docs/modi-pdnd.md), from a {@link PdndRegistry}:
 * <ul>
 * <li>{@code POST /token.oauth2} (form: {@code grant_type=client_credentials}, {@code client_id},
 * {@code client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer}, {@code client_assertion}): the
 * assertion must be an RS256 JWS by the client's registered key (its kid, when given, the registered one),
 * {@code iss} = {@code sub} = the client_id (and the form's {@code client_id}, when given), {@code aud} the issuer
 * name, {@code iat} not after now + 60 s, {@code exp} after now and at most iat + 600 s, {@code purposeId} one of the
 * client's purposes. Then {@code {access_token, token_type: "Bearer", expires_in: 600}}, the voucher being an
 * {@code at+jwt} by the PDND key ({@code kid} {@code pdnd-1}) with {@code {iss, aud: the purpose's audience, sub,
 * client_id, purposeId, jti, iat, nbf, exp}}. Anything else: 400 {@code {"error":"invalid_client"}} (with an
 * {@code error_description}).</li>
 * <li>{@code GET /.well-known/jwks.json}: the PDND's key.</li>
 * <li>{@code GET /keys/{kid}}: {@code {"kid", "client_id", "jwk": {kty, n, e, alg, use, kid}}}, 404 if unknown.</li>
 * </ul>
 * Counters: vouchers issued per client, refusals (with their reasons).
 */
public class PdndSimulator extends HttpSimulator {

    private static final Logger LOG = LoggerFactory.getLogger(PdndSimulator.class);

    public static final int DEFAULT_PORT = 8190;
    public static final String PORT_SETTING = "SUAPGW_SIM_PDND_PORT";
    public static final long VOUCHER_SECONDS = 600;
    public static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private final PdndRegistry registry;
    private final Map<String, AtomicInteger> issued = new ConcurrentHashMap<>();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private volatile Clock clock = Clock.systemUTC();

    public PdndSimulator(int port, PdndRegistry registry) {
        super("pdnd", port);
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** With the registry file at {@code registry} (keys relative to it). */
    public PdndSimulator(int port, Path registry) {
        this(port, PdndRegistry.load(registry));
    }

    /** With the demo registry ({@link PdndRegistry#demoFile()}). */
    public static PdndSimulator demo(int port) {
        return new PdndSimulator(port, PdndRegistry.demo());
    }

    /** The clock of the assertion checks and of the vouchers' times (tests). */
    public PdndSimulator clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    public PdndRegistry registry() {
        return registry;
    }

    public String issuer() {
        return registry.issuer();
    }

    /** Issuer name and URLs of this PDND (after {@link #start()}: the bound port). */
    public PdndEndpoints endpoints() {
        return PdndEndpoints.of(baseUrl(), registry.issuer());
    }

    public String tokenUrl() {
        return endpoints().tokenUrl();
    }

    public String jwksUrl() {
        return endpoints().jwksUrl();
    }

    /** The prefix of the clients' keys: {@code {pdnd}/keys/} (+ kid). */
    public String keysUrl() {
        return endpoints().keysUrl();
    }

    /** Vouchers issued to a client. */
    public int vouchersIssued(String clientId) {
        AtomicInteger n = issued.get(clientId);
        return n == null ? 0 : n.get();
    }

    /** Vouchers issued, all clients. */
    public int vouchersIssued() {
        return issued.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Token requests refused. */
    public int refusals() {
        return refusals.size();
    }

    /** Why each refused token request was refused, in order. */
    public List<String> refusalReasons() {
        return List.copyOf(refusals);
    }

    @Override
    protected void handle(HttpExchange ex, List<String> path) throws IOException {
        String method = ex.getRequestMethod();
        if ("POST".equals(method) && path.equals(List.of("token.oauth2"))) {
            token(ex);
        } else if ("GET".equals(method) && path.equals(List.of(".well-known", "jwks.json"))) {
            ObjectNode jwks = Json.object();
            jwks.set("keys", Json.MAPPER.createArrayNode().add(Json.MAPPER.valueToTree(
                    ModiKeys.jwk(registry.pdndPublicKey(), registry.pdndKid()).toJSONObject())));
            sendJson(ex, 200, jwks);
        } else if ("GET".equals(method) && path.size() == 2 && "keys".equals(path.get(0))) {
            PdndRegistry.Client c = registry.clientByKid(path.get(1)).orElse(null);
            if (c == null) {
                sendJson(ex, 404, Json.object().put("error", "not_found").put("error_description", "no key " + path.get(1)));
                return;
            }
            ObjectNode body = Json.object().put("kid", c.kid()).put("client_id", c.clientId());
            body.set("jwk", Json.MAPPER.valueToTree(ModiKeys.jwk(c.publicKey(), c.kid()).toJSONObject()));
            sendJson(ex, 200, body);
        } else {
            sendJson(ex, 404, Json.object().put("error", "not_found").put("error_description", method + " " + ex.getRequestURI().getPath()));
        }
    }

    private void token(HttpExchange ex) throws IOException {
        Map<String, String> form = form(new String(readBody(ex), StandardCharsets.UTF_8));
        String refused = refusal(form);
        if (refused != null) {
            refusals.add(refused);
            LOG.info("PDND: token refused: {}", refused);
            sendJson(ex, 400, Json.object().put("error", "invalid_client").put("error_description", refused));
            return;
        }
        SignedJWT assertion = Jws.parse(form.get("client_assertion"));
        JWTClaimsSet a = Jws.claims(assertion);
        String clientId = a.getIssuer();
        String purposeId = String.valueOf(a.getClaim("purposeId"));
        PdndRegistry.Purpose purpose = registry.purpose(purposeId).orElseThrow();
        Instant now = clock.instant();
        String voucher = Jws.sign(Jws.header(registry.pdndKid(), Jws.AT_JWT), new JWTClaimsSet.Builder()
                .issuer(registry.issuer()).audience(purpose.audience()).subject(clientId).claim("client_id", clientId)
                .claim("purposeId", purposeId).jwtID(UUID.randomUUID().toString()).issueTime(Jws.date(now)).notBeforeTime(Jws.date(now))
                .expirationTime(Jws.date(now.plusSeconds(VOUCHER_SECONDS))).build(), registry.pdndPrivateKey());
        issued.computeIfAbsent(clientId, k -> new AtomicInteger()).incrementAndGet();
        LOG.debug("PDND: voucher for {} ({} → {})", clientId, purposeId, purpose.audience());
        sendJson(ex, 200, Json.object().put("access_token", voucher).put("token_type", "Bearer").put("expires_in", VOUCHER_SECONDS));
    }

    /** Why the token request is refused, or null. */
    private String refusal(Map<String, String> form) {
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return "grant_type must be client_credentials";
        }
        if (!ASSERTION_TYPE.equals(form.get("client_assertion_type"))) {
            return "client_assertion_type must be " + ASSERTION_TYPE;
        }
        SignedJWT assertion = Jws.parse(form.get("client_assertion"));
        if (assertion == null) {
            return "client_assertion missing or not a JWS";
        }
        if (!JWSAlgorithm.RS256.equals(assertion.getHeader().getAlgorithm())) {
            return "client_assertion alg must be RS256";
        }
        JWTClaimsSet a = Jws.claims(assertion);
        if (a == null) {
            return "client_assertion claims unreadable";
        }
        String clientId = a.getIssuer();
        PdndRegistry.Client client = registry.client(clientId).orElse(null);
        if (client == null) {
            return "unknown client " + clientId;
        }
        if (!clientId.equals(a.getSubject())) {
            return "client_assertion sub " + a.getSubject() + " is not iss " + clientId;
        }
        String formClient = form.get("client_id");
        if (formClient != null && !formClient.equals(clientId)) {
            return "client_id " + formClient + " is not the assertion's " + clientId;
        }
        String kid = assertion.getHeader().getKeyID();
        if (kid != null && !kid.equals(client.kid())) {
            return "client_assertion kid " + kid + " is not " + clientId + "'s registered key " + client.kid();
        }
        if (!Jws.verify(assertion, client.publicKey())) {
            return "client_assertion not signed by " + clientId + "'s registered key";
        }
        if (a.getAudience() == null || !a.getAudience().contains(registry.issuer())) {
            return "client_assertion aud " + a.getAudience() + " is not " + registry.issuer();
        }
        Instant now = clock.instant();
        if (a.getIssueTime() == null || a.getExpirationTime() == null) {
            return "client_assertion without iat or exp";
        }
        Instant iat = a.getIssueTime().toInstant();
        Instant exp = a.getExpirationTime().toInstant();
        if (iat.isAfter(now.plusSeconds(60))) {
            return "client_assertion issued in the future";
        }
        if (Duration.between(iat, exp).compareTo(Duration.ofSeconds(600)) > 0) {
            return "client_assertion exp more than 600 s after iat";
        }
        if (!exp.isAfter(now)) {
            return "client_assertion expired";
        }
        Object purposeId = a.getClaim("purposeId");
        PdndRegistry.Purpose purpose = purposeId == null ? null : registry.purpose(String.valueOf(purposeId)).orElse(null);
        if (purpose == null || !purpose.clientId().equals(clientId)) {
            return "purposeId " + purposeId + " is not a purpose of " + clientId;
        }
        return null;
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    @Override
    public String toString() {
        return "PdndSimulator[" + baseUrl() + ", issuer " + registry.issuer() + "]";
    }
}
