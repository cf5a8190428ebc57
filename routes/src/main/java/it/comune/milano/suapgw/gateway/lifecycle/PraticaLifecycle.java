package it.comune.milano.suapgw.gateway.lifecycle;

import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.gateway.termini.TermineService;
import it.comune.milano.suapgw.model.StatoPratica;
import org.springframework.stereotype.Component;

import java.util.UUID;

/**
 * Applies a lifecycle transition to a stored pratica (caller's transaction, pratica locked), puts it on the timeline
 * and lets the terms react (met, suspended, resumed, closed).
 */
@Component
public class PraticaLifecycle {
    private final PraticaRepository pratiche;
    private final TimelineStore timeline;
    private final TermineService termini;

    public PraticaLifecycle(PraticaRepository pratiche, TimelineStore timeline, TermineService termini) {
        this.pratiche = pratiche;
        this.timeline = timeline;
        this.termini = termini;
    }

    /** @throws LifecycleException when the pratica's state does not take the event */
    public StatoPratica transition(UUID id, StatoPratica from, Lifecycle.Evento event) {
        StatoPratica to = Lifecycle.next(from, event);
        pratiche.updateState(id, from, to);
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "state", to.apiName(), null,
                from.apiName() + " -> " + to.apiName() + " (" + event + ")");
        termini.onTransition(id, from, to);
        return to;
    }

    /** The transition from the pratica's current state. */
    public StatoPratica transition(UUID id, Lifecycle.Evento event) {
        return transition(id, pratiche.stateOf(id), event);
    }
}
