package it.comune.milano.suapgw.simulators.enti;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.ssu.CatalogoSimulator;
import it.comune.milano.suapgw.simulators.ssu.SsuContracts;
import it.comune.milano.suapgw.simulators.ssu.SsuPeerSimulator;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.modi.ModiPeer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * An ente terzo with its own system, on the SSU "channel ssu": it provides {@code et_to_bo} and calls the gateway's
 * {@code bo_to_et} ({@code {gateway}/ssu/et}) with ModI as its {@code ssu.client} ({@link #setModi}, docs/modi-pdnd.md)
 * or, without it, HTTP Basic credentials (client id / secret, the interim authentication). Every body it receives is validated against the published {@code et_to_bo.yaml} (400
 * {@code ERROR_400_001} otherwise, counted in {@link #invalidCalls()}); every body it sends is checked against the
 * published {@code bo_to_et.yaml}.
 * <ul>
 * <li>{@code POST /send_instance}: recorded ({@code send_instance:v<N>}), answered 200; then every document of the
 * instance_index (with {@link #setFetchGeneralIndex} the general_index too) is downloaded from
 * {@code {gateway}/ssu/et/instance/{cui}/document/{rid}} with If-Match and verified (S256/S384/S512; hex, base64 or
 * base64url); when one is missing or wrong the ente asks for a
 * retransmission ({@code retry} send_instance) and does nothing else; otherwise, after {@link #setReplyDelay}, it acts
 * on the first {@link Rule} whose regex fully matches a proceeding code it judges (the instance_index {@code code}s;
 * with {@link #setCatalogoBaseUrl}, when the descriptor assigns proceedings to this ente, those):
 * {@link #POSITIVO} (no rule matched either), {@link #CONFORMAZIONE}, {@link #SOSPENSIONE} → {@code send_conclusions}
 * with a document of its own (resource_id, hash, alg_hash); {@link #INTEGRAZIONE} → {@code request_integration} for
 * its proceeding (code and ref of the instance_index entry) with the requester administration and a document of its
 * own, and {@code positivo} on the integrated instance (a later version); {@link #CDSS} → {@code request_cdss} once
 * (the bare cui, or {@code {cui, requester_administration}} with {@link #setMaintenanceShape}), then only records;
 * {@link #SILENZIO} → never answers. Each (CUI, version) is acted on once.</li>
 * <li>{@code POST /notify}: recorded ({@code notify:<event>}); a transfer outcome with {@code resource_id} makes the
 * ente download the act and verify it ({@link #actVerified}).</li>
 * <li>{@code POST /retry}: recorded ({@code retry:<operation>}); with {@link #setResendOnRetry} the ente sends its last
 * call of that operation for the CUI again.</li>
 * <li>{@code GET /instance/{cui}/document/{rid}}: its own documents (see {@link SsuPeerSimulator}).</li>
 * </ul>
 */
public class EnteSsuSimulator extends SsuPeerSimulator {

    private static final Logger LOG = LoggerFactory.getLogger(EnteSsuSimulator.class);

    public static final String ARPA_LOMBARDIA = "arpa-lombardia";
    public static final String CITTA_METROPOLITANA = "citta-metropolitana";

    public static final String POSITIVO = "positivo";
    public static final String CONFORMAZIONE = "conformazione";
    public static final String SOSPENSIONE = "sospensione";
    public static final String INTEGRAZIONE = "integrazione";
    public static final String CDSS = "cdss";
    public static final String SILENZIO = "silenzio";
    public static final Set<String> ACTIONS = Set.of(POSITIVO, CONFORMAZIONE, SOSPENSIONE, INTEGRAZIONE, CDSS, SILENZIO);
    /** {@link #decisions} entry of an instance the ente only records (a cdss already requested). */
    public static final String NONE = "none";

    public static final String SEND_CONCLUSIONS = "send_conclusions";
    public static final String REQUEST_INTEGRATION = "request_integration";
    public static final String REQUEST_CDSS = "request_cdss";
    public static final String ADMINISTRATION_VERSION = "01.00.00";

    /** The action for procedures with a proceeding code fully matching the regex: one of {@link #ACTIONS}. */
    public record Rule(String procedureCodeRegex, String action) {
        public Rule {
            Objects.requireNonNull(procedureCodeRegex, "procedureCodeRegex");
            Pattern.compile(procedureCodeRegex);
            if (!ACTIONS.contains(action)) {
                throw new IllegalArgumentException("action must be one of " + ACTIONS + ": " + action);
            }
        }

        public boolean matches(String code) {
            return code != null && Pattern.matches(procedureCodeRegex, code);
        }
    }

    private final String enteCode;
    private final List<Rule> rules;
    private volatile ObjectNode administration;
    private volatile Duration replyDelay = Duration.ZERO;
    private volatile boolean maintenanceShape;
    private volatile boolean resendOnRetry;
    private volatile String catalogoBaseUrl;
    private volatile Function<String, JsonNode> catalogo;
    private volatile boolean fetchGeneralIndex;
    private final HttpClient catalogoClient = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** cui|version already acted on. */
    private final Set<String> handled = ConcurrentHashMap.newKeySet();
    /** cui → the version on which the ente asked for an integration. */
    private final Map<String, Integer> integrationAsked = new ConcurrentHashMap<>();
    private final Set<String> cdssAsked = ConcurrentHashMap.newKeySet();
    private final Map<String, List<String>> decisions = new ConcurrentHashMap<>();
    /** cui → the codes of the proceedings the descriptor assigns to this ente (read from the Catalogo). */
    private final Map<String, List<String>> ownCodes = new ConcurrentHashMap<>();
    /** cui → operation → the last body sent (for a retry). */
    private final Map<String, Map<String, JsonNode>> lastSent = new ConcurrentHashMap<>();

    /**
     * @param enteCode       the registry code (e.g. {@code arpa-lombardia})
     * @param port           0 picks a free port
     * @param gatewayBaseUrl e.g. {@code http://127.0.0.1:8080}; the ente calls {@code {gateway}/ssu/et/...}
     * @param clientId       Basic user (null: no credentials)
     * @param password       Basic password
     * @param rules          procedure-code regex → action, first match wins; {@code positivo} when none matches
     */
    public EnteSsuSimulator(String enteCode, int port, String gatewayBaseUrl, String clientId, String password, List<Rule> rules) {
        super("ente-ssu-" + Objects.requireNonNull(enteCode, "enteCode"), port, gatewayBaseUrl, "/ssu/et", clientId, password);
        this.enteCode = enteCode;
        this.rules = List.copyOf(rules == null ? List.of() : rules);
        this.administration = defaultAdministration(enteCode);
    }

    /** With {@link #defaultClientId}, {@link #defaultPassword} and {@link #defaultRules}. */
    public EnteSsuSimulator(String enteCode, int port, String gatewayBaseUrl) {
        this(enteCode, port, gatewayBaseUrl, defaultClientId(enteCode), defaultPassword(enteCode), defaultRules(enteCode));
    }

    /** With the defaults and ModI ({@code ModiDemo.enteTerzo(defaultClientId(enteCode))}; null: without). */
    public EnteSsuSimulator(String enteCode, int port, String gatewayBaseUrl, ModiPeer modi) {
        this(enteCode, port, gatewayBaseUrl);
        setModi(modi);
    }

    /**
     * Demo rules: arpa-lombardia asks for an integration on codes containing CARROZZERIA, citta-metropolitana asks
     * for a conferenza dei servizi on codes containing DISTRIBUTORE_CARBURANTI; everything else positivo.
     */
    public static List<Rule> defaultRules(String enteCode) {
        return switch (enteCode) {
            case ARPA_LOMBARDIA -> List.of(new Rule(".*CARROZZERIA.*", INTEGRAZIONE));
            case CITTA_METROPOLITANA -> List.of(new Rule(".*DISTRIBUTORE_CARBURANTI.*", CDSS));
            default -> List.of();
        };
    }

    /** {@code et-<code>} (the gateway's client id of the ente). */
    public static String defaultClientId(String enteCode) {
        return "et-" + enteCode;
    }

    /** {@code <code>-secret}, overridable by env/system property {@code SUAPGW_ET_<CODE>_PASSWORD}. */
    public static String defaultPassword(String enteCode) {
        String v = setting("SUAPGW_ET_" + EnteSimulator.envName(enteCode) + "_PASSWORD");
        return v != null ? v : enteCode + "-secret";
    }

    /** The demo port: arpa-lombardia 8191, citta-metropolitana 8192, otherwise 0 (any). */
    public static int defaultPort(String enteCode) {
        return switch (enteCode) {
            case ARPA_LOMBARDIA -> 8191;
            case CITTA_METROPOLITANA -> 8192;
            default -> 0;
        };
    }

    /** The ente's administration as the Catalogo knows it ({@code AdministrationSchema}). */
    public static ObjectNode defaultAdministration(String enteCode) {
        return switch (enteCode) {
            case ARPA_LOMBARDIA -> administration("arpa_lom", "DIPMI", "ARPA Lombardia - Dipartimento di Milano e Monza Brianza");
            case CITTA_METROPOLITANA -> administration("cmmi", "AMBIENTE", "Città metropolitana di Milano - Settore Ambiente");
            default -> administration(enteCode, "ET", enteCode);
        };
    }

    public static ObjectNode administration(String ipacode, String officecode, String description) {
        return Json.object().put("ipacode", ipacode).put("officecode", officecode).put("version", ADMINISTRATION_VERSION)
                .put("description", description);
    }

    private static String setting(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = System.getenv(name);
        }
        return v == null || v.isBlank() ? null : v;
    }

    // ------------------------------------------------------------------ settings and accessors

    public String enteCode() {
        return enteCode;
    }

    public List<Rule> rules() {
        return rules;
    }

    /** The requester administration it names itself with ({@code ipacode}, {@code officecode}, {@code version}, {@code description}). */
    public JsonNode administration() {
        return administration.deepCopy();
    }

    /** Another administration (e.g. for an ente code without a default). */
    public void setAdministration(String ipacode, String officecode, String description) {
        this.administration = administration(ipacode, officecode, description);
    }

    /** Delay between the verification of an instance's documents and the ente's answer (default none: the "slow" ente has ~1 s). */
    public void setReplyDelay(Duration replyDelay) {
        this.replyDelay = Objects.requireNonNull(replyDelay);
    }

    /** request_cdss body: false (default) the cui as published; true {@code {cui, requester_administration}} (maintenance round). */
    public void setMaintenanceShape(boolean maintenanceShape) {
        this.maintenanceShape = maintenanceShape;
    }

    /** Whether a {@code retry} from the gateway makes the ente send its last call of that operation again (default false). */
    public void setResendOnRetry(boolean resendOnRetry) {
        this.resendOnRetry = resendOnRetry;
    }

    /**
     * The Catalogo SSU ({@code {catalogo}/instance_descriptor/{uuid}}): when set, the ente reads the descriptor (as in
     * DomandaAutorizzazione-001) and judges first the proceedings whose competent administration is its own. Null
     * (default): only the instance_index codes.
     */
    public void setCatalogoBaseUrl(String catalogoBaseUrl) {
        this.catalogoBaseUrl = catalogoBaseUrl;
    }

    /**
     * The Catalogo SSU read in-process (its {@link CatalogoSimulator#descriptor}): with ModI the Catalogo's API admits
     * only the gateway, and the ente has no purpose on it in the PDND registry. Takes precedence over
     * {@link #setCatalogoBaseUrl}; null: none.
     */
    public void setCatalogo(CatalogoSimulator catalogo) {
        this.catalogo = catalogo == null ? null : catalogo::descriptor;
    }

    /**
     * Whether the ente also downloads the general_index documents (SUAP_XML, SUAP_PDF, ...). Default false: as in
     * DomandaAutorizzazione-001 and SCIA-001 an ente terzo retrieves "per ogni procedimento di interesse" the documents
     * whose resource_id comes from the instance_index.
     */
    public void setFetchGeneralIndex(boolean fetchGeneralIndex) {
        this.fetchGeneralIndex = fetchGeneralIndex;
    }

    /** What the ente decided for each send_instance of a CUI it acted on, in order: {@code v<N>:<action>} ({@code none}: only recorded). */
    public List<String> decisions(String cuiUuid) {
        return List.copyOf(decisions.getOrDefault(cuiUuid, List.of()));
    }

    /** The calls of one operation for a CUI that the gateway accepted (2xx), in order. */
    public List<Call> acceptedCalls(String cuiUuid, String operation) {
        return calls(cuiUuid).stream().filter(c -> operation.equals(c.operation()) && c.ok()).toList();
    }

    // ------------------------------------------------------------------ server side

    @Override
    protected boolean post(HttpExchange ex, String operation) throws IOException {
        switch (operation) {
            case SEND_INSTANCE -> sendInstance(ex);
            case NOTIFY -> notify(ex);
            case RETRY -> retry(ex);
            default -> {
                return false;
            }
        }
        return true;
    }

    private void sendInstance(HttpExchange ex) throws IOException {
        JsonNode body = valid(ex, SEND_INSTANCE, "et_to_bo.yaml", SsuContracts::etSendInstanceErrors);
        if (body == null) {
            return;
        }
        String uuid = body.get("cui").get("uuid").asText();
        recordSendInstance(uuid, body);
        sendEmpty(ex, 200);
        String context = SEND_INSTANCE + ":v" + body.path("instance_descriptor_version").asText();
        fetchAll(uuid, context, listed(body, fetchGeneralIndex), fetched -> {
            if (retryIfDocumentProblems(body.get("cui"), SEND_INSTANCE, fetched, SsuContracts::boToEtRetryErrors)) {
                LOG.warn("ente {}: documents of {} {} not verified: retransmission asked, no answer yet", enteCode, uuid, context);
                return;
            }
            decideAndAct(body);
        });
    }

    private void notify(HttpExchange ex) throws IOException {
        JsonNode body = valid(ex, NOTIFY, "et_to_bo.yaml", SsuContracts::etNotifyErrors);
        if (body == null) {
            return;
        }
        String uuid = body.get("cui").get("uuid").asText();
        recordNotify(uuid, body);
        sendEmpty(ex, 200);
        String resourceId = Json.text(body, "resource_id");
        if (resourceId != null) {
            fetchAll(uuid, NOTIFY + ":" + body.path("event").asText(),
                    List.of(new DocRef(ACT, resourceId, Json.text(body, "hash"), Json.text(body, "alg_hash"))),
                    fetched -> retryIfDocumentProblems(body.get("cui"), NOTIFY, fetched, SsuContracts::boToEtRetryErrors));
        }
    }

    private void retry(HttpExchange ex) throws IOException {
        JsonNode body = valid(ex, RETRY, "et_to_bo.yaml", SsuContracts::etRetryErrors);
        if (body == null) {
            return;
        }
        String uuid = body.get("cui").path("uuid").asText();
        String operation = body.get("operation").asText();
        recordRetry(uuid, body);
        sendEmpty(ex, 200);
        JsonNode last = lastSent.getOrDefault(uuid, Map.of()).get(operation);
        if (resendOnRetry && last != null) {
            LOG.info("ente {}: the gateway asks {} of {} again: sending it again", enteCode, operation, uuid);
            callGateway(uuid, operation, last, validator(operation), c -> { });
        } else if (resendOnRetry) {
            LOG.warn("ente {}: retry of {} for {}: nothing sent before", enteCode, operation, uuid);
        }
    }

    // ------------------------------------------------------------------ the ente's decisions

    /**
     * The proceeding codes the ente judges: its own per the descriptor when it read one that names it, otherwise the
     * instance_index codes (the entries the gateway lets it read), in order.
     */
    private List<String> codes(JsonNode sendInstance) {
        List<String> own = ownCodes(sendInstance.at("/cui/uuid").asText());
        if (!own.isEmpty()) {
            return own;
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode e : sendInstance.path("instance_index")) {
            if (e.hasNonNull("code")) {
                out.add(e.get("code").asText());
            }
        }
        return List.copyOf(out);
    }

    /** The proceedings of the descriptor whose competent administration is this ente (empty without a Catalogo). */
    private List<String> ownCodes(String uuid) {
        Function<String, JsonNode> inProcess = catalogo;
        String catalogoUrl = catalogoBaseUrl;
        if (inProcess == null && catalogoUrl == null) {
            return List.of();
        }
        List<String> known = ownCodes.get(uuid);
        if (known != null) {
            return known;
        }
        JsonNode descriptor;
        if (inProcess != null) {
            descriptor = inProcess.apply(uuid);
            if (descriptor == null) {
                LOG.warn("ente {}: the Catalogo has no descriptor of {}", enteCode, uuid);
                return List.of();
            }
        } else {
            try {
                HttpResponse<String> r = catalogoClient.send(HttpRequest.newBuilder(URI.create(catalogoUrl.replaceAll("/+$", "")
                        + "/instance_descriptor/" + enc(uuid))).timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    LOG.warn("ente {}: Catalogo answered {} for the descriptor of {}{}", enteCode, r.statusCode(), uuid,
                            r.statusCode() == 401 ? " (a Catalogo with ModI admits only the gateway: use setCatalogo)" : "");
                    return List.of();
                }
                descriptor = Json.parse(r.body());
            } catch (IOException | RuntimeException e) {
                LOG.warn("ente {}: cannot read the descriptor of {} from the Catalogo: {}", enteCode, uuid, e.toString());
                return List.of();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        List<String> out = new ArrayList<>();
        for (JsonNode up : descriptor.path("usecase_proceedings")) {
            JsonNode a = up.path("competent_administration");
            if (administration.path("ipacode").asText().equals(a.path("ipacode").asText())
                    && administration.path("officecode").asText().equals(a.path("officecode").asText())) {
                out.add(up.path("code").asText());
            }
        }
        if (!out.isEmpty()) {
            ownCodes.put(uuid, List.copyOf(out));
        }
        return out;
    }

    /** The first rule matching one of {@code codes} (in rule order), or null. */
    private Rule rule(List<String> codes) {
        for (Rule r : rules) {
            if (codes.stream().anyMatch(r::matches)) {
                return r;
            }
        }
        return null;
    }

    /**
     * What the ente does with this version of an instance: the rule's action, except that an {@code integrazione} turns
     * into {@code positivo} on a later version than the one it asked about (or on any version after the first), and a
     * {@code cdss} already requested into {@link #NONE}.
     */
    String action(JsonNode sendInstance) {
        String uuid = sendInstance.at("/cui/uuid").asText();
        int version = version(sendInstance);
        Rule r = rule(codes(sendInstance));
        String action = r == null ? POSITIVO : r.action();
        if (INTEGRAZIONE.equals(action)) {
            Integer askedOn = integrationAsked.get(uuid);
            if ((askedOn != null && version > askedOn) || (askedOn == null && version > 1)) {
                return POSITIVO;
            }
        }
        if (CDSS.equals(action) && cdssAsked.contains(uuid)) {
            return NONE;
        }
        return action;
    }

    private static int version(JsonNode sendInstance) {
        try {
            return Integer.parseInt(sendInstance.path("instance_descriptor_version").asText().trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private void decideAndAct(JsonNode sendInstance) {
        String uuid = sendInstance.at("/cui/uuid").asText();
        String version = sendInstance.path("instance_descriptor_version").asText();
        if (!handled.add(uuid + "|" + version)) {
            LOG.info("ente {}: version {} of {} already answered", enteCode, version, uuid);
            return;
        }
        String action = action(sendInstance);
        decisions.computeIfAbsent(uuid, k -> new CopyOnWriteArrayList<>()).add("v" + version + ":" + action);
        LOG.info("ente {}: {} v{} -> {}", enteCode, uuid, version, action);
        switch (action) {
            case SILENZIO, NONE -> {
                return;
            }
            case INTEGRAZIONE -> integrationAsked.putIfAbsent(uuid, version(sendInstance));
            case CDSS -> cdssAsked.add(uuid);
            default -> { }
        }
        schedule(() -> act(action, sendInstance), replyDelay);
    }

    private void act(String action, JsonNode si) {
        String uuid = si.at("/cui/uuid").asText();
        switch (action) {
            case POSITIVO, CONFORMAZIONE, SOSPENSIONE -> send(uuid, SEND_CONCLUSIONS, conclusions(action, si));
            case INTEGRAZIONE -> send(uuid, REQUEST_INTEGRATION, integrationRequest(si));
            case CDSS -> send(uuid, REQUEST_CDSS, cdssRequest(si));
            default -> throw new IllegalStateException("no call for " + action);
        }
    }

    private void send(String uuid, String operation, JsonNode body) {
        lastSent.computeIfAbsent(uuid, k -> new ConcurrentHashMap<>()).put(operation, body);
        callGateway(uuid, operation, body, validator(operation), c -> { });
    }

    private static java.util.function.Function<JsonNode, String> validator(String operation) {
        return switch (operation) {
            case SEND_CONCLUSIONS -> SsuContracts::sendConclusionsErrors;
            case REQUEST_INTEGRATION -> SsuContracts::etRequestIntegrationErrors;
            case REQUEST_CDSS -> SsuContracts::requestCdssErrors;
            case RETRY -> SsuContracts::boToEtRetryErrors;
            default -> b -> "";
        };
    }

    /** send_conclusions for {@code positivo}, {@code conformazione} or {@code sospensione}, with a document the ente serves. */
    ObjectNode conclusions(String action, JsonNode si) {
        String uuid = si.at("/cui/uuid").asText();
        String version = si.path("instance_descriptor_version").asText();
        String codes = String.join(", ", codes(si));
        String who = administration.path("description").asText();
        ObjectNode body = Json.object();
        String title;
        String text;
        switch (action) {
            case POSITIVO -> {
                body.put("conclusions_type", "positive_outcome");
                text = "Parere favorevole di " + who + " per quanto di competenza sui procedimenti " + codes
                        + (version(si) > 1 ? ": l'integrazione documentale presentata soddisfa le richieste" : "");
                title = "Parere favorevole";
            }
            case CONFORMAZIONE -> {
                body.put("conclusions_type", "conformation_requested");
                text = who + ": l'attività " + codes + " deve essere conformata alle prescrizioni allegate (adeguamento degli impianti "
                        + "di abbattimento delle emissioni e trasmissione delle certificazioni)";
                title = "Richiesta di conformazione";
            }
            case SOSPENSIONE -> {
                body.put("conclusions_type", "suspension_requested");
                text = who + ": si chiede la sospensione dell'attività " + codes + " per carenza dei requisiti ambientali di competenza";
                title = "Richiesta di sospensione";
            }
            default -> throw new IllegalArgumentException(action);
        }
        body.set("cui", si.get("cui").deepCopy());
        body.put("instance_descriptor_version", version);
        switch (action) {
            case POSITIVO -> body.put("positive_outcome", text);
            case CONFORMAZIONE -> body.put("date", LocalDate.now().plusDays(30).toString()).put("conformation_requested", text);
            default -> body.put("negative_outcome_motivation", text);
        }
        attach(body, uuid, action + "-v" + version, title, text);
        return body;
    }

    /** request_integration for the ente's proceeding, with its administration and a document it serves. */
    ObjectNode integrationRequest(JsonNode si) {
        String uuid = si.at("/cui/uuid").asText();
        String version = si.path("instance_descriptor_version").asText();
        JsonNode entry = integrationEntry(si);
        String code = entry == null ? codes(si).stream().findFirst().orElse("PROCEDIMENTO") : entry.path("code").asText();
        String ref = entry == null ? "#/usecase_proceedings/0/instance" : entry.path("ref").asText();
        String text = administration.path("description").asText() + ": per esprimere il parere di competenza sul procedimento " + code
                + " trasmettere la relazione tecnica sulle emissioni in atmosfera e sugli scarichi idrici, firmata da un tecnico "
                + "abilitato, con la planimetria degli impianti di aspirazione e abbattimento";
        ObjectNode body = Json.object();
        body.set("cui", si.get("cui").deepCopy());
        body.put("instance_descriptor_version", version);
        ObjectNode item = body.putArray("integration_list").addObject().put("code", code).put("ref", ref);
        item.putArray("integration_request").addObject().put("request", text).set("requester_administration", administration.deepCopy());
        ObjectNode doc = body.putArray("integration_document_list").addObject();
        doc.set("requester_administration", administration.deepCopy());
        attach(doc, uuid, "integrazione-v" + version, "Richiesta di integrazione documentale", text);
        return body;
    }

    /**
     * The instance_index entry an integration is about, among those of the proceedings the ente judges
     * ({@link #codes}): the first whose code a rule {@code integrazione} matches, else the first.
     */
    private JsonNode integrationEntry(JsonNode si) {
        List<String> codes = codes(si);
        JsonNode first = null;
        for (JsonNode e : si.path("instance_index")) {
            String code = e.path("code").asText();
            if (!codes.contains(code)) {
                continue;
            }
            if (first == null) {
                first = e;
            }
            if (rules.stream().anyMatch(r -> INTEGRAZIONE.equals(r.action()) && r.matches(code))) {
                return e;
            }
        }
        return first != null ? first : si.path("instance_index").path(0).isObject() ? si.path("instance_index").get(0) : null;
    }

    JsonNode cdssRequest(JsonNode si) {
        JsonNode cui = si.get("cui").deepCopy();
        if (!maintenanceShape) {
            return cui;
        }
        ObjectNode body = Json.object();
        body.set("cui", cui);
        body.set("requester_administration", administration.deepCopy());
        return body;
    }

    /** Makes a document the ente serves and puts its resource_id, hash (lowercase hex SHA-256) and alg_hash in {@code node}. */
    private void attach(ObjectNode node, String uuid, String what, String title, String text) {
        String resourceId = UUID.nameUUIDFromBytes((enteCode + "|" + uuid + "|" + what).getBytes(StandardCharsets.UTF_8)).toString();
        byte[] bytes = pdf(title + " - " + administration.path("description").asText(), text + " - CUI " + uuid);
        serve(uuid, resourceId, bytes);
        node.put("resource_id", resourceId).put("hash", Json.sha256(bytes)).put("alg_hash", "S256");
    }

    @Override
    public String toString() {
        return "EnteSsuSimulator[" + enteCode + " " + baseUrl() + "]";
    }
}
