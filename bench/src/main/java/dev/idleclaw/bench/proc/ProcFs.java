package dev.idleclaw.bench.proc;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and resident memory of a process, read from Linux's {@code /proc}. Elsewhere (or once the process has
 * gone) the figures are zero, so a report shows "0" rather than failing.
 */
public final class ProcFs {
    /** Linux's USER_HZ: {@code /proc/<pid>/stat} counts CPU time in these ticks; 100 on every mainstream kernel. */
    private static final long TICKS_PER_SECOND = 100;
    private static final long NANOS_PER_TICK = 1_000_000_000L / TICKS_PER_SECOND;
    /** Fields after the command name in {@code /proc/<pid>/stat}: utime and stime are fields 14 and 15. */
    private static final int UTIME_AFTER_COMM = 11, STIME_AFTER_COMM = 12;

    private ProcFs() {}

    /** One reading of {@code pid}, stamped with {@link System#nanoTime()}. */
    public static ProcSample sample(long pid) {
        return new ProcSample(System.nanoTime(), cpuNanos(pid), rssBytes(pid));
    }

    /** User + system CPU time of {@code pid} so far, in nanoseconds (10 ms resolution). */
    public static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[UTIME_AFTER_COMM]) + Long.parseLong(f[STIME_AFTER_COMM])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Resident set size ({@code VmRSS}) of {@code pid} in bytes. */
    public static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not Linux
        }
        return 0;
    }

    /**
     * CPU time the whole machine spent busy so far (all CPUs: user, nice, system, irq, softirq, steal), as a
     * sample; compared with the processes' own CPU it shows what everything else on the machine used.
     */
    public static ProcSample machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) busy += Long.parseLong(f[i]);
            return new ProcSample(System.nanoTime(), busy * NANOS_PER_TICK, 0);
        } catch (IOException | RuntimeException e) {
            return new ProcSample(System.nanoTime(), 0, 0);
        }
    }

    /** This JVM's CPU time in nanoseconds (precise, from the JVM rather than {@code /proc}). */
    public static long ownCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return cpuNanos(ProcessHandle.current().pid());
    }
}
