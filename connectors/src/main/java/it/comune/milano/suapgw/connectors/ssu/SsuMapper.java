package it.comune.milano.suapgw.connectors.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.model.AmministrazioneCompetente;
import it.comune.milano.suapgw.model.Atto;
import it.comune.milano.suapgw.model.Correzione;
import it.comune.milano.suapgw.model.DatiIstanza;
import it.comune.milano.suapgw.model.DocumentoAtteso;
import it.comune.milano.suapgw.model.TerminiIstanza;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Translation between SSU JSON payloads and the canonical model. */
public class SsuMapper {
    /** The version the Catalogo gives the offices of administrations it lists (administration-schema.yaml). */
    public static final String ADMINISTRATION_VERSION = "01.00.00";

    /** An ente's integration request on a proceeding (RequestIntegrationRequest.integration_list). */
    public record RichiestaIntegrazione(String code, String ref, String request, String ipaCode, String officeCode,
                                        String administration) {
    }

    private final ObjectMapper json;

    public SsuMapper(ObjectMapper json) {
        this.json = json;
    }

    /**
     * A CUI as we send it: as received, with both spellings of the progressive number — the published schemas require
     * {@code progressive} but define {@code progressivo}, so a peer reading either finds it (schemas/README.md).
     */
    public ObjectNode cui(JsonNode received) {
        ObjectNode c = received.deepCopy();
        JsonNode p = c.hasNonNull("progressive") ? c.get("progressive") : c.get("progressivo");
        if (p != null) {
            c.set("progressive", p);
            c.set("progressivo", p);
        }
        return c;
    }

    /**
     * Documents to fetch, from send_instance's instance_index and general_index.
     * @throws SsuException ERROR_500_003 when one resource is listed twice with different hashes
     */
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
            throw new SsuException(SsuErrorCode.ERROR_500_003,
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
                d.path("legal_person").asText(null), admins, docs, termini(d.path("times")));
    }

    /** The descriptor's times, or null when it has none. */
    public TerminiIstanza termini(JsonNode times) {
        if (times == null || !times.isObject() || !times.hasNonNull("start")) return null;
        Map<TerminiIstanza.Tipo, Integer> giorni = new EnumMap<>(TerminiIstanza.Tipo.class);
        for (TerminiIstanza.Tipo t : TerminiIstanza.Tipo.values()) {
            if (times.hasNonNull(t.field())) giorni.put(t, times.get(t.field()).asInt());
        }
        return new TerminiIstanza(LocalDate.parse(times.path("start").asText()), giorni);
    }

    /** The SSU times (times-schema.yaml) of the terms as they stand. */
    public ObjectNode times(TerminiIstanza t) {
        ObjectNode n = json.createObjectNode();
        n.put("start", t.start().toString());
        t.giorni().forEach((k, v) -> n.put(k.field(), v));
        return n;
    }

    /** catalogo-ssu_to_bo /audit: AuditMessage, the time being when the event happened. */
    public ObjectNode audit(JsonNode cui, String message, OffsetDateTime eventTime) {
        ObjectNode n = json.createObjectNode();
        n.set("cui", cui(cui));
        n.put("message", message);
        n.put("event_time", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                eventTime.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS)));
        return n;
    }

    /** catalogo-ssu_to_bo /update_times: UpdateTimesRequest. */
    public ObjectNode updateTimes(JsonNode cui, TerminiIstanza t) {
        ObjectNode n = json.createObjectNode();
        n.set("cui", cui(cui));
        n.set("times", times(t));
        return n;
    }

    /**
     * fo_to_bo /notify: a NotifyMessage, or for an outcome a TransferOutcomeNotifyMessage that names the act when
     * there is one.
     */
    public ObjectNode notify(JsonNode cui, String descriptorVersion, String event, Atto atto) {
        ObjectNode n = json.createObjectNode();
        n.set("cui", cui(cui));
        n.put("instance_descriptor_version", descriptorVersion);
        n.put("event", event);
        if (atto != null && SsuEvents.carriesAct(event)) {
            n.put("resource_id", atto.resourceId());
            n.put("hash", atto.hash());
            n.put("alg_hash", atto.algHash());
        }
        return n;
    }

    /**
     * fo_to_bo /request_correction. Each item carries the text both as {@code correction_request} (the property the
     * published schema defines) and {@code correction_requested} (the one it requires).
     */
    public ObjectNode requestCorrection(JsonNode cui, String descriptorVersion, List<Correzione> corrections) {
        ObjectNode n = json.createObjectNode();
        n.set("cui", cui(cui));
        n.put("instance_descriptor_version", descriptorVersion);
        ArrayNode list = n.putArray("correction_list");
        for (Correzione c : corrections) {
            list.addObject().put("code", c.codice()).put("ref", c.riferimento()).put("correction_request", c.testo())
                    .put("correction_requested", c.testo());
        }
        return n;
    }

    /** fo_to_bo /request_integration: the requests of every ente, one item per proceeding and element. */
    public ObjectNode requestIntegration(JsonNode cui, String descriptorVersion, List<RichiestaIntegrazione> requests) {
        return requestIntegration(cui, descriptorVersion, requests, List.of());
    }

    /** A document an ente attached to its integration request, served by the back-office under {@code resourceId}. */
    public record DocumentoRichiesta(String ipaCode, String officeCode, String administration, String resourceId,
                                     String hash, String algHash) {
    }

    /**
     * fo_to_bo /request_integration with the enti's documents of request ({@code integration_document_list}), which
     * the front-office fetches from the back-office.
     */
    public ObjectNode requestIntegration(JsonNode cui, String descriptorVersion, List<RichiestaIntegrazione> requests,
                                         List<DocumentoRichiesta> documents) {
        ObjectNode n = requestIntegrationItems(cui, descriptorVersion, requests);
        if (!documents.isEmpty()) {
            ArrayNode docs = n.putArray("integration_document_list");
            for (DocumentoRichiesta d : documents) {
                ObjectNode o = docs.addObject();
                o.putObject("requester_administration").put("ipacode", d.ipaCode()).put("officecode", d.officeCode())
                        .put("version", ADMINISTRATION_VERSION).put("description", d.administration());
                o.put("resource_id", d.resourceId()).put("hash", d.hash()).put("alg_hash", d.algHash());
            }
        }
        return n;
    }

    private ObjectNode requestIntegrationItems(JsonNode cui, String descriptorVersion, List<RichiestaIntegrazione> requests) {
        ObjectNode n = json.createObjectNode();
        n.set("cui", cui(cui));
        n.put("instance_descriptor_version", descriptorVersion);
        ArrayNode list = n.putArray("integration_list");
        Map<String, ArrayNode> byElement = new HashMap<>();
        for (RichiestaIntegrazione r : requests) {
            ArrayNode items = byElement.computeIfAbsent(r.code() + "\u0000" + r.ref(),
                    k -> list.addObject().put("code", r.code()).put("ref", r.ref()).putArray("integration_request"));
            ObjectNode item = items.addObject().put("request", r.request());
            item.putObject("requester_administration").put("ipacode", r.ipaCode()).put("officecode", r.officeCode())
                    .put("version", ADMINISTRATION_VERSION).put("description", r.administration());
        }
        return n;
    }

    /** fo_to_bo /retry: the data-inconsistency path, asking the FO to execute an operation again. */
    public ObjectNode retry(JsonNode cui, String operation, SsuErrorCode code, String detail) {
        ObjectNode n = json.createObjectNode();
        n.set("cui", cui(cui));
        n.put("operation", operation);
        n.set("error", error(code, detail));
        return n;
    }

    /**
     * The error body of the SSU e-services: {@code code} and {@code message} exactly as Table 30 of the specification;
     * what went wrong in {@code detail} (the published Error schema allows further properties).
     */
    public ObjectNode error(SsuErrorCode code, String detail) {
        ObjectNode n = json.createObjectNode();
        n.put("code", code.name());
        n.put("message", code.description());
        if (detail != null && !detail.isBlank() && !detail.equals(code.description())) n.put("detail", detail);
        return n;
    }
}
