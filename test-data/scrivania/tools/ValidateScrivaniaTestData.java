import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Validates test-data/scrivania (inviaSUAPEnte messages).
 *
 * <pre>java test-data/scrivania/tools/ValidateScrivaniaTestData.java /work/main</pre>
 *
 * Valid cases (and their integration/): the inviaSUAPEnte wrapper against the WSDL's schema, the
 * CooperazioneSUAPEnte content as a standalone se:cooperazione-suap-ente against SUAP-ente-1.1.1.xsd, every
 * swaRef resolved to a file of attachments/ with the declared size, the ZIP (limits, names) or the separate
 * allegati, the riepilogo against pratica_suap-2.0.0.xsd, every declared file present with the declared size,
 * codice-pratica consistency, and expected.json recomputed from the XML (enti registry + simulated ente rules).
 * Hostile cases: the same pipeline must stop with exactly the defect of expected-fault.txt (gateway codes), or
 * the envelope must be rejected by parsing / schema validation (SOAP-stack cases). Exit code 1 on any failure.
 * Parsers: namespace aware, DOCTYPE disallowed, no external entities / DTD / schema access, secure processing.
 */
public class ValidateScrivaniaTestData {

    static final String NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String NS_SCR = "http://www.impresainungiorno.gov.it/suap/scrivania";
    static final String NS_SE = "http://www.impresainungiorno.gov.it/schema/suap/ente";
    static final String NS_PS = "http://www.impresainungiorno.gov.it/schema/suap/pratica";

    static final long MIB = 1024L * 1024L;
    static final int MAX_ENTRIES = 2000;
    static final long MAX_ENTRY = 50 * MIB;
    static final long MAX_TOTAL = 200 * MIB;
    static final long RATIO_FROM = MIB;
    static final long MAX_RATIO = 100;
    static final long KEEP_BYTES = 8 * MIB;

    static final Set<String> GATEWAY_CODES = Set.of("ZIP_PATH_TRAVERSAL", "ZIP_TOO_MANY_ENTRIES",
            "ZIP_ENTRY_TOO_LARGE", "ZIP_TOTAL_TOO_LARGE", "ZIP_COMPRESSION_RATIO", "ZIP_INVALID",
            "XML_DTD_FORBIDDEN", "RIEPILOGO_INVALID", "RIEPILOGO_MISSING", "FILE_MISSING", "ATTACHMENT_MISSING",
            "CODICE_PRATICA_MISMATCH");
    /** Gateway registry: codice-amministrazione/codice-aoo -> ente code. */
    static final Map<String, String> REGISTRY = Map.of("c_f205/PLMI", "polizia-locale", "atsmcm/DIPS",
            "ats-milano", "m_bac/SABAP-MI", "soprintendenza", "cnvvf/COMMI", "vigili-del-fuoco");
    static final String SUAP_KEY = "c_f205/SUAP";
    static final Set<String> FILE_ELEMENTS = Set.of("procura-speciale", "distinta-modello-attivita",
            "tracciato-xml", "documento-allegato");

    static Schema wrapperSchema;
    static Schema enteSchema;
    static Schema praticaSchema;

    record Finding(String code, String detail) {
        @Override
        public String toString() {
            return code + " (" + detail + ")";
        }
    }

    /** What the pipeline found for one message. */
    static class Analysis {
        String soapError; // rejected by parser / schema validation of the envelope (SOAP stack)
        List<String> coopErrors = new ArrayList<>(); // standalone cooperazione-suap-ente validation
        List<Finding> findings = new ArrayList<>();
        Element coop;
        String form = "-";
        Map<String, Long> packageSizes = new LinkedHashMap<>();
        Map<String, byte[]> packageBytes = new LinkedHashMap<>();
        Document riepilogo;
        String riepilogoName;
        List<String> declared = new ArrayList<>();
        String zipName;

        void add(String code, String detail) {
            findings.add(new Finding(code, detail));
        }
    }

    static class Fatal extends Exception {
        Fatal() {
            super(null, null, false, false);
        }
    }

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ENGLISH);
        Path root = Paths.get(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path schemas = root.resolve("schemas/src/main/resources/infocamere");
        Path data = root.resolve("test-data/scrivania");
        if (!Files.isDirectory(schemas) || !Files.isDirectory(data)) {
            System.err.println("usage: java ValidateScrivaniaTestData.java <repository root>  (missing " + schemas
                    + " or " + data + ")");
            System.exit(2);
        }
        SchemaFactory sf = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        sf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        sf.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        sf.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file"); // xs:import of the local XSDs only
        enteSchema = sf.newSchema(schemas.resolve("SUAP-ente-1.1.1.xsd").toFile());
        praticaSchema = sf.newSchema(schemas.resolve("pratica_suap-2.0.0.xsd").toFile());
        wrapperSchema = wsdlSchema(sf, schemas.resolve("PddServiceEnte.wsdl"));

        List<String> failures = new ArrayList<>();
        Map<String, String> codici = new HashMap<>();
        Map<String, String> protocolli = new HashMap<>();
        int validOk = 0, hostileOk = 0, validN = 0, hostileN = 0;

        System.out.println("== valid cases");
        for (Path dir : cases(data.resolve("valid"))) {
            validN++;
            String name = "valid/" + dir.getFileName();
            List<String> errs = new ArrayList<>();
            Analysis a = analyze(dir, false);
            errs.addAll(problems(a));
            Map<String, Object> computed = null;
            if (a.soapError == null && a.riepilogo != null) {
                computed = computeExpected(a, errs);
                validCaseChecks(a, errs);
                unique(codici, text(kid(kid(a.coop, "intestazione"), "codice-pratica")), name, "codice-pratica", errs);
                unique(protocolli, protocollo(a.coop), name, "protocollo numero-registrazione", errs);
                Path expFile = dir.resolve("expected.json");
                if (!Files.exists(expFile)) {
                    errs.add("expected.json missing");
                } else {
                    Object exp = new Json(Files.readString(expFile)).parse();
                    if (!exp.equals(computed)) {
                        errs.add("expected.json differs from the XML: expected.json=" + exp + " computed=" + computed);
                    }
                }
                Path integ = dir.resolve("integration");
                boolean needsIntegration = computed != null && !((List<?>) computed.get("entiRound2")).isEmpty();
                if (Files.isDirectory(integ) != needsIntegration) {
                    errs.add(needsIntegration ? "integration/ missing (an ente answers CONFORMAZIONE)"
                            : "integration/ present but no ente answers CONFORMAZIONE");
                }
                if (Files.isDirectory(integ)) {
                    Analysis ia = analyze(integ, true);
                    for (String p : problems(ia)) {
                        errs.add("integration: " + p);
                    }
                    if (ia.coop != null && ia.soapError == null) {
                        integrationChecks(a, ia, errs);
                        unique(protocolli, protocollo(ia.coop), name + "/integration", "protocollo numero-registrazione",
                                errs);
                    }
                }
            }
            if (errs.isEmpty()) {
                validOk++;
                System.out.printf("OK    %-70s %-8s %d files, enti=%s round2=%s -> %s%n", name, a.form,
                        a.declared.size(), computed.get("enti"), computed.get("entiRound2"),
                        computed.get("esitoFinale"));
            } else {
                System.out.printf("FAIL  %s%n", name);
                errs.forEach(e -> System.out.println("        - " + e));
                failures.add(name);
            }
        }

        System.out.println("== hostile cases");
        for (Path dir : cases(data.resolve("hostile"))) {
            hostileN++;
            String name = "hostile/" + dir.getFileName();
            List<String> errs = new ArrayList<>();
            Path ef = dir.resolve("expected-fault.txt");
            String expected = Files.exists(ef) ? Files.readString(ef).trim() : "";
            if (expected.isEmpty() || expected.contains("\n")) {
                errs.add("expected-fault.txt missing, empty or not one line");
            }
            Analysis a = analyze(dir, false);
            String outcome;
            if (GATEWAY_CODES.contains(expected)) {
                if (a.soapError != null) {
                    errs.add("envelope rejected before the gateway checks: " + a.soapError);
                } else if (!a.coopErrors.isEmpty()) {
                    errs.add("cooperazione-suap-ente invalid: " + a.coopErrors);
                }
                Set<String> codes = a.findings.stream().map(Finding::code).collect(Collectors.toCollection(LinkedHashSet::new));
                if (a.findings.isEmpty()) {
                    errs.add("no defect found, expected " + expected);
                } else if (!a.findings.get(0).code().equals(expected)) {
                    errs.add("first defect is " + a.findings.get(0) + ", expected " + expected);
                } else if (codes.size() != 1) {
                    errs.add("more than one kind of defect: " + a.findings);
                }
                outcome = a.findings.isEmpty() ? "-" : a.findings.get(0).toString();
            } else {
                // SOAP-stack case: the envelope itself must be rejected (parse or XSD)
                if (a.soapError == null) {
                    errs.add("envelope is valid, but expected a SOAP-level rejection ('" + expected + "')");
                    outcome = "-";
                } else {
                    outcome = "SOAP rejected: " + abbreviate(a.soapError, 150)
                            + (a.soapError.toLowerCase(Locale.ROOT).contains(expected.toLowerCase(Locale.ROOT))
                                    ? "" : "   [note: '" + expected + "' not in this JAXP message; CXF's may differ]");
                }
            }
            if (a.coop != null && a.soapError == null) {
                unique(codici, text(kid(kid(a.coop, "intestazione"), "codice-pratica")), name, "codice-pratica", errs);
                unique(protocolli, protocollo(a.coop), name, "protocollo numero-registrazione", errs);
            }
            if (errs.isEmpty()) {
                hostileOk++;
                System.out.printf("OK    %-55s expect %-24s got %s%n", name, expected, outcome);
            } else {
                System.out.printf("FAIL  %s (expected %s)%n", name, expected);
                errs.forEach(e -> System.out.println("        - " + e));
                failures.add(name);
            }
        }
        System.out.printf("%n== summary: valid %d/%d ok, hostile %d/%d ok%n", validOk, validN, hostileOk, hostileN);
        if (validN == 0 || hostileN == 0) {
            failures.add("no cases found");
        }
        if (!failures.isEmpty()) {
            System.out.println("FAILED: " + failures);
            System.exit(1);
        }
        System.out.println("ALL OK");
    }

    // ------------------------------------------------------------------------------------------------
    // pipeline
    // ------------------------------------------------------------------------------------------------

    static Analysis analyze(Path dir, boolean integration) throws IOException {
        Analysis a = new Analysis();
        Document env;
        try {
            env = parse(Files.readAllBytes(dir.resolve("envelope.xml")));
        } catch (Exception e) {
            a.soapError = "envelope parse: " + e.getMessage();
            return a;
        }
        Element root = env.getDocumentElement();
        if (!NS_SOAP.equals(root.getNamespaceURI()) || !"Envelope".equals(root.getLocalName())) {
            a.soapError = "not a SOAP 1.1 Envelope";
            return a;
        }
        Element body = null;
        for (Element e : children(root)) {
            if (NS_SOAP.equals(e.getNamespaceURI()) && "Body".equals(e.getLocalName())) {
                body = e;
            }
        }
        List<Element> payload = body == null ? List.of() : children(body);
        if (payload.size() != 1) {
            a.soapError = "soapenv:Body must hold exactly one element";
            return a;
        }
        Element wrapper = payload.get(0);
        List<String> werr = validateElement(wrapperSchema, wrapper);
        Element coop = null;
        for (Element e : children(wrapper)) {
            if ("CooperazioneSUAPEnte".equals(e.getLocalName())) {
                coop = e;
            }
        }
        a.coop = coop;
        if (coop != null) {
            a.coopErrors = validateCooperazione(coop);
        }
        if (!werr.isEmpty()) {
            a.soapError = "wrapper XSD: " + werr;
            return a;
        }
        if (coop == null) {
            a.soapError = "no CooperazioneSUAPEnte";
            return a;
        }
        try {
            Map<String, Path> resolved = resolveAttachments(dir, coop, a);
            if (integration) {
                return a;
            }
            loadPackage(coop, resolved, a);
            checkRiepilogo(coop, a);
        } catch (Fatal f) {
            // pipeline stopped at the first fatal defect, like the gateway
        }
        return a;
    }

    static Map<String, Path> resolveAttachments(Path dir, Element coop, Analysis a) throws IOException {
        Map<String, Path> resolved = new LinkedHashMap<>();
        Path attDir = dir.resolve("attachments");
        Set<String> parts = new TreeSet<>();
        if (Files.isDirectory(attDir)) {
            try (Stream<Path> s = Files.list(attDir)) {
                s.forEach(p -> parts.add(p.getFileName().toString()));
            }
        }
        Set<String> used = new TreeSet<>();
        for (Element al : kids(coop, "allegato")) {
            String nome = al.getAttribute("nome-file");
            String ref = text(kid(al, "embedded-file-ref"));
            if (ref == null) {
                a.add("ATTACHMENT_MISSING", nome + ": no embedded-file-ref");
                continue;
            }
            if (!ref.startsWith("cid:")) {
                a.add("ATTACHMENT_MISSING", nome + ": swaRef is not a cid: URI: " + ref);
                continue;
            }
            String cid = URLDecoder.decode(ref.substring(4), StandardCharsets.UTF_8);
            if (!parts.contains(cid)) {
                a.add("ATTACHMENT_MISSING", nome + ": no MIME part " + cid);
                continue;
            }
            used.add(cid);
            if (!cid.equals(nome)) {
                a.add("CID_NOT_NOME_FILE", nome + " -> " + cid);
            }
            Path p = attDir.resolve(cid);
            String dim = text(kid(al, "dimensione"));
            if (dim != null && Long.parseLong(dim) != Files.size(p)) {
                a.add("DIMENSIONE_MISMATCH", "allegato " + nome + ": declared " + dim + ", real " + Files.size(p));
            }
            resolved.put(nome, p);
        }
        for (String p : parts) {
            if (!used.contains(p)) {
                a.add("UNREFERENCED_PART", p);
            }
        }
        return resolved;
    }

    static void loadPackage(Element coop, Map<String, Path> resolved, Analysis a) throws IOException, Fatal {
        String zipNome = null, xmlNome = null;
        for (Element al : kids(coop, "allegato")) {
            String n = al.getAttribute("nome-file");
            String l = n.toLowerCase(Locale.ROOT);
            if (l.endsWith(".suap.zip")) {
                zipNome = n;
            } else if (l.endsWith(".suap.xml")) {
                xmlNome = n;
            }
        }
        if (zipNome != null) {
            a.form = "zip";
            a.zipName = zipNome;
            Path zp = resolved.get(zipNome);
            if (zp == null) {
                throw new Fatal(); // already reported as ATTACHMENT_MISSING
            }
            scanZip(zp, a);
        } else if (xmlNome != null) {
            a.form = "separate";
            for (Map.Entry<String, Path> e : resolved.entrySet()) {
                a.packageSizes.put(e.getKey(), Files.size(e.getValue()));
                a.packageBytes.put(e.getKey(), Files.readAllBytes(e.getValue()));
            }
        } else {
            a.add("RIEPILOGO_MISSING", "no .SUAP.zip nor .SUAP.xml allegato");
            throw new Fatal();
        }
    }

    static final class CountingInputStream extends FilterInputStream {
        long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** Streaming scan with the gateway's limits; stops at the first violation. */
    static void scanZip(Path zp, Analysis a) throws IOException, Fatal {
        int entries = 0;
        long total = 0;
        try (CountingInputStream cin = new CountingInputStream(Files.newInputStream(zp));
                ZipInputStream zin = new ZipInputStream(cin)) {
            ZipEntry e;
            byte[] buf = new byte[64 * 1024];
            while ((e = zin.getNextEntry()) != null) {
                entries++;
                if (entries > MAX_ENTRIES) {
                    a.add("ZIP_TOO_MANY_ENTRIES", "more than " + MAX_ENTRIES + " entries");
                    throw new Fatal();
                }
                String n = e.getName();
                if (unsafeName(n)) {
                    a.add("ZIP_PATH_TRAVERSAL", n);
                    throw new Fatal();
                }
                long start = cin.count;
                long size = 0;
                ByteArrayOutputStream keep = new ByteArrayOutputStream();
                int r;
                while ((r = zin.read(buf)) > 0) {
                    size += r;
                    total += r;
                    if (size <= KEEP_BYTES) {
                        keep.write(buf, 0, r);
                    }
                    long comp = Math.max(1, cin.count - start);
                    if (size > RATIO_FROM && size > MAX_RATIO * comp) {
                        a.add("ZIP_COMPRESSION_RATIO", n + ": " + size + " bytes from ~" + comp);
                        throw new Fatal();
                    }
                    if (size > MAX_ENTRY) {
                        a.add("ZIP_ENTRY_TOO_LARGE", n + ": more than " + MAX_ENTRY + " bytes");
                        throw new Fatal();
                    }
                    if (total > MAX_TOTAL) {
                        a.add("ZIP_TOTAL_TOO_LARGE", "more than " + MAX_TOTAL + " bytes in total");
                        throw new Fatal();
                    }
                }
                if (!e.isDirectory()) {
                    a.packageSizes.put(n, size);
                    if (size <= KEEP_BYTES) {
                        a.packageBytes.put(n, keep.toByteArray());
                    }
                }
            }
        } catch (IOException ex) {
            a.add("ZIP_INVALID", String.valueOf(ex.getMessage()));
            throw new Fatal();
        }
        if (entries == 0) {
            a.add("ZIP_INVALID", "no ZIP entries");
            throw new Fatal();
        }
        try (ZipFile zf = new ZipFile(zp.toFile())) { // central directory must agree with the local headers
            int cd = 0;
            for (Enumeration<? extends ZipEntry> en = zf.entries(); en.hasMoreElements(); en.nextElement()) {
                cd++;
            }
            if (cd != entries) {
                a.add("ZIP_INVALID", "central directory lists " + cd + " entries, stream " + entries);
                throw new Fatal();
            }
        } catch (IOException ex) {
            a.add("ZIP_INVALID", "central directory: " + ex.getMessage());
            throw new Fatal();
        }
    }

    static boolean unsafeName(String n) {
        if (n.startsWith("/") || n.startsWith("\\") || n.matches("^[A-Za-z]:.*") || n.indexOf('\0') >= 0) {
            return true;
        }
        for (String seg : n.split("[/\\\\]")) {
            if (seg.equals("..")) {
                return true;
            }
        }
        return false;
    }

    static void checkRiepilogo(Element coop, Analysis a) throws Fatal {
        List<String> names = a.packageSizes.keySet().stream()
                .filter(n -> n.toLowerCase(Locale.ROOT).endsWith(".suap.xml")).collect(Collectors.toList());
        if (names.isEmpty()) {
            a.add("RIEPILOGO_MISSING", "no *.SUAP.xml in the package");
            throw new Fatal();
        }
        if (names.size() > 1) {
            a.add("RIEPILOGO_AMBIGUOUS", names.toString());
            throw new Fatal();
        }
        a.riepilogoName = names.get(0);
        Document r;
        try {
            r = parse(a.packageBytes.get(a.riepilogoName));
        } catch (Exception e) {
            String m = String.valueOf(e.getMessage());
            a.add(m.contains("DOCTYPE") ? "XML_DTD_FORBIDDEN" : "RIEPILOGO_INVALID", m);
            throw new Fatal();
        }
        Element root = r.getDocumentElement();
        List<String> errs = validateElement(praticaSchema, root);
        if (!errs.isEmpty()) {
            a.add("RIEPILOGO_INVALID", errs.toString());
            throw new Fatal();
        }
        a.riepilogo = r;
        String cpEnv = text(kid(kid(coop, "intestazione"), "codice-pratica"));
        String cpRiep = text(kid(kid(root, "intestazione"), "codice-pratica"));
        if (cpRiep != null && !cpRiep.equals(cpEnv)) {
            a.add("CODICE_PRATICA_MISMATCH", "envelope " + cpEnv + ", riepilogo " + cpRiep);
        }
        for (Element fe : descendants(root)) {
            if (!FILE_ELEMENTS.contains(fe.getLocalName()) || !fe.hasAttribute("nome-file")) {
                continue;
            }
            String n = fe.getAttribute("nome-file");
            a.declared.add(n);
            Long size = a.packageSizes.get(n);
            if (size == null) {
                a.add("FILE_MISSING", fe.getLocalName() + " " + n);
                continue;
            }
            String dim = text(kid(fe, "dimensione"));
            if (dim != null && Long.parseLong(dim) != size) {
                a.add("DIMENSIONE_MISMATCH", n + ": declared " + dim + ", real " + size);
            }
        }
        for (String n : a.packageSizes.keySet()) {
            if (!n.equals(a.riepilogoName) && !a.declared.contains(n)) {
                a.add("UNDECLARED_FILE", n);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // valid-case checks
    // ------------------------------------------------------------------------------------------------

    static List<String> problems(Analysis a) {
        List<String> p = new ArrayList<>();
        if (a.soapError != null) {
            p.add("SOAP-level: " + a.soapError);
        }
        if (!a.coopErrors.isEmpty()) {
            p.add("cooperazione-suap-ente vs SUAP-ente-1.1.1.xsd: " + a.coopErrors);
        }
        for (Finding f : a.findings) {
            p.add(f.toString());
        }
        return p;
    }

    static void validCaseChecks(Analysis a, List<String> errs) {
        Element in = kid(a.coop, "intestazione");
        String cp = text(kid(in, "codice-pratica"));
        if (cp == null || !cp.matches("([A-Z0-9]{16}|\\d{11})-[0-3]\\d[01]\\d\\d{4}-[0-2]\\d[0-5]\\d")) {
            errs.add("codice-pratica not CF-GGMMAAAA-HHMM: " + cp);
        }
        if (!"1".equals(in.getAttribute("progressivo")) || !"1".equals(in.getAttribute("totale"))) {
            errs.add("intestazione progressivo/totale must be 1/1");
        }
        checkFixedParts(in, "condivisione", errs);
        if (!(cp + ".SUAP.xml").equals(a.riepilogoName)) {
            errs.add("riepilogo named " + a.riepilogoName + ", expected " + cp + ".SUAP.xml");
        }
        if ("zip".equals(a.form) && !(cp + ".SUAP.zip").equals(a.zipName)) {
            errs.add("ZIP named " + a.zipName + ", expected " + cp + ".SUAP.zip");
        }
        for (String n : a.declared) {
            if (!n.startsWith(cp + ".")) {
                errs.add("declared file " + n + " not prefixed by the codice-pratica");
            }
        }
        Element rin = kid(a.riepilogo.getDocumentElement(), "intestazione");
        Element og = kid(in, "oggetto-pratica"), rog = kid(rin, "oggetto-comunicazione");
        if (!og.getAttribute("tipo-procedimento").equals(rog.getAttribute("tipo-procedimento"))
                || !og.getAttribute("tipo-intervento").equals(rog.getAttribute("tipo-intervento"))) {
            errs.add("envelope oggetto-pratica attributes differ from the riepilogo oggetto-comunicazione");
        }
        for (Element m : kids(kid(a.riepilogo.getDocumentElement(), "struttura"), "modulo")) {
            for (Element e : kids(m, "ente-coinvolto")) {
                String k = e.getAttribute("codice-amministrazione") + "/" + e.getAttribute("codice-aoo");
                if (!REGISTRY.containsKey(k) && !SUAP_KEY.equals(k)) {
                    errs.add("ente-coinvolto not in the gateway registry: " + k);
                }
            }
        }
    }

    static void checkFixedParts(Element in, String tipoCoop, List<String> errs) {
        Element s = kid(in, "suap-competente");
        if (!"c_f205".equals(s.getAttribute("codice-amministrazione")) || !"SUAP".equals(s.getAttribute("codice-aoo"))
                || !"1234".equals(s.getAttribute("identificativo-suap"))
                || !"F205".equals(s.getAttribute("codice-catastale"))) {
            errs.add("suap-competente is not the SUAP of Milano (c_f205/SUAP/1234/F205)");
        }
        List<Element> dest = kids(in, "ente-destinatario");
        if (dest.size() != 1 || !"c_f205".equals(dest.get(0).getAttribute("codice-amministrazione"))
                || !"GEOWORK".equals(dest.get(0).getAttribute("codice-aoo"))) {
            errs.add("ente-destinatario is not c_f205/GEOWORK");
        }
        String tc = kid(in, "oggetto-comunicazione").getAttribute("tipo-cooperazione");
        if (!tipoCoop.equals(tc)) {
            errs.add("tipo-cooperazione is '" + tc + "', expected '" + tipoCoop + "'");
        }
    }

    static void integrationChecks(Analysis first, Analysis ia, List<String> errs) {
        Element in = kid(ia.coop, "intestazione"), fin = kid(first.coop, "intestazione");
        if (!text(kid(in, "codice-pratica")).equals(text(kid(fin, "codice-pratica")))) {
            errs.add("integration: codice-pratica differs from the first message");
        }
        if (!"2".equals(in.getAttribute("progressivo"))) {
            errs.add("integration: progressivo must be 2");
        }
        checkFixedParts(in, "integrazione-documentale", errs);
        if (kids(ia.coop, "allegato").isEmpty()) {
            errs.add("integration: no allegato");
        }
        for (Element al : kids(ia.coop, "allegato")) {
            String n = al.getAttribute("nome-file");
            if (n.toLowerCase(Locale.ROOT).contains(".suap.")) {
                errs.add("integration: unexpected package allegato " + n);
            }
            if (first.declared.contains(n)) {
                errs.add("integration: allegato " + n + " reuses a name of the first message");
            }
        }
    }

    /** expected.json recomputed from the envelope + riepilogo. */
    static Map<String, Object> computeExpected(Analysis a, List<String> errs) {
        Element r = a.riepilogo.getDocumentElement();
        Element rin = kid(r, "intestazione");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("codicePratica", text(kid(kid(a.coop, "intestazione"), "codice-pratica")));
        Element og = kid(rin, "oggetto-comunicazione");
        m.put("tipoProcedimento", og.getAttribute("tipo-procedimento"));
        m.put("tipoIntervento", og.getAttribute("tipo-intervento"));
        Element imp = kid(rin, "impresa"), rich = kid(rin, "richiedente");
        if (imp != null) {
            m.put("soggetto", "impresa");
            m.put("codiceFiscale", text(kid(imp, "codice-fiscale")));
            m.put("denominazione", text(kid(imp, "ragione-sociale")));
        } else {
            m.put("soggetto", "persona-fisica");
            m.put("codiceFiscale", text(kid(rich, "codice-fiscale")));
            m.put("denominazione", text(kid(rich, "cognome")) + " " + text(kid(rich, "nome")));
            Element eimp = kid(kid(a.coop, "intestazione"), "impresa");
            if (!text(kid(rich, "codice-fiscale")).equals(text(kid(eimp, "codice-fiscale")))) {
                errs.add("persona fisica: envelope impresa/codice-fiscale differs from riepilogo richiedente");
            }
        }
        String cf = (String) m.get("codiceFiscale");
        if (cf == null || !checkCf(cf)) {
            errs.add("codice fiscale with a wrong check character/digit: " + cf);
        }
        List<Element> moduli = kids(kid(r, "struttura"), "modulo");
        Element first = moduli.get(0);
        String code = first.hasAttribute("cod") ? first.getAttribute("cod") : first.getAttribute("nome");
        m.put("procedura", code);
        m.put("moduli", (long) moduli.size());
        m.put("documenti", (long) a.declared.size());
        TreeSet<String> enti = new TreeSet<>();
        for (Element mod : moduli) {
            for (Element e : kids(mod, "ente-coinvolto")) {
                String k = e.getAttribute("codice-amministrazione") + "/" + e.getAttribute("codice-aoo");
                if (REGISTRY.containsKey(k)) {
                    enti.add(REGISTRY.get(k));
                }
            }
        }
        m.put("enti", new ArrayList<Object>(enti));
        Map<String, String> ans = new LinkedHashMap<>();
        for (String e : enti) {
            ans.put(e, answer(e, code));
        }
        List<Object> round2 = new ArrayList<>();
        String esito;
        List<Object> com = new ArrayList<>();
        if (ans.containsValue("NEGATIVO")) {
            esito = "ended_by_negative_outcome";
        } else {
            ans.forEach((e, v) -> {
                if (v.equals("CONFORMAZIONE")) {
                    round2.add(e);
                }
            });
            esito = "ended_by_positive_outcome";
            if (!round2.isEmpty()) {
                com.add("richiesta-integrazione");
            }
        }
        com.add("rilascio-provvedimento");
        m.put("entiRound2", round2);
        m.put("esitoFinale", esito);
        m.put("comunicazioni", com);
        // other codici fiscali / partite IVA of the case
        for (Element e : descendants(r)) {
            if (e.getLocalName().equals("codice-fiscale") || e.getLocalName().equals("partita-iva")) {
                if (!checkCf(text(e))) {
                    errs.add("riepilogo " + e.getLocalName() + " with a wrong check character/digit: " + text(e));
                }
            }
        }
        return m;
    }

    static String answer(String ente, String code) {
        if (ente.equals("ats-milano") && code.contains("ACCONCIATORE_APERTURA")) {
            return "CONFORMAZIONE";
        }
        if (ente.equals("soprintendenza") && code.contains("MEDIA_STRUTTURA_VENDITA")) {
            return "NEGATIVO";
        }
        if (ente.equals("vigili-del-fuoco") && code.contains("DEPOSITO_GPL")) {
            return "NEGATIVO";
        }
        if (ente.equals("vigili-del-fuoco") && code.contains("AUTORIMESSA")) {
            return "CONFORMAZIONE";
        }
        return "POSITIVO";
    }

    static boolean checkCf(String cf) {
        if (cf.matches("\\d{11}")) {
            int s = 0;
            for (int i = 0; i < 10; i++) {
                int n = cf.charAt(i) - '0';
                if (i % 2 == 1) {
                    n *= 2;
                    if (n > 9) {
                        n -= 9;
                    }
                }
                s += n;
            }
            return (10 - s % 10) % 10 == cf.charAt(10) - '0';
        }
        if (cf.matches("[A-Z0-9]{16}")) {
            int[] odd = {1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};
            int s = 0;
            for (int i = 0; i < 15; i++) {
                char c = cf.charAt(i);
                int idx = Character.isDigit(c) ? c - '0' : c - 'A';
                s += (i % 2 == 0) ? odd[idx] : idx;
            }
            return (char) ('A' + s % 26) == cf.charAt(15);
        }
        return false;
    }

    static void unique(Map<String, String> seen, String key, String where, String what, List<String> errs) {
        if (key == null) {
            return;
        }
        String prev = seen.putIfAbsent(key, where);
        if (prev != null && !prev.equals(where)) {
            errs.add(what + " " + key + " already used by " + prev);
        }
    }

    static String protocollo(Element coop) {
        Element p = kid(kid(coop, "intestazione"), "protocollo");
        return p == null ? null : p.getAttribute("numero-registrazione");
    }

    // ------------------------------------------------------------------------------------------------
    // XML helpers (secure)
    // ------------------------------------------------------------------------------------------------

    static DocumentBuilder builder() throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        DocumentBuilder b = f.newDocumentBuilder();
        b.setErrorHandler(new ErrorHandler() {
            public void warning(SAXParseException e) {
            }

            public void error(SAXParseException e) throws SAXException {
                throw e;
            }

            public void fatalError(SAXParseException e) throws SAXException {
                throw e;
            }
        });
        return b;
    }

    static Document parse(byte[] data) throws Exception {
        return builder().parse(new ByteArrayInputStream(data));
    }

    static Schema wsdlSchema(SchemaFactory sf, Path wsdl) throws Exception {
        Document w = builder().parse(wsdl.toFile());
        Element schema = null;
        for (Element e : descendants(w.getDocumentElement())) {
            if (XMLConstants.W3C_XML_SCHEMA_NS_URI.equals(e.getNamespaceURI()) && "schema".equals(e.getLocalName())) {
                schema = e;
                break;
            }
        }
        Document d = builder().newDocument();
        d.appendChild(d.importNode(schema, true));
        return sf.newSchema(new DOMSource(d, wsdl.toUri().toString()));
    }

    static List<String> validateElement(Schema schema, Element el) {
        try {
            Document d = builder().newDocument();
            d.appendChild(d.importNode(el, true));
            return validate(schema, d);
        } catch (Exception e) {
            return List.of(String.valueOf(e.getMessage()));
        }
    }

    /** The envelope's CooperazioneSUAPEnte content as a standalone se:cooperazione-suap-ente document. */
    static List<String> validateCooperazione(Element coop) {
        try {
            Document d = builder().newDocument();
            Element root = d.createElementNS(NS_SE, "se:cooperazione-suap-ente");
            root.setAttributeNS(XMLConstants.XMLNS_ATTRIBUTE_NS_URI, "xmlns:se", NS_SE);
            d.appendChild(root);
            for (Node n = coop.getFirstChild(); n != null; n = n.getNextSibling()) {
                root.appendChild(d.importNode(n, true));
            }
            return validate(enteSchema, d);
        } catch (Exception e) {
            return List.of(String.valueOf(e.getMessage()));
        }
    }

    static List<String> validate(Schema schema, Document d) throws Exception {
        List<String> errs = new ArrayList<>();
        Validator v = schema.newValidator();
        v.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        v.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        v.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        v.setErrorHandler(new ErrorHandler() {
            public void warning(SAXParseException e) {
            }

            public void error(SAXParseException e) {
                errs.add(e.getMessage());
            }

            public void fatalError(SAXParseException e) {
                errs.add(e.getMessage());
            }
        });
        try {
            v.validate(new DOMSource(d));
        } catch (SAXException e) {
            if (errs.isEmpty()) {
                errs.add(e.getMessage());
            }
        }
        return errs;
    }

    static List<Element> children(Element e) {
        List<Element> l = new ArrayList<>();
        if (e == null) {
            return l;
        }
        for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element) {
                l.add((Element) n);
            }
        }
        return l;
    }

    /** Direct children with this local name and no namespace (all content elements are unqualified). */
    static List<Element> kids(Element e, String local) {
        return children(e).stream().filter(c -> local.equals(c.getLocalName()) && c.getNamespaceURI() == null)
                .collect(Collectors.toList());
    }

    static Element kid(Element e, String local) {
        List<Element> l = kids(e, local);
        return l.isEmpty() ? null : l.get(0);
    }

    static List<Element> descendants(Element e) {
        List<Element> out = new ArrayList<>();
        for (Element c : children(e)) {
            out.add(c);
            out.addAll(descendants(c));
        }
        return out;
    }

    static String text(Element e) {
        return e == null ? null : e.getTextContent().trim();
    }

    static String abbreviate(String s, int n) {
        s = s.replaceAll("\\s+", " ");
        return s.length() <= n ? s : s.substring(0, n) + "...";
    }

    static List<Path> cases(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().collect(Collectors.toList());
        }
    }

    // ------------------------------------------------------------------------------------------------
    // minimal JSON reader (objects -> LinkedHashMap, arrays -> ArrayList, integers -> Long)
    // ------------------------------------------------------------------------------------------------
    static final class Json {
        final String s;
        int i;

        Json(String s) {
            this.s = s;
        }

        Object parse() {
            Object v = value();
            ws();
            if (i != s.length()) {
                throw new IllegalArgumentException("trailing JSON at " + i);
            }
            return v;
        }

        void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        Object value() {
            ws();
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (s.charAt(i) == '}') {
                    i++;
                    return m;
                }
                while (true) {
                    ws();
                    String k = string();
                    ws();
                    expect(':');
                    m.put(k, value());
                    ws();
                    if (s.charAt(i) == ',') {
                        i++;
                        continue;
                    }
                    expect('}');
                    return m;
                }
            }
            if (c == '[') {
                i++;
                List<Object> l = new ArrayList<>();
                ws();
                if (s.charAt(i) == ']') {
                    i++;
                    return l;
                }
                while (true) {
                    l.add(value());
                    ws();
                    if (s.charAt(i) == ',') {
                        i++;
                        continue;
                    }
                    expect(']');
                    return l;
                }
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return Boolean.FALSE;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            int st = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String num = s.substring(st, i);
            return num.matches("-?\\d+") ? (Object) Long.parseLong(num) : (Object) Double.parseDouble(num);
        }

        void expect(char c) {
            if (s.charAt(i) != c) {
                throw new IllegalArgumentException("expected '" + c + "' at " + i);
            }
            i++;
        }

        String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
        }
    }
}
