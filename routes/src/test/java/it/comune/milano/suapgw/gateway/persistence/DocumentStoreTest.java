package it.comune.milano.suapgw.gateway.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The document store on a real PostgreSQL: small contents inline, large ones streamed through large objects. */
class DocumentStoreTest {
    static EmbeddedPostgres pg;
    static JdbcTemplate jdbc;
    static TransactionTemplate tx;
    static DocumentStore store;

    @BeforeAll
    static void database() throws Exception {
        pg = EmbeddedPostgres.builder().start();
        javax.sql.DataSource db = pg.getPostgresDatabase(); // one instance: the template joins the transaction
        Flyway.configure().dataSource(db).load().migrate();
        jdbc = new JdbcTemplate(db);
        tx = new TransactionTemplate(new DataSourceTransactionManager(db));
        store = new DocumentStore(jdbc);
    }

    @AfterAll
    static void stop() throws Exception {
        pg.close();
    }

    @BeforeEach
    void empty() {
        jdbc.update("delete from documento");
    }

    @Test
    void aLargeContentStreamsIntoALargeObjectAndReadsBackWholeOrByAnyRange() throws IOException {
        byte[] content = bytes(DocumentStore.INLINE_MAX + 5 * DocumentStore.CHUNK + 12_345, 1);

        DocumentStore.Stored s = tx.execute(t -> store.store(new ByteArrayInputStream(content), Long.MAX_VALUE));

        assertThat(s.sha256()).isEqualTo(ContentHashes.sha256Hex(content));
        assertThat(s.size()).isEqualTo(content.length);
        assertThat(jdbc.queryForObject("select content is null and content_oid is not null from documento where sha256 = ?",
                Boolean.class, s.sha256())).isTrue();
        DocumentStore.Content c = content(s.sha256());
        assertThat(c.size()).isEqualTo(content.length);
        try (InputStream in = c.open()) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        // a range across two pieces, starting off a 3-byte boundary, raw and in base64
        long from = DocumentStore.CHUNK - 7, length = DocumentStore.CHUNK + 100;
        byte[] slice = Arrays.copyOfRange(content, (int) from, (int) (from + length));
        try (InputStream in = c.open(from, length)) {
            assertThat(in.readAllBytes()).isEqualTo(slice);
        }
        try (InputStream in = c.openBase64(from, length)) {
            assertThat(new String(in.readAllBytes())).isEqualTo(Base64.getEncoder().encodeToString(slice));
        }
    }

    @Test
    void theDigestOfItsBase64IsKeptOnceTheFirstRecordedStays() {
        byte[] content = bytes(2 * DocumentStore.INLINE_MAX, 5);
        DocumentStore.Stored s = tx.execute(t -> store.store(new ByteArrayInputStream(content), Long.MAX_VALUE));

        tx.executeWithoutResult(t -> store.recordBase64Digest(s.sha256(), "SHA-256=first"));
        tx.executeWithoutResult(t -> store.recordBase64Digest(s.sha256(), "SHA-256=second"));

        assertThat(jdbc.queryForObject("select base64_digest from documento where sha256 = ?", String.class, s.sha256()))
                .isEqualTo("SHA-256=first");
    }

    @Test
    void aSmallContentStaysInline() {
        byte[] content = bytes(1000, 2);

        DocumentStore.Stored s = tx.execute(t -> store.store(new ByteArrayInputStream(content), Long.MAX_VALUE));

        assertThat(jdbc.queryForObject("select content_oid is null from documento where sha256 = ?", Boolean.class, s.sha256())).isTrue();
        assertThat(content(s.sha256()).bytes()).isEqualTo(content);
    }

    @Test
    void theSameContentTwiceIsKeptOnceAndItsSecondObjectIsNotLeftBehind() {
        byte[] content = bytes(3 * DocumentStore.INLINE_MAX, 3);
        long objects = largeObjects();

        tx.execute(t -> store.store(new ByteArrayInputStream(content), Long.MAX_VALUE));
        tx.execute(t -> store.store(new ByteArrayInputStream(content), Long.MAX_VALUE));
        store.store(content);

        assertThat(jdbc.queryForObject("select count(*) from documento", Integer.class)).isEqualTo(1);
        assertThat(largeObjects()).isEqualTo(objects + 1);
    }

    @Test
    void aContentPastItsLimitStopsBeingReadAndLeavesNothing() {
        long objects = largeObjects();
        long limit = 3L * DocumentStore.INLINE_MAX;
        CountingZeros endless = new CountingZeros();

        assertThatThrownBy(() -> tx.execute(t -> store.store(endless, limit))).isInstanceOf(DocumentTooLargeException.class);

        assertThat(endless.read).isLessThanOrEqualTo(limit + DocumentStore.CHUNK);
        assertThat(jdbc.queryForObject("select count(*) from documento", Integer.class)).isZero();
        assertThat(largeObjects()).isEqualTo(objects);
    }

    @Test
    void aContentRolledBackWithItsTransactionLeavesNoObject() {
        long objects = largeObjects();
        byte[] content = bytes(2 * DocumentStore.INLINE_MAX, 4);

        assertThatThrownBy(() -> tx.execute(t -> {
            store.store(new ByteArrayInputStream(content), Long.MAX_VALUE);
            throw new IllegalStateException("the hash did not match");
        })).hasMessageContaining("did not match");

        assertThat(jdbc.queryForObject("select count(*) from documento", Integer.class)).isZero();
        assertThat(largeObjects()).isEqualTo(objects);
    }

    @Test
    void deletingADocumentDeletesItsLargeObject() {
        long objects = largeObjects();
        store.store(bytes(2 * DocumentStore.INLINE_MAX, 5));
        assertThat(largeObjects()).isEqualTo(objects + 1);

        jdbc.update("delete from documento");

        assertThat(largeObjects()).isEqualTo(objects);
    }

    private static DocumentStore.Content content(String sha) {
        return jdbc.queryForObject("select size, content, content_oid from documento where sha256 = ?",
                (rs, i) -> store.content(rs), sha);
    }

    private static long largeObjects() {
        return jdbc.queryForObject("select count(*) from pg_largeobject_metadata", Long.class);
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** An endless content that counts what was read of it. */
    static final class CountingZeros extends InputStream {
        long read;

        @Override
        public int read() {
            read++;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Arrays.fill(b, off, off + len, (byte) 0);
            read += len;
            return len;
        }
    }
}
