package it.comune.milano.suapgw.gateway.persistence;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.Parere;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one owner of {@code richiesta_parere} (each request to an ente and its answer, whatever the channel) and
 * {@code parere_allegato}. Runs inside the caller's transaction, which holds the pratica's lock.
 */
@Repository
public class PareriRepository {
    public static final String OPEN = "OPEN", ANSWERED = "ANSWERED";

    /** A request as stored, with where its answer stands. */
    public record Richiesta(UUID id, UUID praticaId, String enteCode, int round, String status, String replyId) {
        public boolean answered() {
            return ANSWERED.equals(status);
        }
    }

    /** An ente's latest answer on a pratica: the round it was given in, what it decided, and what it asks. */
    public record UltimoParere(UUID richiestaId, String enteCode, int round, Esito esito, List<String> prescrizioni,
                               List<String> integrazioni, String motivazione) {
    }

    /** What a request carries out, whatever the channel. */
    public record DaInviare(UUID id, UUID praticaId, String enteCode, int round, LocalDate deadline, Canale canale,
                            String codicePratica, String codiceFiscale, String denominazione, String protocolloRi,
                            UUID previousId, Esito previousEsito, int reminders) {
    }

    public record Scaduta(UUID id, UUID praticaId, String enteCode, LocalDate deadline) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public PareriRepository(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void insert(UUID id, UUID praticaId, String enteCode, int round, LocalDate deadline, UUID previousId,
                       String channel) {
        jdbc.update("""
                insert into richiesta_parere (id, pratica_id, ente_code, round, deadline, status, requested_at, previous_id, channel)
                values (?, ?, ?, ?, ?, 'OPEN', now(), ?, ?)""", id, praticaId, enteCode, round, deadline, previousId, channel);
    }

    public Optional<Richiesta> find(UUID id) {
        return first(jdbc.query("""
                select id, pratica_id, ente_code, round, status, reply_id from richiesta_parere where id = ?""",
                (rs, i) -> richiesta(rs), id));
    }

    /** The ente's request of the latest round it was consulted in. */
    public Optional<Richiesta> latestOf(UUID praticaId, String enteCode) {
        return first(jdbc.query("""
                select id, pratica_id, ente_code, round, status, reply_id from richiesta_parere
                 where pratica_id = ? and ente_code = ? order by round desc limit 1""",
                (rs, i) -> richiesta(rs), praticaId, enteCode));
    }

    /** @return the pratica of the request */
    public UUID markSent(UUID id) {
        return jdbc.queryForObject("update richiesta_parere set sent_at = coalesce(sent_at, now()) where id = ? returning pratica_id",
                UUID.class, id);
    }

    public void recordAnswer(Parere p, String replyUser) {
        jdbc.update("""
                update richiesta_parere set status = 'ANSWERED', answered_at = now(), esito = ?,
                       prescrizioni = cast(? as jsonb), integrazioni = cast(? as jsonb), motivazione = ?, firmatario = ?,
                       reply_id = ?, reply_user = ?
                 where id = ?""",
                p.esito().name(), JsonColumns.write(json, p.prescrizioni()), JsonColumns.write(json, p.integrazioni()),
                p.motivazione(), p.firmatario(), p.replyId(), replyUser, p.richiestaId());
    }

    /** An answer received but not counted yet (an ente terzo's integration request, until its documents are in). */
    public void holdAnswer(Parere p, String replyUser) {
        jdbc.update("update richiesta_parere set held_answer = cast(? as jsonb), reply_user = ? where id = ?",
                JsonColumns.write(json, p), replyUser, p.richiestaId());
    }

    public Optional<Parere> heldAnswer(UUID richiestaId) {
        List<String> rows = jdbc.queryForList("select held_answer::text from richiesta_parere where id = ? and held_answer is not null",
                String.class, richiestaId);
        if (rows.isEmpty()) return Optional.empty();
        try {
            return Optional.of(json.readValue(rows.get(0), Parere.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("held answer of " + richiestaId + " unreadable", e);
        }
    }

    public void addAllegato(UUID richiestaId, String sha256, String name, String mimeType) {
        jdbc.update("insert into parere_allegato (richiesta_id, sha256, name, mime_type) values (?, ?, ?, ?) on conflict do nothing",
                richiestaId, sha256, name, mimeType);
    }

    /**
     * Closes the pratica's open requests without an answer (the applicant cancelled: {@code CANCELLED}).
     * @return the closed requests
     */
    public List<Richiesta> closeOpen(UUID praticaId, String reason) {
        return jdbc.query("""
                update richiesta_parere set status = ?, closed_reason = ?, answered_at = now()
                 where pratica_id = ? and status = 'OPEN'
                returning id, pratica_id, ente_code, round, status, reply_id""",
                (rs, i) -> richiesta(rs), reason, reason, praticaId);
    }

    /**
     * An open request whose ente stayed silent past the enti's term: its silence counts as assent (art. 17-bis
     * L. 241/1990), recorded as a positive parere of nobody.
     */
    public void recordSilence(UUID richiestaId, String motivazione) {
        jdbc.update("""
                update richiesta_parere set status = 'ANSWERED', answered_at = now(), esito = 'POSITIVO', motivazione = ?,
                       reply_id = 'silenzio-' || id, reply_user = 'gateway', closed_reason = 'SILENZIO'
                 where id = ? and status = 'OPEN' and held_answer is null""", motivazione, richiestaId);
    }

    public List<Richiesta> open(UUID praticaId) {
        return jdbc.query("""
                select id, pratica_id, ente_code, round, status, reply_id from richiesta_parere
                 where pratica_id = ? and status = 'OPEN' order by ente_code""", (rs, i) -> richiesta(rs), praticaId);
    }

    public int countOpen(UUID praticaId) {
        return jdbc.queryForObject("select count(*) from richiesta_parere where pratica_id = ? and status = 'OPEN'",
                Integer.class, praticaId);
    }

    /** Each ente's latest parere on the pratica: an earlier one is superseded by the answer of a later round. */
    public List<UltimoParere> latestPareri(UUID praticaId) {
        return jdbc.query("""
                select distinct on (ente_code) id, ente_code, round, esito, prescrizioni::text, integrazioni::text, motivazione
                  from richiesta_parere where pratica_id = ? and status = 'ANSWERED' order by ente_code, round desc""",
                (rs, i) -> new UltimoParere((UUID) rs.getObject(1), rs.getString(2), rs.getInt(3), Esito.valueOf(rs.getString(4)),
                        JsonColumns.strings(json, rs.getString(5)), JsonColumns.strings(json, rs.getString(6)),
                        rs.getString(7)), praticaId);
    }

    public List<String> enteCodesOf(UUID praticaId) {
        return jdbc.queryForList("select distinct ente_code from richiesta_parere where pratica_id = ? order by ente_code",
                String.class, praticaId);
    }

    public DaInviare daInviare(UUID id) {
        return jdbc.queryForObject("""
                select r.id, r.pratica_id, r.ente_code, r.round, r.deadline, p.channel, p.codice_pratica, p.applicant_cf,
                       p.dati ->> 'denominazione', p.dati ->> 'protocolloRi', r.previous_id, prev.esito, r.reminders
                  from richiesta_parere r join pratica p on p.id = r.pratica_id
                  left join richiesta_parere prev on prev.id = r.previous_id
                 where r.id = ?""",
                (rs, i) -> new DaInviare((UUID) rs.getObject(1), (UUID) rs.getObject(2), rs.getString(3), rs.getInt(4),
                        rs.getDate(5).toLocalDate(), Canale.valueOf(rs.getString(6)), rs.getString(7), rs.getString(8),
                        rs.getString(9), rs.getString(10), (UUID) rs.getObject(11),
                        rs.getString(12) == null ? null : Esito.valueOf(rs.getString(12)), rs.getInt(13)), id);
    }

    /** Open requests past their deadline not reminded within {@code every}, locked for this transaction. */
    public List<Scaduta> lockOverdue(Duration every) {
        return jdbc.query("""
                select id, pratica_id, ente_code, deadline from richiesta_parere
                 where status = 'OPEN' and deadline < current_date and coalesce(channel, '') <> 'ssu'
                   and (reminded_at is null or reminded_at < now() - make_interval(secs => ?))
                 for update skip locked""",
                (rs, i) -> new Scaduta((UUID) rs.getObject(1), (UUID) rs.getObject(2), rs.getString(3),
                        rs.getDate(4).toLocalDate()), (double) every.toSeconds());
    }

    public void markReminded(UUID id) {
        jdbc.update("""
                update richiesta_parere set overdue_at = coalesce(overdue_at, now()), reminded_at = now(),
                       reminders = reminders + 1 where id = ?""", id);
    }

    private static Richiesta richiesta(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Richiesta((UUID) rs.getObject(1), (UUID) rs.getObject(2), rs.getString(3), rs.getInt(4),
                rs.getString(5), rs.getString(6));
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
}
