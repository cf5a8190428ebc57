package it.comune.milano.suapgw.gateway.outbox;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.net.InetAddress;
import java.util.UUID;

/**
 * This running gateway among those sharing the database: a fresh id per process, a heartbeat row. Outbox claims of an
 * instance whose heartbeat stopped are free for any other at once, so the work of a killed instance moves within the
 * heartbeat timeout, not after its leases.
 */
@Component
public class GatewayInstance {
    private static final Logger log = LoggerFactory.getLogger(GatewayInstance.class);

    private final JdbcTemplate jdbc;
    private final String id = UUID.randomUUID().toString();
    private final String host;
    private volatile boolean registered;

    public GatewayInstance(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (Exception unknown) {
            h = "unknown";
        }
        this.host = h + "/" + ProcessHandle.current().pid();
    }

    public String id() {
        return id;
    }

    /** Called by the heartbeat route; the first beat registers the instance. */
    public void beat() {
        jdbc.update("""
                insert into gateway_instance (id, host, started_at, heartbeat_at) values (?, ?, now(), now())
                on conflict (id) do update set heartbeat_at = now()""", id, host);
        if (!registered) {
            registered = true;
            log.info("Gateway instance {} ({}) registered", id, host);
        }
        jdbc.update("delete from gateway_instance where heartbeat_at < now() - interval '1 day'");
    }

    /** Before the first claim: claims of an unregistered instance would look dead to the others. */
    public void ensureRegistered() {
        if (!registered) beat();
    }

    /** A clean stop: our row goes, so peers take over anything still claimed by us without waiting for the timeout. */
    @PreDestroy
    public void leave() {
        if (!registered) return;
        try {
            jdbc.update("delete from gateway_instance where id = ?", id);
        } catch (RuntimeException databaseGone) {
            log.debug("instance {} not deregistered: {}", id, databaseGone.getMessage());
        }
    }
}
