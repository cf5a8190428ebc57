package it.comune.milano.suapgw.gateway.intake.scrivania;

import it.comune.milano.suapgw.gateway.channel.ChannelPolicy;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.esito.EsitoPareri;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.UltimoParere;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import org.springframework.stereotype.Component;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The pre-SSU scrivania: the message carries everything; the enti are the ente-coinvolto entries resolved at intake;
 * a conformation asks the applicant for an integration; the answer goes back through inviaEnteSUAP.
 */
@Component
public class ScrivaniaChannelPolicy implements ChannelPolicy {
    private final PraticaRepository pratiche;
    private final ScrivaniaAnswers answers;
    private final OutboxStore outbox;
    private final GatewayProperties props;

    public ScrivaniaChannelPolicy(PraticaRepository pratiche, ScrivaniaAnswers answers, OutboxStore outbox,
                                  GatewayProperties props) {
        this.pratiche = pratiche;
        this.answers = answers;
        this.outbox = outbox;
        this.props = props;
    }

    @Override
    public Canale canale() {
        return Canale.SCRIVANIA;
    }

    @Override
    public boolean readyForIstruttoria(UUID id) {
        return true;
    }

    @Override
    public List<Ente> competentEnti(UUID id) {
        List<Ente> out = new ArrayList<>();
        pratiche.datiOf(id).path("enti").forEach(c -> props.ente(c.asText()).ifPresent(out::add));
        return out;
    }

    @Override
    public Esito proposeOutcome(UUID id, List<UltimoParere> latest) {
        return EsitoPareri.combine(latest.stream().map(UltimoParere::esito).toList());
    }

    @Override
    public void release(UUID id, StatoPratica next, Esito esito, String funzionario, String testo) {
        outbox.enqueue(id, OutboxKind.SCRIVANIA_SEND.name(), "scrivania:" + id, answers.payload(next, esito, LocalDate.now()));
    }
}
