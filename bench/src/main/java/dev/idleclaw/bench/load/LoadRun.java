package dev.idleclaw.bench.load;

import dev.idleclaw.bench.nio.Loop;
import dev.idleclaw.bench.proc.ProcFs;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * C consumers, each streaming one answer after another. One unrecorded probe request times an answer; the
 * consumers then start spread over that time, so requests arrive evenly rather than in waves. After
 * {@code warmup} answers the measured window opens: for {@code seconds} (steady state: rates count what arrived
 * inside the window) or until {@code requests} more answers are done. Latencies are those of the requests that
 * started inside the window. By default every consumer is a state machine on ONE selector thread (a few µs of
 * CPU per token); {@code jdkClient} runs them as virtual threads on the JDK HttpClient instead, as a cross-check.
 */
public final class LoadRun {
    /** How often the main thread looks at the warm-up count. */
    private static final long POLL_MILLIS = 5;

    /**
     * What to run: {@code requests} > 0 for a fixed count, else {@code seconds}; {@code warmup} answers first. Each
     * request is one short user message ({@code prompt}), or with {@code agentBytes} > 0 an {@link AgentBody} of that size.
     */
    public record Options(URI base, Door door, int concurrency, long requests, double seconds, String model,
                          int warmup, String prompt, boolean jdkClient, int agentBytes) {}

    /**
     * Consumers spread over several hubs (S10): consumer i starts at {@code urls[i mod n]} ({@code urls} starts with the
     * options' base); with {@code failover} a connection the hub refuses (it is gone) moves the consumer to the next
     * URL and sends the same request there, as a balancer in front of the hubs would. {@code timeline}: record tokens
     * received per {@link #TICK_MILLIS} and every failed request of the window ({@link #timeline()}). NIO client only.
     */
    public record Spread(List<URI> urls, boolean failover, boolean timeline) {
        public Spread {
            urls = List.copyOf(urls);
            if (urls.isEmpty()) throw new IllegalArgumentException("at least one URL");
        }
    }

    /** The timeline's resolution: fine enough to see a hub's death and the nodes' return. */
    static final long TICK_MILLIS = 250;
    /** Failed requests kept with their start time and URL; more are only counted. */
    static final int KEPT_FAILURES = 10_000;

    private enum Phase { WARMUP, MEASURE, STOP }

    private final Options options;
    private final Spread spread;
    private final LongAdder rerouted = new LongAdder();
    private final List<Timeline.Tick> ticks = new ArrayList<>();
    private final List<Timeline.Failure> failures = new ArrayList<>();
    private long failuresDropped;
    private final LongAdder tokens = new LongAdder(), completed = new LongAdder(), answered = new LongAdder();
    private final AtomicLong budget;
    private final CountDownLatch measuredDone, allStopped;
    private final String body;
    private volatile Phase phase = Phase.WARMUP;

    public LoadRun(Options options) {
        this(options, new Spread(List.of(options.base()), false, false));
    }

    public LoadRun(Options options, Spread spread) {
        if (!spread.urls().getFirst().equals(options.base())) throw new IllegalArgumentException("the spread must start with the base URL");
        if (options.jdkClient() && spread.urls().size() > 1) throw new IllegalArgumentException("several URLs need the NIO client");
        this.options = options;
        this.spread = spread;
        this.budget = new AtomicLong(options.requests());
        this.measuredDone = new CountDownLatch((int) Math.max(0, options.requests()));
        this.allStopped = new CountDownLatch(options.concurrency());
        this.body = options.agentBytes() > 0 ? AgentBody.of(options.door(), options.model(), options.agentBytes())
                : options.door().body(options.model(), options.prompt());
    }

    /** One consumer's bookkeeping: requests started inside the window are recorded. */
    private final class ConsumerSeat implements Seat {
        final List<Outcome> outcomes = new ArrayList<>();
        private boolean measuring;
        private long startedMillis;
        /** The URL the consumer is at (set once its consumer exists). */
        java.util.function.IntSupplier target = () -> 0;

        @Override
        public boolean mayStart() {
            Phase p = phase;
            measuring = p == Phase.MEASURE;
            startedMillis = System.currentTimeMillis();
            return p != Phase.STOP && !(measuring && options.requests() > 0 && budget.getAndDecrement() <= 0);
        }

        @Override
        public void finished(Outcome o) {
            completed.increment();
            if (o.ok()) answered.increment();
            if (measuring) {
                outcomes.add(o);
                measuredDone.countDown();
                if (!o.ok() && spread.timeline()) failed(new Timeline.Failure(startedMillis, target.getAsInt(), o.error()));
            }
        }

        @Override
        public void stopped() {
            allStopped.countDown();
        }
    }

    /** Exactly one request, not recorded. */
    private static final class ProbeSeat implements Seat {
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

        @Override
        public boolean mayStart() {
            return !outcome.isDone();
        }

        @Override
        public void finished(Outcome o) {
            outcome.complete(o);
        }

        @Override
        public void stopped() {}
    }

    /** Runs the load; {@code onMeasure} runs as the measured window opens (e.g. to snapshot other processes). */
    public LoadSummary run(Runnable onMeasure) throws InterruptedException {
        HttpClient jdk = options.jdkClient() ? JdkExchange.newClient() : null;
        Loop loop = jdk == null ? new Loop("load-loop") : null;
        try {
            var probe = new ProbeSeat();
            start(jdk, loop, probe, 0, 0);
            Outcome first = probe.outcome.get();
            if (first.ok()) answered.increment();
            long ramp = first.ok() ? first.totalNanos() : 0;
            var seats = new ArrayList<ConsumerSeat>();
            for (int i = 0; i < options.concurrency(); i++) {
                var seat = new ConsumerSeat();
                seats.add(seat);
                start(jdk, loop, seat, ramp * i / options.concurrency(), i % spread.urls().size());
            }
            while (completed.sum() < options.warmup()) Thread.sleep(POLL_MILLIS);
            long cpu0 = ProcFs.ownCpuNanos(), t0 = System.nanoTime(), tok0 = tokens.sum(), done0 = completed.sum();
            phase = Phase.MEASURE;
            onMeasure.run();
            if (options.requests() > 0) measuredDone.await();
            else if (spread.timeline()) tick(t0 + (long) (options.seconds() * 1e9));
            else Thread.sleep((long) (options.seconds() * 1000));
            long cpu1 = ProcFs.ownCpuNanos(), t1 = System.nanoTime(), tok1 = tokens.sum(), done1 = completed.sum();
            phase = Phase.STOP;
            allStopped.await();
            var all = new ArrayList<Outcome>();
            for (var seat : seats) all.addAll(seat.outcomes);
            return summarise(all, t1 - t0, cpu1 - cpu0, tok1 - tok0, done1 - done0);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            if (jdk != null) jdk.shutdownNow();
            if (loop != null) loop.close();
        }
    }

    /** Until {@code endNanos}: the tokens received so far, every {@link #TICK_MILLIS}. */
    private void tick(long endNanos) throws InterruptedException {
        ticks.add(new Timeline.Tick(System.currentTimeMillis(), tokens.sum()));
        for (long left; (left = endNanos - System.nanoTime()) > 0; ) {
            Thread.sleep(Math.min(TICK_MILLIS, Math.max(1, left / 1_000_000)));
            ticks.add(new Timeline.Tick(System.currentTimeMillis(), tokens.sum()));
        }
    }

    private void failed(Timeline.Failure f) {
        synchronized (failures) {
            if (failures.size() < KEPT_FAILURES) failures.add(f);
            else failuresDropped++;
        }
    }

    /** The window's token ticks and failed requests ({@link Spread#timeline()}), and how many requests moved to another URL. */
    public Timeline timeline() {
        synchronized (failures) {
            return new Timeline(List.copyOf(ticks), List.copyOf(failures), failuresDropped, rerouted.sum());
        }
    }

    /** Starts a consumer for {@code seat} at URL {@code url} after {@code delayNanos}: a virtual thread on the JDK client, or a loop state machine. */
    private void start(HttpClient jdk, Loop loop, Seat seat, long delayNanos, int url) {
        if (jdk != null) {
            var exchange = new JdkExchange(jdk, options.base(), options.door(), body, tokens);
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(delayNanos / 1_000_000, (int) (delayNanos % 1_000_000));
                    while (seat.mayStart()) seat.finished(exchange.once());
                } catch (InterruptedException ignored) {
                    // stop
                } finally {
                    seat.stopped();
                }
            });
            return;
        }
        var targets = new ArrayList<NioConsumer.Target>();
        for (URI u : spread.urls()) targets.add(new NioConsumer.Target(address(u), request(u)));
        var consumer = new NioConsumer(loop, targets, url, spread.failover() ? rerouted::increment : null,
                new AnswerReader(options.door(), tokens), seat);
        if (seat instanceof ConsumerSeat c) c.target = consumer::target;
        loop.execute(() -> loop.schedule(delayNanos, consumer::begin));
    }

    private static InetSocketAddress address(URI b) {
        return new InetSocketAddress(b.getHost(), b.getPort() > 0 ? b.getPort() : 80);
    }

    /** The whole request to {@code b} as bytes: head and JSON body, sent as is on every request. */
    private ByteBuffer request(URI b) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + options.door().path + " HTTP/1.1\r\nHost: " + b.getHost() + ":" + address(b).getPort()
                + "\r\nContent-Type: application/json\r\nAccept: " + options.door().accept
                + "\r\nContent-Length: " + content.length + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(h.length + content.length).put(h).put(content).flip().asReadOnlyBuffer();
    }

    private LoadSummary summarise(List<Outcome> outcomes, long windowNanos, long cpuNanos, long windowTokens, long windowDone) {
        var errors = new TreeMap<String, Long>();
        long recordedTokens = 0;
        var ttft = new long[outcomes.size()];
        var total = new long[outcomes.size()];
        int good = 0;
        for (Outcome o : outcomes) {
            recordedTokens += o.tokens();
            if (!o.ok()) {
                errors.merge(o.error(), 1L, Long::sum);
                continue;
            }
            ttft[good] = o.ttftNanos() < 0 ? o.totalNanos() : o.ttftNanos();
            total[good++] = o.totalNanos();
        }
        double seconds = windowNanos / 1e9;
        return new LoadSummary(options.door().label(), options.concurrency(), outcomes.size(), outcomes.size() - good,
                Math.round(seconds * 1000) / 1000.0, recordedTokens, windowTokens, round(windowDone / seconds),
                round(windowTokens / seconds), Latency.of(Arrays.copyOf(ttft, good)), Latency.of(Arrays.copyOf(total, good)),
                round(cpuNanos / 1e9), round(100.0 * cpuNanos / windowNanos), errors, answered.sum());
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
