package it.comune.milano.suapgw.gateway.documenti;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Base64DecodingStreamTest {

    @Test
    void decodesPlainAndMimeWrappedTextAcrossItsBlocks() throws IOException {
        byte[] content = new byte[(1 << 18) + 7];
        new Random(3).nextBytes(content);
        for (byte[] text : new byte[][]{Base64.getEncoder().encode(content), Base64.getMimeEncoder().encode(content)}) {
            // a source that hands out odd-sized reads, so that groups of four straddle the blocks
            InputStream source = new ByteArrayInputStream(text) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    return super.read(b, off, Math.min(len, 9_999));
                }
            };
            try (InputStream in = new Base64DecodingStream(source)) {
                assertThat(in.readAllBytes()).isEqualTo(content);
            }
        }
    }

    @Test
    void canonicalOnlyWhenTheTextIsWhatAStandardEncoderWrites() throws IOException {
        for (int size : new int[]{1, 2, 3, 4, 5, 70_000}) {
            byte[] content = new byte[size];
            new Random(size).nextBytes(content);
            assertThat(canonical(Base64.getEncoder().encodeToString(content))).as("padded, %d bytes", size).isTrue();
            if (size % 3 != 0) {
                assertThat(canonical(Base64.getEncoder().withoutPadding().encodeToString(content))).as("unpadded").isFalse();
            }
        }
        byte[] big = new byte[100];
        assertThat(canonical(Base64.getMimeEncoder().encodeToString(big))).as("MIME lines").isFalse();
        assertThat(canonical("QUJD\n")).as("a final line break").isFalse();
        // "QR==" and "QUF=" decode as "QQ==" ("A") and "QUE=" ("AA") do, with bits set after the content
        assertThat(canonical("QQ==")).isTrue();
        assertThat(canonical("QR==")).isFalse();
        assertThat(canonical("QUE=")).isTrue();
        assertThat(canonical("QUF=")).isFalse();
    }

    private static boolean canonical(String text) throws IOException {
        Base64DecodingStream in = new Base64DecodingStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
        assertThat(in.canonical()).as("not before the end").isFalse();
        in.readAllBytes();
        return in.canonical();
    }

    @Test
    void anythingButBase64IsAnErrorNamingIt() {
        for (String bad : new String[]{"QUJD=", "QU*D", "QQ==QUJD"}) {
            assertThatThrownBy(() -> new Base64DecodingStream(new ByteArrayInputStream(bad.getBytes(StandardCharsets.US_ASCII)))
                    .readAllBytes()).as(bad).isInstanceOf(IOException.class).hasMessageStartingWith("not base64");
        }
    }
}
