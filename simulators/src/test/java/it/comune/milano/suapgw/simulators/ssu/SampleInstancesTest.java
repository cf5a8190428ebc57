package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SampleInstancesTest {

    private final SampleInstances samples = TestSupport.samples();

    private static JsonSchema schema(String location) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(SchemaLocation.of(location));
    }

    @Test
    void templatesAreRoundRobinWithExpectedOutcomes() {
        assertThat(List.of(0, 1, 2, 3, 4).stream().map(i -> samples.get(i).procedureCode()).toList())
                .containsExactly("SOMMINISTRAZIONE_APERTURA", "DEHORS_STAGIONALE", "ACCONCIATORE_APERTURA", "MEDIA_STRUTTURA_VENDITA",
                        "SOMMINISTRAZIONE_APERTURA");
        assertThat(List.of(0, 1, 2, 3).stream().map(i -> samples.get(i).expectedOutcome()).toList())
                .containsExactly("end_by_positive_outcome", "end_by_positive_outcome", "end_by_conformation_requested",
                        "end_by_negative_outcome");
        assertThat(samples.get(3).proceedingCodes()).containsExactly("MEDIA_STRUTTURA_VENDITA", "IMPATTO_VIABILISTICO", "VINCOLO_CULTURALE");
        assertThat(samples.get(1).descriptor().at("/usecase_proceedings/1/competent_administration/ipacode").asText()).isEqualTo("m_bac");
        assertThat(samples.get(1).descriptor().at("/administrative_regime/id").asText()).isEqualTo("AUTORIZZAZIONE");
    }

    @Test
    void deterministicBySeedAndIndex() {
        SampleInstances again = TestSupport.samples();
        SampleInstances other = new SampleInstances(TestSupport.proceduresJson(), "another-seed");
        assertThat(again.get(7).cuiUuid()).isEqualTo(samples.get(7).cuiUuid());
        assertThat(again.get(7).sendInstanceBody()).isEqualTo(samples.get(7).sendInstanceBody());
        assertThat(other.get(7).cuiUuid()).isNotEqualTo(samples.get(7).cuiUuid());
        assertThat(samples.get(0).hashes().values()).doesNotContainAnyElementsOf(samples.get(4).hashes().values());
        assertThat(samples.get(0).cui().get("uuid").asText()).isEqualTo(samples.get(0).cuiUuid());
        assertThat(samples.get(0).cui().get("data").asText()).isEqualTo("2026-11-25");
    }

    @Test
    void descriptorValidatesAgainstOfficialSchema() {
        JsonSchema schema = schema("classpath:ssu/openapi/catalogo-ssu_to_bo.yaml#/components/schemas/InstanceDescriptor");
        for (int i = 0; i < 8; i++) {
            JsonNode d = samples.get(i).descriptor();
            assertThat(schema.validate(d)).as("sample %d", i).isEmpty();
            assertThat(d.get("version").isInt()).isTrue();
            assertThat(d.get("municipality").asText()).isEqualTo("015146");
            assertThat(d.get("legal_person").asText()).matches("[0-9]{11}");
        }
        // the validator does catch errors
        JsonNode broken = samples.get(0).descriptor().deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken).put("municipality", "Milano");
        assertThat(schema.validate(broken)).isNotEmpty();
    }

    @Test
    void sendInstanceBodyValidatesAgainstBoToFo() {
        JsonSchema schema = schema("classpath:ssu/openapi/bo_to_fo.yaml#/components/schemas/SendInstanceRequest");
        for (int i = 0; i < 4; i++) {
            JsonNode body = samples.get(i).sendInstanceBody();
            assertThat(schema.validate(body)).as("sample %d", i).isEmpty();
            assertThat(body.get("instance_descriptor_version").asText()).isEqualTo("1");
            assertThat(body.get("instance_descriptor_version").isTextual()).isTrue();
        }
    }

    @Test
    void indexesMatchDocumentsAndDescriptor() {
        for (int i = 0; i < 8; i++) {
            SampleInstances.Sample s = samples.get(i);
            Set<String> ids = new HashSet<>();
            Set<String> refs = new HashSet<>();
            for (JsonNode e : s.instanceIndex()) {
                String id = e.get("resource_id").asText();
                assertThat(ids.add(id)).as("unique resource_id").isTrue();
                assertThat(s.documents()).containsKey(id);
                assertThat(e.get("hash").asText()).isEqualTo(Json.sha256(s.documents().get(id))).matches("[0-9a-f]{64}");
                assertThat(e.get("alg_hash").asText()).isEqualTo("S256");
                refs.add(e.get("ref").asText() + "|" + e.get("hash").asText() + "|" + e.get("code").asText());
            }
            // every instance/attachment of the descriptor is in the instance_index, with the same hash
            Set<String> fromDescriptor = new HashSet<>();
            for (JsonNode up : s.descriptor().get("usecase_proceedings")) {
                JsonNode inst = up.get("instance");
                assertThat(inst.get("mime_type").asText()).isEqualTo("application/xml");
                fromDescriptor.add(inst.get("ref").asText() + "|" + inst.get("hash").asText() + "|" + up.get("code").asText());
                assertThat(up.get("attachments").size()).isBetween(1, 2);
                for (JsonNode a : up.get("attachments")) {
                    assertThat(a.get("mime_type").asText()).isEqualTo("application/pdf");
                    fromDescriptor.add(a.get("ref").asText() + "|" + a.get("hash").asText() + "|" + up.get("code").asText());
                }
            }
            assertThat(refs).isEqualTo(fromDescriptor);
            assertThat(s.generalIndex()).hasSize(2);
            assertThat(s.generalIndex().get(0).get("name").asText()).isEqualTo("SUAP_XML");
            assertThat(s.generalIndex().get(1).get("name").asText()).isEqualTo("SUAP_PDF");
            for (JsonNode g : s.generalIndex()) {
                String id = g.get("resource_id").asText();
                assertThat(ids.add(id)).isTrue();
                assertThat(g.get("hash").asText()).isEqualTo(s.hash(id));
            }
            assertThat(s.documents()).hasSize(ids.size());
            assertThat(new String(s.documents().get(s.generalIndex().get(1).get("resource_id").asText()))).startsWith("%PDF-1.4");
        }
    }
}
