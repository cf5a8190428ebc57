package it.comune.milano.suapgw.simulators.geowork;

import it.comune.milano.suapgw.schemas.geowork.Esito;
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
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Geowork back office: provides {@code GeoworkService} (SOAP, CXF) and, once an esito is proposed, plays the
 * funzionario who validates it by calling the gateway's {@code GeoworkCallbackService}.
 */
public class GeoworkSimulator {

    private static final Logger LOG = LoggerFactory.getLogger(GeoworkSimulator.class);
    public static final String PATH = "/geowork/GeoworkService";
    public static final String FUNZIONARIO = "funz.rossi";
    private static final long[] BACKOFF_MILLIS = {500, 1000, 2000, 4000, 5000, 5000, 5000, 5000, 5000, 5000};

    private final int port;
    private final String callbackUrl;
    private final Bus bus;
    private final Impl impl = new Impl();
    private final ScheduledExecutorService scheduler;
    private EndpointImpl endpoint;
    private GeoworkCallbackPortType callbackPort;
    private volatile boolean available = true;
    private volatile boolean started;
    private volatile boolean autoValidate = true;
    private volatile Duration validationDelay = Duration.ofMillis(200);

    // state
    private final Map<String, String> protocolByKey = new ConcurrentHashMap<>();
    private final Map<String, Pratica> pratiche = new ConcurrentHashMap<>();
    private final AtomicInteger protocolSeq = new AtomicInteger();
    private final AtomicInteger registrationCalls = new AtomicInteger();
    private final Map<String, String> proposalsByKey = new ConcurrentHashMap<>();
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

    /** Distinct registraPratica idempotency keys. */
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
        scheduler.execute(() -> attemptValidation(idPratica, esito, null, 0));
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
            NotificaValidazioneEsitoResponse response = callback().notificaValidazioneEsito(request);
            String stato = response == null ? null : response.getStatoPratica();
            validatedOutcomes.put(idPratica, esito.name());
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
                pratiche.put(pratica.getIdPratica(), pratica);
                return String.format("GW-2026-%06d", protocolSeq.incrementAndGet());
            });
            LOG.info("registraPratica {} (key {}) -> {} giaRegistrata={}", pratica.getIdPratica(), idempotencyKey, protocol, !created[0]);
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

        private ProponiEsitoResponse accepted() {
            ProponiEsitoResponse response = new ProponiEsitoResponse();
            response.setAccettata(true);
            return response;
        }
    }
}
