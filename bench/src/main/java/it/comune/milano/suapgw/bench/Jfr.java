package it.comune.milano.suapgw.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Flight recordings of the gateway, one per scenario ({@code jcmd <pid> JFR.start / JFR.stop}), and their hot frames:
 * the top frame of each {@code jdk.ExecutionSample}, and the first frame of the gateway's own code in it.
 */
final class Jfr {

    /** A frame and its share of the execution samples. */
    record Hot(String frame, long samples, double share) {
    }

    record Profile(long samples, List<Hot> topFrames, List<Hot> topOwnFrames, List<Hot> layers) {
    }

    static final String OWN_PACKAGE = "it.comune.milano.suapgw.";

    /**
     * The layers a sample's CPU is charged to: the innermost frame that belongs to one of them decides (a JDK frame such
     * as a HashMap lookup is charged to the layer that called it). Checked in this order, so that cryptography or
     * hashing is not charged to the library that asked for it.
     */
    static final Map<String, Pattern> LAYERS = layers(
            "RSA sign/verify (ModI, PDND)", "^(sun\\.security\\.rsa|java\\.security\\.Signature)",
            "SHA-256 and other digests", "^(sun\\.security\\.provider\\.(SHA|Digest)|java\\.security\\.MessageDigest)",
            "JOSE/JWT (Nimbus)", "^com\\.nimbusds",
            "JSON Schema validation", "^com\\.networknt",
            "Jackson", "^com\\.fasterxml\\.jackson",
            "JAXB", "^(org\\.glassfish\\.jaxb|com\\.sun\\.xml\\.bind|jakarta\\.xml\\.bind)",
            "XML parsing (StAX, Xerces)", "^(com\\.ctc\\.wstx|org\\.codehaus\\.stax2|com\\.sun\\.org\\.apache\\.xerces|javax\\.xml)",
            "CXF (SOAP)", "^org\\.apache\\.cxf",
            "PostgreSQL driver", "^org\\.postgresql",
            "Connection pool", "^com\\.zaxxer\\.hikari",
            "Artemis (client and broker)", "^org\\.apache\\.activemq",
            "Spring JMS", "^org\\.springframework\\.jms",
            "HTTP client (Apache HC5)", "^org\\.apache\\.hc",
            "Tracing and observations", "^(io\\.micrometer|io\\.opentelemetry)",
            "Logging", "^(ch\\.qos\\.logback|org\\.slf4j)",
            "Camel type conversion", "^org\\.apache\\.camel\\.(impl\\.converter|spi\\.TypeConvertible|support\\.TypeConverter)",
            "gateway code", "^" + Pattern.quote(OWN_PACKAGE),
            "Spring transactions and JDBC", "^org\\.springframework\\.(transaction|jdbc|dao)",
            "Spring Security", "^org\\.springframework\\.security",
            "Spring (web, AOP, other)", "^org\\.springframework",
            "Camel engine", "^org\\.apache\\.camel",
            "Tomcat", "^org\\.apache\\.(catalina|coyote|tomcat)");

    private static Map<String, Pattern> layers(String... nameAndRegex) {
        Map<String, Pattern> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndRegex.length; i += 2) {
            m.put(nameAndRegex[i], Pattern.compile(nameAndRegex[i + 1]));
        }
        return m;
    }

    /** The layer of the innermost frame that has one ({@link #LAYERS}), or "JDK and other". */
    static String layerOf(List<String> framesInnermostFirst) {
        for (String frame : framesInnermostFirst) {
            for (Map.Entry<String, Pattern> l : LAYERS.entrySet()) {
                if (l.getValue().matcher(frame).find()) {
                    return l.getKey();
                }
            }
        }
        return "JDK and other";
    }

    private final long pid;

    Jfr(long pid) {
        this.pid = pid;
    }

    /** Starts a recording named {@code name} with the {@code profile} settings (method sampling every 10-20 ms). */
    String start(String name) {
        return jcmd("JFR.start", "name=" + name, "settings=profile");
    }

    /** Stops recording {@code name}, written to {@code file}. */
    String stop(String name, Path file) {
        return jcmd("JFR.stop", "name=" + name, "filename=" + file.toAbsolutePath());
    }

    private String jcmd(String... command) {
        List<String> cmd = new ArrayList<>(List.of("jcmd", String.valueOf(pid)));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroy();
                return "jcmd timed out";
            }
            return out;
        } catch (IOException e) {
            return "jcmd failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The {@code n} hottest top frames and gateway frames of a recording. */
    static Profile profile(Path recording, int n) throws IOException {
        Map<String, Long> top = new HashMap<>();
        Map<String, Long> own = new HashMap<>();
        Map<String, Long> layers = new HashMap<>();
        long samples = 0;
        try (RecordingFile f = new RecordingFile(recording)) {
            while (f.hasMoreEvents()) {
                RecordedEvent e = f.readEvent();
                if (!"jdk.ExecutionSample".equals(e.getEventType().getName())) {
                    continue;
                }
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                top.merge(name(st.getFrames().get(0)), 1L, Long::sum);
                layers.merge(layerOf(st.getFrames().stream().map(Jfr::name).toList()), 1L, Long::sum);
                for (RecordedFrame frame : st.getFrames()) {
                    if (frame.isJavaFrame() && frame.getMethod().getType().getName().startsWith(OWN_PACKAGE)) {
                        own.merge(name(frame), 1L, Long::sum);
                        break;
                    }
                }
            }
        }
        return new Profile(samples, hottest(top, samples, n), hottest(own, samples, n), hottest(layers, samples, layers.size()));
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static List<Hot> hottest(Map<String, Long> counts, long samples, int n) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .map(e -> new Hot(e.getKey(), e.getValue(), samples == 0 ? 0 : (double) e.getValue() / samples)).toList();
    }
}
