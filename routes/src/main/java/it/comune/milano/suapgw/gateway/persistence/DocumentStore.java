package it.comune.milano.suapgw.gateway.persistence;

import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Content-addressed document store: every content is kept once, under its SHA-256, whoever brought it. Up to
 * {@link #INLINE_MAX} a content is a {@code bytea}; beyond, a PostgreSQL large object written and read in
 * {@link #CHUNK} pieces, so a document of any size passes through with bounded memory and commits (or rolls back)
 * with the rows that name it.
 */
@Repository
public class DocumentStore {
    /** the largest content kept inline; what is larger is streamed into a large object */
    public static final int INLINE_MAX = 1 << 20;
    /**
     * the piece a large object is written and read in: a multiple of 3 (base64 of whole pieces concatenates), and with
     * its base64 under half a G1 region of a small heap (larger arrays are "humongous": costly to allocate and collect)
     */
    static final int CHUNK = 3 << 16;

    private final JdbcTemplate jdbc;

    public DocumentStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** @return the SHA-256 (hex) the content is stored under */
    public String store(byte[] content) {
        if (content.length > INLINE_MAX) return store(new ByteArrayInputStream(content), content.length).sha256();
        String sha = ContentHashes.sha256Hex(content);
        insertInline(sha, content);
        return sha;
    }

    public record Stored(String sha256, long size) {
    }

    /**
     * Streams a content into the store, hashing it as it passes; the caller's transaction keeps it or rolls it back
     * (with whatever the caller read and checked along the way).
     *
     * @throws DocumentTooLargeException once more than {@code maxBytes} have come, without reading further
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Stored store(InputStream in, long maxBytes) {
        MessageDigest sha = sha256();
        try {
            byte[] first = in.readNBytes(INLINE_MAX + 1);
            if (first.length > maxBytes) throw new DocumentTooLargeException(maxBytes);
            if (first.length <= INLINE_MAX) {
                String hex = HexFormat.of().formatHex(sha.digest(first));
                insertInline(hex, first);
                return new Stored(hex, first.length);
            }
            sha.update(first);
            long oid = jdbc.queryForObject("select lo_from_bytea(0, ?)", Long.class, (Object) first);
            long size = first.length;
            byte[] buf = new byte[CHUNK];
            for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
                if (size + n > maxBytes) throw new DocumentTooLargeException(maxBytes);
                byte[] piece = n == buf.length ? buf : Arrays.copyOf(buf, n);
                jdbc.queryForObject("select 1 from lo_put(?::oid, ?, ?)", Integer.class, oid, size, piece);
                sha.update(piece);
                size += n;
            }
            String hex = HexFormat.of().formatHex(sha.digest());
            int inserted = jdbc.update("""
                    insert into documento (sha256, size, content_oid, stored_at) values (?, ?, ?, now())
                    on conflict (sha256) do nothing""", hex, size, oid);
            if (inserted == 0) jdbc.queryForObject("select lo_unlink(?::oid)", Integer.class, oid); // kept once already
            return new Stored(hex, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void insertInline(String sha, byte[] content) {
        jdbc.update("""
                insert into documento (sha256, size, content, stored_at) values (?, ?, ?, now())
                on conflict (sha256) do nothing""", sha, (long) content.length, content);
    }

    /**
     * The ModI Digest of the standard base64 of a stored content, when it was received as exactly that (the digest
     * of the body as received); the first one recorded stays.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public void recordBase64Digest(String sha256, String digest) {
        jdbc.update("update documento set base64_digest = ? where sha256 = ? and base64_digest is null", digest, sha256);
    }

    /** A stored content by its SHA-256 (hex). */
    public Content content(String sha256) {
        return jdbc.queryForObject("select size, content, content_oid from documento where sha256 = ?",
                (rs, i) -> content(rs), sha256);
    }

    /**
     * A stored content from a row that selected {@code x.size, x.content, x.content_oid} of {@code documento x}
     * (columns named {@code size}, {@code content}, {@code content_oid}).
     */
    public Content content(ResultSet rs) throws SQLException {
        byte[] inline = rs.getBytes("content");
        return inline != null ? Content.of(inline) : new LargeObject(jdbc, rs.getLong("content_oid"), rs.getLong("size"));
    }

    /** A content as stored: its size, and any byte range of it read as a stream. */
    public interface Content {
        long size();

        /** The bytes {@code [offset, offset + length)}, read piece by piece (each piece its own short read). */
        InputStream open(long offset, long length);

        default InputStream open() {
            return open(0, size());
        }

        /** The same range, base64-encoded as it is read. */
        default InputStream openBase64(long offset, long length) {
            return new Base64Encoding(open(offset, length));
        }

        /** The whole content in memory; only for what is bounded and small. */
        default byte[] bytes() {
            try (InputStream in = open()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Content of(byte[] bytes) {
            return new Inline(bytes);
        }
    }

    record Inline(byte[] content) implements Content {
        @Override
        public long size() {
            return content.length;
        }

        @Override
        public InputStream open(long offset, long length) {
            return new ByteArrayInputStream(content, (int) offset, (int) length);
        }

        @Override
        public byte[] bytes() {
            return content;
        }
    }

    /** Read with {@code lo_get}, one piece per statement: no transaction and no connection held between pieces. */
    record LargeObject(JdbcTemplate jdbc, long oid, long size) implements Content {
        @Override
        public InputStream open(long offset, long length) {
            return new PieceStream(offset, offset + length) {
                @Override
                byte[] piece(long at, int n) {
                    return jdbc.queryForObject("select lo_get(?::oid, ?, ?)", byte[].class, oid, at, n);
                }
            };
        }
    }

    /** A stream over pieces fetched on demand. */
    abstract static class PieceStream extends BlockInputStream {
        private long next;
        private final long end;

        PieceStream(long from, long end) {
            this.next = from;
            this.end = end;
        }

        abstract byte[] piece(long at, int n);

        @Override
        protected byte[] nextBlock() {
            if (next >= end) return null;
            int n = (int) Math.min(CHUNK, end - next);
            byte[] piece = piece(next, n);
            if (piece.length != n) throw new IllegalStateException("large object shorter than its recorded size");
            next += n;
            return piece;
        }
    }

    /** Base64 of a stream, encoded a whole number of 3-byte groups at a time (so the pieces concatenate). */
    static final class Base64Encoding extends BlockInputStream {
        private final InputStream in;
        private final byte[] raw = new byte[CHUNK];

        Base64Encoding(InputStream in) {
            this.in = in;
        }

        @Override
        protected byte[] nextBlock() throws IOException {
            int n = in.readNBytes(raw, 0, raw.length);
            if (n == 0) return null;
            return Base64.getEncoder().encode(n == raw.length ? raw : Arrays.copyOf(raw, n));
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
