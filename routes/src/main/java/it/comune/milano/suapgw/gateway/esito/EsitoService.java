package it.comune.milano.suapgw.gateway.esito;

import it.comune.milano.suapgw.gateway.channel.ChannelPolicies;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicy;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.lifecycle.PraticaLifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.UnknownPraticaException;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.UUID;

/**
 * The outcome of a pratica: proposed to the funzionario (through Geowork) once the enti have answered, and released
 * on the pratica's channel once he validates it — from Geowork's callback or the gateway's own API.
 */
@Service
public class EsitoService {
    private final PraticaRepository pratiche;
    private final PareriRepository pareri;
    private final PraticaLifecycle lifecycle;
    private final ChannelPolicies channels;
    private final OutboxStore outbox;
    private final TimelineStore timeline;

    public EsitoService(PraticaRepository pratiche, PareriRepository pareri, PraticaLifecycle lifecycle,
                        ChannelPolicies channels, OutboxStore outbox, TimelineStore timeline) {
        this.pratiche = pratiche;
        this.pareri = pareri;
        this.lifecycle = lifecycle;
        this.channels = channels;
        this.outbox = outbox;
        this.timeline = timeline;
    }

    /**
     * Every ente of the round has answered (or none was to be asked): the outcome goes to Geowork, unless the channel
     * has none to propose yet. Caller's transaction.
     * @return whether an outcome was proposed
     */
    public boolean proposeOutcome(UUID id) {
        Esito esito = channels.of(pratiche.channelOf(id)).proposeOutcome(id, pareri.latestPareri(id));
        if (esito == null) {
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "esito", "NONE_YET", null,
                    "every ente answered, nobody objects: the pratica ends with its proceeding time");
            return false;
        }
        lifecycle.transition(id, Lifecycle.Evento.ALL_PARERI_RECEIVED);
        pratiche.setOutcomeProposed(id, esito);
        outbox.enqueue(id, OutboxKind.GEOWORK_PROPOSE_OUTCOME.name(), "geowork:" + id, esito.name());
        return true;
    }

    /** The pratica ends without a decision (terms, withdrawal, refusal): the transition, then its channel tells whom it must. */
    public StatoPratica end(UUID id, Lifecycle.Evento event) {
        StatoPratica next = lifecycle.transition(id, event);
        channels.of(pratiche.channelOf(id)).announce(id, next);
        return next;
    }

    /**
     * The funzionario's validation as Geowork reports it: a repeated callback for an outcome already validated
     * changes nothing and is answered with the current state.
     */
    @Transactional
    public StatoPratica validate(UUID id, Esito esito, String funzionario, String source) {
        if (!pratiche.lock(id)) throw new UnknownPraticaException("unknown pratica " + id);
        StatoPratica state = pratiche.stateOf(id);
        if (state != StatoPratica.OUTCOME_PROPOSED && esito.name().equals(pratiche.outcomeValidatedOf(id))) {
            return state;
        }
        return release(id, state, esito, funzionario, null, source);
    }

    /**
     * The funzionario's validation through the gateway's API, where he may also edit the text of the communication.
     * @throws LifecycleException when no outcome waits for validation
     */
    @Transactional
    public StatoPratica validateWithText(UUID id, Esito esito, String funzionario, String testo) {
        if (!pratiche.lock(id)) throw new UnknownPraticaException("unknown pratica " + id);
        StatoPratica state = requireOutcomeProposed(id);
        return release(id, state, esito, funzionario, testo, "FUNZIONARIO");
    }

    /** @throws LifecycleException unless an outcome waits for the funzionario's validation */
    public StatoPratica requireOutcomeProposed(UUID id) {
        StatoPratica state = pratiche.stateOf(id);
        if (!Lifecycle.accepts(state, Lifecycle.Evento.VALIDATED_POSITIVE)) {
            throw new LifecycleException(LifecycleException.Kind.EVENT_NOT_EXPECTED,
                    "nothing to validate: the istanza is " + state.apiName());
        }
        return state;
    }

    private StatoPratica release(UUID id, StatoPratica state, Esito esito, String funzionario, String testo, String source) {
        ChannelPolicy channel = channels.of(pratiche.channelOf(id));
        StatoPratica next = lifecycle.transition(id, state, channel.validationEvent(id, esito));
        pratiche.setOutcomeValidated(id, esito, funzionario);
        timeline.record(id, TimelineStore.IN, source, "GEOWORK".equals(source) ? "notificaValidazioneEsito" : "validazione",
                esito.name(), null, "validated by " + funzionario);
        channel.release(id, next, esito, funzionario, testo);
        return next;
    }
}
