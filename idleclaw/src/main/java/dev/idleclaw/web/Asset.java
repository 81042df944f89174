package dev.idleclaw.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.zip.GZIPOutputStream;

/**
 * One static file as it is served: its bytes, their gzip form when that is smaller, and its content type.
 *
 * @param gzip null when compressing does not pay (images, tiny files)
 */
record Asset(byte[] bytes, byte[] gzip, String contentType) {
    /** Below this, the gzip header and the extra header line cost about what compression saves. */
    private static final int MIN_GZIP_BYTES = 1_024;

    static Asset of(String name, byte[] bytes) {
        String type = contentType(name);
        return new Asset(bytes, type.startsWith("image/png") ? null : gzipped(bytes), type);
    }

    private static byte[] gzipped(byte[] bytes) {
        if (bytes.length < MIN_GZIP_BYTES) return null;
        var out = new ByteArrayOutputStream(bytes.length / 3);
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e); // in memory: cannot happen
        }
        return out.size() < bytes.length ? out.toByteArray() : null;
    }

    /** The content type by extension; anything unknown is an opaque download, never sniffed into HTML. */
    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        return switch (dot < 0 ? "" : name.substring(dot + 1)) {
            case "html" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "json", "map" -> "application/json";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "txt" -> "text/plain; charset=utf-8";
            default -> "application/octet-stream";
        };
    }
}
