package it.comune.milano.suapgw.gateway.config;

import it.comune.milano.suapgw.schemas.geowork.GeoworkCallbackPortType;
import it.comune.milano.suapgw.schemas.geowork.GeoworkPortType;
import it.comune.milano.suapgw.schemas.infocamere.scrivania.PddServiceEnte;
import it.comune.milano.suapgw.schemas.infocamere.scrivania.PddServiceSUAP;
import org.apache.camel.component.cxf.common.DataFormat;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import java.util.HashMap;
import java.util.Map;

/**
 * The SOAP endpoints of the gateway (Camel CXF, contract-first from the WSDLs in schemas/): the services it provides
 * under /services, schema-validated, and the clients of the services it calls.
 */
@Configuration
public class SoapEndpoints {
    public static final String GEOWORK_CLIENT = "cxf:bean:geoworkClient";
    public static final String GEOWORK_CALLBACK = "cxf:bean:geoworkCallback";
    public static final String PDD_SERVICE_ENTE = "cxf:bean:pddServiceEnte";
    public static final String PDD_SERVICE_SUAP_CLIENT = "cxf:bean:pddServiceSuapClient";

    @Bean
    public CxfEndpoint geoworkClient(GatewayProperties props) {
        return endpoint(props.geowork().address(), GeoworkPortType.class, "classpath:geowork/geowork.wsdl", Map.of());
    }

    @Bean
    public CxfEndpoint geoworkCallback() {
        return endpoint("/geowork-callback", GeoworkCallbackPortType.class, "classpath:geowork/geowork-callback.wsdl",
                Map.of("schema-validation-enabled", "true"));
    }

    /** The scrivania's cooperation messages; a message's attachment is at most one package (larger parts cached on disk). */
    @Bean
    public CxfEndpoint pddServiceEnte(GatewayProperties props) {
        return endpoint("/PddServiceEnte", PddServiceEnte.class, "classpath:infocamere/PddServiceEnte.wsdl",
                Map.of("schema-validation-enabled", "true",
                        "attachment-max-size", String.valueOf(props.scrivania().maxTotalBytes())));
    }

    @Bean
    public CxfEndpoint pddServiceSuapClient(GatewayProperties props) {
        return endpoint(props.scrivania().address(), PddServiceSUAP.class, "classpath:infocamere/PddServiceSuap.wsdl", Map.of());
    }

    private static CxfEndpoint endpoint(String address, Class<?> service, String wsdl, Map<String, Object> properties) {
        CxfEndpoint e = new CxfEndpoint();
        e.setAddress(address);
        e.setServiceClass(service);
        e.setWsdlURL(wsdl);
        e.setDataFormat(DataFormat.POJO);
        if (!properties.isEmpty()) e.setProperties(new HashMap<>(properties));
        return e;
    }
}
