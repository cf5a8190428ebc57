package it.comune.milano.suapgw.connectors.geopost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.TestData;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.model.Comunicazione;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import static it.comune.milano.suapgw.connectors.TestData.integrazione;
import static it.comune.milano.suapgw.connectors.TestData.integrazioneEvent;
import static it.comune.milano.suapgw.connectors.TestData.istanza;
import static it.comune.milano.suapgw.connectors.TestData.istanzaEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class GeopostMapperTest {
    static final String COMUNICAZIONE = "classpath:osp/geopost.yaml#/components/schemas/Comunicazione";
    static final String ERRORE = "classpath:osp/geopost.yaml#/components/schemas/Errore";

    final ObjectMapper json = new ObjectMapper();
    final JsonContracts contracts = new JsonContracts();
    final GeopostMapper mapper = new GeopostMapper(contracts, json);

    // ---- ISTANZA events ----

    @Test
    void istanzaEventIsReadWithItsKeyTheIstanzaWithoutContentAndTheAllegatiDecoded() {
        ObjectNode istanza = istanza("01");
        ObjectNode event = istanzaEvent(42, istanza);
        String before = event.toString();

        GeopostMapper.Evento ev = mapper.evento(event);

        assertThat(ev.seq()).isEqualTo(42);
        assertThat(ev.tipo()).isEqualTo("ISTANZA");
        assertThat(ev.isIstanza()).isTrue();
        assertThat(ev.chiave()).isEqualTo("ISTANZA:GP-2026-000101");
        assertThat(ev.idIstanza()).isEqualTo("GP-2026-000101");
        assertThat(ev.idIntegrazione()).isNull();
        assertThat(ev.sha256()).isEqualTo(ContentHashes.sha256Hex(before)).hasSize(64);

        // the kept istanza: everything but the allegati's content
        assertThat(ev.istanza().path("allegati")).hasSize(3)
                .allSatisfy(a -> {
                    assertThat(a.has("contenuto")).isFalse();
                    assertThat(a.path("sha256").asText()).matches("[0-9a-f]{64}");
                    assertThat(a.path("nome").asText()).isNotEmpty();
                });
        ObjectNode expectedKept = istanza.deepCopy();
        expectedKept.withArray("allegati").forEach(a -> ((ObjectNode) a).remove("contenuto"));
        assertThat(ev.istanza()).isEqualTo(expectedKept);
        // ... and the event itself is left as it came (it may be stored or answered as is)
        assertThat(event.toString()).isEqualTo(before);

        // the allegati: decoded, in order, each matching its declared hash
        assertThat(ev.allegati()).extracting(GeopostMapper.Allegato::tipo)
                .containsExactly("PLANIMETRIA", "DOCUMENTO_IDENTITA", "FOTO");
        for (int k = 0; k < 3; k++) {
            JsonNode declared = istanza.path("allegati").get(k);
            GeopostMapper.Allegato a = ev.allegati().get(k);
            assertThat(a.nome()).isEqualTo(declared.path("nome").asText());
            assertThat(a.mimeType()).isEqualTo(declared.path("mimeType").asText());
            assertThat(a.content()).isEqualTo(Base64.getDecoder().decode(declared.path("contenuto").asText()));
            assertThat(ContentHashes.sha256Hex(a.content())).isEqualTo(declared.path("sha256").asText());
        }
        assertThat(new String(ev.allegati().get(0).content(), StandardCharsets.ISO_8859_1)).startsWith("%PDF-1.4");
        assertThat(ev.allegati().get(2).content()).startsWith((byte) 0xFF, (byte) 0xD8, (byte) 0xFF);
    }

    @Test
    void theSameIstanzaPushedAndPolledHasTheSameKey() {
        GeopostMapper.Evento pushed = mapper.evento(istanzaEvent(7, istanza("02")));
        GeopostMapper.Evento polled = mapper.evento(istanzaEvent(8, istanza("02")));
        assertThat(polled.chiave()).isEqualTo(pushed.chiave()).isEqualTo("ISTANZA:GP-2026-000102");
        assertThat(polled.sha256()).isNotEqualTo(pushed.sha256());
    }

    static Stream<Path> istanzeOfTestData() {
        return TestData.istanzaFiles();
    }

    @ParameterizedTest
    @MethodSource("istanzeOfTestData")
    void everyIstanzaOfTheTestDataIsTaken(Path file) {
        JsonNode istanza = TestData.read(file);
        GeopostMapper.Evento ev = mapper.evento(istanzaEvent(1, istanza));
        assertThat(ev.chiave()).isEqualTo("ISTANZA:" + istanza.path("idIstanza").asText());
        assertThat(ev.allegati()).hasSize(istanza.path("allegati").size());
    }

    @Test
    void anAllegatoWhoseHashDoesNotMatchIsRefusedNamingIt() {
        ObjectNode istanza = istanza("01");
        String other = ContentHashes.sha256Hex("another document");
        ((ObjectNode) istanza.path("allegati").get(1)).put("sha256", other);

        assertThatThrownBy(() -> mapper.evento(istanzaEvent(1, istanza)))
                .isInstanceOf(GeopostMapper.InvalidEventException.class)
                .hasMessageContaining("documento-identita-legale-rappresentante.pdf")
                .hasMessageContaining("SHA-256")
                .hasMessageContaining("27ec3d7f0cfe4c49da6053ffa8382aff42d2aa498ed51eccee6d6936d93333ce") // actual
                .hasMessageContaining(other); // declared
    }

    @Test
    void anAllegatoWhoseContentIsNotBase64IsRefusedNamingIt() {
        ObjectNode istanza = istanza("01");
        // padding in the middle: no base64 decoder can read it
        ((ObjectNode) istanza.path("allegati").get(0)).put("contenuto", "JVBE=JVBE");

        assertThatThrownBy(() -> mapper.evento(istanzaEvent(1, istanza)))
                .isInstanceOf(GeopostMapper.InvalidEventException.class)
                .hasMessageContaining("planimetria-occupazione.pdf")
                .hasMessageContaining("not base64");
    }

    @Test
    void anAllegatoWithTextInsteadOfBase64IsNeverTaken() {
        ObjectNode istanza = istanza("01");
        String text = "this is *not* base64!";
        ObjectNode a = (ObjectNode) istanza.path("allegati").get(0);
        a.put("contenuto", text).put("sha256", ContentHashes.sha256Hex(text));

        assertThatThrownBy(() -> mapper.evento(istanzaEvent(1, istanza)))
                .isInstanceOf(GeopostMapper.InvalidEventException.class)
                .hasMessageContaining("planimetria-occupazione.pdf");
    }

    @Test
    void contentWithCharactersOutsideTheBase64AlphabetIsRefusedAsNotBase64() {
        ObjectNode istanza = istanza("01");
        ((ObjectNode) istanza.path("allegati").get(0)).put("contenuto", "%%%%")
                .put("sha256", ContentHashes.sha256Hex(new byte[0]));

        assertThatThrownBy(() -> mapper.evento(istanzaEvent(1, istanza)))
                .isInstanceOf(GeopostMapper.InvalidEventException.class)
                .hasMessageContaining("not base64");
    }

    @Test
    void base64WrappedOnLinesIsTaken() {
        ObjectNode istanza = istanza("01");
        ObjectNode a = (ObjectNode) istanza.path("allegati").get(0);
        String wrapped = Base64.getMimeEncoder(20, "\r\n".getBytes()).encodeToString(
                Base64.getDecoder().decode(a.path("contenuto").asText()));
        a.put("contenuto", wrapped);

        GeopostMapper.Evento ev = mapper.evento(istanzaEvent(1, istanza));
        assertThat(ContentHashes.sha256Hex(ev.allegati().get(0).content())).isEqualTo(a.path("sha256").asText());
    }

    @Test
    void anEventViolatingTheContractIsRefusedNamingTheViolation() {
        ObjectNode badId = istanza("01").put("idIstanza", "GP-26-101");
        assertThatThrownBy(() -> mapper.evento(istanzaEvent(1, badId)))
                .isInstanceOf(GeopostMapper.InvalidEventException.class)
                .hasMessageContaining("idIstanza");

        ObjectNode noPeriodo = istanza("01");
        noPeriodo.remove("periodo");
        assertThatThrownBy(() -> mapper.evento(istanzaEvent(1, noPeriodo)))
                .isInstanceOf(GeopostMapper.InvalidEventException.class)
                .hasMessageContaining("periodo");

        ObjectNode upperHash = istanza("01");
        ObjectNode a = (ObjectNode) upperHash.path("allegati").get(0);
        a.put("sha256", a.path("sha256").asText().toUpperCase());
        assertThatThrownBy(() -> mapper.evento(istanzaEvent(1, upperHash)))
                .isInstanceOf(GeopostMapper.InvalidEventException.class)
                .hasMessageContaining("sha256");

        ObjectNode seqZero = istanzaEvent(0, istanza("01"));
        assertThatThrownBy(() -> mapper.evento(seqZero))
                .isInstanceOf(GeopostMapper.InvalidEventException.class)
                .hasMessageContaining("seq");

        ObjectNode extra = istanzaEvent(1, istanza("01")).put("firma", "x");
        assertThatThrownBy(() -> mapper.evento(extra))
                .isInstanceOf(GeopostMapper.InvalidEventException.class)
                .hasMessageContaining("firma");
    }

    @Test
    void anEventWhoseTipoDoesNotMatchItsBodyIsRefused() {
        ObjectNode integrazioneAsIstanza = istanzaEvent(1, istanza("01"));
        integrazioneAsIstanza.put("tipo", "INTEGRAZIONE");
        assertThatThrownBy(() -> mapper.evento(integrazioneAsIstanza))
                .isInstanceOf(GeopostMapper.InvalidEventException.class);

        ObjectNode both = istanzaEvent(1, istanza("04"));
        both.set("integrazione", integrazione("04", 1));
        assertThatThrownBy(() -> mapper.evento(both))
                .isInstanceOf(GeopostMapper.InvalidEventException.class);

        ObjectNode none = json.createObjectNode().put("seq", 1).put("tipo", "ISTANZA");
        assertThatThrownBy(() -> mapper.evento(none))
                .isInstanceOf(GeopostMapper.InvalidEventException.class);
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefused() throws Exception {
        assertThatThrownBy(() -> mapper.evento(json.readTree("[1,2]")))
                .isInstanceOf(GeopostMapper.InvalidEventException.class).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> mapper.evento(null))
                .isInstanceOf(GeopostMapper.InvalidEventException.class).hasMessageContaining("not a JSON object");
    }

    // ---- INTEGRAZIONE events ----

    @Test
    void integrazioneEventIsReadWithItsKeyAndTheIstanzaItCompletes() {
        ObjectNode integrazione = integrazione("04", 1);
        GeopostMapper.Evento ev = mapper.evento(integrazioneEvent(9, integrazione));

        assertThat(ev.isIstanza()).isFalse();
        assertThat(ev.tipo()).isEqualTo("INTEGRAZIONE");
        assertThat(ev.seq()).isEqualTo(9);
        assertThat(ev.chiave()).isEqualTo("INTEGRAZIONE:GP-2026-000104-I1");
        assertThat(ev.idIntegrazione()).isEqualTo("GP-2026-000104-I1");
        assertThat(ev.idIstanza()).isEqualTo("GP-2026-000104");
        assertThat(ev.istanza()).isNull();
        assertThat(ev.allegati()).extracting(GeopostMapper.Allegato::nome)
                .containsExactly("fotoinserimento-dehors-darsena.pdf", "campionatura-pedana.jpg");
        assertThat(ContentHashes.sha256Hex(ev.allegati().get(1).content()))
                .isEqualTo("17b83f0b9cae704943c5c59696ec11499dc8e2ec0e0cdfca4fca544d62b96c7b");
    }

    static Stream<Path> integrazioniOfTestData() {
        return TestData.integrazioneFiles();
    }

    @ParameterizedTest
    @MethodSource("integrazioniOfTestData")
    void everyIntegrazioneOfTheTestDataIsTaken(Path file) {
        JsonNode integrazione = TestData.read(file);
        GeopostMapper.Evento ev = mapper.evento(integrazioneEvent(1, integrazione));
        assertThat(ev.chiave()).isEqualTo("INTEGRAZIONE:" + integrazione.path("idIntegrazione").asText());
        assertThat(ev.idIstanza()).isEqualTo(integrazione.path("idIstanza").asText());
    }

    @Test
    void anIntegrazioneAllegatoIsCheckedAgainstItsHashToo() {
        ObjectNode integrazione = integrazione("04", 1);
        ((ObjectNode) integrazione.path("allegati").get(0)).put("sha256", ContentHashes.sha256Hex("x"));
        assertThatThrownBy(() -> mapper.evento(integrazioneEvent(1, integrazione)))
                .isInstanceOf(GeopostMapper.InvalidEventException.class)
                .hasMessageContaining("fotoinserimento-dehors-darsena.pdf");
    }

    // ---- poll and push answers ----

    @Test
    void pollQueryAndPage() throws Exception {
        assertThat(mapper.eventsQuery(120, 50)).isEqualTo("dopo=120&limite=50");
        JsonNode page = json.readTree("{\"eventi\":[{\"seq\":3},{\"seq\":4}]}");
        assertThat(mapper.eventi(page)).extracting(e -> e.path("seq").asInt()).containsExactly(3, 4);
        assertThat(mapper.eventi(json.readTree("{}"))).isEmpty();
    }

    @Test
    void pushAnswersFollowTheContract() throws Exception {
        UUID pratica = UUID.fromString("3f0c2f7e-2a8b-4d1e-9c44-6b1f0c2d9e11");
        JsonNode esito = json.readTree(mapper.esito(GeopostMapper.DUPLICATO, pratica.toString()));
        assertThat(esito.path("esito").asText()).isEqualTo("DUPLICATO");
        assertThat(esito.path("idPratica").asText()).isEqualTo(pratica.toString());

        JsonNode errore = json.readTree(mapper.errore("/istanza/idIstanza: does not match"));
        assertThat(contracts.validate(ERRORE, errore)).isEmpty();
        assertThat(errore.path("codice").asText()).isEqualTo("RICHIESTA_NON_VALIDA");
        assertThat(errore.path("messaggio").asText()).isEqualTo("/istanza/idIstanza: does not match");
    }

    // ---- communications out ----

    @Test
    void comunicazioneIsValidAgainstTheContractAndCarriesTheConcessionNumber() {
        Comunicazione c = new Comunicazione(UUID.fromString("6f1c7c2e-8a43-4a47-9d6b-1f2e3d4c5b6a"), "CONCESSIONE",
                "Si rilascia la concessione.", List.of(), List.of("Passaggio pedonale di 2 m", "Arredi grigi"),
                null, "OSP-2026-000101", "mario.rossi",
                OffsetDateTime.of(2026, 5, 1, 12, 30, 15, 250_000_000, ZoneOffset.ofHours(2)));

        ObjectNode body = mapper.comunicazione(c);

        assertThat(contracts.validate(COMUNICAZIONE, body)).isEmpty();
        assertThat(body.path("idComunicazione").asText()).isEqualTo("6f1c7c2e-8a43-4a47-9d6b-1f2e3d4c5b6a");
        assertThat(body.path("tipo").asText()).isEqualTo("CONCESSIONE");
        assertThat(body.path("numeroConcessione").asText()).isEqualTo("OSP-2026-000101");
        assertThat(body.path("prescrizioni")).extracting(JsonNode::asText)
                .containsExactly("Passaggio pedonale di 2 m", "Arredi grigi");
        assertThat(body.path("motivi").isArray()).isTrue();
        assertThat(body.path("integrazioniRichieste").isArray()).isTrue();
        assertThat(body.path("integrazioniRichieste")).isEmpty();
        assertThat(body.path("validataDa").asText()).isEqualTo("mario.rossi");
        // the same instant, in UTC
        assertThat(body.path("validataIl").asText()).endsWith("Z");
        assertThat(OffsetDateTime.parse(body.path("validataIl").asText()))
                .isEqualTo(OffsetDateTime.parse("2026-05-01T10:30:15.250Z"));
    }

    @Test
    void comunicazioneWithoutConcessionOmitsTheNumber() {
        Comunicazione c = new Comunicazione(UUID.randomUUID(), "RICHIESTA_INTEGRAZIONE", "Si chiede di integrare.",
                List.of("Planimetria non quotata"), null, List.of("Planimetria quotata"), null, "mario.rossi",
                OffsetDateTime.parse("2026-05-01T10:30:15.123456+02:00"));

        ObjectNode body = mapper.comunicazione(c);

        assertThat(contracts.validate(COMUNICAZIONE, body)).isEmpty();
        assertThat(body.has("numeroConcessione")).isFalse();
        assertThat(body.path("integrazioniRichieste")).extracting(JsonNode::asText).containsExactly("Planimetria quotata");
        assertThat(body.path("motivi")).extracting(JsonNode::asText).containsExactly("Planimetria non quotata");
    }

    @Test
    void comunicazioneValidatedOnAWholeMinuteIsStillARfc3339DateTime() {
        // OffsetDateTime.toString() drops ":00" seconds ("2026-05-01T08:30Z"), which RFC 3339 does not allow
        Comunicazione c = new Comunicazione(UUID.randomUUID(), "DINIEGO", "Si nega.", List.of("Moroso"), null, null,
                null, "mario.rossi", OffsetDateTime.of(2026, 5, 1, 10, 30, 0, 0, ZoneOffset.ofHours(2)));

        ObjectNode body = mapper.comunicazione(c);

        assertThat(contracts.validate(COMUNICAZIONE, body)).isEmpty();
        assertThat(body.path("validataIl").asText()).isEqualTo("2026-05-01T08:30:00Z");
    }

    @Test
    void comunicazioniPathEncodesTheIstanza() {
        assertThat(mapper.comunicazioniPath("GP-2026-000101")).isEqualTo("/api/istanze/GP-2026-000101/comunicazioni");
        assertThat(mapper.comunicazioniPath("../x y")).isEqualTo("/api/istanze/..%2Fx%20y/comunicazioni");
    }

    @Test
    void ricevutaIsReadFromTheAnswer() throws Exception {
        assertThat(mapper.ricevuta(json.readTree("{\"ricevuta\":\"RIC-77\"}"))).isEqualTo("RIC-77");
    }

    // ---- IstanzaOsp ----

    @Test
    void istanzaOspReadsEveryFieldOfAnIstanza() {
        IstanzaOsp i = IstanzaOsp.of(istanza("01"));

        assertThat(i.idIstanza()).isEqualTo("GP-2026-000101");
        assertThat(i.tipo()).isEqualTo("NUOVA");
        assertThat(i.codiceFiscale()).isEqualTo("18351730157");
        assertThat(i.denominazione()).isEqualTo("Caffè Portici del Duomo S.r.l.");
        assertThat(i.indirizzo()).isEqualTo("Piazza del Duomo 21");
        assertThat(i.municipio()).isEqualTo(1);
        assertThat(i.lon()).isEqualTo(9.1894);
        assertThat(i.lat()).isEqualTo(45.4647);
        assertThat(i.poligono()).hasSize(5);
        assertThat(i.poligono().get(0)).containsExactly(9.1893488, 45.464682);
        assertThat(i.poligono().get(4)).containsExactly(i.poligono().get(0));
        assertThat(i.elementi()).containsExactly(entry("TAVOLI", 8), entry("SEDIE", 24), entry("OMBRELLONI", 4));
        assertThat(i.superficieMq()).isEqualTo(32.0);
        assertThat(i.occupaCarreggiata()).isFalse();
        assertThat(i.periodoTipo()).isEqualTo("STAGIONALE");
        assertThat(i.dal()).isEqualTo(LocalDate.of(2026, 4, 15));
        assertThat(i.al()).isEqualTo(LocalDate.of(2026, 10, 15));
        assertThat(i.periodoDescritto()).isEqualTo("occupazione stagionale dal 2026-04-15 al 2026-10-15");
        assertThat(i.tipoDescritto()).isEqualTo("nuova occupazione");
    }

    @Test
    void istanzaOspWithoutPolygonOrEndDate() {
        IstanzaOsp nullPolygon = IstanzaOsp.of(istanza("03")); // poligono: null, PERMANENTE
        assertThat(nullPolygon.poligono()).isNull();
        assertThat(nullPolygon.al()).isNull();
        assertThat(nullPolygon.periodoDescritto()).isEqualTo("occupazione permanente dal " + nullPolygon.dal());
        assertThat(nullPolygon.tipoDescritto()).isEqualTo("rinnovo");

        IstanzaOsp absentPolygon = IstanzaOsp.of(istanza("17")); // no poligono at all
        assertThat(absentPolygon.poligono()).isNull();
        assertThat(absentPolygon.tipoDescritto()).isEqualTo("adeguamento di occupazione straordinaria");

        IstanzaOsp temporanea = IstanzaOsp.of(istanza("29"));
        assertThat(temporanea.periodoDescritto()).startsWith("occupazione temporanea dal ").contains(" al ");
        assertThat(temporanea.occupaCarreggiata()).isFalse();
        assertThat(IstanzaOsp.of(istanza("08")).occupaCarreggiata()).isTrue();
    }

    @Test
    void istanzaOspAddsUpElementsOfTheSameKind() {
        ObjectNode i = istanza("01");
        i.withArray("elementi").addObject().put("tipo", "SEDIE").put("quantita", 6);
        assertThat(IstanzaOsp.of(i).elementi())
                .containsExactly(entry("TAVOLI", 8), entry("SEDIE", 30), entry("OMBRELLONI", 4));
    }
}
