package it.comune.milano.suapgw.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.geowork.GeoworkMapper;
import it.comune.milano.suapgw.connectors.scrivania.PraticaPackageReader;
import it.comune.milano.suapgw.connectors.scrivania.PraticaScrivania;
import it.comune.milano.suapgw.connectors.scrivania.ScrivaniaFault;
import it.comune.milano.suapgw.connectors.scrivania.ScrivaniaMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuHashes;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.schemas.infocamere.ente.CooperazioneEnteSUAP;
import it.comune.milano.suapgw.schemas.infocamere.ente.CooperazioneSUAPEnte;
import it.comune.milano.suapgw.schemas.infocamere.pratica.EstremiEnte;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The pre-SSU channel: cooperation messages of the InfoCamere scrivania into the canonical lifecycle, and the
 * Comune's communications back. Each message is stored whole or not at all, and a repeated one (same codice
 * pratica, progressivo, protocol) gets the answer the first one got.
 */
@Service
public class ScrivaniaService {
    private static final Logger log = LoggerFactory.getLogger(ScrivaniaService.class);
    public static final String CONDIVISIONE = "condivisione";
    public static final String INTEGRAZIONE = "integrazione-documentale";
    public static final String RICHIESTA_INTEGRAZIONE = "richiesta-integrazione";
    public static final String RILASCIO = "rilascio-provvedimento";
    static final Set<String> TIPI = Set.of(CONDIVISIONE, INTEGRAZIONE, "conferenza-servizi", RILASCIO, "altro",
            RICHIESTA_INTEGRAZIONE);
    static final String OK = "Ok";
    static final String UPDATED = "Pratica aggiornata";

    private final JdbcTemplate jdbc;
    private final PraticaService pratiche;
    private final TimelineStore timeline;
    private final DocumentStore documents;
    private final ScrivaniaMapper mapper;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public ScrivaniaService(JdbcTemplate jdbc, PraticaService pratiche, TimelineStore timeline, DocumentStore documents,
                            ScrivaniaMapper mapper, GatewayProperties props, ObjectMapper json) {
        this.documents = documents;
        this.jdbc = jdbc;
        this.pratiche = pratiche;
        this.timeline = timeline;
        this.mapper = mapper;
        this.props = props;
        this.json = json;
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
        boolean forUs = message.getIntestazione().getEnteDestinatario().stream()
                .anyMatch(e -> comune.equalsIgnoreCase(e.getCodiceAmministrazione()));
        if (!forUs) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.DESTINATARIO_INVALID,
                    "no ente-destinatario has codice-amministrazione " + comune);
        }
        String protocolloKey = p.protocollo().key();
        String messageXml = mapper.toXml(message);
        String hash = SsuHashes.sha256Hex(messageXml);
        List<String> previous = jdbc.queryForList("""
                select answer from scrivania_message where codice_pratica = ? and progressivo = ? and protocollo_key = ?""",
                String.class, p.codicePratica(), p.progressivo(), protocolloKey);
        if (!previous.isEmpty()) {
            UUID id = praticaId(p.codicePratica());
            timeline.record(id, TimelineStore.IN, "SCRIVANIA", "inviaSUAPEnte " + tipo, "DUPLICATE", hash,
                    "protocollo " + p.protocollo().numero() + ", progressivo " + p.progressivo());
            return previous.get(0);
        }
        UUID id;
        String answer;
        if (CONDIVISIONE.equals(tipo)) {
            id = create(p, pkg, hash);
            answer = OK;
        } else {
            id = praticaId(p.codicePratica());
            if (id == null) {
                throw new ScrivaniaFault(ScrivaniaFault.Code.PRATICA_UNKNOWN, "no pratica " + p.codicePratica()
                        + " was shared with the Comune: a " + tipo + " must follow its condivisione");
            }
            pratiche.lock(id);
            storeFiles(id, pkg.files(), tipo + "-" + p.progressivo() + "-" + p.protocollo().numero() + "/");
            timeline.record(id, TimelineStore.IN, "SCRIVANIA", "inviaSUAPEnte " + tipo, "ACCEPTED", hash,
                    summary(p, pkg.files().size()));
            if (INTEGRAZIONE.equals(tipo)) onIntegration(id);
            answer = UPDATED;
        }
        jdbc.update("""
                insert into scrivania_message (codice_pratica, progressivo, protocollo_key, pratica_id, tipo_cooperazione,
                                               message_xml, body_sha256, answer, received_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, now())""",
                p.codicePratica(), p.progressivo(), protocolloKey, id, tipo, messageXml, hash, answer);
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
        if (praticaId(p.codicePratica()) != null) {
            throw new ScrivaniaFault(ScrivaniaFault.Code.PRATICA_ALREADY_EXISTS, "pratica " + p.codicePratica()
                    + " was already shared with another protocol; a new condivisione needs a new codice pratica");
        }
        List<String> enti = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (PraticaScrivania.EnteCoinvolto e : ScrivaniaMapper.entiCoinvolti(p)) {
            if (props.isSuap(e.codiceAmministrazione(), e.codiceAoo())) continue;
            Ente ente = props.enteByAdministration(nz(e.codiceAmministrazione()), nz(e.codiceAoo()))
                    .or(() -> e.pec() == null ? java.util.Optional.empty() : props.enteByPec(e.pec())).orElse(null);
            if (ente == null) {
                unknown.add(e.nome() + " (" + e.codiceAmministrazione() + "/" + e.codiceAoo() + ")");
            } else if (!enti.contains(ente.code())) {
                enti.add(ente.code());
            }
        }
        UUID id = UUID.randomUUID();
        ObjectNode dati = json.valueToTree(p);
        ArrayNode entiNode = dati.putArray("enti");
        enti.forEach(entiNode::add);
        dati.put("procedura", p.procedura());
        dati.put("regime", p.regime());
        dati.put("riepilogo", pkg.riepilogoName());
        jdbc.update("""
                insert into pratica (id, channel, codice_pratica, dati, procedure_code, regime, applicant_cf, state,
                                     presented_at, updated_at)
                values (?, ?, ?, cast(? as jsonb), ?, ?, ?, ?, now(), now())""",
                id, Canale.SCRIVANIA.name(), p.codicePratica(), dati.toString(), p.procedura(), p.regime(),
                p.codiceFiscale(), StatoPratica.PRESENTED.name());
        storeFiles(id, pkg.files(), "");
        timeline.record(id, TimelineStore.IN, "SCRIVANIA", "inviaSUAPEnte condivisione", "ACCEPTED", hash,
                summary(p, pkg.files().size()));
        for (String u : unknown) {
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "resolve_ente", "UNKNOWN_ENTE", null,
                    "ente-coinvolto not in the registry: " + u);
        }
        pratiche.maybeStartIstruttoria(id);
        log.info("Pratica {} received from the scrivania ({}), enti {}", id, p.codicePratica(), enti);
        return id;
    }

    /** The documents arrived with the message: verified by computing their hash, stored once by content. */
    private void storeFiles(UUID id, List<PraticaPackageReader.FilePratica> files, String prefix) {
        for (PraticaPackageReader.FilePratica f : files) {
            String sha = documents.store(f.content());
            jdbc.update("""
                    insert into pratica_documento (pratica_id, resource_id, name, mime_type, alg_hash, expected_hash, sha256,
                                                   status, verified_at)
                    values (?, ?, ?, ?, 'S256', ?, ?, 'VERIFIED', now())
                    on conflict (pratica_id, resource_id) do nothing""",
                    id, prefix + f.name(), f.name(), mimeType(f.name()), sha, sha);
        }
    }

    private void onIntegration(UUID id) {
        StatoPratica state = pratiche.stateOf(id);
        if (!Lifecycle.accepts(state, Lifecycle.Evento.INTEGRATION_RECEIVED)) {
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "integrazione", "NOT_REQUESTED", null,
                    "documents attached; no integration was pending in state " + state.apiName());
            return;
        }
        pratiche.transition(id, state, Lifecycle.Evento.INTEGRATION_RECEIVED);
        pratiche.reconsultAfterIntegration(id);
    }

    private UUID praticaId(String codicePratica) {
        List<UUID> ids = jdbc.queryForList("select id from pratica where channel = ? and codice_pratica = ?",
                UUID.class, Canale.SCRIVANIA.name(), codicePratica);
        return ids.isEmpty() ? null : ids.get(0);
    }

    private static String summary(PraticaScrivania p, int files) {
        return "protocollo " + p.protocollo().numero() + ", progressivo " + p.progressivo() + ", " + files + " file(s)"
                + (p.oggettoComunicazione() == null ? "" : ": " + p.oggettoComunicazione());
    }

    static String mimeType(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".p7m")) return "application/pkcs7-mime";
        if (n.endsWith(".pdf")) return "application/pdf";
        if (n.endsWith(".xml")) return "application/xml";
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) return "image/jpeg";
        if (n.endsWith(".svg")) return "image/svg+xml";
        if (n.endsWith(".dwf")) return "model/vnd.dwf";
        return "application/octet-stream";
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    // ---------------------------------------------------------------- the Comune's communications back

    /** Outbox payload of the communication that announces a state; the protocol number is fixed once, for retries. */
    static String answerPayload(StatoPratica state, Esito esito, long protocollo, LocalDate data) {
        String tipo = state == StatoPratica.INTEGRATION_REQUESTED ? RICHIESTA_INTEGRAZIONE : RILASCIO;
        return "{\"tipoCooperazione\":\"" + tipo + "\",\"esito\":\"" + esito.name() + "\",\"stato\":\"" + state.apiName()
                + "\",\"protocollo\":\"" + String.format("%07d", protocollo % 10_000_000) + "\",\"data\":\"" + data + "\"}";
    }

    public record Comunicazione(String codicePratica, String tipoCooperazione, CooperazioneEnteSUAP message) {
    }

    /** Builds the communication from the outbox payload, repeating the references of the message that shared the pratica. */
    public Comunicazione communication(UUID id, String payload) {
        JsonNode a = JsonColumns.read(json, payload);
        Map<String, Object> m = jdbc.queryForMap("""
                select message_xml, codice_pratica from scrivania_message
                 where pratica_id = ? and tipo_cooperazione = ? order by received_at limit 1""", id, CONDIVISIONE);
        CooperazioneSUAPEnte original = mapper.fromXml((String) m.get("message_xml"));
        String tipo = a.path("tipoCooperazione").asText();
        Esito esito = Esito.valueOf(a.path("esito").asText());
        List<GeoworkMapper.SintesiParere> pareri = pratiche.sintesiPareri(id);
        String oggetto;
        String testo;
        if (RICHIESTA_INTEGRAZIONE.equals(tipo)) {
            oggetto = "Richiesta di integrazione documentale";
            testo = "Per la pratica " + m.get("codice_pratica") + " si richiede un'integrazione documentale. "
                    + pareri.stream().filter(p -> !Esito.POSITIVO.name().equals(p.esito()))
                    .map(ScrivaniaService::describe).collect(Collectors.joining(" "));
        } else {
            oggetto = "Provvedimento finale: esito " + (esito == Esito.POSITIVO ? "positivo" : "negativo");
            testo = "Istruttoria della pratica " + m.get("codice_pratica") + " conclusa con esito "
                    + (esito == Esito.POSITIVO ? "positivo" : "negativo") + ". "
                    + pareri.stream().map(ScrivaniaService::describe).collect(Collectors.joining(" "));
        }
        EstremiEnte mittente = new EstremiEnte();
        mittente.setValue(props.scrivania().enteName());
        mittente.setCodiceAmministrazione(props.scrivania().enteCodiceAmministrazione());
        mittente.setCodiceAoo(props.scrivania().enteCodiceAoo());
        PraticaScrivania.Protocollo protocollo = new PraticaScrivania.Protocollo(props.scrivania().enteCodiceAmministrazione(),
                props.scrivania().enteCodiceAoo(), a.path("protocollo").asText(), LocalDate.parse(a.path("data").asText()));
        return new Comunicazione((String) m.get("codice_pratica"), tipo,
                mapper.communication(original, mittente, tipo, oggetto, testo.trim(), protocollo));
    }

    private static String describe(GeoworkMapper.SintesiParere p) {
        StringBuilder b = new StringBuilder("Parere " + p.ente() + ": " + p.esito().toLowerCase(Locale.ROOT));
        if (p.motivazione() != null && !p.motivazione().isBlank()) b.append(" (").append(p.motivazione()).append(")");
        if (!p.prescrizioni().isEmpty()) b.append("; prescrizioni: ").append(String.join("; ", p.prescrizioni()));
        return b.append(".").toString();
    }

    @Transactional
    public void onCommunicationDelivered(UUID id, String tipo, String protocollo, String returnValue) {
        timeline.record(id, TimelineStore.OUT, "SCRIVANIA", "inviaEnteSUAP " + tipo, "DELIVERED", null,
                "protocollo " + protocollo + ", risposta: " + returnValue);
    }

}
