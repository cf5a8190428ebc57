package it.comune.milano.suapgw.gateway.persistence;

import java.io.IOException;
import java.io.InputStream;

/** A stream served from blocks produced on demand (a piece of a large object, a block of base64 coded or decoded). */
public abstract class BlockInputStream extends InputStream {
    private byte[] block = new byte[0];
    private int pos;

    /** @return the next block (it may be empty), or null at the end */
    protected abstract byte[] nextBlock() throws IOException;

    private boolean fill() throws IOException {
        while (pos >= block.length) {
            byte[] next = nextBlock();
            if (next == null) return false;
            block = next;
            pos = 0;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        return fill() ? block[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (!fill()) return -1;
        int n = Math.min(len, block.length - pos);
        System.arraycopy(block, pos, b, off, n);
        pos += n;
        return n;
    }
}
