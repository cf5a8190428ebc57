package it.comune.milano.suapgw.gateway.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.model.Atto;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.DatiIstanza;
import it.comune.milano.suapgw.model.DocumentoAtteso;
import it.comune.milano.suapgw.model.DocumentoVerificato;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The one owner of the tables {@code pratica} (state, outcome, channel data) and {@code pratica_documento} (what each
 * pratica carries). Runs inside the caller's transaction.
 */
@Repository
public class PraticaRepository {
    public static final String PENDING = "PENDING", VERIFIED = "VERIFIED", HASH_MISMATCH = "HASH_MISMATCH",
            INCONSISTENT = "INCONSISTENT";

    /** A pratica as its channel first described it (cui/descriptor version on the SSU, dati elsewhere). */
    public record NuovaPratica(UUID id, Canale canale, String cuiUuid, JsonNode cui, String codicePratica,
                               String descriptorVersion, JsonNode dati, String procedureCode, String regime,
                               String applicantCf) {
    }

    /** What the canonical pratica is built from. */
    public record Testata(UUID id, Canale canale, String cuiUuid, String codicePratica, String procedureCode,
                          String procedureVersion, String regime, String municipality, String applicantCf,
                          OffsetDateTime presentedAt, StatoPratica state, int round) {
    }

    public record DocumentToFetch(String cuiUuid, String resourceId, String algHash, String expectedHash) {
    }

    public record StoredContent(String algHash, String expectedHash, String mimeType, DocumentStore.Content content,
                                String base64Digest) {
    }

    private final JdbcTemplate jdbc;
    private final DocumentStore documents;
    private final ObjectMapper json;

    public PraticaRepository(JdbcTemplate jdbc, ObjectMapper json, DocumentStore documents) {
        this.jdbc = jdbc;
        this.documents = documents;
        this.json = json;
    }

    // ---------------------------------------------------------------- pratica

    public void insert(NuovaPratica p) {
        jdbc.update("""
                insert into pratica (id, channel, cui_uuid, cui, codice_pratica, descriptor_version, dati, procedure_code,
                                     regime, applicant_cf, state, presented_at, updated_at)
                values (?, ?, ?, cast(? as jsonb), ?, ?, cast(? as jsonb), ?, ?, ?, ?, now(), now())""",
                p.id(), p.canale().name(), p.cuiUuid(), p.cui() == null ? null : p.cui().toString(), p.codicePratica(),
                p.descriptorVersion(), p.dati() == null ? null : p.dati().toString(), p.procedureCode(), p.regime(),
                p.applicantCf(), StatoPratica.PRESENTED.name());
    }

    /** Locks the pratica for the rest of the transaction; every state change of a pratica takes this lock first. */
    public boolean lock(UUID id) {
        return !jdbc.queryForList("select id from pratica where id = ? for update", UUID.class, id).isEmpty();
    }

    public Optional<UUID> lockByCui(String cuiUuid) {
        return first(jdbc.queryForList("select id from pratica where cui_uuid = ? for update", UUID.class, cuiUuid));
    }

    /** Without locking (reads). */
    public Optional<UUID> lockFreeIdByCui(String cuiUuid) {
        return first(jdbc.queryForList("select id from pratica where cui_uuid = ?", UUID.class, cuiUuid));
    }

    public Optional<UUID> idByCodice(Canale canale, String codicePratica) {
        return first(jdbc.queryForList("select id from pratica where channel = ? and codice_pratica = ?", UUID.class,
                canale.name(), codicePratica));
    }

    /** Any channel: a reference an ente or a funzionario quotes. */
    public Optional<UUID> idByCodice(String codicePratica) {
        return first(jdbc.queryForList("select id from pratica where codice_pratica = ?", UUID.class, codicePratica));
    }

    public Optional<UUID> idByCui(String cuiUuid) {
        return first(jdbc.queryForList("select id from pratica where cui_uuid = ?", UUID.class, cuiUuid));
    }

    public boolean exists(UUID id) {
        return !jdbc.queryForList("select id from pratica where id = ?", UUID.class, id).isEmpty();
    }

    public Testata testata(UUID id) {
        return jdbc.queryForObject("""
                select id, channel, cui_uuid, codice_pratica, procedure_code, procedure_version, regime, municipality,
                       applicant_cf, presented_at, state, round from pratica where id = ?""",
                (rs, i) -> new Testata((UUID) rs.getObject(1), Canale.valueOf(rs.getString(2)), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.getString(9), rs.getTimestamp(10).toInstant().atOffset(ZoneOffset.UTC),
                        StatoPratica.valueOf(rs.getString(11)), rs.getInt(12)), id);
    }

    public StatoPratica stateOf(UUID id) {
        return StatoPratica.valueOf(column(id, "state"));
    }

    public Canale channelOf(UUID id) {
        return Canale.valueOf(column(id, "channel"));
    }

    public int roundOf(UUID id) {
        return jdbc.queryForObject("select round from pratica where id = ?", Integer.class, id);
    }

    public String codiceOf(UUID id) {
        return column(id, "codice_pratica");
    }

    public String descriptorVersionOf(UUID id) {
        return column(id, "descriptor_version");
    }

    public JsonNode cuiOf(UUID id) {
        return JsonColumns.read(json, column(id, "cui::text"));
    }

    /** The SSU instance descriptor, or null before the Catalogo gave it. */
    public JsonNode descriptorOf(UUID id) {
        String d = column(id, "descriptor::text");
        return d == null ? null : JsonColumns.read(json, d);
    }

    /** The pratica as its channel described it (an empty object when it has none). */
    public JsonNode datiOf(UUID id) {
        return JsonColumns.read(json, column(id, "coalesce(dati::text, '{}')"));
    }

    public String outcomeValidatedOf(UUID id) {
        return column(id, "outcome_validated");
    }

    public boolean frontOfficeNotified(UUID id) {
        return column(id, "fo_notified_at::text") != null;
    }

    public void updateState(UUID id, StatoPratica from, StatoPratica to) {
        jdbc.update("update pratica set state = ?, updated_at = now(),"
                + " concluded_at = case when ? then coalesce(concluded_at, now()) else concluded_at end"
                + " where id = ? and state = ?", to.name(), to.isFinal(), id, from.name());
    }

    public void setReceiptDate(UUID id, LocalDate date) {
        jdbc.update("update pratica set receipt_date = ?, updated_at = now() where id = ?", date, id);
    }

    public void setDescriptor(UUID id, JsonNode descriptor, DatiIstanza dati) {
        jdbc.update("""
                update pratica set descriptor = cast(? as jsonb), procedure_code = ?, procedure_version = ?, regime = ?,
                       municipality = ?, applicant_cf = ?, updated_at = now() where id = ?""",
                descriptor.toString(), dati.procedureCode(), dati.procedureVersion(), dati.regime(), dati.municipality(),
                dati.applicantCf(), id);
    }

    public void setDocumentsStatus(UUID id, String status, String anomaly) {
        jdbc.update("update pratica set documents_status = ?, anomaly = ?, updated_at = now() where id = ?", status, anomaly, id);
    }

    /** A new round of the istruttoria: the proposal of the previous one no longer stands. */
    public void startRound(UUID id, int round) {
        jdbc.update("update pratica set round = ?, outcome_proposed = null, updated_at = now() where id = ?", round, id);
    }

    public void setGeoworkProtocol(UUID id, String protocol) {
        jdbc.update("update pratica set geowork_protocol = ?, updated_at = now() where id = ?", protocol, id);
    }

    public void setOutcomeProposed(UUID id, Esito esito) {
        jdbc.update("update pratica set outcome_proposed = ? where id = ?", esito.name(), id);
    }

    public void setOutcomeValidated(UUID id, Esito esito, String funzionario) {
        jdbc.update("update pratica set outcome_validated = ?, validated_by = ? where id = ?", esito.name(), funzionario, id);
    }

    public void setDescriptorVersion(UUID id, String version) {
        jdbc.update("update pratica set descriptor_version = ?, updated_at = now() where id = ?", version, id);
    }

    public LocalDate receiptDateOf(UUID id) {
        return jdbc.queryForObject("select receipt_date from pratica where id = ?", LocalDate.class, id);
    }

    /** The corrections the formal check asked for (JSON array), kept with the pratica. */
    public void setCorrezioni(UUID id, String json) {
        jdbc.update("update pratica set correzioni = cast(? as jsonb), updated_at = now() where id = ?", json, id);
    }

    public void markFrontOfficeNotified(UUID id) {
        jdbc.update("update pratica set fo_notified_at = now(), updated_at = now() where id = ?", id);
    }

    // ---------------------------------------------------------------- documents

    /** A document the sender announced; fetched and verified later. */
    public void insertExpected(UUID id, DocumentoAtteso d) {
        jdbc.update("""
                insert into pratica_documento (pratica_id, resource_id, name, code, ref, mime_type, alg_hash, expected_hash, status)
                values (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING')""",
                id, d.resourceId(), d.name(), d.code(), d.ref(), d.mimeType(), d.algHash(), d.hash());
    }

    /**
     * The index of a new version of the instance (corrected, integrated): a document whose hash changed is fetched
     * again, a new one is added, an unchanged one stays verified.
     * @return how many documents are to be fetched
     */
    public int applyIndex(UUID id, List<DocumentoAtteso> docs) {
        int pending = 0;
        for (DocumentoAtteso d : docs) {
            int changed = jdbc.update("""
                    update pratica_documento set name = ?, code = ?, ref = ?, mime_type = coalesce(?, mime_type), alg_hash = ?,
                           expected_hash = ?, status = 'PENDING', sha256 = null, verified_at = null, last_error = null
                     where pratica_id = ? and resource_id = ? and lower(expected_hash) <> lower(?)""",
                    d.name(), d.code(), d.ref(), d.mimeType(), d.algHash(), d.hash(), id, d.resourceId(), d.hash());
            if (changed == 0 && jdbc.queryForObject("select count(*) from pratica_documento where pratica_id = ? and resource_id = ?",
                    Integer.class, id, d.resourceId()) == 0) {
                insertExpected(id, d);
                changed = 1;
            }
            pending += changed;
        }
        return pending;
    }

    /** The index of the instance's latest version as the front-office sent it: {instance_index, general_index}. */
    public void setSsuIndex(UUID id, JsonNode index) {
        jdbc.update("update pratica set ssu_index = cast(? as jsonb) where id = ?", index.toString(), id);
    }

    public JsonNode ssuIndexOf(UUID id) {
        List<String> rows = jdbc.queryForList("select ssu_index::text from pratica where id = ?", String.class, id);
        return rows.isEmpty() || rows.get(0) == null ? null : JsonColumns.read(json, rows.get(0));
    }

    /** Another document of the back-office (the convocation of a conferenza): served like the act, not the act. */
    public void insertFromBackOffice(UUID id, String resourceId, String name, String code, String mimeType, String sha256) {
        jdbc.update("""
                insert into pratica_documento (pratica_id, resource_id, name, code, mime_type, alg_hash, expected_hash,
                                               sha256, status, verified_at, origin)
                values (?, ?, ?, ?, ?, 'S256', ?, ?, 'VERIFIED', now(), 'BO')
                on conflict (pratica_id, resource_id) do update set name = excluded.name, sha256 = excluded.sha256,
                       expected_hash = excluded.expected_hash, verified_at = now()""",
                id, resourceId, name, code, mimeType, sha256, sha256);
    }

    public Optional<String> documentName(UUID id, String resourceId) {
        return first(jdbc.queryForList("select name from pratica_documento where pratica_id = ? and resource_id = ?",
                String.class, id, resourceId));
    }

    /** A document an ente terzo referred to, fetched from its system and served under our resource id (origin ET). */
    public void insertFromEnte(UUID id, String resourceId, String name, String code, String mimeType, String sha256) {
        jdbc.update("""
                insert into pratica_documento (pratica_id, resource_id, name, code, mime_type, alg_hash, expected_hash,
                                               sha256, status, verified_at, origin)
                values (?, ?, ?, ?, ?, 'S256', ?, ?, 'VERIFIED', now(), 'ET')
                on conflict (pratica_id, resource_id) do nothing""", id, resourceId, name, code, mimeType, sha256, sha256);
    }

    /** The back-office's act concluding the pratica, stored with the pratica's documents. */
    public void insertAct(UUID id, String resourceId, String name, String mimeType, String sha256) {
        jdbc.update("""
                insert into pratica_documento (pratica_id, resource_id, name, code, mime_type, alg_hash, expected_hash,
                                               sha256, status, verified_at, origin)
                values (?, ?, ?, 'PROVVEDIMENTO', ?, 'S256', ?, ?, 'VERIFIED', now(), 'BO')
                on conflict (pratica_id, resource_id) do update set name = excluded.name, mime_type = excluded.mime_type,
                       expected_hash = excluded.expected_hash, sha256 = excluded.sha256, verified_at = now()""",
                id, resourceId, name, mimeType, sha256, sha256);
    }

    /** The latest act of the back-office, if any. */
    public Optional<Atto> latestAct(UUID id) {
        return first(jdbc.query("""
                select resource_id, sha256 from pratica_documento where pratica_id = ? and origin = 'BO' and code = 'PROVVEDIMENTO'
                 order by verified_at desc limit 1""", (rs, i) -> new Atto(rs.getString(1), rs.getString(2), "S256"), id));
    }

    /** The act with this resource id, as a message refers to it. */
    public Optional<Atto> act(UUID id, String resourceId) {
        return first(jdbc.query("""
                select resource_id, sha256 from pratica_documento where pratica_id = ? and resource_id = ? and origin = 'BO'""",
                (rs, i) -> new Atto(rs.getString(1), rs.getString(2), "S256"), id, resourceId));
    }

    /** A document that came with the message, its hash computed on arrival (a repeated one is kept once). */
    public void insertVerified(UUID id, String resourceId, String name, String code, String mimeType, String sha256) {
        jdbc.update("""
                insert into pratica_documento (pratica_id, resource_id, name, code, mime_type, alg_hash, expected_hash,
                                               sha256, status, verified_at)
                values (?, ?, ?, ?, ?, 'S256', ?, ?, 'VERIFIED', now())
                on conflict (pratica_id, resource_id) do nothing""", id, resourceId, name, code, mimeType, sha256, sha256);
    }

    /** The descriptor knows the mime types of the instance documents the index lists by ref. */
    public void describeByRef(UUID id, String ref, String mimeType, String name) {
        jdbc.update("""
                update pratica_documento set mime_type = ?, name = coalesce(?, name)
                 where pratica_id = ? and mime_type is null and ref = ?""", mimeType, name, id, ref);
    }

    public List<String> pendingResourceIds(UUID id) {
        return jdbc.queryForList("select resource_id from pratica_documento where pratica_id = ? and status = 'PENDING'",
                String.class, id);
    }

    /** @return how many mismatching documents are to be fetched again */
    public int resetMismatched(UUID id) {
        return jdbc.update("""
                update pratica_documento set status = 'PENDING', last_error = null
                 where pratica_id = ? and status = 'HASH_MISMATCH'""", id);
    }

    public DocumentToFetch documentToFetch(UUID id, String resourceId) {
        return jdbc.queryForObject("""
                select p.cui_uuid, d.resource_id, d.alg_hash, d.expected_hash
                  from pratica_documento d join pratica p on p.id = d.pratica_id
                 where d.pratica_id = ? and d.resource_id = ?""",
                (rs, i) -> new DocumentToFetch(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                id, resourceId);
    }

    /** @return false when an earlier delivery of the same fetch verified it already */
    public boolean markVerified(UUID id, String resourceId, String sha256) {
        return jdbc.update("""
                update pratica_documento set status = 'VERIFIED', sha256 = ?, verified_at = now(), last_error = null
                 where pratica_id = ? and resource_id = ? and status = 'PENDING'""", sha256, id, resourceId) > 0;
    }

    public void markMismatched(UUID id, String resourceId, String reason) {
        jdbc.update("update pratica_documento set status = 'HASH_MISMATCH', last_error = ? where pratica_id = ? and resource_id = ?",
                reason, id, resourceId);
    }

    public int countNotVerified(UUID id) {
        return jdbc.queryForObject("select count(*) from pratica_documento where pratica_id = ? and status <> 'VERIFIED'",
                Integer.class, id);
    }

    public List<DocumentoVerificato> verifiedDocuments(UUID id) {
        return jdbc.query("""
                select d.sha256, d.name, d.mime_type, x.size from pratica_documento d join documento x on x.sha256 = d.sha256
                 where d.pratica_id = ? and d.status = 'VERIFIED' order by d.resource_id""",
                (rs, i) -> new DocumentoVerificato(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)), id);
    }

    /** The codes (types) of the documents a pratica carries. */
    public List<String> documentCodes(UUID id) {
        return jdbc.queryForList("select code from pratica_documento where pratica_id = ? and code is not null", String.class, id);
    }

    /** A verified document of an SSU pratica, by CUI and resource id, with its declared hash. */
    public Optional<StoredContent> verifiedContent(String cuiUuid, String resourceId) {
        return first(jdbc.query("""
                select d.alg_hash, d.expected_hash, d.mime_type, x.size, x.content, x.content_oid, x.base64_digest from pratica p
                  join pratica_documento d on d.pratica_id = p.id join documento x on x.sha256 = d.sha256
                 where p.cui_uuid = ? and d.resource_id = ? and d.status = 'VERIFIED'""",
                (rs, i) -> new StoredContent(rs.getString(1), rs.getString(2), rs.getString(3), documents.content(rs), rs.getString(7)),
                cuiUuid, resourceId));
    }

    /** The verified documents of a pratica, each with its content ("content", read only if used), for PEC. */
    public List<Map<String, Object>> documentsWithContent(UUID id) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                select d.name, d.mime_type, d.sha256, x.size from pratica_documento d join documento x on x.sha256 = d.sha256
                 where d.pratica_id = ? and d.status = 'VERIFIED' order by d.resource_id""", id);
        rows.forEach(r -> r.put("content", documents.content((String) r.get("sha256"))));
        return rows;
    }

    private String column(UUID id, String column) {
        return jdbc.queryForObject("select " + column + " from pratica where id = ?", String.class, id);
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

}
