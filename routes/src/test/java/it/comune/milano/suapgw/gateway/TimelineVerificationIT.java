package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The tamper-evident trail: a pratica's timeline is a hash chain that /verifica recomputes. */
class TimelineVerificationIT extends AbstractGatewayIT {
    @Test
    void aChangedRemovedOrInsertedTimelineEntryIsNamedAsTheFirstBrokenLink() throws Exception {
        enti();
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        awaitFinal(s);
        String id = pratica(s.cuiUuid()).path("id").asText();

        JsonNode ok = JSON.readTree(get("/api/pratiche/" + id + "/verifica").body());
        assertThat(ok.path("verified").asBoolean()).as(ok.toString()).isTrue();
        assertThat(ok.path("entries").asInt()).isGreaterThan(5);
        assertThat(ok.path("unchained").asInt()).isZero();

        // an operator with database access rewrites history: the outcome recorded for an entry in the middle
        Map<String, Object> victim = jdbc.queryForMap(
                "select id, outcome from timeline where pratica_id = ?::uuid order by id offset 3 limit 1", id);
        long victimId = ((Number) victim.get("id")).longValue();
        jdbc.update("update timeline set outcome = 'FALSIFICATO' where id = ?", victimId);
        JsonNode changed = JSON.readTree(get("/api/pratiche/" + id + "/verifica").body());
        assertThat(changed.path("verified").asBoolean()).isFalse();
        assertThat(changed.path("firstBroken").path("id").asLong()).isEqualTo(victimId);
        assertThat(changed.path("firstBroken").path("reason").asText()).contains("changed");
        jdbc.update("update timeline set outcome = ? where id = ?", victim.get("outcome"), victimId);
        assertThat(JSON.readTree(get("/api/pratiche/" + id + "/verifica").body()).path("verified").asBoolean()).isTrue();

        // an entry removed: the one after it no longer links to its predecessor
        Map<String, Object> removed = jdbc.queryForMap("select * from timeline where id = ?", victimId);
        jdbc.update("delete from timeline where id = ?", victimId);
        JsonNode gap = JSON.readTree(get("/api/pratiche/" + id + "/verifica").body());
        assertThat(gap.path("verified").asBoolean()).isFalse();
        assertThat(gap.path("firstBroken").path("id").asLong()).isGreaterThan(victimId);
        assertThat(gap.path("firstBroken").path("reason").asText()).contains("does not link");
        jdbc.update("""
                insert into timeline (id, pratica_id, at, direction, system, operation, outcome, hash, detail, prev_hash, chain_hash)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", removed.get("id"), removed.get("pratica_id"), removed.get("at"),
                removed.get("direction"), removed.get("system"), removed.get("operation"), removed.get("outcome"), removed.get("hash"),
                removed.get("detail"), removed.get("prev_hash"), removed.get("chain_hash"));
        assertThat(JSON.readTree(get("/api/pratiche/" + id + "/verifica").body()).path("verified").asBoolean()).isTrue();

        // an operator without the right role, or nobody, does not get to ask
        assertThat(HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(GATEWAY + "/api/pratiche/" + id + "/verifica"))
                .GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }
}
