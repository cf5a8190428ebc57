package it.comune.milano.suapgw.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.osp.Checklist;
import it.comune.milano.suapgw.connectors.osp.IstanzaOsp;
import it.comune.milano.suapgw.connectors.ssu.SsuHashes;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.lifecycle.Lifecycle;
import it.comune.milano.suapgw.gateway.persistence.DocumentStore;
import it.comune.milano.suapgw.gateway.persistence.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Canale;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The OSP workflow: GEOPOST events in (once each, whether pushed or polled), the pre-istruttoria checklist and the
 * consultation of the enti it calls for, round after round.
 */
@Service
public class OspService {
    private static final Logger log = LoggerFactory.getLogger(OspService.class);
    public static final String ACCETTATO = "ACCETTATO";
    public static final String DUPLICATO = "DUPLICATO";
    private static final long MAX_ALLEGATO_BYTES = 20L << 20;

    /** An event that cannot be taken: answered 400, nothing stored. */
    public static class EventoNonValido extends RuntimeException {
        public EventoNonValido(String message) {
            super(message);
        }
    }

    public record Ricezione(String esito, UUID praticaId) {
    }

    private final JdbcTemplate jdbc;
    private final PraticaService pratiche;
    private final OspProposals proposals;
    private final Checklist checklist;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final DocumentStore documents;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public OspService(JdbcTemplate jdbc, PraticaService pratiche, OspProposals proposals, Checklist checklist,
                      OutboxStore outbox, TimelineStore timeline, DocumentStore documents, GatewayProperties props,
                      ObjectMapper json) {
        this.jdbc = jdbc;
        this.pratiche = pratiche;
        this.proposals = proposals;
        this.checklist = checklist;
        this.outbox = outbox;
        this.timeline = timeline;
        this.documents = documents;
        this.props = props;
        this.json = json;
    }

    // ---------------------------------------------------------------- GEOPOST events

    /** @param event valid against schemas/osp/geopost.yaml#Evento; @param via PUSH or POLL */
    @Transactional
    public Ricezione receive(JsonNode event, String via) {
        String tipo = event.path("tipo").asText();
        long seq = event.path("seq").asLong();
        String hash = SsuHashes.sha256Hex(event.toString());
        if ("ISTANZA".equals(tipo)) {
            JsonNode istanza = event.path("istanza");
            String key = "ISTANZA:" + istanza.path("idIstanza").asText();
            UUID known = known(key);
            if (known != null) return new Ricezione(DUPLICATO, known);
            List<Allegato> allegati = allegati(istanza.path("allegati"));
            UUID id = UUID.randomUUID();
            ObjectNode dati = istanza.deepCopy();
            stripContent(dati.withArray("allegati"));
            IstanzaOsp i = IstanzaOsp.of(istanza);
            jdbc.update("""
                    insert into pratica (id, channel, codice_pratica, dati, procedure_code, regime, applicant_cf, state,
                                         presented_at, updated_at)
                    values (?, ?, ?, cast(? as jsonb), ?, 'AUTORIZZAZIONE', ?, ?, now(), now())""",
                    id, Canale.GEOPOST.name(), i.idIstanza(), dati.toString(), "OSP_" + i.tipo() + "_" + i.periodoTipo(),
                    i.codiceFiscale(), StatoPratica.PRESENTED.name());
            store(id, allegati, "");
            jdbc.update("""
                    insert into geopost_event (chiave, seq, tipo, pratica_id, via, body_sha256, received_at)
                    values (?, ?, ?, ?, ?, ?, now())""", key, seq, tipo, id, via, hash);
            timeline.record(id, TimelineStore.IN, "GEOPOST", "istanza " + i.tipo(), "ACCEPTED", hash,
                    "seq " + seq + " via " + via + ", " + allegati.size() + " allegati");
            outbox.enqueue(id, OutboxKind.OSP_CHECKLIST.name(), "osp-checklist:" + id, "1");
            log.info("Istanza {} received from GEOPOST via {}", i.idIstanza(), via);
            return new Ricezione(ACCETTATO, id);
        }
        JsonNode integrazione = event.path("integrazione");
        String key = "INTEGRAZIONE:" + integrazione.path("idIntegrazione").asText();
        UUID known = known(key);
        if (known != null) return new Ricezione(DUPLICATO, known);
        List<UUID> ids = jdbc.queryForList("select id from pratica where channel = ? and codice_pratica = ?", UUID.class,
                Canale.GEOPOST.name(), integrazione.path("idIstanza").asText());
        if (ids.isEmpty()) {
            throw new EventoNonValido("integrazione " + integrazione.path("idIntegrazione").asText() + " for unknown istanza "
                    + integrazione.path("idIstanza").asText());
        }
        UUID id = ids.get(0);
        pratiche.lock(id);
        List<Allegato> allegati = allegati(integrazione.path("allegati"));
        store(id, allegati, integrazione.path("idIntegrazione").asText() + "/");
        jdbc.update("""
                insert into geopost_event (chiave, seq, tipo, pratica_id, via, body_sha256, received_at)
                values (?, ?, ?, ?, ?, ?, now())""", key, seq, tipo, id, via, hash);
        timeline.record(id, TimelineStore.IN, "GEOPOST", "integrazione", "ACCEPTED", hash,
                "seq " + seq + " via " + via + ", " + allegati.size() + " allegati");
        StatoPratica state = pratiche.stateOf(id);
        if (Lifecycle.accepts(state, Lifecycle.Evento.INTEGRATION_RECEIVED)) {
            pratiche.transition(id, state, Lifecycle.Evento.INTEGRATION_RECEIVED);
            int next = jdbc.queryForObject("select round + 1 from pratica where id = ?", Integer.class, id);
            outbox.enqueue(id, OutboxKind.OSP_CHECKLIST.name(), "osp-checklist:" + id, String.valueOf(next));
        } else {
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "integrazione", "NOT_REQUESTED", null,
                    "allegati added; no integration was pending in state " + state.apiName());
        }
        return new Ricezione(ACCETTATO, id);
    }

    private record Allegato(String tipo, String nome, String mimeType, byte[] content) {
    }

    /** Decodes every allegato and checks it against its declared SHA-256 before anything is stored. */
    private static List<Allegato> allegati(JsonNode list) {
        List<Allegato> out = new ArrayList<>();
        for (JsonNode a : list) {
            byte[] content;
            try {
                content = Base64.getMimeDecoder().decode(a.path("contenuto").asText());
            } catch (IllegalArgumentException e) {
                throw new EventoNonValido("allegato " + a.path("nome").asText() + ": contenuto is not base64");
            }
            if (content.length > MAX_ALLEGATO_BYTES) {
                throw new EventoNonValido("allegato " + a.path("nome").asText() + " exceeds " + MAX_ALLEGATO_BYTES + " bytes");
            }
            String sha = SsuHashes.sha256Hex(content);
            if (!sha.equals(a.path("sha256").asText())) {
                throw new EventoNonValido("allegato " + a.path("nome").asText() + ": content has SHA-256 " + sha
                        + ", declared " + a.path("sha256").asText());
            }
            out.add(new Allegato(a.path("tipo").asText(), a.path("nome").asText(), a.path("mimeType").asText(), content));
        }
        return out;
    }

    private void store(UUID id, List<Allegato> allegati, String prefix) {
        for (Allegato a : allegati) {
            String sha = documents.store(a.content());
            jdbc.update("""
                    insert into pratica_documento (pratica_id, resource_id, name, code, mime_type, alg_hash, expected_hash,
                                                   sha256, status, verified_at)
                    values (?, ?, ?, ?, ?, 'S256', ?, ?, 'VERIFIED', now())
                    on conflict (pratica_id, resource_id) do nothing""",
                    id, prefix + a.nome(), a.nome(), a.tipo(), a.mimeType(), sha, sha);
        }
    }

    private static void stripContent(ArrayNode allegati) {
        allegati.forEach(a -> ((ObjectNode) a).remove("contenuto"));
    }

    private UUID known(String key) {
        List<UUID> ids = jdbc.queryForList("select pratica_id from geopost_event where chiave = ?", UUID.class, key);
        return ids.isEmpty() ? null : ids.get(0);
    }

    public long cursor() {
        return jdbc.queryForObject("select last_seq from geopost_cursor where id = 1", Long.class);
    }

    public void advanceCursor(long seq) {
        jdbc.update("update geopost_cursor set last_seq = greatest(last_seq, ?) where id = 1", seq);
    }

    // ---------------------------------------------------------------- pre-istruttoria

    /** What the checklist needs: the istanza and the types of every allegato received so far. */
    public record DaVerificare(IstanzaOsp istanza, Set<String> allegati) {
    }

    public DaVerificare daVerificare(UUID id) {
        Set<String> tipi = new LinkedHashSet<>(jdbc.queryForList(
                "select code from pratica_documento where pratica_id = ? and code is not null", String.class, id));
        return new DaVerificare(proposals.istanza(id), tipi);
    }

    /**
     * The checklist of a round. With any item UNAVAILABLE it is only recorded (the caller retries later); complete,
     * it starts the round: round 1 consults the enti of the rules, a later round only the enti that asked for the
     * integration, each naming its earlier parere.
     * @return whether the checklist was complete
     */
    @Transactional
    public boolean onChecklist(UUID id, int round, List<VoceChecklist> voci) {
        pratiche.lock(id);
        for (VoceChecklist v : voci) {
            jdbc.update("""
                    insert into osp_checklist (pratica_id, round, codice, descrizione, esito, evidenza, checked_at)
                    values (?, ?, ?, ?, ?, ?, now())
                    on conflict (pratica_id, round, codice) do update
                       set esito = excluded.esito, evidenza = excluded.evidenza, checked_at = now()""",
                    id, round, v.codice(), v.descrizione(), v.esito(), v.evidenza());
        }
        List<String> unavailable = voci.stream().filter(v -> Checklist.UNAVAILABLE.equals(v.esito())).map(VoceChecklist::codice).toList();
        if (!unavailable.isEmpty()) {
            timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "pre-istruttoria round " + round, "INCOMPLETE", null,
                    "unavailable: " + unavailable + "; the checks will be run again");
            return false;
        }
        StatoPratica state = pratiche.stateOf(id);
        if (!Lifecycle.accepts(state, Lifecycle.Evento.DOCUMENTS_VERIFIED)) {
            return true; // a repeated delivery of a checklist already acted upon
        }
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "pre-istruttoria round " + round, "COMPLETE", null,
                voci.stream().map(v -> v.codice() + "=" + v.esito()).toList().toString());
        pratiche.transition(id, state, Lifecycle.Evento.DOCUMENTS_VERIFIED);
        jdbc.update("update pratica set round = ?, documents_status = 'VERIFIED', updated_at = now() where id = ?", round, id);
        List<Ente> enti = new ArrayList<>();
        LocalDate today = LocalDate.now();
        if (round == 1) {
            outbox.enqueue(id, OutboxKind.GEOWORK_REGISTER.name(), "geowork:" + id, id.toString());
            for (String code : checklist.entiDaConsultare(proposals.istanza(id), voci)) {
                Ente e = props.ente(code).orElseThrow(() -> new IllegalStateException("OSP rules name ente " + code
                        + ", which is not in the registry (config/enti.yaml)"));
                pratiche.requestParere(id, e, 1, null, today);
                enti.add(e);
            }
        } else {
            for (Map<String, Object> r : jdbc.queryForList("""
                    select distinct on (ente_code) id, ente_code, round, coalesce(integrazioni::text, '[]') as integrazioni
                      from richiesta_parere where pratica_id = ? and status = 'ANSWERED' order by ente_code, round desc""", id)) {
                boolean askedIntegration = ((Number) r.get("round")).intValue() == round - 1
                        && !"[]".equals(((String) r.get("integrazioni")).replace(" ", ""));
                if (!askedIntegration) continue;
                Ente e = props.ente((String) r.get("ente_code")).orElseThrow();
                pratiche.requestParere(id, e, round, (UUID) r.get("id"), today);
                enti.add(e);
            }
        }
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "istruttoria", "ROUND_" + round, null,
                "pareri requested from " + enti.stream().map(Ente::code).toList());
        if (enti.isEmpty()) {
            pratiche.proposeOutcome(id, StatoPratica.IN_ISTRUTTORIA);
        }
        return true;
    }
}
