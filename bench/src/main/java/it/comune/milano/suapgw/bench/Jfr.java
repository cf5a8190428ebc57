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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Flight recordings of the gateway, one per scenario ({@code jcmd <pid> JFR.start / JFR.stop}), and their hot frames:
 * the top frame of each {@code jdk.ExecutionSample}, and the first frame of the gateway's own code in it.
 */
final class Jfr {

    /** A frame and its share of the execution samples. */
    record Hot(String frame, long samples, double share) {
    }

    record Profile(long samples, List<Hot> topFrames, List<Hot> topOwnFrames) {
    }

    static final String OWN_PACKAGE = "it.comune.milano.suapgw.";

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
                for (RecordedFrame frame : st.getFrames()) {
                    if (frame.isJavaFrame() && frame.getMethod().getType().getName().startsWith(OWN_PACKAGE)) {
                        own.merge(name(frame), 1L, Long::sum);
                        break;
                    }
                }
            }
        }
        return new Profile(samples, hottest(top, samples, n), hottest(own, samples, n));
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static List<Hot> hottest(Map<String, Long> counts, long samples, int n) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n)
                .map(e -> new Hot(e.getKey(), e.getValue(), samples == 0 ? 0 : (double) e.getValue() / samples)).toList();
    }
}
