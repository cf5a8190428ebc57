package it.comune.milano.suapgw.gateway.istruttoria;

import it.comune.milano.suapgw.gateway.channel.ChannelPolicies;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicy;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.verifica.VerificaService;
import it.comune.milano.suapgw.model.StatoPratica;
import org.springframework.stereotype.Service;

import java.util.UUID;

/**
 * Every piece of a pratica is in (documents verified, and whatever its channel needs): what follows depends on where
 * it stands — the preliminary checks or the istruttoria for a new pratica, the admissibility check for a corrected
 * instance, the new round for an integrated one. Caller's transaction, pratica locked.
 */
@Service
public class PraticaCompleta {
    private final PraticaRepository pratiche;
    private final ChannelPolicies channels;
    private final IstruttoriaService istruttoria;
    private final VerificaService verifica;

    public PraticaCompleta(PraticaRepository pratiche, ChannelPolicies channels, IstruttoriaService istruttoria,
                           VerificaService verifica) {
        this.pratiche = pratiche;
        this.channels = channels;
        this.istruttoria = istruttoria;
        this.verifica = verifica;
    }

    /** Goes on when the pratica is complete; else waits for the missing piece. */
    public void onComplete(UUID id) {
        if (pratiche.countNotVerified(id) > 0) return;
        ChannelPolicy channel = channels.of(pratiche.channelOf(id));
        if (!channel.readyForIstruttoria(id)) return;
        StatoPratica state = pratiche.stateOf(id);
        if (state == StatoPratica.PRESENTED || state == StatoPratica.CORRECTED || state == StatoPratica.INTEGRATED) {
            channel.onDocumentsRetrieved(id, state);
        }
        switch (state) {
            case PRESENTED -> {
                if (channel.preliminaryChecks()) verifica.start(id);
                else istruttoria.start(id);
            }
            case CORRECTED -> verifica.onCorrectedInstance(id);
            case INTEGRATED -> istruttoria.reconsultAfterIntegration(id);
            default -> {
                // a repeated delivery of a document already acted upon
            }
        }
    }
}
