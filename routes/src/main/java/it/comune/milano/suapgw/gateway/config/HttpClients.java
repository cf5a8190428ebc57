package it.comune.milano.suapgw.gateway.config;

import org.apache.camel.component.http.HttpComponent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One HTTP client per system of the OSP pre-istruttoria, each with its own timeout: a system slower than its timeout
 * counts as unavailable. A URL {@code http://...} is sent through one of them as {@code <name>://...}. The other
 * peers share camel-http's default client (camel.component.http.*).
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

    private static HttpComponent withTimeout(long ms) {
        HttpComponent c = new HttpComponent();
        c.setConnectTimeout(ms);
        c.setConnectionRequestTimeout(ms);
        c.setResponseTimeout(ms);
        c.setSoTimeout(ms);
        return c;
    }
}
