package dev.idleclaw.front;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import org.eclipse.jetty.ee10.servlet.ServletContextResponse;
import org.eclipse.jetty.util.Callback;

/**
 * The bytes of one answer on their way to the consumer's connection, written without ever waiting for it: {@link #send}
 * hands what was {@link #append appended} to Jetty as one asynchronous write, and while that write is still pending
 * (the consumer is behind) later bytes collect here and go out together when it completes. At most one write is in
 * flight. The servlet response's status and headers go out with the first write. {@link #finish} is the only call
 * that waits.
 */
final class Outbox implements Callback {
    /**
     * The longest {@link #finish} waits for the last bytes: beyond Jetty's idle timeout, which fails a write the
     * consumer does not take long before this.
     */
    static final Duration FINISH_WAIT = Duration.ofMinutes(2);
    /** First buffer size: a few streamed lines. */
    private static final int INITIAL_BYTES = 512;

    private final ServletContextResponse response;
    /** Bytes appended and not yet handed to Jetty. */
    private byte[] buffer = new byte[INITIAL_BYTES];
    private int length;
    /** The buffer of the write in flight, reused once it completed. */
    private byte[] spare = new byte[INITIAL_BYTES];
    private boolean inFlight;
    /** True while {@link #send} runs: a write completing inside it lets that loop continue instead of recursing. */
    private boolean sending;
    private Throwable failure;

    Outbox(HttpServletResponse servletResponse) {
        this.response = ServletContextResponse.getServletContextResponse(servletResponse);
        if (response == null) throw new IllegalStateException("not a Jetty servlet response: " + servletResponse.getClass());
    }

    /** Adds bytes to go out with the next write. */
    synchronized void append(byte[] bytes) throws IOException {
        if (failure != null) throw gone();
        if (length + bytes.length > buffer.length) buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + bytes.length));
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    /**
     * Hands what was appended to the connection unless a write is in flight (it then goes out when that one completes);
     * with nothing appended, the first call still sends the status and headers. Never waits.
     */
    synchronized void send() throws IOException {
        if (failure != null) throw gone();
        if (sending) return;
        sending = true;
        try {
            while (!inFlight && failure == null && (length > 0 || !response.isCommitted())) {
                byte[] out = buffer;
                int n = length;
                buffer = spare;
                spare = out;
                length = 0;
                inFlight = true;
                response.write(false, ByteBuffer.wrap(out, 0, n), this);
            }
        } finally {
            sending = false;
        }
        if (failure != null) throw gone();
    }

    /** Whether a write is pending: the consumer has not taken earlier bytes yet. */
    synchronized boolean backedUp() {
        return inFlight;
    }

    /**
     * Sends what is left and waits until it went out, the connection failed or {@link #FINISH_WAIT} passed; an
     * untouched response is left to the servlet layer.
     */
    synchronized void finish() {
        if (!response.isCommitted() && length == 0 && !inFlight) return;
        try {
            send();
            long deadline = System.nanoTime() + FINISH_WAIT.toNanos();
            while ((inFlight || length > 0) && failure == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return;
                wait(Math.max(1, left / 1_000_000));
                if (!inFlight && length > 0) send();
            }
        } catch (IOException gone) {
            // the consumer left: nothing more to wait for
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void succeeded() {
        inFlight = false;
        notifyAll();
        if (length > 0 && !sending) {
            try {
                send();
            } catch (IOException ignored) {
                // recorded in failure: the next append or send reports it
            }
        }
    }

    @Override
    public synchronized void failed(Throwable x) {
        inFlight = false;
        failure = x;
        notifyAll();
    }

    private IOException gone() {
        return failure instanceof IOException io ? io : new IOException("the consumer's connection failed", failure);
    }
}
