package it.comune.milano.suapgw.gateway.osp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import it.comune.milano.suapgw.connectors.geri.GeriMapper;
import it.comune.milano.suapgw.connectors.osapi.OsapiMapper;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Comunicazione;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.UUID;

/** What a validated OSP act asks of OSAPI, GERI, GEOPOST and Geowork, and the booking of their answers. */
@Service
public class OspRelease {
    private final PraticaRepository pratiche;
    private final OspRepository osp;
    private final OspProposals proposals;
    private final Comunicazioni comunicazioni;
    private final OsapiMapper osapi;
    private final GeriMapper geri;
    private final TimelineStore timeline;

    public OspRelease(PraticaRepository pratiche, OspRepository osp, OspProposals proposals, Comunicazioni comunicazioni,
                      OsapiMapper osapi, GeriMapper geri, TimelineStore timeline) {
        this.pratiche = pratiche;
        this.osp = osp;
        this.proposals = proposals;
        this.comunicazioni = comunicazioni;
        this.osapi = osapi;
        this.geri = geri;
        this.timeline = timeline;
    }

    public String idIstanza(UUID id) {
        return pratiche.codiceOf(id);
    }

    public ObjectNode osapiRequest(UUID id) {
        return osapi.nuovaConcessione(pratiche.datiOf(id));
    }

    @Transactional
    public void onConcessioneRegistered(UUID id, UUID cid, String numero) {
        osp.setNumeroConcessione(cid, numero);
        timeline.record(id, TimelineStore.OUT, "OSAPI", "concessione", "REGISTERED", null, numero);
    }

    public ObjectNode geriRequest(UUID id, UUID cid) {
        IstanzaOsp i = proposals.istanza(id);
        return geri.canoneDovuto(i, osp.rilasciata(cid).comunicazione().numeroConcessione(), proposals.canoneTemporanea(i));
    }

    @Transactional
    public void onCanoneRegistered(UUID id, UUID cid, String idAvviso) {
        osp.setIdAvvisoGeri(cid, idAvviso);
        timeline.record(id, TimelineStore.OUT, "GERI", "canone", "REGISTERED", null, idAvviso);
    }

    /** The validated communication; a concession whose text the funzionario kept is completed with its number. */
    public Comunicazione comunicazione(UUID id, UUID cid) {
        OspRepository.Rilasciata r = osp.rilasciata(cid);
        Comunicazione c = r.comunicazione();
        if (c.numeroConcessione() == null || !r.testoComposto()) return c;
        Decisione d = new Decisione(c.tipo(), c.motivi(), c.prescrizioni(), c.integrazioni());
        return new Comunicazione(c.id(), c.tipo(), comunicazioni.compose(proposals.istanza(id), d, c.numeroConcessione()),
                c.motivi(), c.prescrizioni(), c.integrazioni(), c.numeroConcessione(), c.validataDa(), c.validataIl());
    }

    @Transactional
    public void onCommunicationSent(UUID id, UUID cid, String ricevuta) {
        String tipo = osp.markSent(cid);
        timeline.record(id, TimelineStore.OUT, "GEOPOST", "comunicazione " + tipo, "DELIVERED", null, "ricevuta " + ricevuta);
    }

    @Transactional
    public void onAttoFiled(UUID id, UUID cid, String tipo) {
        timeline.record(id, TimelineStore.OUT, "GEOWORK", "registraAtto " + tipo, "REGISTERED", null, "comunicazione " + cid);
    }
}
