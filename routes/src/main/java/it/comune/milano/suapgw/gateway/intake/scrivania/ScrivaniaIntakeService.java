package it.comune.milano.suapgw.gateway.intake.scrivania;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.scrivania.PraticaPackageReader;
import it.comune.milano.suapgw.connectors.scrivania.PraticaScrivania;
import it.comune.milano.suapgw.connectors.scrivania.ScrivaniaFault;
import it.comune.milano.suapgw.connectors.scrivania.ScrivaniaMapper;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.istruttoria.IstruttoriaService;
import it.comune.milano.suapgw.gateway.istruttoria.PraticaCompleta;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.PraticaLifecycle;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.schemas.infocamere.ente.CooperazioneSUAPEnte;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * The pre-SSU channel: cooperation messages of the InfoCamere scrivania into the canonical lifecycle. Each message
 * is stored whole or not at all, and a repeated one (same codice pratica, progressivo, protocol) gets the answer the
 * first one got.
 */
@Service
public class ScrivaniaIntakeService {
    private static final Logger log = LoggerFactory.getLogger(ScrivaniaIntakeService.class);
    public static final String CONDIVISIONE = "condivisione";
    public static final String INTEGRAZIONE = "integrazione-documentale";
    public static final String RICHIESTA_INTEGRAZIONE = "richiesta-integrazione";
    public static final String RILASCIO = "rilascio-provvedimento";
    static final Set<String> TIPI = Set.of(CONDIVISIONE, INTEGRAZIONE, "conferenza-servizi", RILASCIO, "altro",
            RICHIESTA_INTEGRAZIONE);
    static final String OK = "Ok";
    static final String UPDATED = "Pratica aggiornata";

    private final PraticaRepository pratiche;
    private final ScrivaniaMessages messages;
    private final PraticaLifecycle lifecycle;
    private final IstruttoriaService istruttoria;
    private final PraticaCompleta completa;
    private final TimelineStore timeline;
    private final DocumentStore documents;
    private final ScrivaniaMapper mapper;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public ScrivaniaIntakeService(PraticaRepository pratiche, ScrivaniaMessages messages, PraticaLifecycle lifecycle,
                                  IstruttoriaService istruttoria, PraticaCompleta completa, TimelineStore timeline,
                                  DocumentStore documents,
                                  ScrivaniaMapper mapper, GatewayProperties props, ObjectMapper json) {
        this.pratiche = pratiche;
        this.messages = messages;
        this.lifecycle = lifecycle;
        this.istruttoria = istruttoria;
        this.completa = completa;
        this.timeline = timeline;
        this.documents = documents;
        this.mapper = mapper;
        this.props = props;
        this.json = json;
    }

    /**
     * Reads the package with its files streaming into the document store, then receives it, in one transaction: a
     * refusal at any point (a limit passed, a riepilogo that does not hold) leaves nothing stored.
     *
     * @return the {@code return} string of inviaSUAPEnte
     */
    @Transactional
    public String receiveStreamed(CooperazioneSUAPEnte message,
                                  Function<PraticaPackageReader.FileSink, PraticaPackageReader.PraticaPackage> read) {
        return receive(message, read.apply((name, in) -> {
            DocumentStore.Stored s;
            try {
                s = documents.store(in, Long.MAX_VALUE); // bounded by the reader's limits
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause(); // the package's own defect (a truncated ZIP): the reader names it
            }
            return new InStore(s.sha256(), s.size(), documents.content(s.sha256()));
        }));
    }

    /** A file of the package already in the document store. */
    record InStore(String sha256, long size, DocumentStore.Content content) implements PraticaPackageReader.StoredFile {
        @Override
        public java.io.InputStream open() {
            return content.open();
        }
    }

    /** @return the {@code return} string of inviaSUAPEnte */
    @Transactional
    public String receive(CooperazioneSUAPEnte message, PraticaPackageReader.PraticaPackage pkg) {
        PraticaScrivania p = mapper.toCanonical(message, pkg.riepilogo());
        String tipo = p.tipoCooperazione() == null ? "" : p.tipoCooperazione().trim().toLowerCase(Locale.ROOT);
        if (!TIPI.contains(tipo)) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.TIPO_COOPERAZIONE_INVALID, "tipo-cooperazione '"
                    + p.tipoCooperazione() + "' is none of " + TIPI.stream().sorted().toList());
        }
        String comune = props.scrivania().enteCodiceAmministrazione();
        if (message.getIntestazione().getEnteDestinatario().stream()
                .noneMatch(e -> comune.equalsIgnoreCase(e.getCodiceAmministrazione()))) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.DESTINATARIO_INVALID,
                    "no ente-destinatario has codice-amministrazione " + comune);
        }
        String protocolloKey = p.protocollo().key();
        String messageXml = mapper.toXml(message);
        String hash = ContentHashes.sha256Hex(messageXml);
        Optional<String> previous = messages.previousAnswer(p.codicePratica(), p.progressivo(), protocolloKey);
        if (previous.isPresent()) {
            UUID id = pratiche.idByCodice(Canale.SCRIVANIA, p.codicePratica()).orElse(null);
            PraticaMdc.set(id, p.codicePratica());
            timeline.record(id, TimelineStore.IN, "SCRIVANIA", "inviaSUAPEnte " + tipo, "DUPLICATE", hash,
                    "protocollo " + p.protocollo().numero() + ", progressivo " + p.progressivo());
            return previous.get();
        }
        UUID id;
        String answer;
        if (CONDIVISIONE.equals(tipo)) {
            id = create(p, pkg, hash);
            answer = OK;
        } else {
            id = pratiche.idByCodice(Canale.SCRIVANIA, p.codicePratica()).orElseThrow(() -> new ScrivaniaFault(
                    ScrivaniaFault.Code.PRATICA_UNKNOWN, "no pratica " + p.codicePratica()
                    + " was shared with the Comune: a " + tipo + " must follow its condivisione"));
            PraticaMdc.set(id, p.codicePratica());
            pratiche.lock(id);
            storeFiles(id, pkg.files(), tipo + "-" + p.progressivo() + "-" + p.protocollo().numero() + "/");
            timeline.record(id, TimelineStore.IN, "SCRIVANIA", "inviaSUAPEnte " + tipo, "ACCEPTED", hash,
                    summary(p, pkg.files().size()));
            if (INTEGRAZIONE.equals(tipo)) onIntegration(id);
            answer = UPDATED;
        }
        messages.insert(p.codicePratica(), p.progressivo(), protocolloKey, id, tipo, messageXml, hash, answer);
        return answer;
    }

    private UUID create(PraticaScrivania p, PraticaPackageReader.PraticaPackage pkg, String hash) {
        if (pkg.riepilogo() == null) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.RIEPILOGO_MISSING, "a condivisione must carry the pratica: no "
                    + "riepilogo-pratica-suap among the allegati");
        }
        String codiceRiepilogo = pkg.riepilogo().getIntestazione().getCodicePratica();
        if (codiceRiepilogo != null && !codiceRiepilogo.equals(p.codicePratica())) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.CODICE_PRATICA_MISMATCH, "the message is about pratica "
                    + p.codicePratica() + " but its riepilogo " + pkg.riepilogoName() + " is pratica " + codiceRiepilogo);
        }
        if (pratiche.idByCodice(Canale.SCRIVANIA, p.codicePratica()).isPresent()) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.PRATICA_ALREADY_EXISTS, "pratica " + p.codicePratica()
                    + " was already shared with another protocol; a new condivisione needs a new codice pratica");
        }
        List<String> enti = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (PraticaScrivania.EnteCoinvolto e : ScrivaniaMapper.entiCoinvolti(p)) {
            if (props.isSuap(e.codiceAmministrazione(), e.codiceAoo())) continue;
            Ente ente = props.enteByAdministration(nz(e.codiceAmministrazione()), nz(e.codiceAoo()))
                    .or(() -> e.pec() == null ? Optional.empty() : props.enteByPec(e.pec())).orElse(null);
            if (ente == null) {
                unknown.add(e.nome() + " (" + e.codiceAmministrazione() + "/" + e.codiceAoo() + ")");
            } else if (!enti.contains(ente.code())) {
                enti.add(ente.code());
            }
        }
        UUID id = UUID.randomUUID();
        PraticaMdc.set(id, p.codicePratica());
        ObjectNode dati = json.valueToTree(p);
        ArrayNode entiNode = dati.putArray("enti");
        enti.forEach(entiNode::add);
        dati.put("procedura", p.procedura());
        dati.put("regime", p.regime());
        dati.put("riepilogo", pkg.riepilogoName());
        pratiche.insert(new PraticaRepository.NuovaPratica(id, Canale.SCRIVANIA, null, null, p.codicePratica(), null, dati,
                p.procedura(), p.regime(), p.codiceFiscale()));
        storeFiles(id, pkg.files(), "");
        timeline.record(id, TimelineStore.IN, "SCRIVANIA", "inviaSUAPEnte condivisione", "ACCEPTED", hash,
                summary(p, pkg.files().size()));
        for (String u : unknown) {
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "resolve_ente", "UNKNOWN_ENTE", null,
                    "ente-coinvolto not in the registry: " + u);
        }
        completa.onComplete(id);
        log.info("Pratica {} received from the scrivania ({}), enti {}", id, p.codicePratica(), enti);
        return id;
    }

    /** The documents arrived with the message: verified by computing their hash, stored once by content. */
    private void storeFiles(UUID id, List<PraticaPackageReader.FilePratica> files, String prefix) {
        for (PraticaPackageReader.FilePratica f : files) {
            String sha256 = f.stored() instanceof InStore kept ? kept.sha256() : documents.store(f.content());
            pratiche.insertVerified(id, prefix + f.name(), f.name(), null, ScrivaniaMapper.mimeType(f.name()), sha256);
        }
    }

    private void onIntegration(UUID id) {
        StatoPratica state = pratiche.stateOf(id);
        if (!Lifecycle.accepts(state, Lifecycle.Evento.INTEGRATION_RECEIVED)) {
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "integrazione", "NOT_REQUESTED", null,
                    "documents attached; no integration was pending in state " + state.apiName());
            return;
        }
        lifecycle.transition(id, state, Lifecycle.Evento.INTEGRATION_RECEIVED);
        istruttoria.reconsultAfterIntegration(id);
    }

    private static String summary(PraticaScrivania p, int files) {
        return "protocollo " + p.protocollo().numero() + ", progressivo " + p.progressivo() + ", " + files + " file(s)"
                + (p.oggettoComunicazione() == null ? "" : ": " + p.oggettoComunicazione());
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
