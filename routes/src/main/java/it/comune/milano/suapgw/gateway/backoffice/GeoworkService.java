package it.comune.milano.suapgw.gateway.backoffice;

import it.comune.milano.suapgw.connectors.geowork.GeoworkMapper;
import it.comune.milano.suapgw.gateway.common.PraticaMdc;
import it.comune.milano.suapgw.gateway.esito.EsitoService;
import it.comune.milano.suapgw.gateway.istruttoria.CanonicalPratiche;
import it.comune.milano.suapgw.gateway.lifecycle.UnknownPraticaException;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.PareriRepository;
import it.comune.milano.suapgw.gateway.verifica.VerificaService;
import it.comune.milano.suapgw.gateway.persistence.PraticaRepository;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.PraticaCanonica;
import it.comune.milano.suapgw.model.StatoPratica;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;
import java.util.UUID;

/** The conversation with Geowork, the Comune's back-office: the pratica delivered, the outcome proposed, its validation. */
@Service
public class GeoworkService {
    private final PraticaRepository pratiche;
    private final PareriRepository pareri;
    private final CanonicalPratiche canonical;
    private final EsitoService esiti;
    private final TimelineStore timeline;
    private final VerificaService verifica;
    private final DocumentStore documents;

    public GeoworkService(PraticaRepository pratiche, PareriRepository pareri, CanonicalPratiche canonical,
                          EsitoService esiti, TimelineStore timeline, VerificaService verifica, DocumentStore documents) {
        this.verifica = verifica;
        this.documents = documents;
        this.pratiche = pratiche;
        this.pareri = pareri;
        this.canonical = canonical;
        this.esiti = esiti;
        this.timeline = timeline;
    }

    public PraticaCanonica pratica(UUID id) {
        return canonical.of(id);
    }

    /** The version of the instance Geowork is given (SSU: the descriptor version), or null. */
    public String versione(UUID id) {
        return pratiche.descriptorVersionOf(id);
    }

    /** The operator's preliminary check of an SSU pratica. */
    public StatoPratica onVerifica(GeoworkMapper.Verifica v) {
        return verifica.onVerifica(v);
    }

    public int round(UUID id) {
        return pratiche.roundOf(id);
    }

    /** Each ente's latest parere, as Geowork shows it to the funzionario. */
    public List<GeoworkMapper.SintesiParere> sintesiPareri(UUID id) {
        return pareri.latestPareri(id).stream().map(p -> new GeoworkMapper.SintesiParere(p.enteCode(), p.esito().name(),
                p.prescrizioni(), p.motivazione())).toList();
    }

    @Transactional
    public void onRegistered(UUID id, String protocol, boolean alreadyRegistered) {
        pratiche.setGeoworkProtocol(id, protocol);
        timeline.record(id, TimelineStore.OUT, "GEOWORK", "registraPratica", alreadyRegistered ? "ALREADY_REGISTERED" : "REGISTERED",
                null, "protocollo " + protocol);
    }

    @Transactional
    public void onOutcomeProposed(UUID id, String esito) {
        timeline.record(id, TimelineStore.OUT, "GEOWORK", "proponiEsito", "ACCEPTED", null, esito);
    }

    /**
     * The funzionario's validation from Geowork's callback. A late validation of an earlier round's proposal is
     * recorded as STALE and decides nothing.
     */
    @Transactional
    public StatoPratica onValidated(GeoworkMapper.Validazione v) {
        UUID id;
        try {
            id = UUID.fromString(v.praticaId());
        } catch (IllegalArgumentException e) {
            throw new UnknownPraticaException("unknown pratica " + v.praticaId());
        }
        if (v.idProposta() == null || v.idProposta().isBlank()) {
            throw new IllegalArgumentException("a validation must name the proposal it validates (idProposta)");
        }
        if (!pratiche.lock(id)) throw new UnknownPraticaException("unknown pratica " + v.praticaId());
        PraticaMdc.set(id, null);
        String current = GeoworkMapper.proposalKey(id.toString(), pratiche.roundOf(id));
        if (!v.idProposta().equals(current)) {
            timeline.record(id, TimelineStore.IN, "GEOWORK", "notificaValidazioneEsito", "STALE", null,
                    "validation of proposal " + v.idProposta() + " ignored; the current proposal is " + current);
            return pratiche.stateOf(id);
        }
        if (v.provvedimento() != null) {
            GeoworkMapper.Provvedimento p = v.provvedimento();
            String rid = "provvedimento-" + pratiche.roundOf(id);
            pratiche.insertAct(id, rid, p.nomeFile(), p.mimeType(), documents.store(p.contenuto()));
            timeline.record(id, TimelineStore.IN, "GEOWORK", "provvedimento", "STORED", null,
                    rid + ": " + p.nomeFile() + ", " + p.contenuto().length + " bytes");
        }
        return esiti.validate(id, v.esito(), v.funzionario(), "GEOWORK");
    }
}
