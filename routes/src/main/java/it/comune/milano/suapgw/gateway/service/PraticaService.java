package it.comune.milano.suapgw.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.geowork.GeoworkMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.connectors.ssu.SsuHashes;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.AmministrazioneCompetente;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.DatiIstanza;
import it.comune.milano.suapgw.model.DocumentoAtteso;
import it.comune.milano.suapgw.model.DocumentoVerificato;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.Parere;
import it.comune.milano.suapgw.model.PraticaCanonica;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Every state change of a pratica, each in one database transaction together with the outbound calls it
 * causes (outbox) and its timeline entries.
 */
@Service
public class PraticaService {
    private static final Logger log = LoggerFactory.getLogger(PraticaService.class);

    public enum Ricezione { CREATED, DUPLICATE }

    public enum EsitoRisposta { RECORDED, DUPLICATE_DELIVERY, REJECTED }

    private final JdbcTemplate jdbc;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final DeadLetterStore deadLetters;
    private final DocumentStore documents;
    private final SsuMapper ssu;
    private final ObjectMapper json;
    private final GatewayProperties props;
    private final OspProposals osp;

    public PraticaService(JdbcTemplate jdbc, OutboxStore outbox, TimelineStore timeline, DeadLetterStore deadLetters,
                          DocumentStore documents, SsuMapper ssu, ObjectMapper json, GatewayProperties props,
                          OspProposals osp) {
        this.osp = osp;
        this.documents = documents;
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.timeline = timeline;
        this.deadLetters = deadLetters;
        this.ssu = ssu;
        this.json = json;
        this.props = props;
    }

    // ---------------------------------------------------------------- SSU intake

    /** send_instance: durable before the caller answers 200; a repeated one creates nothing. */
    @Transactional
    public Ricezione receiveSendInstance(JsonNode body, String rawBody) {
        String cuiUuid = body.path("cui").path("uuid").asText();
        String version = body.path("instance_descriptor_version").asText();
        String bodyHash = SsuHashes.sha256Hex(rawBody);
        List<UUID> existing = jdbc.queryForList("select id from pratica where cui_uuid = ? for update", UUID.class, cuiUuid);
        if (!existing.isEmpty()) {
            UUID id = existing.get(0);
            Integer same = jdbc.queryForObject(
                    "select count(*) from ssu_submission where cui_uuid = ? and descriptor_version = ?",
                    Integer.class, cuiUuid, version);
            if (same == 0) {
                throw new SsuException(SsuErrorCode.ERROR_500_009, "instance " + cuiUuid + " is already in progress with another"
                        + " instance_descriptor_version; a new version is expected only after a correction request");
            }
            resendAfterInconsistency(id);
            timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "send_instance", "DUPLICATE", bodyHash, null);
            return Ricezione.DUPLICATE;
        }
        UUID id = UUID.randomUUID();
        jdbc.update("""
                insert into pratica (id, channel, cui_uuid, cui, codice_pratica, descriptor_version, state, presented_at, updated_at)
                values (?, ?, ?, cast(? as jsonb), ?, ?, ?, now(), now())""",
                id, Canale.SSU.name(), cuiUuid, body.path("cui").toString(), body.path("cui").path("value").asText(null),
                version, StatoPratica.PRESENTED.name());
        jdbc.update("""
                insert into ssu_submission (cui_uuid, descriptor_version, pratica_id, body_sha256, received_at)
                values (?, ?, ?, ?, now())""", cuiUuid, version, id, bodyHash);
        for (DocumentoAtteso d : ssu.documentsOf(body)) {
            jdbc.update("""
                    insert into pratica_documento (pratica_id, resource_id, name, code, ref, mime_type, alg_hash,
                                                   expected_hash, status)
                    values (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING')""",
                    id, d.resourceId(), d.name(), d.code(), d.ref(), d.mimeType(), d.algHash(), d.hash());
        }
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "send_instance", "ACCEPTED", bodyHash, null);
        outbox.enqueue(id, OutboxKind.FETCH_DESCRIPTOR.name(), null, cuiUuid);
        log.info("Pratica {} received (CUI {})", id, cuiUuid);
        return Ricezione.CREATED;
    }

    /** The FO re-executes send_instance after our /retry: fetch the documents that did not match again. */
    private void resendAfterInconsistency(UUID id) {
        int reset = jdbc.update("""
                update pratica_documento set status = 'PENDING', last_error = null
                 where pratica_id = ? and status = 'HASH_MISMATCH'""", id);
        if (reset > 0) {
            jdbc.update("update pratica set documents_status = 'PENDING', anomaly = null, updated_at = now() where id = ?", id);
            for (String rid : jdbc.queryForList(
                    "select resource_id from pratica_documento where pratica_id = ? and status = 'PENDING'", String.class, id)) {
                outbox.enqueue(id, OutboxKind.FETCH_DOCUMENT.name(), null, rid);
            }
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "refetch_documents", "SCHEDULED", null,
                    reset + " document(s) fetched again after the sender re-sent the instance");
        }
    }

    @Transactional
    public void receiveNotifyReceipt(JsonNode body, String rawBody) {
        UUID id = praticaIdByCui(body.path("cui").path("uuid").asText());
        StatoPratica state = stateOf(id);
        if (state.isFinal()) {
            throw new SsuException(SsuErrorCode.ERROR_500_009, "notify_receipt not expected in state " + state.apiName());
        }
        jdbc.update("update pratica set receipt_date = ?, updated_at = now() where id = ?",
                LocalDate.parse(body.path("date").asText()), id);
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "notify_receipt", "ACCEPTED",
                SsuHashes.sha256Hex(rawBody), null);
    }

    /** The FO asks us to execute again an operation we made towards it (data-inconsistency path). */
    @Transactional
    public void receiveRetry(JsonNode body, String rawBody) {
        UUID id = praticaIdByCui(body.path("cui").path("uuid").asText());
        String operation = body.path("operation").asText();
        String hash = SsuHashes.sha256Hex(rawBody);
        if (!"notify".equals(operation)) {
            timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "retry", "REJECTED", hash, operation);
            throw new SsuException(SsuErrorCode.ERROR_500_009, "no " + operation + " was sent for this instance");
        }
        Map<String, Object> p = jdbc.queryForMap("select state, fo_notified_at from pratica where id = ? for update", id);
        if (p.get("fo_notified_at") == null) {
            timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "retry", "REJECTED", hash, operation);
            throw new SsuException(SsuErrorCode.ERROR_500_009, "no notify was sent yet for this instance");
        }
        StatoPratica state = StatoPratica.valueOf((String) p.get("state"));
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "retry", "ACCEPTED", hash, operation);
        outbox.enqueue(id, OutboxKind.FO_NOTIFY.name(), "fo:" + id, state.ssuEvent());
    }

    // ---------------------------------------------------------------- documents

    @Transactional
    public List<String> onDescriptor(UUID id, JsonNode descriptor, DatiIstanza dati) {
        lock(id);
        jdbc.update("""
                update pratica set descriptor = cast(? as jsonb), procedure_code = ?, procedure_version = ?, regime = ?,
                       municipality = ?, applicant_cf = ?, updated_at = now() where id = ?""",
                descriptor.toString(), dati.procedureCode(), dati.procedureVersion(), dati.regime(), dati.municipality(),
                dati.applicantCf(), id);
        // the descriptor knows the mime types of the instance documents the index lists by ref
        for (DocumentoAtteso d : dati.descriptorDocuments()) {
            if (d.mimeType() != null) {
                jdbc.update("""
                        update pratica_documento set mime_type = ?, name = coalesce(?, name)
                         where pratica_id = ? and mime_type is null and ref = ?""", d.mimeType(), d.name(), id, d.ref());
            }
        }
        timeline.record(id, TimelineStore.IN, "CATALOGO", "instance_descriptor", "OK",
                SsuHashes.sha256Hex(descriptor.toString()),
                "version " + descriptor.path("version").asText());
        List<String> pending = jdbc.queryForList(
                "select resource_id from pratica_documento where pratica_id = ? and status = 'PENDING'", String.class, id);
        for (String rid : pending) {
            outbox.enqueue(id, OutboxKind.FETCH_DOCUMENT.name(), null, rid);
        }
        if (pending.isEmpty()) {
            maybeStartIstruttoria(id);
        }
        return pending;
    }

    public record DocumentToFetch(String cuiUuid, String resourceId, String algHash, String expectedHash) {
    }

    public DocumentToFetch documentToFetch(UUID id, String resourceId) {
        return jdbc.queryForObject("""
                select p.cui_uuid, d.resource_id, d.alg_hash, d.expected_hash
                  from pratica_documento d join pratica p on p.id = d.pratica_id
                 where d.pratica_id = ? and d.resource_id = ?""",
                (rs, i) -> new DocumentToFetch(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)),
                id, resourceId);
    }

    /** Stores a document whose hash has been verified; never called for a mismatching one. */
    @Transactional
    public void onDocumentVerified(UUID id, String resourceId, byte[] content) {
        lock(id);
        String sha256 = documents.store(content);
        int updated = jdbc.update("""
                update pratica_documento set status = 'VERIFIED', sha256 = ?, verified_at = now(), last_error = null
                 where pratica_id = ? and resource_id = ? and status = 'PENDING'""", sha256, id, resourceId);
        if (updated == 0) return; // already verified by an earlier delivery of the same fetch
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "document " + resourceId, "HASH_VERIFIED", sha256,
                content.length + " bytes");
        maybeStartIstruttoria(id);
    }

    /** Retries exhausted on a mismatching document: the SSU data-inconsistency path. */
    @Transactional
    public void onDocumentInconsistent(UUID id, String resourceId, String reason) {
        lock(id);
        jdbc.update("""
                update pratica_documento set status = 'HASH_MISMATCH', last_error = ?
                 where pratica_id = ? and resource_id = ?""", reason, id, resourceId);
        jdbc.update("""
                update pratica set documents_status = 'INCONSISTENT', anomaly = ?, updated_at = now() where id = ?""",
                "document " + resourceId + ": " + reason, id);
        timeline.record(id, TimelineStore.IN, "FRONTOFFICE", "document " + resourceId, "HASH_MISMATCH", null, reason);
        JsonNode cui = cuiOf(id);
        ObjectNode retry = ssu.retry(cui, "send_instance", SsuErrorCode.ERROR_412_001,
                "document " + resourceId + " does not match its declared hash");
        outbox.enqueue(id, OutboxKind.FO_RETRY.name(), "fo:" + id, retry.toString());
        outbox.enqueue(id, OutboxKind.CATALOGO_AUDIT.name(), "catalogo:" + id, "retry_requested_for_send_instance");
    }

    void maybeStartIstruttoria(UUID id) {
        Integer notVerified = jdbc.queryForObject(
                "select count(*) from pratica_documento where pratica_id = ? and status <> 'VERIFIED'", Integer.class, id);
        Map<String, Object> p = jdbc.queryForMap(
                "select state, channel, descriptor is not null as has_descriptor from pratica where id = ?", id);
        StatoPratica state = StatoPratica.valueOf((String) p.get("state"));
        Canale canale = Canale.valueOf((String) p.get("channel"));
        // an SSU pratica is complete with the Catalogo's descriptor; the other channels carry everything in the message
        boolean complete = canale != Canale.SSU || (Boolean) p.get("has_descriptor");
        if (notVerified > 0 || !complete || state != StatoPratica.PRESENTED
                || !Lifecycle.accepts(state, Lifecycle.Evento.DOCUMENTS_VERIFIED)) {
            return;
        }
        transition(id, state, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        jdbc.update("update pratica set documents_status = 'VERIFIED' where id = ?", id);
        if (canale == Canale.SSU) {
            outbox.enqueue(id, OutboxKind.CATALOGO_AUDIT.name(), "catalogo:" + id, "instance_retrived");
        }
        outbox.enqueue(id, OutboxKind.GEOWORK_REGISTER.name(), "geowork:" + id, id.toString());

        List<Ente> enti = competentEnti(id, canale);
        LocalDate today = LocalDate.now();
        for (Ente ente : enti) {
            requestParere(id, ente, 1, null, today);
        }
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "istruttoria", "STARTED", null,
                "pareri requested from " + enti.stream().map(Ente::code).toList());
        if (enti.isEmpty()) {
            proposeOutcome(id, StatoPratica.IN_ISTRUTTORIA);
        }
    }

    void requestParere(UUID id, Ente ente, int round, UUID previous, LocalDate today) {
        UUID rid = UUID.randomUUID();
        jdbc.update("""
                insert into richiesta_parere (id, pratica_id, ente_code, round, deadline, status, requested_at, previous_id, channel)
                values (?, ?, ?, ?, ?, 'OPEN', now(), ?, ?)""", rid, id, ente.code(), round,
                today.plusDays(ente.deadlineDays()), previous, ente.byPec() ? Ente.PEC : Ente.ARTEMIS);
        outbox.enqueue(id, OutboxKind.PARERE_REQUEST.name(), null, rid.toString());
    }

    /**
     * The applicant's integration is in: only the enti whose last parere asked for it (conformation) are consulted
     * again, each request naming the parere it follows.
     */
    void reconsultAfterIntegration(UUID id) {
        StatoPratica state = stateOf(id);
        transition(id, state, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        int round = jdbc.queryForObject("select round + 1 from pratica where id = ?", Integer.class, id);
        jdbc.update("update pratica set round = ?, outcome_proposed = null, updated_at = now() where id = ?", round, id);
        List<Map<String, Object>> toAsk = jdbc.queryForList("""
                select distinct on (ente_code) id, ente_code, esito from richiesta_parere
                 where pratica_id = ? and status = 'ANSWERED' order by ente_code, round desc""", id)
                .stream().filter(r -> Esito.CONFORMAZIONE.name().equals(r.get("esito"))).toList();
        LocalDate today = LocalDate.now();
        List<String> codes = new ArrayList<>();
        for (Map<String, Object> r : toAsk) {
            Ente ente = props.ente((String) r.get("ente_code")).orElse(null);
            if (ente == null) continue;
            requestParere(id, ente, round, (UUID) r.get("id"), today);
            codes.add(ente.code());
        }
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "istruttoria", "ROUND_" + round, null,
                "integration received: pareri requested again from " + codes);
        if (codes.isEmpty()) {
            proposeOutcome(id, StatoPratica.IN_ISTRUTTORIA);
        }
    }

    /**
     * The enti to consult: on the SSU the competent administrations of the descriptor, on the scrivania the
     * ente-coinvolto entries resolved at intake; either way only enti of the registry.
     */
    private List<Ente> competentEnti(UUID id, Canale canale) {
        if (canale != Canale.SSU) {
            JsonNode dati = JsonColumns.read(json, jdbc.queryForObject("select coalesce(dati::text, '{}') from pratica where id = ?", String.class, id));
            List<Ente> out = new ArrayList<>();
            dati.path("enti").forEach(c -> props.ente(c.asText()).ifPresent(out::add));
            return out;
        }
        JsonNode descriptor = descriptorOf(id);
        Map<String, Ente> enti = new LinkedHashMap<>();
        for (AmministrazioneCompetente a : ssu.fromDescriptor(descriptor).competentAdministrations()) {
            if (props.isSuap(a.ipaCode(), a.officeCode())) continue;
            props.enteByAdministration(a.ipaCode(), a.officeCode()).ifPresentOrElse(
                    e -> enti.putIfAbsent(e.code(), e),
                    () -> timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "resolve_ente", "UNKNOWN_ENTE", null,
                            "no ente registered for " + a.ipaCode() + "/" + a.officeCode() + " (" + a.proceedingCode() + ")"));
        }
        return new ArrayList<>(enti.values());
    }

    // ---------------------------------------------------------------- Geowork and pareri

    @Transactional
    public void onGeoworkRegistered(UUID id, String protocol, boolean alreadyRegistered) {
        jdbc.update("update pratica set geowork_protocol = ?, updated_at = now() where id = ?", protocol, id);
        timeline.record(id, TimelineStore.OUT, "GEOWORK", "registraPratica", alreadyRegistered ? "ALREADY_REGISTERED" : "REGISTERED",
                null, "protocollo " + protocol);
    }

    @Transactional
    public void onParereRequestSent(UUID richiestaId, String enteCode, String sha256) {
        UUID id = jdbc.queryForObject("update richiesta_parere set sent_at = coalesce(sent_at, now()) where id = ? returning pratica_id",
                UUID.class, richiestaId);
        timeline.record(id, TimelineStore.OUT, "ENTE " + enteCode, "richiesta_parere", "SENT", sha256,
                "request " + richiestaId);
    }

    /**
     * An ente's reply. The ente is identified by its authenticated broker user, never by the payload; a reply
     * for an unknown or already answered request is set aside (dead letter) and stops nothing.
     */
    @Transactional
    public EsitoRisposta onParere(Parere parere, String brokerUser, String rawBody) {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select pratica_id, ente_code, status, reply_id from richiesta_parere where id = ?", parere.richiestaId());
        if (rows.isEmpty()) {
            return reject(null, "reply for unknown request " + parere.richiestaId(), brokerUser, rawBody);
        }
        UUID id = (UUID) rows.get(0).get("pratica_id");
        lock(id);
        Map<String, Object> r = jdbc.queryForMap(
                "select ente_code, status, reply_id from richiesta_parere where id = ?", parere.richiestaId());
        String enteCode = (String) r.get("ente_code");
        if (parere.replyId().equals(r.get("reply_id"))) {
            return EsitoRisposta.DUPLICATE_DELIVERY;
        }
        Ente ente = props.ente(enteCode).orElseThrow();
        if (brokerUser == null || !brokerUser.equals(ente.brokerUser())) {
            return reject(id, "request " + parere.richiestaId() + " belongs to " + enteCode
                    + " but the reply was sent by broker user " + brokerUser, brokerUser, rawBody);
        }
        if (!enteCode.equals(parere.enteCode())) {
            return reject(id, "reply names ente " + parere.enteCode() + " but request " + parere.richiestaId()
                    + " belongs to " + enteCode, brokerUser, rawBody);
        }
        if ("ANSWERED".equals(r.get("status"))) {
            return reject(id, "request " + parere.richiestaId() + " was already answered", brokerUser, rawBody);
        }
        recordParere(id, enteCode, parere, brokerUser, SsuHashes.sha256Hex(rawBody));
        return EsitoRisposta.RECORDED;
    }

    /** Records an ente's parere on its open request (caller holds the pratica lock) and moves the istruttoria on. */
    void recordParere(UUID id, String enteCode, Parere parere, String replyUser, String rawHash) {
        jdbc.update("""
                update richiesta_parere set status = 'ANSWERED', answered_at = now(), esito = ?,
                       prescrizioni = cast(? as jsonb), integrazioni = cast(? as jsonb), motivazione = ?, firmatario = ?,
                       reply_id = ?, reply_user = ?
                 where id = ?""",
                parere.esito().name(), JsonColumns.write(json, parere.prescrizioni()),
                JsonColumns.write(json, parere.integrazioni()), parere.motivazione(),
                parere.firmatario(), parere.replyId(), replyUser, parere.richiestaId());
        timeline.record(id, TimelineStore.IN, "ENTE " + enteCode, "risposta_parere", parere.esito().name(),
                rawHash, "reply " + parere.replyId());
        Integer open = jdbc.queryForObject(
                "select count(*) from richiesta_parere where pratica_id = ? and status = 'OPEN'", Integer.class, id);
        StatoPratica state = stateOf(id);
        if (open == 0 && state == StatoPratica.IN_ISTRUTTORIA) {
            proposeOutcome(id, state);
        }
    }

    private EsitoRisposta reject(UUID praticaId, String reason, String brokerUser, String rawBody) {
        log.warn("Reply set aside: {}", reason);
        deadLetters.addRejectedReply(props.pareri().replyQueue(), reason, rawBody, brokerUser, praticaId);
        if (praticaId != null) {
            timeline.record(praticaId, TimelineStore.IN, "BROKER", "risposta_parere", "REJECTED", null, reason);
        }
        return EsitoRisposta.REJECTED;
    }

    void proposeOutcome(UUID id, StatoPratica state) {
        if (channelOf(id) == Canale.GEOPOST) {
            transition(id, state, Lifecycle.Evento.ALL_PARERI_RECEIVED);
            Esito proposed = osp.propose(id);
            jdbc.update("update pratica set outcome_proposed = ? where id = ?", proposed.name(), id);
            outbox.enqueue(id, OutboxKind.GEOWORK_PROPOSE_OUTCOME.name(), "geowork:" + id, proposed.name());
            return;
        }
        // each ente's latest parere counts: an earlier conformation is superseded by the answer after the integration
        List<Esito> esiti = jdbc.queryForList("""
                select distinct on (ente_code) esito from richiesta_parere
                 where pratica_id = ? and status = 'ANSWERED' order by ente_code, round desc""", String.class, id)
                .stream().map(Esito::valueOf).toList();
        Esito esito = Esito.combine(esiti);
        transition(id, state, Lifecycle.Evento.ALL_PARERI_RECEIVED);
        jdbc.update("update pratica set outcome_proposed = ? where id = ?", esito.name(), id);
        outbox.enqueue(id, OutboxKind.GEOWORK_PROPOSE_OUTCOME.name(), "geowork:" + id, esito.name());
    }

    public List<GeoworkMapper.SintesiParere> sintesiPareri(UUID id) {
        return jdbc.query("""
                select distinct on (ente_code) ente_code, esito, prescrizioni, motivazione from richiesta_parere
                 where pratica_id = ? and status = 'ANSWERED' order by ente_code, round desc""",
                (rs, i) -> new GeoworkMapper.SintesiParere(rs.getString(1), rs.getString(2),
                        JsonColumns.strings(json, rs.getString(3)), rs.getString(4)), id);
    }

    @Transactional
    public void onOutcomeProposed(UUID id, String esito) {
        timeline.record(id, TimelineStore.OUT, "GEOWORK", "proponiEsito", "ACCEPTED", null, esito);
    }

    /** The funzionario's validation from Geowork: ends the pratica and tells the front-office and the Catalogo. */
    @Transactional
    public StatoPratica onOutcomeValidated(GeoworkMapper.Validazione v) {
        UUID id;
        try {
            id = UUID.fromString(v.praticaId());
        } catch (IllegalArgumentException e) {
            throw new SsuException(SsuErrorCode.ERROR_404_001, "unknown pratica " + v.praticaId());
        }
        if (jdbc.queryForList("select id from pratica where id = ? for update", UUID.class, id).isEmpty()) {
            throw new SsuException(SsuErrorCode.ERROR_404_001, "unknown pratica " + v.praticaId());
        }
        String current = GeoworkMapper.proposalKey(id.toString(), roundOf(id));
        if (v.idProposta() != null && !v.idProposta().equals(current)) {
            // a late repeat of the validation of an earlier round: it must not decide the current one
            timeline.record(id, TimelineStore.IN, "GEOWORK", "notificaValidazioneEsito", "STALE", null,
                    "validation of proposal " + v.idProposta() + " ignored; the current proposal is " + current);
            return stateOf(id);
        }
        return validate(id, v.esito(), v.funzionario(), null, "GEOWORK");
    }

    /**
     * The funzionario's validation of the proposed outcome, from Geowork's callback or the gateway's own API (where
     * he may also edit the text of an OSP communication). A repeated validation of an answered round changes nothing.
     */
    @Transactional
    public StatoPratica validate(UUID id, Esito esito, String funzionario, String testo, String source) {
        lock(id);
        Map<String, Object> p = jdbc.queryForMap("select state, channel, outcome_validated from pratica where id = ?", id);
        StatoPratica state = StatoPratica.valueOf((String) p.get("state"));
        Canale canale = Canale.valueOf((String) p.get("channel"));
        if (state != StatoPratica.OUTCOME_PROPOSED && esito.name().equals(p.get("outcome_validated"))) {
            return state; // Geowork repeated its callback
        }
        StatoPratica next = transition(id, state, Lifecycle.validated(esito, canale));
        jdbc.update("update pratica set outcome_validated = ?, validated_by = ? where id = ?",
                esito.name(), funzionario, id);
        timeline.record(id, TimelineStore.IN, source, "GEOWORK".equals(source) ? "notificaValidazioneEsito" : "validazione",
                esito.name(), null, "validated by " + funzionario);
        if (canale == Canale.GEOPOST) {
            osp.onValidated(id, next, esito, funzionario, testo);
            return next;
        }
        // the pratica is answered on the channel it arrived on
        if (canale == Canale.SCRIVANIA) {
            long protocollo = jdbc.queryForObject("select nextval('scrivania_protocollo_seq')", Long.class);
            outbox.enqueue(id, OutboxKind.SCRIVANIA_SEND.name(), "scrivania:" + id,
                    ScrivaniaService.answerPayload(next, esito, protocollo, LocalDate.now()));
        } else {
            outbox.enqueue(id, OutboxKind.FO_NOTIFY.name(), "fo:" + id, next.ssuEvent());
            outbox.enqueue(id, OutboxKind.CATALOGO_AUDIT.name(), "catalogo:" + id, next.ssuEvent());
        }
        return next;
    }

    @Transactional
    public void onFrontOfficeCalled(UUID id, String operation, String sha256, String detail) {
        if ("notify".equals(operation)) {
            jdbc.update("update pratica set fo_notified_at = now(), updated_at = now() where id = ?", id);
        }
        timeline.record(id, TimelineStore.OUT, "FRONTOFFICE", operation, "DELIVERED", sha256, detail);
    }

    @Transactional
    public void onAudited(UUID id, String message, String sha256, String responseType) {
        timeline.record(id, TimelineStore.OUT, "CATALOGO", "audit " + message, responseType, sha256, null);
    }

    // ---------------------------------------------------------------- reads for the flows

    public PraticaCanonica canonical(UUID id) {
        Map<String, Object> p = jdbc.queryForMap("select * from pratica where id = ?", id);
        List<DocumentoVerificato> docs = jdbc.query("""
                select d.sha256, d.name, d.mime_type, x.size from pratica_documento d join documento x on x.sha256 = d.sha256
                 where d.pratica_id = ? and d.status = 'VERIFIED' order by d.resource_id""",
                (rs, i) -> new DocumentoVerificato(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)), id);
        List<Ente> enti = jdbc.queryForList("select distinct ente_code from richiesta_parere where pratica_id = ? order by ente_code",
                String.class, id).stream().map(c -> props.ente(c).orElseThrow()).toList();
        List<VoceChecklist> checklist = Canale.GEOPOST.name().equals(p.get("channel")) ? osp.latestChecklist(id) : List.of(
                new VoceChecklist("DOCUMENTI_INTEGRI", "Documents fetched and hash-verified", "PASS",
                        docs.size() + " documents"),
                new VoceChecklist("ALLEGATO_1", "Pre-istruttoria checks (Allegato 1)", "DA_VERIFICARE",
                        "automatic checks not configured for this procedure"));
        return new PraticaCanonica(id, (String) p.get("cui_uuid"), Canale.valueOf((String) p.get("channel")),
                (String) p.get("procedure_code"), (String) p.get("procedure_version"), (String) p.get("regime"),
                (String) p.get("municipality"), (String) p.get("applicant_cf"),
                ((Timestamp) p.get("presented_at")).toInstant().atOffset(java.time.ZoneOffset.UTC), docs, enti, checklist);
    }

    /**
     * A request to send, with what every channel needs: the pratica's code and applicant (the PEC subject and body
     * name them) and, from round 2 on, the earlier parere it follows.
     */
    public record RichiestaDaInviare(UUID id, UUID praticaId, String enteCode, int round, LocalDate deadline,
                                     String canale, String codicePratica, String codiceFiscale, String denominazione,
                                     String protocolloRi, UUID previousId, String previousEsito) {
    }

    public RichiestaDaInviare richiesta(UUID richiestaId) {
        return jdbc.queryForObject("""
                select r.id, r.pratica_id, r.ente_code, r.round, r.deadline, p.channel, p.codice_pratica, p.applicant_cf,
                       p.dati ->> 'denominazione', p.dati ->> 'protocolloRi', r.previous_id, prev.esito
                  from richiesta_parere r join pratica p on p.id = r.pratica_id
                  left join richiesta_parere prev on prev.id = r.previous_id
                 where r.id = ?""",
                (rs, i) -> new RichiestaDaInviare((UUID) rs.getObject(1), (UUID) rs.getObject(2), rs.getString(3),
                        rs.getInt(4), rs.getDate(5).toLocalDate(), rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.getString(9), rs.getString(10), (UUID) rs.getObject(11), rs.getString(12)), richiestaId);
    }

    /** The verified documents of a pratica with their content, for channels that carry documents (PEC). */
    public List<Map<String, Object>> documentsWithContent(UUID id) {
        return jdbc.queryForList("""
                select d.name, d.mime_type, d.sha256, x.size, x.content from pratica_documento d join documento x on x.sha256 = d.sha256
                 where d.pratica_id = ? and d.status = 'VERIFIED' order by d.resource_id""", id);
    }

    public JsonNode cuiOf(UUID id) {
        return JsonColumns.read(json, jdbc.queryForObject("select cui::text from pratica where id = ?", String.class, id));
    }

    public String descriptorVersionOf(UUID id) {
        return jdbc.queryForObject("select descriptor_version from pratica where id = ?", String.class, id);
    }

    /** The funzionario rejects the composed communication of an OSP istanza; it waits for his own decision. */
    @Transactional
    public boolean rejectProposal(UUID id, String funzionario) {
        lock(id);
        return osp.reject(id, funzionario);
    }

    public int reminders(UUID richiestaId) {
        return jdbc.queryForObject("select reminders from richiesta_parere where id = ?", Integer.class, richiestaId);
    }

    /**
     * Open requests past their deadline: flagged overdue, and reminded on the ente's channel at most once per
     * {@code reminderEvery}.
     * @return how many reminders were scheduled
     */
    @Transactional
    public int remindOverdue(java.time.Duration reminderEvery) {
        List<Map<String, Object>> due = jdbc.queryForList("""
                select id, pratica_id, ente_code, deadline from richiesta_parere
                 where status = 'OPEN' and deadline < current_date
                   and (reminded_at is null or reminded_at < now() - make_interval(secs => ?))
                 for update skip locked""", (double) reminderEvery.toSeconds());
        for (Map<String, Object> r : due) {
            UUID rid = (UUID) r.get("id");
            UUID id = (UUID) r.get("pratica_id");
            jdbc.update("""
                    update richiesta_parere set overdue_at = coalesce(overdue_at, now()), reminded_at = now(),
                           reminders = reminders + 1 where id = ?""", rid);
            outbox.enqueue(id, OutboxKind.PARERE_REMINDER.name(), null, rid.toString());
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "scadenza parere " + r.get("ente_code"), "OVERDUE", null,
                    "deadline " + r.get("deadline") + " passed: reminder scheduled");
        }
        return due.size();
    }

    public int roundOf(UUID id) {
        return jdbc.queryForObject("select round from pratica where id = ?", Integer.class, id);
    }

    public String cuiUuidOf(UUID id) {
        return jdbc.queryForObject("select cui_uuid from pratica where id = ?", String.class, id);
    }

    private JsonNode descriptorOf(UUID id) {
        return JsonColumns.read(json, jdbc.queryForObject("select descriptor::text from pratica where id = ?", String.class, id));
    }

    private UUID praticaIdByCui(String cuiUuid) {
        List<UUID> ids = jdbc.queryForList("select id from pratica where cui_uuid = ? for update", UUID.class, cuiUuid);
        if (ids.isEmpty()) {
            throw new SsuException(SsuErrorCode.ERROR_500_002, "no instance with CUI uuid " + cuiUuid);
        }
        return ids.get(0);
    }

    Canale channelOf(UUID id) {
        return Canale.valueOf(jdbc.queryForObject("select channel from pratica where id = ?", String.class, id));
    }

    StatoPratica stateOf(UUID id) {
        return StatoPratica.valueOf(jdbc.queryForObject("select state from pratica where id = ?", String.class, id));
    }

    void lock(UUID id) {
        jdbc.queryForObject("select id from pratica where id = ? for update", UUID.class, id);
    }

    StatoPratica transition(UUID id, StatoPratica from, Lifecycle.Evento event) {
        StatoPratica to = Lifecycle.next(from, event);
        jdbc.update("update pratica set state = ?, updated_at = now() where id = ? and state = ?", to.name(), id, from.name());
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "state", to.apiName(), null,
                from.apiName() + " -> " + to.apiName() + " (" + event + ")");
        return to;
    }
}
