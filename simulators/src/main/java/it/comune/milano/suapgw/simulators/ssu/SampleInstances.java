package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import it.comune.milano.suapgw.simulators.support.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deterministic sample pratiche as the Impresainungiorno front office would submit them:
 * CUI + instance descriptor (official {@code InstanceDescriptor}) + documents + instance_index + general_index.
 * The procedure templates (round-robin by index) come from {@code test-data/ssu/sample-procedures.json}.
 * Same seed + index ⇒ same sample (uuid, resource ids, bytes, hashes).
 */
public final class SampleInstances {

    public static final String MUNICIPALITY_MILANO = "015146";
    public static final String CUI_DATE = "2026-11-25";
    public static final String REGIME_VERSION = "01.00.00";
    public static final String PROCEEDING_VERSION = "01.00.00";
    public static final String ALG_HASH = "S256";

    /** One pratica. {@code documents} maps resource_id → bytes (instance_index and general_index documents). */
    public record Sample(int index,
                         String cuiUuid,
                         JsonNode cui,
                         JsonNode descriptor,
                         JsonNode sendInstanceBody,
                         Map<String, byte[]> documents,
                         String procedureCode,
                         String regime,
                         String expectedOutcome) {

        /** Lowercase hex SHA-256 of a document. */
        public String hash(String resourceId) {
            byte[] bytes = documents.get(resourceId);
            if (bytes == null) {
                throw new IllegalArgumentException("unknown resource_id " + resourceId + " for CUI " + cuiUuid);
            }
            return Json.sha256(bytes);
        }

        /**
         * The expected final state as an SSU instance state ({@code ended_by_positive_outcome}), i.e.
         * {@link #expectedOutcome()} (the FO event, {@code end_by_positive_outcome}) with "end_by_" → "ended_by_".
         */
        public String expectedState() {
            return expectedOutcome.startsWith("end_by_") ? "ended_by_" + expectedOutcome.substring("end_by_".length()) : expectedOutcome;
        }

        /** resource_id → hash, in index order. */
        public Map<String, String> hashes() {
            Map<String, String> out = new LinkedHashMap<>();
            documents.forEach((id, bytes) -> out.put(id, Json.sha256(bytes)));
            return out;
        }

        /** The {@code instance_index} array of {@link #sendInstanceBody()}. */
        public JsonNode instanceIndex() {
            return sendInstanceBody.get("instance_index");
        }

        /** The {@code general_index} array of {@link #sendInstanceBody()}. */
        public JsonNode generalIndex() {
            return sendInstanceBody.get("general_index");
        }

        /** Codes of the usecase proceedings, in descriptor order. */
        public List<String> proceedingCodes() {
            List<String> out = new ArrayList<>();
            descriptor.get("usecase_proceedings").forEach(p -> out.add(p.get("code").asText()));
            return out;
        }

        @Override
        public String toString() {
            return "Sample[" + index + " " + procedureCode + " cui=" + cuiUuid + "]";
        }
    }

    private record Proceeding(String code, JsonNode competentAdministration, List<String> attachments) {
    }

    private record Template(String code, String description, String regime, String expectedOutcome, List<Proceeding> proceedings) {
    }

    private final List<Template> templates;
    private final String seed;
    private final Map<Integer, Sample> cache = new ConcurrentHashMap<>();

    public SampleInstances(Path proceduresJson, String seed) {
        this.seed = Objects.requireNonNull(seed, "seed");
        this.templates = load(proceduresJson);
    }

    public String seed() {
        return seed;
    }

    /** Number of procedure templates (samples cycle through them by index). */
    public int templates() {
        return templates.size();
    }

    public Sample get(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0");
        }
        return cache.computeIfAbsent(index, this::build);
    }

    private static List<Template> load(Path path) {
        JsonNode root;
        try {
            root = Json.parse(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        JsonNode procs = root.isArray() ? root : root.path("procedures");
        List<Template> out = new ArrayList<>();
        for (JsonNode p : procs) {
            List<Proceeding> proceedings = new ArrayList<>();
            for (JsonNode up : p.path("proceedings")) {
                List<String> attachments = new ArrayList<>();
                up.path("attachments").forEach(a -> attachments.add(a.asText()));
                if (attachments.isEmpty()) {
                    attachments.add("allegato");
                }
                proceedings.add(new Proceeding(up.path("code").asText(), up.path("competent_administration"), attachments));
            }
            out.add(new Template(p.path("code").asText(), p.path("description").asText(p.path("code").asText()),
                    p.path("regime").asText(), p.path("expected_outcome").asText(), List.copyOf(proceedings)));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no procedures in " + path);
        }
        return List.copyOf(out);
    }

    private UUID uuid(int index, String what) {
        return UUID.nameUUIDFromBytes((seed + "|" + index + "|" + what).getBytes(StandardCharsets.UTF_8));
    }

    private Sample build(int index) {
        Template t = templates.get(index % templates.size());
        String cuiUuid = uuid(index, "cui").toString();
        String legalPerson = legalPerson(index);
        String presentedAt = Instant.parse(CUI_DATE + "T08:00:00Z").plusSeconds(60L * index).toString();

        ObjectNode cui = Json.object()
                .put("context", "SUAP")
                .put("data", CUI_DATE)
                .put("progressivo", String.valueOf(index + 1))
                .put("uuid", cuiUuid);

        Map<String, byte[]> documents = new LinkedHashMap<>();
        ArrayNode instanceIndex = Json.MAPPER.createArrayNode();
        ArrayNode proceedings = Json.MAPPER.createArrayNode();
        int docNo = 0;
        for (int p = 0; p < t.proceedings().size(); p++) {
            Proceeding proc = t.proceedings().get(p);
            // instance (the XML istanza of the proceeding)
            String instRef = "#/usecase_proceedings/" + p + "/instance";
            String instResource = uuid(index, "doc-" + (docNo++)).toString();
            byte[] xml = istanzaXml(index, cuiUuid, t, proc, legalPerson);
            documents.put(instResource, xml);
            String instHash = Json.sha256(xml);
            ObjectNode up = proceedings.addObject();
            up.put("code", proc.code());
            up.put("version", PROCEEDING_VERSION);
            up.set("competent_administration", proc.competentAdministration().deepCopy());
            up.putObject("instance")
                    .put("ref", instRef)
                    .put("filename", "istanza_" + proc.code().toLowerCase() + ".xml")
                    .put("hash", instHash)
                    .put("alg_hash", ALG_HASH)
                    .put("mime_type", "application/xml");
            indexEntry(instanceIndex, proc.code(), instRef, instResource, instHash);

            // 1-2 PDF attachments, count depending on index and proceeding
            int count = Math.min(proc.attachments().size(), 1 + ((index + p) % 2));
            ArrayNode attachments = up.putArray("attachments");
            for (int a = 0; a < count; a++) {
                String name = proc.attachments().get(a);
                String ref = "#/usecase_proceedings/" + p + "/attachments/" + a;
                String resource = uuid(index, "doc-" + (docNo++)).toString();
                byte[] pdf = fakePdf(index, cuiUuid, proc.code() + " - " + name);
                documents.put(resource, pdf);
                String hash = Json.sha256(pdf);
                attachments.addObject()
                        .put("ref", ref)
                        .put("filename", name + ".pdf")
                        .put("hash", hash)
                        .put("alg_hash", ALG_HASH)
                        .put("mime_type", "application/pdf");
                indexEntry(instanceIndex, proc.code(), ref, resource, hash);
            }
        }

        ArrayNode generalIndex = Json.MAPPER.createArrayNode();
        String suapXmlId = uuid(index, "SUAP_XML").toString();
        byte[] suapXml = suapXml(index, cuiUuid, t, legalPerson);
        documents.put(suapXmlId, suapXml);
        generalIndex.addObject().put("name", "SUAP_XML").put("mime_type", "application/xml")
                .put("resource_id", suapXmlId).put("hash", Json.sha256(suapXml)).put("alg_hash", ALG_HASH);
        String suapPdfId = uuid(index, "SUAP_PDF").toString();
        byte[] suapPdf = fakePdf(index, cuiUuid, "Riepilogo pratica SUAP " + t.code());
        documents.put(suapPdfId, suapPdf);
        generalIndex.addObject().put("name", "SUAP_PDF").put("mime_type", "application/pdf")
                .put("resource_id", suapPdfId).put("hash", Json.sha256(suapPdf)).put("alg_hash", ALG_HASH);

        ObjectNode descriptor = Json.object();
        descriptor.put("version", 1);
        descriptor.set("cui", cui.deepCopy());
        descriptor.put("municipality", MUNICIPALITY_MILANO);
        descriptor.put("legal_person", legalPerson);
        ArrayNode status = descriptor.putArray("instance_status");
        status.addObject().put("state", "started").put("timestamp", presentedAt);
        status.addObject().put("state", "presented").put("timestamp", presentedAt);
        descriptor.putObject("times")
                .put("start", CUI_DATE)
                .put("max_gg_proc", "SCIA".equals(t.regime()) ? 60 : 90)
                .put("max_gg_correction", 10)
                .put("max_gg_int_req", 30)
                .put("max_gg_concl_send", 45);
        descriptor.putObject("administrative_regime").put("id", t.regime()).put("version", REGIME_VERSION);
        descriptor.set("usecase_proceedings", proceedings);

        ObjectNode body = Json.object();
        body.set("cui", cui.deepCopy());
        body.put("instance_descriptor_version", "1");
        body.set("instance_index", instanceIndex);
        body.set("general_index", generalIndex);

        return new Sample(index, cuiUuid, cui, descriptor, body, Collections.unmodifiableMap(documents),
                t.code(), t.regime(), t.expectedOutcome());
    }

    private static void indexEntry(ArrayNode index, String code, String ref, String resourceId, String hash) {
        index.addObject().put("code", code).put("ref", ref).put("resource_id", resourceId)
                .put("hash", hash).put("alg_hash", ALG_HASH);
    }

    /** 11-digit company codice fiscale (numeric, with a Luhn-style check digit as in real partite IVA). */
    static String legalPerson(int index) {
        String base = String.format("%07d", 1_000_000 + (index * 7919L) % 9_000_000) + "015"; // matricola + ufficio (Milano)
        int sum = 0;
        for (int i = 0; i < 10; i++) {
            int d = base.charAt(i) - '0';
            if (i % 2 == 1) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return base + ((10 - sum % 10) % 10);
    }

    private static byte[] istanzaXml(int index, String cuiUuid, Template t, Proceeding p, String legalPerson) {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <istanza xmlns="urn:suapgw:sample:istanza" indice="%d">
                  <cui>%s</cui>
                  <procedimento codice="%s" regime="%s">%s</procedimento>
                  <fattispecie codice="%s" ipa="%s" ufficio="%s"/>
                  <impresa codiceFiscale="%s" denominazione="Impresa Esempio %d S.r.l."/>
                  <sede comune="%s" indirizzo="Via Esempio %d, Milano"/>
                </istanza>
                """.formatted(index, cuiUuid, t.code(), t.regime(), escape(t.description()), p.code(),
                p.competentAdministration().path("ipacode").asText(), p.competentAdministration().path("officecode").asText(),
                legalPerson, index + 1, MUNICIPALITY_MILANO, index + 1);
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] suapXml(int index, String cuiUuid, Template t, String legalPerson) {
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <pratica-suap xmlns="urn:suapgw:sample:pratica-suap" indice="%d">
                  <cui contesto="SUAP" data="%s" progressivo="%d">%s</cui>
                  <comune>%s</comune>
                  <procedimento>%s</procedimento>
                  <impresa codiceFiscale="%s"/>
                </pratica-suap>
                """.formatted(index, CUI_DATE, index + 1, cuiUuid, MUNICIPALITY_MILANO, t.code(), legalPerson);
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] fakePdf(int index, String cuiUuid, String title) {
        String pdf = "%PDF-1.4\n"
                + "1 0 obj << /Type /Catalog /Title (" + title + ") /Cui (" + cuiUuid + ") /Index " + index + " >> endobj\n"
                + "2 0 obj << /Length 44 >> stream\nBT /F1 12 Tf 72 712 Td (" + title + ") Tj ET\nendstream endobj\n"
                + "trailer << /Root 1 0 R >>\n%%EOF\n";
        return pdf.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
