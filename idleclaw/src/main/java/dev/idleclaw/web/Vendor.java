package dev.idleclaw.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The third-party browser libraries, from WebJars on Maven Central (versions pinned in the pom, read back from each
 * jar's {@code pom.properties}). Only the files named here are served, at {@code vendor/<name>/<version>/<file>}: a
 * version in the URL never changes its bytes, so browsers keep them for a year.
 */
final class Vendor {
    /**
     * One library: its WebJar coordinates, the files served, and the ES module the import map names it by
     * ({@code module}, null for a classic script or a style sheet only).
     */
    record Library(String name, String group, String artifact, List<String> files, String module) {}

    /** Safe markdown: marked parses, DOMPurify sanitises, highlight.js colours code, uPlot draws charts. */
    static final List<Library> LIBRARIES = List.of(
            new Library("marked", "org.webjars.npm", "marked", List.of("lib/marked.esm.js"), "lib/marked.esm.js"),
            new Library("dompurify", "org.webjars.npm", "dompurify", List.of("dist/purify.es.mjs"), "dist/purify.es.mjs"),
            // highlight.js's WebJar has its browser build only as a classic script (it defines the global hljs)
            new Library("highlightjs", "org.webjars", "highlightjs",
                    List.of("highlight.min.js", "styles/github.min.css", "styles/github-dark.min.css"), null),
            new Library("uplot", "org.webjars.npm", "uplot", List.of("dist/uPlot.esm.js", "dist/uPlot.min.css"), "dist/uPlot.esm.js"));

    private final Map<String, Asset> files = new LinkedHashMap<>();
    private final Map<String, String> bases = new LinkedHashMap<>();

    private Vendor() {}

    /** Reads every library's files from the class path; fails naming the library whose WebJar is missing. */
    static Vendor load() {
        var v = new Vendor();
        for (Library lib : LIBRARIES) {
            String version = version(lib);
            String base = lib.name() + "/" + version;
            v.bases.put(lib.name(), base);
            for (String file : lib.files()) {
                String resource = "META-INF/resources/webjars/" + lib.artifact() + "/" + version + "/" + file;
                v.files.put(base + "/" + file, Asset.of(file, read(resource, lib)));
            }
        }
        return v;
    }

    private static String version(Library lib) {
        var props = new Properties();
        try (InputStream in = stream("META-INF/maven/" + lib.group() + "/" + lib.artifact() + "/pom.properties", lib)) {
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props.getProperty("version");
    }

    private static byte[] read(String resource, Library lib) {
        try (InputStream in = stream(resource, lib)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream stream(String resource, Library lib) {
        InputStream in = Vendor.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) throw new IllegalStateException("WebJar " + lib.group() + ":" + lib.artifact() + " lacks " + resource);
        return in;
    }

    /** {@code name/version}, the folder under {@code vendor/} a library's files are served from. */
    String base(String name) {
        String b = bases.get(name);
        if (b == null) throw new IllegalArgumentException("no library " + name);
        return b;
    }

    /** The file at {@code path} ({@code name/version/file}), or null when it is not one we serve. */
    Asset get(String path) {
        return files.get(path);
    }

    /** The import map's entries: each module's bare name and its URL relative to the page's base. */
    Map<String, String> imports() {
        var out = new LinkedHashMap<String, String>();
        for (Library lib : LIBRARIES) {
            if (lib.module() != null) out.put(lib.name(), "./vendor/" + base(lib.name()) + "/" + lib.module());
        }
        return out;
    }
}
