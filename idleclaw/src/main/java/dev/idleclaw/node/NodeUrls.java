package dev.idleclaw.node;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Turns what users type for {@code --server} and {@code --ollama} into the URLs the node dials. */
public final class NodeUrls {
    /** The hub's node endpoint (idleclaw-wire.md §4.1). */
    public static final String NODE_PATH = "/ws/node";
    /** Ollama's port when {@code OLLAMA_HOST} names no scheme and no port, as Ollama itself does. */
    public static final int OLLAMA_DEFAULT_PORT = 11434;

    private NodeUrls() {}

    /**
     * The node WebSocket URL. An {@code http(s)} base becomes {@code ws(s)://host[:port][/base]/ws/node}
     * (as {@code contribute.py} does); a {@code ws(s)} URL is taken as is when it ends in {@code /ws/node} and gets
     * {@code /ws/node} when it has no path. Anything else is rejected with a message naming {@code --server}.
     */
    public static URI hubUrl(String text) {
        String hint = "--server (IDLECLAW_SERVER) must be an http(s):// hub address or a ws(s)://…/ws/node URL, got '"
                + text + "'";
        URI u = parse(text == null ? "" : text.strip(), hint);
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (u.getHost() == null || u.getRawQuery() != null || u.getRawFragment() != null) throw new IllegalArgumentException(hint);
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        while (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        String wsScheme = switch (scheme) {
            case "http", "ws" -> "ws";
            case "https", "wss" -> "wss";
            default -> throw new IllegalArgumentException(hint);
        };
        boolean ws = scheme.startsWith("ws");
        if (ws && !path.isEmpty() && !path.endsWith(NODE_PATH)) throw new IllegalArgumentException(hint);
        if (!path.endsWith(NODE_PATH)) path = path + NODE_PATH;
        return parse(wsScheme + "://" + u.getRawAuthority() + path, hint);
    }

    /**
     * The Ollama base URL. Accepts {@code http(s)://host[:port]} and, like Ollama's {@code OLLAMA_HOST},
     * {@code host:port} or a bare {@code host} (then port 11434). Empty means Ollama's default.
     */
    public static URI ollamaUrl(String text) {
        String t = text == null ? "" : text.strip();
        String hint = "--ollama (OLLAMA_HOST) must be http(s)://host[:port] or host:port, got '" + text + "'";
        if (t.isEmpty()) t = NodeConfig.DEFAULT_OLLAMA;
        if (!t.contains("://")) {
            String hostPort = t.contains("/") ? t.substring(0, t.indexOf('/')) : t;
            boolean hasPort = hostPort.matches(".*:\\d+") && !hostPort.matches("\\[[^]]*]");
            t = "http://" + (hasPort ? t : hostPort + ":" + OLLAMA_DEFAULT_PORT + t.substring(hostPort.length()));
        }
        URI u = parse(t, hint);
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) throw new IllegalArgumentException(hint);
        String s = u.toString();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return URI.create(s);
    }

    private static URI parse(String text, String hint) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(hint);
        }
    }
}
