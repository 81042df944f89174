package dev.idleclaw.link;

import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.wire.WireException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jetty's listener for one node connection. It is public only because Jetty binds its methods reflectively;
 * everything it does is delegated to {@link NodeSocket}. Pongs and messages both count as signs of life.
 */
public final class NodeEndpoint implements Session.Listener.AutoDemanding {
    private static final Logger log = LoggerFactory.getLogger(NodeEndpoint.class);

    private final NodeSocket socket;
    private final String ip;
    private final boolean wantsAuth;
    private NodeLink link;

    NodeEndpoint(NodeSocket socket, String ip, boolean wantsAuth) {
        this.socket = socket;
        this.ip = ip;
        this.wantsAuth = wantsAuth;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        link = socket.opened(session, ip, wantsAuth);
    }

    @Override
    public void onWebSocketText(String text) {
        link.seen();
        link.served().received(text.length());
        socket.message(link, text);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        callback.succeed();
        socket.violation(link, new WireException(WireException.UNSUPPORTED, "binary frames are not supported"));
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        link.seen();
    }

    @Override
    public void onWebSocketClose(int code, String reason, Callback callback) {
        callback.succeed();
        socket.closed(link, code, reason);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        log.debug("node socket error on {}: {}", link, cause.toString());
        if (link != null) socket.closed(link, 1006, cause.getClass().getSimpleName());
    }
}
