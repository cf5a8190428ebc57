package it.comune.milano.suapgw.gateway.pareri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicies;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicy;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.istruttoria.IntegrazioniService;
import it.comune.milano.suapgw.gateway.istruttoria.CanonicalPratiche;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.DeadLetterStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.DaInviare;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Parere;
import it.comune.milano.suapgw.model.PraticaCanonica;
import it.comune.milano.suapgw.model.RichiestaParere;
import it.comune.milano.suapgw.model.StatoPratica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import it.comune.milano.suapgw.gateway.termini.ScadenzaHandler;
import it.comune.milano.suapgw.model.TerminiIstanza;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The pareri of every channel: what a request carries, its booking once sent, the ente's answer (one canonical
 * parere whether it came by broker or PEC), which moves the istruttoria on once the round is complete, and the
 * reminders of overdue requests.
 */
@Service
public class PareriService {
    private static final Logger log = LoggerFactory.getLogger(PareriService.class);

    public enum EsitoRisposta { RECORDED, DUPLICATE_DELIVERY, REJECTED }

    private final PareriRepository pareri;
    private final PraticaRepository pratiche;
    private final CanonicalPratiche canonical;
    private final ChannelPolicies channels;
    private final IntegrazioniService rounds;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final DeadLetterStore deadLetters;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public PareriService(PareriRepository pareri, PraticaRepository pratiche, CanonicalPratiche canonical,
                         ChannelPolicies channels, IntegrazioniService rounds, OutboxStore outbox, TimelineStore timeline,
                         DeadLetterStore deadLetters, GatewayProperties props, ObjectMapper json) {
        this.json = json;
        this.pareri = pareri;
        this.pratiche = pratiche;
        this.canonical = canonical;
        this.channels = channels;
        this.rounds = rounds;
        this.outbox = outbox;
        this.timeline = timeline;
        this.deadLetters = deadLetters;
        this.props = props;
    }

    /** A request about to be sent, with the pratica as the ente sees it. */
    public record Invio(RichiestaParere richiesta, DaInviare dati, PraticaCanonica pratica, Ente ente) {
    }

    /** @param sollecito whether this is a reminder (it then carries the reminder count) */
    public Invio invio(UUID richiestaId, boolean sollecito) {
        DaInviare r = pareri.daInviare(richiestaId);
        Ente ente = props.ente(r.enteCode())
                .orElseThrow(() -> new IllegalStateException("ente " + r.enteCode() + " no longer in the registry"));
        PraticaCanonica p = canonical.of(r.praticaId());
        ChannelPolicy channel = channels.of(r.canale());
        RichiestaParere richiesta = new RichiestaParere(r.id(), r.praticaId(), r.enteCode(), r.round(), r.deadline(),
                r.codicePratica(), r.canale(), channel.checklistInParereRequest() ? p.checklist() : null,
                sollecito ? r.reminders() : 0,
                r.previousId() == null ? null : new RichiestaParere.ParerePrecedente(r.previousId(), r.previousEsito()));
        return new Invio(richiesta, r, p, ente);
    }

    @Transactional
    public void onRequestSent(UUID richiestaId, String enteCode, String sha256) {
        UUID id = pareri.markSent(richiestaId);
        timeline.record(id, TimelineStore.OUT, "ENTE " + enteCode, "richiesta_parere", "SENT", sha256, "request " + richiestaId);
    }

    /**
     * An ente's reply on the broker. The ente is identified by its authenticated broker user, never by the payload;
     * a reply for an unknown or already answered request is set aside (dead letter) and stops nothing.
     */
    @Transactional
    public EsitoRisposta onBrokerReply(Parere parere, Ente from, String queue, String rawBody) {
        String brokerUser = from.brokerUser();
        PareriRepository.Richiesta r = pareri.find(parere.richiestaId()).orElse(null);
        if (r == null) return reject(null, queue, DeadLetterStore.REPLY_REJECTED, "reply for unknown request " + parere.richiestaId(),
                brokerUser, rawBody);
        PraticaMdc.set(r.praticaId(), null);
        pratiche.lock(r.praticaId());
        r = pareri.find(parere.richiestaId()).orElseThrow();
        // who sent it first: a foreign reply is a security matter even when it reuses a stored reply id
        if (!r.enteCode().equals(from.code())) {
            return reject(r.praticaId(), queue, DeadLetterStore.SECURITY, "request " + r.id() + " belongs to " + r.enteCode()
                    + " but the reply came from " + from.code() + " (broker user " + brokerUser + ")", brokerUser, rawBody);
        }
        if (!r.enteCode().equals(parere.enteCode())) {
            return reject(r.praticaId(), queue, DeadLetterStore.SECURITY, "reply names ente " + parere.enteCode() + " but request "
                    + r.id() + " belongs to " + r.enteCode(), brokerUser, rawBody);
        }
        if (parere.replyId().equals(r.replyId())) return EsitoRisposta.DUPLICATE_DELIVERY;
        if (r.answered()) return reject(r.praticaId(), queue, DeadLetterStore.REPLY_REJECTED, "request " + r.id()
                + " was already answered", brokerUser, rawBody);
        record(r.praticaId(), r.enteCode(), parere, brokerUser, ContentHashes.sha256Hex(rawBody));
        return EsitoRisposta.RECORDED;
    }

    /**
     * Records an ente's parere on its open request (caller's transaction, pratica locked) and, when it was the last
     * one of the round, proposes the outcome.
     */
    public void record(UUID id, String enteCode, Parere parere, String replyUser, String rawHash) {
        pareri.recordAnswer(parere, replyUser);
        timeline.record(id, TimelineStore.IN, "ENTE " + enteCode, "risposta_parere", parere.esito().name(), rawHash,
                "reply " + parere.replyId());
        if (pareri.countOpen(id) == 0 && pratiche.stateOf(id) == StatoPratica.IN_ISTRUTTORIA) {
            rounds.onRoundComplete(id);
        }
    }

    private EsitoRisposta reject(UUID praticaId, String queue, String category, String reason, String brokerUser, String rawBody) {
        log.warn("Reply set aside ({}): {}", category, reason);
        deadLetters.addReply(category, queue, reason, rawBody, brokerUser, praticaId);
        if (praticaId != null) {
            timeline.record(praticaId, TimelineStore.IN, "BROKER", "risposta_parere", "REJECTED", null, reason);
        }
        return EsitoRisposta.REJECTED;
    }

    static final String SILENZIO = "silenzio-assenso (art. 17-bis L. 241/1990): nessun parere entro il termine";

    /**
     * The enti's term ran out: every request still open counts as assent (its ente stayed silent), and the round is
     * complete. Caller's transaction, pratica locked.
     */
    public void silenzio(UUID id) {
        if (recordSilences(id) > 0 && pratiche.stateOf(id) == StatoPratica.IN_ISTRUTTORIA) rounds.onRoundComplete(id);
    }

    /**
     * Every request still open counts as assent, without completing the round (the caller decides what follows).
     * @return how many requests were closed
     */
    public int recordSilences(UUID id) {
        List<PareriRepository.Richiesta> open = pareri.open(id);
        for (PareriRepository.Richiesta r : open) {
            pareri.recordSilence(r.id(), SILENZIO);
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "risposta_parere " + r.enteCode(), "SILENZIO", null, SILENZIO);
        }
        return open.size();
    }

    /**
     * The applicant withdrew the instance: the open requests are closed and each ente asked hears it on its channel
     * (enti terzi on the SSU hear it by notify with the pratica's end). Caller's transaction, pratica locked.
     */
    public void annulla(UUID id) {
        closeAndTell(id, "CANCELLED", EVENTO_ANNULLAMENTO, null, false);
    }

    /**
     * A conferenza dei servizi is convened: the enti express themselves there, their open requests are closed, and
     * every ente consulted on the broker or by PEC hears the convocation (those on the SSU by notify cdss_convened).
     */
    public void conferenza(UUID id, JsonNode convocazione) {
        closeAndTell(id, "CDSS", EVENTO_CONFERENZA, convocazione, true);
    }

    public static final String EVENTO_ANNULLAMENTO = "end_by_submitter_cancel_requested";
    public static final String EVENTO_CONFERENZA = "cdss_convened";

    private void closeAndTell(UUID id, String reason, String evento, JsonNode conferenza, boolean everyEnteConsulted) {
        Map<String, List<UUID>> byEnte = new LinkedHashMap<>();
        if (everyEnteConsulted) pareri.enteCodesOf(id).forEach(c -> byEnte.put(c, new ArrayList<>()));
        for (PareriRepository.Richiesta r : pareri.closeOpen(id, reason)) {
            byEnte.computeIfAbsent(r.enteCode(), k -> new ArrayList<>()).add(r.id());
        }
        byEnte.forEach((ente, richieste) -> {
            if (props.ente(ente).map(Ente::bySsu).orElse(true)) return;
            var payload = json.createObjectNode().put("ente", ente).put("evento", evento);
            var list = payload.putArray("richieste");
            richieste.forEach(r -> list.add(r.toString()));
            if (conferenza != null) payload.set("conferenza", conferenza);
            outbox.enqueue(id, OutboxKind.PARERE_NOTIFICA.name(), null, payload.toString());
        });
        if (!byEnte.isEmpty()) {
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "richieste_parere", reason, null,
                    "open requests closed, enti told: " + byEnte.keySet());
        }
    }

    /** A notice to an ente about to be sent: the pratica, the ente, the event and the requests it closes. */
    public record Notifica(PraticaRepository.Testata pratica, Ente ente, String evento, List<UUID> richieste, JsonNode conferenza,
                           String codiceFiscale, String denominazione) {
    }

    /** @param payload {@code {ente, evento, richieste, conferenza}} as {@link #closeAndTell} booked it */
    public Notifica notifica(UUID id, String payload) {
        JsonNode p = JsonColumns.read(json, payload);
        String code = p.path("ente").asText();
        Ente ente = props.ente(code).orElseThrow(() -> new IllegalStateException("ente " + code + " no longer in the registry"));
        List<UUID> richieste = new ArrayList<>();
        p.path("richieste").forEach(r -> richieste.add(UUID.fromString(r.asText())));
        var testata = pratiche.testata(id);
        String cf = null, denominazione = null;
        if (!richieste.isEmpty()) {
            DaInviare d = pareri.daInviare(richieste.get(0));
            cf = d.codiceFiscale();
            denominazione = d.denominazione();
        } else {
            cf = testata.applicantCf();
        }
        return new Notifica(testata, ente, p.path("evento").asText(), richieste,
                p.hasNonNull("conferenza") ? p.get("conferenza") : null, cf, denominazione);
    }

    @Transactional
    public void onNoticeSent(UUID id, String enteCode, String evento, String sha256) {
        timeline.record(id, TimelineStore.OUT, "ENTE " + enteCode, "notifica", "SENT", sha256, evento);
    }

    /** The enti's term ({@code max_gg_concl_send}): silence is assent. */
    @org.springframework.stereotype.Component
    static class TermineConclusioni implements ScadenzaHandler {
        private final PareriService pareri;

        TermineConclusioni(PareriService pareri) {
            this.pareri = pareri;
        }

        @Override
        public TerminiIstanza.Tipo tipo() {
            return TerminiIstanza.Tipo.CONCLUSIONI;
        }

        @Override
        public void onScadenza(UUID id, StatoPratica state) {
            if (state == StatoPratica.IN_ISTRUTTORIA) pareri.silenzio(id);
        }
    }

    /**
     * Open requests past their deadline: flagged overdue, and reminded on the ente's channel at most once per
     * {@code reminderEvery}.
     * @return how many reminders were scheduled
     */
    @Transactional
    public int remindOverdue(Duration reminderEvery) {
        var due = pareri.lockOverdue(reminderEvery);
        for (PareriRepository.Scaduta r : due) {
            pareri.markReminded(r.id());
            outbox.enqueue(r.praticaId(), OutboxKind.PARERE_REMINDER.name(), null, r.id().toString());
            timeline.record(r.praticaId(), TimelineStore.INTERNAL, "GATEWAY", "scadenza parere " + r.enteCode(), "OVERDUE",
                    null, "deadline " + r.deadline() + " passed: reminder scheduled");
        }
        return due.size();
    }
}
