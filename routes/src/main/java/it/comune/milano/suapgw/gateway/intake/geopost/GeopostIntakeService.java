package it.comune.milano.suapgw.gateway.intake.geopost;

import it.comune.milano.suapgw.connectors.geopost.GeopostMapper;
import it.comune.milano.suapgw.connectors.geopost.GeopostMapper.Evento;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.PraticaLifecycle;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.StatoPratica;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;
import java.util.UUID;

/**
 * GEOPOST events into the OSP workflow, each taken once whether pushed or polled: an istanza becomes a pratica whose
 * pre-istruttoria is scheduled; an integrazione completes its istanza and, when one was asked, opens the next round.
 */
@Service
public class GeopostIntakeService {
    private static final Logger log = LoggerFactory.getLogger(GeopostIntakeService.class);
    public static final String PUSH = "PUSH", POLL = "POLL";

    public record Ricezione(String esito, UUID praticaId) {
    }

    private final PraticaRepository pratiche;
    private final GeopostEvents events;
    private final PraticaLifecycle lifecycle;
    private final DocumentStore documents;
    private final OutboxStore outbox;
    private final TimelineStore timeline;

    public GeopostIntakeService(PraticaRepository pratiche, GeopostEvents events, PraticaLifecycle lifecycle,
                                DocumentStore documents, OutboxStore outbox, TimelineStore timeline) {
        this.pratiche = pratiche;
        this.events = events;
        this.lifecycle = lifecycle;
        this.documents = documents;
        this.outbox = outbox;
        this.timeline = timeline;
    }

    /** @param via PUSH or POLL */
    @Transactional
    public Ricezione receive(Evento ev, String via) {
        UUID known = events.taken(ev.chiave()).orElse(null);
        if (known != null) return new Ricezione(GeopostMapper.DUPLICATO, known);
        return ev.isIstanza() ? istanza(ev, via) : integrazione(ev, via);
    }

    private Ricezione istanza(Evento ev, String via) {
        IstanzaOsp i = IstanzaOsp.of(ev.istanza());
        UUID id = UUID.randomUUID();
        PraticaMdc.set(id, i.idIstanza());
        pratiche.insert(new PraticaRepository.NuovaPratica(id, Canale.GEOPOST, null, null, i.idIstanza(), null, ev.istanza(),
                "OSP_" + i.tipo() + "_" + i.periodoTipo(), "AUTORIZZAZIONE", i.codiceFiscale()));
        store(id, ev.allegati(), "");
        events.insert(ev.chiave(), ev.seq(), ev.tipo(), id, via, ev.sha256());
        timeline.record(id, TimelineStore.IN, "GEOPOST", "istanza " + i.tipo(), "ACCEPTED", ev.sha256(),
                "seq " + ev.seq() + " via " + via + ", " + ev.allegati().size() + " allegati");
        outbox.enqueue(id, OutboxKind.OSP_CHECKLIST.name(), "osp-checklist:" + id, "1");
        log.info("Istanza {} received from GEOPOST via {}", i.idIstanza(), via);
        return new Ricezione(GeopostMapper.ACCETTATO, id);
    }

    private Ricezione integrazione(Evento ev, String via) {
        UUID id = pratiche.idByCodice(Canale.GEOPOST, ev.idIstanza()).orElseThrow(() -> new GeopostMapper.InvalidEventException(
                "integrazione " + ev.idIntegrazione() + " for unknown istanza " + ev.idIstanza()));
        PraticaMdc.set(id, ev.idIstanza());
        pratiche.lock(id);
        store(id, ev.allegati(), ev.idIntegrazione() + "/");
        events.insert(ev.chiave(), ev.seq(), ev.tipo(), id, via, ev.sha256());
        timeline.record(id, TimelineStore.IN, "GEOPOST", "integrazione", "ACCEPTED", ev.sha256(),
                "seq " + ev.seq() + " via " + via + ", " + ev.allegati().size() + " allegati");
        StatoPratica state = pratiche.stateOf(id);
        if (Lifecycle.accepts(state, Lifecycle.Evento.INTEGRATION_RECEIVED)) {
            lifecycle.transition(id, state, Lifecycle.Evento.INTEGRATION_RECEIVED);
            outbox.enqueue(id, OutboxKind.OSP_CHECKLIST.name(), "osp-checklist:" + id, String.valueOf(pratiche.roundOf(id) + 1));
        } else {
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "integrazione", "NOT_REQUESTED", null,
                    "allegati added; no integration was pending in state " + state.apiName());
        }
        return new Ricezione(GeopostMapper.ACCETTATO, id);
    }

    private void store(UUID id, List<GeopostMapper.Allegato> allegati, String prefix) {
        for (GeopostMapper.Allegato a : allegati) {
            pratiche.insertVerified(id, prefix + a.nome(), a.nome(), a.tipo(), a.mimeType(), documents.store(a.content()));
        }
    }
}
