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
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GERI, the canone unico (docs/osp-workflow.md §4, {@code osp/geri.yaml}): {@code GET /api/posizioni/{codiceFiscale}}
 * (the fixture's position, else not in arrears) and {@code POST /api/canoni} (idempotent on {@code idIstanza}: a repeat
 * gets the same {@code idAvviso} and is recorded once).
 * <p>
 * Fixture ({@code test-data/osp/fixtures/geri.json}): {@code {"posizioni": {"<cf>": {"moroso", "importoScaduto",
 * "annualita"}}}}; a business not listed is {@code {"moroso": false, "importoScaduto": 0, "annualita": []}}.
 */
public class GeriSimulator extends OspSimulator {

    public static final int DEFAULT_PORT = 8188;
    public static final String PORT_SETTING = "SUAPGW_SIM_GERI_PORT";
    public static final String POSIZIONI = "GET /api/posizioni/{codiceFiscale}";
    public static final String CANONI = "POST /api/canoni";

    /** A canone registered by the gateway: the first request for {@code idIstanza} and the avviso issued. */
    public record Canone(String idIstanza, String idAvviso, JsonNode richiesta, Instant registratoIl) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(GeriSimulator.class);

    private final JsonNode posizioni;
    private final Map<String, Canone> canoni = new LinkedHashMap<>();
    private final AtomicInteger duplicateCanoni = new AtomicInteger();

    /** @param fixture {@code geri.json}; null = nobody in arrears */
    public GeriSimulator(int port, Path fixture) {
        super("geri", "GERI", port);
        JsonNode p = loadFixture(fixture).path("posizioni");
        this.posizioni = p.isObject() ? p : Json.object();
    }

    /** Canoni registered, by idIstanza, in order of registration. */
    public synchronized Map<String, Canone> canoni() {
        return new LinkedHashMap<>(canoni);
    }

    /** Repeated {@code POST /api/canoni} for an already registered idIstanza. */
    public int duplicateCanoni() {
        return duplicateCanoni.get();
    }

    /** The answer of {@code GET /api/posizioni/{codiceFiscale}} (without HTTP). */
    public ObjectNode posizione(String codiceFiscale) {
        String cf = codiceFiscale.trim();
        JsonNode p = posizioni.get(cf);
        if (p == null) {
            p = posizioni.get(cf.toUpperCase(java.util.Locale.ROOT));
        }
        ObjectNode out = Json.object();
        out.put("codiceFiscale", cf);
        out.put("moroso", p != null && p.path("moroso").asBoolean(false));
        out.put("importoScaduto", p == null ? 0.0 : p.path("importoScaduto").asDouble(0.0));
        ArrayNode annualita = out.putArray("annualita");
        if (p != null) {
            p.path("annualita").forEach(a -> annualita.add(a.asText()));
        }
        return out;
    }

    @Override
    protected String endpoint(String method, List<String> path) {
        if (path.size() == 3 && "api".equals(path.get(0)) && "posizioni".equals(path.get(1))) {
            return method + " /api/posizioni/{codiceFiscale}";
        }
        return super.endpoint(method, path);
    }

    @Override
    protected void serve(HttpExchange ex, List<String> path) throws IOException {
        String method = ex.getRequestMethod();
        if ("GET".equals(method) && path.size() == 3 && "api".equals(path.get(0)) && "posizioni".equals(path.get(1))) {
            sendJson(ex, 200, posizione(path.get(2)));
        } else if ("POST".equals(method) && path.equals(List.of("api", "canoni"))) {
            canone(ex);
        } else {
            notFound(ex);
        }
    }

    private void canone(HttpExchange ex) throws IOException {
        JsonNode body = readJsonObject(ex);
        requireFields(body, "idIstanza", "codiceFiscale", "superficieMq", "dal", "importo");
        if (!body.get("superficieMq").isNumber() || !body.get("importo").isNumber() || body.get("importo").asDouble() < 0) {
            throw new IllegalArgumentException("superficieMq e importo devono essere numeri (importo >= 0)");
        }
        for (String date : List.of("dal", "al")) {
            if (body.hasNonNull(date)) {
                try {
                    LocalDate.parse(body.get(date).asText());
                } catch (DateTimeParseException e) {
                    throw new IllegalArgumentException(date + " non è una data ISO-8601: " + body.get(date).asText());
                }
            }
        }
        String idIstanza = body.get("idIstanza").asText();
        Canone c;
        synchronized (this) {
            c = canoni.get(idIstanza);
            if (c != null) {
                duplicateCanoni.incrementAndGet();
                LOG.info("canone for {} already registered: {}", idIstanza, c.idAvviso());
            } else {
                c = new Canone(idIstanza, numberFor("GERI", idIstanza, canoni.size() + 1), body, Instant.now());
                canoni.put(idIstanza, c);
                LOG.info("canone {} registered for istanza {} (importo {})", c.idAvviso(), idIstanza, body.get("importo").asText());
            }
        }
        sendJson(ex, 200, Json.object().put("idAvviso", c.idAvviso()));
    }
}
