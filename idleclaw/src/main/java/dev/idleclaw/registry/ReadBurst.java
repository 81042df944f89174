package dev.idleclaw.registry;

import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass of a reader thread over what one network read brought in. Chunks a node link's reader passes to consumers
 * during a pass only fill their sinks' buffers; every stream touched is flushed once when the pass ends, so the frames
 * of one read for one consumer go out in one write (the coalescing a queue between threads gave for free). A stream
 * passed outside any pass is flushed at once.
 */
public final class ReadBurst {
    private static final Logger log = LoggerFactory.getLogger(ReadBurst.class);
    private static final ThreadLocal<ReadBurst> CURRENT = ThreadLocal.withInitial(ReadBurst::new);

    /** Made on the first stream passed to: most tasks (HTTP requests, writes completing) pass none. */
    private ArrayList<RelayStream> touched;
    /** Passes entered and not left on this thread: a task Jetty runs inside another flushes with the outer one. */
    private int depth;

    private ReadBurst() {}

    /** Runs {@code read} as one pass, then flushes every stream it passed chunks to. */
    public static void run(Runnable read) {
        ReadBurst burst = CURRENT.get();
        burst.depth++;
        try {
            read.run();
        } finally {
            if (--burst.depth == 0) burst.flushAll();
        }
    }

    /** Has {@code stream} flushed when the current pass ends, or now when there is none. */
    static void flushLater(RelayStream stream) {
        ReadBurst burst = CURRENT.get();
        if (burst.depth == 0) stream.flushPassed();
        else {
            if (burst.touched == null) burst.touched = new ArrayList<>();
            burst.touched.add(stream);
        }
    }

    private void flushAll() {
        if (touched == null) return;
        // By index: a flush never adds to the list (it runs outside any pass), but stays safe if one did.
        try {
            for (int i = 0; i < touched.size(); i++) {
                try {
                    touched.get(i).flushPassed();
                } catch (RuntimeException bug) {
                    // The hub's own fault: it ends that request only, never the other consumers of this read.
                    log.error("flushing request {} failed", touched.get(i).requestId(), bug);
                }
            }
        } finally {
            touched.clear();
        }
    }
}
