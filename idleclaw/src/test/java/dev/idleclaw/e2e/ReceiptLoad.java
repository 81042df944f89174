package dev.idleclaw.e2e;

import dev.idleclaw.auth.RequestSignature;
import dev.idleclaw.identity.Identity;
import dev.idleclaw.receipt.SignedReceipt;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consumers on virtual threads sending signed, non-streamed OpenAI chat requests back to back, each keeping every
 * receipt the hub acknowledged ({@code x-lobstah-receipt} on a 200). Failed requests (the hub died mid-answer) are
 * only counted.
 */
final class ReceiptLoad implements AutoCloseable {
    static final String PATH = "/v1/chat/completions";
    static final String RECEIPT_HEADER = "x-lobstah-receipt";
    /** Bounds every request, so a consumer never outlives {@link #close} by long. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();
    private final URI uri;
    private final byte[] body;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    final Queue<SignedReceipt> acknowledged = new ConcurrentLinkedQueue<>();
    /** {@link System#nanoTime} of each acknowledgement, to tell how busy the hub was at a given moment. */
    final Queue<Long> acknowledgedAt = new ConcurrentLinkedQueue<>();
    final AtomicInteger badSignatures = new AtomicInteger();
    final AtomicInteger withoutReceipt = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();

    /** A load without consumer threads yet: {@link #once} sends single requests. */
    ReceiptLoad(String hubUrl, String model) {
        this.uri = URI.create(hubUrl + PATH);
        this.body = ("{\"model\":\"" + model + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Starts {@code threads} consumers, thread i signing with {@code consumers[i % n]}. */
    static ReceiptLoad start(String hubUrl, String model, int threads, List<Identity> consumers) {
        var load = new ReceiptLoad(hubUrl, model);
        for (int i = 0; i < threads; i++) {
            Identity consumer = consumers.get(i % consumers.size());
            load.threads.add(Thread.ofVirtual().name("consumer-" + i).start(() -> load.drive(consumer)));
        }
        return load;
    }

    /** One signed request; the receipt acknowledged with its answer, or null (no receipt, or no answer at all). */
    SignedReceipt once(Identity consumer) throws Exception {
        var res = send(consumer);
        var header = res.headers().firstValue(RECEIPT_HEADER);
        if (res.statusCode() != 200 || header.isEmpty()) {
            withoutReceipt.incrementAndGet();
            return null;
        }
        SignedReceipt receipt = SignedReceipt.fromBase64(header.get());
        if (!receipt.signatureValid()) badSignatures.incrementAndGet();
        return receipt;
    }

    /** One signed request ({@code consumer} null: anonymous), and the hub's whole response. */
    HttpResponse<String> send(Identity consumer) throws Exception {
        var req = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (consumer != null) {
            RequestSignature.sign(consumer, "POST", PATH, RequestSignature.hostHeader(uri), body, System.currentTimeMillis())
                    .forEach(req::header);
        }
        return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private void drive(Identity consumer) {
        while (running) {
            try {
                SignedReceipt r = once(consumer);
                if (r != null) {
                    acknowledged.add(r);
                    acknowledgedAt.add(System.nanoTime());
                }
            } catch (IOException e) {
                failed.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                withoutReceipt.incrementAndGet();
            }
        }
    }

    /** How many receipts were acknowledged in the {@code window} before {@code nanoTime}. */
    long acknowledgedWithin(Duration window, long nanoTime) {
        return acknowledgedAt.stream().filter(t -> t <= nanoTime && nanoTime - t <= window.toNanos()).count();
    }

    /** Stops the consumers and waits (bounded) until each has returned. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            if (!t.join(REQUEST_TIMEOUT.plusSeconds(2))) t.interrupt();
        }
    }
}
