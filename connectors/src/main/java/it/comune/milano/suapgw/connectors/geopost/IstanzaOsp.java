package it.comune.milano.suapgw.connectors.geopost;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The canonical view of a GEOPOST istanza (already valid against schemas/osp/geopost.yaml). */
public record IstanzaOsp(String idIstanza, String tipo, String codiceFiscale, String denominazione, String indirizzo,
                         int municipio, double lon, double lat, List<double[]> poligono, Map<String, Integer> elementi,
                         double superficieMq, boolean occupaCarreggiata, String periodoTipo, LocalDate dal, LocalDate al) {

    public static IstanzaOsp of(JsonNode i) {
        List<double[]> ring = new ArrayList<>();
        i.path("luogo").path("poligono").forEach(p -> ring.add(new double[]{p.get(0).asDouble(), p.get(1).asDouble()}));
        Map<String, Integer> elementi = new LinkedHashMap<>();
        i.path("elementi").forEach(e -> elementi.merge(e.path("tipo").asText(), e.path("quantita").asInt(), Integer::sum));
        JsonNode periodo = i.path("periodo");
        return new IstanzaOsp(i.path("idIstanza").asText(), i.path("tipo").asText(),
                i.path("richiedente").path("codiceFiscale").asText(), i.path("richiedente").path("denominazione").asText(),
                i.path("luogo").path("indirizzo").asText(), i.path("luogo").path("municipio").asInt(),
                i.path("luogo").path("punto").path("lon").asDouble(), i.path("luogo").path("punto").path("lat").asDouble(),
                ring.isEmpty() ? null : ring, elementi, i.path("superficieMq").asDouble(),
                i.path("occupaCarreggiata").asBoolean(), periodo.path("tipo").asText(),
                LocalDate.parse(periodo.path("dal").asText()),
                periodo.hasNonNull("al") ? LocalDate.parse(periodo.path("al").asText()) : null);
    }

    public String periodoDescritto() {
        String p = switch (periodoTipo) {
            case "PERMANENTE" -> "occupazione permanente";
            case "STAGIONALE" -> "occupazione stagionale";
            default -> "occupazione temporanea";
        };
        return p + " dal " + dal + (al != null ? " al " + al : "");
    }

    public String tipoDescritto() {
        return switch (tipo) {
            case "NUOVA" -> "nuova occupazione";
            case "RINNOVO" -> "rinnovo";
            default -> "adeguamento di occupazione straordinaria";
        };
    }
}
