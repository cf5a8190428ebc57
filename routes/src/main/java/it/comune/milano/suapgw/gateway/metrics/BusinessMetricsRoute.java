package it.comune.milano.suapgw.gateway.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import it.comune.milano.suapgw.gateway.common.GatewayRouteBuilder;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The business figures as Prometheus gauges, for the people who run the gateway (config/grafana): pratiche per state
 * and channel, expired terms, outbox backlog and lag, dead letters, open outages, overdue pareri, contact follow-ups
 * past due. Read from the database on a timer (one pass of small aggregate queries), never per scrape.
 */
@Component
public class BusinessMetricsRoute extends GatewayRouteBuilder implements MeterBinder {
    private final JdbcTemplate jdbc;
    private final List<Map.Entry<String, MultiGauge>> gauges = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicLong outboxPending = new AtomicLong();
    private final AtomicLong outboxLagSeconds = new AtomicLong();
    private final AtomicLong seguitiScaduti = new AtomicLong();

    public BusinessMetricsRoute(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Spring Boot binds every MeterBinder to its registries (Prometheus among them). */
    @Override
    public void bindTo(MeterRegistry registry) {
        for (String[] g : new String[][]{{"suapgw.pratiche", "pratiche per state and channel"},
                {"suapgw.termini.scaduti", "procedural terms expired, per kind"},
                {"suapgw.dead.letters", "dead letters not replayed, per category"},
                {"suapgw.disservizi.aperti", "open outages of peers (SSU 8.5.5)"},
                {"suapgw.pareri.scaduti", "requests for pareri past their deadline, per ente"}}) {
            gauges.add(Map.entry(g[0], MultiGauge.builder(g[0]).description(g[1]).register(registry)));
        }
        io.micrometer.core.instrument.Gauge.builder("suapgw.outbox.pending", outboxPending, AtomicLong::get)
                .description("outbound calls waiting in the outbox").register(registry);
        io.micrometer.core.instrument.Gauge.builder("suapgw.outbox.lag.seconds", outboxLagSeconds, AtomicLong::get)
                .description("age of the oldest outbound call waiting").register(registry);
        io.micrometer.core.instrument.Gauge.builder("suapgw.contatti.seguiti.scaduti", seguitiScaduti, AtomicLong::get)
                .description("contact-centre follow-ups past their due date").register(registry);
    }

    @Override
    public void configure() {
        from("timer:business-metrics?delay=2000&period={{suapgw.metrics.refresh-ms:15000}}").routeId("metrics-business-refresh")
                .process(e -> refresh());
    }

    void refresh() {
        Map<String, List<MultiGauge.Row<?>>> read = new java.util.HashMap<>();
        read.put("suapgw.pratiche", rows("select state, channel, count(*) as n from pratica group by state, channel"));
        read.put("suapgw.termini.scaduti", rows("select kind, count(*) as n from termine where state = 'SCADUTO' group by kind"));
        read.put("suapgw.dead.letters", rows("select category, count(*) as n from dead_letter where replayed_at is null group by category"));
        read.put("suapgw.disservizi.aperti", rows("select peer, count(*) as n from disservizio where closed_at is null group by peer"));
        read.put("suapgw.pareri.scaduti", rows("""
                select ente_code, count(*) as n from richiesta_parere where status = 'OPEN' and deadline < current_date
                 group by ente_code"""));
        for (Map.Entry<String, MultiGauge> g : gauges) g.getValue().register(read.getOrDefault(g.getKey(), List.of()), true);
        Map<String, Object> outbox = jdbc.queryForMap("""
                select count(*) as n, coalesce(extract(epoch from now() - min(created_at)), 0)::bigint as lag
                  from outbox where status = 'PENDING'""");
        outboxPending.set(((Number) outbox.get("n")).longValue());
        outboxLagSeconds.set(((Number) outbox.get("lag")).longValue());
        Long due = jdbc.queryForObject("""
                select count(*) from contatto where seguito is not null and seguito_chiuso_at is null and seguito_scadenza < current_date""",
                Long.class);
        seguitiScaduti.set(due == null ? 0 : due);
    }

    /** One row per tag combination: the columns before {@code n} are the tags (stato, canale, tipo, ...). */
    private List<MultiGauge.Row<?>> rows(String sql) {
        List<MultiGauge.Row<?>> out = new java.util.ArrayList<>();
        for (Map<String, Object> r : jdbc.queryForList(sql)) {
            Tags tags = Tags.empty();
            for (Map.Entry<String, Object> c : r.entrySet()) {
                if (!c.getKey().equals("n")) tags = tags.and(tagName(c.getKey()), String.valueOf(c.getValue()).toLowerCase());
            }
            out.add(MultiGauge.Row.of(tags, ((Number) r.get("n")).longValue()));
        }
        return out;
    }

    private static String tagName(String column) {
        return switch (column) {
            case "state" -> "stato";
            case "channel" -> "canale";
            case "kind" -> "tipo";
            case "category" -> "categoria";
            case "ente_code" -> "ente";
            default -> column;
        };
    }
}
