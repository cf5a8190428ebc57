package it.comune.milano.suapgw.gateway.intake.ssu;

import it.comune.milano.suapgw.gateway.esito.EsitoService;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.pareri.PareriService;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.gateway.termini.ScadenzaHandler;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.TerminiIstanza;
import org.springframework.stereotype.Component;

import java.util.UUID;

/**
 * The proceeding time ({@code max_gg_proc}) ran out. A SCIA nobody objected to ends by it (the enti still silent count
 * as assent); one an ente objected to goes to the funzionario. A silence-assent procedure with no negative parere ends
 * positive. An autorizzazione is only marked late: its outcome is the funzionario's. An outcome already proposed is
 * left to him.
 */
@Component
class SsuTermineProcedimento implements ScadenzaHandler {
    private final SsuChannelPolicy channel;
    private final PraticaRepository pratiche;
    private final PareriRepository pareriRepository;
    private final PareriService pareri;
    private final EsitoService esiti;
    private final TimelineStore timeline;

    SsuTermineProcedimento(SsuChannelPolicy channel, PraticaRepository pratiche, PareriRepository pareriRepository,
                           PareriService pareri, EsitoService esiti, TimelineStore timeline) {
        this.channel = channel;
        this.pratiche = pratiche;
        this.pareriRepository = pareriRepository;
        this.pareri = pareri;
        this.esiti = esiti;
        this.timeline = timeline;
    }

    @Override
    public TerminiIstanza.Tipo tipo() {
        return TerminiIstanza.Tipo.PROCEDIMENTO;
    }

    @Override
    public void onScadenza(UUID id, StatoPratica state) {
        if (pratiche.channelOf(id) != Canale.SSU) return;
        boolean open = state == StatoPratica.IN_ISTRUTTORIA || state == StatoPratica.OUTCOME_PROPOSED;
        if (open && channel.isSilenzioAssenso(id)) {
            pareri.recordSilences(id);
            if (pareriRepository.latestPareri(id).stream().noneMatch(p -> p.esito() == Esito.NEGATIVO)) {
                esiti.end(id, Lifecycle.Evento.SILENCE_ASSENT);
                return;
            }
        } else if (state == StatoPratica.IN_ISTRUTTORIA && channel.isScia(id)) {
            pareri.recordSilences(id);
            if (!esiti.proposeOutcome(id)) esiti.end(id, Lifecycle.Evento.PROCEEDING_TIME_EXPIRED);
            return;
        }
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "termine PROCEDIMENTO", "OVERDUE", null,
                "the proceeding time ran out in state " + state.apiName() + ": the outcome is the funzionario's");
    }
}
