package it.comune.milano.suapgw.connectors.geri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.contract.Uris;
import it.comune.milano.suapgw.connectors.geopost.GeopostMapper;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;

import java.util.ArrayList;
import java.util.List;

/** GERI, payments of the canone unico (schemas/osp/geri.yaml): a payer's position, and the canone now due. */
public class GeriMapper {
    public static final String CANONI = "/api/canoni";

    public record Posizione(boolean moroso, double importoScaduto, List<String> annualita) {
    }

    private final ObjectMapper json;

    public GeriMapper(ObjectMapper json) {
        this.json = json;
    }

    public String posizionePath(String codiceFiscale) {
        return "/api/posizioni/" + Uris.segment(codiceFiscale);
    }

    public Posizione posizione(JsonNode answer) {
        if (!answer.hasNonNull("moroso")) throw new IllegalArgumentException("GERI answer without moroso");
        List<String> annualita = new ArrayList<>();
        answer.path("annualita").forEach(a -> annualita.add(a.asText()));
        return new Posizione(answer.path("moroso").asBoolean(), answer.path("importoScaduto").asDouble(), annualita);
    }

    /** POST /api/canoni (CanoneDovuto) for a temporary occupation. */
    public ObjectNode canoneDovuto(IstanzaOsp i, String numeroConcessione, double importo) {
        ObjectNode n = json.createObjectNode();
        n.put("idIstanza", i.idIstanza());
        n.put("codiceFiscale", i.codiceFiscale());
        if (numeroConcessione != null) n.put("numeroConcessione", numeroConcessione);
        n.put("superficieMq", i.superficieMq());
        n.put("dal", i.dal().toString());
        if (i.al() != null) n.put("al", i.al().toString());
        n.put("importo", importo);
        return n;
    }

    public String idAvviso(JsonNode answer) {
        return GeopostMapper.required(answer, "idAvviso");
    }
}
