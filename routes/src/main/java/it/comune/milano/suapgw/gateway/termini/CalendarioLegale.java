package it.comune.milano.suapgw.gateway.termini;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.MonthDay;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The calendar rules of the administrative procedural terms (termini procedimentali), from config/calendario.yaml.
 * <p>
 * A term of N calendar days starting on day S ends on S + N (the start day is not counted), plus the days of its
 * suspensions; if that day is a Sunday or a holiday (or a Saturday, when so configured), the term moves to the next
 * day that is neither. Holidays are the Comune's (national fixed ones, Easter Monday, the patron saint, one-off
 * closures), so the same code serves every Comune with its own YAML. Immutable and thread-safe.
 */
public final class CalendarioLegale {

    /** The name given to Easter Monday when {@code lunediDellAngelo} is true. */
    public static final String LUNEDI_DELL_ANGELO = "Lunedì dell'Angelo";
    /** The reason of a move for a Sunday that is not otherwise a holiday. */
    public static final String DOMENICA = "domenica";
    /** The reason of a move for a Saturday, when {@code sabatoFestivo} is true. */
    public static final String SABATO = "sabato";

    private final List<Ricorrenza> ricorrenze;
    private final boolean lunediDellAngelo;
    private final boolean sabatoFestivo;
    private final Map<LocalDate, String> altreChiusure;

    // ---- the YAML, as written (validated by the constructor) ----

    /** The whole of config/calendario.yaml. {@code sabatoFestivo} and {@code altreChiusure} may be omitted. */
    public record Config(List<FestivitaFissa> festivitaFisse, Boolean lunediDellAngelo, FestivitaFissa patrono,
                         Boolean sabatoFestivo, List<Chiusura> altreChiusure) {
    }

    /** A holiday on the same day every year, from year {@code dal} (inclusive) on, or always when {@code dal} is null. */
    public record FestivitaFissa(Integer giorno, Integer mese, String nome, Integer dal) {
    }

    /** A one-off closure; {@code data} is an ISO date (yyyy-MM-dd). */
    public record Chiusura(String data, String nome) {
    }

    // ---- the API ----

    /** A suspension of the term from {@code dal} (request sent) to {@code al} (answer received): adds al − dal days. */
    public record Sospensione(LocalDate dal, LocalDate al) {
        public Sospensione {
            Objects.requireNonNull(dal, "sospensione: dal");
            Objects.requireNonNull(al, "sospensione: al");
            if (al.isBefore(dal)) {
                throw new IllegalArgumentException("invalid sospensione dal " + dal + " al " + al + ": al is before dal");
            }
        }

        /** The days this suspension adds to the term. */
        public int giorni() {
            return Math.toIntExact(ChronoUnit.DAYS.between(dal, al));
        }
    }

    /** A day the term skipped, and why (the holiday's name, {@value #DOMENICA} or {@value #SABATO}). */
    public record Rinvio(LocalDate data, String motivo) {
    }

    /**
     * A computed term: {@code scadenzaNaturale} = inizio + giorni + giorniSospesi; {@code scadenza} is the actual last
     * day, after the {@code rinvii} (the skipped days, in order; empty when the natural end is a working day).
     */
    public record Scadenza(LocalDate inizio, int giorni, int giorniSospesi, LocalDate scadenzaNaturale,
                           LocalDate scadenza, List<Rinvio> rinvii) {
        public Scadenza {
            rinvii = List.copyOf(rinvii);
        }
    }

    /** A validated fixed holiday (fixed holidays and the patron). */
    private record Ricorrenza(MonthDay giorno, String nome, Integer dal) {
        boolean cade(LocalDate d) {
            // MonthDay.from(d) never equals --02-29 in a common year: a 29 February holiday is then simply absent
            return giorno.equals(MonthDay.from(d)) && (dal == null || d.getYear() >= dal);
        }
    }

    /** Validates {@code config}; throws IllegalArgumentException naming the wrong entry. */
    public CalendarioLegale(Config config) {
        Objects.requireNonNull(config, "config");
        if (config.festivitaFisse() == null) {
            throw new IllegalArgumentException("calendario: festivitaFisse is missing");
        }
        if (config.lunediDellAngelo() == null) {
            throw new IllegalArgumentException("calendario: lunediDellAngelo is missing (true or false)");
        }
        List<Ricorrenza> r = new ArrayList<>();
        for (FestivitaFissa f : config.festivitaFisse()) {
            r.add(ricorrenza("festivitaFisse", f));
        }
        if (config.patrono() != null) {
            if (config.patrono().dal() != null) {
                throw new IllegalArgumentException("calendario: patrono takes no dal");
            }
            r.add(ricorrenza("patrono", config.patrono()));
        }
        Map<LocalDate, String> chiusure = new HashMap<>();
        for (Chiusura c : config.altreChiusure() == null ? List.<Chiusura>of() : config.altreChiusure()) {
            if (c == null || c.data() == null || blank(c.nome())) {
                throw new IllegalArgumentException("calendario: altreChiusure entry " + c + " needs data and nome");
            }
            try {
                chiusure.put(LocalDate.parse(c.data()), c.nome());
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("calendario: altreChiusure entry " + c + ": data is not yyyy-MM-dd", e);
            }
        }
        this.ricorrenze = List.copyOf(r);
        this.lunediDellAngelo = config.lunediDellAngelo();
        this.sabatoFestivo = Boolean.TRUE.equals(config.sabatoFestivo());
        this.altreChiusure = Map.copyOf(chiusure);
    }

    private static Ricorrenza ricorrenza(String where, FestivitaFissa f) {
        if (f == null || f.giorno() == null || f.mese() == null || blank(f.nome())) {
            throw new IllegalArgumentException("calendario: " + where + " entry " + f + " needs giorno, mese and nome");
        }
        try {
            return new Ricorrenza(MonthDay.of(f.mese(), f.giorno()), f.nome(), f.dal());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("calendario: " + where + " entry " + f + ": " + e.getMessage(), e);
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Reads and validates the calendar (config/calendario.yaml); unknown keys are an error, to catch typos. */
    public static CalendarioLegale load(Path yaml) {
        Config config;
        try {
            config = new ObjectMapper(new YAMLFactory()).readValue(yaml.toFile(), Config.class);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read calendario " + yaml + ": " + e.getMessage(), e);
        }
        if (config == null) {
            throw new IllegalStateException("calendario " + yaml + " is empty");
        }
        try {
            return new CalendarioLegale(config);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(yaml + ": " + e.getMessage(), e);
        }
    }

    /**
     * Why {@code d} is not a working day: the holiday's name (a named holiday wins over the day of the week, so a
     * holiday on a Sunday reads as the holiday), else {@value #DOMENICA}, else {@value #SABATO} when Saturdays are
     * holidays; empty for a working day.
     */
    public Optional<String> festivita(LocalDate d) {
        for (Ricorrenza r : ricorrenze) {
            if (r.cade(d)) {
                return Optional.of(r.nome());
            }
        }
        if (lunediDellAngelo && d.equals(pasqua(d.getYear()).plusDays(1))) {
            return Optional.of(LUNEDI_DELL_ANGELO);
        }
        String chiusura = altreChiusure.get(d);
        if (chiusura != null) {
            return Optional.of(chiusura);
        }
        if (d.getDayOfWeek() == DayOfWeek.SUNDAY) {
            return Optional.of(DOMENICA);
        }
        if (sabatoFestivo && d.getDayOfWeek() == DayOfWeek.SATURDAY) {
            return Optional.of(SABATO);
        }
        return Optional.empty();
    }

    /**
     * The last day of a term of {@code giorni} calendar days (≥ 0) starting on {@code inizio} (not counted), extended
     * by each suspension's al − dal days (they add up; overlapping suspensions are not merged), then moved past
     * Sundays and holidays.
     */
    public Scadenza scadenza(LocalDate inizio, int giorni, List<Sospensione> sospensioni) {
        Objects.requireNonNull(inizio, "inizio");
        Objects.requireNonNull(sospensioni, "sospensioni");
        if (giorni < 0) {
            throw new IllegalArgumentException("giorni must be >= 0, was " + giorni);
        }
        int sospesi = 0;
        for (Sospensione s : sospensioni) {
            sospesi = Math.addExact(sospesi, Objects.requireNonNull(s, "sospensione").giorni());
        }
        LocalDate naturale = inizio.plusDays((long) giorni + sospesi);
        LocalDate d = naturale;
        List<Rinvio> rinvii = new ArrayList<>();
        // terminates: at most two weekend days and a handful of holidays in a row
        for (Optional<String> f = festivita(d); f.isPresent(); f = festivita(d)) {
            rinvii.add(new Rinvio(d, f.get()));
            d = d.plusDays(1);
        }
        return new Scadenza(inizio, giorni, sospesi, naturale, d, rinvii);
    }

    /** {@link #scadenza(LocalDate, int, List)} without suspensions. */
    public Scadenza scadenza(LocalDate inizio, int giorni) {
        return scadenza(inizio, giorni, List.of());
    }

    /** Easter Sunday of {@code year} in the Gregorian calendar (Anonymous Gregorian algorithm, Meeus/Jones/Butcher). */
    public static LocalDate pasqua(int year) {
        int a = year % 19;
        int b = year / 100;
        int c = year % 100;
        int d = b / 4;
        int e = b % 4;
        int f = (b + 8) / 25;
        int g = (b - f + 1) / 3;
        int h = (19 * a + b - d - g + 15) % 30;
        int i = c / 4;
        int k = c % 4;
        int l = (32 + 2 * e + 2 * i - h - k) % 7;
        int m = (a + 11 * h + 22 * l) / 451;
        int month = (h + l - 7 * m + 114) / 31;
        int day = (h + l - 7 * m + 114) % 31 + 1;
        return LocalDate.of(year, month, day);
    }
}
