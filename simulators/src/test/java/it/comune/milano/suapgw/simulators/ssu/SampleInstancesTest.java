package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SampleInstancesTest {

    private final SampleInstances samples = TestSupport.samples();

    private static JsonSchema schema(String location) {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(SchemaLocation.of(location));
    }

    private static final JsonSchema DESCRIPTOR = schema("classpath:ssu/published/catalogo-ssu_to_bo.yaml#/components/schemas/InstanceDescriptor");
    private static final JsonSchema SEND_INSTANCE = schema("classpath:ssu/published/bo_to_fo.yaml#/components/schemas/SendInstanceRequest");

    @Test
    void fourteenTemplatesRoundRobinWithScenariosAndExpectedFoMessages() {
        assertThat(samples.templates()).isEqualTo(14);
        // the first ten keep their place (the new templates are appended)
        assertThat(IntStream.range(0, 15).mapToObj(i -> samples.get(i).procedureCode()).toList()).containsExactly(
                "SOMMINISTRAZIONE_APERTURA", "DEHORS_STAGIONALE", "ACCONCIATORE_APERTURA", "MEDIA_STRUTTURA_VENDITA",
                "ESERCIZIO_VICINATO_APERTURA", "NOLEGGIO_SENZA_CONDUCENTE", "PALESTRA_APERTURA", "AMBULATORIO_VETERINARIO",
                "AGENZIA_AFFARI_APERTURA", "IMPIANTO_PUBBLICITARIO", "LAVANDERIA_INDUSTRIALE_APERTURA", "CARROZZERIA_APERTURA",
                "DISTRIBUTORE_CARBURANTI_APERTURA", "COMMERCIO_INGROSSO_AVVIO", "SOMMINISTRAZIONE_APERTURA");
        assertThat(IntStream.range(0, 10).mapToObj(i -> samples.get(i).scenario()).toList()).containsExactly(
                "standard", "standard", "standard", "standard", "correction", "refused", "integration", "integration-expired", "cancel",
                "silence");
        assertThat(IntStream.range(0, 10).mapToObj(i -> samples.get(i).regime()).toList()).containsExactly(
                "SCIA", "AUTORIZZAZIONE", "SCIA", "AUTORIZZAZIONE", "SCIA", "AUTORIZZAZIONE", "AUTORIZZAZIONE", "AUTORIZZAZIONE", "SCIA",
                "SILENZIO-ASSENSO");
        assertThat(IntStream.range(0, 10).mapToObj(i -> samples.get(i).expectedFoMessages()).toList()).containsExactly(
                List.of("notify:end_by_proceeding_time_expired"),
                List.of("notify:end_by_positive_outcome"),
                List.of("notify:end_by_conformation_requested"),
                List.of("notify:end_by_negative_outcome"),
                List.of("request_correction", "notify:end_by_proceeding_time_expired"),
                List.of("notify:end_by_instance_refused"),
                List.of("request_integration", "notify:end_by_positive_outcome"),
                List.of("request_integration", "notify:end_by_integration_times_expired"),
                List.of("notify:end_by_submitter_cancel_requested"),
                List.of("notify:end_by_positive_outcome"));
        for (int i = 0; i < 10; i++) {
            SampleInstances.Sample s = samples.get(i);
            List<String> m = s.expectedFoMessages();
            assertThat(m.get(m.size() - 1)).as("expected_outcome is the last event").isEqualTo("notify:" + s.expectedOutcome());
            assertThat(s.version()).isEqualTo(1);
        }
        assertThat(samples.get(3).proceedingCodes()).containsExactly("MEDIA_STRUTTURA_VENDITA", "IMPATTO_VIABILISTICO", "VINCOLO_CULTURALE");
        assertThat(samples.get(1).descriptor().at("/usecase_proceedings/1/competent_administration/ipacode").asText()).isEqualTo("m_bac");
        assertThat(samples.get(1).descriptor().at("/administrative_regime/id").asText()).isEqualTo("AUTORIZZAZIONE");
        assertThat(samples.get(5).expectedState()).isEqualTo("refused");
        assertThat(samples.get(7).expectedState()).isEqualTo("ended_by_integration_times_expired");
        for (int i = 0; i < 10; i++) {
            assertThat(samples.get(i).expectedEtMessages()).as("no ente terzo on the SSU channel").isEmpty();
            assertThat(samples.get(i).expectedRiMessages()).as("no Registro Imprese").isEmpty();
        }
    }

    @Test
    void theSsuChannelTemplatesSayWhatTheEntiTerziAndTheRegistroImpreseReceive() {
        assertThat(IntStream.range(10, 14).mapToObj(i -> samples.get(i).scenario()).toList())
                .containsExactly("mixed-channels", "integration-ssu", "cdss", "registro-imprese");
        assertThat(IntStream.range(10, 14).mapToObj(i -> samples.get(i).regime()).toList())
                .containsExactly("AUTORIZZAZIONE", "AUTORIZZAZIONE", "AUTORIZZAZIONE", "SCIA");

        SampleInstances.Sample mixed = samples.get(10);
        assertThat(mixed.expectedFoMessages()).containsExactly("notify:end_by_positive_outcome");
        assertThat(mixed.expectedEtMessages()).containsOnlyKeys("arpa-lombardia");
        assertThat(mixed.expectedEtMessages().get("arpa-lombardia")).containsExactly("send_instance:v1", "notify:end_by_positive_outcome");
        assertThat(mixed.descriptor().findValuesAsText("officecode")).containsExactly("SUAP", "PLMI", "COMMI", "DIPMI");
        assertThat(mixed.descriptor().findValuesAsText("ipacode")).containsExactly("c_f205", "c_f205", "cnvvf", "arpa_lom");

        SampleInstances.Sample integration = samples.get(11);
        assertThat(integration.procedureCode()).contains("CARROZZERIA");
        assertThat(SampleInstances.answersIntegration(integration.scenario())).isTrue();
        assertThat(integration.expectedFoMessages()).containsExactly("request_integration", "notify:end_by_positive_outcome");
        assertThat(integration.expectedEtMessages().get("arpa-lombardia"))
                .containsExactly("send_instance:v1", "send_instance:v2", "notify:end_by_positive_outcome");
        assertThat(integration.descriptor().findValuesAsText("officecode")).containsExactly("SUAP", "DIPS", "DIPMI");
        // ARPA's own proceeding matches its integrazione rule, whatever part of the instance the gateway lets it read
        assertThat(integration.proceedingCodes().get(2)).contains("CARROZZERIA");
        SampleInstances.Sample integrated = integration.integrated();
        assertThat(integrated.expectedEtMessages()).isEqualTo(integration.expectedEtMessages());
        assertConsistent(integrated);

        SampleInstances.Sample cdss = samples.get(12);
        assertThat(cdss.procedureCode()).contains("DISTRIBUTORE_CARBURANTI");
        assertThat(cdss.expectedFoMessages()).containsExactly("notify:cdss_convened", "notify:end_by_positive_outcome");
        assertThat(cdss.expectedEtMessages().get("citta-metropolitana"))
                .containsExactly("send_instance:v1", "notify:cdss_convened", "notify:end_by_positive_outcome");
        assertThat(cdss.descriptor().findValuesAsText("ipacode")).containsExactly("c_f205", "c_f205", "cmmi");
        assertThat(cdss.proceedingCodes().get(2)).contains("DISTRIBUTORE_CARBURANTI");

        SampleInstances.Sample rea = samples.get(13);
        assertThat(rea.expectedFoMessages()).containsExactly("notify:end_by_proceeding_time_expired");
        assertThat(rea.expectedRiMessages()).containsExactly("send_instance:v1", "notify:end_by_proceeding_time_expired");
        assertThat(rea.expectedEtMessages()).isEmpty();
        assertThat(rea.generalIndex()).hasSize(3);
        JsonNode reaEntry = rea.generalIndex().get(2);
        assertThat(reaEntry.get("name").asText()).isEqualTo("SUAP_REA_START_XML");
        assertThat(reaEntry.get("mime_type").asText()).isEqualTo("application/xml");
        String xml = new String(rea.documents().get(reaEntry.get("resource_id").asText()), StandardCharsets.UTF_8);
        assertThat(xml).startsWith("<?xml").contains("SUAP_REA_START_XML", rea.cuiUuid(), "inizio attivita");
        assertConsistent(rea);
        // the REA filing travels with every version of the instance
        assertThat(rea.corrected().generalIndex()).isEqualTo(rea.generalIndex());
        for (int i = 10; i < 14; i++) {
            assertThat(ET_SEND_INSTANCE.validate(samples.get(i).sendInstanceBody())).as("et_to_bo send_instance of %s", samples.get(i)).isEmpty();
        }
        JsonNode riBody = withInstanceStatus(rea);
        assertThat(RI_SEND_INSTANCE.validate(riBody)).isEmpty();
    }

    /** The Registro Imprese's send_instance as published requires an (undefined) instance_status. */
    private static JsonNode withInstanceStatus(SampleInstances.Sample s) {
        ObjectNode b = s.sendInstanceBody().deepCopy();
        b.set("instance_status", s.descriptor().get("instance_status").deepCopy());
        return b;
    }

    private static final JsonSchema ET_SEND_INSTANCE = schema("classpath:ssu/published/et_to_bo.yaml#/components/schemas/SendInstanceRequest");
    private static final JsonSchema RI_SEND_INSTANCE = schema("classpath:ssu/published/ri_to_bo.yaml#/components/schemas/SendInstanceRequest");

    @Test
    void competentAdministrationsAreEntiOfTheRegistry() {
        Set<String> known = Set.of("c_f205/SUAP", "c_f205/PLMI", "atsmcm/DIPS", "m_bac/SABAP-MI", "cnvvf/COMMI", "arpa_lom/DIPMI",
                "cmmi/AMBIENTE");
        for (int i = 0; i < 14; i++) {
            SampleInstances.Sample s = samples.get(i);
            for (JsonNode up : s.descriptor().get("usecase_proceedings")) {
                JsonNode a = up.get("competent_administration");
                assertThat(known).contains(a.get("ipacode").asText() + "/" + a.get("officecode").asText());
                assertThat(a.get("version").asText()).isEqualTo("01.00.00");
                assertThat(a.get("description").asText()).isNotBlank();
            }
            assertThat(s.proceedingCodes().get(0)).as("the first proceeding is the procedure").isEqualTo(s.procedureCode());
        }
        // PALESTRA_APERTURA: ATS is the only ente consulted (the SUAP itself never is)
        assertThat(samples.get(6).descriptor().findValuesAsText("officecode")).containsExactly("SUAP", "DIPS");
        assertThat(samples.get(9).descriptor().findValuesAsText("officecode")).containsExactly("SUAP", "SABAP-MI");
    }

    @Test
    void descriptorTimesAndBothSpellingsOfTheProgressive() {
        for (int i = 0; i < 10; i++) {
            SampleInstances.Sample s = samples.get(i);
            JsonNode t = s.descriptor().get("times");
            assertThat(t.get("start").asText()).isEqualTo(SampleInstances.CUI_DATE);
            assertThat(t.get("max_gg_proc").asInt()).isEqualTo("SCIA".equals(s.regime()) ? 60 : 90);
            assertThat(t.get("max_gg_correction").asInt()).isEqualTo(15);
            assertThat(t.get("max_gg_admissibility").asInt()).isEqualTo(30);
            assertThat(t.get("max_gg_int_req").asInt()).isEqualTo(40);
            assertThat(t.get("max_gg_concl_send").asInt()).isEqualTo(50);
            assertThat(t.get("max_gg_int_resp").asInt()).isEqualTo(70);
            for (JsonNode cui : List.of(s.cui(), s.descriptor().get("cui"), s.sendInstanceBody().get("cui"))) {
                assertThat(cui.get("progressivo").asText()).isEqualTo(String.valueOf(i + 1));
                assertThat(cui.get("progressive").asText()).isEqualTo(String.valueOf(i + 1));
            }
        }
    }

    @Test
    void deterministicBySeedAndIndex() {
        SampleInstances again = TestSupport.samples();
        SampleInstances other = new SampleInstances(TestSupport.proceduresJson(), "another-seed");
        assertThat(again.get(7).cuiUuid()).isEqualTo(samples.get(7).cuiUuid());
        assertThat(again.get(7).sendInstanceBody()).isEqualTo(samples.get(7).sendInstanceBody());
        assertThat(again.get(6).integrated().sendInstanceBody()).isEqualTo(samples.get(6).integrated().sendInstanceBody());
        assertThat(other.get(7).cuiUuid()).isNotEqualTo(samples.get(7).cuiUuid());
        assertThat(samples.get(0).hashes().values()).doesNotContainAnyElementsOf(samples.get(4).hashes().values());
        assertThat(samples.get(0).cui().get("uuid").asText()).isEqualTo(samples.get(0).cuiUuid());
        assertThat(samples.get(0).cui().get("data").asText()).isEqualTo("2026-11-25");
    }

    @Test
    void everyTemplateValidatesAgainstTheOfficialSchemas() {
        for (int i = 0; i < 20; i++) {
            SampleInstances.Sample s = samples.get(i);
            assertThat(DESCRIPTOR.validate(s.descriptor())).as("descriptor of %s", s).isEmpty();
            assertThat(SEND_INSTANCE.validate(s.sendInstanceBody())).as("send_instance of %s", s).isEmpty();
            JsonNode d = s.descriptor();
            assertThat(d.get("version").isInt()).isTrue();
            assertThat(d.get("municipality").asText()).isEqualTo("015146");
            assertThat(d.get("legal_person").asText()).matches("[0-9]{11}");
            assertThat(s.sendInstanceBody().get("instance_descriptor_version").asText()).isEqualTo("1");
            assertThat(s.sendInstanceBody().get("instance_descriptor_version").isTextual()).isTrue();
        }
        // the validators do catch errors
        ObjectNode broken = samples.get(0).descriptor().deepCopy();
        broken.put("municipality", "Milano");
        assertThat(DESCRIPTOR.validate(broken)).isNotEmpty();
        ObjectNode noProgressive = samples.get(0).sendInstanceBody().deepCopy();
        ((ObjectNode) noProgressive.get("cui")).remove(List.of("progressivo", "progressive"));
        assertThat(SEND_INSTANCE.validate(noProgressive)).isNotEmpty();
        ObjectNode onlyOne = samples.get(0).sendInstanceBody().deepCopy();
        ((ObjectNode) onlyOne.get("cui")).remove("progressive");
        // as published, the schema requires `progressive` (and defines `progressivo`): that is why both are sent
        assertThat(SEND_INSTANCE.validate(onlyOne)).as("the published schema requires progressive").isNotEmpty();
    }

    @Test
    void indexesMatchDocumentsAndDescriptor() {
        for (int i = 0; i < 14; i++) {
            assertConsistent(samples.get(i));
        }
    }

    /** Every document listed once with its hash, the descriptor's elements and the instance_index the same set. */
    static void assertConsistent(SampleInstances.Sample s) {
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
        Set<String> fromDescriptor = new HashSet<>();
        for (JsonNode up : s.descriptor().get("usecase_proceedings")) {
            JsonNode inst = up.get("instance");
            assertThat(inst.get("mime_type").asText()).isEqualTo("application/xml");
            fromDescriptor.add(inst.get("ref").asText() + "|" + inst.get("hash").asText() + "|" + up.get("code").asText());
            for (JsonNode a : up.get("attachments")) {
                assertThat(a.get("mime_type").asText()).isEqualTo("application/pdf");
                fromDescriptor.add(a.get("ref").asText() + "|" + a.get("hash").asText() + "|" + up.get("code").asText());
            }
        }
        assertThat(refs).isEqualTo(fromDescriptor);
        assertThat(s.generalIndex().size()).isGreaterThanOrEqualTo(2);
        assertThat(s.generalIndex().get(0).get("name").asText()).isEqualTo("SUAP_XML");
        assertThat(s.generalIndex().get(1).get("name").asText()).isEqualTo("SUAP_PDF");
        for (JsonNode g : s.generalIndex()) {
            String id = g.get("resource_id").asText();
            assertThat(ids.add(id)).isTrue();
            assertThat(g.get("hash").asText()).isEqualTo(s.hash(id));
        }
        assertThat(s.documents()).hasSize(ids.size());
        assertThat(new String(s.documents().get(s.generalIndex().get(1).get("resource_id").asText()), StandardCharsets.ISO_8859_1))
                .startsWith("%PDF-1.4");
    }

    @Test
    void correctedIsTheNextVersionWithOneDocumentChanged() {
        SampleInstances.Sample v1 = samples.get(4);
        SampleInstances.Sample v2 = v1.corrected();
        assertThat(v2.version()).isEqualTo(2);
        assertThat(v2.cuiUuid()).isEqualTo(v1.cuiUuid());
        assertThat(v2.cui()).isEqualTo(v1.cui());
        assertThat(v2.sendInstanceBody().get("cui")).isEqualTo(v1.sendInstanceBody().get("cui"));
        assertThat(v2.instanceDescriptorVersion()).isEqualTo("2");
        assertThat(v2.sendInstanceBody().get("instance_descriptor_version").asText()).isEqualTo("2");
        assertThat(v2.descriptor().get("version").asInt()).isEqualTo(2);
        assertThat(v2.scenario()).isEqualTo("correction");
        assertThat(v2.expectedFoMessages()).isEqualTo(v1.expectedFoMessages());
        assertThat(DESCRIPTOR.validate(v2.descriptor())).isEmpty();
        assertThat(SEND_INSTANCE.validate(v2.sendInstanceBody())).isEmpty();
        assertConsistent(v2);
        assertThat(v2.descriptor().get("instance_status").findValuesAsText("state"))
                .containsExactly("started", "presented", "correction_requested", "corrected");

        // exactly one document changed: the first attachment of the first proceeding, under a new resource_id
        Map<String, String> before = v1.hashes();
        Map<String, String> after = v2.hashes();
        assertThat(after).hasSameSizeAs(before);
        Set<String> gone = new HashSet<>(before.keySet());
        gone.removeAll(after.keySet());
        Set<String> added = new HashSet<>(after.keySet());
        added.removeAll(before.keySet());
        assertThat(gone).hasSize(1);
        assertThat(added).hasSize(1);
        String changedRef = "#/usecase_proceedings/0/attachments/0";
        JsonNode entry = entry(v2, changedRef);
        assertThat(entry.get("resource_id").asText()).isEqualTo(added.iterator().next());
        assertThat(entry(v1, changedRef).get("resource_id").asText()).isEqualTo(gone.iterator().next());
        assertThat(new String(v2.documents().get(added.iterator().next()), StandardCharsets.ISO_8859_1)).contains("documento corretto");
        assertThat(v2.descriptor().at("/usecase_proceedings/0/attachments/0/hash").asText()).isEqualTo(entry.get("hash").asText());

        SampleInstances.Sample v3 = v2.corrected();
        assertThat(v3.version()).isEqualTo(3);
        assertConsistent(v3);
        assertThat(v3.hashes().keySet()).doesNotContainAnyElementsOf(added);
    }

    @Test
    void aRevisionTargetsTheElementItIsAskedFor() {
        SampleInstances.Sample v1 = samples.get(4);
        String xmlRef = "#/usecase_proceedings/1/instance";
        SampleInstances.Sample byRef = v1.next(SampleInstances.Revision.CORRECTION, "NOTIFICA_SANITARIA", xmlRef);
        assertConsistent(byRef);
        assertThat(entry(byRef, xmlRef).get("hash").asText()).isNotEqualTo(entry(v1, xmlRef).get("hash").asText());
        String xml = new String(byRef.documents().get(entry(byRef, xmlRef).get("resource_id").asText()), StandardCharsets.UTF_8);
        assertThat(xml).contains("<revisione versione=\"2\" motivo=\"corrected\"/>").endsWith("</istanza>\n");

        // by the descriptor's filename, as Geowork names a document
        String fileRef = "#/usecase_proceedings/1/attachments/1";
        String filename = v1.descriptor().at("/usecase_proceedings/1/attachments/1/filename").asText();
        SampleInstances.Sample byName = v1.next(SampleInstances.Revision.CORRECTION, null, filename);
        assertThat(entry(byName, fileRef).get("hash").asText()).isNotEqualTo(entry(v1, fileRef).get("hash").asText());
        assertThat(entry(byName, "#/usecase_proceedings/0/attachments/0")).isEqualTo(entry(v1, "#/usecase_proceedings/0/attachments/0"));
        // an unknown ref: the default element
        SampleInstances.Sample fallback = v1.next(SampleInstances.Revision.CORRECTION, "X", "nessuno");
        assertThat(fallback.instanceIndex()).isEqualTo(v1.corrected().instanceIndex());
    }

    @Test
    void integratedChangesOneDocumentAndAddsOne() {
        SampleInstances.Sample v1 = samples.get(6);
        SampleInstances.Sample v2 = v1.integrated();
        assertThat(v2.version()).isEqualTo(2);
        assertThat(DESCRIPTOR.validate(v2.descriptor())).isEmpty();
        assertThat(SEND_INSTANCE.validate(v2.sendInstanceBody())).isEmpty();
        assertConsistent(v2);
        assertThat(v2.documents()).hasSize(v1.documents().size() + 1);
        assertThat(v2.instanceIndex()).hasSize(v1.instanceIndex().size() + 1);
        assertThat(v2.descriptor().get("instance_status").findValuesAsText("state"))
                .containsExactly("started", "presented", "integration_requested", "integrated");
        // in the last proceeding (the ente's, ATS): its first attachment changed, one attachment added
        int last = v1.proceedingCodes().size() - 1;
        String changedRef = "#/usecase_proceedings/" + last + "/attachments/0";
        assertThat(entry(v2, changedRef).get("hash").asText()).isNotEqualTo(entry(v1, changedRef).get("hash").asText());
        JsonNode attachments = v2.descriptor().at("/usecase_proceedings/" + last + "/attachments");
        JsonNode added = attachments.get(attachments.size() - 1);
        assertThat(added.get("filename").asText()).isEqualTo("integrazione_documentale_v2.pdf");
        assertThat(entry(v2, added.get("ref").asText()).get("code").asText()).isEqualTo("REQUISITI_IGIENICO_SANITARI");
        Set<String> changed = new HashSet<>(v2.hashes().values());
        changed.removeAll(v1.hashes().values());
        assertThat(changed).hasSize(2);

        // the ref of an integration request, within its proceeding
        SampleInstances.Sample asked = v1.next(SampleInstances.Revision.INTEGRATION, "PALESTRA_APERTURA", "#/usecase_proceedings/0/instance");
        assertConsistent(asked);
        assertThat(asked.descriptor().at("/usecase_proceedings/0/attachments")).hasSize(v1.descriptor().at("/usecase_proceedings/0/attachments").size() + 1);
        assertThat(entry(asked, "#/usecase_proceedings/0/instance").get("hash").asText())
                .isNotEqualTo(entry(v1, "#/usecase_proceedings/0/instance").get("hash").asText());
    }

    private static JsonNode entry(SampleInstances.Sample s, String ref) {
        for (JsonNode e : s.instanceIndex()) {
            if (e.get("ref").asText().equals(ref)) {
                return e;
            }
        }
        throw new AssertionError("no instance_index entry " + ref + " in " + s);
    }

    @Test
    void inconsistentTemplatesAreRefused(@TempDir Path dir) throws Exception {
        Path unknownScenario = dir.resolve("a.json");
        Files.writeString(unknownScenario, """
                {"procedures": [{"code": "X", "regime": "SCIA", "scenario": "boh", "expected_outcome": "end_by_positive_outcome",
                  "proceedings": [{"code": "X", "competent_administration": {"ipacode": "c_f205", "officecode": "SUAP", "version": "01.00.00", "description": "SUAP"}}]}]}
                """);
        assertThatThrownBy(() -> new SampleInstances(unknownScenario, "s")).hasMessageContaining("unknown scenario 'boh'");
        Path wrongLast = dir.resolve("b.json");
        Files.writeString(wrongLast, """
                {"procedures": [{"code": "X", "regime": "SCIA", "expected_outcome": "end_by_positive_outcome",
                  "expected_fo_messages": ["notify:end_by_positive_outcome", "request_correction"],
                  "proceedings": [{"code": "X", "competent_administration": {"ipacode": "c_f205", "officecode": "SUAP", "version": "01.00.00", "description": "SUAP"}}]}]}
                """);
        assertThatThrownBy(() -> new SampleInstances(wrongLast, "s")).hasMessageContaining("is not the last of expected_fo_messages");
        Path defaults = dir.resolve("c.json");
        Files.writeString(defaults, """
                {"procedures": [{"code": "X", "regime": "SCIA", "expected_outcome": "end_by_positive_outcome",
                  "times": {"max_gg_proc": 5},
                  "proceedings": [{"code": "X", "competent_administration": {"ipacode": "c_f205", "officecode": "SUAP", "version": "01.00.00", "description": "SUAP"}}]}]}
                """);
        SampleInstances.Sample s = new SampleInstances(defaults, "s").get(0);
        assertThat(s.expectedEtMessages()).isEmpty();
        assertThat(s.expectedRiMessages()).isEmpty();
        assertThat(s.generalIndex()).hasSize(2);
        assertThat(s.scenario()).isEqualTo("standard");
        assertThat(s.expectedFoMessages()).containsExactly("notify:end_by_positive_outcome");
        assertThat(s.descriptor().at("/times/max_gg_proc").asInt()).isEqualTo(5);
        assertThat(s.descriptor().at("/times/max_gg_correction").asInt()).isEqualTo(15);
    }

    @Test
    void inconsistentPeerExpectationsAreRefused(@TempDir Path dir) throws Exception {
        String proceedings = "\"proceedings\": [{\"code\": \"X\", \"competent_administration\": {\"ipacode\": \"c_f205\", "
                + "\"officecode\": \"SUAP\", \"version\": \"01.00.00\", \"description\": \"SUAP\"}}]";
        Map<String, String> refused = Map.of(
                "\"general_index\": [\"SUAP_PDF\"]", "general_index document SUAP_PDF is not one of",
                "\"general_index\": [\"SUAP_REA_START_XML\", \"SUAP_REA_START_XML\"], \"expected_ri_messages\": [\"send_instance:v1\", \"notify:end_by_positive_outcome\"]",
                "repeats a document",
                "\"general_index\": [\"SUAP_REA_END_XML\"]", "expected_ri_messages is empty",
                "\"expected_ri_messages\": [\"send_instance:v1\", \"notify:end_by_positive_outcome\"]", "without a SUAP_REA_*_XML document",
                "\"expected_et_messages\": {\"arpa-lombardia\": [\"notify:end_by_positive_outcome\"]}", "does not start with send_instance:v1",
                "\"expected_et_messages\": {\"arpa-lombardia\": [\"send_instance:v1\", \"notify:cdss_convened\"]}",
                "does not end with notify:end_by_positive_outcome",
                "\"expected_et_messages\": {\"arpa-lombardia\": [\"send_instance:v1\", \"parere\", \"notify:end_by_positive_outcome\"]}",
                "has parere",
                "\"expected_et_messages\": [\"send_instance:v1\"]", "expected_et_messages must be an object");
        int n = 0;
        for (Map.Entry<String, String> e : refused.entrySet()) {
            Path file = dir.resolve("t" + (n++) + ".json");
            Files.writeString(file, "{\"procedures\": [{\"code\": \"X\", \"regime\": \"AUTORIZZAZIONE\", "
                    + "\"expected_outcome\": \"end_by_positive_outcome\", " + e.getKey() + ", " + proceedings + "}]}");
            assertThatThrownBy(() -> new SampleInstances(file, "s")).as(e.getKey()).hasMessageContaining(e.getValue());
        }
        Path ok = dir.resolve("ok.json");
        Files.writeString(ok, "{\"procedures\": [{\"code\": \"X\", \"regime\": \"SCIA\", \"scenario\": \"registro-imprese\", "
                + "\"expected_outcome\": \"end_by_positive_outcome\", \"general_index\": [\"SUAP_REA_UPDATE_XML\", \"RICEVUTA_PDF\"], "
                + "\"expected_ri_messages\": [\"send_instance:v1\", \"retry:send_instance\", \"send_instance:v1\", \"notify:end_by_positive_outcome\"], "
                + "\"expected_et_messages\": {\"citta-metropolitana\": []}, " + proceedings + "}]}");
        SampleInstances.Sample s = new SampleInstances(ok, "s").get(0);
        assertThat(s.generalIndex()).extracting(g -> g.get("name").asText())
                .containsExactly("SUAP_XML", "SUAP_PDF", "SUAP_REA_UPDATE_XML", "RICEVUTA_PDF");
        assertThat(s.generalIndex().get(3).get("mime_type").asText()).isEqualTo("application/pdf");
        assertThat(s.expectedEtMessages()).containsEntry("citta-metropolitana", List.of());
        assertThat(s.expectedRiMessages()).hasSize(4);
        assertThat(SEND_INSTANCE.validate(s.sendInstanceBody())).isEmpty();
        assertConsistent(s);
    }
}
