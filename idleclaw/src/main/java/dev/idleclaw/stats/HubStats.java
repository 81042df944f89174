package dev.idleclaw.stats;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The counters behind IdleClaw's {@code /metrics} JSON. The three totals survive restarts: they are saved to
 * {@code hub-stats.json} periodically and at shutdown, written to a temporary file and moved into place.
 */
public final class HubStats {
    private static final Logger log = LoggerFactory.getLogger(HubStats.class);
    static final String FILE = "hub-stats.json";

    private final Path file;
    private final AtomicLong requestsTotal;
    private final AtomicLong errorsTotal;
    private final long nodesRegisteredAtStart;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong strayMessages = new AtomicLong();
    private final AtomicLong linkErrors = new AtomicLong();
    private LongSupplier nodesRegistered = () -> 0;

    private HubStats(Path file, long requests, long errors, long nodes) {
        this.file = file;
        this.requestsTotal = new AtomicLong(requests);
        this.errorsTotal = new AtomicLong(errors);
        this.nodesRegisteredAtStart = nodes;
    }

    /** Loads saved totals from {@code dataDir}; a missing or unreadable file starts from zero (and says so). */
    public static HubStats load(Path dataDir) {
        Path f = dataDir.resolve(FILE);
        if (!Files.exists(f)) return new HubStats(f, 0, 0, 0);
        try {
            JsonNode n = Json.parse(Files.readAllBytes(f));
            return new HubStats(f, n.path("requests_total").asLong(0), n.path("requests_errors_total").asLong(0),
                    n.path("nodes_registered_total").asLong(0));
        } catch (IOException e) {
            log.warn("could not read {} ({}); counters start from zero", f, e.getMessage());
            return new HubStats(f, 0, 0, 0);
        }
    }

    public long nodesRegisteredAtStart() {
        return nodesRegisteredAtStart;
    }

    public void nodesRegistered(LongSupplier supplier) {
        this.nodesRegistered = supplier;
    }

    public void requestStarted() {
        requestsTotal.incrementAndGet();
        active.incrementAndGet();
    }

    public void requestEnded(boolean failed) {
        active.decrementAndGet();
        if (failed) errorsTotal.incrementAndGet();
    }

    /** A node sent a chunk or error for a request it does not own (or that already ended). */
    public void strayMessage() {
        strayMessages.incrementAndGet();
    }

    /** A node link was closed for breaking the protocol. */
    public void linkError() {
        linkErrors.incrementAndGet();
    }

    public long strayMessages() {
        return strayMessages.get();
    }

    public long linkErrors() {
        return linkErrors.get();
    }

    public long requestsTotal() {
        return requestsTotal.get();
    }

    public long errorsTotal() {
        return errorsTotal.get();
    }

    public int active() {
        return active.get();
    }

    public long nodesRegisteredTotal() {
        return nodesRegistered.getAsLong();
    }

    /** Writes the totals atomically; failures are logged, never thrown (the hub keeps serving). */
    public synchronized void save() {
        var o = Json.object().put("nodes_registered_total", nodesRegisteredTotal())
                .put("requests_total", requestsTotal()).put("requests_errors_total", errorsTotal());
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.writeString(tmp, Json.write(o));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            log.warn("could not save {}: {}", file, e.getMessage());
        }
    }
}
