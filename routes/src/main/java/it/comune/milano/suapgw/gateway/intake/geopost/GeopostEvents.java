package it.comune.milano.suapgw.gateway.intake.geopost;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Owner of {@code geopost_event} (each event taken once, by its key, whichever way it came) and the poll's cursor. */
@Repository
public class GeopostEvents {
    private final JdbcTemplate jdbc;

    public GeopostEvents(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The pratica an event with this key created or completed, if it was taken before. */
    public Optional<UUID> taken(String chiave) {
        List<UUID> ids = jdbc.queryForList("select pratica_id from geopost_event where chiave = ?", UUID.class, chiave);
        return ids.isEmpty() ? Optional.empty() : Optional.of(ids.get(0));
    }

    public void insert(String chiave, long seq, String tipo, UUID praticaId, String via, String sha256) {
        jdbc.update("""
                insert into geopost_event (chiave, seq, tipo, pratica_id, via, body_sha256, received_at)
                values (?, ?, ?, ?, ?, ?, now())""", chiave, seq, tipo, praticaId, via, sha256);
    }

    public long cursor() {
        return jdbc.queryForObject("select last_seq from geopost_cursor where id = 1", Long.class);
    }

    public void advanceCursor(long seq) {
        jdbc.update("update geopost_cursor set last_seq = greatest(last_seq, ?) where id = 1", seq);
    }
}
