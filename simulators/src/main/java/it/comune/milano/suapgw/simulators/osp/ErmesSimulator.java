package it.comune.milano.suapgw.simulators.osp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.support.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ERMES, the environment system (docs/osp-workflow.md §3, {@code osp/ermes.yaml}):
 * {@code GET /api/impatto-acustico?codiceFiscale=&lon=&lat=} (the business's entry of the fixture, else its
 * {@code acusticaDefault}, else class III with no report required) and
 * {@code GET /api/scia-somministrazione?codiceFiscale=&lon=&lat=} (the business's SCIA within 50 m, nearest first).
 * {@link #setAvailable setAvailable(false)} (503) is the scenario that makes the gateway's checklist wait.
 * <p>
 * Fixture ({@code test-data/osp/fixtures/ermes.json}): {@code {"acusticaDefault": {...}, "acustica": {"<cf>":
 * {"classeAcustica", "relazioneRichiesta", "condizioni"}}, "scia": [{"codiceFiscale", "lon", "lat", "protocollo",
 * "indirizzo", "data", "stato"}]}}.
 */
public class ErmesSimulator extends OspSimulator {

    public static final int DEFAULT_PORT = 8187;
    public static final String PORT_SETTING = "SUAPGW_SIM_ERMES_PORT";
    public static final String IMPATTO_ACUSTICO = "GET /api/impatto-acustico";
    public static final String SCIA = "GET /api/scia-somministrazione";

    private final JsonNode acusticaDefault;
    private final JsonNode acustica;
    private final List<JsonNode> scia;

    /** @param fixture {@code ermes.json}; null = class III everywhere, no report required, no SCIA on file */
    public ErmesSimulator(int port, Path fixture) {
        super("ermes", "ERMES", port);
        JsonNode f = loadFixture(fixture);
        JsonNode def = f.path("acusticaDefault");
        this.acusticaDefault = def.isObject() ? def : Json.object().put("classeAcustica", "III").put("relazioneRichiesta", false);
        this.acustica = f.path("acustica").isObject() ? f.get("acustica") : Json.object();
        List<JsonNode> list = new ArrayList<>();
        f.path("scia").forEach(list::add);
        this.scia = List.copyOf(list);
    }

    /** The answer of {@code GET /api/impatto-acustico} (without HTTP); the place does not matter. */
    public ObjectNode impattoAcustico(String codiceFiscale) {
        JsonNode entry = acustica.get(codiceFiscale.trim());
        if (entry == null) {
            // codici fiscali are upper case; tolerate a fixture or a caller that is not
            for (Iterator<Map.Entry<String, JsonNode>> it = acustica.fields(); it.hasNext() && entry == null; ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equalsIgnoreCase(codiceFiscale.trim())) {
                    entry = e.getValue();
                }
            }
        }
        JsonNode src = entry != null && entry.isObject() ? entry : acusticaDefault;
        ObjectNode out = Json.object();
        out.put("classeAcustica", src.path("classeAcustica").asText("III").toUpperCase(Locale.ROOT));
        out.put("relazioneRichiesta", src.path("relazioneRichiesta").asBoolean(false));
        ArrayNode condizioni = out.putArray("condizioni");
        src.path("condizioni").forEach(condizioni::add);
        return out;
    }

    /** The answer of {@code GET /api/scia-somministrazione} (without HTTP). */
    public ObjectNode sciaSomministrazione(String codiceFiscale, double lon, double lat) {
        List<JsonNode> near = new ArrayList<>();
        List<Double> distances = new ArrayList<>();
        for (JsonNode s : scia) {
            double d = distance(s, lon, lat);
            if (sameCodiceFiscale(s, codiceFiscale) && d <= RADIUS_METRES) {
                near.add(s);
                distances.add(d);
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < near.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble(distances::get));
        ObjectNode body = Json.object();
        ArrayNode arr = body.putArray("scia");
        for (int i : order) {
            JsonNode s = near.get(i);
            ObjectNode out = arr.addObject();
            for (String f : List.of("protocollo", "indirizzo", "data", "stato")) {
                if (s.hasNonNull(f)) {
                    out.set(f, s.get(f));
                }
            }
        }
        return body;
    }

    @Override
    protected void serve(HttpExchange ex, List<String> path) throws IOException {
        if (!"GET".equals(ex.getRequestMethod()) || path.size() != 2 || !"api".equals(path.get(0))) {
            notFound(ex);
            return;
        }
        switch (path.get(1)) {
            case "impatto-acustico" -> {
                Map<String, String> q = query(ex);
                String cf = required(q, "codiceFiscale");
                requiredNumber(q, "lon");
                requiredNumber(q, "lat");
                sendJson(ex, 200, impattoAcustico(cf));
            }
            case "scia-somministrazione" -> {
                Map<String, String> q = query(ex);
                String cf = required(q, "codiceFiscale");
                sendJson(ex, 200, sciaSomministrazione(cf, requiredNumber(q, "lon"), requiredNumber(q, "lat")));
            }
            default -> notFound(ex);
        }
    }
}
