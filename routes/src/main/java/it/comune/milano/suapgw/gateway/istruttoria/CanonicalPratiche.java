package it.comune.milano.suapgw.gateway.istruttoria;

import it.comune.milano.suapgw.gateway.channel.ChannelPolicies;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.model.DocumentoVerificato;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.PraticaCanonica;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.UUID;

/** The canonical pratica as Geowork and the enti receive it: verified documents, consulted enti, checklist. */
@Component
public class CanonicalPratiche {
    private final PraticaRepository pratiche;
    private final PareriRepository pareri;
    private final ChannelPolicies channels;
    private final GatewayProperties props;

    public CanonicalPratiche(PraticaRepository pratiche, PareriRepository pareri, ChannelPolicies channels,
                             GatewayProperties props) {
        this.pratiche = pratiche;
        this.pareri = pareri;
        this.channels = channels;
        this.props = props;
    }

    public PraticaCanonica of(UUID id) {
        PraticaRepository.Testata t = pratiche.testata(id);
        List<DocumentoVerificato> docs = pratiche.verifiedDocuments(id);
        List<Ente> enti = pareri.enteCodesOf(id).stream().map(c -> props.ente(c).orElseThrow()).toList();
        return new PraticaCanonica(id, t.cuiUuid(), t.canale(), t.procedureCode(), t.procedureVersion(), t.regime(),
                t.municipality(), t.applicantCf(), t.presentedAt(), docs, enti,
                channels.of(t.canale()).checklist(id, docs.size()));
    }
}
