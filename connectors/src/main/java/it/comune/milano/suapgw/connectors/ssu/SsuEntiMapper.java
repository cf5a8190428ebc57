package it.comune.milano.suapgw.connectors.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.model.Atto;
import it.comune.milano.suapgw.model.Esito;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The SSU messages between the back-office and the enti terzi (bo_to_et / et_to_bo) and the Registro Imprese
 * (bo_to_ri / ri_to_bo): what we send them, and what their conclusions and requests mean in the canonical model.
 * Bodies received are schema-valid (the edge validates them first).
 */
public class SsuEntiMapper {
    /** the events of et_to_bo notify that carry no act */
    private static final Set<String> ET_PLAIN_EVENTS = Set.of("end_by_proceeding_time_expired", "end_by_integration_times_expired",
            "end_by_submitter_cancel_requested", "integration_request_time_expired");
    /** ri_to_bo notify: every end, the act with the transfer outcomes */
    private static final Set<String> RI_PLAIN_EVENTS = Set.of("end_by_instance_refused", "end_by_proceeding_time_expired",
            "end_by_integration_times_expired", "end_by_submitter_cancel_requested");
    public static final String CDSS_CONVENED = "cdss_convened";

    private final ObjectMapper json;
    private final SsuMapper ssu;

    public SsuEntiMapper(ObjectMapper json, SsuMapper ssu) {
        this.json = json;
        this.ssu = ssu;
    }

    /**
     * ri_to_bo send_instance: as the enti terzi's, plus {@code instance_status}, which the published ri_to_bo requires
     * without defining: the instance's states as the Catalogo's descriptor records them ([{state, timestamp}]).
     */
    public ObjectNode sendInstance(JsonNode cui, String descriptorVersion, JsonNode instanceIndex, JsonNode generalIndex,
                                   JsonNode instanceStatus) {
        ObjectNode n = sendInstance(cui, descriptorVersion, instanceIndex, generalIndex);
        n.set("instance_status", instanceStatus == null || instanceStatus.isMissingNode() ? json.createArrayNode() : instanceStatus.deepCopy());
        return n;
    }

    /** et_to_bo send_instance: the instance as the recipient may read it. */
    public ObjectNode sendInstance(JsonNode cui, String descriptorVersion, JsonNode instanceIndex, JsonNode generalIndex) {
        ObjectNode n = json.createObjectNode();
        n.set("cui", ssu.cui(cui));
        n.put("instance_descriptor_version", descriptorVersion);
        n.set("instance_index", instanceIndex == null ? json.createArrayNode() : instanceIndex.deepCopy());
        n.set("general_index", generalIndex == null ? json.createArrayNode() : generalIndex.deepCopy());
        return n;
    }

    /** Whether an ente terzo hears of this event by et_to_bo notify. */
    public static boolean notifiesEnte(String event) {
        return ET_PLAIN_EVENTS.contains(event) || CDSS_CONVENED.equals(event) || SsuEvents.carriesAct(event);
    }

    /** Whether the Registro Imprese hears of this event by ri_to_bo notify. */
    public static boolean notifiesRegistroImprese(String event) {
        return RI_PLAIN_EVENTS.contains(event) || SsuEvents.carriesAct(event);
    }

    /** et_to_bo / ri_to_bo notify: the event, the act with a transfer outcome. */
    public ObjectNode notify(JsonNode cui, String descriptorVersion, String event, Atto atto) {
        return ssu.notify(cui, descriptorVersion, event, atto);
    }

    /** et_to_bo notify cdss_convened: how and when the conferenza meets, and its act of convocation. */
    public ObjectNode notifyConferenza(JsonNode cui, String descriptorVersion, Convocazione c) {
        ObjectNode n = json.createObjectNode();
        n.set("cui", ssu.cui(cui));
        n.put("instance_descriptor_version", descriptorVersion);
        n.put("event", CDSS_CONVENED);
        n.put("cdss_channel", c.canale());
        n.put("cdss_convocation", c.data().toString());
        if (c.nomeAtto() != null) {
            n.put("cdss_admin_act_filename", c.nomeAtto());
            n.put("mime_type", c.mimeTypeAtto());
        }
        return n;
    }

    /** The conferenza as convened: its date (a sincrona's meeting, an asincrona's deadline), channel and act. */
    public record Convocazione(String modalita, LocalDate data, String canale, String nomeAtto, String mimeTypeAtto) {
    }

    /** A document an ente terzo refers to, which it serves on its et_to_bo. */
    public record DocumentoEnte(String resourceId, String hash, String algHash) {
    }

    /** bo_to_et send_conclusions in the canonical terms of a parere. */
    public record Conclusioni(Esito esito, String testo, LocalDate data, String descriptorVersion, DocumentoEnte documento) {
    }

    public Conclusioni conclusions(JsonNode body) {
        String type = body.path("conclusions_type").asText();
        Esito esito;
        String testo;
        switch (type) {
            case "positive_outcome" -> {
                esito = Esito.POSITIVO;
                testo = body.path("positive_outcome").asText();
            }
            case "conformation_requested" -> {
                esito = Esito.CONFORMAZIONE;
                testo = body.path("conformation_requested").asText();
            }
            case "suspension_requested" -> {
                esito = Esito.NEGATIVO;
                testo = body.path("negative_outcome_motivation").asText();
            }
            default -> throw new SsuException(SsuErrorCode.ERROR_400_001, "conclusions_type '" + type + "' is unknown");
        }
        LocalDate data = body.hasNonNull("date") ? LocalDate.parse(body.get("date").asText()) : null;
        return new Conclusioni(esito, testo, data, body.path("instance_descriptor_version").asText(), documento(body));
    }

    /** An element of the instance the ente asks to integrate, and what it asks. */
    public record Integrazione(String code, String ref, List<String> richieste) {
    }

    /** bo_to_et request_integration: the elements to integrate and the ente's documents of request. */
    public record RichiestaIntegrazioneEnte(String descriptorVersion, List<Integrazione> integrazioni, List<DocumentoEnte> documenti) {
        public List<String> testi() {
            List<String> out = new ArrayList<>();
            integrazioni.forEach(i -> out.addAll(i.richieste()));
            return out;
        }
    }

    /** @throws SsuException ERROR_500_005 when an element asks for nothing */
    public RichiestaIntegrazioneEnte integrationRequest(JsonNode body) {
        List<Integrazione> items = new ArrayList<>();
        for (JsonNode i : body.path("integration_list")) {
            List<String> texts = new ArrayList<>();
            for (JsonNode r : i.path("integration_request")) {
                if (!r.path("request").asText("").isBlank()) texts.add(r.path("request").asText());
            }
            if (texts.isEmpty()) {
                throw new SsuException(SsuErrorCode.ERROR_500_005,
                        "integration_list item " + i.path("code").asText() + "/" + i.path("ref").asText() + " asks for nothing");
            }
            items.add(new Integrazione(i.path("code").asText(), i.path("ref").asText(), texts));
        }
        if (items.isEmpty()) throw new SsuException(SsuErrorCode.ERROR_500_005, "integration_list is empty");
        List<DocumentoEnte> docs = new ArrayList<>();
        for (JsonNode d : body.path("integration_document_list")) {
            if (d.hasNonNull("resource_id")) docs.add(new DocumentoEnte(d.get("resource_id").asText(), d.path("hash").asText(),
                    d.path("alg_hash").asText("S256")));
        }
        return new RichiestaIntegrazioneEnte(body.path("instance_descriptor_version").asText(), items, docs);
    }

    /** bo_to_et request_cdss: the cui as published, or {cui, requester_administration} (maintenance round). */
    public JsonNode cdssCui(JsonNode body) {
        return body.has("cui") && body.get("cui").isObject() ? body.get("cui") : body;
    }

    /** et_to_bo /retry: asking the ente to execute one of its operations again. */
    public ObjectNode retry(JsonNode cui, String operation, SsuErrorCode code, String detail) {
        return ssu.retry(cui, operation, code, detail);
    }

    private static DocumentoEnte documento(JsonNode body) {
        if (!body.hasNonNull("resource_id")) return null;
        return new DocumentoEnte(body.get("resource_id").asText(), body.path("hash").asText(), body.path("alg_hash").asText("S256"));
    }

    /** The audit message of an instance sent to an ente terzo: {@code instance_to_<ET>_sended}, or its integrated form. */
    public static String auditSentToEnte(String codiceEnte, boolean integrated) {
        return (integrated ? "instance_integrated_to_" : "instance_to_") + codiceEnte + "_sended";
    }

    /** An empty array, to start an index. */
    public ArrayNode array() {
        return json.createArrayNode();
    }
}
