package it.comune.milano.suapgw.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A broker instance of the official Artemis distribution (unpacked by the build into target/artemis-distribution),
 * created with {@code artemis create} and configured with config/artemis, run as its own process
 * ({@code bin/artemis run}).
 */
final class ExternalArtemis {
    static final Path CONFIG = Path.of("../config");
    static final String KEYSTORE_PASSWORD = "demo-broker-keystore";

    final Path instance;
    final int entiPort;
    final int gatewayPort;
    private final String name;
    /** more system properties of the broker (data directory, HA peer...) */
    private final java.util.Map<String, String> properties = new java.util.LinkedHashMap<>();
    private Process process;

    private ExternalArtemis(Path instance, String name, int entiPort, int gatewayPort) {
        this.instance = instance;
        this.name = name;
        this.entiPort = entiPort;
        this.gatewayPort = gatewayPort;
    }

    static Path distribution() {
        Path unpacked = Path.of("target/artemis-distribution");
        try (Stream<Path> dirs = Files.list(unpacked)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("apache-artemis-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no apache-artemis-* in " + unpacked.toAbsolutePath()
                            + ": the build unpacks it in pre-integration-test (mvn verify)"))
                    .toAbsolutePath();
        } catch (IOException e) {
            throw new IllegalStateException("no " + unpacked.toAbsolutePath() + ": run the ITs with mvn verify", e);
        }
    }

    /**
     * {@code artemis create} in {@code dir}, then config/artemis's files (the demo's users) over its etc;
     * {@code brokerXml} may adapt the committed broker.xml (e.g. an ha-policy).
     */
    static ExternalArtemis create(Path dir, String name, int entiPort, int gatewayPort, UnaryOperator<String> brokerXml) {
        run(List.of("sh", distribution().resolve("bin/artemis").toString(), "create", dir.toString(), "--user", "gateway",
                "--password", "unused", "--require-login", "--silent", "--no-web", "--no-autotune", "--force"), dir.getParent());
        try {
            Path etc = dir.resolve("etc");
            for (String f : List.of("artemis-roles.properties", "login.config")) {
                Files.copy(CONFIG.resolve("artemis").resolve(f), etc.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.copy(CONFIG.resolve("demo/artemis/artemis-users.properties"), etc.resolve("artemis-users.properties"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            String xml = Files.readString(CONFIG.resolve("artemis/broker.xml"));
            Files.writeString(etc.resolve("broker.xml"), brokerXml.apply(xml));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ExternalArtemis(dir, name, entiPort, gatewayPort);
    }

    ExternalArtemis with(String property, Object value) {
        properties.put(property, String.valueOf(value));
        return this;
    }

    /** The elements config/artemis/ha/{primary,backup}.xml add inside {@code <core>}. */
    static String haFragment(String role) {
        try {
            String xml = Files.readString(CONFIG.resolve("artemis/ha/" + role + ".xml"));
            return xml.substring(xml.indexOf("-->") + 3);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the broker's process: see {@link #awaitAcceptingConnections} (an active broker), {@link #awaitLogged}. */
    ExternalArtemis start() {
        ProcessBuilder pb = new ProcessBuilder("sh", instance.resolve("bin/artemis").toString(), "run");
        pb.environment().put("JAVA_ARGS", "-Xms64m -Xmx384m -XX:+UseSerialGC --add-opens java.base/jdk.internal.misc=ALL-UNNAMED");
        List<String> args = new ArrayList<>(List.of(
                "-Dsuapgw.artemis.name=" + name,
                "-Dsuapgw.artemis.enti-host=127.0.0.1",
                "-Dsuapgw.artemis.enti-port=" + entiPort,
                "-Dsuapgw.artemis.gateway-port=" + gatewayPort,
                "-Dsuapgw.artemis.keystore=" + CONFIG.resolve("demo/keys/broker.p12").toAbsolutePath(),
                "-Dsuapgw.artemis.keystore-password=" + KEYSTORE_PASSWORD));
        properties.forEach((k, v) -> args.add("-D" + k + "=" + v));
        pb.environment().put("JAVA_ARGS_APPEND", String.join(" ", args));
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::kill));
        return this;
    }

    ExternalArtemis awaitAcceptingConnections(Duration atMost) {
        await(name + " listening on " + gatewayPort).atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) throw new IllegalStateException(name + " exited: " + tail());
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", gatewayPort), 200);
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return this;
    }

    ExternalArtemis awaitLogged(String text, Duration atMost) {
        await(name + " logs " + text).atMost(atMost).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) throw new IllegalStateException(name + " exited: " + tail());
            return logged(text);
        });
        return this;
    }

    /** Whether the broker's log has this line (e.g. AMQ221024, a backup in sync with its primary). */
    boolean logged(String text) {
        try {
            return Files.readString(log(), StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /** A clean stop (SIGTERM), a crash if it does not stop in time. */
    void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (process.waitFor(20, TimeUnit.SECONDS)) return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        kill();
    }

    /** A crash: the JVM is killed (bin/artemis execs it), nothing is flushed or closed. */
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    String url() {
        return "tcp://127.0.0.1:" + gatewayPort;
    }

    Path log() {
        return instance.resolve("log/console.log");
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log());
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void run(List<String> command, Path dir) {
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder(new ArrayList<>(command)).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
