package it.comune.milano.suapgw.simulators.osp;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.simulators.support.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An OSP test-data istanza, {@code test-data/osp/istanze/NN-slug.json} (its integrations are
 * {@code NN-slug.integrazione-K.json}), with its entry of {@code test-data/osp/expected.json}:
 * {@code {"idIstanza", "file", "checklist": {code: result}, "entiPerRound": [[ente...]...], "rounds", "comunicazioni":
 * [tipo...], "esitoFinale", "concessioneOsapi", "canoneGeri"}}. A field the entry does not give is null and not
 * checked; {@code expected} is null when expected.json has no entry for the istanza.
 */
public record OspCase(Path istanzaFile, String name, String idIstanza, JsonNode expected, Map<String, String> checklist,
                      List<List<String>> entiPerRound, Integer rounds, List<String> comunicazioni, String esitoFinale,
                      Boolean concessioneOsapi, Boolean canoneGeri) {

    static final Pattern INTEGRATION_FILE = Pattern.compile(".*\\.integrazione-[0-9]+\\.json$");

    /** The istanza files of {@code <ospDir>/istanze} (integrations excluded), sorted by name, each with its expected entry. */
    public static List<OspCase> loadAll(Path ospDir) {
        Path istanze = ospDir.resolve("istanze");
        if (!Files.isDirectory(istanze)) {
            return List.of();
        }
        JsonNode expected = Json.MAPPER.createArrayNode();
        Path expectedFile = ospDir.resolve("expected.json");
        if (Files.isRegularFile(expectedFile)) {
            try {
                expected = Json.parse(Files.readAllBytes(expectedFile));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + expectedFile, e);
            }
            if (expected.isObject() && expected.path("istanze").isArray()) {
                expected = expected.get("istanze");
            }
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(istanze)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(p -> !INTEGRATION_FILE.matcher(p.getFileName().toString()).matches())
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + istanze, e);
        }
        List<OspCase> out = new ArrayList<>();
        for (Path f : files) {
            out.add(load(f, expected));
        }
        return out;
    }

    /** One istanza file; {@code expectedEntries} is the expected.json array (matched on idIstanza, else on file name). */
    static OspCase load(Path istanzaFile, JsonNode expectedEntries) {
        String id = Json.text(GeopostSimulator.readIstanza(istanzaFile), "idIstanza");
        String fileName = istanzaFile.getFileName().toString();
        JsonNode entry = null;
        for (JsonNode e : expectedEntries) {
            if (id != null && id.equals(Json.text(e, "idIstanza"))) {
                entry = e;
                break;
            }
        }
        if (entry == null) {
            for (JsonNode e : expectedEntries) {
                String file = Json.text(e, "file");
                if (file != null && Path.of(file).getFileName().toString().equals(fileName)) {
                    entry = e;
                    break;
                }
            }
        }
        String name = fileName.substring(0, fileName.length() - ".json".length());
        if (entry == null) {
            return new OspCase(istanzaFile, name, id, null, null, null, null, null, null, null, null);
        }
        Map<String, String> checklist = null;
        if (entry.path("checklist").isObject()) {
            Map<String, String> m = new LinkedHashMap<>();
            entry.get("checklist").fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asText()));
            checklist = Map.copyOf(m);
        }
        List<List<String>> entiPerRound = null;
        if (entry.path("entiPerRound").isArray()) {
            List<List<String>> l = new ArrayList<>();
            for (JsonNode round : entry.get("entiPerRound")) {
                List<String> enti = new ArrayList<>();
                round.forEach(x -> enti.add(x.asText()));
                l.add(enti.stream().sorted().toList());
            }
            entiPerRound = List.copyOf(l);
        }
        List<String> comunicazioni = null;
        if (entry.path("comunicazioni").isArray()) {
            List<String> l = new ArrayList<>();
            entry.get("comunicazioni").forEach(x -> l.add(x.asText()));
            comunicazioni = List.copyOf(l);
        }
        return new OspCase(istanzaFile, name, id != null ? id : Json.text(entry, "idIstanza"), entry, checklist, entiPerRound,
                entry.path("rounds").isNumber() ? entry.get("rounds").asInt() : null, comunicazioni, Json.text(entry, "esitoFinale"),
                entry.path("concessioneOsapi").isBoolean() ? entry.get("concessioneOsapi").asBoolean() : null,
                entry.path("canoneGeri").isBoolean() ? entry.get("canoneGeri").asBoolean() : null);
    }
}
