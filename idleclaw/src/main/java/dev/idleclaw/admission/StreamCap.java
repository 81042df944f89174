package dev.idleclaw.admission;

import dev.idleclaw.front.Headers;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.util.Callback;

/**
 * {@link Admission}'s open-stream step: one of the client's slots in {@link StreamSlots}, or 429 with {@code Retry-After}.
 * The slot comes back as the answer's last bytes are handed to the connection, before they are sent, so a client
 * that sends its next request the instant it has read this answer finds its slot free; or, at the latest, when the
 * door returns (an answer it never wrote, an error the routes answer after it).
 */
public final class StreamCap implements Step {
    /** Retry-After for a client already at its open-stream cap (upstream's). */
    static final String RETRY_AFTER_SECONDS = "5";
    private final StreamSlots slots;

    public StreamCap(StreamSlots slots) {
        this.slots = slots;
    }

    @Override
    public boolean pass(Admitting request) {
        Runnable giveBack = slots.take(request.client());
        if (giveBack == null) {
            request.ctx().header(Headers.RETRY_AFTER, RETRY_AFTER_SECONDS);
            request.refuse(429, "Too many concurrent requests");
            return false;
        }
        var slot = new Slot(giveBack);
        request.atEnd(slot::release);
        var jetty = ServletContextRequest.getServletContextRequest(request.ctx().req());
        if (jetty != null) jetty.addHttpStreamWrapper(stream -> new ReleasedOnLastBytes(stream, slot));
        return true;
    }

    /** One taken slot, given back exactly once. */
    private static final class Slot {
        private final Runnable giveBack;
        private final AtomicBoolean held = new AtomicBoolean(true);

        Slot(Runnable giveBack) {
            this.giveBack = giveBack;
        }

        void release() {
            if (held.compareAndSet(true, false)) giveBack.run();
        }
    }

    /** The response's stream, giving the slot back just before the answer's last bytes go out. */
    private static final class ReleasedOnLastBytes extends HttpStream.Wrapper {
        private final Slot slot;

        ReleasedOnLastBytes(HttpStream stream, Slot slot) {
            super(stream);
            this.slot = slot;
        }

        @Override
        public void send(MetaData.Request request, MetaData.Response response, boolean last, ByteBuffer content, Callback callback) {
            if (last) slot.release();
            super.send(request, response, last, content, callback);
        }
    }
}
