package it.comune.milano.suapgw.gateway.persistence;

import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Content-addressed document store: every content is kept once, under its SHA-256, whoever brought it. */
@Repository
public class DocumentStore {
    private final JdbcTemplate jdbc;

    public DocumentStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** @return the SHA-256 (hex) the content is stored under */
    public String store(byte[] content) {
        String sha = ContentHashes.sha256Hex(content);
        jdbc.update("""
                insert into documento (sha256, size, content, stored_at) values (?, ?, ?, now())
                on conflict (sha256) do nothing""", sha, (long) content.length, content);
        return sha;
    }
}
