package dev.idleclaw.bench.proc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Command prefixes that pin a child process to one CPU with {@code taskset} (util-linux), when it is installed and
 * the machine has the CPU; otherwise an empty prefix and the process runs unpinned.
 */
public final class Pinning {
    private static final boolean TASKSET = List.of("/usr/bin/taskset", "/bin/taskset", "/usr/local/bin/taskset").stream()
            .anyMatch(p -> Files.isExecutable(Path.of(p)));

    private Pinning() {}

    /** True when processes can be pinned to {@code cpu}. */
    public static boolean available(int cpu) {
        return TASKSET && Runtime.getRuntime().availableProcessors() > cpu;
    }

    /** {@code taskset -c <cpu>} or nothing. */
    public static List<String> prefix(int cpu) {
        return available(cpu) ? List.of("taskset", "-c", Integer.toString(cpu)) : List.of();
    }
}
