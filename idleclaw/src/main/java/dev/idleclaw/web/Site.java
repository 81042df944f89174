package dev.idleclaw.web;

import dev.idleclaw.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the pages serve, read from the class path once per process (it never changes while running): the
 * pages' own files, the vendored libraries, the import map and the Content-Security-Policy that allows exactly it.
 *
 * <p>A page is an HTML template in {@code web/} with placeholders: {@code {{base}}} (the way back to the hub's root
 * from the page's URL, so a page works under any path prefix a proxy adds), {@code {{assets}}} (our files' versioned
 * folder), {@code {{vendor:NAME}}} (a library's versioned folder) and {@code {{importmap}}}. Every URL in a page is
 * relative to {@code <base href="{{base}}">}.
 */
final class Site {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(base|assets|importmap|vendor:[a-z0-9]+)}}");
    private static volatile Site loaded;

    final SiteFiles files;
    final Vendor vendor;
    final String importMap;
    final String csp;
    /** Rendered pages by template and depth below the hub's root: a handful of entries. */
    private final ConcurrentHashMap<String, byte[]> rendered = new ConcurrentHashMap<>();

    private Site(SiteFiles files, Vendor vendor) {
        this.files = files;
        this.vendor = vendor;
        var map = Json.object();
        var imports = map.putObject("imports");
        vendor.imports().forEach(imports::put);
        this.importMap = Json.write(map);
        this.csp = SecurityHeaders.contentSecurityPolicy(sha256(importMap));
    }

    /** The one instance, read on first use. */
    static Site get() {
        Site s = loaded;
        if (s == null) {
            synchronized (Site.class) {
                if (loaded == null) loaded = new Site(SiteFiles.load(), Vendor.load());
                s = loaded;
            }
        }
        return s;
    }

    /** The template {@code name} rendered for a URL {@code depth} folders below the hub's root; null if there is none. */
    byte[] page(String name, int depth) {
        byte[] template = files.get(name);
        if (template == null) return null;
        return rendered.computeIfAbsent(name + "@" + depth, k -> render(new String(template, StandardCharsets.UTF_8), depth));
    }

    private byte[] render(String template, int depth) {
        String base = depth == 0 ? "./" : "../".repeat(depth);
        Matcher m = PLACEHOLDER.matcher(template);
        var out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String value = switch (key) {
                case "base" -> base;
                case "assets" -> "assets/" + files.version();
                case "importmap" -> importMap;
                default -> "vendor/" + vendor.base(key.substring("vendor:".length()));
            };
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** CSP's form of a hash source: base64 of SHA-256 over the inline element's exact text. */
    static String sha256(String text) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256-" + Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
