package it.comune.milano.suapgw.gateway.persistence;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What the gateway's API shows: read-only views over the stored pratiche, as rows ready to answer. */
@Repository
public class PraticaReadModel {
    public record Contenuto(DocumentStore.Content content, String mimeType) {
    }

    private final JdbcTemplate jdbc;
    private final DocumentStore documents;

    public PraticaReadModel(JdbcTemplate jdbc, DocumentStore documents) {
        this.jdbc = jdbc;
        this.documents = documents;
    }

    /** Newest first; each filter optional (state by its enum name). */
    public List<Map<String, Object>> pratiche(String state, String cuiUuid, String codicePratica) {
        return pratiche(state, cuiUuid, codicePratica, null);
    }

    /** Newest first; each filter optional (state by its enum name, the applicant by codice fiscale). */
    public List<Map<String, Object>> pratiche(String state, String cuiUuid, String codicePratica, String applicantCf) {
        return pratiche(state, cuiUuid, codicePratica, applicantCf, null);
    }

    /** ... and by a part of the applicant's name as the pratica declared it (denominazione, case-insensitive). */
    public List<Map<String, Object>> pratiche(String state, String cuiUuid, String codicePratica, String applicantCf,
                                              String denominazione) {
        StringBuilder sql = new StringBuilder("select * from pratica where 1=1");
        List<Object> args = new ArrayList<>();
        if (state != null) {
            sql.append(" and state = ?");
            args.add(state);
        }
        if (cuiUuid != null) {
            sql.append(" and cui_uuid = ?");
            args.add(cuiUuid);
        }
        if (codicePratica != null) {
            sql.append(" and codice_pratica = ?");
            args.add(codicePratica);
        }
        if (applicantCf != null) {
            sql.append(" and upper(applicant_cf) = upper(?)");
            args.add(applicantCf);
        }
        if (denominazione != null && !denominazione.isBlank()) {
            sql.append(" and dati ->> 'denominazione' ilike ? escape '\\'");
            args.add("%" + denominazione.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%");
        }
        sql.append(" order by presented_at desc limit 1000");
        return jdbc.queryForList(sql.toString(), args.toArray());
    }

    public Optional<Map<String, Object>> pratica(UUID id) {
        List<Map<String, Object>> rows = jdbc.queryForList("select * from pratica where id = ?", id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public List<Map<String, Object>> documents(UUID id) {
        return jdbc.queryForList("""
                select resource_id, name, code, mime_type, alg_hash, expected_hash, sha256, status, last_error,
                       verified_at, origin from pratica_documento where pratica_id = ? order by resource_id""", id);
    }

    public List<Map<String, Object>> pareri(UUID id) {
        return jdbc.queryForList("""
                select r.id, r.ente_code, r.channel, r.round, r.previous_id, r.deadline, r.status, r.requested_at,
                       r.sent_at, r.answered_at, r.esito, r.prescrizioni::text as prescrizioni, r.motivazione,
                       r.firmatario, (select json_agg(json_build_object('name', a.name, 'sha256', a.sha256))::text
                                        from parere_allegato a where a.richiesta_id = r.id) as allegati
                  from richiesta_parere r where r.pratica_id = ? order by r.round, r.ente_code""", id);
    }

    /** OSP: the pre-istruttoria of every round. */
    public List<Map<String, Object>> checklist(UUID id) {
        return jdbc.queryForList("""
                select round, codice, descrizione, esito, evidenza, checked_at from osp_checklist
                 where pratica_id = ? order by round, codice""", id);
    }

    /** OSP: the communications composed for the applicant. */
    public List<Map<String, Object>> comunicazioni(UUID id) {
        return jdbc.queryForList("""
                select id, round, tipo, stato, coalesce(testo, testo_proposto) as testo, validata_da, validata_il,
                       numero_concessione, id_avviso_geri, inviata_il from osp_comunicazione
                 where pratica_id = ? order by created_at""", id);
    }

    public List<Map<String, Object>> pendingOutbound(UUID id) {
        return jdbc.queryForList("""
                select id, kind, status, attempts, next_attempt_at, last_error from outbox
                 where pratica_id = ? and status <> 'DONE' order by id""", id);
    }

    public Map<String, Object> stats() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("received", count("select count(*) from pratica"));
        s.put("documentsVerified", count("select count(*) from pratica_documento where status = 'VERIFIED'"));
        s.put("documentsMismatched", count("select count(*) from pratica_documento where status = 'HASH_MISMATCH'"));
        s.put("deliveredToGeowork", count("select count(*) from pratica where geowork_protocol is not null"));
        s.put("pareriRequested", count("select count(*) from richiesta_parere where sent_at is not null"));
        s.put("pareriReceived", count("select count(*) from richiesta_parere where status = 'ANSWERED'"));
        s.put("outcomesValidated", count("select count(*) from pratica where outcome_validated is not null"));
        s.put("frontOfficeNotified", count("select count(*) from pratica where fo_notified_at is not null"));
        s.put("outboundPending", count("select count(*) from outbox where status = 'PENDING'"));
        s.put("deadLetters", count("select count(*) from dead_letter where replayed_at is null"));
        s.put("pecQuarantined", count("select count(*) from dead_letter where category = 'PEC_QUARANTINE'"));
        s.put("ospIstanze", count("select count(*) from pratica where channel = 'GEOPOST'"));
        s.put("ospComunicazioniDaValidare", count("select count(*) from osp_comunicazione where stato = 'PROPOSTA'"));
        s.put("ospComunicazioniInviate", count("select count(*) from osp_comunicazione where stato = 'INVIATA'"));
        s.put("pareriScaduti", count("select count(*) from richiesta_parere where status = 'OPEN' and deadline < current_date"));
        Map<String, Object> byState = new LinkedHashMap<>();
        jdbc.queryForList("select state, count(*) as n from pratica group by state order by state")
                .forEach(r -> byState.put(((String) r.get("state")).toLowerCase(), r.get("n")));
        s.put("byState", byState);
        return s;
    }

    /** A stored document by content hash, with the mime type some pratica declared for it. */
    public Optional<Contenuto> document(String sha256) {
        List<Contenuto> rows = jdbc.query("""
                select x.size, x.content, x.content_oid, (select d.mime_type from pratica_documento d where d.sha256 = x.sha256
                                   and d.mime_type is not null limit 1) as mime
                  from documento x where x.sha256 = ?""", (rs, i) -> new Contenuto(documents.content(rs), rs.getString("mime")), sha256);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** OSP communications waiting for the funzionario, oldest first. */
    public List<Map<String, Object>> comunicazioniDaValidare() {
        return jdbc.queryForList("""
                select p.codice_pratica as "idIstanza", p.id as "idPratica", c.tipo, c.round, c.testo_proposto as testo,
                       c.created_at as "propostaIl"
                  from osp_comunicazione c join pratica p on p.id = c.pratica_id
                 where c.stato = 'PROPOSTA' and p.state = 'OUTCOME_PROPOSED' order by c.created_at""");
    }

    public List<Map<String, Object>> pareriScaduti() {
        return jdbc.queryForList("""
                select r.id, p.codice_pratica as "codicePratica", r.pratica_id as "idPratica", r.ente_code as ente,
                       r.round, r.deadline, r.overdue_at as "scadutaIl", r.reminders as solleciti,
                       r.reminded_at as "ultimoSollecito"
                  from richiesta_parere r join pratica p on p.id = r.pratica_id
                 where r.status = 'OPEN' and r.deadline < current_date order by r.deadline""");
    }

    private long count(String sql) {
        return jdbc.queryForObject(sql, Long.class);
    }
}
