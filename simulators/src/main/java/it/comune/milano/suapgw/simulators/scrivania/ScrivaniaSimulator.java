package it.comune.milano.suapgw.simulators.scrivania;

import com.sun.net.httpserver.HttpExchange;
import it.comune.milano.suapgw.simulators.support.HttpSimulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The InfoCamere "scrivania SUAP" (pre-SSU channel), both ways, over SOAP 1.1 document/literal:
 * <ul>
 *   <li>server: {@code PddServiceSUAP.inviaEnteSUAP} at {@code POST /services/PddServiceSUAP}, where the gateway sends
 *   its communications about a pratica (richiesta-integrazione, rilascio-provvedimento...). Each
 *   {@code CooperazioneEnteSUAP} is validated against {@code SUAP-ente-1.1.1.xsd}: valid → recorded and answered
 *   {@code <return>Ok</return>}; invalid → SOAP Fault {@code soap:Client} (HTTP 500).</li>
 *   <li>client: posts test-data cases to the gateway's {@code PddServiceEnte.inviaSUAPEnte} (see {@link #post}).</li>
 * </ul>
 * It also plays the impresa that answers a richiesta-integrazione: when one arrives for a registered case whose
 * folder has an {@code integration/} subfolder, that integration is posted to the gateway right after the answer.
 */
public class ScrivaniaSimulator extends HttpSimulator {

    /** Outcome of a call to the gateway: {@code returnValue} is the text of {@code return}, {@code faultString} of a Fault. */
    public record Result(int httpStatus, String rawBody, String returnValue, String faultString) {
        /** HTTP 200 with a {@code return} value and no Fault. */
        public boolean ok() {
            return httpStatus == 200 && returnValue != null && faultString == null;
        }
    }

    /** A valid {@code inviaEnteSUAP} call received from the gateway. */
    public record Received(String codicePratica, String tipoCooperazione, String oggetto, String testo, String protocolloNumero,
                           String enteMittenteCodiceAmministrazione, Instant receivedAt) {
    }

    /** An integration this simulator posted on its own after a richiesta-integrazione; {@code result} null if never answered. */
    public record IntegrationPost(String codicePratica, Path integrationDir, Result result, String error, Instant at) {
        public boolean ok() {
            return result != null && result.ok();
        }
    }

    public static final String PATH = "/services/PddServiceSUAP";
    public static final String RICHIESTA_INTEGRAZIONE = "richiesta-integrazione";
    private static final Logger LOG = LoggerFactory.getLogger(ScrivaniaSimulator.class);
    private static final long[] INTEGRATION_BACKOFF_MILLIS = {500, 1000, 2000, 4000};
    private static final String WSDL = "infocamere/PddServiceSuap.wsdl";

    private final ScrivaniaClient client;
    private final ScheduledExecutorService integrationExecutor;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Path> cases = new ConcurrentHashMap<>();
    private final List<IntegrationPost> integrations = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicInteger invalidCalls = new AtomicInteger();
    private final AtomicInteger refusedCalls = new AtomicInteger();
    private volatile boolean available = true;
    private volatile boolean autoIntegrate = true;

    /** @param port 0 picks a free port; @param gatewayUrl e.g. {@code http://127.0.0.1:8080} */
    public ScrivaniaSimulator(int port, String gatewayUrl) {
        super("scrivania", port);
        this.client = new ScrivaniaClient(Objects.requireNonNull(gatewayUrl, "gatewayUrl"));
        AtomicInteger n = new AtomicInteger();
        this.integrationExecutor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "scrivania-integrazioni-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Stops the server and the integration sender for good (integrations still queued are dropped). */
    @Override
    public synchronized void stop() {
        super.stop();
        integrationExecutor.shutdownNow();
    }

    /** {@code http://127.0.0.1:PORT/services/PddServiceSUAP} */
    public String address() {
        return baseUrl() + PATH;
    }

    /** {@code <gatewayUrl>/services/PddServiceEnte}, where {@link #post} sends. */
    public String gatewayEndpoint() {
        return client.endpoint();
    }

    /** false: every call is answered HTTP 503 with no body (and counted in {@link #refusedCalls()}). */
    public void setAvailable(boolean available) {
        this.available = available;
    }

    /** Whether a richiesta-integrazione triggers the registered case's integration (default true). */
    public void setAutoIntegrate(boolean autoIntegrate) {
        this.autoIntegrate = autoIntegrate;
    }

    // ------------------------------------------------------------------ test-data cases

    /**
     * Registers a case folder under the {@code codice-pratica} of its {@code envelope.xml}, so that a later
     * richiesta-integrazione for that pratica can be answered with the folder's {@code integration/}.
     *
     * @return the codice pratica
     */
    public String registerCase(Path caseDir) {
        String codice = codicePratica(caseDir.resolve("envelope.xml"));
        cases.put(codice, caseDir);
        return codice;
    }

    /** Registers every sub-folder of {@code dir} that has an {@code envelope.xml}; returns how many. */
    public int registerCases(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> dirs = s.filter(p -> Files.isRegularFile(p.resolve("envelope.xml"))).sorted().toList();
            dirs.forEach(this::registerCase);
            return dirs.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** The {@code codice-pratica} of a complete SOAP envelope file (first such element). */
    public static String codicePratica(Path envelopeXml) {
        try {
            Document doc = SoapSupport.parse(Files.readAllBytes(envelopeXml));
            String codice = SoapSupport.text(SoapSupport.descendant(doc, "codice-pratica"));
            if (codice == null) {
                throw new IllegalArgumentException("no codice-pratica in " + envelopeXml);
            }
            return codice;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + envelopeXml, e);
        }
    }

    public Map<String, Path> registeredCases() {
        return Map.copyOf(cases);
    }

    // ------------------------------------------------------------------ client side (scrivania → gateway)

    /** Signs each message to the gateway as the scrivania (null: unsigned, as an impostor would send). */
    public void setSigner(it.comune.milano.suapgw.simulators.support.SystemSigner signer) {
        client.setSigner(signer);
    }

    /** Posts a case folder ({@code envelope.xml} + optional {@code attachments/}) to the gateway's inviaSUAPEnte. */
    public Result post(Path caseDir) {
        return client.post(caseDir);
    }

    /** Posts a hand-built envelope; with attachments as SOAP with Attachments (Content-ID = file name). */
    public Result postEnvelope(String envelopeXml, Map<String, byte[]> attachments) {
        return client.postEnvelope(envelopeXml, attachments);
    }

    // ------------------------------------------------------------------ accessors

    /** Every valid call received, in arrival order. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    public List<Received> received(String codicePratica) {
        return received.stream().filter(r -> Objects.equals(codicePratica, r.codicePratica())).toList();
    }

    /** The tipo-cooperazione of the valid calls received for a pratica, in arrival order. */
    public List<String> tipiCooperazione(String codicePratica) {
        return received(codicePratica).stream().map(Received::tipoCooperazione).toList();
    }

    /** Every POST to the endpoint: valid, invalid and refused while unavailable. */
    public int calls() {
        return calls.get();
    }

    /** Calls answered with a SOAP Fault (not well-formed, not SOAP 1.1, wrong operation, not valid against the XSD). */
    public int invalidCalls() {
        return invalidCalls.get();
    }

    /** Calls answered 503 while {@link #setAvailable unavailable}. */
    public int refusedCalls() {
        return refusedCalls.get();
    }

    /** Integrations posted after a richiesta-integrazione (one entry per completed or abandoned post). */
    public List<IntegrationPost> integrations() {
        return List.copyOf(integrations);
    }

    // ------------------------------------------------------------------ server side (gateway → scrivania)

    @Override
    protected void handle(HttpExchange ex, List<String> path) throws IOException {
        boolean ours = path.size() == 2 && "services".equals(path.get(0)) && "PddServiceSUAP".equals(path.get(1));
        if (ours && "GET".equals(ex.getRequestMethod()) && "wsdl".equalsIgnoreCase(ex.getRequestURI().getQuery())) {
            wsdl(ex);
            return;
        }
        if (!ours || !"POST".equals(ex.getRequestMethod())) {
            readBody(ex);
            send(ex, 404, "text/plain; charset=UTF-8", ("no such service: " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath())
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        calls.incrementAndGet();
        byte[] body = readBody(ex);
        if (!available) {
            refusedCalls.incrementAndGet();
            sendEmpty(ex, 503);
            return;
        }
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        Received r;
        try {
            r = parse(body, contentType);
        } catch (SoapSupport.SoapVersionException e) {
            invalidCalls.incrementAndGet();
            LOG.warn("inviaEnteSUAP refused: {}", e.getMessage());
            sendSoap(ex, 500, SoapSupport.fault("soap:VersionMismatch", e.getMessage()));
            return;
        } catch (IllegalArgumentException e) {
            invalidCalls.incrementAndGet();
            LOG.warn("inviaEnteSUAP refused: {}", e.getMessage());
            sendSoap(ex, 500, SoapSupport.fault("soap:Client", e.getMessage()));
            return;
        } catch (RuntimeException e) {
            LOG.error("inviaEnteSUAP failed", e);
            sendSoap(ex, 500, SoapSupport.fault("soap:Server", "errore interno del simulatore: " + e));
            return;
        }
        received.add(r);
        LOG.info("inviaEnteSUAP pratica {} {} (protocollo {}, ente {}, {} attachments)", r.codicePratica(), r.tipoCooperazione(),
                r.protocolloNumero(), r.enteMittenteCodiceAmministrazione(), SoapSupport.attachmentCount(body, contentType));
        sendSoap(ex, 200, SoapSupport.envelope("<ns2:inviaEnteSUAPResponse xmlns:ns2=\"" + SoapSupport.SCRIVANIA_NS
                + "\"><return>Ok</return></ns2:inviaEnteSUAPResponse>"));
        if (RICHIESTA_INTEGRAZIONE.equals(r.tipoCooperazione())) {
            scheduleIntegration(r.codicePratica());
        }
    }

    /** Parses and validates one inviaEnteSUAP request; IllegalArgumentException carries the fault string. */
    static Received parse(byte[] body, String contentType) {
        if (body.length == 0) {
            throw new IllegalArgumentException("richiesta vuota");
        }
        byte[] xml = SoapSupport.isMultipart(contentType) ? SoapSupport.rootPart(body, contentType) : body;
        Element soapBody = SoapSupport.body(SoapSupport.parse(xml));
        List<Element> ops = SoapSupport.children(soapBody);
        if (ops.isEmpty()) {
            throw new IllegalArgumentException("SOAP Body vuoto");
        }
        Element op = ops.get(0);
        if (!"inviaEnteSUAP".equals(op.getLocalName()) || !SoapSupport.SCRIVANIA_NS.equals(op.getNamespaceURI())) {
            throw new IllegalArgumentException("operazione sconosciuta {" + op.getNamespaceURI() + "}" + op.getLocalName()
                    + ": atteso {" + SoapSupport.SCRIVANIA_NS + "}inviaEnteSUAP");
        }
        Element coop = SoapSupport.child(op, "CooperazioneEnteSUAP");
        if (coop == null) {
            throw new IllegalArgumentException("inviaEnteSUAP senza l'elemento (non qualificato) CooperazioneEnteSUAP");
        }
        String errors = CooperazioneValidator.validate(coop, CooperazioneValidator.ENTE_SUAP);
        if (errors != null) {
            throw new IllegalArgumentException("CooperazioneEnteSUAP non valida rispetto a SUAP-ente-1.1.1.xsd: " + errors);
        }
        Element intestazione = SoapSupport.child(coop, "intestazione");
        Element oggetto = SoapSupport.child(intestazione, "oggetto-comunicazione");
        return new Received(
                SoapSupport.text(SoapSupport.child(intestazione, "codice-pratica")),
                SoapSupport.attr(oggetto, "tipo-cooperazione"),
                SoapSupport.text(oggetto),
                SoapSupport.text(SoapSupport.child(intestazione, "testo-comunicazione")),
                SoapSupport.attr(SoapSupport.child(intestazione, "protocollo"), "numero-registrazione"),
                SoapSupport.attr(SoapSupport.child(intestazione, "ente-mittente"), "codice-amministrazione"),
                Instant.now());
    }

    private void scheduleIntegration(String codicePratica) {
        Path caseDir = cases.get(codicePratica);
        if (!autoIntegrate || caseDir == null || !Files.isRegularFile(caseDir.resolve("integration/envelope.xml"))) {
            LOG.info("richiesta-integrazione for {}: no integration to send (registered case: {})", codicePratica, caseDir != null);
            return;
        }
        Path dir = caseDir.resolve("integration");
        try {
            integrationExecutor.execute(() -> postIntegration(codicePratica, dir, 0));
        } catch (RejectedExecutionException stopped) {
            LOG.debug("simulator stopped, integration of {} not sent", codicePratica);
        }
    }

    private void postIntegration(String codicePratica, Path dir, int attempt) {
        Result result = null;
        String error = null;
        try {
            result = client.post(dir);
        } catch (RuntimeException e) {
            error = e.getMessage();
        }
        boolean transientFailure = result == null || result.httpStatus() == 502 || result.httpStatus() == 503 || result.httpStatus() == 504;
        if (transientFailure && attempt < INTEGRATION_BACKOFF_MILLIS.length && !integrationExecutor.isShutdown()) {
            long delay = INTEGRATION_BACKOFF_MILLIS[attempt];
            LOG.warn("integration of {} not delivered (attempt {}: {}), retrying in {} ms", codicePratica, attempt + 1,
                    result == null ? error : "HTTP " + result.httpStatus(), delay);
            try {
                integrationExecutor.schedule(() -> postIntegration(codicePratica, dir, attempt + 1), delay, TimeUnit.MILLISECONDS);
                return;
            } catch (RejectedExecutionException stopped) {
                error = "simulator stopped";
            }
        }
        integrations.add(new IntegrationPost(codicePratica, dir, result, error, Instant.now()));
        if (result != null && result.ok()) {
            LOG.info("integration of {} accepted by the gateway: {}", codicePratica, result.returnValue());
        } else {
            LOG.warn("integration of {} not accepted: {}", codicePratica,
                    result == null ? error : "HTTP " + result.httpStatus() + " " + result.faultString());
        }
    }

    private void wsdl(HttpExchange ex) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(WSDL)) {
            if (in == null) {
                send(ex, 404, "text/plain", "WSDL not available".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String wsdl = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replaceAll("soap:address location=\"[^\"]*\"", "soap:address location=\"" + address() + "\"");
            send(ex, 200, "text/xml; charset=UTF-8", wsdl.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void sendSoap(HttpExchange ex, int status, String envelope) throws IOException {
        send(ex, status, "text/xml; charset=UTF-8", envelope.getBytes(StandardCharsets.UTF_8));
    }
}
