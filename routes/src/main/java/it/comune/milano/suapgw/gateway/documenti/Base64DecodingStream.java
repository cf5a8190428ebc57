package it.comune.milano.suapgw.gateway.documenti;

import it.comune.milano.suapgw.gateway.persistence.BlockInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;

/**
 * Base64 text (line breaks and blanks allowed, as MIME writes it) decoded as it is read, in blocks: the JDK's wrapping
 * decoder reads its source one byte at a time, which made hashing the source cost more than anything else.
 * Any other character, or padding before the end, is an {@link IOException} naming it.
 */
final class Base64DecodingStream extends BlockInputStream {
    private static final int BLOCK = 1 << 16;
    private final InputStream in;
    private final byte[] raw = new byte[BLOCK];
    private final byte[] text = new byte[BLOCK + 4];
    private int carried;
    private boolean eof;

    Base64DecodingStream(InputStream in) {
        this.in = in;
    }

    @Override
    protected byte[] nextBlock() throws IOException {
        if (eof) return null;
        int n = in.read(raw, 0, raw.length);
        int len = carried;
        if (n < 0) {
            eof = true;
        } else {
            for (int i = 0; i < n; i++) {
                byte b = raw[i];
                if (b == '\r' || b == '\n' || b == ' ' || b == '\t') continue;
                text[len++] = b;
            }
        }
        int whole = eof ? len : len - len % 4;
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(Arrays.copyOf(text, whole));
        } catch (IllegalArgumentException bad) {
            throw new IOException("not base64: " + bad.getMessage());
        }
        carried = len - whole;
        System.arraycopy(text, whole, text, 0, carried);
        return decoded;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
