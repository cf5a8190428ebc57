package it.comune.milano.suapgw.connectors.osapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.TestData;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static it.comune.milano.suapgw.connectors.TestData.istanza;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OsapiMapperTest {
    static final String OCCUPAZIONI = "classpath:osp/osapi.yaml#/components/schemas/Occupazioni";
    static final String NUOVA_CONCESSIONE = "classpath:osp/osapi.yaml#/components/schemas/NuovaConcessione";

    final ObjectMapper json = new ObjectMapper();
    final JsonContracts contracts = new JsonContracts();
    final OsapiMapper mapper = new OsapiMapper(json);

    static IstanzaOsp withCodiceFiscale(String cf) {
        return new IstanzaOsp("GP-2026-000999", "NUOVA", cf, "Bar", "Via Roma 1", 1, 9.19, 45.46, null,
                Map.of("TAVOLI", 2), 10, false, "TEMPORANEA", LocalDate.of(2026, 6, 1), LocalDate.of(2026, 6, 30));
    }

    @Test
    void occupazioniQueryNamesTheApplicantAndThePlace() {
        IstanzaOsp i = IstanzaOsp.of(istanza("03"));
        assertThat(mapper.occupazioniQuery(i))
                .isEqualTo("codiceFiscale=FRRMRT84L52F205H&lon=" + i.lon() + "&lat=" + i.lat());
    }

    @Test
    void occupazioniQueryPercentEncodesTheCodiceFiscale() {
        assertThat(mapper.occupazioniQuery(withCodiceFiscale("AB C+D/E&lat=1")))
                .startsWith("codiceFiscale=AB%20C%2BD%2FE%26lat%3D1&lon=9.19&lat=45.46")
                .doesNotContain("+");
    }

    @Test
    void occupazioniAreReadFromTheFixture() {
        JsonNode answer = TestData.fixture("osapi");
        assertThat(contracts.validate(OCCUPAZIONI, answer)).isEmpty();

        List<OsapiMapper.Occupazione> occupazioni = mapper.occupazioni(answer);

        assertThat(occupazioni).hasSize(answer.path("occupazioni").size());
        assertThat(occupazioni.get(0)).isEqualTo(new OsapiMapper.Occupazione("OSP-2024-000017", "ATTIVA"));
        assertThat(occupazioni.get(1)).isEqualTo(new OsapiMapper.Occupazione("OSP-2021-000024", "SCADUTA"));
        assertThat(occupazioni).extracting(OsapiMapper.Occupazione::stato)
                .containsOnly("ATTIVA", "SCADUTA", "REVOCATA").contains("REVOCATA");
    }

    @Test
    void noOccupationIsAnEmptyList() throws Exception {
        assertThat(mapper.occupazioni(json.readTree("{\"occupazioni\":[]}"))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"occupazioni\":null}", "{\"occupazioni\":{}}", "{\"errore\":\"busy\"}", "[]"})
    void anAnswerWithoutOccupazioniIsMalformed(String answer) throws Exception {
        JsonNode n = json.readTree(answer);
        assertThatThrownBy(() -> mapper.occupazioni(n))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("occupazioni");
    }

    @Test
    void nuovaConcessioneIsValidAndCarriesTheIstanza() {
        ObjectNode istanza = istanza("01");

        ObjectNode body = mapper.nuovaConcessione(istanza);

        assertThat(contracts.validate(NUOVA_CONCESSIONE, body)).isEmpty();
        assertThat(body.path("idIstanza").asText()).isEqualTo("GP-2026-000101");
        assertThat(body.path("codiceFiscale").asText()).isEqualTo("18351730157");
        assertThat(body.path("indirizzo").asText()).isEqualTo("Piazza del Duomo 21");
        assertThat(body.path("superficieMq").isNumber()).isTrue();
        assertThat(body.path("superficieMq").asDouble()).isEqualTo(32.0);
        assertThat(body.path("periodo")).isEqualTo(istanza.path("periodo"));
        assertThat(body.path("periodo").path("al").asText()).isEqualTo("2026-10-15");
        assertThat(body.path("elementi")).isEqualTo(istanza.path("elementi"));
        // nothing else of the istanza (allegati with their content, richiedente's PEC, ...) travels to OSAPI
        assertThat(body.properties()).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrder("idIstanza", "codiceFiscale", "indirizzo", "superficieMq", "periodo", "elementi");
    }

    @Test
    void nuovaConcessioneOfAPermanentOccupationHasNoEndDate() {
        ObjectNode body = mapper.nuovaConcessione(istanza("03"));
        assertThat(contracts.validate(NUOVA_CONCESSIONE, body)).isEmpty();
        assertThat(body.path("periodo").path("tipo").asText()).isEqualTo("PERMANENTE");
        assertThat(body.path("periodo").has("al")).isFalse();
    }

    static Stream<Path> istanzeOfTestData() {
        return TestData.istanzaFiles();
    }

    @ParameterizedTest
    @MethodSource("istanzeOfTestData")
    void nuovaConcessioneIsValidForEveryIstanzaOfTheTestData(Path file) {
        assertThat(contracts.validate(NUOVA_CONCESSIONE, mapper.nuovaConcessione(TestData.read(file)))).isEmpty();
    }

    @Test
    void numeroConcessioneIsReadFromTheAnswer() throws Exception {
        assertThat(mapper.numeroConcessione(json.readTree("{\"numeroConcessione\":\"OSP-2026-000101\"}")))
                .isEqualTo("OSP-2026-000101");
    }

    @Test
    void anAnswerWithoutNumeroConcessioneIsMalformed() throws Exception {
        JsonNode answer = json.readTree("{}");
        assertThatThrownBy(() -> mapper.numeroConcessione(answer)).isInstanceOf(IllegalArgumentException.class);
    }
}
