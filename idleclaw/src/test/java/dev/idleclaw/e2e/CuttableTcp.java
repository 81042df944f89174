package dev.idleclaw.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay from a loopback port to a local service that a test can cut (the port stops listening and every
 * relayed connection closes, as when the service dies) and restore on the same port: a deterministic outage of a
 * real server that other tests keep using.
 */
public final class CuttableTcp implements AutoCloseable {
    /** Pending connections while listening: a test opens a few. */
    private static final int BACKLOG = 50;

    private final int target;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;

    public CuttableTcp(int target) throws IOException {
        this.target = target;
        this.server = listen(0);
        this.port = server.getLocalPort();
        acceptLoop(server);
    }

    public int port() {
        return port;
    }

    /** Stops listening and closes every relayed connection. */
    public void cut() throws IOException {
        server.close();
        for (Socket s : open) s.close();
        open.clear();
    }

    /** Listens again on the same port. */
    public void restore() throws IOException {
        server = listen(port);
        acceptLoop(server);
    }

    private static ServerSocket listen(int port) throws IOException {
        var s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), BACKLOG);
        return s;
    }

    private void acceptLoop(ServerSocket listening) {
        Thread.ofVirtual().name("tcp-relay-accept").start(() -> {
            while (!listening.isClosed()) {
                try {
                    Socket down = listening.accept();
                    open.add(down);
                    Socket up;
                    try {
                        up = new Socket(InetAddress.getLoopbackAddress(), target);
                    } catch (IOException e) {
                        close(down);
                        continue;
                    }
                    open.add(up);
                    pipe(down, up);
                    pipe(up, down);
                } catch (IOException e) {
                    // closed by cut(), or the target refused: the next accept decides
                }
            }
        });
    }

    private void pipe(Socket from, Socket to) {
        Thread.ofVirtual().name("tcp-relay").start(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ignored) {
                // one side closed
            } finally {
                close(from);
                close(to);
            }
        });
    }

    private void close(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
