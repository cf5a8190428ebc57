package it.comune.milano.suapgw.simulators.support;

import it.comune.milano.suapgw.simulators.ssu.SampleInstances;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

public final class TestSupport {

    public static final HttpClient HTTP = HttpClient.newHttpClient();

    private TestSupport() {
    }

    /** test-data/ssu/sample-procedures.json of the repository (tests run in simulators/). */
    public static Path proceduresJson() {
        Path p = Path.of("..", "test-data", "ssu", "sample-procedures.json");
        if (!Files.exists(p)) {
            p = Path.of("test-data", "ssu", "sample-procedures.json");
        }
        return p;
    }

    public static SampleInstances samples() {
        return new SampleInstances(proceduresJson(), "unit-test");
    }

    /** A file or folder of src/test/resources/osp (the small OSP fixtures of these tests). */
    public static Path osp(String name) {
        try {
            return Path.of(TestSupport.class.getResource("/osp/" + name).toURI());
        } catch (java.net.URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no test resource osp/" + name, e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    public static HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<String> post(String url, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
