package it.comune.milano.suapgw.gateway.osp;

import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import it.comune.milano.suapgw.gateway.istruttoria.IstruttoriaService;
import it.comune.milano.suapgw.gateway.istruttoria.PraticaCompleta;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The pre-istruttoria of an OSP istanza: the checklist of each round, recorded; complete, it opens the round
 * (the first with the enti of the rules, a later one with the enti that asked for the integration).
 */
@Service
public class OspIstruttoriaService {
    private final PraticaRepository pratiche;
    private final OspRepository osp;
    private final OspProposals proposals;
    private final IstruttoriaService istruttoria;
    private final PraticaCompleta completa;
    private final TimelineStore timeline;

    public OspIstruttoriaService(PraticaRepository pratiche, OspRepository osp, OspProposals proposals,
                                 IstruttoriaService istruttoria, PraticaCompleta completa, TimelineStore timeline) {
        this.pratiche = pratiche;
        this.osp = osp;
        this.proposals = proposals;
        this.istruttoria = istruttoria;
        this.completa = completa;
        this.timeline = timeline;
    }

    /** What the checklist needs: the istanza and the types of every allegato received so far. */
    public record DaVerificare(IstanzaOsp istanza, Set<String> allegati) {
    }

    public DaVerificare daVerificare(UUID id) {
        return new DaVerificare(proposals.istanza(id), new LinkedHashSet<>(pratiche.documentCodes(id)));
    }

    /**
     * The checklist of a round. With any item UNAVAILABLE it is only recorded (the caller retries later); complete,
     * it starts the round.
     * @return whether the checklist was complete
     */
    @Transactional
    public boolean onChecklist(UUID id, int round, List<VoceChecklist> voci) {
        pratiche.lock(id);
        osp.saveChecklist(id, round, voci);
        List<String> unavailable = voci.stream().filter(v -> Checklist.UNAVAILABLE.equals(v.esito())).map(VoceChecklist::codice).toList();
        if (!unavailable.isEmpty()) {
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "pre-istruttoria round " + round, "INCOMPLETE", null,
                    "unavailable: " + unavailable + "; the checks will be run again");
            return false;
        }
        if (!Lifecycle.accepts(pratiche.stateOf(id), Lifecycle.Evento.DOCUMENTS_VERIFIED)) {
            return true; // a repeated delivery of a checklist already acted upon
        }
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "pre-istruttoria round " + round, "COMPLETE", null,
                voci.stream().map(v -> v.codice() + "=" + v.esito()).toList().toString());
        if (round == 1) {
            completa.onComplete(id);
        } else {
            istruttoria.reconsultAfterIntegration(id);
        }
        return true;
    }
}
