package it.comune.milano.suapgw.gateway.availability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.security.modi.ModiKeys;
import it.comune.milano.suapgw.gateway.security.modi.ModiProperties;
import it.comune.milano.suapgw.gateway.security.modi.ModiService;
import it.comune.milano.suapgw.gateway.security.modi.SignedSsuErrors;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.w3c.dom.Document;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The readiness gate closed (starting, stopping) and open, with the gateway's real SSU error writer and demo key. */
class ReadinessGateTest {
    static final Path KEYS = Path.of("../config/demo/keys");
    static final ObjectMapper JSON = new ObjectMapper();

    final ModiProperties props = new ModiProperties("suapgw-milano", "suapgw-milano-1", KEYS.resolve("suapgw.pem").toString(),
            new ModiProperties.Pdnd("pdnd-simulator", null, null, null),
            Map.of("bo_to_fo", "suapgw-milano/bo_to_fo", "bo_to_et", "suapgw-milano/bo_to_et"), "frontoffice", "catalogo",
            Map.of(), Duration.ofSeconds(60), null, 0);
    final SignedSsuErrors ssuErrors = new SignedSsuErrors(
            new ModiService(props, new ModiKeys(KEYS.resolve("suapgw.pem"), "suapgw-milano-1"), null, null), props, new SsuMapper(JSON));
    final AtomicBoolean open = new AtomicBoolean();
    final ReadinessGate gate = new ReadinessGate(open::get, ssuErrors::write);

    @Test
    void whileNotReadyAnSsuCallGetsTheSignedSsu503() throws Exception {
        MockHttpServletResponse response = call("POST", "/ssu/et/send_conclusions");
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getContentType()).startsWith("application/json");
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        JsonNode body = JSON.readTree(response.getContentAsByteArray());
        assertThat(body.path("code").asText()).isEqualTo("ERROR_503_001");
        assertThat(body.path("message").asText()).isEqualTo("operation unavailable");
        SignedJWT signature = SignedJWT.parse(response.getHeader("Agid-JWT-Signature"));
        assertThat(signature.verify(new RSASSAVerifier(gatewayPublicKey()))).isTrue();
        assertThat(signature.getJWTClaimsSet().getAudience()).containsExactly("suapgw-milano/bo_to_et");
        assertThat(signature.getJWTClaimsSet().getClaim("signed_headers").toString()).contains(response.getHeader("Digest"));
        assertThat(response.getHeader("Digest")).isEqualTo(ModiService.digest(response.getContentAsByteArray()));
    }

    @Test
    void whileNotReadyASoapCallGetsAServerFault() throws Exception {
        MockHttpServletResponse response = call("POST", "/services/geowork-callback");
        assertThat(response.getStatus()).isEqualTo(500);
        assertThat(response.getContentType()).startsWith("text/xml");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        Document fault = f.newDocumentBuilder().parse(new ByteArrayInputStream(response.getContentAsByteArray()));
        String soap11 = "http://schemas.xmlsoap.org/soap/envelope/";
        assertThat(fault.getDocumentElement().getNamespaceURI()).isEqualTo(soap11);
        assertThat(fault.getElementsByTagNameNS(soap11, "Fault").getLength()).isEqualTo(1);
        assertThat(fault.getElementsByTagName("faultcode").item(0).getTextContent()).isEqualTo("soap:Server");
        assertThat(fault.getElementsByTagName("faultstring").item(0).getTextContent()).isEqualTo("service unavailable");
    }

    @Test
    void whileNotReadyAnyOtherPathGetsA503ButTheProbesAreServed() throws Exception {
        for (String path : List.of("/api/pratiche", "/geopost/eventi", "/console", "/")) {
            MockHttpServletResponse response = call("GET", path);
            assertThat(response.getStatus()).as(path).isEqualTo(503);
            assertThat(response.getContentType()).isEqualTo("application/problem+json");
            assertThat(JSON.readTree(response.getContentAsByteArray()).path("status").asInt()).isEqualTo(503);
        }
        MockFilterChain chain = new MockFilterChain();
        gate.doFilter(new MockHttpServletRequest("GET", "/actuator/health/readiness"), new MockHttpServletResponse(), chain);
        assertThat(chain.getRequest()).as("the readiness probe answers for itself").isNotNull();
    }

    @Test
    void whenReadyEveryRequestPassesThrough() throws Exception {
        open.set(true);
        for (String path : List.of("/ssu/fo/send_instance", "/services/geowork-callback", "/api/pratiche")) {
            MockFilterChain chain = new MockFilterChain();
            MockHttpServletResponse response = new MockHttpServletResponse();
            gate.doFilter(new MockHttpServletRequest("POST", path), response, chain);
            assertThat(chain.getRequest()).as(path).isNotNull();
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentLength()).isZero();
        }
    }

    MockHttpServletResponse call(String method, String path) throws Exception {
        MockFilterChain chain = new MockFilterChain();
        MockHttpServletResponse response = new MockHttpServletResponse();
        gate.doFilter(new MockHttpServletRequest(method, path), response, chain);
        assertThat(chain.getRequest()).as("not passed on to the routes").isNull();
        return response;
    }

    static RSAKey gatewayPublicKey() throws Exception {
        return JWK.parseFromPEMEncodedObjects(Files.readString(KEYS.resolve("suapgw.pub.pem"))).toRSAKey();
    }
}
