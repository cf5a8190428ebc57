package it.comune.milano.suapgw.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.osp.Comunicazioni;
import it.comune.milano.suapgw.connectors.osp.Decisione;
import it.comune.milano.suapgw.connectors.osp.IstanzaOsp;
import it.comune.milano.suapgw.gateway.persistence.JsonColumns;
import it.comune.milano.suapgw.gateway.persistence.TimelineStore;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

/** The requests of a validated OSP act to OSAPI, GERI and GEOPOST, and the booking of their answers. */
@Service
public class OspOutbound {
    private final JdbcTemplate jdbc;
    private final OspProposals proposals;
    private final Comunicazioni comunicazioni;
    private final TimelineStore timeline;
    private final ObjectMapper json;

    public OspOutbound(JdbcTemplate jdbc, OspProposals proposals, Comunicazioni comunicazioni, TimelineStore timeline,
                       ObjectMapper json) {
        this.jdbc = jdbc;
        this.proposals = proposals;
        this.comunicazioni = comunicazioni;
        this.timeline = timeline;
        this.json = json;
    }

    public String codiceOf(UUID id) {
        return jdbc.queryForObject("select codice_pratica from pratica where id = ?", String.class, id);
    }

    public ObjectNode osapiRequest(UUID id) {
        JsonNode dati = dati(id);
        ObjectNode n = json.createObjectNode();
        n.put("idIstanza", dati.path("idIstanza").asText());
        n.put("codiceFiscale", dati.path("richiedente").path("codiceFiscale").asText());
        n.put("indirizzo", dati.path("luogo").path("indirizzo").asText());
        n.put("superficieMq", dati.path("superficieMq").asDouble());
        n.set("periodo", dati.path("periodo"));
        n.set("elementi", dati.path("elementi"));
        return n;
    }

    @Transactional
    public void onConcessioneRegistered(UUID id, UUID comunicazione, String numero) {
        jdbc.update("update osp_comunicazione set numero_concessione = ? where id = ?", numero, comunicazione);
        timeline.record(id, TimelineStore.OUT, "OSAPI", "concessione", "REGISTERED", null, numero);
    }

    public ObjectNode geriRequest(UUID id, UUID comunicazione) {
        IstanzaOsp i = proposals.istanza(id);
        ObjectNode n = json.createObjectNode();
        n.put("idIstanza", i.idIstanza());
        n.put("codiceFiscale", i.codiceFiscale());
        String numero = jdbc.queryForObject("select numero_concessione from osp_comunicazione where id = ?", String.class, comunicazione);
        if (numero != null) n.put("numeroConcessione", numero);
        n.put("superficieMq", i.superficieMq());
        n.put("dal", i.dal().toString());
        if (i.al() != null) n.put("al", i.al().toString());
        n.put("importo", proposals.canoneTemporanea(i));
        return n;
    }

    @Transactional
    public void onCanoneRegistered(UUID id, UUID comunicazione, String idAvviso) {
        jdbc.update("update osp_comunicazione set id_avviso_geri = ? where id = ?", idAvviso, comunicazione);
        timeline.record(id, TimelineStore.OUT, "GERI", "canone", "REGISTERED", null, idAvviso);
    }

    /** The validated communication; a concession not edited by the funzionario is completed with its number. */
    public ObjectNode geopostCommunication(UUID id, UUID cid) {
        Map<String, Object> c = jdbc.queryForMap("select * from osp_comunicazione where id = ?", cid);
        String testo = (String) c.get("testo");
        String numero = (String) c.get("numero_concessione");
        if (numero != null && testo.equals(c.get("testo_proposto"))) {
            Decisione d = new Decisione((String) c.get("tipo"), JsonColumns.strings(json, c.get("motivi")), JsonColumns.strings(json, c.get("prescrizioni")),
                    JsonColumns.strings(json, c.get("integrazioni")));
            testo = comunicazioni.compose(proposals.istanza(id), d, numero);
        }
        ObjectNode n = json.createObjectNode();
        n.put("idComunicazione", cid.toString());
        n.put("tipo", (String) c.get("tipo"));
        n.put("testo", testo);
        n.set("motivi", JsonColumns.read(json, c.get("motivi")));
        n.set("prescrizioni", JsonColumns.read(json, c.get("prescrizioni")));
        n.set("integrazioniRichieste", JsonColumns.read(json, c.get("integrazioni")));
        if (numero != null) n.put("numeroConcessione", numero);
        n.put("validataDa", (String) c.get("validata_da"));
        n.put("validataIl", ((Timestamp) c.get("validata_il")).toInstant().atOffset(ZoneOffset.UTC).toString());
        return n;
    }

    @Transactional
    public void onCommunicationSent(UUID id, UUID cid, String ricevuta) {
        jdbc.update("update osp_comunicazione set stato = 'INVIATA', inviata_il = now() where id = ?", cid);
        String tipo = jdbc.queryForObject("select tipo from osp_comunicazione where id = ?", String.class, cid);
        timeline.record(id, TimelineStore.OUT, "GEOPOST", "comunicazione " + tipo, "DELIVERED", null, "ricevuta " + ricevuta);
    }

    @Transactional
    public void onAttoFiled(UUID id, UUID cid, String tipo) {
        timeline.record(id, TimelineStore.OUT, "GEOWORK", "registraAtto " + tipo, "REGISTERED", null, "comunicazione " + cid);
    }

    private JsonNode dati(UUID id) {
        return JsonColumns.read(json, jdbc.queryForObject("select dati::text from pratica where id = ?", String.class, id));
    }

}
