package it.comune.milano.suapgw.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class SuapGatewayApplication {
    public static void main(String[] args) {
        SpringApplication.run(SuapGatewayApplication.class, args);
    }
}
