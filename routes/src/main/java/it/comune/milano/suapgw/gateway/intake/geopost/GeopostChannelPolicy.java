package it.comune.milano.suapgw.gateway.intake.geopost;

import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicy;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.osp.Checklist;
import it.comune.milano.suapgw.gateway.osp.OspProposals;
import it.comune.milano.suapgw.gateway.osp.OspRepository;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.UltimoParere;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.UUID;

/**
 * GEOPOST, the OSP channel: an istanza is ready once its pre-istruttoria is complete; the enti are those the OSP
 * rules call for; after an integration only the enti that asked for it in the last round are consulted again; the
 * outcome is the OSP decision with its communication, released only after the funzionario's validation.
 */
@Component
public class GeopostChannelPolicy implements ChannelPolicy {
    private final PraticaRepository pratiche;
    private final OspRepository osp;
    private final OspProposals proposals;
    private final Checklist checklist;
    private final GatewayProperties props;

    public GeopostChannelPolicy(PraticaRepository pratiche, OspRepository osp, OspProposals proposals, Checklist checklist,
                                GatewayProperties props) {
        this.pratiche = pratiche;
        this.osp = osp;
        this.proposals = proposals;
        this.checklist = checklist;
        this.props = props;
    }

    @Override
    public Canale canale() {
        return Canale.GEOPOST;
    }

    @Override
    public boolean readyForIstruttoria(UUID id) {
        List<VoceChecklist> latest = osp.latestChecklist(id);
        return !latest.isEmpty() && latest.stream().noneMatch(v -> Checklist.UNAVAILABLE.equals(v.esito()));
    }

    @Override
    public List<Ente> competentEnti(UUID id) {
        IstanzaOsp istanza = IstanzaOsp.of(pratiche.datiOf(id));
        return checklist.entiDaConsultare(istanza, osp.latestChecklist(id)).stream()
                .map(code -> props.ente(code).orElseThrow(() -> new IllegalStateException("OSP rules name ente " + code
                        + ", which is not in the registry (config/enti.yaml)")))
                .toList();
    }

    /** Only the enti of the last round whose parere asked for integrazioni. */
    @Override
    public List<UltimoParere> entiToReconsult(UUID id, int round, List<UltimoParere> latest) {
        return latest.stream().filter(p -> p.round() == round - 1 && !p.integrazioni().isEmpty()).toList();
    }

    @Override
    public List<VoceChecklist> checklist(UUID id, int verifiedDocuments) {
        return osp.latestChecklist(id);
    }

    @Override
    public boolean checklistInParereRequest() {
        return true;
    }

    @Override
    public Esito proposeOutcome(UUID id, List<UltimoParere> latest) {
        return proposals.propose(id, latest);
    }

    @Override
    public void release(UUID id, StatoPratica next, Esito esito, String funzionario, String testo) {
        proposals.onValidated(id, esito, funzionario, testo);
    }
}
