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
    void anythingButBase64IsAnErrorNamingIt() {
        for (String bad : new String[]{"QUJD=", "QU*D", "QQ==QUJD"}) {
            assertThatThrownBy(() -> new Base64DecodingStream(new ByteArrayInputStream(bad.getBytes(StandardCharsets.US_ASCII)))
                    .readAllBytes()).as(bad).isInstanceOf(IOException.class).hasMessageStartingWith("not base64");
        }
    }
}
