package it.comune.milano.suapgw.connectors.osapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.contract.Uris;
import it.comune.milano.suapgw.connectors.geopost.GeopostMapper;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;

import java.util.ArrayList;
import java.util.List;

/** OSAPI, the OSP register (schemas/osp/osapi.yaml): occupations in a place, and new concessions. */
public class OsapiMapper {
    public static final String OCCUPAZIONI = "/api/occupazioni";
    public static final String CONCESSIONI = "/api/concessioni";

    /** An occupation OSAPI knows in the place; {@code stato} ATTIVA, SCADUTA or REVOCATA. */
    public record Occupazione(String numeroConcessione, String stato) {
    }

    private final ObjectMapper json;

    public OsapiMapper(ObjectMapper json) {
        this.json = json;
    }

    /** GET /api/occupazioni: the applicant's occupations near the istanza's place. */
    public String occupazioniQuery(IstanzaOsp i) {
        return "codiceFiscale=" + Uris.segment(i.codiceFiscale()) + "&lon=" + i.lon() + "&lat=" + i.lat();
    }

    public List<Occupazione> occupazioni(JsonNode answer) {
        if (!answer.path("occupazioni").isArray()) throw new IllegalArgumentException("OSAPI answer without occupazioni");
        List<Occupazione> out = new ArrayList<>();
        for (JsonNode o : answer.path("occupazioni")) {
            out.add(new Occupazione(o.path("numeroConcessione").asText(), o.path("stato").asText()));
        }
        return out;
    }

    /** POST /api/concessioni (NuovaConcessione), from the istanza as GEOPOST described it. */
    public ObjectNode nuovaConcessione(JsonNode istanza) {
        ObjectNode n = json.createObjectNode();
        n.put("idIstanza", istanza.path("idIstanza").asText());
        n.put("codiceFiscale", istanza.path("richiedente").path("codiceFiscale").asText());
        n.put("indirizzo", istanza.path("luogo").path("indirizzo").asText());
        n.put("superficieMq", istanza.path("superficieMq").asDouble());
        n.set("periodo", istanza.path("periodo"));
        n.set("elementi", istanza.path("elementi"));
        return n;
    }

    public String numeroConcessione(JsonNode answer) {
        return GeopostMapper.required(answer, "numeroConcessione");
    }
}
