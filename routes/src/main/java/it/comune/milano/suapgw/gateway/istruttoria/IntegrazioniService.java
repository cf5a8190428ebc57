package it.comune.milano.suapgw.gateway.istruttoria;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.connectors.ssu.SsuEvents;
import it.comune.milano.suapgw.connectors.ssu.SsuMapper;
import it.comune.milano.suapgw.gateway.channel.ChannelPolicies;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.esito.EsitoService;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.lifecycle.PraticaLifecycle;
import it.comune.milano.suapgw.gateway.outbox.OutboxKind;
import it.comune.milano.suapgw.gateway.outbox.OutboxStore;
import it.comune.milano.suapgw.gateway.pareri.ssu.EntiSsuNotifiche;
import it.comune.milano.suapgw.gateway.persistence.EntiSsuRepository;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository.UltimoParere;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.gateway.termini.ScadenzaHandler;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.TerminiIstanza;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The end of a round of pareri, and the applicant's integration. Where the channel gathers them (SSU), the enti's
 * integration requests of the first round go to the applicant as one request — when every ente has answered, or when
 * the window for asking closes ({@code max_gg_int_req}) — and the procedure's term is suspended until the integrated
 * instance arrives; past {@code max_gg_int_resp} without it the pratica ends. Otherwise the outcome is proposed.
 */
@Component
public class IntegrazioniService {
    private final PraticaRepository pratiche;
    private final PareriRepository pareri;
    private final PraticaLifecycle lifecycle;
    private final ChannelPolicies channels;
    private final EsitoService esiti;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final SsuMapper ssu;
    private final GatewayProperties props;
    private final EntiSsuRepository enteDocuments;
    private final EntiSsuNotifiche entiTerzi;

    public IntegrazioniService(PraticaRepository pratiche, PareriRepository pareri, PraticaLifecycle lifecycle,
                               ChannelPolicies channels, EsitoService esiti, OutboxStore outbox, TimelineStore timeline,
                               SsuMapper ssu, GatewayProperties props, EntiSsuRepository enteDocuments, EntiSsuNotifiche entiTerzi) {
        this.enteDocuments = enteDocuments;
        this.entiTerzi = entiTerzi;
        this.pratiche = pratiche;
        this.pareri = pareri;
        this.lifecycle = lifecycle;
        this.channels = channels;
        this.esiti = esiti;
        this.outbox = outbox;
        this.timeline = timeline;
        this.ssu = ssu;
        this.props = props;
    }

    /** No request of the pratica is open any more: its integration requests go to the applicant, else the outcome is proposed. */
    public void onRoundComplete(UUID id) {
        if (!requested(id).isEmpty()) {
            requestFromApplicant(id);
        } else {
            esiti.proposeOutcome(id);
        }
    }

    /** The integration requests gathered: latest pareri of the first round that ask for integrazioni (asked once per instance). */
    List<UltimoParere> requested(UUID id) {
        if (!channels.of(pratiche.channelOf(id)).gathersIntegrations() || pratiche.roundOf(id) != 1) return List.of();
        return pareri.latestPareri(id).stream().filter(p -> p.round() == 1 && !p.integrazioni().isEmpty()).toList();
    }

    /** One request_integration with every ente's requests, the integration being awaited from now on. */
    void requestFromApplicant(UUID id) {
        List<UltimoParere> asked = requested(id);
        JsonNode descriptor = pratiche.descriptorOf(id);
        List<SsuMapper.RichiestaIntegrazione> items = new ArrayList<>();
        for (UltimoParere p : asked) {
            Ente ente = props.ente(p.enteCode()).orElseThrow();
            JsonNode proc = proceedingOf(descriptor, ente);
            for (String request : p.integrazioni()) {
                items.add(new SsuMapper.RichiestaIntegrazione(proc.path("code").asText(), proc.path("instance").path("ref").asText(
                        proc.path("code").asText()), request, ente.ipaCode(), ente.officeCode(), ente.name()));
            }
        }
        // the enti terzi's documents of request, which the front-office fetches from us
        List<SsuMapper.DocumentoRichiesta> documents = new ArrayList<>();
        for (EntiSsuRepository.DocumentoEnte d : enteDocuments.ofPratica(id, EntiSsuRepository.INTEGRAZIONE)) {
            if (!d.verified()) continue;
            props.ente(d.enteCode()).ifPresent(e -> documents.add(new SsuMapper.DocumentoRichiesta(e.ipaCode(), e.officeCode(),
                    e.name(), d.resourceId(), d.sha256(), "S256")));
        }
        String body = ssu.requestIntegration(pratiche.cuiOf(id), pratiche.descriptorVersionOf(id), items, documents).toString();
        lifecycle.transition(id, Lifecycle.Evento.INTEGRATION_REQUEST_SENT);
        outbox.enqueue(id, OutboxKind.FO_REQUEST_INTEGRATION.name(), "fo:" + id, body);
        outbox.enqueue(id, OutboxKind.CATALOGO_AUDIT.name(), "catalogo:" + id, SsuEvents.INTEGRATION_REQUESTED);
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "request_integration", "SCHEDULED", null,
                items.size() + " request(s) of " + asked.stream().map(UltimoParere::enteCode).toList());
    }

    /** The proceeding of the descriptor the ente is competent for (else the first one). */
    private static JsonNode proceedingOf(JsonNode descriptor, Ente ente) {
        for (JsonNode p : descriptor.path("usecase_proceedings")) {
            JsonNode ca = p.path("competent_administration");
            if (ente.ipaCode().equalsIgnoreCase(ca.path("ipacode").asText())
                    && ente.officeCode().equalsIgnoreCase(ca.path("officecode").asText())) return p;
        }
        return descriptor.path("usecase_proceedings").path(0);
    }

    /** The window for the enti's integration requests closed: what was gathered goes to the applicant now. */
    @Component
    static class FinestraRichieste implements ScadenzaHandler {
        private final IntegrazioniService integrazioni;
        private final OutboxStore outbox;

        FinestraRichieste(IntegrazioniService integrazioni, OutboxStore outbox) {
            this.integrazioni = integrazioni;
            this.outbox = outbox;
        }

        @Override
        public TerminiIstanza.Tipo tipo() {
            return TerminiIstanza.Tipo.RICHIESTA_INTEGRAZIONI;
        }

        @Override
        public void onScadenza(UUID id, StatoPratica state) {
            if (state != StatoPratica.IN_ISTRUTTORIA || integrazioni.requested(id).isEmpty()) return;
            outbox.enqueue(id, OutboxKind.CATALOGO_AUDIT.name(), "catalogo:" + id, SsuEvents.INTEGRATION_REQUEST_TIME_EXPIRED);
            integrazioni.entiTerzi.announce(id, SsuEvents.INTEGRATION_REQUEST_TIME_EXPIRED, null, null);
            integrazioni.requestFromApplicant(id);
        }
    }

    /** The applicant did not integrate in time: the pratica ends. */
    @Component
    static class TermineIntegrazione implements ScadenzaHandler {
        private final EsitoService esiti;

        TermineIntegrazione(EsitoService esiti) {
            this.esiti = esiti;
        }

        @Override
        public TerminiIstanza.Tipo tipo() {
            return TerminiIstanza.Tipo.INTEGRAZIONE;
        }

        @Override
        public void onScadenza(UUID id, StatoPratica state) {
            if (state == StatoPratica.INTEGRATION_REQUESTED) esiti.end(id, Lifecycle.Evento.INTEGRATION_TIME_EXPIRED);
        }
    }
}
