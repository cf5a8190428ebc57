package it.comune.milano.suapgw.gateway.common;

import com.sun.net.httpserver.HttpServer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every outbound call goes through one endpoint of its HTTP component whatever its URL: camel-http builds an HTTP client
 * (and its evictor thread) per endpoint, so an endpoint per URL cost a client per pratica or document.
 */
class OutboundHttpTest {
    HttpServer peer;
    final List<String> received = new CopyOnWriteArrayList<>();
    CamelContext camel;

    @BeforeEach
    void start() throws Exception {
        peer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        peer.createContext("/", x -> {
            received.add(x.getRequestMethod() + " " + x.getRequestURI() + " key=" + x.getRequestHeaders().getFirst("Idempotency-Key")
                    + " leaked=" + x.getRequestHeaders().containsKey("CamelHttpUri"));
            byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, ok.length);
            x.getResponseBody().write(ok);
            x.close();
        });
        peer.start();
        camel = new DefaultCamelContext();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:get").process(e -> OutboundHttp.get(e, e.getMessage().getBody(String.class), "page=2")).toD(OutboundHttp.TO_URL);
                from("direct:post").process(e -> OutboundHttp.postJson(e, e.getMessage().getBody(String.class), "{}")).toD(OutboundHttp.TO_URL);
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
        peer.stop(0);
    }

    @Test
    void callsToManyUrlsShareOneEndpointAndTheUrlIsNeverSentAsAHeader() {
        String base = "http://127.0.0.1:" + peer.getAddress().getPort();
        ProducerTemplate template = camel.createProducerTemplate();
        for (int i = 0; i < 5; i++) {
            assertThat(template.requestBody("direct:get", base + "/instance/cui-" + i + "/document/doc%20" + i, String.class)).isEqualTo("ok");
        }
        Exchange posted = template.request("direct:post", e -> e.getMessage().setBody(base + "/notify"));
        assertThat(posted.getException()).isNull();

        assertThat(received).hasSize(6).allMatch(r -> r.endsWith("leaked=false"));
        assertThat(received.get(3)).startsWith("GET /instance/cui-3/document/doc%203?page=2 ");
        assertThat(received.get(5)).startsWith("POST /notify ");
        assertThat(camel.getEndpoints().stream().filter(HttpEndpoint.class::isInstance).toList())
                .as("one endpoint (and one HTTP client) for every URL").hasSize(1);
    }
}
