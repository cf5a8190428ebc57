package it.comune.milano.suapgw.connectors.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SsuContractTest {
    final ObjectMapper json = new ObjectMapper();
    final JsonContracts schemas = new JsonContracts();

    @Test
    void hashesAreCheckedForEveryAlgorithmAndEncoding() {
        byte[] content = "istanza".getBytes(StandardCharsets.UTF_8);
        for (String alg : new String[] {"S256", "S384", "S512"}) {
            byte[] d = ContentHashes.digest(alg, content);
            assertThat(ContentHashes.matches(alg, HexFormat.of().formatHex(d), content)).isTrue();
            assertThat(ContentHashes.matches(alg, HexFormat.of().formatHex(d).toUpperCase(), content)).isTrue();
            assertThat(ContentHashes.matches(alg, Base64.getEncoder().encodeToString(d), content)).isTrue();
            assertThat(ContentHashes.matches(alg, HexFormat.of().formatHex(d), "altro".getBytes())).isFalse();
        }
        assertThat(ContentHashes.matches("S256", "not a hash!", content)).isFalse();
    }

    @Test
    void sendInstanceIsValidatedAgainstTheOfficialContract() throws Exception {
        JsonNode ok = json.readTree("""
                {"cui":{"context":"SUAP","data":"2026-11-25","progressivo":"1","uuid":"u-1"},
                 "instance_descriptor_version":"1",
                 "instance_index":[{"code":"C","ref":"r","resource_id":"d1","hash":"ab","alg_hash":"S256"}],
                 "general_index":[]}""");
        assertThat(schemas.validate(SsuContract.SEND_INSTANCE, ok)).isEmpty();
        JsonNode badDate = json.readTree(ok.toString().replace("2026-11-25", "25/11/2026"));
        assertThat(schemas.validate(SsuContract.SEND_INSTANCE, badDate)).anyMatch(m -> m.contains("data"));
    }

    @Test
    void contradictoryIndexEntriesAreRefused() throws Exception {
        JsonNode twice = json.readTree("""
                {"instance_index":[{"code":"C","ref":"r","resource_id":"d1","hash":"ab","alg_hash":"S256"},
                                   {"code":"C","ref":"r","resource_id":"d1","hash":"cd","alg_hash":"S256"}]}""");
        assertThatThrownBy(() -> new SsuMapper(json).documentsOf(twice))
                .isInstanceOf(SsuException.class).hasMessageContaining("d1");
    }
}
