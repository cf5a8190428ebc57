package it.comune.milano.suapgw.gateway.osp;

import com.fasterxml.jackson.databind.ObjectMapper;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.model.Comunicazione;
import it.comune.milano.suapgw.model.VoceChecklist;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The one owner of the OSP tables: the checklist of every round and the communications composed for the applicant. */
@Repository
public class OspRepository {
    public static final String PROPOSTA = "PROPOSTA", VALIDATA = "VALIDATA", RIFIUTATA = "RIFIUTATA", INVIATA = "INVIATA";

    /** A communication as released, and whether the funzionario kept the composed text. */
    public record Rilasciata(Comunicazione comunicazione, boolean testoComposto) {
    }

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public OspRepository(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void saveChecklist(UUID id, int round, List<VoceChecklist> voci) {
        for (VoceChecklist v : voci) {
            jdbc.update("""
                    insert into osp_checklist (pratica_id, round, codice, descrizione, esito, evidenza, checked_at)
                    values (?, ?, ?, ?, ?, ?, now())
                    on conflict (pratica_id, round, codice) do update
                       set esito = excluded.esito, evidenza = excluded.evidenza, checked_at = now()""",
                    id, round, v.codice(), v.descrizione(), v.esito(), v.evidenza());
        }
    }

    /** The checklist of the latest round checked, in the order of docs/osp-workflow.md §5. */
    public List<VoceChecklist> latestChecklist(UUID id) {
        return jdbc.query("""
                select codice, descrizione, esito, evidenza from osp_checklist
                 where pratica_id = ? and round = (select max(round) from osp_checklist where pratica_id = ?)
                 order by case codice when 'OSAPI_PRECEDENTI' then 1 when 'VINCOLO_SOPRINTENDENZA' then 2
                   when 'AREA_MERCATALE' then 3 when 'DECORO_URBANO' then 4 when 'ELEMENTI_ESENTI' then 5
                   when 'IMPATTO_ACUSTICO' then 6 when 'SCIA_SOMMINISTRAZIONE' then 7 when 'MOROSITA_CANONE' then 8
                   else 9 end""",
                (rs, i) -> new VoceChecklist(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)), id, id);
    }

    public void insertComunicazione(UUID cid, UUID praticaId, int round, Decisione d, String testo) {
        jdbc.update("""
                insert into osp_comunicazione (id, pratica_id, round, tipo, testo_proposto, motivi, prescrizioni, integrazioni,
                                               stato, created_at)
                values (?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), cast(? as jsonb), 'PROPOSTA', now())""",
                cid, praticaId, round, d.tipo(), testo, JsonColumns.write(json, d.motivi()),
                JsonColumns.write(json, d.prescrizioni()), JsonColumns.write(json, d.integrazioni()));
    }

    /** The communication waiting for validation, or null. */
    public Map<String, Object> pending(UUID praticaId) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                select * from osp_comunicazione where pratica_id = ? and stato = 'PROPOSTA' order by created_at desc limit 1""",
                praticaId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** The funzionario rejected the composed text. */
    public void reject(UUID cid, String funzionario) {
        jdbc.update("update osp_comunicazione set stato = 'RIFIUTATA', validata_da = ?, validata_il = now() where id = ?",
                funzionario, cid);
    }

    /** Replaced by the communication of the funzionario's own decision. */
    public void supersede(UUID cid) {
        jdbc.update("update osp_comunicazione set stato = 'RIFIUTATA' where id = ?", cid);
    }

    public void validate(UUID cid, String testoEditato, String funzionario) {
        jdbc.update("""
                update osp_comunicazione set stato = 'VALIDATA', testo = coalesce(?, testo_proposto), validata_da = ?,
                       validata_il = now() where id = ?""", testoEditato, funzionario, cid);
    }

    public void setNumeroConcessione(UUID cid, String numero) {
        jdbc.update("update osp_comunicazione set numero_concessione = ? where id = ?", numero, cid);
    }

    public void setIdAvvisoGeri(UUID cid, String idAvviso) {
        jdbc.update("update osp_comunicazione set id_avviso_geri = ? where id = ?", idAvviso, cid);
    }

    /** @return the kind of communication sent */
    public String markSent(UUID cid) {
        return jdbc.queryForObject("update osp_comunicazione set stato = 'INVIATA', inviata_il = now() where id = ? returning tipo",
                String.class, cid);
    }

    public Rilasciata rilasciata(UUID cid) {
        return jdbc.queryForObject("""
                select id, tipo, testo, motivi::text, prescrizioni::text, integrazioni::text, numero_concessione,
                       validata_da, validata_il, testo = testo_proposto from osp_comunicazione where id = ?""",
                (rs, i) -> new Rilasciata(new Comunicazione((UUID) rs.getObject(1), rs.getString(2), rs.getString(3),
                        JsonColumns.strings(json, rs.getString(4)), JsonColumns.strings(json, rs.getString(5)),
                        JsonColumns.strings(json, rs.getString(6)), rs.getString(7), rs.getString(8),
                        rs.getTimestamp(9).toInstant().atOffset(ZoneOffset.UTC)), rs.getBoolean(10)), cid);
    }
}
