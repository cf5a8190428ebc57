package it.comune.milano.suapgw.gateway.documenti;

import it.comune.milano.suapgw.gateway.persistence.BlockInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;

/**
 * Base64 text (line breaks and blanks allowed, as MIME writes it) decoded as it is read, in blocks: the JDK's wrapping
 * decoder reads its source one byte at a time, which made hashing the source cost more than anything else.
 * Any other character, or padding before the end, is an {@link IOException} naming it. Once read to its end it tells
 * whether the text was exactly what a standard encoder writes of the content ({@link #canonical()}).
 */
final class Base64DecodingStream extends BlockInputStream {
    private static final int BLOCK = 1 << 16;
    private final InputStream in;
    private final byte[] raw = new byte[BLOCK];
    private final byte[] text = new byte[BLOCK + 4];
    private int carried;
    private boolean eof;
    private boolean blanks;
    private long textLength;
    /** the last four characters of the text: its final group, with the padding */
    private final byte[] last = new byte[4];

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
                if (b == '\r' || b == '\n' || b == ' ' || b == '\t') {
                    blanks = true;
                    continue;
                }
                text[len++] = b;
                last[(int) (textLength++ & 3)] = b;
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

    /**
     * Whether the text read to its end was the standard encoding of what it decoded to — one line, padded, the bits
     * after the content's last byte zero — so that the base64 of the content, written again, is the same bytes (and
     * has the same digest). False before the end.
     */
    boolean canonical() {
        if (!eof || blanks || textLength == 0 || textLength % 4 != 0) return false;
        int[] group = new int[4];
        for (int i = 0; i < 4; i++) group[i] = last[(int) ((textLength + i) & 3)];
        if (group[3] != '=') return true;
        if (group[2] == '=') return (value(group[1]) & 0x0f) == 0;
        return (value(group[2]) & 0x03) == 0;
    }

    private static int value(int c) {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        return c == '+' ? 62 : 63;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
