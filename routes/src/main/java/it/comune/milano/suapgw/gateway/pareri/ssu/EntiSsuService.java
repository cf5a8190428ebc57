package it.comune.milano.suapgw.gateway.pareri.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.ssu.SsuContract;
import it.comune.milano.suapgw.connectors.ssu.SsuEntiMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.gateway.common.ContractViolationException;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.documenti.HashMismatchException;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.pareri.PareriService;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.EntiSsuRepository;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.gateway.termini.TermineService;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.Parere;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.TerminiIstanza;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The enti terzi that have their own system, through the SSU e-services. Outbound: the instance as the ente may read
 * it (et_to_bo send_instance: the index entries of its proceedings and the general index), the events it must hear.
 * Inbound (bo_to_et): its conclusions, its integration requests, its request for a conferenza, its retry requests and
 * its reads of documents — the ente being the authenticated caller, never what the body says. What an ente answers is
 * the same canonical parere as on the broker or by PEC.
 */
@Service
public class EntiSsuService {
    private final PraticaRepository pratiche;
    private final PareriRepository pareri;
    private final PareriService pareriService;
    private final EntiSsuRepository destinatari;
    private final DocumentStore documents;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final SsuEntiMapper mapper;
    private final JsonContracts contracts;
    private final TermineService termini;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public EntiSsuService(PraticaRepository pratiche, PareriRepository pareri, PareriService pareriService,
                          EntiSsuRepository destinatari, DocumentStore documents, OutboxStore outbox, TimelineStore timeline,
                          SsuEntiMapper mapper, JsonContracts contracts, TermineService termini,
                          GatewayProperties props, ObjectMapper json) {
        this.pratiche = pratiche;
        this.pareri = pareri;
        this.pareriService = pareriService;
        this.destinatari = destinatari;
        this.documents = documents;
        this.outbox = outbox;
        this.timeline = timeline;
        this.mapper = mapper;
        this.contracts = contracts;
        this.termini = termini;
        this.props = props;
        this.json = json;
    }

    /** The ordering key of everything sent to one ente about one pratica: in the order it was booked. */
    public static String orderingKey(Ente ente, UUID praticaId) {
        return "et:" + ente.code() + ":" + praticaId;
    }

    // ------------------------------------------------------------------ outbound

    /** What is being sent: the body and where. */
    public record Invio(Ente ente, UUID praticaId, String body) {
    }

    /**
     * et_to_bo send_instance for a request of parere: the index entries of the ente's proceedings (all of them when the
     * descriptor names none of its) and the general index; from now on the ente may read those documents.
     */
    @Transactional
    public Invio sendInstance(UUID richiestaId) {
        PareriRepository.Richiesta r = pareri.find(richiestaId).orElseThrow();
        Ente ente = ente(r.enteCode());
        JsonNode index = pratiche.ssuIndexOf(r.praticaId());
        Set<String> codes = proceedingsOf(r.praticaId(), ente);
        ArrayNode instance = mapper.array();
        for (JsonNode i : index == null ? json.createArrayNode() : index.path("instance_index")) {
            if (codes.isEmpty() || codes.contains(i.path("code").asText())) instance.add(i);
        }
        if (instance.isEmpty() && index != null) index.path("instance_index").forEach(instance::add);
        JsonNode general = index == null ? mapper.array() : index.path("general_index");
        List<String> granted = new ArrayList<>();
        instance.forEach(i -> granted.add(i.path("resource_id").asText()));
        general.forEach(g -> granted.add(g.path("resource_id").asText()));
        destinatari.grant(r.praticaId(), ente.code(), granted);
        ObjectNode body = mapper.sendInstance(pratiche.cuiOf(r.praticaId()), pratiche.descriptorVersionOf(r.praticaId()),
                instance, general);
        return new Invio(ente, r.praticaId(), checked(SsuContract.ET_SEND_INSTANCE, body));
    }

    @Transactional
    public void onInstanceSent(UUID richiestaId, String sha256) {
        PareriRepository.Richiesta r = pareri.find(richiestaId).orElseThrow();
        Ente ente = ente(r.enteCode());
        pareriService.onRequestSent(richiestaId, ente.code(), sha256);
        if (ente.ssu().codice() != null) {
            outbox.enqueue(r.praticaId(), OutboxKind.CATALOGO_AUDIT.name(), "catalogo:" + r.praticaId(),
                    SsuEntiMapper.auditSentToEnte(ente.ssu().codice(), r.round() > 1));
        }
    }

    public Invio notifyBody(UUID id, String payload) {
        JsonNode p = JsonColumns.read(json, payload);
        Ente ente = ente(p.path("ente").asText());
        String event = p.path("event").asText();
        JsonNode cui = pratiche.cuiOf(id);
        String version = pratiche.descriptorVersionOf(id);
        ObjectNode body;
        if (SsuEntiMapper.CDSS_CONVENED.equals(event)) {
            body = mapper.notifyConferenza(cui, version, new SsuEntiMapper.Convocazione(p.path("modalita").asText(null),
                    java.time.LocalDate.parse(p.path("cdss_convocation").asText()), p.path("cdss_channel").asText(),
                    p.path("cdss_admin_act_filename").asText(null), p.path("mime_type").asText(null)));
        } else {
            var atto = p.hasNonNull("resource_id") ? pratiche.act(id, p.get("resource_id").asText()).orElse(null) : null;
            body = mapper.notify(cui, version, event, atto);
        }
        return new Invio(ente, id, checked(SsuContract.ET_NOTIFY, body));
    }

    /** The event of a notify payload, for the timeline. */
    public String event(String payload) {
        return JsonColumns.read(json, payload).path("event").asText();
    }

    @Transactional
    public void onNotified(UUID id, String enteCode, String event, String sha256) {
        timeline.record(id, TimelineStore.OUT, "ENTE " + enteCode, "notify", "DELIVERED", sha256, event);
    }

    // ------------------------------------------------------------------ inbound (bo_to_et)

    /** send_conclusions: the ente's parere on its open request; a repeated delivery of the same body changes nothing. */
    @Transactional
    public void conclusions(Ente ente, JsonNode body, String raw) {
        UUID id = praticaOf(ente, body.path("cui"));
        String sha = ContentHashes.sha256Hex(raw);
        SsuEntiMapper.Conclusioni c = mapper.conclusions(body);
        PareriRepository.Richiesta r = openRequest(id, ente, "send_conclusions", sha);
        if (r == null) return;
        requireCurrentVersion(id, c.descriptorVersion());
        Parere parere = new Parere("ssu-" + sha, r.id(), ente.code(), c.esito(),
                c.esito() == Esito.CONFORMAZIONE ? List.of(c.testo()) : List.of(),
                c.esito() == Esito.CONFORMAZIONE ? null : c.testo(), ente.name(), OffsetDateTime.now(), List.of());
        if (c.documento() != null) {
            destinatari.expect(id, r.id(), ente.code(), EntiSsuRepository.CONCLUSIONI, c.documento().resourceId(),
                    c.documento().algHash(), c.documento().hash(), null)
                    .ifPresent(d -> outbox.enqueue(id, OutboxKind.FETCH_ENTE_DOCUMENT.name(), orderingKey(ente, id), String.valueOf(d)));
        }
        pareriService.record(id, ente.code(), parere, "ssu:" + ente.ssu().client(), sha);
    }

    /**
     * request_integration: the ente's integration requests, gathered with the other enti's into one request to the
     * applicant. Its documents of request are fetched first; the request counts once they are in.
     */
    @Transactional
    public void integrationRequest(Ente ente, JsonNode body, String raw) {
        UUID id = praticaOf(ente, body.path("cui"));
        String sha = ContentHashes.sha256Hex(raw);
        SsuEntiMapper.RichiestaIntegrazioneEnte req = mapper.integrationRequest(body);
        StatoPratica state = pratiche.stateOf(id);
        PareriRepository.Richiesta r = openRequest(id, ente, "request_integration", sha);
        if (r == null) return;
        if (state != StatoPratica.IN_ISTRUTTORIA || r.round() != 1) {
            throw new SsuException(SsuErrorCode.ERROR_500_009, "integrations are asked once, in the first round of the"
                    + " istruttoria; the instance is " + state.apiName() + ", round " + r.round());
        }
        if (termini.scaduto(id, TerminiIstanza.Tipo.RICHIESTA_INTEGRAZIONI)) {
            throw new SsuException(SsuErrorCode.ERROR_500_009, "the time to ask for integrations (max_gg_int_req) has passed");
        }
        requireCurrentVersion(id, req.descriptorVersion());
        Parere parere = new Parere("ssu-" + sha, r.id(), ente.code(), Esito.CONFORMAZIONE, List.of(), null, ente.name(),
                OffsetDateTime.now(), req.testi());
        pareri.holdAnswer(parere, "ssu:" + ente.ssu().client());
        int n = 0;
        for (SsuEntiMapper.DocumentoEnte d : req.documenti()) {
            String ours = "integrazione-" + ente.code() + "-" + (++n);
            destinatari.expect(id, r.id(), ente.code(), EntiSsuRepository.INTEGRAZIONE, d.resourceId(), d.algHash(), d.hash(), ours)
                    .ifPresent(doc -> outbox.enqueue(id, OutboxKind.FETCH_ENTE_DOCUMENT.name(), orderingKey(ente, id),
                            String.valueOf(doc)));
        }
        timeline.record(id, TimelineStore.IN, "ENTE " + ente.code(), "request_integration", "ACCEPTED", sha,
                req.testi().size() + " request(s), " + req.documenti().size() + " document(s)");
        if (req.documenti().isEmpty()) release(id, r.id());
    }

    /** /retry: the ente asks for one of our messages again (its data were inconsistent). */
    @Transactional
    public void retry(Ente ente, JsonNode body) {
        UUID id = praticaOf(ente, body.path("cui"));
        String operation = body.path("operation").asText();
        OutboxKind kind = switch (operation) {
            case "send_instance" -> OutboxKind.ET_SEND_INSTANCE;
            case "notify" -> OutboxKind.ET_NOTIFY;
            default -> throw new SsuException(SsuErrorCode.ERROR_400_001, "operation '" + operation + "' cannot be retried");
        };
        String payload = outbox.lastDelivered(id, kind.name(), orderingKey(ente, id)).orElseThrow(() ->
                new SsuException(SsuErrorCode.ERROR_500_009, "no " + operation + " was sent to " + ente.code() + " for this instance"));
        timeline.record(id, TimelineStore.IN, "ENTE " + ente.code(), "retry", "ACCEPTED", null, operation);
        outbox.enqueue(id, kind.name(), orderingKey(ente, id), payload);
    }

    /** The instance of a document an ente asks for: one it was sent something of, else ERROR_500_002. */
    public UUID readable(Ente ente, String cuiUuid, String resourceId) {
        return pratiche.lockFreeIdByCui(cuiUuid).filter(p -> destinatari.wasSent(p, ente.code()))
                .orElseThrow(() -> new SsuException(SsuErrorCode.ERROR_500_002, "no instance " + cuiUuid + " was sent to " + ente.code()));
    }

    /** @throws SsuException ERROR_404_001 unless the ente was sent that document of the instance */
    public void readable(Ente ente, UUID praticaId, String resourceId) {
        if (!destinatari.mayRead(praticaId, ente.code(), resourceId)) {
            throw new SsuException(SsuErrorCode.ERROR_404_001, "no document " + resourceId + " was sent to " + ente.code());
        }
    }

    // ------------------------------------------------------------------ the ente's documents

    public record DaScaricare(Ente ente, String cuiUuid, EntiSsuRepository.DocumentoEnte documento) {
    }

    public DaScaricare toFetch(long documentoId) {
        EntiSsuRepository.DocumentoEnte d = destinatari.find(documentoId).orElseThrow();
        return new DaScaricare(ente(d.enteCode()), pratiche.testata(d.praticaId()).cuiUuid(), d);
    }

    /**
     * A document of the ente, fetched (base64 body): verified against the hash the ente declared, stored, linked to its
     * parere; an integration request counts once all its documents are in.
     * @throws HashMismatchException when the content is not what the ente declared
     */
    @Transactional
    public void onFetched(long documentoId, byte[] content) {
        EntiSsuRepository.DocumentoEnte d = destinatari.find(documentoId).orElseThrow();
        PraticaMdc.set(d.praticaId(), null);
        pratiche.lock(d.praticaId());
        if (d.verified()) return;
        if (!ContentHashes.matches(d.algHash(), d.expectedHash(), content)) {
            throw new HashMismatchException("document " + d.remoteId() + " of " + d.enteCode() + " does not match its hash");
        }
        String sha = documents.store(content);
        destinatari.markVerified(d.id(), sha);
        if (EntiSsuRepository.INTEGRAZIONE.equals(d.purpose())) {
            pratiche.insertFromEnte(d.praticaId(), d.resourceId(), d.resourceId() + ".pdf", "RICHIESTA_INTEGRAZIONE",
                    "application/pdf", sha);
            timeline.record(d.praticaId(), TimelineStore.IN, "ENTE " + d.enteCode(), "request_instance_document", "HASH_VERIFIED",
                    sha, d.remoteId());
            if (destinatari.of(d.richiestaId(), EntiSsuRepository.INTEGRAZIONE).stream().allMatch(x -> x.id() == d.id() || x.verified())) {
                release(d.praticaId(), d.richiestaId());
            }
        } else {
            pareri.addAllegato(d.richiestaId(), sha, "parere-" + d.enteCode() + "-" + d.remoteId(), "application/pdf");
            timeline.record(d.praticaId(), TimelineStore.IN, "ENTE " + d.enteCode(), "request_instance_document", "HASH_VERIFIED",
                    sha, d.remoteId());
        }
    }

    /** The documents the enti attached to their integration requests, as the front-office is to fetch them from us. */
    public List<EntiSsuRepository.DocumentoEnte> integrationDocuments(UUID id) {
        return destinatari.ofPratica(id, EntiSsuRepository.INTEGRAZIONE).stream().filter(EntiSsuRepository.DocumentoEnte::verified).toList();
    }

    // ------------------------------------------------------------------

    /** An integration request held until its documents were in now counts as the ente's answer. */
    private void release(UUID id, UUID richiestaId) {
        pareri.find(richiestaId).filter(r -> !r.answered()).ifPresent(r -> {
            Parere held = pareri.heldAnswer(richiestaId).orElseThrow();
            pareriService.record(id, r.enteCode(), held, "ssu:" + ente(r.enteCode()).ssu().client(), held.replyId().substring(4));
        });
    }

    /** The ente's open request, or null for a repeated delivery of what it sent already; else ERROR_500_009. */
    private PareriRepository.Richiesta openRequest(UUID id, Ente ente, String operation, String sha) {
        Optional<PareriRepository.Richiesta> latest = pareri.latestOf(id, ente.code());
        if (latest.isEmpty()) throw new SsuException(SsuErrorCode.ERROR_500_002, "no instance of this CUI was sent to " + ente.code());
        PareriRepository.Richiesta r = latest.get();
        if (("ssu-" + sha).equals(r.replyId()) || pareri.heldAnswer(r.id()).map(p -> p.replyId().equals("ssu-" + sha)).orElse(false)) {
            return null;
        }
        if (r.answered() || !"OPEN".equals(r.status()) || pareri.heldAnswer(r.id()).isPresent()) {
            throw new SsuException(SsuErrorCode.ERROR_500_009, operation + " not expected: the request of "
                    + ente.code() + " (round " + r.round() + ") is " + (r.answered() ? "answered" : r.status().toLowerCase()));
        }
        return r;
    }

    private void requireCurrentVersion(UUID id, String version) {
        String current = pratiche.descriptorVersionOf(id);
        if (!current.equals(version)) {
            throw new SsuException(SsuErrorCode.ERROR_500_009, "instance_descriptor_version " + version
                    + " is not the instance's current one (" + current + ")");
        }
    }

    /** The pratica of the CUI the ente names, locked: one that was sent to it, else ERROR_500_002. */
    public UUID praticaOf(Ente ente, JsonNode cui) {
        String uuid = cui.path("uuid").asText();
        UUID id = pratiche.lockByCui(uuid).orElseThrow(() -> new SsuException(SsuErrorCode.ERROR_500_002, "no instance with CUI uuid " + uuid));
        if (pareri.latestOf(id, ente.code()).isEmpty()) {
            throw new SsuException(SsuErrorCode.ERROR_500_002, "no instance with CUI uuid " + uuid + " was sent to " + ente.code());
        }
        PraticaMdc.set(id, uuid);
        return id;
    }

    private Set<String> proceedingsOf(UUID id, Ente ente) {
        Set<String> codes = new LinkedHashSet<>();
        JsonNode d = pratiche.descriptorOf(id);
        if (d == null) return codes;
        for (JsonNode p : d.path("usecase_proceedings")) {
            JsonNode ca = p.path("competent_administration");
            if (ente.ipaCode().equalsIgnoreCase(ca.path("ipacode").asText())
                    && ente.officeCode().equalsIgnoreCase(ca.path("officecode").asText())) codes.add(p.path("code").asText());
        }
        return codes;
    }

    private Ente ente(String code) {
        return props.ente(code).orElseThrow(() -> new IllegalStateException("ente " + code + " no longer in the registry"));
    }

    private String checked(String schema, JsonNode body) {
        List<String> errors = contracts.validate(schema, body);
        if (!errors.isEmpty()) throw new ContractViolationException(schema, errors);
        return body.toString();
    }
}
