package it.comune.milano.suapgw.gateway.osp;

import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.UltimoParere;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.Ente;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The OSP side of proposing and validating an outcome: the decision of a round ({@link OspOutcome}), the
 * communication composed from the templates, and what a funzionario's validation releases (GEOPOST only after it).
 * Runs inside the caller's transaction, the pratica locked.
 */
@Component
public class OspProposals {
    private final PraticaRepository pratiche;
    private final PareriRepository pareri;
    private final OspRepository osp;
    private final OspOutcome outcome;
    private final Comunicazioni comunicazioni;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final OspRules rules;
    private final GatewayProperties props;

    public OspProposals(PraticaRepository pratiche, PareriRepository pareri, OspRepository osp, OspOutcome outcome,
                        Comunicazioni comunicazioni, OutboxStore outbox, TimelineStore timeline, OspRules rules,
                        GatewayProperties props) {
        this.pratiche = pratiche;
        this.pareri = pareri;
        this.osp = osp;
        this.outcome = outcome;
        this.comunicazioni = comunicazioni;
        this.outbox = outbox;
        this.timeline = timeline;
        this.rules = rules;
        this.props = props;
    }

    public IstanzaOsp istanza(UUID id) {
        return IstanzaOsp.of(pratiche.datiOf(id));
    }

    /** Decides the round and stores the composed communication for the funzionario; returns the esito for Geowork. */
    public Esito propose(UUID id, List<UltimoParere> latest) {
        int round = pratiche.roundOf(id);
        Decisione d = outcome.decide(osp.latestChecklist(id), pareri(latest, round));
        osp.insertComunicazione(UUID.randomUUID(), id, round, d, comunicazioni.compose(istanza(id), d, null));
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "comunicazione " + d.tipo(), OspRepository.PROPOSTA, null,
                "round " + round + ": waiting for the funzionario's validation");
        return OspOutcome.esitoOf(d.tipo());
    }

    private List<OspOutcome.ParereEnte> pareri(List<UltimoParere> latest, int round) {
        return latest.stream().map(p -> new OspOutcome.ParereEnte(p.enteCode(),
                props.ente(p.enteCode()).map(Ente::name).orElse(p.enteCode()), p.esito(), p.prescrizioni(),
                p.integrazioni(), p.motivazione(), p.round() == round)).toList();
    }

    /** The communication waiting for validation, or null. */
    public Map<String, Object> pending(UUID id) {
        return osp.pending(id);
    }

    /**
     * The funzionario validated: the communication of the validated esito (the proposed one, or composed anew when he
     * decided otherwise), with the text as edited, is released through the outbox — for a concession first OSAPI,
     * then GERI for a temporary occupation, then GEOPOST, then Geowork, in that order (one ordering key).
     */
    public void onValidated(UUID id, Esito esito, String funzionario, String testoEditato) {
        Map<String, Object> c = osp.pending(id);
        String tipo = OspOutcome.tipoOf(esito);
        UUID cid;
        if (c != null && tipo.equals(c.get("tipo"))) {
            cid = (UUID) c.get("id");
        } else {
            if (c != null) osp.supersede((UUID) c.get("id"));
            int round = pratiche.roundOf(id);
            Decisione d = outcome.otherwise(tipo, outcome.decide(osp.latestChecklist(id), pareri(pareri.latestPareri(id), round)));
            cid = UUID.randomUUID();
            osp.insertComunicazione(cid, id, round, d, comunicazioni.compose(istanza(id), d, null));
        }
        osp.validate(cid, testoEditato, funzionario);
        timeline.record(id, TimelineStore.IN, "FUNZIONARIO", "comunicazione " + tipo, OspRepository.VALIDATA, null,
                "validata da " + funzionario + (testoEditato != null ? " (testo modificato)" : ""));
        String key = "osp:" + id;
        if (Decisione.CONCESSIONE.equals(tipo)) {
            outbox.enqueue(id, OutboxKind.OSAPI_REGISTER.name(), key, cid.toString());
            if ("TEMPORANEA".equals(istanza(id).periodoTipo())) {
                outbox.enqueue(id, OutboxKind.GERI_CANONE.name(), key, cid.toString());
            }
        }
        outbox.enqueue(id, OutboxKind.GEOPOST_SEND.name(), key, cid.toString());
        // the act as released is filed in Geowork's dossier too, whoever validated it
        outbox.enqueue(id, OutboxKind.GEOWORK_ATTO.name(), key, cid.toString());
    }

    /** The funzionario rejected the composed text: it is set aside and the istanza waits for his own decision. */
    @Transactional
    public boolean reject(UUID id, String funzionario) {
        pratiche.lock(id);
        Map<String, Object> c = osp.pending(id);
        if (c == null) return false;
        osp.reject((UUID) c.get("id"), funzionario);
        timeline.record(id, TimelineStore.IN, "FUNZIONARIO", "comunicazione " + c.get("tipo"), OspRepository.RIFIUTATA, null,
                "rifiutata da " + funzionario);
        return true;
    }

    /** The canone of a temporary occupation (sample tariff of the rules), told to GERI before release. */
    public double canoneTemporanea(IstanzaOsp i) {
        long giorni = i.al() == null ? 1 : Math.max(1, ChronoUnit.DAYS.between(i.dal(), i.al()) + 1);
        return Math.round(i.superficieMq() * giorni * rules.canoneTemporaneaEuroMqGiorno() * 100) / 100.0;
    }
}
