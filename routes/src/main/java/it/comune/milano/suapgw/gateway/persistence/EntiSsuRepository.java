package it.comune.milano.suapgw.gateway.persistence;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one owner of {@code destinatario_documento} (what each SSU recipient — an ente terzo, the Registro Imprese — was
 * sent of a pratica, hence may read) and {@code documento_ente} (the documents an ente terzo referred to, fetched from
 * its system). Caller's transaction.
 */
@Repository
public class EntiSsuRepository {
    /** the recipient name of the Registro Imprese */
    public static final String REGISTRO_IMPRESE = "RI";
    public static final String CONCLUSIONI = "CONCLUSIONI", INTEGRAZIONE = "INTEGRAZIONE";

    private final JdbcTemplate jdbc;

    public EntiSsuRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void grant(UUID praticaId, String destinatario, Collection<String> resourceIds) {
        for (String rid : resourceIds) {
            jdbc.update("""
                    insert into destinatario_documento (pratica_id, destinatario, resource_id) values (?, ?, ?)
                    on conflict do nothing""", praticaId, destinatario, rid);
        }
    }

    public boolean wasSent(UUID praticaId, String destinatario) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "select exists (select 1 from destinatario_documento where pratica_id = ? and destinatario = ?)",
                Boolean.class, praticaId, destinatario));
    }

    public boolean mayRead(UUID praticaId, String destinatario, String resourceId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                select exists (select 1 from destinatario_documento where pratica_id = ? and destinatario = ? and resource_id = ?)""",
                Boolean.class, praticaId, destinatario, resourceId));
    }

    /** A document of an ente terzo, registered to be fetched. @return its id, or empty when it was known already */
    public Optional<Long> expect(UUID praticaId, UUID richiestaId, String enteCode, String purpose, String remoteId,
                                 String algHash, String hash, String ourResourceId) {
        List<Long> ids = jdbc.queryForList("""
                insert into documento_ente (pratica_id, richiesta_id, ente_code, purpose, remote_id, alg_hash, expected_hash,
                                            resource_id, status)
                values (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING')
                on conflict (pratica_id, ente_code, remote_id) do nothing returning id""",
                Long.class, praticaId, richiestaId, enteCode, purpose, remoteId, algHash, hash, ourResourceId);
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(0));
    }

    public record DocumentoEnte(long id, UUID praticaId, UUID richiestaId, String enteCode, String purpose, String remoteId,
                                String algHash, String expectedHash, String resourceId, String status, String sha256) {
        public boolean verified() {
            return "VERIFIED".equals(status);
        }
    }

    public Optional<DocumentoEnte> find(long id) {
        List<DocumentoEnte> rows = jdbc.query("select * from documento_ente where id = ?", (rs, i) -> row(rs), id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public List<DocumentoEnte> of(UUID richiestaId, String purpose) {
        return jdbc.query("select * from documento_ente where richiesta_id = ? and purpose = ? order by id", (rs, i) -> row(rs),
                richiestaId, purpose);
    }

    public List<DocumentoEnte> ofPratica(UUID praticaId, String purpose) {
        return jdbc.query("select * from documento_ente where pratica_id = ? and purpose = ? order by id", (rs, i) -> row(rs),
                praticaId, purpose);
    }

    public void markVerified(long id, String sha256) {
        jdbc.update("update documento_ente set status = 'VERIFIED', sha256 = ? where id = ?", sha256, id);
    }

    private static DocumentoEnte row(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new DocumentoEnte(rs.getLong("id"), (UUID) rs.getObject("pratica_id"), (UUID) rs.getObject("richiesta_id"),
                rs.getString("ente_code"), rs.getString("purpose"), rs.getString("remote_id"), rs.getString("alg_hash"),
                rs.getString("expected_hash"), rs.getString("resource_id"), rs.getString("status"), rs.getString("sha256"));
    }
}
