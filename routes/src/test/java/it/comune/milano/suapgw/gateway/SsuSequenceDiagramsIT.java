package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.simulators.enti.EnteSimulator;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.support.DemoIdp;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sequence diagrams of the SSU specification ({@code sequence-diagram/*.mermaid}) played step by step over real
 * sockets: each test checks the order of what happened on the pratica's timeline (what came in, what went out, the
 * state transitions and the terms), what the front-office, Catalogo and enti received, and the end state.
 * Retry-001 (the front-office asks for a message again) is {@code SsuBackOfficeConformanceIT#BO_TC_164...};
 * Retry-002 (the back-office asks the front-office) is {@code GatewayEndToEndIT#documentWithWrongHash...}.
 */
class SsuSequenceDiagramsIT extends AbstractGatewayIT {

    /** General-001 with a correction: formal check KO, request_correction, corrected instance, admissible, SCIA ends by its time. */
    @Test
    void general001_formalCheckAsksACorrectionAndTheCorrectedInstanceGoesOn() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "correction"));
        awaitFinal(s);
        assertTimeline(s,
                "IN FRONTOFFICE send_instance ACCEPTED",
                "IN FRONTOFFICE notify_receipt ACCEPTED",
                "IN CATALOGO instance_descriptor OK",
                "INTERNAL GATEWAY state formal_check",
                "OUT GEOWORK registraPratica REGISTERED",
                "IN GEOWORK notificaVerifica FORMALE KO",
                "INTERNAL GATEWAY state correction_requested",
                "OUT FRONTOFFICE request_correction DELIVERED",
                "INTERNAL GATEWAY state corrected",
                "IN FRONTOFFICE send_instance NEW_VERSION",
                "INTERNAL GATEWAY state admissibility_check",
                "IN GEOWORK notificaVerifica AMMISSIBILITA OK",
                "INTERNAL GATEWAY state in_istruttoria",
                "OUT ENTE ats-milano richiesta_parere SENT",
                "IN ENTE ats-milano risposta_parere POSITIVO",
                "INTERNAL GATEWAY termine PROCEDIMENTO SCADUTO",
                "INTERNAL GATEWAY state ended_by_proceeding_time_expired",
                "OUT FRONTOFFICE notify DELIVERED");
        JsonNode correction = FO.corrections(s.cuiUuid()).get(0);
        assertThat(correction.path("instance_descriptor_version").asText()).isEqualTo("1");
        assertThat(correction.path("correction_list").get(0).path("correction_requested").asText()).isNotBlank();
        assertThat(CATALOGO.auditMessages(s.cuiUuid())).containsSubsequence("instance_retrived", "correction_requested",
                "corrected_instance_retrived", "end_by_proceeding_time_expired");
        assertThat(detail(s.cuiUuid()).path("state").asText()).isEqualTo("ended_by_proceeding_time_expired");
    }

    /** General-001 with a refusal: admissibility KO ends the pratica before any ente is consulted. */
    @Test
    void general001_anInadmissibleInstanceIsRefused() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "refused"));
        awaitFinal(s);
        assertTimeline(s,
                "IN FRONTOFFICE send_instance ACCEPTED",
                "OUT GEOWORK registraPratica REGISTERED",
                "IN GEOWORK notificaVerifica FORMALE OK",
                "INTERNAL GATEWAY state admissibility_check",
                "IN GEOWORK notificaVerifica AMMISSIBILITA KO",
                "INTERNAL GATEWAY state refused");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(FO.messages(s.cuiUuid())).containsExactly("notify:end_by_instance_refused"));
        await().atMost(Duration.ofSeconds(15)).until(() -> CATALOGO.auditMessages(s.cuiUuid()).contains("end_by_instance_refused"));
        assertThat(operations(s)).noneMatch(o -> o.contains("richiesta_parere"));
    }

    /** SCIA-001: an ente asks for a conformation, the funzionario validates it, the act goes to the front-office. */
    @Test
    void scia001_aConformationEndsTheSciaWithTheAct() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> "SCIA".equals(x.regime()) && "end_by_conformation_requested".equals(x.expectedOutcome()));
        awaitFinal(s);
        assertTimeline(s,
                "INTERNAL GATEWAY state in_istruttoria",
                "OUT ENTE ats-milano richiesta_parere SENT",
                "IN ENTE ats-milano risposta_parere CONFORMAZIONE",
                "INTERNAL GATEWAY state outcome_proposed",
                "OUT GEOWORK proponiEsito ACCEPTED",
                "IN GEOWORK provvedimento STORED",
                "INTERNAL GATEWAY state ended_by_conformation_requested");
        await().atMost(Duration.ofSeconds(15)).until(() -> FO.actVerified(s.cuiUuid()));
        JsonNode notify = FO.notifications(s.cuiUuid()).get(0);
        assertThat(notify.path("event").asText()).isEqualTo("end_by_conformation_requested");
    }

    /** SCIA-001 when nobody objects: the SCIA ends by its proceeding time, without an act. */
    @Test
    void scia001_nobodyObjectsAndTheSciaEndsByItsProceedingTime() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> "SCIA".equals(x.regime()) && scenario(x, "standard")
                && "end_by_proceeding_time_expired".equals(x.expectedOutcome()));
        awaitFinal(s);
        assertTimeline(s,
                "IN ENTE ats-milano risposta_parere POSITIVO",
                "INTERNAL GATEWAY esito NONE_YET",
                "INTERNAL GATEWAY termine PROCEDIMENTO SCADUTO",
                "INTERNAL GATEWAY state ended_by_proceeding_time_expired",
                "OUT FRONTOFFICE notify DELIVERED");
        assertThat(operations(s)).noneMatch(o -> o.contains("proponiEsito"));
        assertThat(FO.notifications(s.cuiUuid()).get(0).has("resource_id")).isFalse();
    }

    /**
     * DomandaAutorizzazione-001 when the applicant does not integrate: the procedure is suspended by the request,
     * the integration term runs out, the pratica ends (and the Catalogo hears its own word for it).
     */
    @Test
    void domandaAutorizzazione001_anIntegrationNotDeliveredEndsThePratica() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "integration-expired"));
        awaitFinal(s);
        assertTimeline(s,
                "IN ENTE ats-milano risposta_parere CONFORMAZIONE",
                "INTERNAL GATEWAY state integration_requested",
                "INTERNAL GATEWAY termine PROCEDIMENTO SOSPESO",
                "OUT FRONTOFFICE request_integration DELIVERED",
                "INTERNAL GATEWAY termine INTEGRAZIONE SCADUTO",
                "INTERNAL GATEWAY state ended_by_integration_times_expired",
                "OUT FRONTOFFICE notify DELIVERED");
        await().atMost(Duration.ofSeconds(15)).until(() -> CATALOGO.auditMessages(s.cuiUuid())
                .contains("end_by_integration_request_time_expired"));
        assertThat(FO.notifications(s.cuiUuid()).get(0).path("event").asText()).isEqualTo("end_by_integration_times_expired");
    }

    /** Silence-assent: an ente that stays silent past the enti's term assents, and the procedure ends positive. */
    @Test
    void silenceAssent_anEnteSilentPastItsTermAssents() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "silence"));
        awaitFinal(s);
        assertTimeline(s,
                "OUT ENTE soprintendenza richiesta_parere SENT",
                "INTERNAL GATEWAY termine CONCLUSIONI SCADUTO",
                "INTERNAL GATEWAY risposta_parere soprintendenza SILENZIO",
                "INTERNAL GATEWAY state outcome_proposed",
                "IN GEOWORK notificaValidazioneEsito POSITIVO");
        assertThat(detail(s.cuiUuid()).path("state").asText()).isEqualTo("ended_by_positive_outcome");
    }

    /** SubmitterCancel-001: withdrawn while an ente is consulted: the ente is told, the front-office notified, the Catalogo audited. */
    @Test
    void submitterCancel001_theEntiConsultedAreToldOfTheWithdrawal() throws Exception {
        enti();
        SampleInstances.Sample s = start(x -> scenario(x, "silence")); // the soprintendenza keeps its request open
        await().atMost(Duration.ofSeconds(30)).until(() -> operations(s).contains("OUT ENTE soprintendenza richiesta_parere SENT"));
        assertThat(FO.cancelInstance(s).statusCode()).isEqualTo(200);

        String id = pratica(s.cuiUuid()).path("id").asText();
        EnteSimulator soprintendenza = ENTI.stream().filter(e -> e.enteCode().equals("soprintendenza")).findFirst().orElseThrow();
        await().atMost(Duration.ofSeconds(15)).until(() -> !soprintendenza.notifiche(id).isEmpty());
        JsonNode notifica = soprintendenza.notifiche(id).get(0);
        assertThat(notifica.path("evento").asText()).isEqualTo("end_by_submitter_cancel_requested");
        assertThat(notifica.path("richiesteChiuse")).hasSize(1);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(FO.messages(s.cuiUuid())).containsExactly("notify:end_by_submitter_cancel_requested"));
        await().atMost(Duration.ofSeconds(15)).until(() -> CATALOGO.auditMessages(s.cuiUuid()).contains("end_by_submitter_cancel_requested"));
        assertTimeline(s,
                "OUT ENTE soprintendenza richiesta_parere SENT",
                "IN FRONTOFFICE cancel_instance ACCEPTED",
                "INTERNAL GATEWAY richieste_parere CANCELLED",
                "INTERNAL GATEWAY state ended_by_submitter_cancel_requested",
                "OUT ENTE soprintendenza notifica SENT");
        JsonNode d = detail(s.cuiUuid());
        assertThat(d.path("pareri").findValuesAsText("status")).containsOnly("CANCELLED");
    }

    /** §8.5.4/§8.5.5: the front-office down, the notify is retransmitted three times, then an outage; replayed once it is back. */
    @Test
    void retransmissionPolicy_aFrontOfficeDownIsRetriedThreeTimesThenAnOutageOperatorsSeeAndReplay() throws Exception {
        enti();
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(20)).until(() -> operations(s).contains("INTERNAL GATEWAY state in_istruttoria"));
        FO.setAvailable(false);
        String id;
        try {
            awaitFinal(s);
            id = pratica(s.cuiUuid()).path("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> operations(s).contains("OUT FRONTOFFICE fo_notify DEAD_LETTER"));
            assertThat(operations(s).stream().filter(o -> o.equals("OUT FRONTOFFICE fo_notify FAILED")).count()).isEqualTo(3);
            JsonNode outages = JSON.readTree(get("/api/disservizi").body());
            assertThat(outages.findValuesAsText("peer")).contains("FRONTOFFICE");
        } finally {
            FO.setAvailable(true);
        }
        JsonNode dead = null;
        for (JsonNode d : JSON.readTree(get("/api/dead-letters?category=OUTBOX_EXHAUSTED").body())) {
            if (id.equals(d.path("pratica_id").asText()) && "FO_NOTIFY".equals(d.path("source").asText())) dead = d;
        }
        assertThat(dead).isNotNull();
        assertThat(dead.path("reason").asText()).contains("503");
        URI replayUri = URI.create(GATEWAY + "/api/dead-letters/" + dead.path("id").asText() + "/replay");
        // replay is the amministratore's: an operatore, a funzionario, nobody else
        for (String who : List.of(IDP.bearer("op", DemoIdp.OPERATORE), IDP.bearer("fz", DemoIdp.FUNZIONARIO))) {
            assertThat(HTTP.send(HttpRequest.newBuilder(replayUri).header("Authorization", who).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        }
        assertThat(HTTP.send(HttpRequest.newBuilder(replayUri).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        HttpResponse<String> replay = HTTP.send(HttpRequest.newBuilder(replayUri).header("Authorization", IDP.bearer("admin",
                DemoIdp.AMMINISTRATORE)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(replay.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> FO.messages(s.cuiUuid()).contains("notify:end_by_positive_outcome"));
        await().atMost(Duration.ofSeconds(15)).until(() ->
                !JSON.readTree(get("/api/disservizi").body()).findValuesAsText("peer").contains("FRONTOFFICE"));
        // delivered: there is nothing left to discard
        URI discardUri = URI.create(GATEWAY + "/api/dead-letters/" + dead.path("id").asText() + "/discard");
        assertThat(HTTP.send(HttpRequest.newBuilder(discardUri).header("Authorization", IDP.bearer("op", DemoIdp.OPERATORE))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        HttpResponse<String> discard = HTTP.send(HttpRequest.newBuilder(discardUri).header("Authorization", IDP.bearer("admin",
                DemoIdp.AMMINISTRATORE)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(discard.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(discard.body()).path("discarded").asBoolean()).isFalse();
    }

    // ---

    private SampleInstances.Sample start(java.util.function.Predicate<SampleInstances.Sample> which) throws Exception {
        SampleInstances.Sample s = newSample(which);
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        assertThat(FO.notifyReceipt(s, LocalDate.now()).statusCode()).isEqualTo(200);
        return s;
    }

    /** The pratica's timeline as "DIRECTION SYSTEM operation OUTCOME", in order. */
    private List<String> operations(SampleInstances.Sample s) throws Exception {
        JsonNode p = pratica(s.cuiUuid());
        if (p == null) return List.of();
        List<String> out = new ArrayList<>();
        for (JsonNode t : JSON.readTree(get("/api/pratiche/" + p.path("id").asText() + "/timeline").body())) {
            out.add(t.path("direction").asText() + " " + t.path("system").asText() + " " + t.path("operation").asText() + " "
                    + t.path("outcome").asText());
        }
        return out;
    }

    /** The steps happened in this order (other entries may come between them). */
    private void assertTimeline(SampleInstances.Sample s, String... steps) throws Exception {
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(operations(s)).as(s.procedureCode() + " " + s.scenario()).containsSubsequence(steps));
    }
}
