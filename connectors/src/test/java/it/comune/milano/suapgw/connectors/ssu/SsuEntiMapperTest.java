package it.comune.milano.suapgw.connectors.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.model.Atto;
import it.comune.milano.suapgw.model.Esito;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The messages to and from the enti terzi and the Registro Imprese, against the official contracts (our copies). */
class SsuEntiMapperTest {
    final ObjectMapper json = new ObjectMapper();
    final JsonContracts schemas = new JsonContracts();
    final SsuEntiMapper mapper = new SsuEntiMapper(json, new SsuMapper(json));

    JsonNode cui() throws Exception {
        return json.readTree("""
                {"context":"SUAP","data":"2026-11-25","progressivo":"0000001","uuid":"0b0e1a8c-7e7e-4d0b-9c3e-2f3d4a5b6c7d"}""");
    }

    @Test
    void theInstanceSentToAnEnteOrTheRegistroImpreseCarriesBothSpellingsOfTheProgressive() throws Exception {
        JsonNode index = json.readTree("""
                [{"code":"P1","ref":"modulo","resource_id":"d1","hash":"ab","alg_hash":"S256"}]""");
        JsonNode general = json.readTree("""
                [{"name":"SUAP_REA_START_XML","mime_type":"application/xml","resource_id":"rea","hash":"cd","alg_hash":"S256"}]""");
        JsonNode body = mapper.sendInstance(cui(), "2", index, general);
        assertThat(schemas.validate(SsuContract.ET_SEND_INSTANCE, body)).isEmpty();
        // ri_to_bo requires instance_status (without defining it): the descriptor's
        assertThat(schemas.validate(SsuContract.RI_SEND_INSTANCE, body)).isNotEmpty();
        JsonNode status = json.readTree("[{\"state\":\"presented\",\"timestamp\":\"2026-11-25T10:00:00Z\"}]");
        assertThat(schemas.validate(SsuContract.RI_SEND_INSTANCE, mapper.sendInstance(cui(), "2", index, general, status))).isEmpty();
        assertThat(body.path("cui").path("progressive").asText()).isEqualTo("0000001");
        assertThat(body.path("cui").path("progressivo").asText()).isEqualTo("0000001");
    }

    @Test
    void everyEventAnEnteHearsIsAValidNotifyAndTheConvocationOfAConferenzaToo() throws Exception {
        for (String event : new String[]{"end_by_proceeding_time_expired", "end_by_integration_times_expired",
                "end_by_submitter_cancel_requested", "integration_request_time_expired"}) {
            assertThat(SsuEntiMapper.notifiesEnte(event)).isTrue();
            assertThat(schemas.validate(SsuContract.ET_NOTIFY, mapper.notify(cui(), "1", event, null))).as(event).isEmpty();
        }
        JsonNode outcome = mapper.notify(cui(), "1", "end_by_positive_outcome", new Atto("provvedimento-1", "ab".repeat(32), "S256"));
        assertThat(schemas.validate(SsuContract.ET_NOTIFY, outcome)).isEmpty();
        assertThat(outcome.path("resource_id").asText()).isEqualTo("provvedimento-1");

        JsonNode cdss = mapper.notifyConferenza(cui(), "1", new SsuEntiMapper.Convocazione("SINCRONA", LocalDate.of(2026, 12, 14),
                "videoconferenza https://conferenze.example/1", "convocazione.pdf", "application/pdf"));
        assertThat(schemas.validate(SsuContract.ET_NOTIFY, cdss)).isEmpty();
        assertThat(cdss.path("cdss_convocation").asText()).isEqualTo("2026-12-14");
        // the Registro Imprese hears of the ends, not of the conferenza
        assertThat(SsuEntiMapper.notifiesRegistroImprese("cdss_convened")).isFalse();
        assertThat(SsuEntiMapper.notifiesRegistroImprese("end_by_instance_refused")).isTrue();
        assertThat(schemas.validate(SsuContract.RI_NOTIFY, mapper.notify(cui(), "1", "end_by_instance_refused", null))).isEmpty();
    }

    @Test
    void eachKindOfConclusionsIsTheCanonicalParere() throws Exception {
        JsonNode positive = json.readTree("""
                {"conclusions_type":"positive_outcome","cui":%s,"instance_descriptor_version":"1","positive_outcome":"nulla osta",
                 "resource_id":"parere-1","hash":"%s","alg_hash":"S256"}""".formatted(cui(), "ab".repeat(32)));
        assertThat(schemas.validate(SsuContract.SEND_CONCLUSIONS, positive)).isEmpty();
        SsuEntiMapper.Conclusioni c = mapper.conclusions(positive);
        assertThat(c.esito()).isEqualTo(Esito.POSITIVO);
        assertThat(c.documento().resourceId()).isEqualTo("parere-1");

        JsonNode conformation = json.readTree("""
                {"conclusions_type":"conformation_requested","cui":%s,"instance_descriptor_version":"1","date":"2026-12-01",
                 "conformation_requested":"adeguare le uscite di sicurezza"}""".formatted(cui()));
        assertThat(schemas.validate(SsuContract.SEND_CONCLUSIONS, conformation)).isEmpty();
        assertThat(mapper.conclusions(conformation).esito()).isEqualTo(Esito.CONFORMAZIONE);

        JsonNode suspension = json.readTree("""
                {"conclusions_type":"suspension_requested","cui":%s,"instance_descriptor_version":"1",
                 "negative_outcome_motivation":"requisiti assenti"}""".formatted(cui()));
        assertThat(schemas.validate(SsuContract.SEND_CONCLUSIONS, suspension)).isEmpty();
        assertThat(mapper.conclusions(suspension).esito()).isEqualTo(Esito.NEGATIVO);
        assertThat(mapper.conclusions(suspension).testo()).isEqualTo("requisiti assenti");

        JsonNode mixed = json.readTree("""
                {"conclusions_type":"positive_outcome","cui":%s,"instance_descriptor_version":"1"}""".formatted(cui()));
        assertThat(schemas.validate(SsuContract.SEND_CONCLUSIONS, mixed)).isNotEmpty();
    }

    @Test
    void anIntegrationRequestThatAsksForNothingIsError500005() throws Exception {
        JsonNode ok = json.readTree("""
                {"cui":%s,"instance_descriptor_version":"1","integration_list":[{"code":"P1","ref":"modulo","integration_request":[
                  {"request":"planimetria quotata","requester_administration":{"ipacode":"arpa_lom","officecode":"DIPMI",
                   "version":"01.00.00","description":"ARPA"}}]}],
                 "integration_document_list":[{"resource_id":"rich-1","hash":"%s","alg_hash":"S256"}]}""".formatted(cui(), "ab".repeat(32)));
        assertThat(schemas.validate(SsuContract.ET_REQUEST_INTEGRATION, ok)).isEmpty();
        SsuEntiMapper.RichiestaIntegrazioneEnte r = mapper.integrationRequest(ok);
        assertThat(r.testi()).containsExactly("planimetria quotata");
        assertThat(r.documenti()).extracting(SsuEntiMapper.DocumentoEnte::resourceId).containsExactly("rich-1");

        JsonNode empty = json.readTree("""
                {"cui":%s,"instance_descriptor_version":"1","integration_list":[{"code":"P1","ref":"modulo","integration_request":[]}]}"""
                .formatted(cui()));
        assertThatThrownBy(() -> mapper.integrationRequest(empty)).isInstanceOfSatisfying(SsuException.class,
                e -> assertThat(e.code()).isEqualTo(SsuErrorCode.ERROR_500_005));
    }

    @Test
    void aConferenzaIsAskedWithTheCuiAsPublishedOrWithTheRequesterAsInTheMaintenanceRound() throws Exception {
        assertThat(schemas.validate(SsuContract.REQUEST_CDSS, cui())).isEmpty();
        JsonNode maintenance = json.readTree("""
                {"cui":%s,"requester_administration":{"ipacode":"cmmi","officecode":"AMBIENTE","version":"01.00.00",
                 "description":"Città metropolitana"}}""".formatted(cui()));
        assertThat(schemas.validate(SsuContract.REQUEST_CDSS, maintenance)).isEmpty();
        assertThat(mapper.cdssCui(maintenance).path("uuid").asText()).isEqualTo(cui().path("uuid").asText());
        assertThat(mapper.cdssCui(cui()).path("uuid").asText()).isEqualTo(cui().path("uuid").asText());
        assertThat(schemas.validate(SsuContract.REQUEST_CDSS, json.readTree("{\"cui\":42}"))).isNotEmpty();
    }

    @Test
    void theAuditOfAnInstanceSentToAnEnteNamesItsCatalogoCode() {
        assertThat(SsuEntiMapper.auditSentToEnte("1001", false)).isEqualTo("instance_to_1001_sended");
        assertThat(SsuEntiMapper.auditSentToEnte("1001", true)).isEqualTo("instance_integrated_to_1001_sended");
    }
}
