package it.comune.milano.suapgw.gateway.termini;

import it.comune.milano.suapgw.model.TerminiIstanza.Tipo;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The one owner of {@code termine} and {@code sospensione}. Runs in the caller's transaction. */
@Repository
public class TermineRepository {
    public static final String ATTIVO = "ATTIVO", SOSPESO = "SOSPESO", SCADUTO = "SCADUTO", CHIUSO = "CHIUSO";

    /** A term as stored. */
    public record Termine(long id, UUID praticaId, Tipo kind, LocalDate inizio, int giorni, int giorniSospesi,
                          LocalDate scadenza, String state, Instant anchorAt, Instant fireAt, Long outboxId) {
        public boolean running() {
            return ATTIVO.equals(state) || SOSPESO.equals(state);
        }
    }

    private final JdbcTemplate jdbc;

    public TermineRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Termine> find(UUID praticaId, Tipo kind) {
        return first(jdbc.query("select * from termine where pratica_id = ? and kind = ?", TermineRepository::termine,
                praticaId, kind.name()));
    }

    /** Locked for the rest of the transaction. */
    public Optional<Termine> lock(long id) {
        return first(jdbc.query("select * from termine where id = ? for update", TermineRepository::termine, id));
    }

    public List<Termine> of(UUID praticaId) {
        return jdbc.query("select * from termine where pratica_id = ? order by scadenza, kind", TermineRepository::termine,
                praticaId);
    }

    public long insert(UUID praticaId, Tipo kind, LocalDate inizio, int giorni, LocalDate scadenza, Instant anchorAt,
                       Instant fireAt) {
        return jdbc.queryForObject("""
                insert into termine (pratica_id, kind, inizio, giorni, scadenza, state, anchor_at, fire_at, updated_at)
                values (?, ?, ?, ?, ?, 'ATTIVO', ?, ?, now()) returning id""", Long.class,
                praticaId, kind.name(), inizio, giorni, scadenza, Timestamp.from(anchorAt), Timestamp.from(fireAt));
    }

    public void reschedule(long id, LocalDate inizio, int giorni, int giorniSospesi, LocalDate scadenza, Instant fireAt,
                           String state) {
        jdbc.update("""
                update termine set inizio = ?, giorni = ?, giorni_sospesi = ?, scadenza = ?, fire_at = ?, state = ?,
                       updated_at = now() where id = ?""",
                inizio, giorni, giorniSospesi, scadenza, fireAt == null ? null : Timestamp.from(fireAt), state, id);
    }

    public void setOutbox(long id, long outboxId) {
        jdbc.update("update termine set outbox_id = ? where id = ?", outboxId, id);
    }

    public void setState(long id, String state) {
        jdbc.update("update termine set state = ?, updated_at = now() where id = ?", state, id);
    }

    // ---------------------------------------------------------------- suspensions

    public void openSuspension(UUID praticaId, LocalDate dal, Instant dalAt, String motivo) {
        jdbc.update("insert into sospensione (pratica_id, dal, dal_at, motivo) values (?, ?, ?, ?)",
                praticaId, dal, Timestamp.from(dalAt), motivo);
    }

    /** The open suspension's start (date and instant), if any. */
    public Optional<Object[]> openSuspension(UUID praticaId) {
        return first(jdbc.query("select id, dal, dal_at from sospensione where pratica_id = ? and al is null order by id desc limit 1",
                (rs, i) -> new Object[]{rs.getLong(1), rs.getDate(2).toLocalDate(), rs.getTimestamp(3).toInstant()}, praticaId));
    }

    /** The pratica's suspensions, oldest first: from, to (null while open), days, reason. */
    public List<Map<String, Object>> suspensions(UUID praticaId) {
        return jdbc.query("select dal, al, giorni, motivo from sospensione where pratica_id = ? order by id", (rs, i) -> {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("from", rs.getDate(1).toLocalDate().toString());
            m.put("to", rs.getDate(2) == null ? null : rs.getDate(2).toLocalDate().toString());
            m.put("days", rs.getObject(3));
            m.put("reason", rs.getString(4));
            return m;
        }, praticaId);
    }

    public void closeSuspension(long id, LocalDate al, Instant alAt, int giorni) {
        jdbc.update("update sospensione set al = ?, al_at = ?, giorni = ? where id = ?", al, Timestamp.from(alAt), giorni, id);
    }

    private static Termine termine(ResultSet rs, int i) throws SQLException {
        Timestamp fire = rs.getTimestamp("fire_at");
        long outbox = rs.getLong("outbox_id");
        Long outboxId = rs.wasNull() ? null : outbox;
        return new Termine(rs.getLong("id"), (UUID) rs.getObject("pratica_id"), Tipo.valueOf(rs.getString("kind")),
                rs.getDate("inizio").toLocalDate(), rs.getInt("giorni"), rs.getInt("giorni_sospesi"),
                rs.getDate("scadenza").toLocalDate(), rs.getString("state"), rs.getTimestamp("anchor_at").toInstant(),
                fire == null ? null : fire.toInstant(), outboxId);
    }

    private static <T> Optional<T> first(List<T> rows) {
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }
}
