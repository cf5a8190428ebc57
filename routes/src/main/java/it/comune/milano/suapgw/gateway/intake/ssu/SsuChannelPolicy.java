package it.comune.milano.suapgw.gateway.intake.ssu;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuEvents;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicy;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.esito.EsitoPareri;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.UltimoParere;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.gateway.pareri.ssu.EntiSsuNotifiche;
import it.comune.milano.suapgw.gateway.persistence.ConferenzaRepository;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.registroimprese.RegistroImpreseNotifiche;
import it.comune.milano.suapgw.model.Atto;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.AmministrazioneCompetente;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The SSU channel. Complete once the Catalogo's descriptor is in; then the operator's preliminary checks (formal,
 * admissibility); the enti are the competent administrations of the descriptor; their integration requests are
 * gathered and sent as one; the outcome follows the regime: a SCIA (or a comunicazione) ends with a suspension or a
 * conformation when an ente asks for one, else by its proceeding time; an autorizzazione (or a silence-assent
 * procedure) ends positive or negative with the act. Every end is notified to the front-office and audited.
 */
@Component
public class SsuChannelPolicy implements ChannelPolicy {
    public static final String SCIA = "SCIA", COMUNICAZIONE = "COMUNICAZIONE", SILENZIO_ASSENSO = "SILENZIO-ASSENSO";

    private final PraticaRepository pratiche;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final SsuMapper ssu;
    private final ObjectMapper json;
    private final GatewayProperties props;
    private final ConferenzaRepository conferenze;
    private final EntiSsuNotifiche entiTerzi;
    private final RegistroImpreseNotifiche registroImprese;

    public SsuChannelPolicy(PraticaRepository pratiche, OutboxStore outbox, TimelineStore timeline, SsuMapper ssu,
                            ObjectMapper json, GatewayProperties props, ConferenzaRepository conferenze,
                            EntiSsuNotifiche entiTerzi, RegistroImpreseNotifiche registroImprese) {
        this.conferenze = conferenze;
        this.entiTerzi = entiTerzi;
        this.registroImprese = registroImprese;
        this.pratiche = pratiche;
        this.outbox = outbox;
        this.timeline = timeline;
        this.ssu = ssu;
        this.json = json;
        this.props = props;
    }

    @Override
    public Canale canale() {
        return Canale.SSU;
    }

    @Override
    public boolean readyForIstruttoria(UUID id) {
        return pratiche.descriptorOf(id) != null;
    }

    @Override
    public boolean preliminaryChecks() {
        return true;
    }

    @Override
    public boolean gathersIntegrations() {
        return true;
    }

    @Override
    public void onDocumentsRetrieved(UUID id, StatoPratica state) {
        String message = switch (state) {
            case CORRECTED -> SsuEvents.CORRECTED_INSTANCE_RETRIEVED;
            case INTEGRATED -> SsuEvents.INSTANCE_INTEGRATED_RETRIEVED;
            default -> SsuEvents.INSTANCE_RETRIEVED;
        };
        outbox.enqueue(id, OutboxKind.CATALOGO_AUDIT.name(), "catalogo:" + id, message);
        registroImprese.onInstance(id);
    }

    @Override
    public List<Ente> competentEnti(UUID id) {
        Map<String, Ente> enti = new LinkedHashMap<>();
        for (AmministrazioneCompetente a : ssu.fromDescriptor(pratiche.descriptorOf(id)).competentAdministrations()) {
            if (props.isSuap(a.ipaCode(), a.officeCode())) continue;
            props.enteByAdministration(a.ipaCode(), a.officeCode()).ifPresentOrElse(
                    e -> enti.putIfAbsent(e.code(), e),
                    () -> timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "resolve_ente", "UNKNOWN_ENTE", null,
                            "no ente registered for " + a.ipaCode() + "/" + a.officeCode() + " (" + a.proceedingCode() + ")"));
        }
        return new ArrayList<>(enti.values());
    }

    /** The enti of the last round that asked for the integration. */
    @Override
    public List<UltimoParere> entiToReconsult(UUID id, int round, List<UltimoParere> latest) {
        return latest.stream().filter(p -> p.round() == round - 1 && !p.integrazioni().isEmpty()).toList();
    }

    @Override
    public Esito proposeOutcome(UUID id, List<UltimoParere> latest) {
        List<Esito> esiti = latest.stream().map(UltimoParere::esito).toList();
        if (isScia(id)) {
            Esito e = EsitoPareri.combine(esiti);
            return e == Esito.POSITIVO ? null : e; // nobody objects: the SCIA ends with its proceeding time
        }
        return esiti.contains(Esito.NEGATIVO) ? Esito.NEGATIVO : Esito.POSITIVO;
    }

    /**
     * A SCIA ends with the suspension (negative) or the conformation an ente asked for; an autorizzazione positive
     * (with the prescriptions of a conformation) or negative.
     */
    @Override
    public Lifecycle.Evento validationEvent(UUID id, Esito esito) {
        if (isScia(id)) {
            return switch (esito) {
                case NEGATIVO -> Lifecycle.Evento.VALIDATED_SUSPENSION;
                case CONFORMAZIONE -> Lifecycle.Evento.VALIDATED_CONFORMATION;
                // a conferenza's positive determination concludes the SCIA positively
                case POSITIVO -> conferenze.find(id).map(c -> c.esito() != null).orElse(false) ? Lifecycle.Evento.VALIDATED_POSITIVE
                        : throwNotExpected();
            };
        }
        return esito == Esito.NEGATIVO ? Lifecycle.Evento.VALIDATED_NEGATIVE : Lifecycle.Evento.VALIDATED_POSITIVE;
    }

    private static Lifecycle.Evento throwNotExpected() {
        throw new LifecycleException(LifecycleException.Kind.EVENT_NOT_EXPECTED,
                "a SCIA is not concluded by a positive outcome: nobody objecting, it ends with its proceeding time");
    }

    @Override
    public void release(UUID id, StatoPratica next, Esito esito, String funzionario, String testo) {
        announce(id, next);
    }

    /**
     * notify to the front-office (with the act when there is one, with the convocation of a conferenza), audit to the
     * Catalogo, and notify to the enti terzi consulted through the SSU and to the Registro Imprese when it was sent
     * the instance.
     */
    @Override
    public void announce(UUID id, StatoPratica state) {
        String event = SsuEvents.notifyEvent(state);
        if (event == null) return;
        var payload = json.createObjectNode().put("event", event);
        String act = null;
        ObjectNode cdss = null;
        if (SsuEvents.carriesAct(event)) {
            act = pratiche.latestAct(id).map(Atto::resourceId).orElse(null);
            if (act != null) payload.put("resource_id", act);
        }
        if (state == StatoPratica.CDSS_CONVENED) {
            cdss = convocazione(id);
            payload.setAll(cdss);
            act = conferenze.find(id).map(ConferenzaRepository.Conferenza::attoResourceId).orElse(null);
        }
        outbox.enqueue(id, OutboxKind.FO_NOTIFY.name(), "fo:" + id, payload.toString());
        outbox.enqueue(id, OutboxKind.CATALOGO_AUDIT.name(), "catalogo:" + id, SsuEvents.auditMessage(state));
        entiTerzi.announce(id, event, act, cdss);
        registroImprese.announce(id, event, SsuEvents.carriesAct(event) ? act : null);
    }

    /** The fields of cdss_convened: the conferenza's channel and date, the file name of its act of convocation. */
    private ObjectNode convocazione(UUID id) {
        ObjectNode n = json.createObjectNode();
        conferenze.find(id).filter(ConferenzaRepository.Conferenza::convened).ifPresent(c -> {
            n.put("modalita", c.modalita());
            n.put("cdss_channel", c.canale());
            n.put("cdss_convocation", c.dataConvocazione().toString());
            if (c.attoResourceId() != null) {
                pratiche.documentName(id, c.attoResourceId()).ifPresent(name -> {
                    n.put("cdss_admin_act_filename", name);
                    n.put("mime_type", "application/pdf");
                });
            }
        });
        return n;
    }

    public boolean isScia(UUID id) {
        String regime = pratiche.testata(id).regime();
        return SCIA.equals(regime) || COMUNICAZIONE.equals(regime);
    }

    public boolean isSilenzioAssenso(UUID id) {
        return SILENZIO_ASSENSO.equals(pratiche.testata(id).regime());
    }
}
