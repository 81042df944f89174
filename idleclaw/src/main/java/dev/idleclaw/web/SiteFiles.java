package dev.idleclaw.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The pages' own files ({@code web/} in the jar's resources, or in the classes directory when run from a build),
 * read once at start. {@link #version()} is a hash over all of them: assets are served under it, so a new release
 * gets new URLs and a browser may keep every asset for a year.
 */
final class SiteFiles {
    /** The resource folder the pages live in. */
    static final String ROOT = "web/";
    /** Hex characters of the version hash: 48 bits, plenty to tell releases apart. */
    private static final int VERSION_CHARS = 12;

    private final Map<String, Asset> files = new TreeMap<>();
    private final String version;

    private SiteFiles(Map<String, byte[]> files) {
        files.forEach((name, bytes) -> this.files.put(name, Asset.of(name, bytes)));
        this.version = hash(files);
    }

    /** Reads every file under {@link #ROOT} next to this class (a jar or a directory); fails when there are none. */
    static SiteFiles load() {
        try {
            Path where = Path.of(SiteFiles.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            var files = Files.isDirectory(where) ? fromDirectory(where.resolve(ROOT)) : fromJar(where);
            if (files.isEmpty()) throw new IllegalStateException("no web pages found under " + where);
            return new SiteFiles(files);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, byte[]> fromDirectory(Path root) throws IOException {
        var out = new TreeMap<String, byte[]>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
            }
        }
        return out;
    }

    private static Map<String, byte[]> fromJar(Path jar) throws IOException {
        var out = new TreeMap<String, byte[]>();
        try (var j = new JarFile(jar.toFile())) {
            for (var e : j.stream().filter(e -> !e.isDirectory() && e.getName().startsWith(ROOT)).toList()) {
                try (var in = j.getInputStream(e)) {
                    out.put(e.getName().substring(ROOT.length()), in.readAllBytes());
                }
            }
        }
        return out;
    }

    private static String hash(Map<String, byte[]> files) {
        try {
            var sha = MessageDigest.getInstance("SHA-256");
            files.forEach((name, bytes) -> {
                sha.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(bytes);
            });
            return HexFormat.of().formatHex(sha.digest()).substring(0, VERSION_CHARS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hash of every file, the path segment assets are served under. */
    String version() {
        return version;
    }

    /** The file at {@code name} (relative to {@link #ROOT}), or null. */
    byte[] get(String name) {
        Asset a = files.get(name);
        return a == null ? null : a.bytes();
    }

    /** The file at {@code name} as served, or null. */
    Asset asset(String name) {
        return files.get(name);
    }
}
