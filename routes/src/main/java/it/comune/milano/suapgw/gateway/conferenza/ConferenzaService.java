package it.comune.milano.suapgw.gateway.conferenza;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.geowork.GeoworkMapper;
import it.comune.milano.suapgw.connectors.ssu.SsuErrorCode;
import it.comune.milano.suapgw.connectors.ssu.SsuException;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicies;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.LifecycleException;
import it.comune.milano.suapgw.gateway.lifecycle.PraticaLifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.UnknownPraticaException;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.pareri.PareriService;
import it.comune.milano.suapgw.gateway.persistence.ConferenzaRepository;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.gateway.termini.TermineService;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.TerminiIstanza;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The conferenza dei servizi (DomandaAutorizzazione-001): an ente asks for it during the istruttoria and within its term
 * ({@code max_gg_cdss_req}); the SUAP's operator convenes it in Geowork (sincrona on a date, or asincrona); the
 * convocation is announced to the front-office, the Catalogo and every ente consulted (whose open requests close: they
 * express themselves in the conferenza), and the Catalogo hears the date with the times; the conferenza's
 * determination is the outcome proposed, which the funzionario validates as any other.
 */
@Service
public class ConferenzaService {
    public static final String ATTO_CONVOCAZIONE = "convocazione-cdss";

    private final PraticaRepository pratiche;
    private final PareriRepository pareri;
    private final ConferenzaRepository conferenze;
    private final PraticaLifecycle lifecycle;
    private final PareriService pareriService;
    private final ChannelPolicies channels;
    private final TermineService termini;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final DocumentStore documents;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public ConferenzaService(PraticaRepository pratiche, PareriRepository pareri, ConferenzaRepository conferenze,
                             PraticaLifecycle lifecycle, PareriService pareriService, ChannelPolicies channels,
                             TermineService termini, OutboxStore outbox, TimelineStore timeline, DocumentStore documents,
                             GatewayProperties props, ObjectMapper json) {
        this.pratiche = pratiche;
        this.pareri = pareri;
        this.conferenze = conferenze;
        this.lifecycle = lifecycle;
        this.pareriService = pareriService;
        this.channels = channels;
        this.termini = termini;
        this.outbox = outbox;
        this.timeline = timeline;
        this.documents = documents;
        this.props = props;
        this.json = json;
    }

    /**
     * bo_to_et request_cdss: an ente consulted on the instance asks for a conferenza. The first request has the
     * operator convene it; a later one (of another ente, before or after the convocation) is recorded with it.
     * @throws SsuException ERROR_500_002 for an instance the ente was not sent, ERROR_500_009 out of the istruttoria
     *                      or past max_gg_cdss_req
     */
    @Transactional
    public void request(Ente ente, JsonNode cui) {
        String uuid = cui.path("uuid").asText();
        UUID id = pratiche.lockByCui(uuid).filter(p -> pareri.latestOf(p, ente.code()).isPresent())
                .orElseThrow(() -> new SsuException(SsuErrorCode.ERROR_500_002, "no instance " + uuid + " was sent to " + ente.code()));
        PraticaMdc.set(id, uuid);
        StatoPratica state = pratiche.stateOf(id);
        if (state != StatoPratica.IN_ISTRUTTORIA && state != StatoPratica.CDSS_REQUESTED && state != StatoPratica.CDSS_CONVENED) {
            throw new SsuException(SsuErrorCode.ERROR_500_009, "a conferenza is asked during the istruttoria; the instance is "
                    + state.apiName());
        }
        if (termini.scaduto(id, TerminiIstanza.Tipo.CDSS)) {
            throw new SsuException(SsuErrorCode.ERROR_500_009, "the time to ask for a conferenza (max_gg_cdss_req) has passed");
        }
        boolean added = conferenze.addRequester(id, ente.code(), termini.today());
        timeline.record(id, TimelineStore.IN, "ENTE " + ente.code(), "request_cdss", added ? "ACCEPTED" : "DUPLICATE", null, null);
        if (state == StatoPratica.IN_ISTRUTTORIA) {
            lifecycle.transition(id, state, Lifecycle.Evento.CDSS_REQUESTED);
            outbox.enqueue(id, OutboxKind.GEOWORK_CONVOCA_CONFERENZA.name(), "geowork:" + id, "");
        }
    }

    /** Who asked for the conferenza, for Geowork. */
    public List<GeoworkMapper.RichiedenteConferenza> richiedenti(UUID id) {
        List<GeoworkMapper.RichiedenteConferenza> out = new ArrayList<>();
        for (JsonNode r : JsonColumns.read(json, conferenze.richiedentiJson(id))) {
            props.ente(r.path("ente").asText()).ifPresent(e -> out.add(new GeoworkMapper.RichiedenteConferenza(e.code(),
                    e.ipaCode(), e.officeCode(), e.name(), LocalDate.parse(r.path("dataRichiesta").asText()))));
        }
        return out;
    }

    @Transactional
    public void onConvocaSent(UUID id) {
        timeline.record(id, TimelineStore.OUT, "GEOWORK", "convocaConferenza", "ACCEPTED", null, null);
    }

    /**
     * Geowork's notificaConferenza. A convocation moves the pratica to cdss_convened and is announced; a determination
     * is proposed as the outcome. A repeated or late one changes nothing and is answered with the current state.
     */
    @Transactional
    public StatoPratica onConferenza(GeoworkMapper.Conferenza c) {
        UUID id = lock(c.praticaId());
        StatoPratica state = pratiche.stateOf(id);
        timeline.record(id, TimelineStore.IN, "GEOWORK", "notificaConferenza " + c.fase(), c.convocazione() ? c.modalita()
                : String.valueOf(c.esito()), null, "by " + c.funzionario());
        if (c.convocazione()) {
            if (state == StatoPratica.CDSS_CONVENED || state.isFinal() || state == StatoPratica.OUTCOME_PROPOSED) return state;
            if (c.modalita() == null || c.dataConvocazione() == null || c.canale() == null || c.canale().isBlank()) {
                throw new LifecycleException(LifecycleException.Kind.OPERATION_NOT_EXPECTED,
                        "a convocation names modalita, dataConvocazione and canale");
            }
            return convene(id, state, c);
        }
        if (state == StatoPratica.OUTCOME_PROPOSED || state.isFinal()) return state;
        if (c.esito() == null) {
            throw new LifecycleException(LifecycleException.Kind.OPERATION_NOT_EXPECTED, "a determination names its esito");
        }
        StatoPratica next = lifecycle.transition(id, state, Lifecycle.Evento.CDSS_DETERMINED);
        conferenze.determined(id, c.esito().name(), c.motivazione());
        pratiche.setOutcomeProposed(id, c.esito());
        outbox.enqueue(id, OutboxKind.GEOWORK_PROPOSE_OUTCOME.name(), "geowork:" + id, c.esito().name());
        return next;
    }

    private StatoPratica convene(UUID id, StatoPratica state, GeoworkMapper.Conferenza c) {
        String atto = null;
        if (c.atto() != null && c.atto().contenuto() != null) {
            String sha = documents.store(c.atto().contenuto());
            pratiche.insertFromBackOffice(id, ATTO_CONVOCAZIONE, c.atto().nomeFile(), "CONVOCAZIONE_CDSS", c.atto().mimeType(), sha);
            atto = ATTO_CONVOCAZIONE;
        }
        conferenze.convened(id, c.modalita(), c.dataConvocazione(), c.canale(), atto);
        ObjectNode convocazione = json.createObjectNode().put("modalita", c.modalita())
                .put("data", c.dataConvocazione().toString()).put("canale", c.canale());
        pareriService.conferenza(id, convocazione);
        StatoPratica next = lifecycle.transition(id, state, Lifecycle.Evento.CDSS_CONVENED);
        termini.conferenzaConvocata(id);
        channels.of(pratiche.channelOf(id)).announce(id, next);
        return next;
    }

    private UUID lock(String praticaId) {
        UUID id;
        try {
            id = UUID.fromString(praticaId);
        } catch (IllegalArgumentException e) {
            throw new UnknownPraticaException("unknown pratica " + praticaId);
        }
        if (!pratiche.lock(id)) throw new UnknownPraticaException("unknown pratica " + praticaId);
        PraticaMdc.set(id, null);
        return id;
    }
}
