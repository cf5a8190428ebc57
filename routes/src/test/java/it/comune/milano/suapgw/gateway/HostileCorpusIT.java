package it.comune.milano.suapgw.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import it.comune.milano.suapgw.simulators.enti.EnteSimulator;
import it.comune.milano.suapgw.simulators.enti.PecEnteSimulator;
import it.comune.milano.suapgw.simulators.enti.PecProvider;
import it.comune.milano.suapgw.simulators.ssu.SampleInstances;
import it.comune.milano.suapgw.simulators.support.DemoIdp;
import it.comune.milano.suapgw.simulators.support.GatewayClient;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The hostile-input corpus (test-data/hostile, its README describes the format): every case is sent on its channel
 * as its manifest says, must be refused with the channel's own error (never a 5xx, never internal text), and must
 * leave nothing stored half-way (no pratica, no submission, no parere, no GEOPOST event; for the enti's replies one
 * dead letter of the expected category, and no redelivery loop).
 */
class HostileCorpusIT extends AbstractGatewayIT {
    static final Path CORPUS = Path.of("../test-data/hostile");
    static final Path SCRIVANIA_HOSTILE = Path.of("../test-data/scrivania/hostile");
    static final AtomicLong SEQ = new AtomicLong(900_000_000L + (System.currentTimeMillis() % 1_000_000L) * 100);
    /** what an error answer must never carry: internal text of the database, the JVM or the framework */
    static final List<String> LEAKS = List.of("org.postgresql", "PSQLException", "java.lang.", "Exception:", "at org.",
            "at it.comune", "SQLState", "jdbc", "JsonParseException", "com.fasterxml");

    /** the values the manifests refer to as ${name} */
    final Map<String, String> vars = new HashMap<>();
    @Autowired
    GreenMail mailServer;

    @Test
    void everyHostileCaseIsRefusedWithItsChannelsErrorAndLeavesNothingStored() throws Exception {
        enti();
        setUp();
        Map<String, Integer> perChannel = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        List<Path> cases;
        try (Stream<Path> files = Files.walk(CORPUS)) {
            cases = files.filter(p -> p.toString().endsWith(".json") && !p.getFileName().toString().startsWith("_")).sorted().toList();
        }
        for (Path file : cases) {
            String channel = CORPUS.relativize(file).getName(0).toString();
            JsonNode manifest = JSON.readTree(file.toFile());
            perChannel.merge(channel, 1, Integer::sum);
            long t0 = System.nanoTime();
            try {
                run(channel, manifest);
            } catch (AssertionError | Exception e) {
                failures.add(CORPUS.relativize(file) + ": " + abbreviate(String.valueOf(e.getMessage()), 600));
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (ms > 5000) System.out.println("[hostile] slow case " + CORPUS.relativize(file) + ": " + ms + " ms");
        }
        try (Stream<Path> dirs = Files.list(SCRIVANIA_HOSTILE)) {
            perChannel.put("scrivania (ScrivaniaEndToEndIT)", (int) dirs.filter(Files::isDirectory).count());
        }
        int total = perChannel.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("[hostile] cases per channel: " + perChannel + ", total " + total);
        failures.forEach(f -> System.out.println("[hostile] FAILED " + f));
        assertThat(failures).as("hostile cases not refused as expected").isEmpty();
        assertThat(total).isGreaterThanOrEqualTo(150);
    }

    // ------------------------------------------------------------------ set-up: what the cases refer to

    private void setUp() throws Exception {
        SampleInstances.Sample s = newSample(AbstractGatewayIT::standardAutorizzazione);
        // a cui.value the cases may claim under another uuid (the samples' CUIs carry none)
        String value = "HOSTILE-" + UUID.randomUUID();
        for (JsonNode cui : List.of(s.cui(), s.sendInstanceBody().path("cui"), s.descriptor().path("cui"))) {
            if (cui instanceof ObjectNode o) o.put("value", value);
        }
        assertThat(FO.sendInstance(s).statusCode()).isEqualTo(200);
        awaitFinal(s);
        String rid = s.documents().keySet().iterator().next();
        vars.put("cui", s.cuiUuid());
        vars.put("cui_value", value);
        assertThat(byCodice(value)).as("the instance is known by its cui.value").isNotNull();
        vars.put("rid", rid);
        vars.put("hash", s.hash(rid));
        String id = pratica(s.cuiUuid()).path("id").asText();
        vars.put("pratica_id", id);
        vars.put("richiesta_polizia", jdbc.queryForObject(
                "select id::text from richiesta_parere where pratica_id = ?::uuid and ente_code = 'polizia-locale' order by round limit 1",
                String.class, id));
        JsonNode detail = detail(s.cuiUuid());
        for (JsonNode d : detail.path("documents")) {
            if (d.hasNonNull("url")) {
                URI u = URI.create(d.path("url").asText());
                vars.put("doc_path", u.getRawPath());
                for (String kv : u.getRawQuery().split("&")) {
                    String[] p = kv.split("=", 2);
                    vars.put("doc_" + p[0], p[1]);
                }
                break;
            }
        }
        assertThat(vars).containsKeys("doc_path", "doc_per", "doc_scade", "doc_firma");

        // the PEC cases answer the Vigili del Fuoco's request of a pratica that ended (its answer already recorded)
        Path vvfPratica = Path.of("../test-data/scrivania/valid/05-ordinario-deposito-gpl-vvf-negativo");
        String codice = JSON.readTree(vvfPratica.resolve("expected.json").toFile()).path("codicePratica").asText();
        if (byCodice(codice) == null) assertThat(SCRIVANIA.post(vvfPratica).returnValue()).isEqualTo("Ok");
        await().atMost(Duration.ofSeconds(90)).until(() -> byCodice(codice) != null && byCodice(codice).path("final").asBoolean());
        vars.put("codice", codice);
        MimeMessage request = java.util.Arrays.stream(mailServer.getReceivedMessagesForDomain("cert.vigilfuoco.it"))
                .filter(m -> PecChannelIT.body(m).contains("Pratica: " + codice)).reduce((a, b) -> b).orElseThrow();
        vars.put("vvf_message_id", request.getMessageID());
    }

    // ------------------------------------------------------------------ one case

    private void run(String channel, JsonNode m) throws Exception {
        JsonNode req = m.path("request");
        JsonNode expected = m.path("expected");
        Map<String, String> local = new HashMap<>(vars);
        SampleInstances.Sample fresh = null;
        String template = req.path("template").asText("");
        if (template.startsWith("ssu_")) {
            fresh = newSample(AbstractGatewayIT::standardAutorizzazione);
            local.put("fresh_cui", fresh.cuiUuid());
            local.put("fresh_cui_value", fresh.cui().path("value").asText());
        }
        local.put("uuid", UUID.randomUUID().toString());
        local.put("seq", String.valueOf(SEQ.incrementAndGet()));
        local.put("gp_id", String.format("GP-2099-%06d", SEQ.get() % 1_000_000));
        byte[] body = body(req, template, fresh, local);
        Map<String, Long> before = snapshot();

        if (channel.equals("jms")) {
            runJms(req, expected, body, before);
            return;
        }
        if (channel.equals("pec")) {
            runPec(req, expected, body, before);
            return;
        }
        HttpResponse<String> r = switch (channel) {
            case "ssu" -> ssu(req, body, local);
            case "geopost" -> postSigned(subst(req.path("path").asText("/geopost/eventi"), local), "geopost",
                    req.path("contentType").asText("application/json"), body, headers(req, local));
            case "api" -> api(req, body, local);
            case "scrivania" -> postSigned(subst(req.path("path").asText("/services/PddServiceEnte"), local), "scrivania",
                    req.path("contentType").asText("text/xml; charset=utf-8"), body, headers(req, local));
            default -> throw new IllegalArgumentException("unknown channel " + channel);
        };
        String answer = r.body() == null ? "" : r.body();
        assertThat(r.statusCode()).as("status; answer " + abbreviate(answer, 300)).isEqualTo(expected.path("status").asInt());
        if (expected.has("code")) assertThat(answer).as("error code").contains("\"" + expected.path("code").asText() + "\"");
        if (expected.has("contains")) assertThat(answer).contains(expected.path("contains").asText());
        if (expected.has("contentType")) assertThat(r.headers().firstValue("Content-Type").orElse(""))
                .startsWith(expected.path("contentType").asText());
        LEAKS.forEach(l -> assertThat(answer).as("no internal text in the answer").doesNotContain(l));
        if (!expected.path("stores").asBoolean(false)) {
            assertThat(snapshot()).as("nothing stored").isEqualTo(before);
            if (fresh != null) assertThat(pratica(fresh.cuiUuid())).as("no pratica for the CUI").isNull();
            if (channel.equals("geopost")) assertThat(byCodice(local.get("gp_id"))).as("no pratica for the istanza").isNull();
        }
    }

    private HttpResponse<String> ssu(JsonNode req, byte[] body, Map<String, String> local) {
        String as = req.path("as").asText("fo");
        GatewayClient client = switch (as) {
            case "fo" -> FO.client();
            case "et" -> ARPA.client();
            case "ri" -> REGISTRO_IMPRESE.client();
            default -> throw new IllegalArgumentException("unknown SSU caller " + as);
        };
        return client.send(req.path("method").asText("POST"), subst(req.path("path").asText(), local), body, headers(req, local));
    }

    private HttpResponse<String> api(JsonNode req, byte[] body, Map<String, String> local) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(GATEWAY + subst(req.path("path").asText(), local)))
                .timeout(Duration.ofSeconds(30));
        String auth = token(req.path("auth").asText("operatore"));
        if (auth != null) b.header("Authorization", auth);
        String[] h = headers(req, local);
        if (h.length > 0) b.headers(h);
        String method = req.path("method").asText("GET");
        if (body != null && body.length > 0) {
            b.header("Content-Type", req.path("contentType").asText("application/json"));
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A bearer token as the manifest names it: a genuine one with roles, or a forgery. */
    private static String token(String auth) throws Exception {
        String[] parts = auth.split(":", 2);
        String roles = parts.length > 1 ? parts[1] : "";
        String[] r = roles.isEmpty() ? new String[0] : roles.split(",");
        return switch (parts[0]) {
            case "none" -> null;
            case "roles" -> IDP.bearer("hostile", r);
            case "operatore" -> IDP.bearer("hostile", DemoIdp.OPERATORE);
            case "amministratore" -> IDP.bearer("hostile", DemoIdp.AMMINISTRATORE);
            case "funzionario" -> IDP.bearer("hostile", DemoIdp.FUNZIONARIO);
            case "no-roles" -> IDP.bearer("hostile");
            case "expired" -> "Bearer " + IDP.token("hostile", DemoIdp.AUDIENCE, Duration.ofMinutes(-10), DemoIdp.AMMINISTRATORE);
            case "wrong-audience" -> "Bearer " + IDP.token("hostile", "another-service", Duration.ofHours(1), DemoIdp.AMMINISTRATORE);
            case "alg-none" -> {
                String[] t = IDP.token("hostile", DemoIdp.AMMINISTRATORE).split("\\.");
                String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
                yield "Bearer " + header + "." + t[1] + ".";
            }
            case "tampered" -> {
                // the payload of a genuine token with another role, the genuine signature kept
                String[] t = IDP.token("hostile", DemoIdp.OPERATORE).split("\\.");
                String payload = new String(Base64.getUrlDecoder().decode(t[1]), StandardCharsets.UTF_8)
                        .replace("\"operatore\"", "\"amministratore\"");
                yield "Bearer " + t[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + t[2];
            }
            case "hs256-public-key" -> {
                byte[] secret = Files.readAllBytes(Path.of("../config/demo/keys/idp.pub.pem"));
                JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(DemoIdp.ISSUER).subject("hostile").audience(DemoIdp.AUDIENCE)
                        .claim("roles", List.of(DemoIdp.AMMINISTRATORE)).expirationTime(Date.from(Instant.now().plusSeconds(600))).build();
                SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("demo-idp-1").build(), claims);
                jwt.sign(new MACSigner(secret));
                yield "Bearer " + jwt.serialize();
            }
            case "raw" -> roles;
            default -> throw new IllegalArgumentException("unknown auth " + auth);
        };
    }

    private void runJms(JsonNode req, JsonNode expected, byte[] body, Map<String, Long> before) throws Exception {
        String from = req.path("ente").asText("polizia-locale");
        EnteSimulator ente = ENTI.stream().filter(x -> x.enteCode().equals(from)).findFirst().orElseThrow();
        if (expected.path("brokerRefuses").asBoolean()) {
            // refused where it enters: the ente's send fails and the gateway never sees it
            assertThatThrownBy(() -> ente.sendRawReply(ente.replyQueue(), new String(body, StandardCharsets.UTF_8), null))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(snapshot()).as("nothing recorded, nothing set aside").isEqualTo(before);
            return;
        }
        String category = expected.path("deadLetter").asText();
        String key = "dead_letter." + category;
        ente.sendRawReply(ente.replyQueue(), new String(body, StandardCharsets.UTF_8),
                req.hasNonNull("claimedUser") ? req.path("claimedUser").asText() : null);
        await("dead letter " + category).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> snapshot().get(key) > before.get(key));
        Thread.sleep(300); // a redelivery loop would show as more dead letters or a missing one
        Map<String, Long> after = snapshot();
        Map<String, Long> expectedAfter = new LinkedHashMap<>(before);
        expectedAfter.put(key, before.get(key) + 1);
        assertThat(after).as("one dead letter " + category + " and nothing recorded").isEqualTo(expectedAfter);
        if (expected.has("reasonContains")) {
            String list = get("/api/dead-letters?category=" + category).body();
            assertThat(list).contains(expected.path("reasonContains").asText());
        }
    }

    // ------------------------------------------------------------------ PEC

    static final String VVF = "com.milano@cert.vigilfuoco.it";
    static final String GATEWAY_MAILBOX = "suap@pec.comune.milano.it";
    private PecProvider foreignProvider;

    /**
     * A reply sent to the gateway's mailbox over SMTPS, built as the manifest says (see test-data/hostile/README.md):
     * it must end as one quarantine (or receipt) with its reason, nothing recorded; the raw message is kept as the
     * quarantine's evidence unless it was too large to read.
     */
    private void runPec(JsonNode req, JsonNode expected, byte[] body, Map<String, Long> before) throws Exception {
        String from = req.path("from").asText();
        String sender = from.equals("vvf") ? VVF : from;
        String password = from.equals("vvf") ? "vigili-del-fuoco-secret" : "stranger-secret";
        if (!from.equals("vvf")) mailServer.setUser(sender, sender, password);
        jakarta.mail.Session session = jakarta.mail.Session.getInstance(new java.util.Properties());
        MimeMessage inner = new MimeMessage(session);
        inner.setFrom(new InternetAddress(sender));
        inner.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(GATEWAY_MAILBOX));
        inner.setSubject(req.path("subject").asText(), "UTF-8");
        inner.setSentDate(new java.util.Date());
        String requestId = vars.get("vvf_message_id");
        switch (req.path("answers").asText()) {
            case "request" -> inner.setHeader("In-Reply-To", requestId);
            case "other-domain" -> inner.setHeader("In-Reply-To", requestId.replace("@pec.comune.milano.it>", "@pec.altro.it>"));
            case "unknown-request" -> inner.setHeader("In-Reply-To", "<richiesta-parere." + UUID.randomUUID() + ".0@pec.comune.milano.it>");
            default -> { }
        }
        if (req.hasNonNull("receipt")) inner.setHeader("X-Ricevuta", req.path("receipt").asText());
        String text = new String(body, StandardCharsets.UTF_8);
        if (req.path("html").asBoolean()) {
            inner.setContent(text, "text/html; charset=UTF-8");
        } else if (req.path("parts").asInt() > 0 || req.hasNonNull("attachmentBytes")) {
            MimeMultipart mixed = new MimeMultipart("mixed");
            MimeBodyPart t = new MimeBodyPart();
            t.setText(text, "UTF-8");
            mixed.addBodyPart(t);
            for (int i = 0; i < req.path("parts").asInt(); i++) mixed.addBodyPart(attachment("a" + i + ".pdf", new byte[16]));
            if (req.hasNonNull("attachmentBytes")) mixed.addBodyPart(attachment("grande.pdf", new byte[req.path("attachmentBytes").asInt()]));
            inner.setContent(mixed);
        } else if (req.path("nesting").asInt() > 0) {
            MimeBodyPart t = new MimeBodyPart();
            t.setText(text, "UTF-8");
            jakarta.mail.BodyPart current = t;
            MimeMultipart outerMost = null;
            for (int i = 0; i < req.path("nesting").asInt(); i++) {
                outerMost = new MimeMultipart("mixed");
                outerMost.addBodyPart(current);
                MimeBodyPart wrapper = new MimeBodyPart();
                wrapper.setContent(outerMost);
                current = wrapper;
            }
            inner.setContent(outerMost);
        } else {
            inner.setText(text, "UTF-8");
        }
        inner.saveChanges();

        MimeMessage out = switch (req.path("envelope").asText()) {
            case "none" -> inner;
            case "self-declared" -> {
                inner.setHeader("X-Trasporto", "posta-certificata");
                yield inner;
            }
            case "demo", "tampered" -> PecProvider.demo().envelope(session, inner);
            case "foreign" -> foreignProvider().envelope(session, inner);
            case "unsigned" -> unsignedEnvelope(session, inner, sender);
            default -> throw new IllegalArgumentException("envelope " + req.path("envelope").asText());
        };
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        out.writeTo(bytes);
        byte[] raw = bytes.toByteArray();
        if (req.path("envelope").asText().equals("tampered")) {
            String s = new String(raw, StandardCharsets.ISO_8859_1);
            assertThat(s).as("the certified message's esito is there to tamper with").contains("Esito: POSITIVO");
            raw = s.replace("Esito: POSITIVO", "Esito: NEGATIVO").getBytes(StandardCharsets.ISO_8859_1);
        }
        PecEnteSimulator.sendMessage(new MimeMessage(session, new java.io.ByteArrayInputStream(raw)), "127.0.0.1", SMTP_PORT, sender, password);

        String category = expected.has("deadLetter") ? expected.path("deadLetter").asText() : "PEC_QUARANTINE";
        String key = "dead_letter." + category;
        await(category).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> snapshot().get(key) > before.get(key));
        Map<String, Long> expectedAfter = new LinkedHashMap<>(before);
        expectedAfter.put(key, before.get(key) + 1);
        if (!req.hasNonNull("attachmentBytes")) expectedAfter.put("documento", before.get("documento") + 1); // the raw message, kept
        assertThat(snapshot()).as("one " + category + " and nothing recorded").isEqualTo(expectedAfter);
        if (expected.has("quarantine")) {
            String reason = jdbc.queryForObject("select reason from dead_letter where category = 'PEC_QUARANTINE' order by id desc limit 1", String.class);
            assertThat(reason).contains(expected.path("quarantine").asText());
        }
    }

    private static MimeBodyPart attachment(String name, byte[] content) throws Exception {
        MimeBodyPart a = new MimeBodyPart();
        a.setDataHandler(new jakarta.activation.DataHandler(new jakarta.mail.util.ByteArrayDataSource(content, "application/pdf")));
        a.setFileName(name);
        a.setDisposition(jakarta.mail.Part.ATTACHMENT);
        return a;
    }

    /** What a careless or hostile sender could build: the envelope's parts, without the provider's signature. */
    private static MimeMessage unsignedEnvelope(jakarta.mail.Session session, MimeMessage inner, String sender) throws Exception {
        MimeMessage e = new MimeMessage(session);
        e.setFrom(new InternetAddress("posta-certificata@pec.example.it"));
        e.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(GATEWAY_MAILBOX));
        e.setSubject("POSTA CERTIFICATA: " + inner.getSubject());
        e.setHeader("X-Trasporto", "posta-certificata");
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart notice = new MimeBodyPart();
        notice.setText("Messaggio di posta certificata", "UTF-8");
        mixed.addBodyPart(notice);
        MimeBodyPart postacert = new MimeBodyPart();
        postacert.setContent(inner, "message/rfc822");
        postacert.setFileName("postacert.eml");
        mixed.addBodyPart(postacert);
        MimeBodyPart daticert = new MimeBodyPart();
        daticert.setContent("<postacert tipo=\"posta-certificata\" errore=\"nessuno\"><intestazione><mittente>" + sender
                + "</mittente></intestazione><dati><msgid>" + inner.getMessageID().replace("<", "&lt;").replace(">", "&gt;")
                + "</msgid></dati></postacert>", "application/xml");
        daticert.setFileName("daticert.xml");
        mixed.addBodyPart(daticert);
        e.setContent(mixed);
        e.saveChanges();
        return e;
    }

    private PecProvider foreignProvider() throws Exception {
        if (foreignProvider == null) {
            java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            java.security.KeyPair kp = g.generateKeyPair();
            org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=Gestore PEC estraneo, O=Estraneo");
            java.util.Date now = new java.util.Date();
            var holder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.valueOf(now.getTime()),
                    new java.util.Date(now.getTime() - 60_000), new java.util.Date(now.getTime() + 86_400_000L), name, kp.getPublic())
                    .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate()));
            java.security.cert.X509Certificate cert = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(holder);
            foreignProvider = new PecProvider("Gestore PEC estraneo", "estraneo.example.it", kp.getPrivate(), cert);
        }
        return foreignProvider;
    }

    /** What a refused input must not change. */
    private Map<String, Long> snapshot() {
        Map<String, Long> s = new LinkedHashMap<>();
        s.put("pratica", count("select count(*) from pratica"));
        s.put("ssu_submission", count("select count(*) from ssu_submission"));
        s.put("timeline.in", count("select count(*) from timeline where direction = 'IN' and outcome not in ('REJECTED', 'QUARANTINED')"));
        s.put("parere.answered", count("select count(*) from richiesta_parere where answered_at is not null"));
        s.put("geopost_event", count("select count(*) from geopost_event"));
        s.put("documento", count("select count(*) from documento"));
        for (String c : List.of("REPLY_REJECTED", "SECURITY", "GEOPOST_EVENT_REJECTED", "PEC_QUARANTINE", "PEC_RECEIPT")) {
            s.put("dead_letter." + c, count("select count(*) from dead_letter where category = '" + c + "'"));
        }
        return s;
    }

    private long count(String sql) {
        Long n = jdbc.queryForObject(sql, Long.class);
        return n == null ? 0 : n;
    }

    // ------------------------------------------------------------------ bodies

    private byte[] body(JsonNode req, String template, SampleInstances.Sample fresh, Map<String, String> local) throws Exception {
        if (req.has("bodyBase64")) return Base64.getDecoder().decode(req.path("bodyBase64").asText());
        if (req.has("bodyLatin1")) {
            // a template's text (placeholders substituted) sent as ISO-8859-1: not UTF-8 wherever it is not ASCII
            return subst(Files.readString(CORPUS.resolve(req.path("bodyLatin1").asText())), local).replace("Ostile", "Ostilit\u00e0")
                    .getBytes(StandardCharsets.ISO_8859_1);
        }
        if (req.has("generate")) return generate(req.path("generate"), local).getBytes(StandardCharsets.UTF_8);
        if (req.has("body")) {
            JsonNode b = req.path("body");
            return subst(b.isTextual() ? b.asText() : b.toString(), local).getBytes(StandardCharsets.UTF_8);
        }
        if (template.isEmpty()) return null;
        ObjectNode base = switch (template) {
            case "ssu_send_instance" -> fresh.sendInstanceBody().deepCopy();
            case "ssu_cancel_instance" -> (ObjectNode) fresh.cui().deepCopy();
            case "ssu_notify_receipt", "ssu_retry" -> {
                ObjectNode n = JSON.createObjectNode();
                n.set("cui", fresh.cui().deepCopy());
                if (template.equals("ssu_notify_receipt")) n.put("date", java.time.LocalDate.now().toString());
                else n.put("operation", "notify");
                yield n;
            }
            default -> (ObjectNode) JSON.readTree(subst(Files.readString(CORPUS.resolve(template)), local));
        };
        // mutations: values set as placeholders, then replaced by their raw JSON text (which may be anything)
        Map<String, String> raw = new LinkedHashMap<>();
        int i = 0;
        for (JsonNode mu : req.path("mutations")) {
            String at = mu.path("at").asText();
            if (mu.path("remove").asBoolean(false)) {
                remove(base, at);
                continue;
            }
            String text;
            if (mu.has("raw")) text = subst(mu.path("raw").asText(), local);
            else if (mu.has("generate")) text = generate(mu.path("generate"), local);
            else text = subst(mu.path("json").toString(), local);
            String marker = "@@HOSTILE_" + (i++) + "@@";
            set(base, at, marker);
            raw.put("\"" + marker + "\"", text);
        }
        String out = base.toString();
        for (Map.Entry<String, String> r : raw.entrySet()) out = out.replace(r.getKey(), r.getValue());
        return out.getBytes(StandardCharsets.UTF_8);
    }

    /** {"prefix": ..., "repeat": ..., "times": n, "suffix": ...}: a huge input that is not committed as a file. */
    private static String generate(JsonNode g, Map<String, String> local) {
        StringBuilder b = new StringBuilder(subst(g.path("prefix").asText(""), local));
        String unit = g.path("repeat").asText();
        int times = g.path("times").asInt();
        b.append(unit.repeat(times));
        b.append(subst(g.path("suffix").asText(""), local));
        return b.toString();
    }

    private static void set(ObjectNode root, String pointer, String value) {
        String[] steps = pointer.substring(1).split("/");
        JsonNode node = root;
        for (int k = 0; k < steps.length - 1; k++) {
            JsonNode next = node.isArray() ? node.path(Integer.parseInt(steps[k])) : node.path(steps[k]);
            if (next.isMissingNode()) next = ((ObjectNode) node).putObject(steps[k]);
            node = next;
        }
        String last = steps[steps.length - 1];
        if (node.isArray()) {
            if (last.equals("-")) ((ArrayNode) node).add(value);
            else ((ArrayNode) node).set(Integer.parseInt(last), JSON.getNodeFactory().textNode(value));
        } else {
            ((ObjectNode) node).put(last, value);
        }
    }

    private static void remove(ObjectNode root, String pointer) {
        int cut = pointer.lastIndexOf('/');
        JsonNode parent = cut == 0 ? root : root.at(pointer.substring(0, cut));
        String last = pointer.substring(cut + 1);
        if (parent.isArray()) ((ArrayNode) parent).remove(Integer.parseInt(last));
        else ((ObjectNode) parent).remove(last);
    }

    private static String[] headers(JsonNode req, Map<String, String> local) {
        List<String> h = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = req.path("headers").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            h.add(e.getKey());
            h.add(v.isObject() ? generate(v, local) : subst(v.asText(), local));
        }
        return h.toArray(String[]::new);
    }

    private static String subst(String s, Map<String, String> local) {
        if (s == null || !s.contains("${")) return s;
        for (Map.Entry<String, String> v : local.entrySet()) s = s.replace("${" + v.getKey() + "}", v.getValue());
        return s;
    }

    private static String abbreviate(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }
}
