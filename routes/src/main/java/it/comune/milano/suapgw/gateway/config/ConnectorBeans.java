package it.comune.milano.suapgw.gateway.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.geowork.GeoworkMapper;
import it.comune.milano.suapgw.connectors.pareri.PareriMessages;
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
}
