package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard's figures are the pratiche's: recomputed here from /api/pratiche, they must agree. */
class KpiIT extends AbstractGatewayIT {
    @Test
    void theFiguresPerChannelAreThoseOfThePraticheThemselves() throws Exception {
        enti();
        for (int i = 0; i < 3; i++) {
            SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
            assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
            awaitFinal(s);
        }
        String period = "dal=" + LocalDate.now().minusYears(1) + "&al=" + LocalDate.now().plusDays(1);
        // the pratiche of earlier tests may still be moving: the two views must agree once they stand still
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(fromKpi(JSON.readTree(get("/api/kpi?per=canale&" + period).body()))).isEqualTo(recomputed()));
        Map<String, String> agreed = recomputed();
        assertThat(agreed).containsKey("SSU.ricevute");

        JsonNode json = JSON.readTree(get("/api/kpi?per=canale&" + period).body());
        JsonNode totals = json.path("riepilogo").path("periodo");
        long all = JSON.readTree(get("/api/pratiche").body()).size();
        assertThat(totals.path("ricevute").asLong()).isGreaterThanOrEqualTo(all - 5).isLessThanOrEqualTo(all + 5);
        assertThat(json.path("riepilogo").has("terminiInScadenza7Giorni")).isTrue();
        assertThat(json.path("riepilogo").has("pareriScadutiPerEnte")).isTrue();

        // the same rows as CSV; per month and per procedure add up to the same total
        var csv = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(GATEWAY + "/api/kpi?per=canale&formato=csv&" + period))
                .header("Authorization", OPERATOR).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        assertThat(csv.body().lines().findFirst().orElse("")).startsWith("gruppo,ricevute,aperte,concluse");
        assertThat(csv.body().lines().count()).isEqualTo(json.path("righe").size() + 1);
        long perMonth = 0;
        for (JsonNode r : JSON.readTree(get("/api/kpi?per=mese&" + period).body()).path("righe")) perMonth += r.path("ricevute").asLong();
        long perProcedure = 0;
        for (JsonNode r : JSON.readTree(get("/api/kpi?per=procedimento&" + period).body()).path("righe")) perProcedure += r.path("ricevute").asLong();
        assertThat(perMonth).isEqualTo(perProcedure).isGreaterThanOrEqualTo(3);
        assertThat(JSON.readTree(get("/api/kpi?per=ente&" + period).body()).path("righe")).isNotEmpty();

        // the same pratiche as Prometheus gauges (per state and channel), for Grafana
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            long gauges = 0;
            for (String line : get("/actuator/prometheus").body().lines().toList()) {
                if (line.startsWith("suapgw_pratiche{") && line.contains("canale=\"ssu\"")) {
                    gauges += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            assertThat(gauges).isEqualTo(Long.parseLong(recomputed().get("SSU.ricevute")));
        });
        String metrics = get("/actuator/prometheus").body();
        assertThat(metrics).contains("suapgw_outbox_pending", "suapgw_outbox_lag_seconds", "suapgw_contatti_seguiti_scaduti");

        assertThat(get("/api/kpi?per=anno").statusCode()).isEqualTo(400);
        assertThat(get("/api/kpi?dal=ieri").statusCode()).isEqualTo(400);
        assertThat(HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(GATEWAY + "/api/kpi")).GET().build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    /** Per channel: received, open, concluded and the average gross days of the pratiche without suspensions. */
    private Map<String, String> recomputed() throws Exception {
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, double[]> days = new TreeMap<>();
        for (JsonNode p : JSON.readTree(get("/api/pratiche").body())) {
            String ch = p.path("channel").asText();
            long[] c = counts.computeIfAbsent(ch, k -> new long[3]);
            c[0]++;
            if (p.hasNonNull("concludedAt")) {
                c[2]++;
                double d = (millis(p.path("concludedAt")) - millis(p.path("presentedAt"))) / 86_400_000.0;
                double[] acc = days.computeIfAbsent(ch, k -> new double[2]);
                acc[0] += d;
                acc[1]++;
            } else {
                c[1]++;
            }
        }
        Map<String, String> out = new TreeMap<>();
        counts.forEach((ch, c) -> {
            out.put(ch + ".ricevute", String.valueOf(c[0]));
            out.put(ch + ".aperte", String.valueOf(c[1]));
            out.put(ch + ".concluse", String.valueOf(c[2]));
        });
        // the net average equals the gross one where no pratica of the channel was ever suspended
        days.forEach((ch, acc) -> {
            Long suspended = jdbc.queryForObject("select count(*) from sospensione s join pratica p on p.id = s.pratica_id where p.channel = ?",
                    Long.class, ch);
            if (suspended == 0) out.put(ch + ".giorni", BigDecimal.valueOf(acc[0] / acc[1]).setScale(2, RoundingMode.HALF_UP).toPlainString());
        });
        return out;
    }

    private static long millis(JsonNode t) {
        return t.isNumber() ? t.asLong() : OffsetDateTime.parse(t.asText()).toInstant().toEpochMilli();
    }

    private Map<String, String> fromKpi(JsonNode kpi) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode r : kpi.path("righe")) {
            String ch = r.path("gruppo").asText();
            out.put(ch + ".ricevute", r.path("ricevute").asText());
            out.put(ch + ".aperte", r.path("aperte").asText());
            out.put(ch + ".concluse", r.path("concluse").asText());
            Long suspended = jdbc.queryForObject("select count(*) from sospensione s join pratica p on p.id = s.pratica_id where p.channel = ?",
                    Long.class, ch);
            if (suspended == 0 && r.hasNonNull("giorni_medi_netti")) {
                out.put(ch + ".giorni", new BigDecimal(r.path("giorni_medi_netti").asText()).setScale(2, RoundingMode.HALF_UP).toPlainString());
            }
        }
        return out;
    }
}
