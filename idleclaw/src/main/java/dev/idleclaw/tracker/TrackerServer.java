package dev.idleclaw.tracker;

import dev.idleclaw.admission.ClientIp;
import io.javalin.Javalin;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running stand-alone tracker ({@code idleclaw tracker}); port 0 picks a free port (tests). */
public final class TrackerServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrackerServer.class);

    private final Tracker tracker;
    private final Javalin app;
    private boolean closed;

    private TrackerServer(TrackerConfig config) {
        this.tracker = new Tracker(config.urlSafety(), config.nowMillis(), config.maxEntries());
        // Stand-alone, the socket peer is the client: no proxy is trusted.
        var routes = new TrackerRoutes(tracker, config.requestsPerMinute(), new ClientIp(List.of()));
        this.app = Javalin.create(routes::install);
    }

    /** Starts a tracker and returns once it is listening. */
    public static TrackerServer start(TrackerConfig config) {
        var server = new TrackerServer(config);
        server.app.start(config.host(), config.port());
        log.info("tracker listening on http://{}:{} (peer URLs: {} policy)", hostForUrl(config.host()), server.port(),
                config.urlSafety().policy().name().toLowerCase(java.util.Locale.ROOT));
        return server;
    }

    public int port() {
        return app.port();
    }

    public Tracker tracker() {
        return tracker;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        app.stop();
        log.info("tracker stopped");
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
