package it.comune.milano.suapgw.gateway.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.ermes.ErmesMapper;
import it.comune.milano.suapgw.connectors.geopost.GeopostMapper;
import it.comune.milano.suapgw.connectors.geowork.GeoworkMapper;
import it.comune.milano.suapgw.connectors.geri.GeriMapper;
import it.comune.milano.suapgw.connectors.osapi.OsapiMapper;
import it.comune.milano.suapgw.connectors.pareri.PareriMessages;
import it.comune.milano.suapgw.connectors.pec.PecMessages;
import it.comune.milano.suapgw.connectors.scrivania.PackageLimits;
import it.comune.milano.suapgw.connectors.scrivania.PraticaPackageReader;
import it.comune.milano.suapgw.connectors.scrivania.ScrivaniaMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuEntiMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The connectors (one per external system): translation only, configured here once. */
@Configuration
public class ConnectorBeans {
    @Bean
    public JsonContracts jsonContracts() {
        return new JsonContracts();
    }

    @Bean
    public SsuMapper ssuMapper(ObjectMapper json) {
        return new SsuMapper(json);
    }

    @Bean
    public SsuEntiMapper ssuEntiMapper(ObjectMapper json, SsuMapper ssu) {
        return new SsuEntiMapper(json, ssu);
    }

    @Bean
    public GeoworkMapper geoworkMapper() {
        return new GeoworkMapper();
    }

    @Bean
    public PareriMessages pareriMessages(ObjectMapper json, JsonContracts contracts) {
        return new PareriMessages(json, contracts);
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
    public GeopostMapper geopostMapper(JsonContracts contracts, ObjectMapper json) {
        return new GeopostMapper(contracts, json);
    }

    @Bean
    public OsapiMapper osapiMapper(ObjectMapper json) {
        return new OsapiMapper(json);
    }

    @Bean
    public ErmesMapper ermesMapper() {
        return new ErmesMapper();
    }

    @Bean
    public GeriMapper geriMapper(ObjectMapper json) {
        return new GeriMapper(json);
    }
}
