package it.comune.milano.suapgw.gateway.termini;

import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;

/**
 * Where the legal calendar meets the clock. A term is legal dates (start, due date); it runs out when its due day
 * ends, in the Comune's time zone. For tests and the demo a legal day can be compressed
 * ({@code suapgw.termini.durata-giorno}, e.g. PT0.1S): the term then runs out that many compressed days after it was
 * set, and a suspension lasts as many legal days as compressed days went by.
 */
@Component
public class TermClock {
    private static final Duration DAY = Duration.ofDays(1);
    private final Duration day;
    private final ZoneId zone;

    public TermClock(GatewayProperties props) {
        GatewayProperties.Termini t = props.termini();
        this.day = t == null || t.durataGiorno() == null ? DAY : t.durataGiorno();
        this.zone = t == null || t.zona() == null ? ZoneId.of("Europe/Rome") : ZoneId.of(t.zona());
    }

    public boolean compressed() {
        return !day.equals(DAY);
    }

    public LocalDate today() {
        return LocalDate.now(zone);
    }

    /** The instant a term from {@code inizio}, set at {@code anchor}, due on {@code scadenza}, runs out. */
    public Instant fireAt(Instant anchor, LocalDate inizio, LocalDate scadenza) {
        if (!compressed()) return scadenza.plusDays(1).atStartOfDay(zone).toInstant();
        long days = ChronoUnit.DAYS.between(inizio, scadenza) + 1;
        return anchor.plus(day.multipliedBy(Math.max(0, days)));
    }

    /** The legal days a suspension from {@code dal} (at {@code dalAt}) to {@code al} (at {@code alAt}) lasted. */
    public int suspendedDays(LocalDate dal, LocalDate al, Instant dalAt, Instant alAt) {
        if (!compressed()) return (int) Math.max(0, ChronoUnit.DAYS.between(dal, al));
        long nanos = Duration.between(dalAt, alAt).toNanos();
        return (int) Math.max(0, (nanos + day.toNanos() - 1) / day.toNanos());
    }
}
