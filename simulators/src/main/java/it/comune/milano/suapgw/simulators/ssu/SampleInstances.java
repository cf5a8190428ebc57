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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Deterministic sample pratiche as the Impresainungiorno front office would submit them:
 * CUI + instance descriptor (official {@code InstanceDescriptor}) + documents + instance_index + general_index.
 * The procedure templates (round-robin by index) come from {@code test-data/ssu/sample-procedures.json}: each has a
 * {@code scenario} (how the simulated FO, Geowork and enti play it) and the FO messages the BO must send for it; optionally
 * the documents its general_index adds to SUAP_XML and SUAP_PDF (e.g. {@code SUAP_REA_START_XML}) and what the enti
 * terzi on the SSU channel ({@code expected_et_messages}) and the Registro Imprese ({@code expected_ri_messages}) must
 * receive.
 * Same seed + index ⇒ same sample (uuid, resource ids, bytes, hashes); {@link Sample#corrected()} and
 * {@link Sample#integrated()} make the next version of an instance the way the applicant would.
 */
public final class SampleInstances {

    public static final String MUNICIPALITY_MILANO = "015146";
    public static final String CUI_DATE = "2026-11-25";
    public static final String REGIME_VERSION = "01.00.00";
    public static final String PROCEEDING_VERSION = "01.00.00";
    public static final String ALG_HASH = "S256";

    /** Scenarios of {@code sample-procedures.json}: how the simulated FO, Geowork and enti play a pratica. */
    public static final String STANDARD = "standard";
    public static final String CORRECTION = "correction";
    public static final String REFUSED = "refused";
    public static final String INTEGRATION = "integration";
    public static final String INTEGRATION_EXPIRED = "integration-expired";
    public static final String CANCEL = "cancel";
    public static final String SILENCE = "silence";
    /** Proceedings on every channel of the enti (Artemis, PEC, an ente terzo on the SSU): the FO plays it standard. */
    public static final String MIXED_CHANNELS = "mixed-channels";
    /** An ente on Artemis and an ente terzo on the SSU both ask for integrations: the FO answers the one request it gets. */
    public static final String INTEGRATION_SSU = "integration-ssu";
    /** An ente terzo asks for a conferenza dei servizi: the FO plays it standard. */
    public static final String CDSS = "cdss";
    /** A pratica with a SUAP_REA_*_XML document that the Registro Imprese receives: the FO plays it standard. */
    public static final String REGISTRO_IMPRESE = "registro-imprese";
    public static final Set<String> SCENARIOS = Set.of(STANDARD, CORRECTION, REFUSED, INTEGRATION, INTEGRATION_EXPIRED, CANCEL, SILENCE,
            MIXED_CHANNELS, INTEGRATION_SSU, CDSS, REGISTRO_IMPRESE);
    /** general_index documents a template may add to SUAP_XML and SUAP_PDF (the published {@code GeneralIndex} names). */
    public static final Set<String> EXTRA_GENERAL_DOCUMENTS = Set.of("RICEVUTA_XML", "RICEVUTA_PDF", "SUAP_REA_START_XML",
            "SUAP_REA_UPDATE_XML", "SUAP_REA_END_XML", "COMUNICA_CUI_XML", "COMUNICA_CUI_PDF");
    /** The general_index documents for which the gateway informs the Registro Imprese. */
    public static final Set<String> REA_DOCUMENTS = Set.of("SUAP_REA_START_XML", "SUAP_REA_UPDATE_XML", "SUAP_REA_END_XML");
    private static final java.util.regex.Pattern PEER_MESSAGE = java.util.regex.Pattern.compile(
            "send_instance:v[1-9][0-9]*|notify:[a-z_]+|retry:[a-z_]+");

    /** Whether the simulated applicant of this scenario answers a request_integration with the integrated instance. */
    public static boolean answersIntegration(String scenario) {
        return INTEGRATION.equals(scenario) || INTEGRATION_SSU.equals(scenario);
    }

    /** The descriptor {@code times} (legal days from the receipt date), unless a template gives its own. */
    public static final int MAX_GG_CORRECTION = 15;
    public static final int MAX_GG_ADMISSIBILITY = 30;
    public static final int MAX_GG_INT_REQ = 40;
    public static final int MAX_GG_CONCL_SEND = 50;
    public static final int MAX_GG_INT_RESP = 70;
    public static final int MAX_GG_PROC_SCIA = 60;
    public static final int MAX_GG_PROC = 90;

    /** Why a new version of an instance is sent: the applicant corrected it or integrated it. */
    public enum Revision {
        CORRECTION("corrected", "documento corretto"),
        INTEGRATION("integrated", "documento integrato");

        private final String state;
        private final String label;

        Revision(String state, String label) {
            this.state = state;
            this.label = label;
        }

        /** The instance state this revision leads to ({@code corrected}, {@code integrated}). */
        public String state() {
            return state;
        }

        /** The instance state that asked for it ({@code correction_requested}, {@code integration_requested}). */
        public String requestedState() {
            return this == CORRECTION ? "correction_requested" : "integration_requested";
        }
    }

    /**
     * One pratica, in one version. {@code documents} maps resource_id → bytes (the documents of this version's
     * instance_index and general_index). {@code version} is the instance descriptor version (1 for what the FO first
     * sends; {@link #corrected()} and {@link #integrated()} make the next one). {@code expectedFoMessages}: what the FO
     * must receive from the BO for this pratica, in order ({@code notify:<event>}, {@code request_correction},
     * {@code request_integration}). {@code expectedEtMessages}: per ente terzo on the SSU channel (registry code), what it
     * must receive ({@code send_instance:v<N>}, {@code notify:<event>}; an ente not named must receive nothing);
     * {@code expectedRiMessages}: the same for the Registro Imprese (empty: nothing).
     */
    public record Sample(int index,
                         String cuiUuid,
                         JsonNode cui,
                         JsonNode descriptor,
                         JsonNode sendInstanceBody,
                         Map<String, byte[]> documents,
                         String procedureCode,
                         String regime,
                         String expectedOutcome,
                         String scenario,
                         List<String> expectedFoMessages,
                         int version,
                         Map<String, List<String>> expectedEtMessages,
                         List<String> expectedRiMessages) {

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
         * {@link #expectedOutcome()} (the FO event, {@code end_by_positive_outcome}) with "end_by_" → "ended_by_";
         * {@code end_by_instance_refused} → {@code refused}.
         */
        public String expectedState() {
            if ("end_by_instance_refused".equals(expectedOutcome)) {
                return "refused";
            }
            return expectedOutcome.startsWith("end_by_") ? "ended_by_" + expectedOutcome.substring("end_by_".length()) : expectedOutcome;
        }

        /** The {@code instance_descriptor_version} of {@link #sendInstanceBody()} ("1", "2", ...). */
        public String instanceDescriptorVersion() {
            return String.valueOf(version);
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

        /**
         * The same sample with another content for one document (same resource_id, same version: for a sample not
         * sent yet), its hash updated wherever the descriptor and the indexes carry it. For large-document runs.
         */
        public Sample withDocument(String resourceId, byte[] content) {
            if (!documents.containsKey(resourceId)) {
                throw new IllegalArgumentException("unknown resource_id " + resourceId + " for CUI " + cuiUuid);
            }
            String hash = Json.sha256(content);
            ObjectNode desc = descriptor.deepCopy();
            ObjectNode body = sendInstanceBody.deepCopy();
            for (String index : List.of("instance_index", "general_index")) {
                for (JsonNode e : body.path(index)) {
                    if (!resourceId.equals(e.path("resource_id").asText())) continue;
                    ((ObjectNode) e).put("hash", hash);
                    String ref = e.path("ref").asText("");
                    JsonNode element = ref.isEmpty() ? null : desc.at(ref.startsWith("#") ? ref.substring(1) : ref);
                    if (element != null && element.isObject()) ((ObjectNode) element).put("hash", hash);
                }
            }
            Map<String, byte[]> docs = new LinkedHashMap<>(documents);
            docs.put(resourceId, content);
            return new Sample(index, cuiUuid, cui, desc, body, Collections.unmodifiableMap(docs), procedureCode, regime,
                    expectedOutcome, scenario, expectedFoMessages, version, expectedEtMessages, expectedRiMessages);
        }

        /** The next version after a correction: one document changed (the first attachment of the first proceeding). */
        public Sample corrected() {
            return next(Revision.CORRECTION, null, null);
        }

        /** The next version after an integration: one document changed and one added (in the last proceeding). */
        public Sample integrated() {
            return next(Revision.INTEGRATION, null, null);
        }

        /**
         * The next version of this instance: same CUI, {@code instance_descriptor_version} and descriptor
         * {@code version} + 1, the instance status extended with the request and its answer, and
         * <ul>
         * <li>one document changed ("corrected"/"integrated"): the element {@code ref} names (an instance_index
         * {@code ref}, a descriptor {@code filename} or a {@code resource_id}; for an integration within the
         * proceeding {@code code} when given), else the first attachment of the first proceeding (correction) or of
         * the proceeding {@code code} or the last proceeding (integration). The changed document gets a new
         * resource_id (resource ids name one content per CUI), so the previous version stays downloadable;</li>
         * <li>for an integration, one document added to that proceeding
         * ({@code integrazione_documentale_v<N>.pdf}).</li>
         * </ul>
         * Hashes in the descriptor, the instance_index and {@link #documents()} stay consistent. Deterministic.
         */
        public Sample next(Revision revision, String code, String ref) {
            Objects.requireNonNull(revision, "revision");
            int v = version + 1;
            ObjectNode desc = descriptor.deepCopy();
            ObjectNode body = sendInstanceBody.deepCopy();
            ArrayNode idx = (ArrayNode) body.get("instance_index");
            Map<String, byte[]> docs = new LinkedHashMap<>(documents);

            int target = targetEntry(idx, revision, code, ref);
            ObjectNode entry = (ObjectNode) idx.get(target);
            String entryRef = entry.get("ref").asText();
            JsonNode element = desc.at(entryRef.startsWith("#") ? entryRef.substring(1) : entryRef);
            String oldId = entry.get("resource_id").asText();
            byte[] changed = revise(documents.get(oldId), element.path("mime_type").asText(""), element.path("filename").asText(entryRef),
                    v, revision);
            String newId = versionUuid(v, "changed").toString();
            String changedHash = Json.sha256(changed);
            Map<String, byte[]> reordered = new LinkedHashMap<>();
            docs.forEach((id, bytes) -> {
                if (id.equals(oldId)) {
                    reordered.put(newId, changed);
                } else {
                    reordered.put(id, bytes);
                }
            });
            docs = reordered;
            entry.put("resource_id", newId).put("hash", changedHash);
            if (element.isObject()) {
                ((ObjectNode) element).put("hash", changedHash);
            }

            if (revision == Revision.INTEGRATION) {
                int p = proceedingOf(entryRef, entry.get("code").asText(), desc);
                ObjectNode up = (ObjectNode) desc.get("usecase_proceedings").get(p);
                ArrayNode attachments = up.has("attachments") ? (ArrayNode) up.get("attachments") : up.putArray("attachments");
                String addedRef = "#/usecase_proceedings/" + p + "/attachments/" + attachments.size();
                String addedName = "integrazione_documentale_v" + v;
                byte[] added = fakePdf(index(), cuiUuid, up.get("code").asText() + " - " + addedName + " (documentazione integrativa)");
                String addedId = versionUuid(v, "added").toString();
                String addedHash = Json.sha256(added);
                attachments.addObject().put("ref", addedRef).put("filename", addedName + ".pdf").put("hash", addedHash)
                        .put("alg_hash", ALG_HASH).put("mime_type", "application/pdf");
                // after the proceeding's last entry, so that the index keeps the descriptor's order
                int at = 0;
                for (int i = 0; i < idx.size(); i++) {
                    if (idx.get(i).path("ref").asText().startsWith("#/usecase_proceedings/" + p + "/")) {
                        at = i + 1;
                    }
                }
                ObjectNode addedEntry = Json.object().put("code", up.get("code").asText()).put("ref", addedRef).put("resource_id", addedId)
                        .put("hash", addedHash).put("alg_hash", ALG_HASH);
                idx.insert(at, addedEntry);
                Map<String, byte[]> withAdded = new LinkedHashMap<>();
                for (JsonNode e : idx) {
                    String id = e.get("resource_id").asText();
                    withAdded.put(id, id.equals(addedId) ? added : docs.get(id));
                }
                for (JsonNode g : body.get("general_index")) {
                    String id = g.get("resource_id").asText();
                    withAdded.put(id, docs.get(id));
                }
                docs = withAdded;
            }

            desc.put("version", v);
            ArrayNode status = (ArrayNode) desc.get("instance_status");
            Instant last = Instant.parse(status.get(status.size() - 1).get("timestamp").asText());
            status.addObject().put("state", revision.requestedState()).put("timestamp", last.plusSeconds(3600).toString());
            status.addObject().put("state", revision.state()).put("timestamp", last.plusSeconds(7200).toString());
            body.put("instance_descriptor_version", String.valueOf(v));
            return new Sample(index(), cuiUuid, cui, desc, body, Collections.unmodifiableMap(docs), procedureCode, regime, expectedOutcome,
                    scenario, expectedFoMessages, v, expectedEtMessages, expectedRiMessages);
        }

        private UUID versionUuid(int v, String what) {
            return UUID.nameUUIDFromBytes((cuiUuid + "|v" + v + "|" + what).getBytes(StandardCharsets.UTF_8));
        }

        /** The instance_index entry a revision changes (see {@link #next}). */
        private int targetEntry(ArrayNode index, Revision revision, String code, String ref) {
            if (ref != null && !ref.isBlank()) {
                // within the proceeding named by code first; then anywhere (a correction's code may be the procedure's)
                for (boolean byCode : new boolean[]{true, false}) {
                    for (int i = 0; i < index.size(); i++) {
                        JsonNode e = index.get(i);
                        String eRef = e.get("ref").asText();
                        JsonNode element = descriptor.at(eRef.startsWith("#") ? eRef.substring(1) : eRef);
                        boolean codeOk = !byCode || code == null || code.isBlank() || code.equals(e.get("code").asText());
                        if (codeOk && (ref.equals(eRef) || ref.equals(e.get("resource_id").asText())
                                || ref.equalsIgnoreCase(element.path("filename").asText()))) {
                            return i;
                        }
                    }
                }
            }
            int proceeding = 0;
            List<String> codes = proceedingCodes();
            if (revision == Revision.INTEGRATION) {
                proceeding = code != null && codes.contains(code) ? codes.indexOf(code) : codes.size() - 1;
            }
            String prefix = "#/usecase_proceedings/" + proceeding + "/";
            int instance = -1;
            for (int i = 0; i < index.size(); i++) {
                String eRef = index.get(i).get("ref").asText();
                if (eRef.startsWith(prefix + "attachments/")) {
                    return i;
                }
                if (eRef.equals(prefix + "instance")) {
                    instance = i;
                }
            }
            return Math.max(instance, 0);
        }

        private static int proceedingOf(String ref, String code, JsonNode desc) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^#/usecase_proceedings/([0-9]+)/").matcher(ref);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
            JsonNode ups = desc.get("usecase_proceedings");
            for (int i = 0; i < ups.size(); i++) {
                if (code.equals(ups.get(i).path("code").asText())) {
                    return i;
                }
            }
            return ups.size() - 1;
        }

        @Override
        public String toString() {
            return "Sample[" + index + " " + procedureCode + " v" + version + " cui=" + cuiUuid + "]";
        }
    }

    private record Proceeding(String code, JsonNode competentAdministration, List<String> attachments) {
    }

    private record Template(String code, String description, String regime, String scenario, String expectedOutcome,
                            List<String> expectedFoMessages, JsonNode times, List<Proceeding> proceedings, List<String> generalIndex,
                            Map<String, List<String>> expectedEtMessages, List<String> expectedRiMessages) {
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
            String code = p.path("code").asText();
            String scenario = p.path("scenario").asText(STANDARD);
            if (!SCENARIOS.contains(scenario)) {
                throw new IllegalArgumentException(path + ": procedure " + code + " has unknown scenario '" + scenario + "' (" + SCENARIOS + ")");
            }
            String outcome = p.path("expected_outcome").asText();
            List<String> messages = new ArrayList<>();
            p.path("expected_fo_messages").forEach(m -> messages.add(m.asText()));
            if (messages.isEmpty() && !outcome.isEmpty()) {
                messages.add("notify:" + outcome);
            }
            String last = messages.isEmpty() ? "" : messages.get(messages.size() - 1);
            if (outcome.isEmpty() && last.startsWith("notify:")) {
                outcome = last.substring("notify:".length());
            }
            if (!last.equals("notify:" + outcome)) {
                throw new IllegalArgumentException(path + ": procedure " + code + ": expected_outcome " + outcome
                        + " is not the last of expected_fo_messages " + messages);
            }
            List<String> general = new ArrayList<>();
            p.path("general_index").forEach(g -> general.add(g.asText()));
            for (String g : general) {
                if (!EXTRA_GENERAL_DOCUMENTS.contains(g)) {
                    throw new IllegalArgumentException(path + ": procedure " + code + ": general_index document " + g + " is not one of "
                            + new java.util.TreeSet<>(EXTRA_GENERAL_DOCUMENTS));
                }
            }
            if (general.size() != new java.util.HashSet<>(general).size()) {
                throw new IllegalArgumentException(path + ": procedure " + code + ": general_index " + general + " repeats a document");
            }
            Map<String, List<String>> et = new LinkedHashMap<>();
            JsonNode etNode = p.path("expected_et_messages");
            if (!etNode.isMissingNode() && !etNode.isObject()) {
                throw new IllegalArgumentException(path + ": procedure " + code + ": expected_et_messages must be an object (ente code → messages)");
            }
            String finalOutcome = outcome;
            etNode.fields().forEachRemaining(e -> et.put(e.getKey(),
                    peerMessages(path, code, "expected_et_messages." + e.getKey(), e.getValue(), finalOutcome)));
            List<String> ri = peerMessages(path, code, "expected_ri_messages", p.path("expected_ri_messages"), outcome);
            boolean rea = general.stream().anyMatch(REA_DOCUMENTS::contains);
            if (rea == ri.isEmpty()) {
                throw new IllegalArgumentException(path + ": procedure " + code + (rea
                        ? ": a SUAP_REA_*_XML document reaches the Registro Imprese, but expected_ri_messages is empty"
                        : ": expected_ri_messages without a SUAP_REA_*_XML document in general_index (the Registro Imprese would receive nothing)"));
            }
            out.add(new Template(code, p.path("description").asText(code), p.path("regime").asText(), scenario, outcome,
                    List.copyOf(messages), p.path("times").isObject() ? p.get("times") : null, List.copyOf(proceedings), List.copyOf(general),
                    Collections.unmodifiableMap(et), ri));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no procedures in " + path);
        }
        return List.copyOf(out);
    }

    /**
     * An expected_et_messages / expected_ri_messages list: {@code send_instance:v<N>}, {@code notify:<event>},
     * {@code retry:<operation>}; a non-empty one starts with {@code send_instance:v1} and ends with the expected outcome.
     */
    private static List<String> peerMessages(Path path, String code, String field, JsonNode node, String outcome) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(path + ": procedure " + code + ": " + field + " must be an array");
        }
        List<String> out = new ArrayList<>();
        node.forEach(m -> out.add(m.asText()));
        for (String m : out) {
            if (!PEER_MESSAGE.matcher(m).matches()) {
                throw new IllegalArgumentException(path + ": procedure " + code + ": " + field + " has " + m
                        + " (send_instance:v<N>, notify:<event> or retry:<operation>)");
            }
        }
        if (!out.isEmpty() && !out.get(0).equals("send_instance:v1")) {
            throw new IllegalArgumentException(path + ": procedure " + code + ": " + field + " " + out + " does not start with send_instance:v1");
        }
        if (!out.isEmpty() && !out.get(out.size() - 1).equals("notify:" + outcome)) {
            throw new IllegalArgumentException(path + ": procedure " + code + ": " + field + " " + out + " does not end with notify:" + outcome);
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
                // the published schemas require `progressive` but define `progressivo`: we send both (schemas/README.md)
                .put("progressive", String.valueOf(index + 1))
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
        for (String name : t.generalIndex()) {
            String id = uuid(index, name).toString();
            boolean xml = name.endsWith("_XML");
            byte[] bytes = xml ? generalXml(index, cuiUuid, t, name, legalPerson) : fakePdf(index, cuiUuid, name + " " + t.code());
            documents.put(id, bytes);
            generalIndex.addObject().put("name", name).put("mime_type", xml ? "application/xml" : "application/pdf")
                    .put("resource_id", id).put("hash", Json.sha256(bytes)).put("alg_hash", ALG_HASH);
        }

        ObjectNode descriptor = Json.object();
        descriptor.put("version", 1);
        descriptor.set("cui", cui.deepCopy());
        descriptor.put("municipality", MUNICIPALITY_MILANO);
        descriptor.put("legal_person", legalPerson);
        ArrayNode status = descriptor.putArray("instance_status");
        status.addObject().put("state", "started").put("timestamp", presentedAt);
        status.addObject().put("state", "presented").put("timestamp", presentedAt);
        ObjectNode times = descriptor.putObject("times")
                .put("start", CUI_DATE)
                .put("max_gg_proc", "SCIA".equals(t.regime()) ? MAX_GG_PROC_SCIA : MAX_GG_PROC)
                .put("max_gg_correction", MAX_GG_CORRECTION)
                .put("max_gg_admissibility", MAX_GG_ADMISSIBILITY)
                .put("max_gg_int_req", MAX_GG_INT_REQ)
                .put("max_gg_int_resp", MAX_GG_INT_RESP)
                .put("max_gg_concl_send", MAX_GG_CONCL_SEND);
        if (t.times() != null) {
            times.setAll((ObjectNode) t.times().deepCopy());
        }
        descriptor.putObject("administrative_regime").put("id", t.regime()).put("version", REGIME_VERSION);
        descriptor.set("usecase_proceedings", proceedings);

        ObjectNode body = Json.object();
        body.set("cui", cui.deepCopy());
        body.put("instance_descriptor_version", "1");
        body.set("instance_index", instanceIndex);
        body.set("general_index", generalIndex);

        return new Sample(index, cuiUuid, cui, descriptor, body, Collections.unmodifiableMap(documents),
                t.code(), t.regime(), t.expectedOutcome(), t.scenario(), t.expectedFoMessages(), 1, t.expectedEtMessages(),
                t.expectedRiMessages());
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

    /** A general_index XML besides SUAP_XML: the REA filing of the company (SUAP_REA_*_XML) or another cross-cutting document. */
    private static byte[] generalXml(int index, String cuiUuid, Template t, String name, String legalPerson) {
        String adempimento = switch (name) {
            case "SUAP_REA_START_XML" -> "inizio attivita";
            case "SUAP_REA_UPDATE_XML" -> "modifica attivita";
            case "SUAP_REA_END_XML" -> "cessazione attivita";
            default -> name.toLowerCase(java.util.Locale.ROOT);
        };
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <documento-generale xmlns="urn:suapgw:sample:documento-generale" nome="%s" indice="%d">
                  <cui contesto="SUAP" data="%s" progressivo="%d">%s</cui>
                  <impresa codiceFiscale="%s" comune="%s"/>
                  <adempimento procedimento="%s">%s</adempimento>
                </documento-generale>
                """.formatted(name, index, CUI_DATE, index + 1, cuiUuid, legalPerson, MUNICIPALITY_MILANO, t.code(), adempimento);
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] fakePdf(int index, String cuiUuid, String title) {
        String pdf = "%PDF-1.4\n"
                + "1 0 obj << /Type /Catalog /Title (" + title + ") /Cui (" + cuiUuid + ") /Index " + index + " >> endobj\n"
                + "2 0 obj << /Length 44 >> stream\nBT /F1 12 Tf 72 712 Td (" + title + ") Tj ET\nendstream endobj\n"
                + "trailer << /Root 1 0 R >>\n%%EOF\n";
        return pdf.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A document's next revision: an XML gets a {@code <revisione>} element, anything else is a new PDF. */
    static byte[] revise(byte[] previous, String mimeType, String name, int version, Revision revision) {
        if (previous != null && mimeType.contains("xml")) {
            String xml = new String(previous, StandardCharsets.UTF_8);
            int end = xml.lastIndexOf("</");
            String element = "  <revisione versione=\"" + version + "\" motivo=\"" + revision.state() + "\"/>\n";
            return (end < 0 ? xml + "<!-- " + element.trim() + " -->\n" : xml.substring(0, end) + element + xml.substring(end))
                    .getBytes(StandardCharsets.UTF_8);
        }
        String title = name + " - versione " + version + " (" + revision.label + ")";
        return ("%PDF-1.4\n"
                + "1 0 obj << /Type /Catalog /Title (" + title + ") >> endobj\n"
                + "2 0 obj << /Length 44 >> stream\nBT /F1 12 Tf 72 712 Td (" + title + ") Tj ET\nendstream endobj\n"
                + "% previous revision " + (previous == null ? "-" : Json.sha256(previous)) + "\n"
                + "trailer << /Root 1 0 R >>\n%%EOF\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
