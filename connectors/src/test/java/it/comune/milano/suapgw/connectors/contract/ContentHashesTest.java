package it.comune.milano.suapgw.connectors.contract;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What SsuContractTest does not cover: known vectors, base64url, the malformed declared hashes (odd-length or
 * non-hex hex, other algorithms' digests, garbage) that must never match, and unsupported algorithms.
 */
class ContentHashesTest {
    static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);
    static final String ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void sha256HexIsTheLowercaseHexOfTheKnownVectors() {
        assertThat(ContentHashes.sha256Hex(ABC)).isEqualTo(ABC_SHA256);
        assertThat(ContentHashes.sha256Hex(new byte[0])).isEqualTo(EMPTY_SHA256);
        assertThat(ContentHashes.sha256Hex("abc")).isEqualTo(ABC_SHA256);
        // text is hashed as UTF-8
        assertThat(ContentHashes.sha256Hex("caffè")).isEqualTo(ContentHashes.sha256Hex("caffè".getBytes(StandardCharsets.UTF_8)))
                .isNotEqualTo(ContentHashes.sha256Hex("caffè".getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void digestLengthFollowsTheAlgorithm() {
        assertThat(ContentHashes.digest("S256", ABC)).hasSize(32);
        assertThat(ContentHashes.digest("S384", ABC)).hasSize(48);
        assertThat(ContentHashes.digest("S512", ABC)).hasSize(64);
        assertThat(HexFormat.of().formatHex(ContentHashes.digest("S512", ABC))).startsWith("ddaf35a193617aba");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SHA-256", "s256", "MD5", "S1", ""})
    void unsupportedAlgorithmsAreRefusedNamingThem(String alg) {
        assertThatThrownBy(() -> ContentHashes.digest(alg, ABC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported alg_hash " + alg);
        assertThatThrownBy(() -> ContentHashes.matches(alg, ABC_SHA256, ABC))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyAcceptedEncodingOfTheRightDigestMatches() {
        byte[] d = ContentHashes.digest("S256", ABC);
        assertThat(ContentHashes.matches("S256", ABC_SHA256, ABC)).isTrue();
        assertThat(ContentHashes.matches("S256", "  " + ABC_SHA256.toUpperCase() + "\n", ABC)).isTrue();
        assertThat(ContentHashes.matches("S256", Base64.getEncoder().encodeToString(d), ABC)).isTrue();
        assertThat(ContentHashes.matches("S256", Base64.getEncoder().withoutPadding().encodeToString(d), ABC)).isTrue();
    }

    @Test
    void base64urlMatches() {
        // find a content whose digest's base64 needs the characters base64url replaces
        for (int i = 0; ; i++) {
            byte[] content = ("documento " + i).getBytes(StandardCharsets.UTF_8);
            byte[] d = ContentHashes.digest("S256", content);
            String std = Base64.getEncoder().encodeToString(d);
            if (std.indexOf('+') < 0 && std.indexOf('/') < 0) continue;
            String url = Base64.getUrlEncoder().encodeToString(d);
            assertThat(url).isNotEqualTo(std);
            assertThat(ContentHashes.matches("S256", url, content)).isTrue();
            assertThat(ContentHashes.matches("S256", std, content)).isTrue();
            return;
        }
    }

    @Test
    void oddLengthHexNeverMatches() {
        String dropLast = ABC_SHA256.substring(0, 63);
        String dropMiddle = ABC_SHA256.substring(0, 30) + ABC_SHA256.substring(31);
        String oneMore = ABC_SHA256 + "0";
        for (String odd : new String[]{dropLast, dropMiddle, oneMore, "a", "abc"}) {
            assertThat(odd.length() % 2).isOne();
            assertThat(ContentHashes.matches("S256", odd, ABC)).as(odd).isFalse();
        }
    }

    @Test
    void evenLengthHexOfAnotherLengthOrDigestNeverMatches() {
        assertThat(ContentHashes.matches("S256", ABC_SHA256.substring(0, 62), ABC)).isFalse();
        assertThat(ContentHashes.matches("S256", ABC_SHA256 + "00", ABC)).isFalse();
        assertThat(ContentHashes.matches("S256", EMPTY_SHA256, ABC)).isFalse();
        // the S256 digest declared for S384/S512 content, and the other way round
        assertThat(ContentHashes.matches("S384", ABC_SHA256, ABC)).isFalse();
        assertThat(ContentHashes.matches("S256", HexFormat.of().formatHex(ContentHashes.digest("S512", ABC)), ABC)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "not a hash!", "sha256:" + ABC_SHA256, "zz", "0x" + ABC_SHA256,
            "ba78 16bf", "===="})
    void nonHashStringsNeverMatch(String declared) {
        assertThat(ContentHashes.matches("S256", declared, ABC)).isFalse();
        assertThat(ContentHashes.matches("S256", declared, new byte[0])).isFalse();
    }

    @Test
    void nonAsciiDigitsAreNotHexAndNeverMatch() {
        // Character.digit accepts e.g. Arabic-Indic and full-width digits; HexFormat does not
        String arabicIndic = "\u0660\u0661";
        StringBuilder fullWidth = new StringBuilder();
        ABC_SHA256.chars().forEach(c -> fullWidth.append(Character.isDigit(c) ? (char) (c - '0' + '\uFF10') : (char) c));
        assertThat(ContentHashes.matches("S256", arabicIndic, ABC)).isFalse();
        assertThat(ContentHashes.matches("S256", fullWidth.toString(), ABC)).isFalse();
    }
}
