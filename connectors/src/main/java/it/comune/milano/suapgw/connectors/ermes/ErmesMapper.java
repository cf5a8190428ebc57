package it.comune.milano.suapgw.connectors.ermes;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.connectors.contract.Uris;
import it.comune.milano.suapgw.connectors.geopost.IstanzaOsp;

import java.util.ArrayList;
import java.util.List;

/** ERMES (schemas/osp/ermes.yaml): acoustic conditions of a place and the SCIA di somministrazione on file. */
public class ErmesMapper {
    public static final String IMPATTO_ACUSTICO = "/api/impatto-acustico";
    public static final String SCIA_SOMMINISTRAZIONE = "/api/scia-somministrazione";

    public record ImpattoAcustico(String classeAcustica, boolean relazioneRichiesta) {
    }

    /** A SCIA on file; {@code stato} EFFICACE, SOSPESA or CESSATA. */
    public record Scia(String protocollo, String stato) {
    }

    /** Both queries name the applicant and the place. */
    public String query(IstanzaOsp i) {
        return "codiceFiscale=" + Uris.segment(i.codiceFiscale()) + "&lon=" + i.lon() + "&lat=" + i.lat();
    }

    public ImpattoAcustico impattoAcustico(JsonNode answer) {
        if (!answer.hasNonNull("classeAcustica")) throw new IllegalArgumentException("ERMES answer without classeAcustica");
        return new ImpattoAcustico(answer.path("classeAcustica").asText(), answer.path("relazioneRichiesta").asBoolean());
    }

    public List<Scia> scia(JsonNode answer) {
        if (!answer.path("scia").isArray()) throw new IllegalArgumentException("ERMES answer without scia");
        List<Scia> out = new ArrayList<>();
        answer.path("scia").forEach(s -> out.add(new Scia(s.path("protocollo").asText(), s.path("stato").asText())));
        return out;
    }
}
