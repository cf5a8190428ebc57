package it.comune.milano.suapgw.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

import javax.xml.stream.XMLEventFactory;

@SpringBootApplication
@ConfigurationPropertiesScan
public class SuapGatewayApplication {
    public static void main(String[] args) {
        namedStaxEventFactory();
        SpringApplication.run(SuapGatewayApplication.class, args);
    }

    /**
     * CXF creates an XMLEventFactory for every SOAP message it writes through its caching writer; unnamed, the JDK looks
     * for a provider on the whole class path each time (7% of the gateway's CPU end to end in the benchmark). Woodstox,
     * the only provider in the jar, is the one that lookup found.
     */
    static void namedStaxEventFactory() {
        if (System.getProperty(XMLEventFactory.class.getName()) == null) {
            System.setProperty(XMLEventFactory.class.getName(), "com.ctc.wstx.stax.WstxEventFactory");
        }
    }
}
