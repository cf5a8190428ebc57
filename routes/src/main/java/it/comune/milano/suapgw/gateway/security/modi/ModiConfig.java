package it.comune.milano.suapgw.gateway.security.modi;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import java.net.http.HttpClient;
import java.time.Duration;

/** ModI/PDND: the service, our vouchers, and the filter every SSU e-service we provide sits behind. */
@Configuration
@EnableConfigurationProperties({ModiProperties.class, it.comune.milano.suapgw.gateway.security.systems.SystemsProperties.class})
public class ModiConfig {
    @Bean
    public ModiService modiService(ModiProperties props, JtiStore jtis, ObjectMapper json, io.micrometer.core.instrument.MeterRegistry meters) {
        if (props.clientId() == null || props.privateKey() == null || props.pdnd() == null) {
            throw new IllegalStateException("suapgw.modi is not configured: client-id, kid, private-key and pdnd.* are required"
                    + " (docs/modi-pdnd.md)");
        }
        ModiService modi = ModiService.of(props, jtis, http(), json);
        io.micrometer.core.instrument.FunctionCounter.builder("suapgw.modi.signatures", modi, ModiService::signatures)
                .description("ModI signatures (RS256) made: requests, responses, PDND client assertions").register(meters);
        return modi;
    }

    @Bean
    public PdndVouchers pdndVouchers(ModiService modi, ModiProperties props, ObjectMapper json) {
        return new PdndVouchers(modi, props.pdnd().tokenUrl(), http(), json);
    }

    @Bean
    public FilterRegistrationBean<ModiInboundFilter> modiInboundFilter(ModiService modi, ModiProperties props,
                                                                      it.comune.milano.suapgw.gateway.config.GatewayProperties gateway,
                                                                      it.comune.milano.suapgw.connectors.ssu.SsuMapper ssu) {
        FilterRegistrationBean<ModiInboundFilter> r = new FilterRegistrationBean<>(new ModiInboundFilter(modi, props, gateway, ssu));
        r.addUrlPatterns("/ssu/*");
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return r;
    }

    /** The Comune's systems and the scrivania: their messages signed (SignedMessagesFilter). */
    @Bean
    public FilterRegistrationBean<it.comune.milano.suapgw.gateway.security.systems.SignedMessagesFilter> signedMessagesFilter(
            ModiService modi, it.comune.milano.suapgw.gateway.security.systems.SystemsProperties systems) {
        var r = new FilterRegistrationBean<>(new it.comune.milano.suapgw.gateway.security.systems.SignedMessagesFilter(modi, systems));
        r.addUrlPatterns("/services/*", "/geopost/*");
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return r;
    }

    private static HttpClient http() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }
}
