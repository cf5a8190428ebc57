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

    private static ObjectNode request(String procedure, int round) {
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
}
