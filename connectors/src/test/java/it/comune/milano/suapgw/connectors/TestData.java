package it.comune.milano.suapgw.connectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The shared test data of test-data/ (paths relative to the connectors module). */
public final class TestData {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final Path OSP = Path.of("../test-data/osp");
    public static final Path ISTANZE = OSP.resolve("istanze");
    public static final Path FIXTURES = OSP.resolve("fixtures");

    private TestData() {
    }

    public static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture of a peer, e.g. {@code fixture("osapi")}. */
    public static JsonNode fixture(String name) {
        return read(FIXTURES.resolve(name + ".json"));
    }

    /** The istanza whose file starts with {@code NN-} (a fresh copy, free to change). */
    public static ObjectNode istanza(String nn) {
        return (ObjectNode) read(only(istanzaFiles().filter(p -> p.getFileName().toString().startsWith(nn + "-"))));
    }

    /** The K-th integrazione of the istanza whose file starts with {@code NN-}. */
    public static ObjectNode integrazione(String nn, int k) {
        return (ObjectNode) read(only(integrazioneFiles().filter(p -> p.getFileName().toString().startsWith(nn + "-")
                && p.getFileName().toString().endsWith(".integrazione-" + k + ".json"))));
    }

    public static Stream<Path> istanzaFiles() {
        return list().stream().filter(p -> !p.getFileName().toString().contains(".integrazione-"));
    }

    public static Stream<Path> integrazioneFiles() {
        return list().stream().filter(p -> p.getFileName().toString().contains(".integrazione-"));
    }

    /** A GEOPOST event as the contract's Evento: {"seq":n,"tipo":"ISTANZA","istanza":{...}}. */
    public static ObjectNode istanzaEvent(long seq, JsonNode istanza) {
        ObjectNode e = JSON.createObjectNode().put("seq", seq).put("tipo", "ISTANZA");
        e.set("istanza", istanza);
        return e;
    }

    public static ObjectNode integrazioneEvent(long seq, JsonNode integrazione) {
        ObjectNode e = JSON.createObjectNode().put("seq", seq).put("tipo", "INTEGRAZIONE");
        e.set("integrazione", integrazione);
        return e;
    }

    private static List<Path> list() {
        try (Stream<Path> files = Files.list(ISTANZE)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path only(Stream<Path> s) {
        List<Path> found = s.toList();
        if (found.size() != 1) throw new IllegalArgumentException("expected one test-data file, found " + found);
        return found.get(0);
    }
}
