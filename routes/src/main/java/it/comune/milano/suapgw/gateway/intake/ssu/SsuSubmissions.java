package it.comune.milano.suapgw.gateway.intake.ssu;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.util.UUID;

/** Owner of {@code ssu_submission}: every send_instance taken, by CUI and descriptor version (the dedup key). */
@Repository
public class SsuSubmissions {
    private final JdbcTemplate jdbc;

    public SsuSubmissions(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public boolean exists(String cuiUuid, String descriptorVersion) {
        return jdbc.queryForObject("select count(*) from ssu_submission where cui_uuid = ? and descriptor_version = ?",
                Integer.class, cuiUuid, descriptorVersion) > 0;
    }

    public void insert(String cuiUuid, String descriptorVersion, UUID praticaId, String bodySha256) {
        jdbc.update("""
                insert into ssu_submission (cui_uuid, descriptor_version, pratica_id, body_sha256, received_at)
                values (?, ?, ?, ?, now())""", cuiUuid, descriptorVersion, praticaId, bodySha256);
    }
}
