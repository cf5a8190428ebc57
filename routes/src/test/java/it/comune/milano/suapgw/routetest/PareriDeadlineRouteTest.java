package it.comune.milano.suapgw.routetest;

import it.comune.milano.suapgw.gateway.pareri.PareriDeadlineRoute;
import it.comune.milano.suapgw.gateway.pareri.PareriService;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.time.Duration;

import static org.mockito.Mockito.verify;

/** The overdue-pareri timer asks for the reminders with the configured interval. */
@Import(PareriDeadlineRoute.class)
class PareriDeadlineRouteTest extends RouteTestBase {
    @MockitoBean
    PareriService pareri;

    @Override
    protected void advise() throws Exception {
        adviceWith("pareri-deadlines", a -> a.replaceFromWith("direct:tick"));
    }

    @Test
    void eachTickRemindsWhatIsOverdueAtMostOncePerConfiguredInterval() {
        producer.sendBody("direct:tick", null);

        verify(pareri).remindOverdue(Duration.ofHours(24));
    }
}
