package it.comune.milano.suapgw.simulators.scrivania;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.simulators.support.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A valid legacy (scrivania) test-data case, {@code test-data/scrivania/valid/NN-slug/}: {@code envelope.xml},
 * optional {@code attachments/} and {@code integration/}, and {@code expected.json} with what the demo checks
 * ({@code esitoFinale}: the final state of the pratica; {@code comunicazioni}: the tipo-cooperazione sequence the
 * gateway must send back to the scrivania).
 */
public record ScrivaniaCase(Path dir, String name, String codicePratica, String esitoFinale, List<String> comunicazioni,
                            String tipoProcedimento, String procedura) {

    public ScrivaniaCase {
        comunicazioni = List.copyOf(comunicazioni);
    }

    /** Reads a case folder; codicePratica from expected.json, else from the envelope. */
    public static ScrivaniaCase load(Path dir) {
        Path expectedFile = dir.resolve("expected.json");
        JsonNode expected;
        try {
            expected = Files.exists(expectedFile) ? Json.parse(Files.readAllBytes(expectedFile)) : Json.object();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + expectedFile, e);
        }
        String codice = Json.text(expected, "codicePratica");
        if (codice == null || codice.isBlank()) {
            codice = ScrivaniaSimulator.codicePratica(dir.resolve("envelope.xml"));
        }
        List<String> comunicazioni = new ArrayList<>();
        expected.path("comunicazioni").forEach(c -> comunicazioni.add(c.asText()));
        return new ScrivaniaCase(dir, dir.getFileName().toString(), codice, Json.text(expected, "esitoFinale"), comunicazioni,
                Json.text(expected, "tipoProcedimento"), Json.text(expected, "procedura"));
    }

    /** Every sub-folder of {@code validDir} with an {@code envelope.xml}, sorted by name; empty if the folder is missing. */
    public static List<ScrivaniaCase> loadAll(Path validDir) {
        if (!Files.isDirectory(validDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(validDir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("envelope.xml"))).sorted().map(ScrivaniaCase::load).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + validDir, e);
        }
    }
}
