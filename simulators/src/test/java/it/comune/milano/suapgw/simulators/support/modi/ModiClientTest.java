package it.comune.milano.suapgw.simulators.support.modi;

import com.nimbusds.jwt.JWTClaimsSet;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** ModiClient: vouchers per purpose and their cache, the headers of a request, the forgeries. */
class ModiClientTest {

    private static ModiDemo demo;

    @BeforeAll
    static void start() {
        demo = ModiDemo.start(0);
    }

    @AfterAll
    static void stop() {
        demo.pdnd().stop();
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aVoucherPerPurposeIsCachedUntil30SecondsBeforeItExpires() {
        MovableClock clock = new MovableClock();
        ModiClient gateway = demo.client(ModiDemo.GATEWAY).clock(clock);
        demo.pdnd().clock(clock); // the PDND lives in the same time as the client
        try {
            cacheUntil30SecondsBeforeExpiry(gateway, clock);
        } finally {
            demo.pdnd().clock(Clock.systemUTC());
        }
    }

    private static void cacheUntil30SecondsBeforeExpiry(ModiClient gateway, MovableClock clock) {
        int before = demo.pdnd().vouchersIssued(ModiDemo.GATEWAY);
        String fo = gateway.voucher(ModiDemo.FO_TO_BO);
        assertThat(gateway.voucher(ModiDemo.FO_TO_BO)).isEqualTo(fo);
        String catalogo = gateway.voucher(ModiDemo.CATALOGO_SSU_TO_BO);
        assertThat(catalogo).isNotEqualTo(fo);
        assertThat(Jws.claims(Jws.parse(catalogo)).getAudience()).containsExactly(ModiDemo.CATALOGO_SSU_TO_BO);
        assertThat(gateway.vouchersObtained()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(569)); // 31 s left: still good
        assertThat(gateway.voucher(ModiDemo.FO_TO_BO)).isEqualTo(fo);
        clock.advance(Duration.ofSeconds(2)); // 29 s left: renewed
        String renewed = gateway.voucher(ModiDemo.FO_TO_BO);
        assertThat(renewed).isNotEqualTo(fo);
        assertThat(gateway.voucher(ModiDemo.FO_TO_BO)).isEqualTo(renewed);
        assertThat(gateway.vouchersObtained()).isEqualTo(3);
        assertThat(demo.pdnd().vouchersIssued(ModiDemo.GATEWAY)).isEqualTo(before + 3);

        assertThatThrownBy(() -> gateway.voucher(ModiDemo.BO_TO_FO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no purpose");
        // a purpose the PDND does not give this client
        ModiClient pretender = new ModiClient(demo.identity(ModiDemo.FRONTOFFICE), demo.endpoints(),
                Map.of(ModiDemo.BO_TO_ET, "purpose-et-arpa-lombardia-bo_to_et"));
        assertThatThrownBy(() -> pretender.voucher(ModiDemo.BO_TO_ET)).isInstanceOf(ModiException.class).hasMessageContaining("invalid_client");
    }

    @Test
    void theHeadersOfARequestAsTheDocSaysThem() {
        ModiClient fo = demo.client(ModiDemo.FRONTOFFICE);
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> h = fo.headers(ModiDemo.BO_TO_FO, body, null, ModiClient.Forgery.NONE);
        assertThat(h.keySet()).containsExactly("Authorization", "Digest", "Content-Type", "Agid-JWT-Signature");
        assertThat(h.get("Authorization")).startsWith("Bearer ");
        assertThat(h.get("Content-Type")).isEqualTo("application/json");
        var sig = Jws.parse(h.get("Agid-JWT-Signature"));
        assertThat(sig.getHeader().getKeyID()).isEqualTo("frontoffice-1");
        assertThat(sig.getHeader().getType().getType()).isEqualTo("JWT");
        JWTClaimsSet c = Jws.claims(sig);
        assertThat(c.getIssuer()).isEqualTo("frontoffice");
        assertThat(c.getSubject()).isEqualTo("frontoffice");
        assertThat(c.getAudience()).containsExactly(ModiDemo.BO_TO_FO);
        assertThat(c.getNotBeforeTime()).isEqualTo(c.getIssueTime());
        assertThat(c.getExpirationTime().getTime() - c.getIssueTime().getTime()).isEqualTo(300_000);
        assertThat(c.getJWTID()).matches("[0-9a-f-]{36}");
        assertThat(c.getClaim("signed_headers")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(2);
        assertThat(Jws.signedHeaders(c)).containsExactly(Map.entry("digest", h.get("Digest")), Map.entry("content-type", "application/json"));
        // a fresh signature each time, the same voucher
        Map<String, String> again = fo.headers(ModiDemo.BO_TO_FO, body, null, ModiClient.Forgery.NONE);
        assertThat(again.get("Agid-JWT-Signature")).isNotEqualTo(h.get("Agid-JWT-Signature"));
        assertThat(again.get("Authorization")).isEqualTo(h.get("Authorization"));

        // the forgeries
        assertThat(fo.headers(ModiDemo.BO_TO_FO, body, null, ModiClient.Forgery.NONE.withoutVoucher())).doesNotContainKey("Authorization");
        assertThat(fo.headers(ModiDemo.BO_TO_FO, body, null, ModiClient.Forgery.NONE.withoutSignature())).doesNotContainKey("Agid-JWT-Signature");
        assertThat(fo.headers(ModiDemo.BO_TO_FO, body, null, ModiClient.Forgery.NONE.withoutDigest())).doesNotContainKey("Digest");
        assertThat(fo.headers(ModiDemo.BO_TO_FO, body, null, ModiClient.Forgery.NONE.withWrongDigest()).get("Digest"))
                .isNotEqualTo(ModiKeys.digest(body));
        String expired = fo.headers(ModiDemo.BO_TO_FO, body, null, ModiClient.Forgery.NONE.withExpiredVoucher()).get("Authorization");
        assertThat(Jws.claims(Jws.parse(expired.substring(7))).getExpirationTime().toInstant()).isBefore(Instant.now());
        assertThat(ModiClient.Forgery.NONE.isNone()).isTrue();
        assertThat(ModiClient.Forgery.NONE.replaying().isNone()).isFalse();
        // without the PDND's key, vouchers for another audience cannot be forged
        ModiClient plain = new ModiClient(demo.identity(ModiDemo.FRONTOFFICE), demo.endpoints(), demo.registry().purposesOf(ModiDemo.FRONTOFFICE));
        assertThatThrownBy(() -> plain.headers(ModiDemo.BO_TO_FO, body, null, ModiClient.Forgery.NONE.withExpiredVoucher()))
                .isInstanceOf(IllegalStateException.class);
    }
}
