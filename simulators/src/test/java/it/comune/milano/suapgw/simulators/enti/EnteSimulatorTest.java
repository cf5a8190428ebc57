package it.comune.milano.suapgw.simulators.enti;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The ente's decision and reply, without a broker. */
class EnteSimulatorTest {

    private static final com.networknt.schema.JsonSchema REPLY_SCHEMA = Json.schema("classpath:messages/risposta-parere-v1.schema.json");

    static ObjectNode request(String procedure, int round) {
        ObjectNode r = Json.object();
        r.put("schemaVersion", "1.0");
        r.put("idRichiesta", UUID.randomUUID().toString());
        r.put("idPratica", UUID.randomUUID().toString());
        r.putObject("ente").put("codice", "ats-milano").put("codiceIpa", "atsmi");
        r.putObject("procedimento").put("codice", procedure);
        r.put("round", round);
        r.put("scadenza", "2026-12-31");
        r.putArray("documenti");
        r.put("inviataIl", "2026-11-25T10:00:00+01:00");
        return r;
    }

    @Test
    void rulesDecideTheFirstRoundAndRoundTwoIsAlwaysPositive() {
        EnteSimulator ats = new EnteSimulator("ats-milano", EnteSimulator.Protocol.CORE, "127.0.0.1", 1);
        JsonNode first = ats.reply(request("ACCONCIATORE_APERTURA", 1));
        assertThat(first.get("esito").asText()).isEqualTo("conformazione");
        assertThat(first.get("prescrizioni")).hasSize(2);

        ObjectNode second = request("ACCONCIATORE_APERTURA", 2);
        JsonNode reply = ats.reply(second);
        assertThat(reply.get("esito").asText()).isEqualTo("positivo");
        assertThat(reply.has("prescrizioni")).isFalse();
        assertThat(reply.get("motivazione").asText()).contains("integrazione");
        assertThat(reply.get("idRichiesta").asText()).isEqualTo(second.get("idRichiesta").asText());
        assertThat(Json.errors(REPLY_SCHEMA, reply)).isEmpty();

        List<EnteSimulator.Rule> negative = List.of(new EnteSimulator.Rule(".*VENDITA.*", "negativo"));
        assertThat(EnteSimulator.esito(request("MEDIA_STRUTTURA_VENDITA", 1), negative)).isEqualTo("negativo");
        assertThat(EnteSimulator.esito(request("MEDIA_STRUTTURA_VENDITA", 3), negative)).isEqualTo("positivo");
        assertThat(EnteSimulator.esito(request("SOMMINISTRAZIONE_APERTURA", 1), negative)).isEqualTo("positivo");
    }

    @Test
    void requestValidationToleratesTheOptionalChannelFieldsOnly() {
        ObjectNode r = request("SOMMINISTRAZIONE_APERTURA", 2);
        r.put("codicePratica", "10000000156-20112026-1030");
        r.put("canale", "SCRIVANIA");
        r.putObject("parerePrecedente").put("idRichiesta", UUID.randomUUID().toString()).put("esito", "conformazione");
        assertThat(EnteSimulator.requestErrors(r)).isEmpty();
        assertThat(r.has("canale")).as("the request itself is not modified").isTrue();

        r.put("campoIgnoto", "x");
        assertThat(EnteSimulator.requestErrors(r)).isNotEmpty();
        ObjectNode missing = request("SOMMINISTRAZIONE_APERTURA", 1);
        missing.remove("idRichiesta");
        assertThat(EnteSimulator.requestErrors(missing)).contains("idRichiesta");
    }

    private static ObjectNode ospRequest(String ente, String idIstanza, int round) {
        ObjectNode r = request("OSP_OCCUPAZIONE_SUOLO_PUBBLICO", round);
        ((ObjectNode) r.get("ente")).put("codice", ente);
        r.put("codicePratica", idIstanza);
        r.put("canale", "GEOPOST");
        return r;
    }

    @Test
    void fixtureModeAnswersFromPareriJson() {
        EnteSimulator arredo = new EnteSimulator("arredo-urbano", EnteSimulator.Protocol.CORE, "127.0.0.1", 1)
                .withFixture(TestSupport.osp("fixtures/pareri.json"));

        ObjectNode first = ospRequest("arredo-urbano", "GP-2026-000101", 1);
        first.putArray("checklist").addObject().put("codice", "DECORO_URBANO").put("esito", "WARN").put("evidenza", "Corso Garibaldi");
        assertThat(EnteSimulator.requestErrors(first)).isEmpty();
        JsonNode reply = arredo.reply(first);
        assertThat(reply.get("esito").asText()).isEqualTo("conformazione");
        assertThat(reply.get("integrazioni")).hasSize(1);
        assertThat(reply.get("integrazioni").get(0).asText()).isEqualTo("Fotografie del fronte dell'esercizio");
        assertThat(reply.has("prescrizioni")).as("a reservation with integrazioni only").isFalse();
        assertThat(Json.errors(REPLY_SCHEMA, reply)).isEmpty();

        ObjectNode second = ospRequest("arredo-urbano", "GP-2026-000101", 2);
        second.putObject("parerePrecedente").put("idRichiesta", first.get("idRichiesta").asText()).put("esito", "conformazione");
        assertThat(EnteSimulator.requestErrors(second)).isEmpty();
        JsonNode positive = arredo.reply(second);
        assertThat(positive.get("esito").asText()).isEqualTo("positivo");
        assertThat(positive.get("prescrizioni")).hasSize(1);
        assertThat(positive.has("integrazioni")).isFalse();
        assertThat(positive.get("motivazione").asText()).isNotBlank();
        assertThat(Json.errors(REPLY_SCHEMA, positive)).isEmpty();
        assertThat(arredo.fixtureReplies()).isEqualTo(2);

        // no entry for round 3, for another pratica or without codicePratica: the rules (positivo)
        assertThat(arredo.reply(ospRequest("arredo-urbano", "GP-2026-000101", 3)).has("prescrizioni")).isFalse();
        assertThat(arredo.reply(ospRequest("arredo-urbano", "GP-2026-000999", 1)).get("esito").asText()).isEqualTo("positivo");
        assertThat(arredo.reply(request("OSP_OCCUPAZIONE_SUOLO_PUBBLICO", 1)).get("esito").asText()).isEqualTo("positivo");
        assertThat(arredo.fixtureReplies()).isEqualTo(2);
    }

    @Test
    void fixtureRepliesStayValidAndOtherEntiKeepTheirRules() {
        Path pareri = TestSupport.osp("fixtures/pareri.json");
        EnteSimulator mobilita = new EnteSimulator("mobilita", EnteSimulator.Protocol.CORE, "127.0.0.1", 1).withFixture(pareri);
        JsonNode negative = mobilita.reply(ospRequest("mobilita", "GP-2026-000102", 1));
        assertThat(negative.get("esito").asText()).isEqualTo("negativo");
        assertThat(negative.get("motivazione").asText()).isEqualTo("Occupazione della carreggiata in corsia preferenziale");
        assertThat(Json.errors(REPLY_SCHEMA, negative)).isEmpty();

        // fixture entries that would make an invalid reply are completed; an unknown esito falls back to the rules
        EnteSimulator polizia = new EnteSimulator("polizia-locale", EnteSimulator.Protocol.CORE, "127.0.0.1", 1).withFixture(pareri);
        JsonNode bare = polizia.reply(ospRequest("polizia-locale", "GP-2026-000102", 1));
        assertThat(bare.get("esito").asText()).isEqualTo("negativo");
        assertThat(bare.get("motivazione").asText()).isNotBlank();
        assertThat(Json.errors(REPLY_SCHEMA, bare)).isEmpty();
        EnteSimulator soprintendenza = new EnteSimulator("soprintendenza", EnteSimulator.Protocol.CORE, "127.0.0.1", 1).withFixture(pareri);
        JsonNode conformazione = soprintendenza.reply(ospRequest("soprintendenza", "GP-2026-000102", 1));
        assertThat(conformazione.get("prescrizioni")).isNotEmpty();
        assertThat(Json.errors(REPLY_SCHEMA, conformazione)).isEmpty();
        EnteSimulator ats = new EnteSimulator("ats-milano", EnteSimulator.Protocol.CORE, "127.0.0.1", 1).withFixture(pareri);
        ObjectNode acconciatore = ospRequest("ats-milano", "GP-2026-000102", 1);
        ((ObjectNode) acconciatore.get("procedimento")).put("codice", "ACCONCIATORE_APERTURA");
        assertThat(ats.reply(acconciatore).get("esito").asText()).isEqualTo("conformazione");
        assertThat(ats.fixtureReplies()).isZero();

        // without a fixture, the pratica's entries mean nothing
        EnteSimulator plain = new EnteSimulator("mobilita", EnteSimulator.Protocol.CORE, "127.0.0.1", 1);
        assertThat(plain.reply(ospRequest("mobilita", "GP-2026-000102", 1)).get("esito").asText()).isEqualTo("positivo");
        assertThat(plain.withFixture((JsonNode) null).reply(ospRequest("mobilita", "GP-2026-000102", 1)).get("esito").asText())
                .isEqualTo("positivo");
    }

    @Test
    void integrazioneAsksForDocumentsInRoundOneOnly() {
        EnteSimulator ats = new EnteSimulator("ats-milano", EnteSimulator.Protocol.AMQP, "127.0.0.1", 1);
        for (String procedure : List.of("PALESTRA_APERTURA", "AMBULATORIO_VETERINARIO")) {
            assertThat(EnteSimulator.esito(request(procedure, 1), EnteSimulator.defaultRules("ats-milano"))).isEqualTo("integrazione");
            JsonNode reply = ats.reply(request(procedure, 1));
            assertThat(reply.get("esito").asText()).as("on the wire a reservation").isEqualTo("conformazione");
            assertThat(reply.get("integrazioni")).hasSize(1);
            assertThat(reply.get("integrazioni").get(0).asText()).contains("relazione tecnica igienico-sanitaria");
            assertThat(reply.has("prescrizioni")).isFalse();
            assertThat(reply.get("motivazione").asText()).contains(procedure);
            assertThat(Json.errors(REPLY_SCHEMA, reply)).isEmpty();

            JsonNode second = ats.reply(request(procedure, 2));
            assertThat(second.get("esito").asText()).isEqualTo("positivo");
            assertThat(second.has("integrazioni")).isFalse();
            assertThat(Json.errors(REPLY_SCHEMA, second)).isEmpty();
        }
        // the other rules of ATS are unchanged
        assertThat(ats.reply(request("ACCONCIATORE_APERTURA", 1)).get("esito").asText()).isEqualTo("conformazione");
        assertThat(ats.reply(request("ESERCIZIO_VICINATO_APERTURA", 1)).get("esito").asText()).isEqualTo("positivo");
    }

    @Test
    void silenzioNeverAnswersInAnyRound() {
        EnteSimulator soprintendenza = new EnteSimulator("soprintendenza", EnteSimulator.Protocol.CORE, "127.0.0.1", 1);
        for (int round = 1; round <= 3; round++) {
            ObjectNode r = request("IMPIANTO_PUBBLICITARIO", round);
            assertThat(soprintendenza.silent(r)).isTrue();
            assertThat(soprintendenza.reply(r)).isNull();
        }
        ObjectNode reminder = request("IMPIANTO_PUBBLICITARIO", 1);
        reminder.put("sollecito", 2);
        assertThat(EnteSimulator.requestErrors(reminder)).isEmpty();
        assertThat(soprintendenza.silent(reminder)).isTrue();
        assertThat(soprintendenza.silent(request("MEDIA_STRUTTURA_VENDITA", 1))).isFalse();
        assertThat(soprintendenza.reply(request("MEDIA_STRUTTURA_VENDITA", 1)).get("esito").asText()).isEqualTo("negativo");
        assertThat(soprintendenza.reply(request("DEHORS_STAGIONALE", 1)).get("esito").asText()).isEqualTo("positivo");

        EnteSimulator custom = new EnteSimulator("polizia-locale", EnteSimulator.Protocol.CORE, "127.0.0.1", 1, "u", "p",
                List.of(new EnteSimulator.Rule(".*", "silenzio")));
        assertThat(custom.silent(request("QUALSIASI", 1))).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EnteSimulator.Rule(".*", "forse"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static ObjectNode notifica(String idPratica, List<String> richieste) {
        ObjectNode n = Json.object();
        n.put("schemaVersion", "1.0").put("tipo", "notifica").put("idPratica", idPratica).put("cuiUuid", UUID.randomUUID().toString())
                .put("evento", "end_by_submitter_cancel_requested");
        richieste.forEach(n.putArray("richiesteChiuse")::add);
        n.put("inviataIl", "2026-11-26T09:00:00+01:00");
        return n;
    }

    @Test
    void notificationsAreValidatedAndRecorded() {
        EnteSimulator ats = new EnteSimulator("ats-milano", EnteSimulator.Protocol.AMQP, "127.0.0.1", 1);
        String idPratica = UUID.randomUUID().toString();
        ObjectNode n = notifica(idPratica, List.of(UUID.randomUUID().toString()));
        assertThat(ats.notifica(Json.write(n))).isTrue();
        assertThat(ats.notifiche()).containsExactly(n);
        assertThat(ats.notifiche(idPratica)).containsExactly(n);
        assertThat(ats.notifiche("other")).isEmpty();

        ObjectNode unknownEvent = notifica(idPratica, List.of());
        unknownEvent.put("evento", "end_by_positive_outcome");
        assertThat(ats.notifica(Json.write(unknownEvent))).isFalse();
        ObjectNode missing = notifica(idPratica, List.of());
        missing.remove("richiesteChiuse");
        assertThat(ats.notifica(Json.write(missing))).isFalse();
        assertThat(ats.notifica("{not json")).isFalse();
        assertThat(ats.invalidNotifiche()).isEqualTo(3);
        assertThat(ats.notifiche()).hasSize(1);
    }
}
