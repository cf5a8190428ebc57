package it.comune.milano.suapgw.gateway.termini;

import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.ConferenzaRepository;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.gateway.termini.TermineRepository.Termine;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.TerminiIstanza;
import it.comune.milano.suapgw.model.TerminiIstanza.Tipo;
import org.springframework.stereotype.Service;

import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The procedural terms of a pratica (the SSU times): each a durable timer — an outbox entry due when the term runs
 * out, so it fires once whatever the restarts and the instances — computed by the legal calendar. A term reacts to
 * the lifecycle (met, suspended during an integration, closed at the end); whenever a term changes the Catalogo is
 * told ({@code update_times}). Runs in the caller's transaction, the pratica locked.
 */
@Service
public class TermineService {
    static final String SOSPENSIONE_INTEGRAZIONE = "richiesta di integrazione al presentatore";

    private final TermineRepository termini;
    private final PraticaRepository pratiche;
    private final OutboxStore outbox;
    private final CalendarioLegale calendario;
    private final TermClock clock;
    private final TimelineStore timeline;
    private final SsuMapper ssu;
    private final ConferenzaRepository conferenze;

    public TermineService(TermineRepository termini, PraticaRepository pratiche, OutboxStore outbox,
                          CalendarioLegale calendario, TermClock clock, TimelineStore timeline, SsuMapper ssu,
                          ConferenzaRepository conferenze) {
        this.conferenze = conferenze;
        this.termini = termini;
        this.pratiche = pratiche;
        this.outbox = outbox;
        this.calendario = calendario;
        this.clock = clock;
        this.timeline = timeline;
        this.ssu = ssu;
    }

    public LocalDate today() {
        return clock.today();
    }

    /**
     * Sets the terms from {@code t}, counted from {@code start}: new terms are scheduled, running ones recomputed
     * (their suspensions kept). The Catalogo is told when the start differs from what it holds.
     */
    public void imposta(UUID id, TerminiIstanza t, LocalDate start) {
        Instant now = Instant.now();
        for (Map.Entry<Tipo, Integer> e : t.giorni().entrySet()) {
            Optional<Termine> existing = termini.find(id, e.getKey());
            if (existing.isEmpty()) {
                LocalDate due = due(start, e.getValue(), 0);
                long tid = termini.insert(id, e.getKey(), start, e.getValue(), due, now, clock.fireAt(now, start, due));
                schedule(termini.lock(tid).orElseThrow());
            } else if (existing.get().running()) {
                Termine x = existing.get();
                LocalDate due = due(start, e.getValue(), x.giorniSospesi());
                termini.reschedule(x.id(), start, e.getValue(), x.giorniSospesi(), due,
                        clock.fireAt(x.anchorAt(), start, due), x.state());
                if (TermineRepository.ATTIVO.equals(x.state())) schedule(termini.lock(x.id()).orElseThrow());
            }
        }
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "termini", "SET", null, "from " + start + ": " + t.giorni());
        if (!start.equals(t.start())) updateTimes(id);
    }

    /** The terms as the Catalogo knows them: the start and each length, the proceeding's including its suspensions. */
    public Optional<TerminiIstanza> attuali(UUID id) {
        List<Termine> all = termini.of(id);
        if (all.isEmpty()) return Optional.empty();
        Map<Tipo, Integer> giorni = new EnumMap<>(Tipo.class);
        all.forEach(x -> giorni.put(x.kind(), x.giorni() + x.giorniSospesi()));
        return Optional.of(new TerminiIstanza(all.get(0).inizio(), giorni));
    }

    public List<Termine> of(UUID id) {
        return termini.of(id);
    }

    public List<Map<String, Object>> suspensions(UUID id) {
        return termini.suspensions(id);
    }

    /** The due date of a running term of that kind, if the pratica has one. */
    public Optional<LocalDate> scadenza(UUID id, Tipo kind) {
        return termini.find(id, kind).filter(Termine::running).map(Termine::scadenza);
    }

    /** Whether the term of that kind ran out (a pratica without such a term has none to run out). */
    public boolean scaduto(UUID id, Tipo kind) {
        return termini.find(id, kind).map(t -> TermineRepository.SCADUTO.equals(t.state())).orElse(false);
    }

    /** Whether the term of that kind is running and not suspended. */
    public boolean attivo(UUID id, Tipo kind) {
        return termini.find(id, kind).map(t -> TermineRepository.ATTIVO.equals(t.state())).orElse(false);
    }

    /** The lifecycle moved: the terms it meets are closed, the proceeding suspended or resumed, all closed at the end. */
    public void onTransition(UUID id, StatoPratica from, StatoPratica to) {
        if (to.isFinal()) {
            termini.of(id).stream().filter(Termine::running).forEach(t -> close(t, "the pratica ended: " + to.apiName()));
            return;
        }
        switch (to) {
            case ADMISSIBILITY_CHECK, CORRECTION_REQUESTED -> close(id, Tipo.CORREZIONE, "formal check done");
            case IN_ISTRUTTORIA -> {
                close(id, Tipo.CORREZIONE, "formal check done");
                close(id, Tipo.AMMISSIBILITA, "admissible");
            }
            case OUTCOME_PROPOSED -> {
                close(id, Tipo.CONCLUSIONI, "every ente answered");
                close(id, Tipo.RICHIESTA_INTEGRAZIONI, "every ente answered");
            }
            case INTEGRATION_REQUESTED -> {
                close(id, Tipo.RICHIESTA_INTEGRAZIONI, "integration requested from the applicant");
                suspend(id, Tipo.PROCEDIMENTO, SOSPENSIONE_INTEGRAZIONE);
            }
            case INTEGRATED -> {
                close(id, Tipo.INTEGRAZIONE, "integration received");
                resume(id, Tipo.PROCEDIMENTO);
            }
            default -> {
            }
        }
    }

    /**
     * A timer went off: the term, locked, if it is still running and due (a stale timer of a moved term does nothing).
     */
    public Optional<Termine> expire(long termineId) {
        Optional<Termine> t = termini.lock(termineId);
        if (t.isEmpty() || !TermineRepository.ATTIVO.equals(t.get().state())) return Optional.empty();
        if (t.get().fireAt() != null && t.get().fireAt().isAfter(Instant.now().plusMillis(50))) return Optional.empty();
        termini.setState(termineId, TermineRepository.SCADUTO);
        timeline.record(t.get().praticaId(), TimelineStore.INTERNAL, "GATEWAY", "termine " + t.get().kind(), "SCADUTO", null,
                "due " + t.get().scadenza() + " (" + t.get().giorni() + " days from " + t.get().inizio()
                        + (t.get().giorniSospesi() > 0 ? ", " + t.get().giorniSospesi() + " suspended" : "") + ")");
        return t;
    }

    private void close(UUID id, Tipo kind, String why) {
        termini.find(id, kind).filter(Termine::running).ifPresent(t -> close(t, why));
    }

    private void close(Termine t, String why) {
        termini.setState(t.id(), TermineRepository.CHIUSO);
        if (t.outboxId() != null) outbox.cancel(t.outboxId());
        timeline.record(t.praticaId(), TimelineStore.INTERNAL, "GATEWAY", "termine " + t.kind(), "CHIUSO", null, why);
    }

    private void suspend(UUID id, Tipo kind, String motivo) {
        Optional<Termine> t = termini.find(id, kind).filter(x -> TermineRepository.ATTIVO.equals(x.state()));
        if (t.isEmpty()) return;
        termini.setState(t.get().id(), TermineRepository.SOSPESO);
        if (t.get().outboxId() != null) outbox.cancel(t.get().outboxId());
        termini.openSuspension(id, clock.today(), Instant.now(), motivo);
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "termine " + kind, "SOSPESO", null, motivo);
    }

    private void resume(UUID id, Tipo kind) {
        Optional<Termine> t = termini.find(id, kind).filter(x -> TermineRepository.SOSPESO.equals(x.state()));
        if (t.isEmpty()) return;
        Termine x = t.get();
        int added = 0;
        Optional<Object[]> open = termini.openSuspension(id);
        if (open.isPresent()) {
            Instant now = Instant.now();
            LocalDate al = clock.today();
            added = clock.suspendedDays((LocalDate) open.get()[1], al, (Instant) open.get()[2], now);
            termini.closeSuspension((Long) open.get()[0], al, now, added);
        }
        int sospesi = x.giorniSospesi() + added;
        LocalDate due = due(x.inizio(), x.giorni(), sospesi);
        termini.reschedule(x.id(), x.inizio(), x.giorni(), sospesi, due, clock.fireAt(x.anchorAt(), x.inizio(), due),
                TermineRepository.ATTIVO);
        schedule(termini.lock(x.id()).orElseThrow());
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "termine " + kind, "RIPRESO", null,
                added + " days suspended, now due " + due);
        updateTimes(id);
    }

    /** The due date: start day not counted, suspended days added, moved past Sundays and holidays. */
    private LocalDate due(LocalDate start, int giorni, int sospesi) {
        return calendario.scadenza(start, giorni + sospesi, List.of()).scadenza();
    }

    private void schedule(Termine t) {
        if (t.outboxId() != null) outbox.cancel(t.outboxId());
        long entry = outbox.enqueueAt(t.praticaId(), OutboxKind.TERM_EXPIRY.name(), String.valueOf(t.id()), t.fireAt());
        termini.setOutbox(t.id(), entry);
    }

    /** The Catalogo holds the instance's times: it hears of every change (catalogo-ssu_to_bo /update_times). */
    private void updateTimes(UUID id) {
        attuali(id).ifPresent(t -> {
            var body = ssu.updateTimes(pratiche.cuiOf(id), t);
            conferenze.find(id).filter(c -> c.dataConvocazione() != null).ifPresent(c ->
                    ((com.fasterxml.jackson.databind.node.ObjectNode) body.get("times")).put("date_cdss", c.dataConvocazione().toString()));
            outbox.enqueue(id, OutboxKind.CATALOGO_UPDATE_TIMES.name(), "catalogo:" + id, body.toString());
        });
    }

    /** A conferenza was convened: the Catalogo hears its date with the instance's times. */
    public void conferenzaConvocata(UUID id) {
        updateTimes(id);
    }
}
