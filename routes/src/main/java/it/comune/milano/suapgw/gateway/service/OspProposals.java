package it.comune.milano.suapgw.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.connectors.osp.Comunicazioni;
import it.comune.milano.suapgw.connectors.osp.Decisione;
import it.comune.milano.suapgw.connectors.osp.IstanzaOsp;
import it.comune.milano.suapgw.connectors.osp.OspRules;
import it.comune.milano.suapgw.gateway.config.GatewayProperties;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.persistence.OutboxStore;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.StatoPratica;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The OSP side of proposing and validating an outcome: the decision of a round, the communication composed from
 * the templates, and what a funzionario's validation sends (GEOPOST only after it). Runs inside the caller's
 * transaction.
 */
@Component
public class OspProposals {
    private final JdbcTemplate jdbc;
    private final OutboxStore outbox;
    private final TimelineStore timeline;
    private final OspRules rules;
    private final Comunicazioni comunicazioni;
    private final GatewayProperties props;
    private final ObjectMapper json;

    public OspProposals(JdbcTemplate jdbc, OutboxStore outbox, TimelineStore timeline, OspRules rules,
                        Comunicazioni comunicazioni, GatewayProperties props, ObjectMapper json) {
        this.jdbc = jdbc;
        this.outbox = outbox;
        this.timeline = timeline;
        this.rules = rules;
        this.comunicazioni = comunicazioni;
        this.props = props;
        this.json = json;
    }

    public IstanzaOsp istanza(UUID id) {
        return IstanzaOsp.of(JsonColumns.read(json,
                jdbc.queryForObject("select dati::text from pratica where id = ?", String.class, id)));
    }

    public List<VoceChecklist> checklist(UUID id, int round) {
        return jdbc.query("""
                select codice, descrizione, esito, evidenza from osp_checklist where pratica_id = ? and round = ?
                 order by case codice when 'OSAPI_PRECEDENTI' then 1 when 'VINCOLO_SOPRINTENDENZA' then 2
                   when 'AREA_MERCATALE' then 3 when 'DECORO_URBANO' then 4 when 'ELEMENTI_ESENTI' then 5
                   when 'IMPATTO_ACUSTICO' then 6 when 'SCIA_SOMMINISTRAZIONE' then 7 when 'MOROSITA_CANONE' then 8
                   else 9 end""",
                (rs, i) -> new VoceChecklist(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)), id, round);
    }

    public List<VoceChecklist> latestChecklist(UUID id) {
        Integer round = jdbc.queryForObject("select max(round) from osp_checklist where pratica_id = ?", Integer.class, id);
        return round == null ? List.of() : checklist(id, round);
    }

    /** Decides the round and stores the composed communication for the funzionario; returns the esito for Geowork. */
    Esito propose(UUID id) {
        int round = jdbc.queryForObject("select round from pratica where id = ?", Integer.class, id);
        Decisione d = Decisione.of(latestChecklist(id), pareri(id, round), rules);
        String testo = comunicazioni.compose(istanza(id), d, null);
        jdbc.update("""
                insert into osp_comunicazione (id, pratica_id, round, tipo, testo_proposto, motivi, prescrizioni, integrazioni,
                                               stato, created_at)
                values (?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), cast(? as jsonb), 'PROPOSTA', now())""",
                UUID.randomUUID(), id, round, d.tipo(), testo, JsonColumns.write(json, d.motivi()),
                JsonColumns.write(json, d.prescrizioni()), JsonColumns.write(json, d.integrazioni()));
        timeline.record(id, TimelineStore.INTERNAL, "GATEWAY", "comunicazione " + d.tipo(), "PROPOSTA", null,
                "round " + round + ": waiting for the funzionario's validation");
        return d.esito();
    }

    private List<Decisione.ParereEnte> pareri(UUID id, int round) {
        return jdbc.query("""
                select distinct on (ente_code) ente_code, esito, coalesce(prescrizioni::text, '[]'),
                       coalesce(integrazioni::text, '[]'), motivazione, round
                  from richiesta_parere where pratica_id = ? and status = 'ANSWERED' order by ente_code, round desc""",
                (rs, i) -> new Decisione.ParereEnte(rs.getString(1),
                        props.ente(rs.getString(1)).map(e -> e.name()).orElse(rs.getString(1)),
                        Esito.valueOf(rs.getString(2)), JsonColumns.strings(json, rs.getString(3)),
                        JsonColumns.strings(json, rs.getString(4)),
                        rs.getString(5), rs.getInt(6) == round), id);
    }

    /** The communication waiting for validation, or null. */
    public Map<String, Object> pending(UUID id) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                select * from osp_comunicazione where pratica_id = ? and stato = 'PROPOSTA' order by created_at desc limit 1""", id);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * The funzionario validated: the communication of the validated esito (the proposed one, or composed anew when the
     * funzionario decided otherwise), with the text as edited, is released through the outbox — for a concession
     * first OSAPI, then GERI for a temporary occupation, then GEOPOST, then Geowork, in that order.
     */
    void onValidated(UUID id, StatoPratica next, Esito esito, String funzionario, String testoEditato) {
        Map<String, Object> c = pending(id);
        String tipo = Decisione.tipoOf(esito);
        UUID cid;
        if (c != null && tipo.equals(c.get("tipo"))) {
            cid = (UUID) c.get("id");
        } else {
            // the funzionario decided otherwise than proposed: the communication of his decision replaces the proposal
            if (c != null) jdbc.update("update osp_comunicazione set stato = 'RIFIUTATA' where id = ?", c.get("id"));
            int round = jdbc.queryForObject("select round from pratica where id = ?", Integer.class, id);
            Decisione proposed = Decisione.of(latestChecklist(id), pareri(id, round), rules);
            Decisione d = new Decisione(tipo, proposed.motivi(), proposed.prescrizioni(), proposed.integrazioni());
            cid = UUID.randomUUID();
            jdbc.update("""
                    insert into osp_comunicazione (id, pratica_id, round, tipo, testo_proposto, motivi, prescrizioni,
                                                   integrazioni, stato, created_at)
                    values (?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), cast(? as jsonb), 'PROPOSTA', now())""",
                    cid, id, round, tipo, comunicazioni.compose(istanza(id), d, null), JsonColumns.write(json, d.motivi()),
                    JsonColumns.write(json, d.prescrizioni()), JsonColumns.write(json, d.integrazioni()));
        }
        jdbc.update("""
                update osp_comunicazione set stato = 'VALIDATA', testo = coalesce(?, testo_proposto), validata_da = ?,
                       validata_il = now() where id = ?""", testoEditato, funzionario, cid);
        timeline.record(id, TimelineStore.IN, "FUNZIONARIO", "comunicazione " + tipo, "VALIDATA", null,
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

    /** The funzionario rejected the composed text: it is set aside and the pratica waits for his own decision. */
    boolean reject(UUID id, String funzionario) {
        Map<String, Object> c = pending(id);
        if (c == null) return false;
        jdbc.update("update osp_comunicazione set stato = 'RIFIUTATA', validata_da = ?, validata_il = now() where id = ?",
                funzionario, c.get("id"));
        timeline.record(id, TimelineStore.IN, "FUNZIONARIO", "comunicazione " + c.get("tipo"), "RIFIUTATA", null,
                "rifiutata da " + funzionario);
        return true;
    }

    /** The canone of a temporary occupation (sample tariff of the rules), told to GERI before release. */
    public double canoneTemporanea(IstanzaOsp i) {
        long giorni = i.al() == null ? 1 : Math.max(1, java.time.temporal.ChronoUnit.DAYS.between(i.dal(), i.al()) + 1);
        return Math.round(i.superficieMq() * giorni * rules.canoneTemporaneaEuroMqGiorno() * 100) / 100.0;
    }

}
