package it.comune.milano.suapgw.connectors.geopost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.contract.ContentHashes;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.connectors.contract.Uris;
import it.comune.milano.suapgw.model.Comunicazione;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * GEOPOST's wire format (schemas/osp/geopost.yaml): events in (pushed or polled), each checked against the contract
 * and its allegati against their SHA-256 before anything is stored; communications out.
 */
public class GeopostMapper {
    public static final String EVENTO = "classpath:osp/geopost.yaml#/components/schemas/Evento";
    public static final String ISTANZA = "ISTANZA";
    /** The answers GEOPOST reads: taken now, or taken before (whether pushed or polled). */
    public static final String ACCETTATO = "ACCETTATO";
    public static final String DUPLICATO = "DUPLICATO";
    /** The error code of the contract's Errore for an event that cannot be taken. */
    public static final String RICHIESTA_NON_VALIDA = "RICHIESTA_NON_VALIDA";
    static final long MAX_ALLEGATO_BYTES = 20L << 20;

    /** An event that cannot be taken: answered 400 (push) or set aside (poll), nothing stored. */
    public static class InvalidEventException extends RuntimeException {
        public InvalidEventException(String message) {
            super(message);
        }
    }

    /** An allegato whose content matched its declared SHA-256. */
    public record Allegato(String tipo, String nome, String mimeType, byte[] content) {
    }

    /**
     * A valid event. {@code chiave} identifies it whichever way it arrives; for an ISTANZA {@code istanza} is the
     * istanza without the allegati's content (what the gateway keeps), for an INTEGRAZIONE {@code idIstanza} names the
     * istanza it completes.
     */
    public record Evento(long seq, String tipo, String chiave, String idIstanza, String idIntegrazione,
                         JsonNode istanza, List<Allegato> allegati, String sha256) {
        public boolean isIstanza() {
            return ISTANZA.equals(tipo);
        }
    }

    private final JsonContracts contracts;
    private final ObjectMapper json;

    public GeopostMapper(JsonContracts contracts, ObjectMapper json) {
        this.contracts = contracts;
        this.json = json;
    }

    /** @throws InvalidEventException when the event violates the contract or an allegato its hash or size */
    public Evento evento(JsonNode event) {
        if (event == null || !event.isObject()) throw new InvalidEventException("the body is not a JSON object");
        List<String> errors = contracts.validate(EVENTO, event);
        if (!errors.isEmpty()) throw new InvalidEventException(String.join("; ", errors.subList(0, Math.min(10, errors.size()))));
        // the contract's integer has no maximum: a seq beyond a long would be taken as another number
        if (!event.path("seq").canConvertToLong()) throw new InvalidEventException("$.seq: beyond " + Long.MAX_VALUE);
        String tipo = event.path("tipo").asText();
        long seq = event.path("seq").asLong();
        String sha = ContentHashes.sha256Hex(event.toString());
        if (ISTANZA.equals(tipo)) {
            JsonNode istanza = event.path("istanza");
            List<Allegato> allegati = allegati(istanza.path("allegati"));
            ObjectNode kept = istanza.deepCopy();
            kept.withArray("allegati").forEach(a -> ((ObjectNode) a).remove("contenuto"));
            String id = istanza.path("idIstanza").asText();
            return new Evento(seq, tipo, "ISTANZA:" + id, id, null, kept, allegati, sha);
        }
        JsonNode integrazione = event.path("integrazione");
        String idIntegrazione = integrazione.path("idIntegrazione").asText();
        return new Evento(seq, tipo, "INTEGRAZIONE:" + idIntegrazione, integrazione.path("idIstanza").asText(),
                idIntegrazione, null, allegati(integrazione.path("allegati")), sha);
    }

    /** Decodes every allegato and checks it against its declared SHA-256. */
    private static List<Allegato> allegati(JsonNode list) {
        List<Allegato> out = new ArrayList<>();
        for (JsonNode a : list) {
            String nome = a.path("nome").asText();
            byte[] content;
            try {
                content = base64(a.path("contenuto").asText());
            } catch (IllegalArgumentException e) {
                throw new InvalidEventException("allegato " + nome + ": contenuto is not base64");
            }
            if (content.length > MAX_ALLEGATO_BYTES) {
                throw new InvalidEventException("allegato " + nome + " exceeds " + MAX_ALLEGATO_BYTES + " bytes");
            }
            String sha = ContentHashes.sha256Hex(content);
            if (!sha.equals(a.path("sha256").asText())) {
                throw new InvalidEventException("allegato " + nome + ": content has SHA-256 " + sha + ", declared "
                        + a.path("sha256").asText());
            }
            out.add(new Allegato(a.path("tipo").asText(), nome, a.path("mimeType").asText(), content));
        }
        return out;
    }

    /** Base64 possibly folded in lines; anything else outside the alphabet is refused, not skipped. */
    private static byte[] base64(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == ' ' || c == '\t') continue;
            b.append(c);
        }
        return Base64.getDecoder().decode(b.toString());
    }

    /** Query of the catch-up poll: the events after the last one taken. */
    public String eventsQuery(long after, int limit) {
        return "dopo=" + after + "&limite=" + limit;
    }

    /** The events of a poll's page, in order. */
    public List<JsonNode> eventi(JsonNode page) {
        List<JsonNode> out = new ArrayList<>();
        page.path("eventi").forEach(out::add);
        return out;
    }

    /** The body of a push's answer. */
    public String esito(String esito, String idPratica) {
        return json.createObjectNode().put("esito", esito).put("idPratica", idPratica).toString();
    }

    public String errore(String messaggio) {
        return json.createObjectNode().put("codice", RICHIESTA_NON_VALIDA).put("messaggio", messaggio).toString();
    }

    public String comunicazioniPath(String idIstanza) {
        return "/api/istanze/" + Uris.segment(idIstanza) + "/comunicazioni";
    }

    /** POST /api/istanze/{id}/comunicazioni */
    public ObjectNode comunicazione(Comunicazione c) {
        ObjectNode n = json.createObjectNode();
        n.put("idComunicazione", c.id().toString());
        n.put("tipo", c.tipo());
        n.put("testo", c.testo());
        strings(n.putArray("motivi"), c.motivi());
        strings(n.putArray("prescrizioni"), c.prescrizioni());
        strings(n.putArray("integrazioniRichieste"), c.integrazioni());
        if (c.numeroConcessione() != null) n.put("numeroConcessione", c.numeroConcessione());
        n.put("validataDa", c.validataDa());
        // RFC 3339: seconds always written (toString() drops ":00")
        n.put("validataIl",
                DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(c.validataIl().withOffsetSameInstant(ZoneOffset.UTC)));
        return n;
    }

    public String ricevuta(JsonNode answer) {
        return required(answer, "ricevuta");
    }

    /** A field the peer's answer must carry: without it the call has not succeeded. */
    public static String required(JsonNode answer, String field) {
        String v = answer.path(field).asText("");
        if (v.isBlank()) throw new IllegalArgumentException("the answer carries no " + field);
        return v;
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }
}
