package it.comune.milano.suapgw.gateway.availability;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.EventNotifierSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Whether the gateway takes requests now: every Camel route started, Spring Boot ready (ReadinessState
 * ACCEPTING_TRAFFIC, published once the application has started), and no shutdown begun. Tomcat listens seconds
 * before the routes are up, and keeps listening while they stop: {@link ReadinessGate} answers those requests.
 * Camel stopping for any reason makes the readiness probe say so too (REFUSING_TRAFFIC).
 */
@Component
public class GatewayReadiness implements CamelContextConfiguration {
    private static final Logger log = LoggerFactory.getLogger(GatewayReadiness.class);

    private final ApplicationEventPublisher events;
    private volatile boolean routesStarted;
    private volatile boolean accepting;
    private volatile boolean closing;

    public GatewayReadiness(ApplicationEventPublisher events) {
        this.events = events;
    }

    /** Whether a request may reach the routes now. */
    public boolean open() {
        return routesStarted && accepting && !closing;
    }

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        camel.getManagementStrategy().addEventNotifier(new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                if (event instanceof CamelEvent.CamelContextStartedEvent) {
                    routesStarted = allRoutesStarted(camel);
                    log.info("Camel routes {}", routesStarted ? "all started: requests admitted once the application is ready"
                            : "not all started: requests still refused");
                } else if (event instanceof CamelEvent.CamelContextStoppingEvent) {
                    routesStarted = false;
                    AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
                }
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.CamelContextStartedEvent || event instanceof CamelEvent.CamelContextStoppingEvent;
            }
        });
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
    }

    static boolean allRoutesStarted(CamelContext camel) {
        for (Route r : camel.getRoutes()) {
            var status = camel.getRouteController().getRouteStatus(r.getRouteId());
            if (status == null || !status.isStarted()) return false;
        }
        return true;
    }

    @EventListener
    public void readiness(AvailabilityChangeEvent<ReadinessState> event) {
        accepting = event.getState() == ReadinessState.ACCEPTING_TRAFFIC;
    }

    /** From the first moment of a shutdown, before Tomcat stops listening and Camel stops its routes. */
    @EventListener(ContextClosedEvent.class)
    public void closing() {
        closing = true;
    }
}
