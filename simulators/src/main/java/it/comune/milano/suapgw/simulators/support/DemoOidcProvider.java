package it.comune.milano.suapgw.simulators.support;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.support.modi.ModiKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The Comune's identity provider as the gateway's browser console meets it in the demo and in the browser tests: a
 * minimal OpenID Connect provider (OIDC Core 1.0, authorization code flow only, PKCE S256 required as RFC 7636 says)
 * whose tokens are signed by the {@link DemoIdp} key, so the gateway's resource server accepts its access tokens as
 * it accepts {@link DemoIdp#token}'s.
 * <ul>
 * <li>{@code GET /.well-known/openid-configuration}: the discovery document.</li>
 * <li>{@code GET /jwks}: the public key ({@code kid} {@link DemoIdp#KID}, use sig, alg RS256).</li>
 * <li>{@code GET /authorize}: checks the request and answers an Italian, accessible login page. A client or
 * redirect URI that is not registered gets an HTML 400 page, never a redirect (it could be an open redirector);
 * other errors go back to the client ({@code error}, {@code state}), RFC 6749 §4.1.2.1.</li>
 * <li>{@code POST /authorize}: the login form. Wrong credentials: the page again with an alert (200); right ones:
 * 302 to {@code redirect_uri?code&state}, the code single use, valid {@value #CODE_SECONDS} s.</li>
 * <li>{@code POST /token}: {@code authorization_code} with {@code client_secret_basic} or {@code client_secret_post};
 * errors as RFC 6749 §5.2.</li>
 * <li>{@code GET /logout}: back to {@code post_logout_redirect_uri} when it is on a registered client's origin,
 * else a "Sessione chiusa" page. There is no SSO session to end: every authorization asks for the password.</li>
 * </ul>
 * A redirect URI is registered as a pattern whose {@code *} matches one or more unreserved characters
 * ({@code [A-Za-z0-9._~-]}: no {@code @ : / ? #}, so a wildcard cannot move the host), e.g.
 * {@code http://127.0.0.1:*}{@code /login/oauth2/code/*} for a gateway on a random port.
 * The server binds 127.0.0.1; {@link #setHost} only changes the name in the issuer and endpoint URLs (a browser on
 * {@code localhost} must see an issuer with {@code localhost}).
 */
public class DemoOidcProvider extends HttpSimulator {

    private static final Logger LOG = LoggerFactory.getLogger(DemoOidcProvider.class);

    public static final int DEFAULT_PORT = 8194;
    public static final String PORT_SETTING = "SUAPGW_SIM_IDP_PORT";
    public static final String HOST_SETTING = "SUAPGW_SIM_IDP_HOST";
    public static final long CODE_SECONDS = 60;
    public static final long TOKEN_SECONDS = 3600;
    public static final String DEMO_CLIENT_ID = "suapgw-console";
    public static final String DEMO_CLIENT_SECRET = "suapgw-console-demo-secret";
    public static final List<String> DEMO_REDIRECT_PATTERNS =
            List.of("http://127.0.0.1:*/login/oauth2/code/*", "http://localhost:*/login/oauth2/code/*");
    public static final List<String> SCOPES = List.of("openid", "profile", "roles");

    /** A user who can log in: password, display name ({@code name} claim) and roles ({@code roles} claim). */
    public record User(String username, String password, String name, List<String> roles) {
    }

    /** A confidential client and its redirect URI patterns. */
    public record Client(String id, String secret, List<String> redirectPatterns) {
        boolean allowsRedirect(String uri) {
            return redirectPatterns.stream().anyMatch(p -> wildcard(p).matcher(uri).matches());
        }
    }

    /** What a code was issued for. */
    private record Grant(String clientId, String redirectUri, String nonce, String codeChallenge, String username, String scope,
                         Instant authTime, Instant expires) {
    }

    /** An authorization request whose client and redirect URI are known to be registered. */
    private record AuthRequest(Map<String, String> params, Client client, String redirectUri) {
        String get(String name) {
            return params.get(name);
        }
    }

    private static final Pattern UNRESERVED = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DemoIdp idp;
    private final Map<String, User> users = new LinkedHashMap<>();
    private final Map<String, Client> clients = new LinkedHashMap<>();
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final List<String> refusals = new CopyOnWriteArrayList<>();
    private volatile String host = "127.0.0.1";
    private volatile String accessTokenIssuer = DemoIdp.ISSUER;
    private volatile Clock clock = Clock.systemUTC();

    /** With the demo key, no users, no clients. */
    public DemoOidcProvider(int port) {
        this(port, DemoIdp.demo());
    }

    /** Signing with {@code idp}'s key; no users, no clients. */
    public DemoOidcProvider(int port, DemoIdp idp) {
        super("oidc-idp", port);
        this.idp = Objects.requireNonNull(idp, "idp");
    }

    /** With the demo key, the three demo users and the console's client (see the constants). */
    public static DemoOidcProvider demo(int port) {
        DemoOidcProvider p = new DemoOidcProvider(port);
        p.addUser(DemoIdp.OPERATORE, "operatore-demo", DemoIdp.OPERATORE);
        p.addUser(DemoIdp.FUNZIONARIO, "funzionario-demo", DemoIdp.OPERATORE, DemoIdp.FUNZIONARIO);
        p.addUser(DemoIdp.AMMINISTRATORE, "amministratore-demo", DemoIdp.OPERATORE, DemoIdp.FUNZIONARIO, DemoIdp.AMMINISTRATORE);
        p.addClient(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REDIRECT_PATTERNS.toArray(String[]::new));
        return p;
    }

    /** Adds or replaces a user; the display name is derived from the user name ("operatore" → "Operatore Demo"). */
    public DemoOidcProvider addUser(String username, String password, String... roles) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        String name = username.isEmpty() ? username : Character.toUpperCase(username.charAt(0)) + username.substring(1) + " Demo";
        synchronized (users) {
            users.put(username, new User(username, password, name, List.of(roles)));
        }
        return this;
    }

    /** Adds or replaces a confidential client; each pattern an exact redirect URI or one with {@code *} wildcards. */
    public DemoOidcProvider addClient(String id, String secret, String... redirectPatterns) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(secret, "secret");
        if (redirectPatterns.length == 0) {
            throw new IllegalArgumentException("client " + id + " without redirect URIs");
        }
        synchronized (clients) {
            clients.put(id, new Client(id, secret, List.of(redirectPatterns)));
        }
        return this;
    }

    /** The users, in the order they were added. */
    public List<User> users() {
        synchronized (users) {
            return List.copyOf(users.values());
        }
    }

    public List<Client> clients() {
        synchronized (clients) {
            return List.copyOf(clients.values());
        }
    }

    /** The host name of the issuer and endpoint URLs (default 127.0.0.1; the server still binds 127.0.0.1). */
    public DemoOidcProvider setHost(String host) {
        if (host == null || host.isBlank() || !host.matches("[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("not a host name: " + host);
        }
        this.host = host;
        return this;
    }

    /**
     * The {@code iss} of the access tokens: by default {@link DemoIdp#ISSUER}, so they are exactly {@link DemoIdp#token}'s
     * and whatever accepts those accepts them; null: the issuer URL, as the ID tokens.
     */
    public DemoOidcProvider accessTokenIssuer(String issuer) {
        this.accessTokenIssuer = issuer;
        return this;
    }

    /** The clock of the codes' expiry and of the tokens' times (tests). */
    public DemoOidcProvider clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock);
        return this;
    }

    /** {@code http://<host>:<port>} (after {@link #start()}: the bound port), also the ID tokens' {@code iss}. */
    public String issuer() {
        return "http://" + host + ":" + port();
    }

    public String discoveryUrl() {
        return issuer() + "/.well-known/openid-configuration";
    }

    /** Token responses sent. */
    public int tokensIssued() {
        return tokensIssued.get();
    }

    /** Why each refused login, authorization or token request was refused, in order. */
    public List<String> refusalReasons() {
        return List.copyOf(refusals);
    }

    @Override
    protected void handle(HttpExchange ex, List<String> path) throws IOException {
        String method = ex.getRequestMethod();
        String route = String.join("/", path);
        switch (route) {
            case ".well-known/openid-configuration" -> {
                if (allow(ex, "GET")) {
                    sendJson(ex, 200, discovery());
                }
            }
            case "jwks" -> {
                if (allow(ex, "GET")) {
                    ObjectNode jwks = Json.object();
                    jwks.set("keys", Json.MAPPER.createArrayNode().add(Json.MAPPER.valueToTree(
                            ModiKeys.jwk(idp.publicKey(), DemoIdp.KID).toJSONObject())));
                    sendJson(ex, 200, jwks);
                }
            }
            case "authorize" -> {
                if ("GET".equals(method)) {
                    authorize(ex, query(ex), false);
                } else if ("POST".equals(method)) {
                    authorize(ex, form(ex), true);
                } else {
                    allow(ex, "GET, POST");
                }
            }
            case "token" -> {
                if (allow(ex, "POST")) {
                    token(ex);
                }
            }
            case "logout" -> {
                if (allow(ex, "GET")) {
                    logout(ex, query(ex));
                }
            }
            default -> sendJson(ex, 404, Json.object().put("error", "not_found").put("error_description", method + " " + ex.getRequestURI().getPath()));
        }
    }

    private static boolean allow(HttpExchange ex, String methods) throws IOException {
        if (List.of(methods.split(", ")).contains(ex.getRequestMethod())) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", methods);
        sendJson(ex, 405, Json.object().put("error", "method_not_allowed"));
        return false;
    }

    private ObjectNode discovery() {
        String iss = issuer();
        ObjectNode d = Json.object().put("issuer", iss).put("authorization_endpoint", iss + "/authorize").put("token_endpoint", iss + "/token")
                .put("jwks_uri", iss + "/jwks").put("end_session_endpoint", iss + "/logout");
        array(d, "response_types_supported", "code");
        array(d, "response_modes_supported", "query");
        array(d, "grant_types_supported", "authorization_code");
        array(d, "subject_types_supported", "public");
        array(d, "id_token_signing_alg_values_supported", "RS256");
        array(d, "code_challenge_methods_supported", "S256");
        array(d, "token_endpoint_auth_methods_supported", "client_secret_basic", "client_secret_post");
        array(d, "scopes_supported", SCOPES.toArray(String[]::new));
        array(d, "claims_supported", "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp", "name", "preferred_username", "roles");
        return d;
    }

    private static void array(ObjectNode node, String field, String... values) {
        ArrayNode a = node.putArray(field);
        for (String v : values) {
            a.add(v);
        }
    }

    // --- authorization endpoint

    private void authorize(HttpExchange ex, Params params, boolean login) throws IOException {
        if (params.duplicate() != null) {
            badRequest(ex, "Il parametro " + params.duplicate() + " compare più volte.");
            return;
        }
        Map<String, String> p = params.values();
        Client client = client(p.get("client_id"));
        if (client == null) {
            badRequest(ex, "Applicazione (client_id) sconosciuta.");
            return;
        }
        String redirectUri = p.get("redirect_uri");
        if (redirectUri == null || !client.allowsRedirect(redirectUri)) {
            badRequest(ex, "Indirizzo di ritorno (redirect_uri) non registrato per " + client.id() + ".");
            return;
        }
        AuthRequest request = new AuthRequest(p, client, redirectUri);
        if (!"code".equals(p.get("response_type"))) {
            redirectError(ex, request, "unsupported_response_type", "response_type must be code");
            return;
        }
        Set<String> scopes = scopes(p.get("scope"));
        if (!scopes.contains("openid")) {
            redirectError(ex, request, "invalid_scope", "scope must contain openid");
            return;
        }
        String challenge = p.get("code_challenge");
        if (challenge == null || !UNRESERVED.matcher(challenge).matches()) {
            redirectError(ex, request, "invalid_request", "code_challenge (PKCE) required");
            return;
        }
        if (!"S256".equals(p.get("code_challenge_method"))) {
            redirectError(ex, request, "invalid_request", "code_challenge_method must be S256");
            return;
        }
        String responseMode = p.get("response_mode");
        if (responseMode != null && !"query".equals(responseMode)) {
            redirectError(ex, request, "invalid_request", "response_mode must be query");
            return;
        }
        if (scopes(p.get("prompt")).contains("none")) {
            // no session is kept: the user always has to log in
            redirectError(ex, request, "login_required", "no session");
            return;
        }
        if (!login) {
            page(ex, 200, loginPage(request, null, ""));
            return;
        }
        String username = p.getOrDefault("username", "");
        User user;
        synchronized (users) {
            user = users.get(username);
        }
        if (user == null || !constantTimeEquals(user.password(), p.getOrDefault("password", ""))) {
            refuse("login refused for " + username);
            page(ex, 200, loginPage(request, "Nome utente o password non corretti.", username));
            return;
        }
        Instant now = clock.instant();
        codes.values().removeIf(g -> !g.expires().isAfter(now));
        String code = random();
        codes.put(code, new Grant(client.id(), redirectUri, p.get("nonce"), challenge, user.username(), granted(scopes), now,
                now.plusSeconds(CODE_SECONDS)));
        LOG.info("OIDC: {} logged in for {}", user.username(), client.id());
        Map<String, String> back = new LinkedHashMap<>();
        back.put("code", code);
        back.put("state", p.get("state"));
        redirect(ex, redirectUri, back);
    }

    private void redirectError(HttpExchange ex, AuthRequest request, String error, String description) throws IOException {
        refuse("authorize " + request.client().id() + ": " + error + " (" + description + ")");
        Map<String, String> back = new LinkedHashMap<>();
        back.put("error", error);
        back.put("error_description", description);
        back.put("state", request.get("state"));
        redirect(ex, request.redirectUri(), back);
    }

    private static void redirect(HttpExchange ex, String uri, Map<String, String> params) throws IOException {
        StringBuilder location = new StringBuilder(uri);
        char sep = uri.contains("?") ? '&' : '?';
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (e.getValue() != null) {
                location.append(sep).append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
                sep = '&';
            }
        }
        ex.getResponseHeaders().set("Location", location.toString());
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        sendEmpty(ex, 302);
    }

    private void badRequest(HttpExchange ex, String reason) throws IOException {
        refuse("authorize: " + reason);
        page(ex, 400, document("Richiesta non valida",
                "<h1>Richiesta di accesso non valida</h1>\n<p role=\"alert\">" + html(reason) + "</p>\n"
                        + "<p>Torna all'applicazione da cui sei partito e riprova; se il problema persiste, contatta l'assistenza.</p>\n"));
    }

    private String loginPage(AuthRequest request, String error, String username) {
        StringBuilder b = new StringBuilder();
        b.append("<h1>Accesso ai servizi del Comune</h1>\n");
        b.append("<p>L'applicazione <strong>").append(html(request.client().id())).append("</strong> chiede di verificare la tua identità.</p>\n");
        String describedBy = "";
        if (error != null) {
            b.append("<p id=\"errore\" class=\"errore\" role=\"alert\">").append(html(error)).append("</p>\n");
            describedBy = " aria-describedby=\"errore\" aria-invalid=\"true\"";
        }
        b.append("<form method=\"post\" action=\"/authorize\">\n");
        for (String name : List.of("response_type", "client_id", "redirect_uri", "scope", "state", "nonce", "code_challenge",
                "code_challenge_method", "response_mode")) {
            String v = request.get(name);
            if (v != null) {
                b.append("<input type=\"hidden\" name=\"").append(name).append("\" value=\"").append(html(v)).append("\">\n");
            }
        }
        b.append("<div class=\"campo\"><label for=\"username\">Nome utente</label>\n")
                .append("<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" required")
                .append(error == null ? " autofocus" : "").append(describedBy).append(" value=\"").append(html(username)).append("\"></div>\n");
        b.append("<div class=\"campo\"><label for=\"password\">Password</label>\n")
                .append("<input type=\"password\" id=\"password\" name=\"password\" autocomplete=\"current-password\" required")
                .append(error != null ? " autofocus" : "").append(describedBy).append("></div>\n");
        b.append("<button type=\"submit\" id=\"accedi\">Accedi</button>\n</form>\n");
        b.append("<table>\n<caption>Utenti dimostrativi (ambiente demo)</caption>\n")
                .append("<thead><tr><th scope=\"col\">Utente</th><th scope=\"col\">Password</th><th scope=\"col\">Ruoli</th></tr></thead>\n<tbody>\n");
        for (User u : users()) {
            b.append("<tr><td>").append(html(u.username())).append("</td><td>").append(html(u.password())).append("</td><td>")
                    .append(html(String.join(", ", u.roles()))).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n");
        return document(error == null ? "Accesso" : "Errore di accesso", b.toString());
    }

    private static String document(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"it\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<title>" + html(title) + " - Identità digitale del Comune (demo)</title>\n<style>\n"
                + "body{font-family:system-ui,sans-serif;font-size:1rem;line-height:1.5;color:#1a1a1a;background:#f5f5f5;margin:0}\n"
                + "header{background:#0b3d91;color:#fff;padding:.75rem 1.5rem}\n"
                + "header p{margin:0;font-weight:600}\n"
                + "main{max-width:32rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border:1px solid #767676;border-radius:4px}\n"
                + "h1{font-size:1.5rem;margin-top:0}\n"
                + ".campo{margin-bottom:1rem}\n"
                + "label{display:block;font-weight:600;margin-bottom:.25rem}\n"
                + "input{font-size:1rem;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #595959;border-radius:4px;color:#1a1a1a;background:#fff}\n"
                + "button{font-size:1rem;font-weight:600;padding:.6rem 1.5rem;border:0;border-radius:4px;background:#0b3d91;color:#fff;cursor:pointer}\n"
                + "button:hover{background:#072a66}\n"
                + "a{color:#0b3d91}\n"
                + ":focus-visible{outline:3px solid #b35c00;outline-offset:2px}\n"
                + ".errore{color:#8a0013;background:#fdecee;border-left:4px solid #8a0013;padding:.5rem .75rem}\n"
                + "table{border-collapse:collapse;margin-top:1.5rem;width:100%}\n"
                + "caption{text-align:left;font-weight:600;margin-bottom:.25rem}\n"
                + "th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:left}\n"
                + "</style>\n</head>\n<body>\n<header><p>Comune di Milano - Identità digitale (simulatore demo)</p></header>\n<main>\n"
                + body + "</main>\n</body>\n</html>\n";
    }

    private static void page(HttpExchange ex, int status, String html) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("X-Frame-Options", "DENY");
        ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'");
        send(ex, status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    // --- token endpoint

    private void token(HttpExchange ex) throws IOException {
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            tokenError(ex, 400, "invalid_request", "Content-Type must be application/x-www-form-urlencoded");
            return;
        }
        Params params = form(ex);
        if (params.duplicate() != null) {
            tokenError(ex, 400, "invalid_request", "parameter " + params.duplicate() + " repeated");
            return;
        }
        Map<String, String> p = params.values();
        // client authentication first: nothing about a code is told to an unauthenticated caller
        String[] basic = basicCredentials(ex.getRequestHeaders().getFirst("Authorization"));
        String clientId;
        String secret;
        if (basic != null) {
            if (p.containsKey("client_secret")) {
                tokenError(ex, 400, "invalid_request", "more than one client authentication method");
                return;
            }
            clientId = basic[0];
            secret = basic[1];
        } else {
            clientId = p.get("client_id");
            secret = p.get("client_secret");
        }
        Client client = client(clientId);
        if (client == null || secret == null || !constantTimeEquals(client.secret(), secret)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"" + issuer() + "\"");
            tokenError(ex, 401, "invalid_client", "client authentication failed");
            return;
        }
        if (p.get("client_id") != null && !p.get("client_id").equals(client.id())) {
            tokenError(ex, 400, "invalid_request", "client_id is not the authenticated client");
            return;
        }
        if (!"authorization_code".equals(p.get("grant_type"))) {
            tokenError(ex, 400, p.get("grant_type") == null ? "invalid_request" : "unsupported_grant_type", "grant_type must be authorization_code");
            return;
        }
        String code = p.get("code");
        String verifier = p.get("code_verifier");
        if (code == null || p.get("redirect_uri") == null || verifier == null) {
            tokenError(ex, 400, "invalid_request", "code, redirect_uri and code_verifier are required");
            return;
        }
        Grant grant = codes.remove(code); // single use: a failed attempt consumes it too
        Instant now = clock.instant();
        String invalid = grant == null ? "unknown or already used code"
                : !grant.clientId().equals(client.id()) ? "code issued to another client"
                : !grant.expires().isAfter(now) ? "code expired"
                : !grant.redirectUri().equals(p.get("redirect_uri")) ? "redirect_uri differs from the authorization request's"
                : !UNRESERVED.matcher(verifier).matches() || !s256(verifier).equals(grant.codeChallenge()) ? "code_verifier does not match the code_challenge"
                : null;
        if (invalid != null) {
            tokenError(ex, 400, "invalid_grant", invalid);
            return;
        }
        User user;
        synchronized (users) {
            user = users.get(grant.username());
        }
        if (user == null) {
            tokenError(ex, 400, "invalid_grant", "user " + grant.username() + " no longer exists");
            return;
        }
        String[] roles = user.roles().toArray(String[]::new);
        DemoIdp accessSigner = idp.withIssuer(accessTokenIssuer == null ? issuer() : accessTokenIssuer);
        String accessToken = accessSigner.token(user.username(), DemoIdp.AUDIENCE, Duration.ofSeconds(TOKEN_SECONDS), roles);
        JWTClaimsSet.Builder id = new JWTClaimsSet.Builder()
                .issuer(issuer()).subject(user.username()).audience(client.id()).claim("azp", client.id())
                .jwtID(UUID.randomUUID().toString())
                .claim("auth_time", grant.authTime().getEpochSecond())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(TOKEN_SECONDS)))
                .claim("preferred_username", user.username()).claim("name", user.name()).claim("roles", user.roles());
        if (grant.nonce() != null) {
            id.claim("nonce", grant.nonce());
        }
        String idToken = idp.sign(id.build());
        tokensIssued.incrementAndGet();
        LOG.info("OIDC: tokens for {} to {}", user.username(), client.id());
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("Pragma", "no-cache");
        sendJson(ex, 200, Json.object().put("access_token", accessToken).put("token_type", "Bearer").put("expires_in", TOKEN_SECONDS)
                .put("id_token", idToken).put("scope", grant.scope()));
    }

    private void tokenError(HttpExchange ex, int status, String error, String description) throws IOException {
        refuse("token: " + error + " (" + description + ")");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("Pragma", "no-cache");
        sendJson(ex, status, Json.object().put("error", error).put("error_description", description));
    }

    /** {@code [id, secret]} of an {@code Authorization: Basic} header (each form-urlencoded, RFC 6749 §2.3.1), or null. */
    private static String[] basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return null;
        }
        try {
            return new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // --- logout

    private void logout(HttpExchange ex, Params params) throws IOException {
        String target = params.duplicate() == null ? params.values().get("post_logout_redirect_uri") : null;
        if (target != null && onRegisteredOrigin(target)) {
            Map<String, String> back = new LinkedHashMap<>();
            back.put("state", params.values().get("state"));
            redirect(ex, target, back);
            return;
        }
        page(ex, 200, document("Sessione chiusa", "<h1>Sessione chiusa</h1>\n<p>Sei uscito dai servizi del Comune. Puoi chiudere questa finestra.</p>\n"));
    }

    /** Whether {@code uri} is on the scheme, host and port (wildcards as registered) of a registered redirect pattern. */
    private boolean onRegisteredOrigin(String uri) {
        URI u;
        try {
            u = new URI(uri);
        } catch (URISyntaxException e) {
            return false;
        }
        if (u.getScheme() == null || u.getRawAuthority() == null || u.getRawUserInfo() != null || u.getRawFragment() != null) {
            return false;
        }
        String origin = u.getScheme() + "://" + u.getRawAuthority();
        for (Client c : clients()) {
            for (String pattern : c.redirectPatterns()) {
                int slash = pattern.indexOf('/', pattern.indexOf("://") + 3);
                String patternOrigin = slash < 0 ? pattern : pattern.substring(0, slash);
                if (wildcard(patternOrigin).matcher(origin).matches()) {
                    return true;
                }
            }
        }
        return false;
    }

    // --- helpers

    private Client client(String id) {
        if (id == null) {
            return null;
        }
        synchronized (clients) {
            return clients.get(id);
        }
    }

    private void refuse(String reason) {
        refusals.add(reason);
        LOG.info("OIDC: {}", reason);
    }

    /** A registered pattern as a regex: {@code *} is one or more unreserved characters, the rest literal. */
    static Pattern wildcard(String pattern) {
        StringBuilder re = new StringBuilder();
        int from = 0;
        for (int star = pattern.indexOf('*'); star >= 0; star = pattern.indexOf('*', from)) {
            re.append(Pattern.quote(pattern.substring(from, star))).append("[A-Za-z0-9._~-]+");
            from = star + 1;
        }
        return Pattern.compile(re.append(Pattern.quote(pattern.substring(from))).toString());
    }

    private static Set<String> scopes(String value) {
        Set<String> out = new LinkedHashSet<>();
        if (value != null) {
            for (String s : value.trim().split(" +")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** The requested scopes this provider knows (RFC 6749 §3.3: the others are ignored). */
    private static String granted(Set<String> requested) {
        List<String> out = new ArrayList<>();
        for (String s : requested) {
            if (SCOPES.contains(s)) {
                out.add(s);
            }
        }
        return String.join(" ", out);
    }

    static String s256(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static boolean constantTimeEquals(String expected, String actual) {
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), actual.getBytes(StandardCharsets.UTF_8));
    }

    static String html(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** Decoded parameters, the first name that came more than once (RFC 6749 §3.1 forbids it), or null. */
    private record Params(Map<String, String> values, String duplicate) {
    }

    private static Params query(HttpExchange ex) {
        return params(ex.getRequestURI().getRawQuery());
    }

    private static Params form(HttpExchange ex) throws IOException {
        return params(new String(readBody(ex), StandardCharsets.UTF_8));
    }

    private static Params params(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        String duplicate = null;
        if (raw != null) {
            for (String pair : raw.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k;
                String v;
                try {
                    k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    continue; // a malformed %-escape: as if absent
                }
                if (v.isEmpty()) {
                    continue; // RFC 6749 §3.1: a parameter without a value is treated as omitted
                }
                if (out.putIfAbsent(k, v) != null && duplicate == null) {
                    duplicate = k;
                }
            }
        }
        return new Params(out, duplicate);
    }

    @Override
    public String toString() {
        return "DemoOidcProvider[" + issuer() + ", " + users().size() + " users, " + clients().size() + " clients]";
    }
}
