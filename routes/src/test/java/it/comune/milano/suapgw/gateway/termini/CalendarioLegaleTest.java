package it.comune.milano.suapgw.gateway.termini;

import it.comune.milano.suapgw.gateway.termini.CalendarioLegale.Rinvio;
import it.comune.milano.suapgw.gateway.termini.CalendarioLegale.Scadenza;
import it.comune.milano.suapgw.gateway.termini.CalendarioLegale.Sospensione;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules of the termini procedimentali against config/calendario.yaml (Milano) and small ad-hoc calendars. */
class CalendarioLegaleTest {
    static final CalendarioLegale MILANO = CalendarioLegale.load(Path.of("../config/calendario.yaml"));

    /** "2026-12-07=Sant'Ambrogio; 2026-12-08=Immacolata Concezione" → the rinvii; null (empty cell) → none. */
    static List<Rinvio> rinvii(String s) {
        if (s == null) {
            return List.of();
        }
        return Arrays.stream(s.split(";")).map(String::trim).map(r -> r.split("=", 2))
                .map(r -> new Rinvio(LocalDate.parse(r[0]), r[1])).toList();
    }

    /** "2026-03-10..2026-03-20; 2026-03-25..2026-03-30" → the suspensions; null (empty cell) → none. */
    static List<Sospensione> sospensioni(String s) {
        if (s == null) {
            return List.of();
        }
        return Arrays.stream(s.split(";")).map(String::trim).map(r -> r.split("\\.\\."))
                .map(r -> new Sospensione(LocalDate.parse(r[0]), LocalDate.parse(r[1]))).toList();
    }

    static CalendarioLegale calendario(Path dir, String yaml) throws Exception {
        Path f = dir.resolve("calendario.yaml");
        Files.writeString(f, yaml);
        return CalendarioLegale.load(f);
    }

    @ParameterizedTest(name = "{0} + {1} days: {2} → {3}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # inizio  | giorni | naturale   | scadenza   | rinvii
            # Sant'Ambrogio (the patron) then the Immacolata
            2026-11-07 | 30    | 2026-12-07 | 2026-12-09 | 2026-12-07=Sant'Ambrogio; 2026-12-08=Immacolata Concezione
            # a Sunday (Easter) before a holiday (Easter Monday)
            2026-03-06 | 30    | 2026-04-05 | 2026-04-07 | 2026-04-05=domenica; 2026-04-06=Lunedì dell'Angelo
            2027-02-27 | 30    | 2027-03-29 | 2027-03-30 | 2027-03-29=Lunedì dell'Angelo
            # San Francesco (L. 151/2025): on a Sunday in 2026 (the holiday's name wins), a Monday in 2027, none in 2024
            2026-09-04 | 30    | 2026-10-04 | 2026-10-05 | 2026-10-04=San Francesco d'Assisi
            2027-09-04 | 30    | 2027-10-04 | 2027-10-05 | 2027-10-04=San Francesco d'Assisi
            2024-09-04 | 30    | 2024-10-04 | 2024-10-04 |
            # a Saturday stays
            2026-04-16 | 30    | 2026-05-16 | 2026-05-16 |
            # the national holidays
            2025-12-02 | 30    | 2026-01-01 | 2026-01-02 | 2026-01-01=Capodanno
            2025-12-07 | 30    | 2026-01-06 | 2026-01-07 | 2026-01-06=Epifania
            2026-03-26 | 30    | 2026-04-25 | 2026-04-27 | 2026-04-25=Festa della Liberazione; 2026-04-26=domenica
            2026-04-01 | 30    | 2026-05-01 | 2026-05-02 | 2026-05-01=Festa del Lavoro
            2026-05-03 | 30    | 2026-06-02 | 2026-06-03 | 2026-06-02=Festa della Repubblica
            2026-07-16 | 30    | 2026-08-15 | 2026-08-17 | 2026-08-15=Assunzione; 2026-08-16=domenica
            2026-10-02 | 30    | 2026-11-01 | 2026-11-02 | 2026-11-01=Ognissanti
            # Christmas and Santo Stefano on a weekend (2027), then on Friday-Saturday followed by a Sunday (2026)
            2027-11-25 | 30    | 2027-12-25 | 2027-12-27 | 2027-12-25=Natale; 2027-12-26=Santo Stefano
            2026-11-25 | 30    | 2026-12-25 | 2026-12-28 | 2026-12-25=Natale; 2026-12-26=Santo Stefano; 2026-12-27=domenica
            # the start day is not counted
            2026-06-03 | 0     | 2026-06-03 | 2026-06-03 |
            2026-06-03 | 1     | 2026-06-04 | 2026-06-04 |
            2026-06-07 | 0     | 2026-06-07 | 2026-06-08 | 2026-06-07=domenica
            2026-01-01 | 60    | 2026-03-02 | 2026-03-02 |
            """)
    void scadenzaInMilano(LocalDate inizio, int giorni, LocalDate naturale, LocalDate scadenza, String rinvii) {
        Scadenza s = MILANO.scadenza(inizio, giorni, List.of());

        assertThat(s).isEqualTo(new Scadenza(inizio, giorni, 0, naturale, scadenza, rinvii(rinvii)));
    }

    @ParameterizedTest(name = "{0} + {1} days, sospensioni {2}: {4} → {5}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # inizio  | giorni | sospensioni                                        | sospesi | naturale   | scadenza
            # one suspension: + (al - dal) days; ends on a Saturday, which stays
            2026-03-02 | 30    | 2026-03-10..2026-03-20                             | 10      | 2026-04-11 | 2026-04-11
            # two suspensions add up
            2026-03-02 | 30    | 2026-03-10..2026-03-20; 2026-03-25..2026-03-30     | 15      | 2026-04-16 | 2026-04-16
            # a zero-length suspension (answered the day it was asked) adds nothing
            2026-03-02 | 30    | 2026-03-10..2026-03-10                             | 0       | 2026-04-01 | 2026-04-01
            # the suspension brings the end onto Easter Monday, which then moves it
            2026-03-02 | 30    | 2026-03-03..2026-03-08                             | 5       | 2026-04-06 | 2026-04-07
            # a suspension across the year's end
            2025-12-01 | 10    | 2025-12-20..2026-01-10                             | 21      | 2026-01-01 | 2026-01-02
            """)
    void sospensioniAddTheirDays(LocalDate inizio, int giorni, String sospensioni, int sospesi, LocalDate naturale,
                                 LocalDate scadenza) {
        Scadenza s = MILANO.scadenza(inizio, giorni, sospensioni(sospensioni));

        assertThat(s.giorniSospesi()).isEqualTo(sospesi);
        assertThat(s.scadenzaNaturale()).isEqualTo(naturale);
        assertThat(s.scadenza()).isEqualTo(scadenza);
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # data    | festivita (empty = working day)
            2026-12-07 | Sant'Ambrogio
            2026-12-08 | Immacolata Concezione
            2026-04-05 | domenica
            2026-04-06 | Lunedì dell'Angelo
            2026-10-04 | San Francesco d'Assisi
            2027-10-04 | San Francesco d'Assisi
            2025-10-04 |
            2024-10-04 |
            2026-05-16 |
            2026-05-15 |
            2026-12-24 |
            """)
    void festivitaInMilano(LocalDate data, String festivita) {
        assertThat(MILANO.festivita(data)).isEqualTo(Optional.ofNullable(festivita));
    }

    @Test
    void theNamedHolidaysOf2026InMilano() {
        Map<LocalDate, String> named = new LinkedHashMap<>();
        for (LocalDate d = LocalDate.of(2026, 1, 1); d.getYear() == 2026; d = d.plusDays(1)) {
            LocalDate day = d;
            MILANO.festivita(d).filter(f -> !f.equals(CalendarioLegale.DOMENICA)).ifPresent(f -> named.put(day, f));
        }

        assertThat(named).containsExactly(
                Map.entry(LocalDate.parse("2026-01-01"), "Capodanno"),
                Map.entry(LocalDate.parse("2026-01-06"), "Epifania"),
                Map.entry(LocalDate.parse("2026-04-06"), "Lunedì dell'Angelo"),
                Map.entry(LocalDate.parse("2026-04-25"), "Festa della Liberazione"),
                Map.entry(LocalDate.parse("2026-05-01"), "Festa del Lavoro"),
                Map.entry(LocalDate.parse("2026-06-02"), "Festa della Repubblica"),
                Map.entry(LocalDate.parse("2026-08-15"), "Assunzione"),
                Map.entry(LocalDate.parse("2026-10-04"), "San Francesco d'Assisi"),
                Map.entry(LocalDate.parse("2026-11-01"), "Ognissanti"),
                Map.entry(LocalDate.parse("2026-12-07"), "Sant'Ambrogio"),
                Map.entry(LocalDate.parse("2026-12-08"), "Immacolata Concezione"),
                Map.entry(LocalDate.parse("2026-12-25"), "Natale"),
                Map.entry(LocalDate.parse("2026-12-26"), "Santo Stefano"));
    }

    @ParameterizedTest(name = "Easter {0}")
    @CsvSource({"2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2030-04-21",
            // the extremes of the Gregorian computus: 22 March and 25 April
            "1818-03-22", "2038-04-25", "2008-03-23", "2019-04-21"})
    void pasqua(LocalDate easter) {
        assertThat(CalendarioLegale.pasqua(easter.getYear())).isEqualTo(easter);
    }

    @Test
    void aFixedHolidayAppliesFromItsDalYear(@TempDir Path dir) throws Exception {
        CalendarioLegale c = calendario(dir, """
                festivitaFisse:
                  - { giorno: 4, mese: 10, nome: "San Francesco d'Assisi", dal: 2026 }
                  - { giorno: 25, mese: 12, nome: "Natale" }
                lunediDellAngelo: true
                """);

        assertThat(c.festivita(LocalDate.parse("2024-10-04"))).isEmpty();
        assertThat(c.scadenza(LocalDate.parse("2024-09-04"), 30).scadenza()).isEqualTo("2024-10-04");
        assertThat(c.festivita(LocalDate.parse("2026-10-04"))).contains("San Francesco d'Assisi");
        assertThat(c.festivita(LocalDate.parse("2027-10-04"))).contains("San Francesco d'Assisi");
        assertThat(c.festivita(LocalDate.parse("2024-12-25"))).contains("Natale");
        // no patron configured
        assertThat(c.festivita(LocalDate.parse("2026-12-07"))).isEmpty();
    }

    @Test
    void sabatoFestivoMovesASaturdayEndToMonday(@TempDir Path dir) throws Exception {
        CalendarioLegale c = calendario(dir, """
                festivitaFisse: []
                lunediDellAngelo: true
                sabatoFestivo: true
                """);

        Scadenza s = c.scadenza(LocalDate.parse("2026-04-16"), 30, List.of());

        assertThat(s.scadenzaNaturale()).isEqualTo("2026-05-16");
        assertThat(s.scadenza()).isEqualTo("2026-05-18");
        assertThat(s.rinvii()).containsExactly(new Rinvio(LocalDate.parse("2026-05-16"), "sabato"),
                new Rinvio(LocalDate.parse("2026-05-17"), "domenica"));
    }

    @Test
    void altreChiusureAndEasterMondayOff(@TempDir Path dir) throws Exception {
        CalendarioLegale c = calendario(dir, """
                festivitaFisse:
                  - { giorno: 25, mese: 12, nome: "Natale" }
                lunediDellAngelo: false
                altreChiusure:
                  - { data: 2026-12-24, nome: "Chiusura straordinaria" }
                """);

        assertThat(c.festivita(LocalDate.parse("2026-04-06"))).isEmpty();
        assertThat(c.scadenza(LocalDate.parse("2026-11-24"), 30, List.of()).rinvii()).containsExactly(
                new Rinvio(LocalDate.parse("2026-12-24"), "Chiusura straordinaria"),
                new Rinvio(LocalDate.parse("2026-12-25"), "Natale"));
    }

    @Test
    void negativeGiorniAreRejected() {
        assertThatThrownBy(() -> MILANO.scadenza(LocalDate.parse("2026-06-03"), -1, List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("giorni").hasMessageContaining("-1");
    }

    @Test
    void aSospensioneEndingBeforeItStartsIsRejected() {
        assertThatThrownBy(() -> new Sospensione(LocalDate.parse("2026-03-20"), LocalDate.parse("2026-03-10")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sospensione").hasMessageContaining("2026-03-20").hasMessageContaining("2026-03-10");
    }

    @ParameterizedTest(name = "the error names {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            # a typo in a key
            "festivitaFisse: []\\nlunediDellAngelo: true\\nsabatoFestiv: true"                        | sabatoFestiv
            # Easter Monday must be stated
            "festivitaFisse: []"                                                                       | lunediDellAngelo
            # an impossible day
            "festivitaFisse: [{giorno: 31, mese: 4, nome: X}]\\nlunediDellAngelo: true"                | festivitaFisse
            # a closure that is not an ISO date
            "festivitaFisse: []\\nlunediDellAngelo: true\\naltreChiusure: [{data: 24/12/2026, nome: X}]" | altreChiusure
            """)
    void aWrongCalendarFailsAtLoad(String yaml, String named, @TempDir Path dir) throws Exception {
        Path f = dir.resolve("calendario.yaml");
        Files.writeString(f, yaml.replace("\\n", "\n"));

        assertThatThrownBy(() -> CalendarioLegale.load(f)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(named);
    }
}
