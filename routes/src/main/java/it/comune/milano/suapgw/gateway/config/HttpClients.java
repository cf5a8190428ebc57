package it.comune.milano.suapgw.gateway.config;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.core5.http.config.Registry;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.util.TimeValue;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One HTTP client per system of the OSP pre-istruttoria, each with its own timeout: a system slower than its timeout
 * counts as unavailable. A URL {@code http://...} is sent through one of them as {@code <name>://...}. The other
 * peers share camel-http's default client (camel.component.http.*).
 * <p>
 * No client retries by itself: a request resent by the HTTP client would carry the same ModI signature (its jti
 * refused as a replay) and bypass the retry policy; the outbox retries, with a new signature each time. Idle pooled
 * connections are evicted before a peer's keep-alive closes them.
 */
@Configuration
public class HttpClients {
    public static final String OSAPI = "osapihttp", ERMES = "ermeshttp", GERI = "gerihttp";

    @Bean(OSAPI)
    public HttpComponent osapiHttp(GatewayProperties props) {
        return withTimeout(props.osp().timeoutMs("osapi"));
    }

    @Bean(ERMES)
    public HttpComponent ermesHttp(GatewayProperties props) {
        return withTimeout(props.osp().timeoutMs("ermes"));
    }

    @Bean(GERI)
    public HttpComponent geriHttp(GatewayProperties props) {
        return withTimeout(props.osp().timeoutMs("geri"));
    }

    /** camel-http's own component ({@code http:}), configured by camel.component.http.*, its pool validated. */
    @Bean("http")
    public HttpComponent http() {
        return new ValidatingHttpComponent();
    }

    /** camel-http's own component, as auto-configured, without automatic retries. */
    @Bean
    public ComponentCustomizer httpWithoutAutomaticRetries() {
        return ComponentCustomizer.forType(HttpComponent.class, c -> c.setHttpClientConfigurer(NO_AUTOMATIC_RETRIES));
    }

    public static final HttpClientConfigurer NO_AUTOMATIC_RETRIES = b -> b.disableAutomaticRetries()
            .evictIdleConnections(TimeValue.ofSeconds(4)).evictExpiredConnections();

    /**
     * A pooled connection idle for more than {@link #VALIDATE_AFTER_INACTIVITY} is checked before it is reused: a peer
     * that closed its end of a keep-alive connection would otherwise answer nothing (NoHttpResponseException), a
     * failed call and a possible duplicate at every idle period.
     */
    public static class ValidatingHttpComponent extends HttpComponent {
        private final TimeValue validateAfterInactivity;

        public ValidatingHttpComponent() {
            this(VALIDATE_AFTER_INACTIVITY);
        }

        public ValidatingHttpComponent(TimeValue validateAfterInactivity) {
            this.validateAfterInactivity = validateAfterInactivity;
        }

        @Override
        protected HttpClientConnectionManager createConnectionManager(Registry<ConnectionSocketFactory> registry, int maxTotal,
                                                                      int perRoute, SocketConfig socketConfig) {
            HttpClientConnectionManager manager = super.createConnectionManager(registry, maxTotal, perRoute, socketConfig);
            if (manager instanceof PoolingHttpClientConnectionManager pool) {
                pool.setDefaultConnectionConfig(ConnectionConfig.custom().setValidateAfterInactivity(validateAfterInactivity).build());
            }
            return manager;
        }
    }

    static final TimeValue VALIDATE_AFTER_INACTIVITY = TimeValue.ofMilliseconds(500);

    private static HttpComponent withTimeout(long ms) {
        HttpComponent c = new ValidatingHttpComponent();
        c.setHttpClientConfigurer(NO_AUTOMATIC_RETRIES);
        c.setConnectTimeout(ms);
        c.setConnectionRequestTimeout(ms);
        c.setResponseTimeout(ms);
        c.setSoTimeout(ms);
        return c;
    }
}
