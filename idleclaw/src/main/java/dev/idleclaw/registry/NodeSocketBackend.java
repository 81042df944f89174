package dev.idleclaw.registry;

import dev.idleclaw.wire.HubMessage;
import dev.idleclaw.wire.WireCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A node agent connected on {@code /ws/node}: messages are text frames on its Jetty WebSocket session. */
record NodeSocketBackend(Session session) implements Backend {
    private static final Logger log = LoggerFactory.getLogger(NodeSocketBackend.class);

    @Override
    public boolean send(NodeLink link, HubMessage m) {
        String text = WireCodec.encode(m);
        int max = link.limits().maxRequestBytes();
        if (text.length() * 3L >= max && text.getBytes(StandardCharsets.UTF_8).length >= max) {
            log.warn("not sending a {}-char message to node {}: over its {}-byte frame limit", text.length(), link.nodeId(), max);
            return false;
        }
        try {
            session.sendText(text, Callback.from(() -> {}, t -> sendFailed(link, t)));
            return true;
        } catch (RuntimeException e) {
            sendFailed(link, e);
            return false;
        }
    }

    private static void sendFailed(NodeLink link, Throwable t) {
        if (link.isClosed()) return;
        log.info("node {} link failed while sending ({}); closing it", link.nodeId(), t.toString());
        link.close(1011, "send failed");
    }

    @Override
    public void close(NodeLink link, int code, String reason) {
        try {
            session.close(code, reason, Callback.NOOP);
        } catch (RuntimeException e) {
            session.disconnect();
        }
    }

    @Override
    public void ping() {
        if (session.isOpen()) session.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
    }

    @Override
    public String shownAddress(String ip) {
        return masked(ip);
    }

    /** IPv4 as {@code a.b.x.x}; IPv6 keeps its first two groups. */
    public static String masked(String ip) {
        if (ip.indexOf(':') < 0) {
            String[] p = ip.split("\\.");
            return p.length == 4 ? p[0] + "." + p[1] + ".x.x" : "x.x.x.x";
        }
        String[] p = ip.split(":");
        return (p.length >= 2 ? p[0] + ":" + p[1] : p[0]).toLowerCase(Locale.ROOT) + ":x:x:x:x:x:x";
    }

    @Override
    public String receiptJobId(String requestId) {
        return requestId;
    }

    @Override
    public String vouchedRequester() {
        return null;
    }

    @Override
    public boolean isNodeAgent() {
        return true;
    }

    @Override
    public boolean clusterMember() {
        return false;
    }
}
