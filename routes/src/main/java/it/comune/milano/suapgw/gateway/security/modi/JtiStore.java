package it.comune.milano.suapgw.gateway.security.modi;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.sql.Timestamp;
import java.time.Instant;

/**
 * The jti of the Agid-JWT-Signatures accepted, kept until each expires: a token seen once is refused ever after,
 * whichever gateway instance sees it again, whatever the restarts. The one owner of {@code modi_jti}.
 */
@Repository
public class JtiStore {
    private final JdbcTemplate jdbc;

    public JtiStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** @return false when the jti was seen already (a replay) */
    public boolean firstUse(String jti, String clientId, Instant expiresAt) {
        return jdbc.update("insert into modi_jti (jti, client_id, expires_at) values (?, ?, ?) on conflict do nothing",
                clientId + ":" + jti, clientId, Timestamp.from(expiresAt)) == 1;
    }

    /** Expired tokens can no longer be replayed (their exp refuses them): forgotten. */
    public void purge() {
        jdbc.update("delete from modi_jti where expires_at < now() - interval '5 minutes'");
    }
}
