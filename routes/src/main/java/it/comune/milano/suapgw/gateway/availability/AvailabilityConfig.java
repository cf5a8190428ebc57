package it.comune.milano.suapgw.gateway.availability;

import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.security.modi.ModiProperties;
import it.comune.milano.suapgw.gateway.security.modi.ModiService;
import it.comune.milano.suapgw.gateway.security.modi.SignedSsuErrors;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The readiness gate, the first filter of every request (before Spring Security and ModI). */
@Configuration
public class AvailabilityConfig {
    @Bean
    public SignedSsuErrors signedSsuErrors(ModiService modi, ModiProperties props, SsuMapper ssu) {
        return new SignedSsuErrors(modi, props, ssu);
    }

    @Bean
    public FilterRegistrationBean<ReadinessGate> readinessGate(GatewayReadiness readiness, SignedSsuErrors ssuErrors) {
        FilterRegistrationBean<ReadinessGate> r = new FilterRegistrationBean<>(new ReadinessGate(readiness::open, ssuErrors::write));
        r.addUrlPatterns("/*");
        r.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return r;
    }
}
