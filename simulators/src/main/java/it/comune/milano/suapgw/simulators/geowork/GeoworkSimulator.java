package it.comune.milano.suapgw.simulators.geowork;

import it.comune.milano.suapgw.schemas.geowork.ConvocaConferenza;
import it.comune.milano.suapgw.schemas.geowork.ConvocaConferenzaResponse;
import it.comune.milano.suapgw.schemas.geowork.Correzione;
import it.comune.milano.suapgw.schemas.geowork.EnteRichiedente;
import it.comune.milano.suapgw.schemas.geowork.FaseConferenza;
import it.comune.milano.suapgw.schemas.geowork.ModalitaConferenza;
import it.comune.milano.suapgw.schemas.geowork.NotificaConferenza;
import it.comune.milano.suapgw.schemas.geowork.NotificaConferenzaResponse;
import it.comune.milano.suapgw.schemas.geowork.DocumentoAtto;
import it.comune.milano.suapgw.schemas.geowork.Esito;
import it.comune.milano.suapgw.schemas.geowork.EsitoControllo;
import it.comune.milano.suapgw.schemas.geowork.FaseVerifica;
import it.comune.milano.suapgw.schemas.geowork.NotificaVerifica;
import it.comune.milano.suapgw.schemas.geowork.NotificaVerificaResponse;
import it.comune.milano.suapgw.schemas.geowork.GeoworkCallbackPortType;
import it.comune.milano.suapgw.schemas.geowork.GeoworkCallbackService;
import it.comune.milano.suapgw.schemas.geowork.GeoworkFault;
import it.comune.milano.suapgw.schemas.geowork.GeoworkFault_Exception;
import it.comune.milano.suapgw.schemas.geowork.GeoworkPortType;
import it.comune.milano.suapgw.schemas.geowork.ParereSintesi;
import it.comune.milano.suapgw.schemas.geowork.NotificaValidazioneEsito;
import it.comune.milano.suapgw.schemas.geowork.NotificaValidazioneEsitoResponse;
import it.comune.milano.suapgw.schemas.geowork.Pratica;
import it.comune.milano.suapgw.schemas.geowork.ProponiEsito;
import it.comune.milano.suapgw.schemas.geowork.ProponiEsitoResponse;
import it.comune.milano.suapgw.schemas.geowork.RegistraAtto;
import it.comune.milano.suapgw.schemas.geowork.RegistraAttoResponse;
import it.comune.milano.suapgw.schemas.geowork.RegistraPratica;
import it.comune.milano.suapgw.schemas.geowork.RegistraPraticaResponse;
import jakarta.jws.WebService;
import jakarta.xml.ws.BindingProvider;
import org.apache.cxf.Bus;
import org.apache.cxf.BusFactory;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.jaxws.EndpointImpl;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transport.http_undertow.UndertowHTTPServerEngineFactory;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.xml.datatype.DatatypeFactory;
import javax.xml.datatype.XMLGregorianCalendar;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.GregorianCalendar;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Geowork back office: provides {@code GeoworkService} (SOAP, CXF) and plays, through the gateway's
 * {@code GeoworkCallbackService}:
 * <ul>
 * <li>the operator's preliminary checks of an SSU pratica: a {@code registraPratica} whose pratica has a
 * {@code controlloPreliminare} is checked after {@link #setVerificationDelay}: FORMALE → {@code notificaVerifica(FORMALE)},
 * KO with one correzione when the procedure matches a {@link #setFormalKoRules formal-KO rule} and the instance is
 * version 1, else OK and then {@code notificaVerifica(AMMISSIBILITA)}; AMMISSIBILITA → only the latter, KO with a
 * motivazione when the procedure matches an {@link #setInadmissibleRules inadmissibility rule}. Each
 * (pratica, versioneIstanza, controlloPreliminare) is checked once, whatever the idempotency key;</li>
 * <li>the funzionario who validates a proposed esito ({@code notificaValidazioneEsito}), attaching the concluding act
 * ({@code provvedimento-<idPratica>.pdf});</li>
 * <li>the conferenza dei servizi an ente asked for ({@code convocaConferenza}, idempotent on the key; a further request
 * for a pratica whose conferenza is still open joins it): after {@link #setConvocazioneDelay} the funzionario convenes
 * it ({@code notificaConferenza} CONVOCAZIONE, SINCRONA, in ten days, by videoconference, with the act
 * {@code convocazione-<idPratica>.pdf}), after {@link #setDeterminazioneDelay} reports its determination
 * ({@code notificaConferenza} DETERMINAZIONE, esito by {@link #setDeterminazioneRules}, POSITIVO by default). Each
 * callback is retried like the others; one answered with a final state of the pratica closes the conferenza (a late
 * CONVOCAZIONE is not followed by the DETERMINAZIONE).</li>
 * </ul>
 */
public class GeoworkSimulator {

    private static final Logger LOG = LoggerFactory.getLogger(GeoworkSimulator.class);
    public static final String PATH = "/geowork/GeoworkService";
    public static final String FUNZIONARIO = "funz.rossi";
    /** The operator who performs the preliminary checks. */
    public static final String OPERATORE = "op.bianchi";
    /** Default formal-KO rules (procedure code regexes, full match). */
    public static final List<String> DEFAULT_FORMAL_KO = List.of(".*ESERCIZIO_VICINATO.*");
    /** Default inadmissibility rules (procedure code regexes, full match). */
    public static final List<String> DEFAULT_INADMISSIBLE = List.of(".*NOLEGGIO_SENZA_CONDUCENTE.*");

    /**
     * A preliminary check reported to the gateway ({@code notificaVerifica}): {@code fase} FORMALE|AMMISSIBILITA,
     * {@code esito} OK|KO, the correzioni's {@code riferimento}s, the motivazione, and the gateway's {@code statoPratica}
     * (null when the call failed for good: {@code error}).
     */
    public record Verifica(String idPratica, String versioneIstanza, String fase, String esito, List<String> correzioni,
                           String motivazione, String statoPratica, String error, Instant at) {
    }
    private static final long[] BACKOFF_MILLIS = {500, 1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000, 5000};

    /** The channel of a convened conferenza: {@code videoconferenza https://conferenze.comune.milano.it/<idPratica>}. */
    public static final String CANALE_PREFIX = "videoconferenza https://conferenze.comune.milano.it/";
    /** Days between the convocation and the meeting of a conferenza sincrona. */
    public static final int GIORNI_CONVOCAZIONE = 10;

    /**
     * A {@code notificaConferenza} sent to the gateway: {@code fase} CONVOCAZIONE|DETERMINAZIONE, the {@code esito} of a
     * determination, the {@code atto}'s file name, the gateway's {@code statoPratica} (null when the callback failed for
     * good: {@code error}), the attempts it took.
     */
    public record FaseConferenzaInviata(String fase, String modalita, LocalDate dataConvocazione, String canale, String atto, String esito,
                                        String statoPratica, String error, int attempts, Instant at) {
    }

    /**
     * A conferenza dei servizi of a pratica: the idempotency keys of the requests that convened it, the requesting enti
     * ({@code ente} codes), the procedure (null when the pratica is not registered), the callbacks sent, and whether it is
     * closed (determined, or the gateway answered with a final state, or a callback failed for good).
     */
    public record Conferenza(String idPratica, List<String> idempotencyKeys, List<String> richiedenti, String procedimento,
                             List<FaseConferenzaInviata> fasi, boolean chiusa, Instant at) {
    }

    private final class ConferenzaState {
        final String idPratica;
        final List<String> keys = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<EnteRichiedente> richiedenti = new java.util.concurrent.CopyOnWriteArrayList<>();
        final List<FaseConferenzaInviata> fasi = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Instant at = Instant.now();
        volatile boolean chiusa;

        ConferenzaState(String idPratica) {
            this.idPratica = idPratica;
        }

        Conferenza snapshot() {
            Pratica p = pratiche.get(idPratica);
            return new Conferenza(idPratica, List.copyOf(keys), richiedenti.stream().map(EnteRichiedente::getEnte).toList(),
                    p == null ? null : p.getProcedimento(), List.copyOf(fasi), chiusa, at);
        }
    }

    private final Map<String, ConferenzaState> conferenzeByKey = new ConcurrentHashMap<>();
    private final Map<String, List<ConferenzaState>> conferenze = new ConcurrentHashMap<>();
    private final Map<String, byte[]> attiConvocazione = new ConcurrentHashMap<>();
    private final AtomicInteger conferenzaCalls = new AtomicInteger();
    private final AtomicInteger conferenzaFailures = new AtomicInteger();
    private volatile boolean autoConferenza = true;
    private volatile Duration convocazioneDelay = Duration.ofMillis(200);
    private volatile Duration determinazioneDelay = Duration.ofMillis(500);
    private volatile Map<Pattern, Esito> determinazioneRules = Map.of();

    private final int port;
    private final String callbackUrl;
    private final Bus bus;
    private final Impl impl = new Impl();
    private final ScheduledExecutorService scheduler;
    private EndpointImpl endpoint;
    private GeoworkCallbackPortType callbackPort;
    /** signs each callback as Geowork (null: unsigned) */
    private volatile it.comune.milano.suapgw.simulators.support.SystemSigner signer;
    private volatile boolean available = true;
    private volatile boolean started;
    private volatile boolean autoValidate = true;
    private volatile Duration validationDelay = Duration.ofMillis(200);
    private volatile Duration verificationDelay = Duration.ofMillis(200);
    private volatile boolean autoVerify = true;
    private volatile boolean attachProvvedimento = true;
    private volatile List<Pattern> formalKoRules = compile(DEFAULT_FORMAL_KO);
    private volatile List<Pattern> inadmissibleRules = compile(DEFAULT_INADMISSIBLE);
    private final Set<String> verificationsStarted = ConcurrentHashMap.newKeySet();
    private final Map<String, List<Verifica>> verifiche = new ConcurrentHashMap<>();
    private final Map<String, byte[]> provvedimenti = new ConcurrentHashMap<>();
    private final AtomicInteger verificationFailures = new AtomicInteger();

    // state
    private final Map<String, String> protocolByKey = new ConcurrentHashMap<>();
    private final Map<String, Pratica> pratiche = new ConcurrentHashMap<>();
    private final AtomicInteger protocolSeq = new AtomicInteger();
    private final AtomicInteger registrationCalls = new AtomicInteger();
    private final Map<String, String> proposalsByKey = new ConcurrentHashMap<>();
    /** the latest proposal (its idempotencyKey) of each pratica: what a manual validation validates */
    private final Map<String, String> latestProposal = new ConcurrentHashMap<>();
    private final Map<String, String> proposedOutcomes = new ConcurrentHashMap<>();
    private final Map<String, List<ParereSintesi>> pareri = new ConcurrentHashMap<>();
    private final AtomicInteger proposalCalls = new AtomicInteger();
    private final AtomicInteger validationsSent = new AtomicInteger();
    private final AtomicInteger validationFailures = new AtomicInteger();
    private final AtomicInteger validationRetries = new AtomicInteger();
    private final Map<String, String> validatedOutcomes = new ConcurrentHashMap<>();

    /** @param port 0 picks a free port; @param callbackUrl e.g. {@code http://127.0.0.1:8080/services/geowork-callback} */
    public GeoworkSimulator(int port, String callbackUrl) {
        this.port = port == 0 ? freePort() : port;
        this.callbackUrl = callbackUrl;
        this.bus = BusFactory.newInstance().createBus();
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "geowork-funzionario-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public synchronized void start() {
        started = true;
        if (available) {
            publish();
        }
    }

    public synchronized void stop() {
        started = false;
        unpublish();
        scheduler.shutdownNow();
        bus.shutdown(true);
    }

    /** {@code http://127.0.0.1:PORT/geowork/GeoworkService} */
    public String address() {
        return "http://127.0.0.1:" + port + PATH;
    }

    public int port() {
        return port;
    }

    /** Signs each callback to the gateway as Geowork (null: unsigned, as an impostor would send). */
    public void setSigner(it.comune.milano.suapgw.simulators.support.SystemSigner signer) {
        this.signer = signer;
    }

    public String callbackUrl() {
        return callbackUrl;
    }

    /** false: the endpoint is unpublished and the port closed (connection refused); true: republished on the same port. */
    public synchronized void setAvailable(boolean available) {
        if (this.available == available) {
            return;
        }
        this.available = available;
        if (!started) {
            return;
        }
        if (available) {
            publish();
        } else {
            unpublish();
        }
    }

    public boolean isAvailable() {
        return available;
    }

    /** Whether proponiEsito triggers the simulated funzionario's validation callback (default true). */
    public void setAutoValidate(boolean autoValidate) {
        this.autoValidate = autoValidate;
    }

    /** Delay between the proponiEsito response and the first callback attempt (default 200 ms). */
    public void setValidationDelay(Duration validationDelay) {
        this.validationDelay = validationDelay;
    }

    /** Whether a registraPratica with a controlloPreliminare triggers the simulated operator's checks (default true). */
    public void setAutoVerify(boolean autoVerify) {
        this.autoVerify = autoVerify;
    }

    /** Delay before each preliminary check is reported (default 200 ms). */
    public void setVerificationDelay(Duration verificationDelay) {
        this.verificationDelay = verificationDelay;
    }

    /** Procedure codes (regexes, full match) whose formal check is KO on version 1 of the instance (default {@link #DEFAULT_FORMAL_KO}). */
    public void setFormalKoRules(List<String> regexes) {
        this.formalKoRules = compile(regexes);
    }

    /** Procedure codes (regexes, full match) found inadmissible (default {@link #DEFAULT_INADMISSIBLE}). */
    public void setInadmissibleRules(List<String> regexes) {
        this.inadmissibleRules = compile(regexes);
    }

    /** Whether validations carry the act ({@code provvedimento}, default true). */
    public void setAttachProvvedimento(boolean attachProvvedimento) {
        this.attachProvvedimento = attachProvvedimento;
    }

    /** The preliminary checks reported for a pratica, in order (acknowledged or given up). */
    public List<Verifica> verifiche(String idPratica) {
        return List.copyOf(verifiche.getOrDefault(idPratica, List.of()));
    }

    /** {@code FASE:ESITO} of each acknowledged check of a pratica, in order (e.g. {@code [FORMALE:KO, AMMISSIBILITA:OK]}). */
    public List<String> verificheEsiti(String idPratica) {
        return verifiche(idPratica).stream().filter(v -> v.error() == null).map(v -> v.fase() + ":" + v.esito()).toList();
    }

    /** Checks given up after all retries. */
    public int verificationFailures() {
        return verificationFailures.get();
    }

    /** The act sent with the acknowledged validation of a pratica ({@code provvedimento-<idPratica>.pdf}), or null. */
    public byte[] provvedimento(String idPratica) {
        byte[] b = provvedimenti.get(idPratica);
        return b == null ? null : b.clone();
    }

    /** Whether the formal check of this procedure is KO for this instance version (rules, and version 1 only). */
    boolean formalKo(String procedimento, String versioneIstanza) {
        boolean first = versioneIstanza == null || versioneIstanza.isBlank() || "1".equals(versioneIstanza.trim());
        return first && matches(formalKoRules, procedimento);
    }

    boolean inadmissible(String procedimento) {
        return matches(inadmissibleRules, procedimento);
    }

    private static boolean matches(List<Pattern> rules, String code) {
        return code != null && rules.stream().anyMatch(p -> p.matcher(code).matches());
    }

    private static List<Pattern> compile(List<String> regexes) {
        return regexes == null ? List.of() : regexes.stream().map(Pattern::compile).toList();
    }

    /** Whether convocaConferenza triggers the simulated funzionario's callbacks (default true). */
    public void setAutoConferenza(boolean autoConferenza) {
        this.autoConferenza = autoConferenza;
    }

    /** Delay between convocaConferenza and the CONVOCAZIONE callback (default 200 ms). */
    public void setConvocazioneDelay(Duration convocazioneDelay) {
        this.convocazioneDelay = convocazioneDelay;
    }

    /** Delay between the acknowledged CONVOCAZIONE and the DETERMINAZIONE callback (default 500 ms). */
    public void setDeterminazioneDelay(Duration determinazioneDelay) {
        this.determinazioneDelay = determinazioneDelay;
    }

    /**
     * The esito of a conferenza's determination by procedure code (regex, full match → esito; the first match in the
     * map's iteration order wins, so pass a {@link LinkedHashMap} when they overlap); POSITIVO when none matches
     * (the default: no rules).
     */
    public void setDeterminazioneRules(Map<String, Esito> regexToEsito) {
        Map<Pattern, Esito> compiled = new LinkedHashMap<>();
        if (regexToEsito != null) {
            regexToEsito.forEach((regex, esito) -> compiled.put(Pattern.compile(regex), java.util.Objects.requireNonNull(esito, regex)));
        }
        this.determinazioneRules = compiled;
    }

    /** The esito of the determination of a conferenza on this procedure (rules, POSITIVO otherwise). */
    Esito determinazione(String procedimento) {
        if (procedimento != null) {
            for (Map.Entry<Pattern, Esito> r : determinazioneRules.entrySet()) {
                if (r.getKey().matcher(procedimento).matches()) {
                    return r.getValue();
                }
            }
        }
        return Esito.POSITIVO;
    }

    /** The conferenze dei servizi of a pratica, oldest first (empty when none was asked for). */
    public List<Conferenza> conferenze(String idPratica) {
        return conferenze.getOrDefault(idPratica, List.of()).stream().map(ConferenzaState::snapshot).toList();
    }

    /**
     * The acknowledged conferenza callbacks of a pratica, in order: {@code CONVOCAZIONE} and {@code DETERMINAZIONE:<esito>}.
     */
    public List<String> conferenzaFasi(String idPratica) {
        return conferenze(idPratica).stream().flatMap(c -> c.fasi().stream()).filter(f -> f.error() == null)
                .map(f -> "DETERMINAZIONE".equals(f.fase()) ? f.fase() + ":" + f.esito() : f.fase()).toList();
    }

    /** The act sent with the acknowledged convocation of a pratica's conferenza ({@code convocazione-<idPratica>.pdf}), or null. */
    public byte[] attoConvocazione(String idPratica) {
        byte[] b = attiConvocazione.get(idPratica);
        return b == null ? null : b.clone();
    }

    /** Distinct conferenze convened (requests joining an open one, and repeats, do not count). */
    public int conferenzeCount() {
        return conferenze.values().stream().mapToInt(List::size).sum();
    }

    /** All convocaConferenza calls, repeats included. */
    public int conferenzaCalls() {
        return conferenzaCalls.get();
    }

    /** Conferenza callbacks given up after all retries. */
    public int conferenzaFailures() {
        return conferenzaFailures.get();
    }

    /** Sends this conferenza callback as it is (with the usual retries; no follow-up). */
    public void sendNotificaConferenza(NotificaConferenza request) {
        scheduler.execute(() -> attemptConferenza(request, null, 0));
    }

    /** The acts filed by registraAtto, by idempotency key (a repeat is kept once). */
    private final java.util.Map<String, RegistraAtto> atti = new java.util.concurrent.ConcurrentHashMap<>();

    /** The types of the acts filed for a pratica, in no particular order. */
    public List<String> atti(String idPratica) {
        return atti.values().stream().filter(a -> idPratica.equals(a.getIdPratica())).map(a -> a.getTipoAtto()).toList();
    }

    public int registrations() {
        return protocolByKey.size();
    }

    /** All registraPratica calls, repeats included. */
    public int registrationCalls() {
        return registrationCalls.get();
    }

    public boolean isRegistered(String idPratica) {
        return pratiche.containsKey(idPratica);
    }

    /** The pratica as last registered, or null. */
    public Pratica pratica(String idPratica) {
        return pratiche.get(idPratica);
    }

    /** Distinct proponiEsito idempotency keys. */
    public int proposals() {
        return proposalsByKey.size();
    }

    public int proposalCalls() {
        return proposalCalls.get();
    }

    /** idPratica → proposed esito (POSITIVO/NEGATIVO/CONFORMAZIONE), latest proposal. */
    public Map<String, String> proposedOutcomes() {
        return new TreeMap<>(proposedOutcomes);
    }

    public List<ParereSintesi> pareri(String idPratica) {
        return pareri.getOrDefault(idPratica, List.of());
    }

    /** Validation callbacks the gateway acknowledged. */
    public int validationsSent() {
        return validationsSent.get();
    }

    /** Validation callbacks given up after all retries. */
    public int validationFailures() {
        return validationFailures.get();
    }

    /** Failed validation callback attempts that were rescheduled. */
    public int validationRetries() {
        return validationRetries.get();
    }

    /** idPratica → validated esito (POSITIVO/NEGATIVO/CONFORMAZIONE), for acknowledged callbacks. */
    public Map<String, String> validatedOutcomes() {
        return new TreeMap<>(validatedOutcomes);
    }

    /** Sends a validation callback now (with the usual retries), e.g. for a funzionario overriding the proposal. */
    public void sendValidation(String idPratica, Esito esito) {
        scheduler.execute(() -> attemptValidation(idPratica, esito, latestProposal.get(idPratica), 0));
    }

    /**
     * Reports a preliminary check now, as the rules decide it for the registered pratica (with the usual retries; an
     * OK FORMALE is followed by the AMMISSIBILITA check), e.g. in manual mode ({@link #setAutoVerify} false).
     */
    public void sendVerifica(String idPratica, FaseVerifica fase) {
        Pratica p = pratiche.get(idPratica);
        if (p == null) {
            throw new IllegalArgumentException("pratica " + idPratica + " not registered");
        }
        scheduler.execute(() -> attemptVerifica(p, fase, 0));
    }

    /** Sends this check as it is (with the usual retries; no follow-up), e.g. an operator's KO the rules would not give. */
    public void sendVerifica(NotificaVerifica request) {
        scheduler.execute(() -> attemptVerifica(request, null, 0));
    }

    // ------------------------------------------------------------------ CXF plumbing

    private void publish() {
        Bus previous = BusFactory.getAndSetThreadDefaultBus(bus);
        try {
            EndpointImpl ep = new EndpointImpl(bus, impl);
            ep.setWsdlLocation("classpath:geowork/geowork.wsdl");
            ep.publish(address());
            endpoint = ep;
            LOG.info("Geowork SOAP endpoint published at {}", address());
        } finally {
            BusFactory.setThreadDefaultBus(previous);
        }
    }

    private void unpublish() {
        if (endpoint != null) {
            try {
                endpoint.stop();
            } catch (RuntimeException e) {
                LOG.debug("endpoint stop", e);
            }
            endpoint = null;
        }
        // close the listening socket too, so that callers see "connection refused" like a down server
        UndertowHTTPServerEngineFactory.destroyForPort(port);
        LOG.info("Geowork SOAP endpoint at {} is down", address());
    }

    private synchronized GeoworkCallbackPortType callback() {
        if (callbackPort == null) {
            Bus previous = BusFactory.getAndSetThreadDefaultBus(bus);
            try {
                GeoworkCallbackPortType p = new GeoworkCallbackService().getGeoworkCallbackPort();
                ((BindingProvider) p).getRequestContext().put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY, callbackUrl);
                Client client = ClientProxy.getClient(p);
                HTTPClientPolicy policy = new HTTPClientPolicy();
                policy.setConnectionTimeout(5_000);
                policy.setReceiveTimeout(20_000);
                ((HTTPConduit) client.getConduit()).setClient(policy);
                client.getOutInterceptors().add(new SigningOutInterceptor(() -> signer));
                callbackPort = p;
            } finally {
                BusFactory.setThreadDefaultBus(previous);
            }
        }
        return callbackPort;
    }

    private void scheduleValidation(String idPratica, Esito esito, String idProposta) {
        scheduler.schedule(() -> attemptValidation(idPratica, esito, idProposta, 0), validationDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void attemptValidation(String idPratica, Esito esito, String idProposta, int attempt) {
        try {
            NotificaValidazioneEsito request = new NotificaValidazioneEsito();
            request.setIdPratica(idPratica);
            request.setEsitoValidato(esito);
            request.setFunzionario(FUNZIONARIO);
            request.setDataValidazione(now());
            request.setNote("Esito validato dal funzionario");
            request.setIdProposta(idProposta);
            byte[] act = null;
            if (attachProvvedimento) {
                act = provvedimentoPdf(idPratica, esito, idProposta);
                DocumentoAtto provvedimento = new DocumentoAtto();
                provvedimento.setNomeFile("provvedimento-" + idPratica + ".pdf");
                provvedimento.setMimeType("application/pdf");
                provvedimento.setContenuto(act);
                request.setProvvedimento(provvedimento);
            }
            NotificaValidazioneEsitoResponse response = callback().notificaValidazioneEsito(request);
            String stato = response == null ? null : response.getStatoPratica();
            validatedOutcomes.put(idPratica, esito.name());
            if (act != null) {
                provvedimenti.put(idPratica, act);
            }
            validationsSent.incrementAndGet();
            LOG.info("validation of {} ({}) acknowledged by the gateway: statoPratica={}", idPratica, esito, stato);
        } catch (Exception e) {
            if (attempt + 1 >= BACKOFF_MILLIS.length || scheduler.isShutdown()) {
                validationFailures.incrementAndGet();
                LOG.error("validation callback for {} failed {} times, giving up: {}", idPratica, attempt + 1, e.toString());
                return;
            }
            long delay = BACKOFF_MILLIS[attempt];
            validationRetries.incrementAndGet();
            LOG.warn("validation callback for {} failed (attempt {}), retrying in {} ms: {}", idPratica, attempt + 1, delay, e.toString());
            try {
                scheduler.schedule(() -> attemptValidation(idPratica, esito, idProposta, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                LOG.debug("simulator stopped, validation of {} abandoned", idPratica);
            }
        }
    }

    private void scheduleVerifica(Pratica p, FaseVerifica fase) {
        try {
            scheduler.schedule(() -> attemptVerifica(p, fase, 0), verificationDelay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            LOG.debug("simulator stopped, check of {} abandoned", p.getIdPratica());
        }
    }

    /** The operator's check of a pratica, decided by the rules. */
    NotificaVerifica verifica(Pratica p, FaseVerifica fase) {
        NotificaVerifica v = new NotificaVerifica();
        v.setIdPratica(p.getIdPratica());
        v.setFase(fase);
        v.setFunzionario(OPERATORE);
        v.setDataVerifica(now());
        String procedimento = p.getProcedimento();
        if (fase == FaseVerifica.FORMALE && formalKo(procedimento, p.getVersioneIstanza())) {
            v.setEsito(EsitoControllo.KO);
            String riferimento = riferimento(p);
            Correzione c = new Correzione();
            c.setCodice(procedimento);
            c.setRiferimento(riferimento);
            c.setTesto("Regolarizzare il documento " + riferimento + ": non risulta sottoscritto con firma digitale dal legale "
                    + "rappresentante e non indica la superficie di vendita in metri quadrati. Ripresentare il documento firmato e completo.");
            v.getCorrezione().add(c);
        } else if (fase == FaseVerifica.AMMISSIBILITA && inadmissible(procedimento)) {
            v.setEsito(EsitoControllo.KO);
            v.setMotivazione("Istanza non ammissibile: per il procedimento " + procedimento + " il richiedente non ha dimostrato la "
                    + "disponibilità di una rimessa idonea nel territorio comunale, requisito previsto dal regolamento comunale; "
                    + "l'istanza è pertanto respinta senza esame nel merito.");
        } else {
            v.setEsito(EsitoControllo.OK);
        }
        return v;
    }

    /** What a correzione refers to: the first PDF of the instance that is not the SUAP riepilogo, else the first document. */
    static String riferimento(Pratica p) {
        return p.getDocumento().stream()
                .filter(d -> "application/pdf".equals(d.getMimeType()) && d.getNome() != null && !d.getNome().toUpperCase().startsWith("SUAP"))
                .map(d -> d.getNome()).findFirst()
                .orElse(p.getDocumento().isEmpty() ? "#/usecase_proceedings/0/attachments/0" : p.getDocumento().get(0).getNome());
    }

    private void attemptVerifica(Pratica p, FaseVerifica fase, int attempt) {
        attemptVerifica(verifica(p, fase), p, attempt);
    }

    /** Sends a check; after an acknowledged OK FORMALE of a registered pratica ({@code p} not null), the AMMISSIBILITA one. */
    private void attemptVerifica(NotificaVerifica request, Pratica p, int attempt) {
        String versione = p == null ? null : p.getVersioneIstanza();
        List<String> correzioni = request.getCorrezione().stream().map(Correzione::getRiferimento).toList();
        try {
            NotificaVerificaResponse response = callback().notificaVerifica(request);
            String stato = response == null ? null : response.getStatoPratica();
            verifiche.computeIfAbsent(request.getIdPratica(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(new Verifica(request.getIdPratica(), versione, request.getFase().name(), request.getEsito().name(), correzioni,
                            request.getMotivazione(), stato, null, Instant.now()));
            LOG.info("check {} {} of {} acknowledged by the gateway: statoPratica={}", request.getFase(), request.getEsito(),
                    request.getIdPratica(), stato);
            if (p != null && request.getFase() == FaseVerifica.FORMALE && request.getEsito() == EsitoControllo.OK) {
                scheduleVerifica(p, FaseVerifica.AMMISSIBILITA);
            }
        } catch (Exception e) {
            if (attempt + 1 >= BACKOFF_MILLIS.length || scheduler.isShutdown()) {
                verificationFailures.incrementAndGet();
                verifiche.computeIfAbsent(request.getIdPratica(), k -> new java.util.concurrent.CopyOnWriteArrayList<>())
                        .add(new Verifica(request.getIdPratica(), versione, request.getFase().name(), request.getEsito().name(), correzioni,
                                request.getMotivazione(), null, e.toString(), Instant.now()));
                LOG.error("check {} of {} failed {} times, giving up: {}", request.getFase(), request.getIdPratica(), attempt + 1, e.toString());
                return;
            }
            long delay = BACKOFF_MILLIS[attempt];
            LOG.warn("check {} of {} failed (attempt {}), retrying in {} ms: {}", request.getFase(), request.getIdPratica(), attempt + 1, delay,
                    e.toString());
            try {
                scheduler.schedule(() -> attemptVerifica(request, p, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                LOG.debug("simulator stopped, check of {} abandoned", request.getIdPratica());
            }
        }
    }

    private void scheduleConferenza(ConferenzaState c, FaseConferenza fase, Duration delay) {
        try {
            scheduler.schedule(() -> attemptConferenza(notificaConferenza(c.idPratica, fase), c, 0), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            LOG.debug("simulator stopped, conferenza of {} abandoned", c.idPratica);
        }
    }

    /** The funzionario's callback for a phase of a pratica's conferenza (the same act bytes on every retry). */
    NotificaConferenza notificaConferenza(String idPratica, FaseConferenza fase) {
        NotificaConferenza n = new NotificaConferenza();
        n.setIdPratica(idPratica);
        n.setFase(fase);
        n.setFunzionario(FUNZIONARIO);
        n.setData(now());
        if (fase == FaseConferenza.CONVOCAZIONE) {
            n.setModalita(ModalitaConferenza.SINCRONA);
            n.setDataConvocazione(date(LocalDate.now().plusDays(GIORNI_CONVOCAZIONE)));
            n.setCanale(CANALE_PREFIX + idPratica);
            DocumentoAtto atto = new DocumentoAtto();
            atto.setNomeFile("convocazione-" + idPratica + ".pdf");
            atto.setMimeType("application/pdf");
            atto.setContenuto(convocazionePdf(idPratica, LocalDate.now().plusDays(GIORNI_CONVOCAZIONE)));
            n.setAtto(atto);
        } else {
            Pratica p = pratiche.get(idPratica);
            Esito esito = determinazione(p == null ? null : p.getProcedimento());
            n.setEsito(esito);
            n.setMotivazione(switch (esito) {
                case POSITIVO -> "Determinazione motivata di conclusione positiva della conferenza dei servizi: acquisiti i pareri favorevoli delle amministrazioni coinvolte";
                case NEGATIVO -> "Determinazione motivata di conclusione negativa della conferenza dei servizi: parere contrario di un'amministrazione preposta alla tutela ambientale";
                default -> "Determinazione motivata di conclusione della conferenza dei servizi con le prescrizioni delle amministrazioni coinvolte";
            });
        }
        return n;
    }

    /**
     * Sends a conferenza callback, retried on faults; for a conferenza of the simulated funzionario ({@code c} not null),
     * an acknowledged CONVOCAZIONE is followed by the DETERMINAZIONE unless the gateway answered with a final state.
     */
    private void attemptConferenza(NotificaConferenza request, ConferenzaState c, int attempt) {
        String fase = request.getFase().name();
        String esito = request.getEsito() == null ? null : request.getEsito().name();
        LocalDate data = request.getDataConvocazione() == null ? null
                : LocalDate.of(request.getDataConvocazione().getYear(), request.getDataConvocazione().getMonth(), request.getDataConvocazione().getDay());
        String atto = request.getAtto() == null ? null : request.getAtto().getNomeFile();
        String modalita = request.getModalita() == null ? null : request.getModalita().name();
        try {
            NotificaConferenzaResponse response = callback().notificaConferenza(request);
            String stato = response == null ? null : response.getStatoPratica();
            if (c != null) {
                c.fasi.add(new FaseConferenzaInviata(fase, modalita, data, request.getCanale(), atto, esito, stato, null, attempt + 1, Instant.now()));
            }
            if (request.getAtto() != null && request.getFase() == FaseConferenza.CONVOCAZIONE) {
                attiConvocazione.put(request.getIdPratica(), request.getAtto().getContenuto());
            }
            LOG.info("conferenza {} {} of {} acknowledged by the gateway: statoPratica={}", fase, esito == null ? "" : esito,
                    request.getIdPratica(), stato);
            if (c == null) {
                return;
            }
            if (isFinal(stato)) {
                LOG.info("pratica {} already final ({}): conferenza closed", request.getIdPratica(), stato);
                c.chiusa = true;
            } else if (request.getFase() == FaseConferenza.CONVOCAZIONE) {
                scheduleConferenza(c, FaseConferenza.DETERMINAZIONE, determinazioneDelay);
            } else {
                c.chiusa = true;
            }
        } catch (Exception e) {
            if (attempt + 1 >= BACKOFF_MILLIS.length || scheduler.isShutdown()) {
                conferenzaFailures.incrementAndGet();
                if (c != null) {
                    c.fasi.add(new FaseConferenzaInviata(fase, modalita, data, request.getCanale(), atto, esito, null, e.toString(), attempt + 1,
                            Instant.now()));
                    c.chiusa = true;
                }
                LOG.error("conferenza {} of {} failed {} times, giving up: {}", fase, request.getIdPratica(), attempt + 1, e.toString());
                return;
            }
            long delay = BACKOFF_MILLIS[attempt];
            LOG.warn("conferenza {} of {} failed (attempt {}), retrying in {} ms: {}", fase, request.getIdPratica(), attempt + 1, delay,
                    e.toString());
            try {
                scheduler.schedule(() -> attemptConferenza(request, c, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                LOG.debug("simulator stopped, conferenza of {} abandoned", request.getIdPratica());
            }
        }
    }

    /** A final SSU state ({@code refused}, {@code ended_by_*}; also the event spelling {@code end_by_*}). */
    static boolean isFinal(String statoPratica) {
        if (statoPratica == null) {
            return false;
        }
        String s = statoPratica.trim().toLowerCase(java.util.Locale.ROOT);
        return s.equals("refused") || s.startsWith("ended_by_") || s.startsWith("end_by_");
    }

    /** The act convening a conferenza: a small PDF-like document, the same bytes for the same pratica and date. */
    static byte[] convocazionePdf(String idPratica, LocalDate dataConvocazione) {
        String text = "Convocazione della conferenza dei servizi in forma simultanea e modalita sincrona - pratica " + idPratica
                + " - riunione del " + dataConvocazione + " in " + CANALE_PREFIX + idPratica + " - il funzionario " + FUNZIONARIO;
        return ("%PDF-1.4\n"
                + "1 0 obj << /Type /Catalog /Title (Convocazione conferenza dei servizi) /Pratica (" + idPratica + ") >> endobj\n"
                + "2 0 obj << /Length " + (text.length() + 30) + " >> stream\nBT /F1 11 Tf 72 712 Td (" + text + ") Tj ET\nendstream endobj\n"
                + "trailer << /Root 1 0 R >>\n%%EOF\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static XMLGregorianCalendar date(LocalDate d) {
        try {
            return DatatypeFactory.newInstance().newXMLGregorianCalendarDate(d.getYear(), d.getMonthValue(), d.getDayOfMonth(),
                    javax.xml.datatype.DatatypeConstants.FIELD_UNDEFINED);
        } catch (javax.xml.datatype.DatatypeConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The act concluding a pratica, as the funzionario signs it: a small PDF-like document, the same bytes on every retry. */
    static byte[] provvedimentoPdf(String idPratica, Esito esito, String idProposta) {
        String titolo = switch (esito) {
            case POSITIVO -> "Provvedimento conclusivo favorevole";
            case NEGATIVO -> "Provvedimento di diniego";
            case CONFORMAZIONE -> "Provvedimento di conformazione con prescrizioni";
            default -> "Provvedimento conclusivo - esito " + esito.name();
        };
        String text = titolo + " - pratica " + idPratica + (idProposta == null ? "" : " - proposta " + idProposta)
                + " - firmato digitalmente dal funzionario " + FUNZIONARIO;
        return ("%PDF-1.4\n"
                + "1 0 obj << /Type /Catalog /Title (" + titolo + ") /Pratica (" + idPratica + ") >> endobj\n"
                + "2 0 obj << /Length " + (text.length() + 30) + " >> stream\nBT /F1 11 Tf 72 712 Td (" + text + ") Tj ET\nendstream endobj\n"
                + "trailer << /Root 1 0 R >>\n%%EOF\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static XMLGregorianCalendar now() {
        try {
            return DatatypeFactory.newInstance().newXMLGregorianCalendar(GregorianCalendar.from(ZonedDateTime.now()));
        } catch (javax.xml.datatype.DatatypeConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    static GeoworkFault_Exception fault(String codice, String messaggio) {
        GeoworkFault f = new GeoworkFault();
        f.setCodice(codice);
        f.setMessaggio(messaggio);
        return new GeoworkFault_Exception(messaggio, f);
    }

    // ------------------------------------------------------------------ service implementation

    @WebService(endpointInterface = "it.comune.milano.suapgw.schemas.geowork.GeoworkPortType",
            serviceName = "GeoworkService", portName = "GeoworkPort",
            targetNamespace = "http://geowork.comune.milano.it/suapgw/v1",
            wsdlLocation = "classpath:geowork/geowork.wsdl")
    public class Impl implements GeoworkPortType {

        @Override
        public RegistraPraticaResponse registraPratica(RegistraPratica request) throws GeoworkFault_Exception {
            registrationCalls.incrementAndGet();
            String idempotencyKey = request == null ? null : request.getIdempotencyKey();
            Pratica pratica = request == null ? null : request.getPratica();
            if (idempotencyKey == null || idempotencyKey.isBlank()) {
                throw fault("GW-400", "idempotencyKey mancante");
            }
            if (pratica == null || pratica.getIdPratica() == null || pratica.getIdPratica().isBlank()) {
                throw fault("GW-400", "pratica.idPratica mancante");
            }
            boolean[] created = {false};
            String protocol = protocolByKey.computeIfAbsent(idempotencyKey, k -> {
                created[0] = true;
                return String.format("GW-2026-%06d", protocolSeq.incrementAndGet());
            });
            pratiche.put(pratica.getIdPratica(), pratica);
            LOG.info("registraPratica {} (key {}) -> {} giaRegistrata={} controlloPreliminare={} versioneIstanza={}", pratica.getIdPratica(),
                    idempotencyKey, protocol, !created[0], pratica.getControlloPreliminare(), pratica.getVersioneIstanza());
            FaseVerifica fase = pratica.getControlloPreliminare();
            if (fase != null && autoVerify
                    && verificationsStarted.add(pratica.getIdPratica() + "|" + pratica.getVersioneIstanza() + "|" + fase)) {
                scheduleVerifica(pratica, fase);
            }
            RegistraPraticaResponse response = new RegistraPraticaResponse();
            response.setProtocolloGeowork(protocol);
            response.setGiaRegistrata(!created[0]);
            return response;
        }

        @Override
        public ProponiEsitoResponse proponiEsito(ProponiEsito request) throws GeoworkFault_Exception {
            proposalCalls.incrementAndGet();
            String idempotencyKey = request == null ? null : request.getIdempotencyKey();
            String idPratica = request == null ? null : request.getIdPratica();
            Esito esitoProposto = request == null ? null : request.getEsitoProposto();
            List<ParereSintesi> parere = request == null ? List.of() : request.getParere();
            if (idempotencyKey == null || idempotencyKey.isBlank() || idPratica == null || idPratica.isBlank() || esitoProposto == null) {
                throw fault("GW-400", "idempotencyKey, idPratica ed esitoProposto sono obbligatori");
            }
            String previous = proposalsByKey.putIfAbsent(idempotencyKey, idPratica + "|" + esitoProposto.name());
            if (previous != null) {
                LOG.info("proponiEsito {} {} (key {}) is a repeat: accepted, no new validation", idPratica, esitoProposto, idempotencyKey);
                return accepted();
            }
            proposedOutcomes.put(idPratica, esitoProposto.name());
            latestProposal.put(idPratica, idempotencyKey);
            pareri.put(idPratica, parere == null ? List.of() : List.copyOf(parere));
            LOG.info("proponiEsito {} {} (key {}) accepted", idPratica, esitoProposto, idempotencyKey);
            if (autoValidate) {
                scheduleValidation(idPratica, esitoProposto, idempotencyKey);
            }
            return accepted();
        }

        @Override
        public RegistraAttoResponse registraAtto(RegistraAtto request) throws GeoworkFault_Exception {
            if (request == null || request.getIdempotencyKey() == null || request.getIdPratica() == null
                    || request.getTipoAtto() == null || request.getTesto() == null) {
                throw fault("GW-400", "idempotencyKey, idPratica, tipoAtto e testo sono obbligatori");
            }
            if (atti.putIfAbsent(request.getIdempotencyKey(), request) == null) {
                LOG.info("registraAtto {} {} (key {})", request.getIdPratica(), request.getTipoAtto(), request.getIdempotencyKey());
            }
            RegistraAttoResponse response = new RegistraAttoResponse();
            response.setRegistrato(true);
            return response;
        }

        @Override
        public ConvocaConferenzaResponse convocaConferenza(ConvocaConferenza request) throws GeoworkFault_Exception {
            conferenzaCalls.incrementAndGet();
            String key = request == null ? null : request.getIdempotencyKey();
            String idPratica = request == null ? null : request.getIdPratica();
            if (key == null || key.isBlank() || idPratica == null || idPratica.isBlank()) {
                throw fault("GW-400", "idempotencyKey e idPratica sono obbligatori");
            }
            if (request.getRichiedente().isEmpty() || request.getRichiedente().stream().anyMatch(r -> r.getEnte() == null || r.getEnte().isBlank())) {
                throw fault("GW-400", "almeno un richiedente, con il codice dell'ente, è obbligatorio");
            }
            ConferenzaState created = null;
            synchronized (conferenze) {
                ConferenzaState known = conferenzeByKey.get(key);
                if (known != null) {
                    LOG.info("convocaConferenza {} (key {}) is a repeat: accepted, nothing new", idPratica, key);
                    ConvocaConferenzaResponse r = new ConvocaConferenzaResponse();
                    r.setAccettata(true);
                    return r;
                }
                List<ConferenzaState> ofPratica = conferenze.computeIfAbsent(idPratica, k -> new java.util.concurrent.CopyOnWriteArrayList<>());
                ConferenzaState open = ofPratica.stream().filter(c -> !c.chiusa).findFirst().orElse(null);
                if (open == null) {
                    open = new ConferenzaState(idPratica);
                    ofPratica.add(open);
                    created = open;
                }
                open.keys.add(key);
                for (EnteRichiedente r : request.getRichiedente()) {
                    if (open.richiedenti.stream().noneMatch(x -> r.getEnte().equals(x.getEnte()))) {
                        open.richiedenti.add(r);
                    }
                }
                conferenzeByKey.put(key, open);
            }
            LOG.info("convocaConferenza {} (key {}) by {}: {}", idPratica, key,
                    request.getRichiedente().stream().map(EnteRichiedente::getEnte).toList(), created != null ? "new conferenza" : "joins the open one");
            if (created != null && autoConferenza) {
                scheduleConferenza(created, FaseConferenza.CONVOCAZIONE, convocazioneDelay);
            }
            ConvocaConferenzaResponse r = new ConvocaConferenzaResponse();
            r.setAccettata(true);
            return r;
        }

        private ProponiEsitoResponse accepted() {
            ProponiEsitoResponse response = new ProponiEsitoResponse();
            response.setAccettata(true);
            return response;
        }
    }
}
