package it.comune.milano.suapgw.connectors.pareri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.connectors.contract.JsonContracts;
import it.comune.milano.suapgw.model.DocumentoVerificato;
import it.comune.milano.suapgw.model.Ente;
import it.comune.milano.suapgw.model.Esito;
import it.comune.milano.suapgw.model.Parere;
import it.comune.milano.suapgw.model.PraticaCanonica;
import it.comune.milano.suapgw.model.RichiestaParere;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/** The JSON messages exchanged with enti over Artemis (schemas/messages), both directions. */
public class PareriMessages {
    public static final String SCHEMA_VERSION = "1.0";
    private static final String RICHIESTA = "classpath:messages/richiesta-parere-v1.schema.json";
    private static final String RISPOSTA = "classpath:messages/risposta-parere-v1.schema.json";
    private static final String NOTIFICA = "classpath:messages/notifica-ente-v1.schema.json";
    /** JMS property telling the ente's consumer what a message on its queue is */
    public static final String TIPO_MESSAGGIO = "tipoMessaggio";

    private final ObjectMapper json;
    private final JsonContracts contracts;

    public PareriMessages(ObjectMapper json, JsonContracts contracts) {
        this.json = json;
        this.contracts = contracts;
    }

    /** Thrown when a message does not satisfy its schema; the text lists every violation. */
    public static class InvalidMessageException extends RuntimeException {
        public InvalidMessageException(String message) {
            super(message);
        }
    }

    /** The request, complete and valid against its schema (documents by reference only). */
    public ObjectNode richiesta(RichiestaParere r, PraticaCanonica p, Ente ente,
                                Function<DocumentoVerificato, String> downloadUrl, OffsetDateTime now) {
        ObjectNode n = json.createObjectNode();
        n.put("schemaVersion", SCHEMA_VERSION);
        n.put("idRichiesta", r.id().toString());
        n.put("idPratica", p.id().toString());
        if (p.cuiUuid() != null) n.put("cuiUuid", p.cuiUuid());
        if (r.codicePratica() != null) n.put("codicePratica", r.codicePratica());
        n.put("canale", r.canale().name());
        if (!r.checklist().isEmpty()) {
            ArrayNode checklist = n.putArray("checklist");
            r.checklist().forEach(v -> checklist.addObject().put("codice", v.codice()).put("esito", v.esito())
                    .put("evidenza", v.evidenza()));
        }
        if (r.sollecito() > 0) n.put("sollecito", r.sollecito());
        if (r.precedente() != null) {
            n.putObject("parerePrecedente").put("idRichiesta", r.precedente().idRichiesta().toString())
                    .put("esito", r.precedente().esito().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (p.municipality() != null) n.put("comune", p.municipality());
        ObjectNode ric = n.putObject("richiedente");
        if (p.applicantCf() != null) ric.put("codiceFiscale", p.applicantCf());
        ObjectNode e = n.putObject("ente");
        e.put("codice", ente.code());
        e.put("codiceIpa", ente.ipaCode());
        if (ente.officeCode() != null) e.put("codiceUfficio", ente.officeCode());
        ObjectNode proc = n.putObject("procedimento");
        proc.put("codice", p.procedureCode());
        if (p.procedureVersion() != null) proc.put("versione", p.procedureVersion());
        if (p.regime() != null) proc.put("regime", p.regime());
        n.put("round", r.round());
        n.put("scadenza", r.deadline().toString());
        ArrayNode docs = n.putArray("documenti");
        for (DocumentoVerificato d : p.documenti()) {
            ObjectNode dn = docs.addObject();
            dn.put("idDocumento", d.sha256());
            dn.put("nome", d.name());
            dn.put("mimeType", d.mimeType() == null ? "application/octet-stream" : d.mimeType());
            dn.put("dimensione", d.size());
            dn.put("algHash", "S256");
            dn.put("hash", d.sha256());
            dn.put("url", downloadUrl.apply(d));
        }
        // RFC 3339: seconds always written (toString() drops ":00")
        n.put("inviataIl", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                now.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS)));
        check(RICHIESTA, n, "richiesta-parere");
        return n;
    }

    /** An event of the pratica the ente must hear (today its cancellation), valid against its schema. */
    public ObjectNode notifica(UUID praticaId, String cuiUuid, String codicePratica, String evento, List<UUID> richiesteChiuse,
                               OffsetDateTime now) {
        return notifica(praticaId, cuiUuid, codicePratica, evento, richiesteChiuse, null, now);
    }

    /** @param conferenza with cdss_convened: {modalita, data, canale}; else null */
    public ObjectNode notifica(UUID praticaId, String cuiUuid, String codicePratica, String evento, List<UUID> richiesteChiuse,
                               JsonNode conferenza, OffsetDateTime now) {
        ObjectNode n = json.createObjectNode();
        n.put("schemaVersion", SCHEMA_VERSION);
        n.put("tipo", "notifica");
        n.put("idPratica", praticaId.toString());
        if (cuiUuid != null) n.put("cuiUuid", cuiUuid);
        if (codicePratica != null) n.put("codicePratica", codicePratica);
        n.put("evento", evento);
        ArrayNode chiuse = n.putArray("richiesteChiuse");
        richiesteChiuse.forEach(r -> chiuse.add(r.toString()));
        if (conferenza != null) n.set("conferenza", conferenza);
        n.put("inviataIl", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                now.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS)));
        check(NOTIFICA, n, "notifica-ente");
        return n;
    }

    /** Parses and validates an ente's reply. */
    public Parere risposta(String body) {
        JsonNode n;
        try {
            n = JsonContracts.parse(json, body);
        } catch (Exception e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new InvalidMessageException("reply is not JSON: " + (why != null && why.length() > 200 ? why.substring(0, 200) + "..." : why));
        }
        if (n == null || !n.isObject()) throw new InvalidMessageException("reply is not a JSON object");
        check(RISPOSTA, n, "risposta-parere");
        List<String> prescrizioni = new ArrayList<>();
        n.path("prescrizioni").forEach(p -> prescrizioni.add(p.asText()));
        List<String> integrazioni = new ArrayList<>();
        n.path("integrazioni").forEach(p -> integrazioni.add(p.asText()));
        return new Parere(n.path("idRisposta").asText(), UUID.fromString(n.path("idRichiesta").asText()),
                n.path("ente").asText(), Esito.valueOf(n.path("esito").asText().toUpperCase(java.util.Locale.ROOT)),
                prescrizioni,
                n.path("motivazione").asText(null), n.path("firmatario").asText(null),
                dataParere(n.path("dataParere").asText()), integrazioni);
    }

    /** RFC 3339 (the schema's date-time), which also allows a space between date and time. */
    private static OffsetDateTime dataParere(String s) {
        try {
            return OffsetDateTime.parse(s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s);
        } catch (java.time.format.DateTimeParseException e) {
            throw new InvalidMessageException("risposta-parere invalid: dataParere '" + s + "' is not an RFC 3339 date-time");
        }
    }

    private void check(String schema, JsonNode n, String what) {
        List<String> errors = contracts.validate(schema, n);
        if (!errors.isEmpty()) throw new InvalidMessageException(what + " invalid: " + String.join("; ", errors));
    }
}
