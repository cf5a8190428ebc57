package it.comune.milano.suapgw.connectors.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.model.AmministrazioneCompetente;
import it.comune.milano.suapgw.model.DatiIstanza;
import it.comune.milano.suapgw.model.DocumentoAtteso;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Translation between SSU JSON payloads and the canonical model. */
public class SsuMapper {
    private final ObjectMapper json;

    public SsuMapper(ObjectMapper json) {
        this.json = json;
    }

    /** Documents to fetch, from send_instance's instance_index and general_index; rejects contradictory entries. */
    public List<DocumentoAtteso> documentsOf(JsonNode sendInstance) {
        Map<String, DocumentoAtteso> byResource = new HashMap<>();
        List<DocumentoAtteso> out = new ArrayList<>();
        for (JsonNode i : sendInstance.path("instance_index")) {
            add(out, byResource, new DocumentoAtteso(i.path("resource_id").asText(), i.path("ref").asText(),
                    i.path("code").asText(), i.path("ref").asText(), null, i.path("alg_hash").asText(),
                    i.path("hash").asText()));
        }
        for (JsonNode g : sendInstance.path("general_index")) {
            add(out, byResource, new DocumentoAtteso(g.path("resource_id").asText(), g.path("name").asText(),
                    g.path("name").asText(), null, g.path("mime_type").asText(), g.path("alg_hash").asText(),
                    g.path("hash").asText()));
        }
        return out;
    }

    private static void add(List<DocumentoAtteso> out, Map<String, DocumentoAtteso> seen, DocumentoAtteso d) {
        DocumentoAtteso previous = seen.putIfAbsent(d.resourceId(), d);
        if (previous == null) {
            out.add(d);
        } else if (!previous.hash().equalsIgnoreCase(d.hash())) {
            throw new SsuException(SsuErrorCode.ERROR_400_001,
                    "resource_id '" + d.resourceId() + "' is listed twice with different hashes");
        }
    }

    /** Canonical data of a (schema-valid) instance descriptor. */
    public DatiIstanza fromDescriptor(JsonNode d) {
        List<AmministrazioneCompetente> admins = new ArrayList<>();
        List<DocumentoAtteso> docs = new ArrayList<>();
        JsonNode proceedings = d.path("usecase_proceedings");
        for (JsonNode p : proceedings) {
            JsonNode ca = p.path("competent_administration");
            admins.add(new AmministrazioneCompetente(ca.path("ipacode").asText(), ca.path("officecode").asText(),
                    ca.path("description").asText(null), p.path("code").asText()));
            JsonNode inst = p.path("instance");
            docs.add(new DocumentoAtteso(null, inst.path("filename").asText(inst.path("ref").asText()),
                    p.path("code").asText(), inst.path("ref").asText(), inst.path("mime_type").asText("application/xml"),
                    inst.path("alg_hash").asText(), inst.path("hash").asText()));
            for (JsonNode a : p.path("attachments")) {
                docs.add(new DocumentoAtteso(null, a.path("filename").asText(a.path("ref").asText()),
                        p.path("code").asText(), a.path("ref").asText(), a.path("mime_type").asText(null),
                        a.path("alg_hash").asText(), a.path("hash").asText()));
            }
        }
        JsonNode first = proceedings.path(0);
        return new DatiIstanza(first.path("code").asText(null), first.path("version").asText(null),
                d.path("administrative_regime").path("id").asText(null), d.path("municipality").asText(null),
                d.path("legal_person").asText(null), admins, docs);
    }

    public ObjectNode audit(JsonNode cui, String message, OffsetDateTime at) {
        ObjectNode n = json.createObjectNode();
        n.set("cui", cui);
        n.put("message", message);
        // RFC 3339 with seconds always written (toString() drops ":00")
        n.put("event_time", java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                at.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS)));
        return n;
    }

    /** fo_to_bo /notify: NotifyMessage or TransferOutcomeNotifyMessage (same shape without a document). */
    public ObjectNode notify(JsonNode cui, String descriptorVersion, String event) {
        ObjectNode n = json.createObjectNode();
        n.set("cui", cui);
        n.put("instance_descriptor_version", descriptorVersion);
        n.put("event", event);
        return n;
    }

    /** fo_to_bo /retry: the data-inconsistency path, asking the FO to execute an operation again. */
    public ObjectNode retry(JsonNode cui, String operation, SsuErrorCode code, String message) {
        ObjectNode n = json.createObjectNode();
        n.set("cui", cui);
        n.put("operation", operation);
        ObjectNode err = n.putObject("error");
        err.put("code", code.name());
        err.put("message", message);
        return n;
    }

    public ObjectNode error(SsuErrorCode code, String message) {
        ObjectNode n = json.createObjectNode();
        n.put("code", code.name());
        n.put("message", message);
        return n;
    }
}
