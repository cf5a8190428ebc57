package it.comune.milano.suapgw.gateway.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.geowork.GeoworkMapper;
import it.comune.milano.suapgw.connectors.pareri.PareriMessages;
import it.comune.milano.suapgw.connectors.osp.Checklist;
import it.comune.milano.suapgw.connectors.osp.CityZones;
import it.comune.milano.suapgw.connectors.osp.Comunicazioni;
import it.comune.milano.suapgw.connectors.osp.OspRules;
import it.comune.milano.suapgw.connectors.pec.PecMessages;
import it.comune.milano.suapgw.connectors.scrivania.PackageLimits;
import it.comune.milano.suapgw.connectors.scrivania.PraticaPackageReader;
import it.comune.milano.suapgw.connectors.scrivania.ScrivaniaMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuSchemas;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class ConnectorBeans {
    @Bean
    public SsuSchemas ssuSchemas() {
        return new SsuSchemas();
    }

    @Bean
    public SsuMapper ssuMapper(ObjectMapper json) {
        return new SsuMapper(json);
    }

    @Bean
    public GeoworkMapper geoworkMapper() {
        return new GeoworkMapper();
    }

    @Bean
    public PareriMessages pareriMessages(ObjectMapper json) {
        return new PareriMessages(json);
    }

    @Bean
    public ScrivaniaMapper scrivaniaMapper() {
        return new ScrivaniaMapper();
    }

    @Bean
    public PraticaPackageReader praticaPackageReader(GatewayProperties props) {
        GatewayProperties.Scrivania s = props.scrivania();
        return new PraticaPackageReader(new PackageLimits(s.maxPackageEntries(), s.maxEntryBytes(), s.maxTotalBytes(),
                s.maxCompressionRatio(), PackageLimits.defaults().ratioThresholdBytes()));
    }

    @Bean
    public PecMessages pecMessages() {
        return new PecMessages();
    }

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

    /** Files of the OSP configuration, relative to the config directory (suapgw.config-dir) unless absolute. */
    private static java.nio.file.Path configPath(GatewayProperties props, String path) {
        java.nio.file.Path p = java.nio.file.Path.of(path);
        return p.isAbsolute() ? p : java.nio.file.Path.of(props.configDir()).resolve(p);
    }
}
