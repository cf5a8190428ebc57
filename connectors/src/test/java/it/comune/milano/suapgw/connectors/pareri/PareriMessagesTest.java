package it.comune.milano.suapgw.connectors.pareri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.DocumentoVerificato;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.Parere;
import it.comune.milano.suapgw.model.PraticaCanonica;
import it.comune.milano.suapgw.model.RichiestaParere;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PareriMessagesTest {
    static final String RICHIESTA = "classpath:messages/richiesta-parere-v1.schema.json";
    static final String RISPOSTA = "classpath:messages/risposta-parere-v1.schema.json";

    static final UUID ID_RICHIESTA = UUID.fromString("0b7e4c1a-5f2d-4e8a-9c3b-7d6e5f4a3b21");
    static final UUID ID_PRATICA = UUID.fromString("9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d");
    static final UUID ID_PRECEDENTE = UUID.fromString("1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5");
    static final OffsetDateTime NOW = OffsetDateTime.parse("2026-11-25T10:15:30.123456789+01:00");

    final ObjectMapper json = new ObjectMapper();
    final JsonContracts contracts = new JsonContracts();
    final PareriMessages messages = new PareriMessages(json, contracts);

    final DocumentoVerificato planimetria = new DocumentoVerificato(ContentHashes.sha256Hex("planimetria"),
            "planimetria.pdf", "application/pdf", 1234);
    final DocumentoVerificato senzaTipo = new DocumentoVerificato(ContentHashes.sha256Hex("foto"), "foto", null, 0);
    final Ente soprintendenza = new Ente("soprintendenza", "m_bac", "SABAP-MI", "Soprintendenza", Ente.ARTEMIS,
            "suapgw.pareri.richieste.soprintendenza", 30, "ente-soprintendenza", null, null);
    final Ente senzaUfficio = new Ente("polizia-locale", "c_f205", null, "Polizia Locale", Ente.ARTEMIS,
            "suapgw.pareri.richieste.polizia-locale", 15, "ente-polizia-locale", null, null);
    final Function<DocumentoVerificato, String> url = d -> "https://suapgw.example/api/documenti/" + d.sha256();

    PraticaCanonica pratica(String cuiUuid, String municipality, String cf, String versione, String regime) {
        return new PraticaCanonica(ID_PRATICA, cuiUuid, Canale.GEOPOST, "OSP-DEHORS", versione, regime, municipality,
                cf, NOW.minusDays(3), List.of(planimetria, senzaTipo), List.of(soprintendenza), List.of());
    }

    PraticaCanonica pratica() {
        return pratica("c0ffee00-1111-4222-8333-444455556666", "015146", "18351730157", "1.2", "AUTORIZZAZIONE");
    }

    RichiestaParere richiesta(String codicePratica, List<VoceChecklist> checklist, int sollecito,
                              RichiestaParere.ParerePrecedente precedente, int round) {
        return new RichiestaParere(ID_RICHIESTA, ID_PRATICA, "soprintendenza", round, LocalDate.of(2026, 12, 10),
                codicePratica, Canale.GEOPOST, checklist, sollecito, precedente);
    }

    // ---- richiesta ----

    @Test
    void richiestaIsCompleteAndValid() {
        List<VoceChecklist> checklist = List.of(
                new VoceChecklist("VINCOLO_SOPRINTENDENZA", "Vincolo", "WARN", "il luogo ricade in: VS-DUOMO"),
                new VoceChecklist("MOROSITA_CANONE", "Morosità", "PASS", "nessuna annualità scaduta"));
        RichiestaParere r = richiesta("GP-2026-000101", checklist, 2,
                new RichiestaParere.ParerePrecedente(ID_PRECEDENTE, Esito.CONFORMAZIONE), 2);

        ObjectNode m = messages.richiesta(r, pratica(), soprintendenza, url, NOW);

        assertThat(contracts.validate(RICHIESTA, m)).isEmpty();
        assertThat(m.path("schemaVersion").asText()).isEqualTo("1.0");
        assertThat(m.path("idRichiesta").asText()).isEqualTo(ID_RICHIESTA.toString());
        assertThat(m.path("idPratica").asText()).isEqualTo(ID_PRATICA.toString());
        assertThat(m.path("cuiUuid").asText()).isEqualTo("c0ffee00-1111-4222-8333-444455556666");
        assertThat(m.path("codicePratica").asText()).isEqualTo("GP-2026-000101");
        assertThat(m.path("canale").asText()).isEqualTo("GEOPOST");
        assertThat(m.path("sollecito").asInt()).isEqualTo(2);
        assertThat(m.path("round").asInt()).isEqualTo(2);
        assertThat(m.path("scadenza").asText()).isEqualTo("2026-12-10");
        assertThat(m.path("parerePrecedente").path("idRichiesta").asText()).isEqualTo(ID_PRECEDENTE.toString());
        assertThat(m.path("parerePrecedente").path("esito").asText()).isEqualTo("conformazione");

        // the checklist as the contract has it: codice, esito, evidenza (no descrizione)
        assertThat(m.path("checklist")).hasSize(2);
        JsonNode first = m.path("checklist").get(0);
        assertThat(first.path("codice").asText()).isEqualTo("VINCOLO_SOPRINTENDENZA");
        assertThat(first.path("esito").asText()).isEqualTo("WARN");
        assertThat(first.path("evidenza").asText()).isEqualTo("il luogo ricade in: VS-DUOMO");
        assertThat(first.has("descrizione")).isFalse();

        assertThat(m.path("comune").asText()).isEqualTo("015146");
        assertThat(m.path("richiedente").path("codiceFiscale").asText()).isEqualTo("18351730157");
        assertThat(m.path("ente").path("codice").asText()).isEqualTo("soprintendenza");
        assertThat(m.path("ente").path("codiceIpa").asText()).isEqualTo("m_bac");
        assertThat(m.path("ente").path("codiceUfficio").asText()).isEqualTo("SABAP-MI");
        assertThat(m.path("procedimento").path("codice").asText()).isEqualTo("OSP-DEHORS");
        assertThat(m.path("procedimento").path("versione").asText()).isEqualTo("1.2");
        assertThat(m.path("procedimento").path("regime").asText()).isEqualTo("AUTORIZZAZIONE");
        // in UTC, to the millisecond
        assertThat(m.path("inviataIl").asText()).isEqualTo("2026-11-25T09:15:30.123Z");
    }

    @Test
    void documentsTravelByReferenceOnly() {
        ObjectNode m = messages.richiesta(richiesta("GP-2026-000101", List.of(), 0, null, 1), pratica(),
                soprintendenza, url, NOW);

        assertThat(m.path("documenti")).hasSize(2);
        JsonNode d = m.path("documenti").get(0);
        assertThat(d.path("idDocumento").asText()).isEqualTo(planimetria.sha256());
        assertThat(d.path("hash").asText()).isEqualTo(planimetria.sha256());
        assertThat(d.path("algHash").asText()).isEqualTo("S256");
        assertThat(d.path("nome").asText()).isEqualTo("planimetria.pdf");
        assertThat(d.path("mimeType").asText()).isEqualTo("application/pdf");
        assertThat(d.path("dimensione").asLong()).isEqualTo(1234);
        assertThat(d.path("url").asText()).isEqualTo("https://suapgw.example/api/documenti/" + planimetria.sha256());
        assertThat(d.has("contenuto")).isFalse();
        // a document of unknown type is announced as octet-stream
        assertThat(m.path("documenti").get(1).path("mimeType").asText()).isEqualTo("application/octet-stream");
    }

    @Test
    void richiestaOmitsWhatIsNotSet() {
        RichiestaParere r = richiesta(null, null, 0, null, 1);

        ObjectNode m = messages.richiesta(r, pratica(null, null, null, null, null), senzaUfficio, url, NOW);

        assertThat(contracts.validate(RICHIESTA, m)).isEmpty();
        for (String absent : List.of("codicePratica", "checklist", "sollecito", "parerePrecedente", "cuiUuid", "comune")) {
            assertThat(m.has(absent)).as(absent).isFalse();
        }
        assertThat(m.path("canale").asText()).isEqualTo("GEOPOST");
        assertThat(m.path("ente").has("codiceUfficio")).isFalse();
        assertThat(m.path("procedimento").has("versione")).isFalse();
        assertThat(m.path("procedimento").has("regime")).isFalse();
        assertThat(m.path("richiedente").isObject()).isTrue();
        assertThat(m.path("richiedente").has("codiceFiscale")).isFalse();
    }

    @Test
    void anEmptyChecklistIsNotSent() {
        ObjectNode m = messages.richiesta(richiesta("GP-2026-000101", new ArrayList<>(), 0, null, 1), pratica(),
                soprintendenza, url, NOW);
        assertThat(m.has("checklist")).isFalse();
    }

    @Test
    void theParerePrecedenteCarriesItsEsitoInTheContractsSpelling() {
        for (Esito e : Esito.values()) {
            ObjectNode m = messages.richiesta(richiesta("GP-2026-000101", List.of(), 0,
                    new RichiestaParere.ParerePrecedente(ID_PRECEDENTE, e), 2), pratica(), soprintendenza, url, NOW);
            assertThat(m.path("parerePrecedente").path("esito").asText()).isEqualTo(e.name().toLowerCase(Locale.ROOT));
        }
    }

    @Test
    void richiestaSentOnAWholeMinuteIsStillValid() {
        // OffsetDateTime.toString() drops ":00" seconds ("2026-11-25T10:00Z"), which RFC 3339 does not allow
        OffsetDateTime onTheMinute = OffsetDateTime.of(2026, 11, 25, 11, 0, 0, 0, ZoneOffset.ofHours(1));
        ObjectNode m = messages.richiesta(richiesta("GP-2026-000101", List.of(), 0, null, 1), pratica(),
                soprintendenza, url, onTheMinute);
        assertThat(m.path("inviataIl").asText()).isEqualTo("2026-11-25T10:00:00Z");
    }

    @Test
    void aRichiestaOutsideTheContractIsNeverProduced() {
        // DA_VERIFICARE is a checklist outcome of the model, not of the message
        RichiestaParere daVerificare = richiesta("GP-2026-000101",
                List.of(new VoceChecklist("ALLEGATO_1", "Allegato 1", "DA_VERIFICARE", "non configurato")), 0, null, 1);
        assertThatThrownBy(() -> messages.richiesta(daVerificare, pratica(), soprintendenza, url, NOW))
                .isInstanceOf(PareriMessages.InvalidMessageException.class)
                .hasMessageContaining("richiesta-parere")
                .hasMessageContaining("checklist");

        Ente malNominato = new Ente("Polizia Locale", "c_f205", null, "Polizia Locale", Ente.ARTEMIS, "q", 15, "u", null, null);
        assertThatThrownBy(() -> messages.richiesta(richiesta("GP-2026-000101", List.of(), 0, null, 1), pratica(),
                malNominato, url, NOW))
                .isInstanceOf(PareriMessages.InvalidMessageException.class)
                .hasMessageContaining("codice");

        assertThatThrownBy(() -> messages.richiesta(richiesta("GP-2026-000101", List.of(), 0, null, 1),
                pratica(null, "Milano", null, null, null), soprintendenza, url, NOW))
                .isInstanceOf(PareriMessages.InvalidMessageException.class)
                .hasMessageContaining("comune");
    }

    // ---- risposta ----

    ObjectNode reply(String esito) {
        return json.createObjectNode().put("schemaVersion", "1.0").put("idRisposta", "SOPR-2026-77")
                .put("idRichiesta", ID_RICHIESTA.toString()).put("idPratica", ID_PRATICA.toString())
                .put("ente", "soprintendenza").put("esito", esito)
                .put("dataParere", "2026-11-28T16:45:00+01:00");
    }

    @Test
    void aConformationIsReadWithItsPrescrizioniAndIntegrazioni() {
        ObjectNode n = reply("conformazione").put("motivazione", "Area vincolata").put("firmatario", "arch. Bianchi");
        n.putArray("prescrizioni").add("Ombrelloni color écru").add("Niente scritte pubblicitarie");
        n.putArray("integrazioni").add("Fotoinserimento del dehors");
        assertThat(contracts.validate(RISPOSTA, n)).isEmpty();

        Parere p = messages.risposta(n.toString());

        assertThat(p.replyId()).isEqualTo("SOPR-2026-77");
        assertThat(p.richiestaId()).isEqualTo(ID_RICHIESTA);
        assertThat(p.enteCode()).isEqualTo("soprintendenza");
        assertThat(p.esito()).isEqualTo(Esito.CONFORMAZIONE);
        assertThat(p.prescrizioni()).containsExactly("Ombrelloni color écru", "Niente scritte pubblicitarie");
        assertThat(p.integrazioni()).containsExactly("Fotoinserimento del dehors");
        assertThat(p.motivazione()).isEqualTo("Area vincolata");
        assertThat(p.firmatario()).isEqualTo("arch. Bianchi");
        assertThat(p.dataParere()).isEqualTo(OffsetDateTime.parse("2026-11-28T16:45:00+01:00"));
    }

    @Test
    void aBarePositiveReplyHasNothingElse() {
        ObjectNode n = reply("positivo");
        n.remove("idPratica");

        Parere p = messages.risposta(n.toString());

        assertThat(p.esito()).isEqualTo(Esito.POSITIVO);
        assertThat(p.prescrizioni()).isEmpty();
        assertThat(p.integrazioni()).isEmpty();
        assertThat(p.motivazione()).isNull();
        assertThat(p.firmatario()).isNull();
    }

    @Test
    void aNegativeReplyCarriesItsMotivazione() {
        Parere p = messages.risposta(reply("negativo").put("motivazione", "Contrasta con il vincolo").toString());
        assertThat(p.esito()).isEqualTo(Esito.NEGATIVO);
        assertThat(p.motivazione()).isEqualTo("Contrasta con il vincolo");
    }

    @Test
    void theEsitoIsReadWhateverTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.forLanguageTag("tr-TR")); // "positivo".toUpperCase() is "POSİTİVO" there
            assertThat(messages.risposta(reply("positivo").toString()).esito()).isEqualTo(Esito.POSITIVO);
        } finally {
            Locale.setDefault(before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"schemaVersion", "idRisposta", "idRichiesta", "ente", "esito", "dataParere"})
    void aReplyMissingARequiredFieldIsRefusedNamingIt(String field) {
        ObjectNode n = reply("positivo");
        n.remove(field);
        assertThatThrownBy(() -> messages.risposta(n.toString()))
                .isInstanceOf(PareriMessages.InvalidMessageException.class)
                .hasMessageContaining("risposta-parere")
                .hasMessageContaining(field);
    }

    @ParameterizedTest
    @ValueSource(strings = {"favorevole", "POSITIVO", "Positivo", ""})
    void aReplyWithAnEsitoOutsideTheContractIsRefused(String esito) {
        assertThatThrownBy(() -> messages.risposta(reply(esito).toString()))
                .isInstanceOf(PareriMessages.InvalidMessageException.class)
                .hasMessageContaining("esito");
    }

    @Test
    void theContractsConditionsOnTheEsitoAreEnforced() {
        // negativo needs its motivazione
        assertThatThrownBy(() -> messages.risposta(reply("negativo").toString()))
                .isInstanceOf(PareriMessages.InvalidMessageException.class)
                .hasMessageContaining("motivazione");
        // conformazione needs prescrizioni or integrazioni, not empty ones
        ObjectNode emptyConformation = reply("conformazione");
        emptyConformation.putArray("prescrizioni");
        assertThatThrownBy(() -> messages.risposta(emptyConformation.toString()))
                .isInstanceOf(PareriMessages.InvalidMessageException.class);
        // ... either will do
        ObjectNode onlyIntegrazioni = reply("conformazione");
        onlyIntegrazioni.putArray("integrazioni").add("Planimetria quotata");
        assertThat(messages.risposta(onlyIntegrazioni.toString()).esito()).isEqualTo(Esito.CONFORMAZIONE);
    }

    @Test
    void aReplyWithBadValuesIsRefused() {
        for (Map.Entry<String, String> bad : Map.of(
                "idRichiesta", "not-a-uuid",
                "ente", "Soprintendenza",
                "dataParere", "28/11/2026",
                "schemaVersion", "2.0").entrySet()) {
            ObjectNode n = reply("positivo").put(bad.getKey(), bad.getValue());
            assertThatThrownBy(() -> messages.risposta(n.toString())).as(bad.getKey())
                    .isInstanceOf(PareriMessages.InvalidMessageException.class)
                    .hasMessageContaining(bad.getKey());
        }
        ObjectNode extra = reply("positivo").put("codiceFiscaleFirmatario", "RSSMRA80A01F205X");
        assertThatThrownBy(() -> messages.risposta(extra.toString()))
                .isInstanceOf(PareriMessages.InvalidMessageException.class)
                .hasMessageContaining("codiceFiscaleFirmatario");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"esito\":", "not json", "[]", "null", "\"positivo\"", ""})
    void aReplyThatIsNotAJsonObjectIsRefused(String body) {
        assertThatThrownBy(() -> messages.risposta(body))
                .isInstanceOf(PareriMessages.InvalidMessageException.class)
                .hasMessageContaining("reply is not");
    }

    /** RFC 3339 (5.6) lets a space separate date and time; the schema accepts it, so the gateway reads it. */
    @Test
    void aReplyDatedWithASpaceBetweenDateAndTimeIsRead() {
        ObjectNode n = reply("positivo").put("dataParere", "2026-11-28 16:45:00Z");
        assertThat(messages.risposta(n.toString()).dataParere())
                .isEqualTo(java.time.OffsetDateTime.parse("2026-11-28T16:45:00Z"));
    }
}
