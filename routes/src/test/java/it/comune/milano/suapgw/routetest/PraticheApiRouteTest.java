package it.comune.milano.suapgw.routetest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.api.PraticheApiRoute;
import it.comune.milano.suapgw.gateway.persistence.PraticaReadModel;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

import java.net.http.HttpResponse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

@Import({PraticheApiRoute.class, it.comune.milano.suapgw.gateway.documenti.DocumentLinks.class})
class PraticheApiRouteTest extends RouteTestBase {
    static final ObjectMapper JSON = new ObjectMapper();

    @MockitoBean
    PraticaReadModel read;
    @MockitoBean
    TimelineStore timeline;

    @Test
    void aListIsFilteredByTheStateItsApiNameNamesAndTheApplicantIsMaskedToAnOperatore() throws Exception {
        Map<String, Object> row = new HashMap<>();
        row.put("id", UUID.randomUUID());
        row.put("channel", "SSU");
        row.put("state", "IN_ISTRUTTORIA");
        row.put("applicant_cf", "RSSMRA80A01F205X");
        row.put("presented_at", Timestamp.from(Instant.now()));
        when(read.pratiche("IN_ISTRUTTORIA", null, null, null, null)).thenReturn(List.of(row));

        HttpResponse<String> r = getAs("/api/pratiche?state=in_istruttoria", IDP.bearer("op", "operatore"));

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode list = JSON.readTree(r.body());
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("state").asText()).isEqualTo("in_istruttoria");
        assertThat(list.get(0).path("ssuState").asText()).isEqualTo("presented");
        assertThat(list.get(0).path("applicant").asText()).isEqualTo("RSS***********5X");
        verify(read).pratiche("IN_ISTRUTTORIA", null, null, null, null);
        // the funzionario needs whom the pratica is of; nobody without a token sees anything
        JsonNode whole = JSON.readTree(getAs("/api/pratiche?state=in_istruttoria", IDP.bearer("fz", "funzionario")).body());
        assertThat(whole.get(0).path("applicant").asText()).isEqualTo("RSSMRA80A01F205X");
        assertThat(getAs("/api/pratiche?state=in_istruttoria", null).statusCode()).isEqualTo(401);
        assertThat(getAs("/api/pratiche?state=in_istruttoria", "Bearer " + IDP.token("op", "another-audience",
                java.time.Duration.ofMinutes(5), "operatore")).statusCode()).isEqualTo(401);
    }

    @Test
    void anUnknownStateIsABadRequestInProblemDetails() throws Exception {
        HttpResponse<String> r = get("/api/pratiche?state=bogus");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode p = JSON.readTree(r.body());
        assertThat(p.path("status").asInt()).isEqualTo(400);
        assertThat(p.path("title").asText()).isEqualTo("Bad Request");
        assertThat(p.path("detail").asText()).isEqualTo("unknown state bogus");
    }

    @Test
    void anUnknownPraticaIsNotFoundAndItsTimelineIsNeverRead() throws Exception {
        UUID id = UUID.randomUUID();
        when(read.pratica(id)).thenReturn(Optional.empty());

        HttpResponse<String> r = get("/api/pratiche/" + id + "/timeline");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).path("detail").asText()).isEqualTo("no pratica " + id);
        verify(timeline, org.mockito.Mockito.never()).of(any());
    }

    @Test
    void anUnexpectedFailureIsA500WithoutItsInternalText() throws Exception {
        when(read.stats()).thenThrow(new IllegalStateException("connection to 10.0.0.7 refused"));

        HttpResponse<String> r = get("/api/stats");

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).doesNotContain("10.0.0.7").contains("the request could not be processed");
    }
}
