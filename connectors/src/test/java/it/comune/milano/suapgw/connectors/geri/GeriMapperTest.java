package it.comune.milano.suapgw.connectors.geri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.TestData;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static it.comune.milano.suapgw.connectors.TestData.istanza;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GeriMapperTest {
    static final String POSIZIONE = "classpath:osp/geri.yaml#/components/schemas/Posizione";
    static final String CANONE_DOVUTO = "classpath:osp/geri.yaml#/components/schemas/CanoneDovuto";

    final ObjectMapper json = new ObjectMapper();
    final JsonContracts contracts = new JsonContracts();
    final GeriMapper mapper = new GeriMapper(json);
    final JsonNode posizioni = TestData.fixture("geri").path("posizioni");

    @Test
    void posizionePathNamesTheCodiceFiscale() {
        assertThat(mapper.posizionePath("BRMCHR90B65F205E")).isEqualTo("/api/posizioni/BRMCHR90B65F205E");
    }

    @Test
    void posizionePathPercentEncodesTheCodiceFiscale() {
        // never another path of GERI, never a query
        assertThat(mapper.posizionePath("../canoni?x=1 2")).isEqualTo("/api/posizioni/..%2Fcanoni%3Fx%3D1%202");
    }

    @Test
    void posizioneIsReadFromTheFixture() {
        JsonNode twoYears = posizioni.path("75574290153");
        assertThat(contracts.validate(POSIZIONE, twoYears)).isEmpty();
        assertThat(mapper.posizione(twoYears))
                .isEqualTo(new GeriMapper.Posizione(true, 3480.5, java.util.List.of("2024", "2025")));

        GeriMapper.Posizione inRegola = mapper.posizione(posizioni.path("FRRMRT84L52F205H"));
        assertThat(inRegola.moroso()).isFalse();
        assertThat(inRegola.importoScaduto()).isZero();
        assertThat(inRegola.annualita()).isEmpty();
    }

    @Test
    void onlyMorosoIsRequired() throws Exception {
        GeriMapper.Posizione p = mapper.posizione(json.readTree("{\"moroso\":true}"));
        assertThat(p.moroso()).isTrue();
        assertThat(p.importoScaduto()).isZero();
        assertThat(p.annualita()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"moroso\":null}", "{\"importoScaduto\":100,\"annualita\":[\"2025\"]}"})
    void anAnswerWithoutMorosoIsMalformed(String answer) throws Exception {
        JsonNode n = json.readTree(answer);
        assertThatThrownBy(() -> mapper.posizione(n))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("moroso");
    }

    @Test
    void canoneDovutoOfATemporaryOccupationIsValidAndComplete() {
        IstanzaOsp i = IstanzaOsp.of(istanza("29")); // NUOVA TEMPORANEA

        ObjectNode body = mapper.canoneDovuto(i, "OSP-2026-000129", 184.5);

        assertThat(contracts.validate(CANONE_DOVUTO, body)).isEmpty();
        assertThat(body.path("idIstanza").asText()).isEqualTo("GP-2026-000129");
        assertThat(body.path("codiceFiscale").asText()).isEqualTo("12085870157");
        assertThat(body.path("numeroConcessione").asText()).isEqualTo("OSP-2026-000129");
        assertThat(body.path("superficieMq").asDouble()).isEqualTo(i.superficieMq());
        assertThat(body.path("dal").asText()).isEqualTo(i.dal().toString());
        assertThat(body.path("al").asText()).isEqualTo(i.al().toString());
        assertThat(body.path("importo").asDouble()).isEqualTo(184.5);
    }

    @Test
    void canoneDovutoOmitsWhatIsNotKnown() {
        IstanzaOsp permanente = IstanzaOsp.of(istanza("03"));
        assertThat(permanente.al()).isNull();

        ObjectNode body = mapper.canoneDovuto(permanente, null, 0);

        assertThat(contracts.validate(CANONE_DOVUTO, body)).isEmpty();
        assertThat(body.has("numeroConcessione")).isFalse();
        assertThat(body.has("al")).isFalse();
        assertThat(body.properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("idIstanza", "codiceFiscale", "superficieMq", "dal", "importo");
    }

    @Test
    void aNegativeImportoIsOutsideTheContract() {
        ObjectNode body = mapper.canoneDovuto(IstanzaOsp.of(istanza("29")), null, -1);
        assertThat(contracts.validate(CANONE_DOVUTO, body)).anyMatch(m -> m.contains("importo"));
    }

    @Test
    void idAvvisoIsReadFromTheAnswer() throws Exception {
        assertThat(mapper.idAvviso(json.readTree("{\"idAvviso\":\"AV-2026-0042\"}"))).isEqualTo("AV-2026-0042");
    }

    @Test
    void anAnswerWithoutIdAvvisoIsMalformed() throws Exception {
        JsonNode answer = json.readTree("{}");
        assertThatThrownBy(() -> mapper.idAvviso(answer)).isInstanceOf(IllegalArgumentException.class);
    }
}
