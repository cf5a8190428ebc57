package it.comune.milano.suapgw.gateway.osp;

import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.nio.file.Path;

/** The OSP rules, city zones and templates, from the configuration directory (suapgw.config-dir). */
@Configuration
public class OspRulesConfig {
    @Bean
    public OspRules ospRules(GatewayProperties props) {
        return OspRules.load(configPath(props, props.osp().rules()));
    }

    @Bean
    public CityZones cityZones(GatewayProperties props) {
        return CityZones.load(configPath(props, props.osp().zones()));
    }

    @Bean
    public Checklist ospChecklist(CityZones zones, OspRules rules) {
        return new Checklist(zones, rules);
    }

    @Bean
    public Comunicazioni ospComunicazioni(GatewayProperties props) {
        return new Comunicazioni(configPath(props, props.osp().templates()));
    }

    /** Relative to the config directory unless absolute. */
    private static Path configPath(GatewayProperties props, String path) {
        Path p = Path.of(path);
        return p.isAbsolute() ? p : Path.of(props.configDir()).resolve(p);
    }
}
