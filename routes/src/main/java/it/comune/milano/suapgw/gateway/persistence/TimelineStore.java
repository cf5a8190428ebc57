package it.comune.milano.suapgw.gateway.persistence;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Every message in and out, per pratica. */
@Repository
public class TimelineStore {
    public static final String IN = "IN";
    public static final String OUT = "OUT";
    public static final String INTERNAL = "INTERNAL";

    private final JdbcTemplate jdbc;

    public TimelineStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void record(UUID praticaId, String direction, String system, String operation, String outcome,
                       String sha256, String detail) {
        jdbc.update("""
                insert into timeline (pratica_id, at, direction, system, operation, outcome, hash, detail)
                values (?, clock_timestamp(), ?, ?, ?, ?, ?, ?)""",
                praticaId, direction, system, operation, outcome, sha256,
                detail == null ? null : detail.length() > 4000 ? detail.substring(0, 4000) : detail);
    }

    public List<Map<String, Object>> of(UUID praticaId) {
        return jdbc.queryForList("""
                select at, direction, system, operation, outcome, hash, detail
                  from timeline where pratica_id = ? order by id""", praticaId);
    }
}
