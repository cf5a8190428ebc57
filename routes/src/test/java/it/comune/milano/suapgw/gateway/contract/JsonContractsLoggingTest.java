package it.comune.milano.suapgw.gateway.contract;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.ssu.SsuContract;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/** The SSU contracts are schemas inside OpenAPI documents: loading them is not a WARN per OpenAPI member. */
class JsonContractsLoggingTest {

    @Test
    void loadingASchemaInsideTheSsuOpenApiWarnsOfNoUnknownKeyword() {
        Logger validator = (Logger) LoggerFactory.getLogger("com.networknt.schema");
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        validator.addAppender(logged);
        try {
            assertThat(new JsonContracts().validate(SsuContract.SEND_INSTANCE, JsonNodeFactory.instance.objectNode()))
                    .as("an empty body is still refused").isNotEmpty();
        } finally {
            validator.detachAppender(logged);
        }
        assertThat(logged.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(ILoggingEvent::getFormattedMessage).isEmpty();
    }
}
