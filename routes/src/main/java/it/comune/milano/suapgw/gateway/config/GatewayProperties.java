package it.comune.milano.suapgw.gateway.config;

import it.comune.milano.suapgw.model.Ente;
import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;
import java.util.Map;
import java.util.Optional;

@ConfigurationProperties(prefix = "suapgw")
public record GatewayProperties(String configDir, String publicBaseUrl, List<Ente> enti, Suap suap, Db db, Broker broker,
                                Endpoint catalogo, Endpoint frontoffice, Geowork geowork, Pareri pareri, Http http,
                                Outbox outbox, Scrivania scrivania, Mail mail, Osp osp,
                                Termini termini, Ssu ssu) {

    /**
     * The procedural terms: how long a legal day lasts on the timers (P1D; compressed in tests and the demo), the
     * Comune's time zone, and where its calendar of holidays is (relative to the config directory).
     */
    public record Termini(java.time.Duration durataGiorno, String zona, String calendario) {
    }

    /**
     * The SSU: the retry policy (§8.5.4: after a timeout, a 503 or a 500 ERROR_500_007, retries at T+unit, T+2 unit,
     * T+4 unit — unit 2 h, compressed in tests and the demo — then the outage procedure of §8.5.5); the Registro Imprese.
     */
    public record Ssu(java.time.Duration retryUnit, int retries, RegistroImprese registroImprese) {
    }

    /** The Registro Imprese: its ri_to_bo e-service, and the client it calls our bo_to_ri as. */
    public record RegistroImprese(String baseUrl, String client) {
    }

    /**
     * The OSP workflow: the Comune's systems (GEOPOST, OSAPI, ERMES, GERI), the time each may take in the
     * pre-istruttoria, how often GEOPOST is polled for missed events, and where rules, zones and templates are.
     */
    public record Osp(String geopostUrl, String osapiUrl, String ermesUrl, String geriUrl, long timeoutMs,
                      Map<String, Long> timeouts, long pollPeriodMs, String rules, String zones, String templates,
                      long deadlineCheckMs, long reminderEveryHours) {
        /** The time a system (osapi, ermes, geri) may take: its own setting, else the default. */
        public long timeoutMs(String system) {
            return timeouts != null && timeouts.get(system) != null ? timeouts.get(system) : timeoutMs;
        }

        public long longestTimeoutMs() {
            return java.util.stream.Stream.of("osapi", "ermes", "geri").mapToLong(this::timeoutMs).max().orElse(timeoutMs);
        }
    }

    /**
     * The InfoCamere scrivania (pre-SSU channel): where PddServiceSUAP is, how the Comune signs its communications
     * ({@code enteCodiceAmministrazione}/{@code enteCodiceAoo}) and how large a pratica package may be.
     */
    public record Scrivania(String address, String enteCodiceAmministrazione, String enteCodiceAoo, String enteName,
                            int maxPackageEntries, long maxEntryBytes, long maxTotalBytes, double maxCompressionRatio) {
    }

    /**
     * The PEC channel: the gateway's mailbox on the provider (SMTP out, IMAP in). With {@code embedded} a GreenMail
     * server on 127.0.0.1 plays the provider, with a mailbox for the gateway and one per PEC ente.
     */
    /**
     * The PEC channel: SMTPS and IMAPS only (implicit TLS). {@code tls}: the embedded server's keystore and the
     * truststore for the provider's certificate (blank: the JVM's CAs); {@code pecProviders}: a PEM file of the
     * certificates of the certified-mail providers whose transport envelopes are trusted; {@code maxMessageBytes}: the
     * largest message read from the mailbox (a larger one is quarantined by its headers, never downloaded).
     */
    public record Mail(boolean embedded, String host, int smtpPort, int imapPort, String address, String password,
                       long pollDelayMs, String ufficioMittente, String suapIdentificativo,
                       long maxAttachmentsBytes, Map<String, String> entePasswords, MailTls tls, String pecProviders,
                       long maxMessageBytes) {
    }

    public record MailTls(String keystore, String keystorePassword, String truststore, String truststorePassword) {
        public boolean hasTruststore() {
            return truststore != null && !truststore.isBlank();
        }
    }

    public record Suap(String ipaCode, String officeCode) {
    }

    public record Db(boolean embedded, String embeddedDataDir, int embeddedPort) {
    }

    /** {@code tls}: the embedded broker's TCP acceptor speaks TLS only, with this PKCS#12 keystore (null: plain TCP). */
    public record Broker(boolean embedded, String dataDir, String tcpHost, int tcpPort, String url, String user,
                         String password, Map<String, String> entePasswords, Tls tls) {
        public boolean tlsOn() {
            return tls != null && tls.keystore() != null && !tls.keystore().isBlank();
        }
    }

    public record Tls(String keystore, String keystorePassword) {
    }

    public record Endpoint(String baseUrl) {
    }

    public record Geowork(String address) {
    }

    /**
     * {@code replyQueue} is the prefix of the enti's reply queues: each ente on the broker answers on its own
     * {@code <replyQueue>.<code>}, where only its broker user may send, so the queue names the sender.
     */
    /** {@code maxReplyBytes}: the largest reply an ente may send (documents travel by link, never inside a reply). */
    public record Pareri(String replyQueue, int replyConsumers, int maxReplyBytes) {
        public String replyQueueOf(Ente ente) {
            return replyQueue + "." + ente.code();
        }
    }

    public record Http(int connectTimeoutMs, int responseTimeoutMs) {
    }

    /**
     * @param instanceTimeoutSeconds an instance whose heartbeat is older than this is dead: its claims are free
     * @param heartbeatPeriodMs      how often each instance says it is alive
     */
    public record Outbox(long pollPeriodMs, int batchSize, int workers, int claimSeconds, long initialBackoffMs,
                         double backoffMultiplier, long maxBackoffMs, int maxAttempts, int hashMismatchAttempts,
                         int instanceTimeoutSeconds, long heartbeatPeriodMs) {
        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public Outbox {
            if (instanceTimeoutSeconds <= 0) instanceTimeoutSeconds = 10;
            if (heartbeatPeriodMs <= 0) heartbeatPeriodMs = 2000;
        }

        public Outbox(long pollPeriodMs, int batchSize, int workers, int claimSeconds, long initialBackoffMs,
                      double backoffMultiplier, long maxBackoffMs, int maxAttempts, int hashMismatchAttempts) {
            this(pollPeriodMs, batchSize, workers, claimSeconds, initialBackoffMs, backoffMultiplier, maxBackoffMs,
                    maxAttempts, hashMismatchAttempts, 0, 0);
        }
    }

    public List<Ente> enti() {
        return enti == null ? List.of() : enti;
    }

    public Optional<Ente> ente(String code) {
        return enti().stream().filter(e -> e.code().equals(code)).findFirst();
    }

    public Optional<Ente> enteByAdministration(String ipaCode, String officeCode) {
        return enti().stream()
                .filter(e -> e.ipaCode().equalsIgnoreCase(ipaCode) && e.officeCode().equalsIgnoreCase(officeCode))
                .findFirst();
    }

    /** The ente terzo that calls our bo_to_et as this client. */
    public Optional<Ente> enteBySsuClient(String client) {
        return enti().stream().filter(e -> e.bySsu() && e.ssu() != null && client.equals(e.ssu().client())).findFirst();
    }

    public Optional<Ente> enteByPec(String address) {
        return enti().stream().filter(e -> e.byPec() && e.pec() != null && e.pec().equalsIgnoreCase(address)).findFirst();
    }

    public boolean isSuap(String ipaCode, String officeCode) {
        return suap != null && suap.ipaCode().equalsIgnoreCase(ipaCode) && suap.officeCode().equalsIgnoreCase(officeCode);
    }
}
