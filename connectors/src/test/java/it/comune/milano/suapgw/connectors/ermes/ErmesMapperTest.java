package it.comune.milano.suapgw.connectors.ermes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.TestData;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static it.comune.milano.suapgw.connectors.TestData.istanza;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ErmesMapperTest {
    static final String IMPATTO = "classpath:osp/ermes.yaml#/components/schemas/ImpattoAcustico";
    static final String SCIA = "classpath:osp/ermes.yaml#/components/schemas/Scia";

    final ObjectMapper json = new ObjectMapper();
    final JsonContracts contracts = new JsonContracts();
    final ErmesMapper mapper = new ErmesMapper();
    final JsonNode fixture = TestData.fixture("ermes");

    @Test
    void queryNamesTheApplicantAndThePlace() {
        IstanzaOsp i = IstanzaOsp.of(istanza("08")); // a personal codice fiscale
        assertThat(mapper.query(i)).isEqualTo("codiceFiscale=CLMDVD79S03F205O&lon=" + i.lon() + "&lat=" + i.lat());
    }

    @Test
    void queryPercentEncodesTheCodiceFiscale() {
        IstanzaOsp i = new IstanzaOsp("GP-2026-000999", "NUOVA", "RSS MRA#1&x=y", "Bar", "Via Roma 1", 1, 9.19, 45.46,
                null, Map.of(), 10, false, "PERMANENTE", LocalDate.of(2026, 6, 1), null);
        assertThat(mapper.query(i)).isEqualTo("codiceFiscale=RSS%20MRA%231%26x%3Dy&lon=9.19&lat=45.46");
    }

    @Test
    void impattoAcusticoIsReadFromTheFixture() {
        JsonNode withRelazione = fixture.path("acustica").path("70107430152");
        assertThat(contracts.validate(IMPATTO, withRelazione)).isEmpty();
        assertThat(mapper.impattoAcustico(withRelazione)).isEqualTo(new ErmesMapper.ImpattoAcustico("IV", true));

        JsonNode sensibile = fixture.path("acustica").path("24896680154");
        assertThat(mapper.impattoAcustico(sensibile)).isEqualTo(new ErmesMapper.ImpattoAcustico("II", false));

        JsonNode byDefault = fixture.path("acusticaDefault");
        assertThat(contracts.validate(IMPATTO, byDefault)).isEmpty();
        assertThat(mapper.impattoAcustico(byDefault)).isEqualTo(new ErmesMapper.ImpattoAcustico("IV", false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"classeAcustica\":null,\"relazioneRichiesta\":true}", "{\"relazioneRichiesta\":true}"})
    void anAnswerWithoutClasseAcusticaIsMalformed(String answer) throws Exception {
        JsonNode n = json.readTree(answer);
        assertThatThrownBy(() -> mapper.impattoAcustico(n))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("classeAcustica");
    }

    @Test
    void sciaAreReadFromTheFixture() {
        ObjectNode answer = json.createObjectNode();
        answer.set("scia", fixture.path("scia"));
        assertThat(contracts.validate(SCIA, answer)).isEmpty();

        List<ErmesMapper.Scia> scia = mapper.scia(answer);

        assertThat(scia).hasSize(fixture.path("scia").size());
        assertThat(scia.get(0)).isEqualTo(new ErmesMapper.Scia("PG 4113/2023", "EFFICACE"));
        assertThat(scia).extracting(ErmesMapper.Scia::stato).contains("SOSPESA").containsOnly("EFFICACE", "SOSPESA");
    }

    @Test
    void noSciaIsAnEmptyList() throws Exception {
        assertThat(mapper.scia(json.readTree("{\"scia\":[]}"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"scia\":null}", "{\"scia\":\"none\"}", "{\"classeAcustica\":\"IV\"}"})
    void anAnswerWithoutSciaIsMalformed(String answer) throws Exception {
        JsonNode n = json.readTree(answer);
        assertThatThrownBy(() -> mapper.scia(n))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scia");
    }
}
