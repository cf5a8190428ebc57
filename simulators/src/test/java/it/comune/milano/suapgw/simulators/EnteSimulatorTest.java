package it.comune.milano.suapgw.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

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
}
