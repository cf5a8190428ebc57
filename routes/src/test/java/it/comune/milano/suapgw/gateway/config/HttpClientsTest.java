package it.comune.milano.suapgw.gateway.config;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.hc.core5.util.TimeValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A peer that closes its end of a keep-alive connection once it has answered (as a peer's keep-alive timeout does):
 * without validation the pooled connection is reused and the call gets no answer; validated, it is replaced.
 */
class HttpClientsTest {
    ServerSocket server;
    final AtomicInteger closed = new AtomicInteger();
    Thread acceptor;

    @BeforeEach
    void peerClosingIdleConnections() throws Exception {
        server = new ServerSocket(0);
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        // headers
                    }
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (Exception stop) {
                    // closed
                }
                closed.incrementAndGet();
            }
        });
        acceptor.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        acceptor.join(5000);
    }

    @Test
    void aConnectionThePeerClosedIsNotReusedWhenValidated() throws Exception {
        assertThat(twoCalls(new HttpClients.ValidatingHttpComponent(TimeValue.ZERO_MILLISECONDS))).isEqualTo("ok");
    }

    @Test
    void withoutValidationTheClosedConnectionIsReusedAndTheCallFails() {
        HttpComponent plain = new HttpComponent();
        assertThatThrownBy(() -> twoCalls(plain)).hasRootCauseInstanceOf(org.apache.hc.core5.http.NoHttpResponseException.class);
    }

    private String twoCalls(HttpComponent component) throws Exception {
        component.setHttpClientConfigurer(HttpClients.NO_AUTOMATIC_RETRIES);
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addComponent("peer", component);
            camel.start();
            ProducerTemplate producer = camel.createProducerTemplate();
            String url = "peer://127.0.0.1:" + server.getLocalPort() + "/x";
            assertThat(producer.requestBody(url, null, String.class)).isEqualTo("ok");
            await().until(() -> closed.get() >= 1); // the peer has closed its end; the client's pool still holds it
            return producer.requestBody(url, null, String.class);
        }
    }
}
