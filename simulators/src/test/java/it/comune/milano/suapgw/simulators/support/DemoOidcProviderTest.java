package it.comune.milano.suapgw.simulators.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import it.comune.milano.suapgw.simulators.support.modi.ModiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo OIDC provider over HTTP, as Spring Security's oauth2Login drives it (code flow, PKCE S256, client_secret_basic). */
class DemoOidcProviderTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final String CLIENT = DemoOidcProvider.DEMO_CLIENT_ID;
    private static final String SECRET = DemoOidcProvider.DEMO_CLIENT_SECRET;
    private static final String REDIRECT = "http://127.0.0.1:54321/login/oauth2/code/comune";

    private static DemoOidcProvider idp;

    @BeforeAll
    static void start() {
        idp = DemoOidcProvider.demo(0);
        idp.start();
    }

    @AfterAll
    static void stop() {
        idp.stop();
    }

    @Test
    void discoveryDocumentDescribesTheCodeFlowWithPkce() throws Exception {
        HttpResponse<String> r = get(idp.discoveryUrl());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode d = Json.parse(r.body().getBytes(StandardCharsets.UTF_8));
        String iss = "http://127.0.0.1:" + idp.port();
        assertThat(idp.issuer()).isEqualTo(iss);
        assertThat(d.path("issuer").asText()).isEqualTo(iss);
        assertThat(d.path("authorization_endpoint").asText()).isEqualTo(iss + "/authorize");
        assertThat(d.path("token_endpoint").asText()).isEqualTo(iss + "/token");
        assertThat(d.path("jwks_uri").asText()).isEqualTo(iss + "/jwks");
        assertThat(d.path("end_session_endpoint").asText()).isEqualTo(iss + "/logout");
        assertThat(texts(d, "response_types_supported")).containsExactly("code");
        assertThat(texts(d, "subject_types_supported")).containsExactly("public");
        assertThat(texts(d, "id_token_signing_alg_values_supported")).containsExactly("RS256");
        assertThat(texts(d, "code_challenge_methods_supported")).containsExactly("S256");
        assertThat(texts(d, "token_endpoint_auth_methods_supported")).containsExactly("client_secret_basic", "client_secret_post");
        assertThat(texts(d, "scopes_supported")).containsExactly("openid", "profile", "roles");
        assertThat(texts(d, "claims_supported")).contains("sub", "nonce", "preferred_username", "name", "roles");
    }

    @Test
    void jwksPublishesTheDemoIdpKey() throws Exception {
        HttpResponse<String> r = get(idp.issuer() + "/jwks");
        assertThat(r.statusCode()).isEqualTo(200);
        JWKSet set = JWKSet.parse(r.body());
        assertThat(set.getKeys()).hasSize(1);
        RSAKey key = (RSAKey) set.getKeyByKeyId(DemoIdp.KID);
        assertThat(key.getKeyUse().identifier()).isEqualTo("sig");
        assertThat(key.getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(key.isPrivate()).isFalse();
        assertThat(key.toRSAPublicKey()).isEqualTo(ModiKeys.readPublicKey(DemoFiles.require("config/demo/keys/idp.pub.pem")));
    }

    @Test
    void loginPageIsItalianAccessibleAndCarriesTheRequest() throws Exception {
        Pkce pkce = new Pkce();
        HttpResponse<String> r = get(authorizeUrl(pkce, "openid profile roles", REDIRECT));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(r.headers().firstValue("Location")).isEmpty();
        String html = r.body();
        assertThat(html).contains("<html lang=\"it\">", "<title>", "<main>", ":focus-visible")
                .contains("<label for=\"username\">", "id=\"username\" name=\"username\"")
                .contains("<label for=\"password\">", "type=\"password\" id=\"password\" name=\"password\"")
                .contains("<button type=\"submit\" id=\"accedi\">Accedi</button>")
                .contains(hidden("client_id", CLIENT), hidden("redirect_uri", REDIRECT), hidden("state", "st-1"), hidden("nonce", "n-1"),
                        hidden("code_challenge", pkce.challenge), hidden("code_challenge_method", "S256"))
                .contains("<td>operatore</td><td>operatore-demo</td><td>operatore</td>")
                .contains("<td>funzionario</td><td>funzionario-demo</td><td>operatore, funzionario</td>")
                .contains("<td>amministratore</td><td>amministratore-demo</td><td>operatore, funzionario, amministratore</td>")
                .doesNotContain("role=\"alert\"");
    }

    @Test
    void codeFlowIssuesSignedIdAndAccessTokens() throws Exception {
        Pkce pkce = new Pkce();
        String code = login(pkce, "funzionario", "funzionario-demo", REDIRECT);

        HttpResponse<String> t = token(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                "code_verifier", pkce.verifier), CLIENT, SECRET);
        assertThat(t.statusCode()).isEqualTo(200);
        assertThat(t.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = Json.parse(t.body().getBytes(StandardCharsets.UTF_8));
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").asLong()).isEqualTo(3600);
        assertThat(body.path("scope").asText()).isEqualTo("openid profile roles");

        RSASSAVerifier verifier = new RSASSAVerifier((RSAKey) JWKSet.parse(get(idp.issuer() + "/jwks").body()).getKeyByKeyId(DemoIdp.KID));
        SignedJWT id = SignedJWT.parse(body.path("id_token").asText());
        assertThat(id.verify(verifier)).isTrue();
        assertThat(id.getHeader().getKeyID()).isEqualTo(DemoIdp.KID);
        JWTClaimsSet c = id.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo(idp.issuer());
        assertThat(c.getSubject()).isEqualTo("funzionario");
        assertThat(c.getAudience()).containsExactly(CLIENT);
        assertThat(c.getStringClaim("nonce")).isEqualTo("n-1");
        assertThat(c.getStringClaim("preferred_username")).isEqualTo("funzionario");
        assertThat(c.getStringClaim("name")).isEqualTo("Funzionario Demo");
        assertThat(c.getStringListClaim("roles")).containsExactly("operatore", "funzionario");
        assertThat(c.getLongClaim("auth_time")).isBetween(Instant.now().getEpochSecond() - 60, Instant.now().getEpochSecond());
        assertThat(c.getExpirationTime()).isAfter(c.getIssueTime());

        SignedJWT access = SignedJWT.parse(body.path("access_token").asText());
        assertThat(access.verify(verifier)).isTrue();
        JWTClaimsSet a = access.getJWTClaimsSet();
        // what DemoIdp.token makes, so the gateway's resource server accepts it unchanged
        JWTClaimsSet reference = SignedJWT.parse(DemoIdp.demo().token("funzionario", "operatore", "funzionario")).getJWTClaimsSet();
        assertThat(a.getClaims().keySet()).isEqualTo(reference.getClaims().keySet());
        assertThat(a.getIssuer()).isEqualTo(DemoIdp.ISSUER);
        assertThat(a.getAudience()).containsExactly(DemoIdp.AUDIENCE);
        assertThat(a.getStringClaim("preferred_username")).isEqualTo("funzionario");
        assertThat(a.getStringListClaim("roles")).containsExactly("operatore", "funzionario");
    }

    @Test
    void accessTokenIssuerCanBeTheIssuerUrlAndClientSecretPostWorks() throws Exception {
        DemoOidcProvider p = DemoOidcProvider.demo(0).accessTokenIssuer(null);
        p.start();
        try {
            Pkce pkce = new Pkce();
            String code = login(p, pkce, "operatore", "operatore-demo", REDIRECT);
            HttpResponse<String> t = post(p.issuer() + "/token", form(Map.of("grant_type", "authorization_code", "code", code,
                    "redirect_uri", REDIRECT, "code_verifier", pkce.verifier, "client_id", CLIENT, "client_secret", SECRET)), null);
            assertThat(t.statusCode()).isEqualTo(200);
            JWTClaimsSet a = SignedJWT.parse(Json.parse(t.body().getBytes(StandardCharsets.UTF_8)).path("access_token").asText()).getJWTClaimsSet();
            assertThat(a.getIssuer()).isEqualTo(p.issuer());
            assertThat(a.getStringListClaim("roles")).containsExactly("operatore");
        } finally {
            p.stop();
        }
    }

    @Test
    void wrongPasswordShowsTheFormAgainWithAnAlert() throws Exception {
        Pkce pkce = new Pkce();
        HttpResponse<String> r = post(idp.issuer() + "/authorize", loginForm(pkce, "operatore", "sbagliata", REDIRECT), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Location")).isEmpty();
        assertThat(r.body()).contains("role=\"alert\"", "Nome utente o password non corretti", "id=\"accedi\"",
                hidden("code_challenge", pkce.challenge), "value=\"operatore\"").doesNotContain("sbagliata");
        HttpResponse<String> unknown = post(idp.issuer() + "/authorize", loginForm(pkce, "nessuno", "x", REDIRECT), null);
        assertThat(unknown.statusCode()).isEqualTo(200);
        assertThat(unknown.body()).contains("role=\"alert\"");
    }

    @Test
    void unknownClientOrUnregisteredRedirectGets400AndNoRedirect() throws Exception {
        Pkce pkce = new Pkce();
        String unknownClient = authorizeUrl(pkce, "openid", REDIRECT).replace("client_id=" + CLIENT, "client_id=intruso");
        for (String url : List.of(unknownClient,
                authorizeUrl(pkce, "openid", "http://evil.example/login/oauth2/code/comune"),
                authorizeUrl(pkce, "openid", "http://127.0.0.1:80@evil.example/login/oauth2/code/comune"),
                authorizeUrl(pkce, "openid", "http://127.0.0.1:8080/login/oauth2/code/comune?next=http://evil.example"),
                authorizeUrl(pkce, "openid", "http://127.0.0.1:8080/altro"))) {
            HttpResponse<String> r = get(url);
            assertThat(r.statusCode()).as(url).isEqualTo(400);
            assertThat(r.headers().firstValue("Location")).as(url).isEmpty();
            assertThat(r.body()).contains("<html lang=\"it\">", "role=\"alert\"").doesNotContain("id=\"accedi\"");
        }
        HttpResponse<String> posted = post(idp.issuer() + "/authorize", loginForm(pkce, "operatore", "operatore-demo",
                "http://evil.example/login/oauth2/code/comune"), null);
        assertThat(posted.statusCode()).isEqualTo(400);
        assertThat(posted.headers().firstValue("Location")).isEmpty();
        // localhost is registered too
        assertThat(get(authorizeUrl(pkce, "openid", "http://localhost:8080/login/oauth2/code/comune")).statusCode()).isEqualTo(200);
    }

    @Test
    void missingOpenidScopeOrPkceGoesBackToTheClientWithAnError() throws Exception {
        Pkce pkce = new Pkce();
        HttpResponse<String> r = get(authorizeUrl(pkce, "profile", REDIRECT));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l)
                .startsWith(REDIRECT + "?error=invalid_scope").contains("state=st-1").doesNotContain("code="));

        HttpResponse<String> plain = get(authorizeUrl(pkce, "openid", REDIRECT).replace("code_challenge_method=S256", "code_challenge_method=plain"));
        assertThat(plain.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith(REDIRECT + "?error=invalid_request"));
        HttpResponse<String> noPkce = get(authorizeUrl(pkce, "openid", REDIRECT).replaceAll("&code_challenge=[^&]*", ""));
        assertThat(noPkce.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith(REDIRECT + "?error=invalid_request"));
        HttpResponse<String> token = get(authorizeUrl(pkce, "openid", REDIRECT).replace("response_type=code", "response_type=token"));
        assertThat(token.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith(REDIRECT + "?error=unsupported_response_type"));
    }

    @Test
    void codeIsSingleUse() throws Exception {
        Pkce pkce = new Pkce();
        String code = login(pkce, "operatore", "operatore-demo", REDIRECT);
        Map<String, String> form = Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT, "code_verifier", pkce.verifier);
        assertThat(token(form, CLIENT, SECRET).statusCode()).isEqualTo(200);
        HttpResponse<String> again = token(form, CLIENT, SECRET);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(error(again)).isEqualTo("invalid_grant");
    }

    @Test
    void wrongVerifierOrRedirectUriIsInvalidGrant() throws Exception {
        Pkce pkce = new Pkce();
        String code = login(pkce, "operatore", "operatore-demo", REDIRECT);
        HttpResponse<String> r = token(Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT,
                "code_verifier", new Pkce().verifier), CLIENT, SECRET);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r)).isEqualTo("invalid_grant");

        String other = login(pkce, "operatore", "operatore-demo", REDIRECT);
        HttpResponse<String> redirect = token(Map.of("grant_type", "authorization_code", "code", other,
                "redirect_uri", "http://127.0.0.1:54321/login/oauth2/code/altro", "code_verifier", pkce.verifier), CLIENT, SECRET);
        assertThat(error(redirect)).isEqualTo("invalid_grant");
    }

    @Test
    void wrongClientSecretIs401InvalidClient() throws Exception {
        Pkce pkce = new Pkce();
        String code = login(pkce, "operatore", "operatore-demo", REDIRECT);
        Map<String, String> form = Map.of("grant_type", "authorization_code", "code", code, "redirect_uri", REDIRECT, "code_verifier", pkce.verifier);
        HttpResponse<String> r = token(form, CLIENT, "segreto-sbagliato");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r)).isEqualTo("invalid_client");
        assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
        assertThat(post(idp.issuer() + "/token", form(form), null).statusCode()).as("no client authentication").isEqualTo(401);
        // the code survives an unauthenticated attempt
        assertThat(token(form, CLIENT, SECRET).statusCode()).isEqualTo(200);
    }

    @Test
    void otherGrantTypesAreUnsupported() throws Exception {
        HttpResponse<String> r = token(Map.of("grant_type", "password", "username", "operatore", "password", "operatore-demo"), CLIENT, SECRET);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(error(r)).isEqualTo("unsupported_grant_type");
        assertThat(error(token(Map.of("grant_type", "authorization_code"), CLIENT, SECRET))).isEqualTo("invalid_request");
    }

    @Test
    void codeExpiresAfterSixtySeconds() throws Exception {
        Instant t0 = Instant.now();
        Clock[] clock = {Clock.fixed(t0, ZoneOffset.UTC)};
        DemoOidcProvider p = DemoOidcProvider.demo(0).clock(new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return clock[0].instant();
            }
        });
        p.start();
        try {
            Pkce pkce = new Pkce();
            String code = login(p, pkce, "operatore", "operatore-demo", REDIRECT);
            clock[0] = Clock.fixed(t0.plus(Duration.ofSeconds(61)), ZoneOffset.UTC);
            HttpResponse<String> r = post(p.issuer() + "/token", form(Map.of("grant_type", "authorization_code", "code", code,
                    "redirect_uri", REDIRECT, "code_verifier", pkce.verifier)), basic(CLIENT, SECRET));
            assertThat(error(r)).isEqualTo("invalid_grant");
            assertThat(p.refusalReasons()).anyMatch(s -> s.contains("code expired"));
        } finally {
            p.stop();
        }
    }

    @Test
    void logoutReturnsOnlyToARegisteredOrigin() throws Exception {
        HttpResponse<String> back = get(idp.issuer() + "/logout?post_logout_redirect_uri="
                + enc("http://127.0.0.1:8080/console?logout") + "&state=s9&id_token_hint=x");
        assertThat(back.statusCode()).isEqualTo(302);
        assertThat(back.headers().firstValue("Location")).hasValue("http://127.0.0.1:8080/console?logout&state=s9");
        for (String target : List.of("http://evil.example/", "http://127.0.0.1:8080@evil.example/", "https://127.0.0.1:8080/console")) {
            HttpResponse<String> closed = get(idp.issuer() + "/logout?post_logout_redirect_uri=" + enc(target));
            assertThat(closed.statusCode()).as(target).isEqualTo(200);
            assertThat(closed.headers().firstValue("Location")).isEmpty();
            assertThat(closed.body()).contains("<html lang=\"it\">", "Sessione chiusa");
        }
        assertThat(get(idp.issuer() + "/logout").body()).contains("Sessione chiusa");
    }

    @Test
    void hostNameGoesIntoTheIssuer() throws Exception {
        DemoOidcProvider p = DemoOidcProvider.demo(0).setHost("localhost");
        p.start();
        try {
            assertThat(p.issuer()).isEqualTo("http://localhost:" + p.port());
            JsonNode d = Json.parse(get(p.baseUrl() + "/.well-known/openid-configuration").body().getBytes(StandardCharsets.UTF_8));
            assertThat(d.path("issuer").asText()).isEqualTo(p.issuer());
            assertThat(d.path("token_endpoint").asText()).isEqualTo(p.issuer() + "/token");
        } finally {
            p.stop();
        }
    }

    // --- helpers

    /** A PKCE verifier and its S256 challenge. */
    private static final class Pkce {
        final String verifier;
        final String challenge;

        Pkce() {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            challenge = DemoOidcProvider.s256(verifier);
        }
    }

    private static String login(Pkce pkce, String user, String password, String redirect) throws Exception {
        return login(idp, pkce, user, password, redirect);
    }

    /** GET the login page, POST the credentials, return the code of the redirect. */
    private static String login(DemoOidcProvider p, Pkce pkce, String user, String password, String redirect) throws Exception {
        assertThat(get(authorizeUrl(p, pkce, "openid profile roles", redirect)).statusCode()).isEqualTo(200);
        HttpResponse<String> r = post(p.issuer() + "/authorize", loginForm(pkce, user, password, redirect), null);
        assertThat(r.statusCode()).isEqualTo(302);
        String location = r.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(redirect + "?code=").endsWith("&state=st-1");
        Matcher m = Pattern.compile("[?&]code=([^&]+)").matcher(location);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String authorizeUrl(Pkce pkce, String scope, String redirect) {
        return authorizeUrl(idp, pkce, scope, redirect);
    }

    private static String authorizeUrl(DemoOidcProvider p, Pkce pkce, String scope, String redirect) {
        return p.issuer() + "/authorize?" + form(authorizeParams(pkce, scope, redirect));
    }

    private static Map<String, String> authorizeParams(Pkce pkce, String scope, String redirect) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("response_type", "code");
        m.put("client_id", CLIENT);
        m.put("scope", scope);
        m.put("state", "st-1");
        m.put("redirect_uri", redirect);
        m.put("nonce", "n-1");
        m.put("code_challenge", pkce.challenge);
        m.put("code_challenge_method", "S256");
        return m;
    }

    private static String loginForm(Pkce pkce, String user, String password, String redirect) {
        Map<String, String> m = authorizeParams(pkce, "openid profile roles", redirect);
        m.put("username", user);
        m.put("password", password);
        return form(m);
    }

    private static HttpResponse<String> token(Map<String, String> form, String client, String secret) throws Exception {
        return post(idp.issuer() + "/token", form(form), basic(client, secret));
    }

    private static String basic(String client, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((enc(client) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String form, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String form(Map<String, String> params) {
        StringBuilder b = new StringBuilder();
        params.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(enc(k)).append('=').append(enc(v)));
        return b.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String hidden(String name, String value) {
        return "<input type=\"hidden\" name=\"" + name + "\" value=\"" + DemoOidcProvider.html(value) + "\">";
    }

    private static String error(HttpResponse<String> r) {
        return Json.parse(r.body().getBytes(StandardCharsets.UTF_8)).path("error").asText();
    }

    private static List<String> texts(JsonNode d, String field) {
        return java.util.stream.StreamSupport.stream(d.path(field).spliterator(), false).map(JsonNode::asText).toList();
    }
}
