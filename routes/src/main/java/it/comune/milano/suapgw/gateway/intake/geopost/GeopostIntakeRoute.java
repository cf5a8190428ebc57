package it.comune.milano.suapgw.gateway.intake.geopost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.geopost.GeopostMapper;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import it.comune.milano.suapgw.gateway.common.OutboundHttp;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;

/**
 * GEOPOST events in: pushed to {@code POST /geopost/eventi} (answered in the contract's own terms: ACCETTATO,
 * DUPLICATO, or 400 RICHIESTA_NON_VALIDA naming the defect) and caught up by polling GEOPOST's {@code /api/eventi}
 * after the last event taken — whatever was pushed while the gateway could not be reached. Each event is taken once.
 */
@Component
public class GeopostIntakeRoute extends GatewayRouteBuilder {
    static final int POLL_PAGE = 100;
    static final String REJECTED = "GEOPOST_EVENT_REJECTED";
    static final String UNSTORABLE = "GEOPOST_EVENT_UNSTORABLE";
    static final int POISON_ATTEMPTS = 5;
    /** consecutive failures to store an event, by its seq (one poller per instance: the timer's thread) */
    private final java.util.Map<Long, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();

    private final GeopostIntakeService intake;
    private final GeopostEvents events;
    private final GeopostMapper mapper;
    private final DeadLetterStore deadLetters;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public GeopostIntakeRoute(GeopostIntakeService intake, GeopostEvents events, GeopostMapper mapper,
                              DeadLetterStore deadLetters, GatewayProperties props, ObjectMapper json) {
        this.intake = intake;
        this.events = events;
        this.mapper = mapper;
        this.deadLetters = deadLetters;
        this.props = props;
        this.json = json;
    }

    @Override
    public void configure() {
        GatewayProperties.Osp cfg = props.osp();

        rest("/geopost").post("/eventi").routeId("rest-geopost-push").to("direct:geopost-push");

        from("direct:geopost-push").routeId("geopost-event-push")
                .convertBodyTo(byte[].class)
                .process(this::push);

        // catch-up: whatever GEOPOST holds after the last event taken, including what was pushed while we were down
        from("timer:geopost-catch-up?delay=1000&period=" + cfg.pollPeriodMs()).routeId("geopost-catch-up")
                .process(e -> OutboundHttp.get(e, cfg.geopostUrl() + "/api/eventi", mapper.eventsQuery(events.cursor(), POLL_PAGE)))
                .doTry()
                    .toD(OutboundHttp.TO_URL)
                    .convertBodyTo(String.class)
                    .process(this::takePolledEvents)
                .doCatch(Exception.class)
                    .log(LoggingLevel.WARN, "GEOPOST catch-up poll failed: ${exception.message}")
                .end();
    }

    private void push(Exchange e) {
        byte[] bytes = e.getMessage().getBody(byte[].class);
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        GeopostMapper.Evento ev;
        try {
            JsonNode event;
            try {
                String text = JsonContracts.utf8(bytes == null ? new byte[0] : bytes);
                // the HTTP binding may have decoded the bytes already, replacing what was not UTF-8 with U+FFFD
                if (text.indexOf('\uFFFD') >= 0) throw new java.nio.charset.CharacterCodingException();
                event = JsonContracts.parse(json, text);
            } catch (java.nio.charset.CharacterCodingException notUtf8) {
                throw new GeopostMapper.InvalidEventException("the body is not UTF-8");
            } catch (Exception bad) {
                throw new GeopostMapper.InvalidEventException("the body is not JSON");
            }
            if (event == null || event.isMissingNode()) throw new GeopostMapper.InvalidEventException("empty body");
            ev = mapper.evento(event);
            GeopostIntakeService.Ricezione r;
            try {
                r = intake.receive(ev, GeopostIntakeService.PUSH);
            } catch (DuplicateKeyException raced) {
                // the catch-up poll took the same event a moment earlier: taken once, answered as a repeat
                r = intake.receive(ev, GeopostIntakeService.PUSH);
            }
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            e.getMessage().setBody(mapper.esito(r.esito(), r.praticaId().toString()));
        } catch (GeopostMapper.InvalidEventException bad) {
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 400);
            e.getMessage().setBody(mapper.errore(bad.getMessage()));
        }
    }

    private void takePolledEvents(Exchange e) throws Exception {
        for (JsonNode event : mapper.eventi(json.readTree(e.getMessage().getBody(String.class)))) {
            long seq = event.path("seq").asLong();
            try {
                takeOne(event);
            } catch (GeopostMapper.InvalidEventException bad) {
                // set aside, never silently dropped, and the poll moves past it
                log.warn("GEOPOST event {} set aside: {}", seq, bad.getMessage());
                deadLetters.add(REJECTED, props.osp().geopostUrl(), bad.getMessage(), event.toString(), null, null, null);
            } catch (RuntimeException failed) {
                if (!poison(seq, failed)) throw failed;
                // the same event failed to store at every poll: set aside so the events after it are taken
                log.error("GEOPOST event {} could not be stored {} times, set aside: {}", seq, POISON_ATTEMPTS, failed.toString());
                deadLetters.add(UNSTORABLE, props.osp().geopostUrl(), "could not be stored: " + failed, event.toString(),
                        null, null, null);
            }
            failures.remove(seq);
            events.advanceCursor(seq);
        }
    }

    private void takeOne(JsonNode event) {
        GeopostMapper.Evento ev = mapper.evento(event);
        try {
            intake.receive(ev, GeopostIntakeService.POLL);
        } catch (DuplicateKeyException raced) {
            // a push took the same event a moment earlier
            intake.receive(ev, GeopostIntakeService.POLL);
        }
    }

    /**
     * An event that fails to store for a reason of its own (a constraint, a value we cannot hold), not because the
     * database is unreachable, is poison once it has failed at {@link #POISON_ATTEMPTS} polls in a row.
     */
    private boolean poison(long seq, RuntimeException failed) {
        if (failed instanceof org.springframework.dao.TransientDataAccessException
                || failed instanceof org.springframework.dao.DataAccessResourceFailureException
                || failed instanceof org.springframework.jdbc.CannotGetJdbcConnectionException) {
            log.warn("GEOPOST event {} not stored, database unavailable; next poll: {}", seq, failed.getMessage());
            return false;
        }
        int n = failures.merge(seq, 1, Integer::sum);
        if (n < POISON_ATTEMPTS) {
            log.warn("GEOPOST event {} not stored (attempt {} of {}): {}", seq, n, POISON_ATTEMPTS, failed.toString());
            return false;
        }
        return true;
    }
}
