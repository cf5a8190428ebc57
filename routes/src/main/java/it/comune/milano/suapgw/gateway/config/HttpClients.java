package it.comune.milano.suapgw.gateway.config;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.ComponentCustomizer;
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

    /** camel-http's own component, as auto-configured, without automatic retries. */
    @Bean
    public ComponentCustomizer httpWithoutAutomaticRetries() {
        return ComponentCustomizer.forType(HttpComponent.class, c -> c.setHttpClientConfigurer(NO_AUTOMATIC_RETRIES));
    }

    static final HttpClientConfigurer NO_AUTOMATIC_RETRIES = b -> b.disableAutomaticRetries()
            .evictIdleConnections(TimeValue.ofSeconds(4)).evictExpiredConnections();

    private static HttpComponent withTimeout(long ms) {
        HttpComponent c = new HttpComponent();
        c.setHttpClientConfigurer(NO_AUTOMATIC_RETRIES);
        c.setConnectTimeout(ms);
        c.setConnectionRequestTimeout(ms);
        c.setResponseTimeout(ms);
        c.setSoTimeout(ms);
        return c;
    }
}
