package it.comune.milano.suapgw.routetest;

import it.comune.milano.suapgw.gateway.common.ExchangeKeys;
import it.comune.milano.suapgw.gateway.common.RouteConfigurations;
import it.comune.milano.suapgw.gateway.config.ConnectorBeans;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.config.SecurityConfig;
import it.comune.milano.suapgw.gateway.outbox.OutboxEntry;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.apache.camel.util.function.ThrowingConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.jms.JmsAutoConfiguration;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/**
 * The base of the route tests: one RouteBuilder (imported by the test class) in a light Spring Boot application —
 * Camel, the web server on a random port (REST routes are called over HTTP), the gateway's security, its route
 * configurations and its connectors — with the services the route calls mocked ({@code @MockitoBean}) and the
 * endpoints towards other systems advised ({@link #advise()}) before Camel starts. No database, no broker: those
 * are the integration tests' business.
 */
@CamelSpringBootTest
@UseAdviceWith
@org.springframework.test.context.ActiveProfiles("demo")
@SpringBootTest(classes = RouteTestBase.RouteTestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"camel.springboot.main-run-controller=false", "camel.main.name=route-test"})
public abstract class RouteTestBase {
    static {
        // the enti registry is a config import, resolved before any test property
        System.setProperty("suapgw.config-dir", "../config");
    }

    /** Outside the gateway's package, so that the gateway's own component scan (in the ITs) never picks it up. */
    @SpringBootConfiguration
    @EnableAutoConfiguration(exclude = {DataSourceAutoConfiguration.class, DataSourceTransactionManagerAutoConfiguration.class,
            JdbcTemplateAutoConfiguration.class, FlywayAutoConfiguration.class, ArtemisAutoConfiguration.class,
            JmsAutoConfiguration.class})
    @EnableConfigurationProperties({GatewayProperties.class, it.comune.milano.suapgw.gateway.security.modi.ModiProperties.class})
    @Import({RouteConfigurations.class, ConnectorBeans.class, SecurityConfig.class, it.comune.milano.suapgw.gateway.config.SecretsGuard.class})
    public static class RouteTestApplication {
    }

    protected static final HttpClient HTTP = HttpClient.newHttpClient();
    /** the demo identity provider (application-demo.yaml trusts its key) */
    protected static final it.comune.milano.suapgw.simulators.support.DemoIdp IDP = it.comune.milano.suapgw.simulators.support.DemoIdp.demo();
    /** an operator with every role: get and post call the API as this one */
    protected static final String OPERATOR = IDP.bearer("route-test", "operatore", "funzionario", "amministratore");

    /** ModI on outbound calls is ModiOutbound's (tested on its own and in the ITs): here it signs nothing */
    @org.springframework.test.context.bean.override.mockito.MockitoBean
    protected it.comune.milano.suapgw.gateway.security.modi.ModiOutbound modi;

    @Autowired
    protected CamelContext camel;
    @Autowired
    protected ProducerTemplate producer;
    @LocalServerPort
    protected int port;

    /** Advises the routes under test once per application context, then starts Camel. */
    @BeforeEach
    void startCamel() throws Exception {
        if (!camel.isStarted()) {
            advise();
            camel.start();
        }
        MockEndpoint.resetMocks(camel);
    }

    /** Override to replace the endpoints towards other systems (AdviceWith) before Camel starts. */
    protected void advise() throws Exception {
    }

    protected void adviceWith(String routeId, ThrowingConsumer<AdviceWithRouteBuilder, Exception> advice) throws Exception {
        AdviceWith.adviceWith(camel, routeId, advice);
    }

    protected MockEndpoint mock(String name) {
        return camel.getEndpoint("mock:" + name, MockEndpoint.class);
    }

    /** Sends an outbox entry to the route of its kind, as the relay does. */
    protected Exchange callOutbox(OutboxKind kind, UUID praticaId, String payload) {
        OutboxEntry entry = new OutboxEntry(1L, praticaId, kind.name(), payload, 1);
        return producer.send(kind.endpoint(), e -> {
            e.setProperty(ExchangeKeys.OUTBOX_ENTRY, entry);
            e.getMessage().setBody(entry);
        });
    }

    protected HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", OPERATOR)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** GET with this Authorization (null: none). */
    protected HttpResponse<String> getAs(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (authorization != null) b.header("Authorization", authorization);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    protected HttpResponse<String> post(String path, String contentType, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", contentType).header("Authorization", OPERATOR).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
