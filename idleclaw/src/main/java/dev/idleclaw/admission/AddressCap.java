package dev.idleclaw.admission;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.SelectorManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the sockets one client address holds open, over every listener of the hub and whatever they carry (HTTP
 * requests, SSE streams, node WebSockets): a socket over the cap is closed as soon as it is accepted, before Jetty
 * reads a byte. Trusted proxies are not capped, as their sockets carry many clients.
 */
public final class AddressCap implements SelectorManager.AcceptListener {
    private static final Logger log = LoggerFactory.getLogger(AddressCap.class);

    private final int max;
    private final ClientIp clientIp;
    private final QuietLog refusals = new QuietLog(log, QuietLog.DEFAULT_EVERY);
    /** Open sockets per address; an address leaves the map when its last socket closes. */
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    /** The address each counted socket was counted against, so a close is uncounted exactly once. */
    private final ConcurrentHashMap<SelectableChannel, String> counted = new ConcurrentHashMap<>();

    public AddressCap(int max, ClientIp clientIp) {
        this.max = max;
        this.clientIp = clientIp;
    }

    @Override
    public void onAccepting(SelectableChannel channel) {
        String address = address(channel);
        if (address == null || clientIp.isTrusted(address)) return;
        boolean[] admitted = {false};
        open.compute(address, (a, n) -> {
            int now = n == null ? 0 : n;
            if (now >= max) return n;
            admitted[0] = true;
            return now + 1;
        });
        if (admitted[0]) {
            counted.put(channel, address);
            return;
        }
        refusals.warn("refused a connection from {}: it has {} open already (--max-connections-per-ip)", address, max);
        try {
            channel.close(); // Jetty then fails the accept quietly
        } catch (IOException ignored) {
            // closing is all we wanted
        }
    }

    @Override
    public void onAcceptFailed(SelectableChannel channel, Throwable cause) {
        release(channel);
    }

    @Override
    public void onClosed(SelectableChannel channel) {
        release(channel);
    }

    /** Open sockets counted against {@code address} (for tests). */
    int openFrom(String address) {
        return open.getOrDefault(address, 0);
    }

    private void release(SelectableChannel channel) {
        String address = counted.remove(channel);
        if (address != null) open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    private static String address(SelectableChannel channel) {
        try {
            if (channel instanceof SocketChannel s && s.getRemoteAddress() instanceof InetSocketAddress a && a.getAddress() != null) {
                return a.getAddress().getHostAddress();
            }
        } catch (IOException gone) {
            // already closed: nothing to count
        }
        return null;
    }
}
