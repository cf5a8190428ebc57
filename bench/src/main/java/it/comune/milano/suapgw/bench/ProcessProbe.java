package it.comune.milano.suapgw.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * CPU and memory of the gateway from /proc while a scenario runs: the gateway JVM ({@code /proc/<pid>/stat} utime +
 * stime, {@code VmRSS} sampled every 100 ms for the peak), its embedded PostgreSQL (the postmaster whose command line
 * names the data directory, its backends, and what its exited backends used), this JVM (load driver and simulators) and
 * the whole box ({@code /proc/stat}: the other engineers' load shows there).
 */
final class ProcessProbe {

    /** What one scenario cost. CPU in seconds; {@code boxBusy}: share of all the box's cores busy (0..1). */
    record Usage(double gatewayCpu, double postgresCpu, double benchCpu, long rssPeakBytes, double boxBusy, double seconds) {
    }

    private static final double TICKS = 100.0; // USER_HZ: 100 on Linux (getconf CLK_TCK)

    private final long gatewayPid;
    private final String postgresDataDir;

    ProcessProbe(long gatewayPid, Path postgresDataDir) {
        this.gatewayPid = gatewayPid;
        this.postgresDataDir = postgresDataDir == null ? null : postgresDataDir.toAbsolutePath().normalize().toString();
    }

    long gatewayPid() {
        return gatewayPid;
    }

    boolean gatewayAlive() {
        return Files.exists(Path.of("/proc/" + gatewayPid + "/stat"));
    }

    /** Starts sampling; {@link Sampling#stop()} gives the usage since. */
    Sampling start() {
        return new Sampling();
    }

    final class Sampling {
        private final long t0 = System.nanoTime();
        private final double gw0 = cpuOf(gatewayPid, false);
        private final double pg0 = postgresCpu();
        private final long bench0 = benchCpuNanos();
        private final long[] box0 = boxTicks();
        private final AtomicLong rssPeak = new AtomicLong(rss(gatewayPid));
        private volatile boolean running = true;
        private final Thread sampler;

        private Sampling() {
            sampler = new Thread(() -> {
                while (running) {
                    rssPeak.accumulateAndGet(rss(gatewayPid), Math::max);
                    try {
                        Thread.sleep(100); // the sampling period
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "rss-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        Usage stop() {
            running = false;
            sampler.interrupt();
            rssPeak.accumulateAndGet(rss(gatewayPid), Math::max);
            long[] box1 = boxTicks();
            double busy = box1[1] - box0[1] <= 0 ? Double.NaN : (double) (box1[0] - box0[0]) / (box1[1] - box0[1]);
            return new Usage(cpuOf(gatewayPid, false) - gw0, postgresCpu() - pg0, (benchCpuNanos() - bench0) / 1e9, rssPeak.get(),
                    busy, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** Seconds of CPU of a process: utime + stime (+ cutime + cstime, its reaped children, when asked). NaN: gone. */
    static double cpuOf(long pid, boolean withReapedChildren) {
        String[] f = stat(pid);
        if (f == null) {
            return Double.NaN;
        }
        // fields after "(comm)": index 0 is field 3 (state); utime 14, stime 15, cutime 16, cstime 17
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        if (withReapedChildren) {
            ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
        }
        return ticks / TICKS;
    }

    /** Fields of /proc/pid/stat after the command name (which may hold spaces), or null. */
    private static String[] stat(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long ppid(long pid) {
        String[] f = stat(pid);
        return f == null ? -1 : Long.parseLong(f[1]);
    }

    static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return 0;
    }

    private static long benchCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** {busy, total} jiffies of the whole box. */
    private static long[] boxTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new long[]{total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[]{0, 0};
        }
    }

    /** The embedded PostgreSQL: its postmaster (with its reaped backends) and its live backends. NaN: not found. */
    double postgresCpu() {
        long postmaster = postmaster();
        if (postmaster < 0) {
            return Double.NaN;
        }
        double total = cpuOf(postmaster, true);
        for (long child : pids()) {
            if (ppid(child) == postmaster) {
                double c = cpuOf(child, true);
                if (!Double.isNaN(c)) {
                    total += c;
                }
            }
        }
        return total;
    }

    private long postmaster() {
        if (postgresDataDir == null) {
            return -1;
        }
        for (long pid : pids()) {
            try {
                String cmd = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
                if (cmd.contains("postgres") && cmd.contains(postgresDataDir)) {
                    return pid;
                }
            } catch (IOException | RuntimeException e) {
                // gone or not ours
            }
        }
        return -1;
    }

    private static List<Long> pids() {
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit)).map(Long::parseLong).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
