package it.comune.milano.suapgw.simulators.ssu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import it.comune.milano.suapgw.simulators.support.IdempotencyLedger;
import it.comune.milano.suapgw.simulators.support.Json;
import it.comune.milano.suapgw.simulators.support.TestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static it.comune.milano.suapgw.simulators.support.TestSupport.get;
import static it.comune.milano.suapgw.simulators.support.TestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class FrontOfficeSimulatorTest {

    private final SampleInstances samples = TestSupport.samples();
    private final SampleInstances.Sample sample = samples.get(0);
    private HttpServer fakeGateway;
    private final List<String> gatewayCalls = new CopyOnWriteArrayList<>();
    private final Map<String, JsonNode> gatewayBodies = new ConcurrentHashMap<>();
    private final List<JsonNode> sendInstances = new CopyOnWriteArrayList<>();
    /** What the fake gateway serves on GET /ssu/fo/instance/{cui}/document/{id}: path → bytes. */
    private final Map<String, byte[]> gatewayDocuments = new ConcurrentHashMap<>();
    private final Map<String, String> ifMatches = new ConcurrentHashMap<>();
    private volatile int sendInstanceStatus = 200;
    /** The next send_instance calls answered 503, then {@link #sendInstanceStatus}. */
    private final java.util.concurrent.atomic.AtomicInteger unavailableSendInstances = new java.util.concurrent.atomic.AtomicInteger();
    private FrontOfficeSimulator fo;

    @BeforeEach
    void start() throws Exception {
        fakeGateway = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeGateway.createContext("/", this::gateway);
        fakeGateway.start();
        fo = new FrontOfficeSimulator(0, "http://127.0.0.1:" + fakeGateway.getAddress().getPort() + "/");
        fo.setResendDelay(Duration.ofMillis(50));
        fo.setFetchDelay(Duration.ofMillis(20));
        fo.start();
        fo.register(sample);
    }

    @AfterEach
    void stop() {
        fo.stop();
        fakeGateway.stop(0);
    }

    private void gateway(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        byte[] body = ex.getRequestBody().readAllBytes();
        gatewayCalls.add(ex.getRequestMethod() + " " + path + " " + ex.getRequestHeaders().getFirst("Content-Type"));
        if ("GET".equals(ex.getRequestMethod())) {
            ifMatches.put(path, String.valueOf(ex.getRequestHeaders().getFirst("If-Match")));
            byte[] doc = gatewayDocuments.get(path);
            if (doc == null) {
                ex.sendResponseHeaders(404, -1);
            } else {
                byte[] b64 = Base64.getEncoder().encode(doc);
                ex.getResponseHeaders().set("Content-Type", "text/plain");
                ex.sendResponseHeaders(200, b64.length);
                ex.getResponseBody().write(b64);
            }
            ex.close();
            return;
        }
        JsonNode json = Json.parse(body);
        gatewayBodies.put(path, json);
        int status = 200;
        if ("/ssu/fo/send_instance".equals(path)) {
            if (unavailableSendInstances.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 503;
            } else {
                sendInstances.add(json);
                status = sendInstanceStatus;
            }
        }
        ex.sendResponseHeaders(status, -1);
        ex.close();
    }

    private String docUrl(String resourceId) {
        return fo.baseUrl() + "/instance/" + sample.cuiUuid() + "/document/" + resourceId;
    }

    @Test
    void documentDownloadHonoursIfMatch() throws Exception {
        String id = sample.instanceIndex().get(0).get("resource_id").asText();
        String hash = sample.hash(id);

        HttpResponse<String> noPrecondition = get(docUrl(id));
        assertThat(noPrecondition.statusCode()).isEqualTo(428);
        assertThat(Json.parse(noPrecondition.body()).get("code").asText()).isEqualTo("ERROR_428_001");

        HttpResponse<String> wrong = get(docUrl(id), "If-Match", "0".repeat(64));
        assertThat(wrong.statusCode()).isEqualTo(412);
        assertThat(Json.parse(wrong.body()).get("code").asText()).isEqualTo("ERROR_412_001");

        HttpResponse<String> unknown = get(fo.baseUrl() + "/instance/" + sample.cuiUuid() + "/document/nope", "If-Match", hash);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Json.parse(unknown.body()).get("code").asText()).isEqualTo("ERROR_404_001");

        HttpResponse<String> ok = get(docUrl(id), "If-Match", hash);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("Content-Type")).hasValue("text/plain");
        byte[] bytes = Base64.getDecoder().decode(ok.body());
        assertThat(bytes).isEqualTo(sample.documents().get(id));
        assertThat(Json.sha256(bytes)).isEqualTo(hash);

        assertThat(get(docUrl(id), "If-Match", "\"" + hash + "\"").statusCode()).isEqualTo(200);
        assertThat(fo.documentRequests(sample.cuiUuid(), id)).isEqualTo(4);
    }

    @Test
    void singlePartRangesAreServed() throws Exception {
        String id = sample.instanceIndex().get(0).get("resource_id").asText();
        String hash = sample.hash(id);
        byte[] all = sample.documents().get(id);
        int n = all.length;

        HttpResponse<String> part = get(docUrl(id), "If-Match", hash, "Range", "bytes=10-19");
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).hasValue("bytes 10-19/" + n);
        assertThat(Base64.getDecoder().decode(part.body())).isEqualTo(Arrays.copyOfRange(all, 10, 20));

        HttpResponse<String> open = get(docUrl(id), "If-Match", hash, "Range", "bytes=100-");
        assertThat(open.statusCode()).isEqualTo(206);
        assertThat(open.headers().firstValue("Content-Range")).hasValue("bytes 100-" + (n - 1) + "/" + n);
        assertThat(Base64.getDecoder().decode(open.body())).isEqualTo(Arrays.copyOfRange(all, 100, n));

        HttpResponse<String> suffix = get(docUrl(id), "If-Match", hash, "Range", "bytes=-16");
        assertThat(suffix.headers().firstValue("Content-Range")).hasValue("bytes " + (n - 16) + "-" + (n - 1) + "/" + n);
        assertThat(Base64.getDecoder().decode(suffix.body())).isEqualTo(Arrays.copyOfRange(all, n - 16, n));

        HttpResponse<String> beyondEnd = get(docUrl(id), "If-Match", hash, "Range", "bytes=0-" + (n + 1000));
        assertThat(beyondEnd.statusCode()).isEqualTo(206);
        assertThat(Base64.getDecoder().decode(beyondEnd.body())).isEqualTo(all);

        // a file in pieces, as a downloader would fetch it
        byte[] joined = new byte[n];
        for (int from = 0; from < n; from += 64) {
            int to = Math.min(n, from + 64) - 1;
            byte[] chunk = Base64.getDecoder().decode(get(docUrl(id), "If-Match", hash, "Range", "bytes=" + from + "-" + to).body());
            System.arraycopy(chunk, 0, joined, from, chunk.length);
        }
        assertThat(Json.sha256(joined)).isEqualTo(hash);

        HttpResponse<String> unsatisfiable = get(docUrl(id), "If-Match", hash, "Range", "bytes=" + n + "-");
        assertThat(unsatisfiable.statusCode()).isEqualTo(416);
        assertThat(unsatisfiable.headers().firstValue("Content-Range")).hasValue("bytes */" + n);
        assertThat(get(docUrl(id), "If-Match", hash, "Range", "bytes=0-1,5-6").statusCode()).as("multi-part").isEqualTo(416);
        // not a bytes range, or an invalid one: ignored (RFC 9110), the whole resource
        HttpResponse<String> ignored = get(docUrl(id), "If-Match", hash, "Range", "items=1-2");
        assertThat(ignored.statusCode()).isEqualTo(200);
        assertThat(ignored.headers().firstValue("Accept-Ranges")).hasValue("bytes");
        assertThat(get(docUrl(id), "If-Match", hash, "Range", "bytes=9-3").statusCode()).isEqualTo(200);
        // the precondition comes first
        assertThat(get(docUrl(id), "If-Match", "0".repeat(64), "Range", "bytes=0-9").statusCode()).isEqualTo(412);
        assertThatThrownBy(() -> FrontOfficeSimulator.range("bytes=-0", n)).isInstanceOf(IllegalStateException.class);
        assertThat(FrontOfficeSimulator.range("bytes=-", n)).isNull();
        assertThat(FrontOfficeSimulator.range("bytes=5-5", n)).containsExactly(5L, 5L);
    }

    @Test
    void tamperServesDifferentBytesUnderTheDeclaredHash() throws Exception {
        String id = sample.generalIndex().get(1).get("resource_id").asText();
        String hash = sample.hash(id);
        fo.tamper(sample.cuiUuid(), id);
        HttpResponse<String> tampered = get(docUrl(id), "If-Match", hash);
        assertThat(tampered.statusCode()).isEqualTo(200);
        assertThat(Json.sha256(Base64.getDecoder().decode(tampered.body()))).isNotEqualTo(hash);
        fo.untamper(sample.cuiUuid(), id);
        HttpResponse<String> clean = get(docUrl(id), "If-Match", hash);
        assertThat(Json.sha256(Base64.getDecoder().decode(clean.body()))).isEqualTo(hash);
        assertThat(fo.documentRequests(sample.cuiUuid(), id)).isEqualTo(2);
    }

    private ObjectNode notify(SampleInstances.Sample s, String event) {
        ObjectNode n = Json.object();
        n.set("cui", s.cui().deepCopy());
        n.put("instance_descriptor_version", s.instanceDescriptorVersion()).put("event", event);
        return n;
    }

    private ObjectNode correction(SampleInstances.Sample s, String ref, String textField) {
        ObjectNode c = Json.object();
        c.set("cui", s.cui().deepCopy());
        c.put("instance_descriptor_version", "1");
        c.putArray("correction_list").addObject().put("code", s.procedureCode()).put("ref", ref)
                .put(textField, "La planimetria non è firmata digitalmente");
        return c;
    }

    private ObjectNode integration(SampleInstances.Sample s) {
        ObjectNode r = Json.object();
        r.set("cui", s.cui().deepCopy());
        r.put("instance_descriptor_version", "1");
        ObjectNode item = r.putArray("integration_list").addObject().put("code", s.proceedingCodes().get(1))
                .put("ref", "#/usecase_proceedings/1/instance");
        item.putArray("integration_request").addObject().put("request", "Trasmettere la relazione igienico-sanitaria aggiornata")
                .putObject("requester_administration").put("ipacode", "atsmcm").put("officecode", "DIPS").put("version", "01.00.00")
                .put("description", "ATS Città Metropolitana di Milano");
        return r;
    }

    private static ObjectNode retry(SampleInstances.Sample s, String operation) {
        ObjectNode r = Json.object();
        r.set("cui", s.cui().deepCopy());
        r.put("operation", operation);
        r.putObject("error").put("code", "ERROR_500_003").put("message", "Incoerenza dati");
        return r;
    }

    @Test
    void everyOperationIsValidatedAndRecordedInOrder() throws Exception {
        ObjectNode correction = correction(sample, "#/usecase_proceedings/0/attachments/0", "correction_request");
        assertThat(post(fo.baseUrl() + "/request_correction", Json.write(correction)).statusCode()).isEqualTo(200);
        // the spelling the published schema requires is accepted too
        ObjectNode required = correction(sample, "#/usecase_proceedings/0/attachments/0", "correction_requested");
        assertThat(post(fo.baseUrl() + "/request_correction", Json.write(required)).statusCode()).isEqualTo(200);
        ObjectNode noList = correction.deepCopy();
        noList.remove("correction_list");
        assertThat(post(fo.baseUrl() + "/request_correction", Json.write(noList)).statusCode()).isEqualTo(400);
        ObjectNode noText = correction(sample, "#/usecase_proceedings/0/attachments/0", "note");
        assertThat(post(fo.baseUrl() + "/request_correction", Json.write(noText)).statusCode()).isEqualTo(400);

        assertThat(post(fo.baseUrl() + "/request_integration", Json.write(integration(sample))).statusCode()).isEqualTo(200);
        ObjectNode badIntegration = integration(sample);
        ((ObjectNode) badIntegration.at("/integration_list/0")).remove("ref");
        HttpResponse<String> refused = post(fo.baseUrl() + "/request_integration", Json.write(badIntegration));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(Json.parse(refused.body()).get("code").asText()).isEqualTo("ERROR_400_001");
        assertThat(Json.parse(refused.body()).get("message").asText()).contains("ref");

        assertThat(post(fo.baseUrl() + "/retry", Json.write(retry(sample, "send_instance"))).statusCode()).isEqualTo(200);
        assertThat(post(fo.baseUrl() + "/retry", Json.write(retry(sample, "notify"))).statusCode()).as("not an FO operation").isEqualTo(400);
        ObjectNode noOperation = retry(sample, "send_instance");
        noOperation.remove("operation");
        assertThat(post(fo.baseUrl() + "/retry", Json.write(noOperation)).statusCode()).isEqualTo(400);

        ObjectNode notify = notify(sample, "end_by_proceeding_time_expired");
        assertThat(post(fo.baseUrl() + "/notify", Json.write(notify)).statusCode()).isEqualTo(200);
        ObjectNode badEvent = notify(sample, "end_by_whatever");
        assertThat(post(fo.baseUrl() + "/notify", Json.write(badEvent)).statusCode()).isEqualTo(400);
        ObjectNode noProgressive = notify(sample, "end_by_positive_outcome");
        ((ObjectNode) noProgressive.get("cui")).remove(List.of("progressive", "progressivo"));
        assertThat(post(fo.baseUrl() + "/notify", Json.write(noProgressive)).statusCode()).isEqualTo(400);
        assertThat(post(fo.baseUrl() + "/nope", "{}").statusCode()).isEqualTo(404);

        assertThat(fo.messages(sample.cuiUuid())).containsExactly("request_correction", "request_correction", "request_integration",
                "retry:send_instance", "notify:end_by_proceeding_time_expired");
        assertThat(fo.corrections(sample.cuiUuid())).containsExactly(correction, required);
        assertThat(fo.integrations(sample.cuiUuid())).hasSize(1);
        assertThat(fo.retries(sample.cuiUuid())).hasSize(1);
        assertThat(fo.notifications(sample.cuiUuid())).containsExactly(notify);
        assertThat(fo.invalidCalls()).isEqualTo(7);
        // scenario standard: the applicant does not answer, and retry only records (setResendOnRetry is off)
        Thread.sleep(300);
        assertThat(sendInstances).isEmpty();
        assertThat(fo.sample(sample.cuiUuid()).version()).isEqualTo(1);
    }

    @Test
    void aNotifyRepeatedWithItsIdempotencyKeyIsAnsweredButNotAppliedAgain() throws Exception {
        ObjectNode notify = notify(sample, "end_by_positive_outcome");
        String key = "\"suapgw-outbox-41\"";
        assertThat(post(fo.baseUrl() + "/notify", Json.write(notify), "Idempotency-Key", key).statusCode()).isEqualTo(200);
        HttpResponse<String> repeat = post(fo.baseUrl() + "/notify", Json.write(notify), "Idempotency-Key", key);
        assertThat(repeat.statusCode()).isEqualTo(200);
        assertThat(repeat.body()).isEmpty();
        assertThat(fo.messages(sample.cuiUuid())).containsExactly("notify:end_by_positive_outcome");

        // another key is another event; no key is applied every time
        assertThat(post(fo.baseUrl() + "/notify", Json.write(notify), "Idempotency-Key", "\"suapgw-outbox-42\"").statusCode())
                .isEqualTo(200);
        assertThat(post(fo.baseUrl() + "/notify", Json.write(notify)).statusCode()).isEqualTo(200);
        assertThat(post(fo.baseUrl() + "/notify", Json.write(notify)).statusCode()).isEqualTo(200);
        assertThat(fo.notifications(sample.cuiUuid())).hasSize(4);
        assertThat(fo.effects(FrontOfficeSimulator.NOTIFY).counts(sample.cuiUuid()))
                .isEqualTo(new IdempotencyLedger.Counts(5, 4, 1, 2, 2));
    }

    @Test
    void aKeyWhoseFirstCallFailedIsAppliedByTheNextOne() throws Exception {
        ObjectNode notify = notify(sample, "end_by_positive_outcome");
        fo.setAvailable(false);
        assertThat(post(fo.baseUrl() + "/notify", Json.write(notify), "Idempotency-Key", "\"k-1\"").statusCode()).isEqualTo(503);
        fo.setAvailable(true);
        ObjectNode invalid = notify.deepCopy();
        invalid.remove("event");
        assertThat(post(fo.baseUrl() + "/notify", Json.write(invalid), "Idempotency-Key", "\"k-1\"").statusCode()).isEqualTo(400);
        assertThat(post(fo.baseUrl() + "/notify", Json.write(notify), "Idempotency-Key", "\"k-1\"").statusCode()).isEqualTo(200);
        assertThat(fo.messages(sample.cuiUuid())).containsExactly("notify:end_by_positive_outcome");
        assertThat(fo.effects(FrontOfficeSimulator.NOTIFY).counts(sample.cuiUuid()).applied()).isEqualTo(1);
    }

    @Test
    void notificationsAreValidatedAndRecorded() throws Exception {
        ObjectNode notify = notify(sample, "end_by_positive_outcome");
        HttpResponse<String> ok = post(fo.baseUrl() + "/notify", Json.write(notify));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEmpty();
        assertThat(fo.notifications(sample.cuiUuid())).containsExactly(notify);

        ObjectNode bad = notify.deepCopy();
        bad.remove("event");
        HttpResponse<String> rejected = post(fo.baseUrl() + "/notify", Json.write(bad));
        assertThat(rejected.statusCode()).isEqualTo(400);
        assertThat(Json.parse(rejected.body()).get("code").asText()).isEqualTo("ERROR_400_001");
        assertThat(fo.notifications(sample.cuiUuid())).hasSize(1);
        assertThat(fo.notificationsReceived()).isEqualTo(1);

        fo.setAvailable(false);
        assertThat(post(fo.baseUrl() + "/notify", Json.write(notify)).statusCode()).isEqualTo(503);
        fo.setAvailable(true);
        assertThat(fo.messages(sample.cuiUuid())).containsExactly("notify:end_by_positive_outcome");
    }

    @Test
    void correctionScenarioSendsTheCorrectedInstance() throws Exception {
        SampleInstances.Sample v1 = samples.get(4);
        assertThat(v1.scenario()).isEqualTo("correction");
        List<SampleInstances.Sample> newVersions = new CopyOnWriteArrayList<>();
        fo.onNewVersion(newVersions::add);
        assertThat(fo.sendInstance(v1).statusCode()).isEqualTo(200);

        String filename = v1.descriptor().at("/usecase_proceedings/1/attachments/0/filename").asText();
        assertThat(post(fo.baseUrl() + "/request_correction", Json.write(correction(v1, filename, "correction_request"))).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> fo.submissions(v1.cuiUuid()).size() == 2);
        JsonNode body = sendInstances.get(1);
        assertThat(SsuContracts.sendInstanceErrors(body)).isEmpty();
        assertThat(body.get("instance_descriptor_version").asText()).isEqualTo("2");
        assertThat(body.get("cui")).isEqualTo(v1.cui());
        assertThat(body.at("/cui/progressive").asText()).isEqualTo(body.at("/cui/progressivo").asText());

        // the listener (the Catalogo) heard of it before it was sent, with a valid descriptor
        assertThat(newVersions).hasSize(1);
        SampleInstances.Sample v2 = newVersions.get(0);
        assertThat(v2.sendInstanceBody()).isEqualTo(body);
        assertThat(SsuContracts.instanceDescriptorErrors(v2.descriptor())).isEmpty();
        assertThat(v2.descriptor().get("version").asInt()).isEqualTo(2);
        assertThat(fo.sample(v1.cuiUuid())).isEqualTo(v2);
        assertThat(fo.submissions(v1.cuiUuid())).extracting(FrontOfficeSimulator.Call::version).containsExactly("1", "2");

        // the corrected document (named by its filename) is served, and so is the version it replaces
        JsonNode changed = null;
        for (JsonNode e : body.get("instance_index")) {
            if (e.get("ref").asText().equals("#/usecase_proceedings/1/attachments/0")) {
                changed = e;
            }
        }
        assertThat(changed).isNotNull();
        assertThat(v1.hashes()).doesNotContainValue(changed.get("hash").asText());
        String base = fo.baseUrl() + "/instance/" + v1.cuiUuid() + "/document/";
        HttpResponse<String> newDoc = get(base + changed.get("resource_id").asText(), "If-Match", changed.get("hash").asText());
        assertThat(newDoc.statusCode()).isEqualTo(200);
        assertThat(Json.sha256(Base64.getDecoder().decode(newDoc.body()))).isEqualTo(changed.get("hash").asText());
        String oldId = v1.instanceIndex().get(v1.instanceIndex().size() - 2).get("resource_id").asText();
        assertThat(get(base + oldId, "If-Match", v1.hash(oldId)).statusCode()).isEqualTo(200);
        assertThat(fo.messages(v1.cuiUuid())).containsExactly("request_correction");

        // the same request again (a retried delivery): recorded, not answered twice; a request about version 2 is answered
        assertThat(post(fo.baseUrl() + "/request_correction", Json.write(correction(v1, filename, "correction_request"))).statusCode())
                .isEqualTo(200);
        Thread.sleep(300);
        assertThat(fo.submissions(v1.cuiUuid())).hasSize(2);
        ObjectNode second = correction(v1, filename, "correction_request");
        second.put("instance_descriptor_version", "2");
        assertThat(post(fo.baseUrl() + "/request_correction", Json.write(second)).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> fo.submissions(v1.cuiUuid()).size() == 3);
        assertThat(fo.sample(v1.cuiUuid()).version()).isEqualTo(3);
        assertThat(fo.messages(v1.cuiUuid())).containsExactly("request_correction", "request_correction", "request_correction");
    }

    @Test
    void integrationScenarioSendsTheIntegratedInstanceAndFetchesTheRequestDocuments() throws Exception {
        SampleInstances.Sample v1 = samples.get(6);
        fo.register(v1);
        byte[] requestDoc = "%PDF-1.4 richiesta integrazioni ATS".getBytes(StandardCharsets.US_ASCII);
        gatewayDocuments.put("/ssu/fo/instance/" + v1.cuiUuid() + "/document/int-1", requestDoc);
        ObjectNode request = integration(v1);
        request.putArray("integration_document_list").addObject().put("resource_id", "int-1").put("hash", Json.sha256(requestDoc))
                .put("alg_hash", "S256").putObject("requester_administration").put("ipacode", "atsmcm").put("officecode", "DIPS")
                .put("version", "01.00.00").put("description", "ATS");
        assertThat(post(fo.baseUrl() + "/request_integration", Json.write(request)).statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> sendInstances.size() == 1);
        JsonNode body = sendInstances.get(0);
        assertThat(SsuContracts.sendInstanceErrors(body)).isEmpty();
        assertThat(body.get("instance_descriptor_version").asText()).isEqualTo("2");
        assertThat(body.get("instance_index")).hasSize(v1.instanceIndex().size() + 1);
        assertThat(fo.sample(v1.cuiUuid()).version()).isEqualTo(2);
        // the request named the ATS proceeding's instance: that changed, and the new document is in that proceeding
        assertThat(fo.sample(v1.cuiUuid()).descriptor().at("/usecase_proceedings/1/attachments").size())
                .isEqualTo(v1.descriptor().at("/usecase_proceedings/1/attachments").size() + 1);

        await().atMost(Duration.ofSeconds(10)).until(() -> !fo.documentFetches(v1.cuiUuid()).isEmpty());
        FrontOfficeSimulator.DocumentFetch f = fo.documentFetches(v1.cuiUuid()).get(0);
        assertThat(f.kind()).isEqualTo(FrontOfficeSimulator.INTEGRATION_DOCUMENT);
        assertThat(f.verified()).as(f.detail()).isTrue();
        assertThat(ifMatches.get("/ssu/fo/instance/" + v1.cuiUuid() + "/document/int-1")).isEqualTo(Json.sha256(requestDoc));
        assertThat(fo.actFetch(v1.cuiUuid())).isNull();
    }

    @Test
    void integrationExpiredAndStandardScenariosNeverAnswer() throws Exception {
        SampleInstances.Sample expired = samples.get(7);
        fo.register(expired);
        assertThat(post(fo.baseUrl() + "/request_integration", Json.write(integration(expired))).statusCode()).isEqualTo(200);
        assertThat(post(fo.baseUrl() + "/request_correction", Json.write(correction(sample, "x", "correction_request"))).statusCode())
                .isEqualTo(200);
        Thread.sleep(500);
        assertThat(sendInstances).isEmpty();
        assertThat(fo.messages(expired.cuiUuid())).containsExactly("request_integration");

        // a scenario can be imposed on a CUI
        fo.setScenario(sample.cuiUuid(), SampleInstances.CORRECTION);
        assertThat(post(fo.baseUrl() + "/request_correction", Json.write(correction(sample, "x", "correction_request"))).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> sendInstances.size() == 1);
        assertThatThrownBy(() -> fo.setScenario(sample.cuiUuid(), "boh")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void newVersionsAreRetriedWhileTheGatewayIsAway() throws Exception {
        SampleInstances.Sample v1 = samples.get(4);
        fo.register(v1);
        unavailableSendInstances.set(2);
        assertThat(post(fo.baseUrl() + "/request_correction", Json.write(correction(v1, "x", "correction_request"))).statusCode())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> fo.submissions(v1.cuiUuid()).size() == 3);
        assertThat(sendInstances).hasSize(1);
        assertThat(fo.submissions(v1.cuiUuid())).extracting(FrontOfficeSimulator.Call::httpStatus).containsExactly(503, 503, 200);
        assertThat(fo.submissions(v1.cuiUuid())).extracting(FrontOfficeSimulator.Call::version).containsOnly("2");
    }

    @Test
    void cancelScenarioCancelsOnceAfterTheAcknowledgedSubmission() {
        SampleInstances.Sample s = samples.get(8);
        assertThat(s.scenario()).isEqualTo("cancel");
        fo.setCancelDelay(Duration.ofMillis(200));
        assertThat(fo.sendInstance(s).statusCode()).isEqualTo(200);
        assertThat(fo.sendInstance(s).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !fo.cancellations(s.cuiUuid()).isEmpty());
        JsonNode cancel = gatewayBodies.get("/ssu/fo/cancel_instance");
        assertThat(cancel).isEqualTo(s.cui());
        assertThat(SsuContracts.cuiErrors(cancel)).isEmpty();
        assertThat(cancel.has("progressive") && cancel.has("progressivo")).isTrue();
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> gatewayCalls.stream().filter(c -> c.contains("cancel_instance")).count() == 1);
        assertThat(fo.cancellations(s.cuiUuid())).hasSize(1).allSatisfy(c -> assertThat(c.httpStatus()).isEqualTo(200));

        // a refused submission does not cancel anything
        SampleInstances.Sample other = samples.get(8 + samples.templates()); // another cancel pratica
        sendInstanceStatus = 400;
        assertThat(fo.sendInstance(other).statusCode()).isEqualTo(400);
        assertThat(fo.cancellations(other.cuiUuid())).isEmpty();
    }

    private ObjectNode actNotify(SampleInstances.Sample s, String resourceId, String hash, String alg) {
        ObjectNode n = notify(s, "end_by_positive_outcome");
        n.put("resource_id", resourceId).put("hash", hash).put("alg_hash", alg);
        return n;
    }

    @Test
    void theActIsFetchedAndItsHashVerified() throws Exception {
        byte[] act = "%PDF-1.4 provvedimento conclusivo favorevole".getBytes(StandardCharsets.US_ASCII);
        String path = "/ssu/fo/instance/" + sample.cuiUuid() + "/document/atto-1";
        gatewayDocuments.put(path, act);
        assertThat(post(fo.baseUrl() + "/notify", Json.write(actNotify(sample, "atto-1", Json.sha256(act), "S256"))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> fo.actFetch(sample.cuiUuid()) != null);
        FrontOfficeSimulator.DocumentFetch f = fo.actFetch(sample.cuiUuid());
        assertThat(f.verified()).as(f.detail()).isTrue();
        assertThat(f.httpStatus()).isEqualTo(200);
        assertThat(f.size()).isEqualTo(act.length);
        assertThat(f.event()).isEqualTo("end_by_positive_outcome");
        assertThat(f.resourceId()).isEqualTo("atto-1");
        assertThat(fo.actVerified(sample.cuiUuid())).isTrue();
        assertThat(ifMatches.get(path)).isEqualTo(Json.sha256(act));

        // a hash in base64 and another algorithm are understood too
        SampleInstances.Sample s2 = samples.get(1);
        gatewayDocuments.put("/ssu/fo/instance/" + s2.cuiUuid() + "/document/atto-2", act);
        String sha512 = Base64.getEncoder().encodeToString(FrontOfficeSimulator.digest("S512", act));
        post(fo.baseUrl() + "/notify", Json.write(actNotify(s2, "atto-2", sha512, "S512")));
        await().atMost(Duration.ofSeconds(10)).until(() -> fo.actFetch(s2.cuiUuid()) != null);
        assertThat(fo.actVerified(s2.cuiUuid())).as(fo.actFetch(s2.cuiUuid()).detail()).isTrue();
    }

    @Test
    void aWrongActIsDetected() throws Exception {
        byte[] served = "%PDF-1.4 un altro documento".getBytes(StandardCharsets.US_ASCII);
        byte[] declared = "%PDF-1.4 provvedimento".getBytes(StandardCharsets.US_ASCII);
        gatewayDocuments.put("/ssu/fo/instance/" + sample.cuiUuid() + "/document/atto-1", served);
        post(fo.baseUrl() + "/notify", Json.write(actNotify(sample, "atto-1", Json.sha256(declared), "S256")));
        await().atMost(Duration.ofSeconds(10)).until(() -> fo.actFetch(sample.cuiUuid()) != null);
        FrontOfficeSimulator.DocumentFetch f = fo.actFetch(sample.cuiUuid());
        assertThat(f.verified()).isFalse();
        assertThat(f.httpStatus()).isEqualTo(200);
        assertThat(f.detail()).contains("hash mismatch", Json.sha256(declared), Json.sha256(served));
        assertThat(fo.actVerified(sample.cuiUuid())).isFalse();
    }

    @Test
    void anActThatIsNotServedYetIsRetriedThenReported() throws Exception {
        byte[] act = "%PDF-1.4 diniego".getBytes(StandardCharsets.US_ASCII);
        String path = "/ssu/fo/instance/" + sample.cuiUuid() + "/document/atto-late";
        post(fo.baseUrl() + "/notify", Json.write(actNotify(sample, "atto-late", Json.sha256(act), "S256")));
        await().atMost(Duration.ofSeconds(5)).until(() -> gatewayCalls.stream().filter(c -> c.contains("atto-late")).count() >= 2);
        assertThat(fo.actFetch(sample.cuiUuid())).as("still retrying").isNull();
        gatewayDocuments.put(path, act);
        await().atMost(Duration.ofSeconds(15)).until(() -> fo.actFetch(sample.cuiUuid()) != null);
        assertThat(fo.actVerified(sample.cuiUuid())).isTrue();
        assertThat(fo.actFetch(sample.cuiUuid()).attempts()).isGreaterThan(1);
    }

    @Test
    void hashEncodings() {
        byte[] content = "atto".getBytes(StandardCharsets.US_ASCII);
        byte[] digest = FrontOfficeSimulator.digest("S256", content);
        assertThat(FrontOfficeSimulator.hashMatches(digest, HexFormat.of().formatHex(digest))).isTrue();
        assertThat(FrontOfficeSimulator.hashMatches(digest, HexFormat.of().withUpperCase().formatHex(digest))).isTrue();
        assertThat(FrontOfficeSimulator.hashMatches(digest, Base64.getEncoder().encodeToString(digest))).isTrue();
        assertThat(FrontOfficeSimulator.hashMatches(digest, Base64.getUrlEncoder().withoutPadding().encodeToString(digest))).isTrue();
        assertThat(FrontOfficeSimulator.hashMatches(digest, "\"" + HexFormat.of().formatHex(digest) + "\"")).isTrue();
        assertThat(FrontOfficeSimulator.hashMatches(digest, Json.sha256("altro".getBytes(StandardCharsets.US_ASCII)))).isFalse();
        assertThat(FrontOfficeSimulator.hashMatches(digest, "%%%")).isFalse();
    }

    @Test
    void resendOnRetryWhenAsked() throws Exception {
        fo.setResendOnRetry(true);
        assertThat(post(fo.baseUrl() + "/retry", Json.write(retry(sample, "send_instance"))).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> sendInstances.size() == 1);
        assertThat(sendInstances.get(0)).isEqualTo(sample.sendInstanceBody());
        assertThat(fo.messages(sample.cuiUuid())).containsExactly("retry:send_instance");
    }

    @Test
    void clientSideCallsTheGateway() {
        HttpResponse<String> r = fo.sendInstance(sample);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(fo.notifyReceipt(sample, LocalDate.of(2026, 11, 25)).statusCode()).isEqualTo(200);
        assertThat(fo.cancelInstance(sample).statusCode()).isEqualTo(200);
        assertThat(fo.postRaw("/ssu/fo/other", "{}").statusCode()).isEqualTo(200);
        assertThat(gatewayCalls).containsExactly(
                "POST /ssu/fo/send_instance application/json",
                "POST /ssu/fo/notify_receipt application/json",
                "POST /ssu/fo/cancel_instance application/json",
                "POST /ssu/fo/other application/json");
        assertThat(gatewayBodies.get("/ssu/fo/send_instance")).isEqualTo(sample.sendInstanceBody());
        JsonNode receipt = gatewayBodies.get("/ssu/fo/notify_receipt");
        assertThat(receipt.get("cui")).isEqualTo(sample.cui());
        assertThat(receipt.get("date").asText()).isEqualTo("2026-11-25");
        assertThat(gatewayBodies.get("/ssu/fo/cancel_instance")).isEqualTo(sample.cui());
        assertThat(new String(Json.bytes(sample.sendInstanceBody()), StandardCharsets.UTF_8)).contains("\"instance_descriptor_version\":\"1\"");
        assertThat(fo.calls(sample.cuiUuid())).extracting(FrontOfficeSimulator.Call::operation)
                .containsExactly("send_instance", "notify_receipt", "cancel_instance");
    }
}
