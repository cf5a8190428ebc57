package it.comune.milano.suapgw.simulators.osp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * OSAPI, the register of OSP concessions (docs/osp-workflow.md §2, {@code osp/osapi.yaml}):
 * {@code GET /api/occupazioni?codiceFiscale=&lon=&lat=} (the fixture's occupations of that business within 50 m, with
 * {@code distanzaMetri}, nearest first) and {@code POST /api/concessioni} (idempotent on {@code idIstanza}: a repeat gets
 * the same {@code numeroConcessione} and is recorded once).
 * <p>
 * Fixture ({@code test-data/osp/fixtures/osapi.json}): {@code {"occupazioni": [{"numeroConcessione", "codiceFiscale",
 * "indirizzo", "stato", "scadenza", "lon", "lat"}]}}.
 */
public class OsapiSimulator extends OspSimulator {

    public static final int DEFAULT_PORT = 8186;
    public static final String PORT_SETTING = "SUAPGW_SIM_OSAPI_PORT";
    public static final String OCCUPAZIONI = "GET /api/occupazioni";
    public static final String CONCESSIONI = "POST /api/concessioni";

    /** A concession registered by the gateway: the first request for {@code idIstanza} and the number given. */
    public record Concessione(String idIstanza, String numeroConcessione, JsonNode richiesta, Instant registrataIl) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(OsapiSimulator.class);

    private final List<JsonNode> occupazioni;
    private final Map<String, Concessione> concessioni = new LinkedHashMap<>();
    private final AtomicInteger duplicateConcessioni = new AtomicInteger();

    /** @param fixture {@code osapi.json}; null = no occupations on file */
    public OsapiSimulator(int port, Path fixture) {
        super("osapi", "OSAPI", port);
        List<JsonNode> list = new ArrayList<>();
        loadFixture(fixture).path("occupazioni").forEach(list::add);
        this.occupazioni = List.copyOf(list);
    }

    /** The occupations on file (fixture), as loaded. */
    public List<JsonNode> occupazioniOnFile() {
        return occupazioni;
    }

    /** Concessions registered, by idIstanza, in order of registration. */
    public synchronized Map<String, Concessione> concessioni() {
        return new LinkedHashMap<>(concessioni);
    }

    /** Repeated {@code POST /api/concessioni} for an already registered idIstanza. */
    public int duplicateConcessioni() {
        return duplicateConcessioni.get();
    }

    /** The answer of {@code GET /api/occupazioni} (without HTTP). */
    public ObjectNode occupazioni(String codiceFiscale, double lon, double lat) {
        List<ObjectNode> found = new ArrayList<>();
        for (JsonNode o : occupazioni) {
            double d = distance(o, lon, lat);
            if (sameCodiceFiscale(o, codiceFiscale) && d <= RADIUS_METRES) {
                ObjectNode out = Json.object();
                for (String f : List.of("numeroConcessione", "codiceFiscale", "indirizzo", "stato", "scadenza")) {
                    if (o.hasNonNull(f)) {
                        out.set(f, o.get(f));
                    }
                }
                out.put("distanzaMetri", round1(d));
                found.add(out);
            }
        }
        found.sort(Comparator.comparingDouble(n -> n.get("distanzaMetri").asDouble()));
        ObjectNode body = Json.object();
        ArrayNode arr = body.putArray("occupazioni");
        found.forEach(arr::add);
        return body;
    }

    @Override
    protected void serve(HttpExchange ex, List<String> path) throws IOException {
        String method = ex.getRequestMethod();
        if ("GET".equals(method) && path.equals(List.of("api", "occupazioni"))) {
            Map<String, String> q = query(ex);
            String cf = required(q, "codiceFiscale");
            ObjectNode body = occupazioni(cf, requiredNumber(q, "lon"), requiredNumber(q, "lat"));
            LOG.debug("occupazioni {} → {}", cf, body.get("occupazioni").size());
            sendJson(ex, 200, body);
        } else if ("POST".equals(method) && path.equals(List.of("api", "concessioni"))) {
            concessione(ex);
        } else {
            notFound(ex);
        }
    }

    private void concessione(HttpExchange ex) throws IOException {
        JsonNode body = readJsonObject(ex);
        requireFields(body, "idIstanza", "codiceFiscale", "indirizzo", "superficieMq", "periodo", "elementi");
        if (!body.get("superficieMq").isNumber() || !body.get("periodo").isObject() || !body.get("elementi").isArray()) {
            throw new IllegalArgumentException("superficieMq deve essere un numero, periodo un oggetto, elementi un array");
        }
        String idIstanza = body.get("idIstanza").asText();
        Concessione c;
        synchronized (this) {
            c = concessioni.get(idIstanza);
            if (c != null) {
                duplicateConcessioni.incrementAndGet();
                LOG.info("concessione for {} already registered: {}", idIstanza, c.numeroConcessione());
            } else {
                c = new Concessione(idIstanza, numberFor("OSP", idIstanza, concessioni.size() + 1), body, Instant.now());
                concessioni.put(idIstanza, c);
                LOG.info("concessione {} registered for istanza {}", c.numeroConcessione(), idIstanza);
            }
        }
        sendJson(ex, 200, Json.object().put("numeroConcessione", c.numeroConcessione()));
    }
}
