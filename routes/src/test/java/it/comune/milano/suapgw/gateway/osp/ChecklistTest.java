package it.comune.milano.suapgw.gateway.osp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.ermes.ErmesMapper;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import it.comune.milano.suapgw.connectors.geri.GeriMapper;
import it.comune.milano.suapgw.connectors.osapi.OsapiMapper;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class ChecklistTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final OspRules RULES = OspRules.load(Path.of("../config/osp/regole.yaml"));
    static final OspOutcome OUTCOME = new OspOutcome(RULES);
    // one square zone around Piazza del Duomo (sample), lon 9.188-9.194, lat 45.462-45.466
    static final String ZONES = """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"z1","nome":"Duomo (esempio)",
             "tipo":"VINCOLO_SOPRINTENDENZA"},"geometry":{"type":"Polygon","coordinates":[[[9.188,45.462],[9.194,45.462],
             [9.194,45.466],[9.188,45.466],[9.188,45.462]]]}}]}""";

    static JsonNode node(String s) throws Exception {
        return JSON.readTree(s);
    }

    static IstanzaOsp istanza(String tipo, double lon, double lat, String elementi, boolean carreggiata) throws Exception {
        ObjectNode i = (ObjectNode) node("""
                {"idIstanza":"GP-2026-000001","tipo":"%s","richiedente":{"codiceFiscale":"12345678903","denominazione":"Bar"},
                 "luogo":{"indirizzo":"Via X 1","municipio":1,"punto":{"lon":%s,"lat":%s}},"elementi":%s,"superficieMq":12,
                 "occupaCarreggiata":%s,"periodo":{"tipo":"STAGIONALE","dal":"2026-04-15","al":"2026-10-15"},"allegati":[],
                 "presentataIl":"2026-03-01T10:00:00Z"}""".formatted(tipo, lon, lat, elementi, carreggiata));
        return IstanzaOsp.of(i);
    }

    Checklist checklist(Path dir) throws Exception {
        Path z = dir.resolve("z.geojson");
        Files.writeString(z, ZONES);
        return new Checklist(CityZones.load(z), RULES);
    }

    static Map<String, String> esiti(List<VoceChecklist> v) {
        return v.stream().collect(Collectors.toMap(VoceChecklist::codice, VoceChecklist::esito));
    }

    @Test
    void everyItemFollowsItsRule(@TempDir Path dir) throws Exception {
        Checklist c = checklist(dir);
        IstanzaOsp i = istanza("RINNOVO", 9.191, 45.464, "[{\"tipo\":\"TAVOLI\",\"quantita\":4}]", true);
        List<VoceChecklist> v = c.evaluate(i, Set.of("PLANIMETRIA"), new Checklist.Risposte(
                new OsapiMapper(JSON).occupazioni(node("{\"occupazioni\":[]}")),
                new ErmesMapper().impattoAcustico(node("{\"classeAcustica\":\"IV\",\"relazioneRichiesta\":true}")),
                new ErmesMapper().scia(node("{\"scia\":[{\"protocollo\":\"P1\",\"stato\":\"CESSATA\"}]}")),
                new GeriMapper(JSON).posizione(node("{\"moroso\":true,\"importoScaduto\":10}"))));
        assertThat(esiti(v)).containsEntry("OSAPI_PRECEDENTI", "FAIL").containsEntry("VINCOLO_SOPRINTENDENZA", "WARN")
                .containsEntry("AREA_MERCATALE", "PASS").containsEntry("ELEMENTI_ESENTI", "PASS")
                .containsEntry("IMPATTO_ACUSTICO", "FAIL").containsEntry("SCIA_SOMMINISTRAZIONE", "FAIL")
                .containsEntry("MOROSITA_CANONE", "FAIL").containsEntry("ALLEGATI_OBBLIGATORI", "FAIL");
        assertThat(v).filteredOn(x -> x.codice().equals("ALLEGATI_OBBLIGATORI")).first()
                .extracting(VoceChecklist::evidenza).asString().contains("DOCUMENTO_IDENTITA").doesNotContain("FOTO");
        assertThat(c.entiDaConsultare(i, v)).containsExactly("polizia-locale", "soprintendenza", "mobilita");
    }

    @Test
    void aSystemThatDidNotAnswerIsUnavailableNeverPassed(@TempDir Path dir) throws Exception {
        Checklist c = checklist(dir);
        IstanzaOsp i = istanza("NUOVA", 9.20, 45.48, "[{\"tipo\":\"FIORIERE\",\"quantita\":2}]", false);
        Map<String, String> e = esiti(c.evaluate(i, Set.of(), new Checklist.Risposte(null, null, null, null)));
        assertThat(e).containsEntry("OSAPI_PRECEDENTI", "UNAVAILABLE").containsEntry("IMPATTO_ACUSTICO", "UNAVAILABLE")
                .containsEntry("MOROSITA_CANONE", "UNAVAILABLE")
                // no SCIA is needed for planters: ERMES's silence does not matter there
                .containsEntry("SCIA_SOMMINISTRAZIONE", "PASS").containsEntry("ELEMENTI_ESENTI", "WARN")
                .containsEntry("VINCOLO_SOPRINTENDENZA", "PASS");
    }

    @Test
    void aPolygonTouchingAZoneCountsEvenIfItsPointIsOutside(@TempDir Path dir) throws Exception {
        Checklist c = checklist(dir);
        ObjectNode i = (ObjectNode) node("""
                {"idIstanza":"GP-2026-000002","tipo":"NUOVA","richiedente":{"codiceFiscale":"12345678903","denominazione":"Bar"},
                 "luogo":{"indirizzo":"Via X 1","municipio":1,"punto":{"lon":9.1875,"lat":45.4640},
                 "poligono":[[9.1874,45.4639],[9.1882,45.4639],[9.1882,45.4641],[9.1874,45.4641],[9.1874,45.4639]]},
                 "elementi":[{"tipo":"OMBRELLONI","quantita":1}],"superficieMq":12,"occupaCarreggiata":false,
                 "periodo":{"tipo":"TEMPORANEA","dal":"2026-05-01","al":"2026-05-03"},"allegati":[],"presentataIl":"2026-03-01T10:00:00Z"}""");
        assertThat(c.zona("VINCOLO_SOPRINTENDENZA", "x", CityZones.place(IstanzaOsp.of(i))).esito()).isEqualTo("WARN");
        i.with("luogo").remove("poligono");
        assertThat(c.zona("VINCOLO_SOPRINTENDENZA", "x", CityZones.place(IstanzaOsp.of(i))).esito()).isEqualTo("PASS");
    }

    @Test
    void aRoundIsDeniedThenIntegratedThenGrantedAsTheRulesSay() {
        List<VoceChecklist> ok = List.of(new VoceChecklist("ALLEGATI_OBBLIGATORI", "Allegati", "PASS", ""));
        List<VoceChecklist> missing = List.of(new VoceChecklist("ALLEGATI_OBBLIGATORI", "Allegati", "FAIL", "mancano: FOTO"));
        List<VoceChecklist> moroso = List.of(new VoceChecklist("MOROSITA_CANONE", "Morosità", "FAIL", "€ 10"));
        var pl = new OspOutcome.ParereEnte("polizia-locale", "Polizia Locale", Esito.CONFORMAZIONE, List.of("passaggio di 2 m"),
                List.of("planimetria quotata"), null, true);
        var pl2 = new OspOutcome.ParereEnte("polizia-locale", "Polizia Locale", Esito.CONFORMAZIONE, List.of("passaggio di 2 m"),
                List.of(), null, true);
        var so = new OspOutcome.ParereEnte("soprintendenza", "Soprintendenza", Esito.NEGATIVO, List.of(), List.of(), "facciata vincolata", false);

        assertThat(OUTCOME.decide(moroso, List.of(pl)).tipo()).isEqualTo(Decisione.DINIEGO);
        assertThat(OUTCOME.decide(ok, List.of(pl, so)).motivi()).containsExactly("parere contrario di Soprintendenza: facciata vincolata");
        Decisione integra = OUTCOME.decide(missing, List.of(pl));
        assertThat(integra.tipo()).isEqualTo(Decisione.RICHIESTA_INTEGRAZIONE);
        assertThat(integra.integrazioni()).containsExactly("Polizia Locale: planimetria quotata", "Allegati: mancano: FOTO");
        Decisione concessione = OUTCOME.decide(ok, List.of(pl2));
        assertThat(concessione.tipo()).isEqualTo(Decisione.CONCESSIONE);
        assertThat(concessione.prescrizioni()).containsExactly("Polizia Locale: passaggio di 2 m");
        // an integration asked in an earlier round and already answered does not ask again
        var old = new OspOutcome.ParereEnte("mercati", "Mercati", Esito.CONFORMAZIONE, List.of(), List.of("x"), null, false);
        assertThat(OUTCOME.decide(ok, List.of(old)).tipo()).isEqualTo(Decisione.CONCESSIONE);
    }

    @Test
    void eachDecisionProposesItsEsitoAndAValidatedEsitoNamesItsDecision() {
        for (String tipo : OspOutcome.TIPI) {
            assertThat(OspOutcome.tipoOf(OspOutcome.esitoOf(tipo))).isEqualTo(tipo);
        }
        assertThat(OspOutcome.esitoOf(Decisione.RICHIESTA_INTEGRAZIONE)).isEqualTo(Esito.CONFORMAZIONE);
        Decisione proposed = OUTCOME.decide(List.of(new VoceChecklist("MOROSITA_CANONE", "Morosità", "FAIL", "€ 10")), List.of());
        Decisione otherwise = OUTCOME.otherwise(Decisione.CONCESSIONE, proposed);
        assertThat(otherwise.tipo()).isEqualTo(Decisione.CONCESSIONE);
        assertThat(otherwise.motivi()).isEqualTo(proposed.motivi());
    }

    @Test
    void theTemplatesComposeItalianTexts() throws Exception {
        Comunicazioni t = new Comunicazioni(Path.of("../config/osp/templates"));
        IstanzaOsp i = istanza("NUOVA", 9.2, 45.48, "[{\"tipo\":\"TAVOLI\",\"quantita\":4}]", false);
        String s = t.compose(i, new Decisione(Decisione.RICHIESTA_INTEGRAZIONE, List.of(), List.of("Polizia Locale: passaggio di 2 m"),
                List.of("Polizia Locale: planimetria quotata")), null);
        assertThat(s).contains("GP-2026-000001", "richiesta di integrazione", " - Polizia Locale: planimetria quotata",
                "prescrizioni già indicate");
        assertThat(t.compose(i, new Decisione(Decisione.CONCESSIONE, List.of(), List.of(), List.of()), "OSP-2026-000001"))
                .contains("n. OSP-2026-000001").doesNotContain("prescrizioni");
        assertThat(t.compose(i, new Decisione(Decisione.DINIEGO, List.of("morosità"), List.of(), List.of()), null))
                .contains(" - morosità", "TAR");
    }
}
