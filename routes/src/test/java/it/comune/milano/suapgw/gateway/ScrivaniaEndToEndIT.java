package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import it.comune.milano.suapgw.simulators.scrivania.ScrivaniaSimulator;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The pre-SSU channel end to end: scrivania → PddServiceEnte → lifecycle → PddServiceSUAP.inviaEnteSUAP. */
class ScrivaniaEndToEndIT extends AbstractGatewayIT {
    @org.springframework.beans.factory.annotation.Autowired
    it.comune.milano.suapgw.gateway.documenti.DocumentLinks links;

    static final Path VALID = Path.of("../test-data/scrivania/valid");
    static final Path HOSTILE = Path.of("../test-data/scrivania/hostile");

    static List<Path> cases(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Test
    void aHandBuiltSoapRequestIsAcceptedAndThePraticaCompletesOnItsChannel() throws Exception {
        enti();
        Path dir = VALID.resolve("01-scia-somministrazione-impresa-ats-polizia");
        JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
        String codice = expected.path("codicePratica").asText();
        // SOAP with Attachments assembled here by hand and posted with the JDK client: no CXF on this side
        String boundary = "----suapgw-it-boundary";
        StringBuilder head = new StringBuilder();
        List<byte[]> body = new ArrayList<>();
        head.append("--").append(boundary).append("\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-ID: <root>\r\n\r\n");
        body.add(head.toString().getBytes());
        body.add(Files.readAllBytes(dir.resolve("envelope.xml")));
        try (Stream<Path> files = Files.list(dir.resolve("attachments"))) {
            for (Path f : files.sorted().toList()) {
                body.add(("\r\n--" + boundary + "\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n"
                        + "Content-ID: <" + f.getFileName() + ">\r\n\r\n").getBytes());
                body.add(Files.readAllBytes(f));
            }
        }
        body.add(("\r\n--" + boundary + "--\r\n").getBytes());
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (byte[] part : body) all.write(part);
        HttpResponse<String> r = postSigned("/services/PddServiceEnte", "scrivania",
                "multipart/related; type=\"text/xml\"; start=\"<root>\"; boundary=\"" + boundary + "\"", all.toByteArray(),
                "SOAPAction", "\"inviaSUAPEnte\"");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("<return>Ok</return>");

        JsonNode summary = byCodice(codice);
        assertThat(summary).isNotNull();
        assertThat(summary.path("channel").asText()).isEqualTo("SCRIVANIA");
        JsonNode d = JSON.readTree(get("/api/pratiche/" + summary.path("id").asText()).body());
        assertThat(d.path("dati").path("codiceFiscale").asText()).isEqualTo(expected.path("codiceFiscale").asText());
        assertThat(d.path("dati").path("denominazione").asText()).isEqualTo(expected.path("denominazione").asText());
        assertThat(d.path("dati").path("tipoProcedimento").asText()).isEqualTo(expected.path("tipoProcedimento").asText());
        assertThat(d.path("dati").path("moduli").size()).isEqualTo(expected.path("moduli").asInt());
        assertThat(d.path("procedure").asText()).isEqualTo(expected.path("procedura").asText());
        List<String> enti = new ArrayList<>();
        d.path("dati").path("enti").forEach(n -> enti.add(n.asText()));
        List<String> expectedEnti = new ArrayList<>();
        expected.path("enti").forEach(n -> expectedEnti.add(n.asText()));
        assertThat(enti).containsExactlyInAnyOrderElementsOf(expectedEnti);
        // the applicant's documents (the act the pratica may end with is the back-office's, origin OUT)
        List<JsonNode> received = new ArrayList<>();
        d.path("documents").forEach(doc -> {
            if ("IN".equals(doc.path("origin").asText())) received.add(doc);
        });
        assertThat(received).hasSize(expected.path("documenti").asInt());

        await().atMost(Duration.ofSeconds(60)).until(() -> byCodice(codice).path("final").asBoolean());
        assertThat(byCodice(codice).path("state").asText()).isEqualTo(expected.path("esitoFinale").asText());
        await().atMost(Duration.ofSeconds(30)).until(() -> SCRIVANIA.tipiCooperazione(codice).contains("rilascio-provvedimento"));
        ScrivaniaSimulator.Received outcome = SCRIVANIA.received(codice).get(0);
        assertThat(outcome.testo()).contains("positivo");

        // the same message again: success, nothing new
        long pratiche = jdbc.queryForObject("select count(*) from pratica where channel = 'SCRIVANIA'", Long.class);
        ScrivaniaSimulator.Result again = SCRIVANIA.post(dir);
        assertThat(again.returnValue()).isEqualTo("Ok");
        assertThat(jdbc.queryForObject("select count(*) from pratica where channel = 'SCRIVANIA'", Long.class)).isEqualTo(pratiche);
    }

    @Test
    void everyValidLegacyPraticaEndsAsExpectedAndIntegrationsReconsultOnlyTheEntiThatAskedForThem() throws Exception {
        enti();
        // 01 and 07 have tests of their own (hand-built request, scrivania down)
        List<Path> valid = cases(VALID).stream().filter(p -> !p.getFileName().toString().startsWith("01-")
                && !p.getFileName().toString().startsWith("07-")).toList();
        for (Path dir : valid) {
            SCRIVANIA.registerCase(dir);
            ScrivaniaSimulator.Result r = SCRIVANIA.post(dir);
            assertThat(r.returnValue()).as(dir + ": " + r.rawBody()).isEqualTo("Ok");
        }
        for (Path dir : valid) {
            JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
            String codice = expected.path("codicePratica").asText();
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                JsonNode p = byCodice(codice);
                return p != null && p.path("final").asBoolean();
            });
            JsonNode d = JSON.readTree(get("/api/pratiche/" + byCodice(codice).path("id").asText()).body());
            assertThat(d.path("state").asText()).as(dir.toString()).isEqualTo(expected.path("esitoFinale").asText());
            List<String> round2 = new ArrayList<>();
            d.path("pareri").forEach(p -> {
                if (p.path("round").asInt() == 2) round2.add(p.path("ente_code").asText());
            });
            List<String> expectedRound2 = new ArrayList<>();
            expected.path("entiRound2").forEach(n -> expectedRound2.add(n.asText()));
            assertThat(round2).as(dir + " round 2").containsExactlyInAnyOrderElementsOf(expectedRound2);
            List<String> comunicazioni = new ArrayList<>();
            expected.path("comunicazioni").forEach(n -> comunicazioni.add(n.asText()));
            await().atMost(Duration.ofSeconds(30)).until(() -> SCRIVANIA.tipiCooperazione(codice).size() >= comunicazioni.size());
            assertThat(SCRIVANIA.tipiCooperazione(codice)).as(dir.toString()).containsExactlyElementsOf(comunicazioni);
        }
    }

    @Test
    void everyHostileMessageIsRefusedWithAPreciseFaultAndNothingIsStored() throws Exception {
        long pratiche = jdbc.queryForObject("select count(*) from pratica where channel = 'SCRIVANIA'", Long.class);
        // other pratiche go on meanwhile (acts stored when they end): what must not appear is a document of nobody
        String orphans = """
                select count(*) from documento d where not exists (select 1 from pratica_documento p where p.sha256 = d.sha256)
                   and not exists (select 1 from parere_allegato a where a.sha256 = d.sha256)""";
        long documenti = jdbc.queryForObject(orphans, Long.class);
        long messaggi = jdbc.queryForObject("select count(*) from scrivania_message", Long.class);
        List<String> failures = new ArrayList<>();
        for (Path dir : cases(HOSTILE)) {
            String expectedFault = Files.readString(dir.resolve("expected-fault.txt")).trim();
            ScrivaniaSimulator.Result r = SCRIVANIA.post(dir);
            if (r.faultString() == null || !r.faultString().toLowerCase().contains(expectedFault.toLowerCase())) {
                failures.add(dir.getFileName() + ": expected fault containing '" + expectedFault + "', got HTTP "
                        + r.httpStatus() + " " + (r.faultString() != null ? r.faultString() : r.rawBody()));
            }
        }
        assertThat(failures).isEmpty();
        assertThat(jdbc.queryForObject("select count(*) from pratica where channel = 'SCRIVANIA'", Long.class)).isEqualTo(pratiche);
        assertThat(jdbc.queryForObject(orphans, Long.class)).isEqualTo(documenti);
        assertThat(jdbc.queryForObject("select count(*) from scrivania_message", Long.class)).isEqualTo(messaggi);
    }

    /** Case 01's message turned into another communication on the same pratica: new protocol, no allegati. */
    static String communication(String tipo, String protocollo, int progressivo) throws Exception {
        String env = Files.readString(VALID.resolve("01-scia-somministrazione-impresa-ats-polizia/envelope.xml"));
        env = env.replace("tipo-cooperazione=\"condivisione\"", "tipo-cooperazione=\"" + tipo + "\"");
        env = env.replace("<intestazione progressivo=\"1\"", "<intestazione progressivo=\"" + progressivo + "\"");
        env = env.replaceAll("(<protocollo codice-amministrazione=\"c_f205\" codice-aoo=\"SUAP\" data-registrazione=\"[0-9-]+\" "
                + "numero-registrazione=\")\\d{7}", "$1" + protocollo);
        return env.replaceAll("(?s)<allegato .*?</allegato>\\s*", "");
    }

    /** The sample pratica of {@code dir} posted by the scrivania, once the gateway has it: its id. */
    private String received(Path dir, String codice) throws Exception {
        SCRIVANIA.post(dir);
        await().atMost(Duration.ofSeconds(30)).until(() -> byCodice(codice) != null);
        return byCodice(codice).path("id").asText();
    }

    @Test
    void communicationsOnAKnownPraticaAreRecordedAndOnAnUnknownOneRefused() throws Exception {
        Path dir = VALID.resolve("01-scia-somministrazione-impresa-ats-polizia");
        String codice = JSON.readTree(dir.resolve("expected.json").toFile()).path("codicePratica").asText();
        String id = received(dir, codice);
        for (String[] c : new String[][]{{"conferenza-servizi", "0990001"}, {"rilascio-provvedimento", "0990002"}, {"altro", "0990003"}}) {
            ScrivaniaSimulator.Result r = SCRIVANIA.postEnvelope(communication(c[0], c[1], 2), java.util.Map.of());
            assertThat(r.returnValue()).as(c[0] + ": " + r.rawBody()).isEqualTo("Pratica aggiornata");
        }
        String timeline = get("/api/pratiche/" + id + "/timeline").body();
        assertThat(timeline).contains("inviaSUAPEnte conferenza-servizi", "inviaSUAPEnte rilascio-provvedimento",
                "inviaSUAPEnte altro");

        ScrivaniaSimulator.Result unknown = SCRIVANIA.postEnvelope(communication("altro", "0990004", 2)
                .replace(codice, "00000000000-01012026-0000"), java.util.Map.of());
        assertThat(unknown.faultString()).startsWith("PRATICA_UNKNOWN");
        ScrivaniaSimulator.Result strange = SCRIVANIA.postEnvelope(communication("sollecito", "0990005", 2), java.util.Map.of());
        assertThat(strange.faultString()).startsWith("TIPO_COOPERAZIONE_INVALID");
    }

    @Test
    void aLargeAllegatoStreamsIntoTheStoreAndIsServedBackByItsLink() throws Exception {
        Path dir = VALID.resolve("01-scia-somministrazione-impresa-ats-polizia");
        String codice = JSON.readTree(dir.resolve("expected.json").toFile()).path("codicePratica").asText();
        String id = received(dir, codice);
        byte[] big = new byte[5 << 20];
        new java.util.Random(5).nextBytes(big);
        String envelope = communication("altro", "0990005", 3).replace("</CooperazioneSUAPEnte>", """
                <allegato nome-file="planimetria-grande.pdf" cod="ALTRO">
                  <descrizione>Planimetria in alta risoluzione</descrizione>
                  <mime>application/pdf</mime>
                  <dimensione>%d</dimensione>
                  <embedded-file-ref>cid:planimetria-grande.pdf</embedded-file-ref>
                </allegato>
                </CooperazioneSUAPEnte>""".formatted(big.length));

        ScrivaniaSimulator.Result r = SCRIVANIA.postEnvelope(envelope, java.util.Map.of("planimetria-grande.pdf", big));

        assertThat(r.returnValue()).as(r.rawBody()).isEqualTo("Pratica aggiornata");
        String sha = it.comune.milano.suapgw.connectors.contract.ContentHashes.sha256Hex(big);
        assertThat(jdbc.queryForObject("select content_oid is not null from documento where sha256 = ?", Boolean.class, sha)).isTrue();
        assertThat(jdbc.queryForObject("select count(*) from pratica_documento where pratica_id = ?::uuid and sha256 = ?",
                Integer.class, id, sha)).isEqualTo(1);
        HttpResponse<byte[]> back = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                links.downloadUrl(sha, "polizia-locale"))).header("Range", "bytes=4194304-").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(back.statusCode()).isEqualTo(206);
        assertThat(back.body()).isEqualTo(java.util.Arrays.copyOfRange(big, 4194304, big.length));
    }

    @Test
    void theScrivaniaDownDelaysTheOutcomeButNeverLosesIt() throws Exception {
        enti();
        Path dir = VALID.resolve("07-comunicazione-subentro-edicola-polizia");
        String codice = JSON.readTree(dir.resolve("expected.json").toFile()).path("codicePratica").asText();
        SCRIVANIA.setAvailable(false);
        try {
            SCRIVANIA.post(dir);
            await().atMost(Duration.ofSeconds(60)).until(() -> byCodice(codice) != null && byCodice(codice).path("final").asBoolean());
            String id = byCodice(codice).path("id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get("/api/pratiche/" + id).body())
                    .path("pendingOutbound").findValuesAsText("kind").contains("SCRIVANIA_SEND")
                    && JSON.readTree(get("/api/pratiche/" + id).body()).path("pendingOutbound").get(0).path("attempts").asInt() > 0);
            assertThat(SCRIVANIA.tipiCooperazione(codice)).isEmpty();
        } finally {
            SCRIVANIA.setAvailable(true);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> SCRIVANIA.tipiCooperazione(codice).contains("rilascio-provvedimento"));
        assertThat(SCRIVANIA.tipiCooperazione(codice)).containsExactly("rilascio-provvedimento");
        assertThat(byCodice(codice).path("state").asText()).isEqualTo(
                JSON.readTree(dir.resolve("expected.json").toFile()).path("esitoFinale").asText());
    }

    /** Case 01 as a new pratica: codice pratica and protocol numbers replaced, in the envelope and inside the ZIP. */
    record Copia(String codice, String envelope, String zipName, byte[] zip) {
    }

    static Copia copyOfCase01(String hhmm, String protocolPrefix) throws Exception {
        Path dir = VALID.resolve("01-scia-somministrazione-impresa-ats-polizia");
        String old = "14416037498-04052026-0915";
        String codice = "14416037498-04052026-" + hhmm;
        String env = Files.readString(dir.resolve("envelope.xml")).replace(old, codice)
                .replaceAll("numero-registrazione=\"04100(\\d\\d)\"", "numero-registrazione=\"" + protocolPrefix + "$1\"");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(dir.resolve("attachments/" + old + ".SUAP.zip")));
             var z = new java.util.zip.ZipOutputStream(out)) {
            java.util.zip.ZipEntry entry;
            while ((entry = in.getNextEntry()) != null) {
                byte[] content = in.readAllBytes();
                String name = entry.getName().replace(old, codice);
                if (name.endsWith(".SUAP.xml")) {
                    content = new String(content, java.nio.charset.StandardCharsets.UTF_8).replace(old, codice)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                z.putNextEntry(new java.util.zip.ZipEntry(name));
                z.write(content);
                z.closeEntry();
            }
        }
        return new Copia(codice, env, codice + ".SUAP.zip", out.toByteArray());
    }

    @Test
    void aMessageNotSignedByTheScrivaniaIsRefusedWithASoapFaultAndNothingIsStored() throws Exception {
        Copia c = copyOfCase01("0917", "07101");
        String env = c.envelope().replace("<embedded-file-ref>cid:" + c.zipName() + "</embedded-file-ref>",
                "<embedded-file-ref>data:application/zip;base64," + java.util.Base64.getEncoder().encodeToString(c.zip())
                        + "</embedded-file-ref>");
        byte[] bytes = env.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (String impostor : new String[]{null, "geowork"}) {
            HttpResponse<String> r = postSigned("/services/PddServiceEnte", impostor, "text/xml; charset=UTF-8", bytes,
                    "SOAPAction", "\"inviaSUAPEnte\"");
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("<faultcode>soap:Client</faultcode>");
        }
        assertThat(byCodice(c.codice())).isNull();
    }

    @Test
    void aPackageInlineAsADataUriInAPlainXmlMessageIsAccepted() throws Exception {
        Copia c = copyOfCase01("0916", "07100");
        String env = c.envelope().replace("<embedded-file-ref>cid:" + c.zipName() + "</embedded-file-ref>",
                "<embedded-file-ref>data:application/zip;base64," + java.util.Base64.getEncoder().encodeToString(c.zip())
                        + "</embedded-file-ref>");
        HttpResponse<String> r = postSigned("/services/PddServiceEnte", "scrivania", "text/xml; charset=UTF-8",
                env.getBytes(java.nio.charset.StandardCharsets.UTF_8), "SOAPAction", "\"inviaSUAPEnte\"");
        assertThat(r.body()).contains("<return>Ok</return>");
        JsonNode p = byCodice(c.codice());
        JsonNode d = JSON.readTree(get("/api/pratiche/" + p.path("id").asText()).body());
        assertThat(d.path("documents").size()).isEqualTo(JSON.readTree(
                VALID.resolve("01-scia-somministrazione-impresa-ats-polizia/expected.json").toFile()).path("documenti").asInt());
    }

    @Test
    void soapWithAttachmentsWithoutSwaRefIsMatchedByContentIdAndAForeignReferenceIsNotFollowed() throws Exception {
        Copia c = copyOfCase01("0917", "07200");
        String env = c.envelope().replace("<embedded-file-ref>cid:" + c.zipName() + "</embedded-file-ref>", "");
        ScrivaniaSimulator.Result r = SCRIVANIA.postEnvelope(env, java.util.Map.of(c.zipName(), c.zip()));
        assertThat(r.returnValue()).as(r.rawBody()).isEqualTo("Ok");
        assertThat(byCodice(c.codice())).isNotNull();

        Copia other = copyOfCase01("0918", "07300");
        String foreign = other.envelope().replace("cid:" + other.zipName(), "http://127.0.0.1:" + GATEWAY_PORT + "/api/stats");
        ScrivaniaSimulator.Result refused = SCRIVANIA.postEnvelope(foreign, java.util.Map.of(other.zipName(), other.zip()));
        assertThat(refused.faultString()).startsWith("ATTACHMENT_MISSING").contains("not followed");
        assertThat(byCodice(other.codice())).isNull();
    }
}
