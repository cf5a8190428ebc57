package it.comune.milano.suapgw.gateway.termini;

import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/** The Comune's legal calendar, from the configuration directory (suapgw.termini.calendario). */
@Configuration
public class CalendarioConfig {
    @Bean
    public CalendarioLegale calendarioLegale(GatewayProperties props) {
        String file = props.termini() == null || props.termini().calendario() == null
                ? "calendario.yaml" : props.termini().calendario();
        Path p = Path.of(file);
        return CalendarioLegale.load(p.isAbsolute() ? p : Path.of(props.configDir()).resolve(p));
    }
}
