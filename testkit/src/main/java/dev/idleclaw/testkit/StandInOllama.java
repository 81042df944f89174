package dev.idleclaw.testkit;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.HandlerType;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A protocol-faithful stand-in for Ollama's native API ({@code /}, {@code /api/version}, {@code /api/tags},
 * {@code /api/ps}, {@code /api/show}, {@code /api/chat}, {@code /api/generate}) and its OpenAI compatibility layer
 * ({@code /v1/chat/completions}, {@code /v1/models}, {@code /v1/models/{model}}, see {@code OpenAiChat}) on
 * 127.0.0.1, plain HTTP/1.1 (h2c upgrade requests are answered in HTTP/1.1). Models and {@link Behaviour}s can be
 * changed while it runs and apply to both faces; every request is recorded as it arrived (see {@link #recordRequests}). See
 * {@code /work/shared/specs/ollama-api.md} §11 and {@code openai-api.md}.
 *
 * <pre>{@code
 * try (var ollama = StandInOllama.start().model(StandInModel.of("llama3.2"))) {
 *     ollama.behaviour(Behaviour.defaults().withDelayPerToken(Duration.ofMillis(50)).withHangAfter(2));
 *     // point the code under test at ollama.baseUrl() ...
 *     var chat = ollama.awaitRequest("/api/chat", Duration.ofSeconds(5));
 *     chat.connectionClosed().get(5, SECONDS); // the client cancelled
 * }
 * }</pre>
 */
public final class StandInOllama implements AutoCloseable {
    /** The version Ollama reported when the spec was written (tool calls still change at 0.13). */
    public static final String DEFAULT_VERSION = "0.12.6";
    static final String HOST = "127.0.0.1";
    /** Largest accepted request body: room for base64 images. */
    private static final long MAX_BODY_BYTES = 64L * 1024 * 1024;
    /** Jetty's idle timeout (default 30 s) would cut hanging or slow replies before the client gives up. */
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);
    /**
     * No acceptor threads: the selector accepts, so Jetty closes the listening socket inside {@code stop()}. With
     * acceptor threads, an interrupted acceptor closes it only when it next runs, after {@link #close()} returned;
     * under load a stopped stand-in then still accepted connections and left them unanswered.
     */
    private static final int ACCEPTORS = 0;
    /** Jetty's default number of selectors. */
    private static final int DEFAULT_SELECTORS = -1;

    private final Map<String, StandInModel> models = new LinkedHashMap<>();
    private final Map<String, Behaviour> modelBehaviours = new ConcurrentHashMap<>();
    private final Map<String, Queue<Behaviour>> nextBehaviours = new ConcurrentHashMap<>();
    private final RequestLog log = new RequestLog();
    private final AtomicInteger streams = new AtomicInteger();
    private volatile Behaviour defaultBehaviour = Behaviour.defaults();
    private volatile String version = DEFAULT_VERSION;
    private volatile boolean stopping;
    private volatile boolean recording = true;
    private volatile long hardwareSeed = java.util.concurrent.ThreadLocalRandom.current().nextLong();
    private final Javalin app;

    private StandInOllama(int port) {
        var router = new Router(this);
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.concurrency.useVirtualThreads = true;
            cfg.http.compressionStrategy = CompressionStrategy.NONE;
            cfg.http.generateEtags = false;
            cfg.http.maxRequestSize = MAX_BODY_BYTES;
            cfg.jetty.addConnector((server, http) -> {
                var connector = new ServerConnector(server, ACCEPTORS, DEFAULT_SELECTORS, new HttpConnectionFactory(http));
                connector.setHost(HOST);
                connector.setPort(port);
                connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
                return connector;
            });
            for (var type : HandlerType.commonHttp()) cfg.routes.addHttpHandler(type, "*", router::handle);
        }).start();
    }

    /** Starts on 127.0.0.1 and an ephemeral port. */
    public static StandInOllama start() { return start(0); }

    /** Starts on 127.0.0.1:{@code port} (0 = ephemeral). */
    public static StandInOllama start(int port) { return new StandInOllama(port); }

    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    public String baseUrl() { return "http://" + HOST + ":" + port(); }

    public int port() { return app.port(); }

    /** Adds the model, or replaces the one with the same full name. */
    public StandInOllama model(StandInModel model) {
        synchronized (models) {
            models.put(model.name(), model);
        }
        return this;
    }

    /** Removes a model ({@code llama3.2} and {@code llama3.2:latest} are the same). */
    public StandInOllama removeModel(String name) {
        synchronized (models) {
            models.remove(StandInModel.normalize(name));
        }
        return this;
    }

    /** What {@code /api/version} reports (default {@value #DEFAULT_VERSION}). */
    public StandInOllama version(String version) {
        this.version = Objects.requireNonNull(version);
        return this;
    }

    /**
     * The seed of this stand-in's "hardware": where its generative answers diverge under {@link Nondeterminism}.
     * Random per stand-in unless set, so honest stand-ins of one model differ as different GPUs do.
     */
    public StandInOllama hardwareSeed(long seed) {
        this.hardwareSeed = seed;
        return this;
    }

    /** Behaviour of every model without its own. */
    public StandInOllama behaviour(Behaviour behaviour) {
        this.defaultBehaviour = Objects.requireNonNull(behaviour);
        return this;
    }

    /** Behaviour of one model, overriding the default. */
    public StandInOllama behaviour(String model, Behaviour behaviour) {
        modelBehaviours.put(StandInModel.normalize(model), Objects.requireNonNull(behaviour));
        return this;
    }

    /**
     * Behaviour of the next inference request for one model only (several calls queue up, in order); the requests
     * after it get the model's usual behaviour again. For a failure that a client's retry must not meet.
     */
    public StandInOllama behaviourOnce(String model, Behaviour behaviour) {
        nextBehaviours.computeIfAbsent(StandInModel.normalize(model), m -> new ConcurrentLinkedQueue<>())
                .add(Objects.requireNonNull(behaviour));
        return this;
    }

    /**
     * Whether requests are recorded (the default) for {@link #requests()} and {@link #awaitRequest}. Off, nothing is
     * kept: a stand-in run as its own process turns it off, as nothing can read its log and a benchmark's thousands
     * of large requests would fill its heap.
     */
    public StandInOllama recordRequests(boolean on) {
        this.recording = on;
        return this;
    }

    /** Every request since start (or {@link #clear()}), in arrival order. */
    public List<RecordedRequest> requests() { return log.snapshot(); }

    /**
     * The oldest request to {@code path} not yet returned by this method, waiting up to {@code timeout}.
     *
     * @throws AssertionError when none arrives in time
     */
    public RecordedRequest awaitRequest(String path, Duration timeout) { return log.await(path, timeout); }

    /** Chat and generate replies in progress (streamed or not), e.g. 0 again once a client cancelled. */
    public int openStreams() { return streams.get(); }

    /** Forgets recorded requests and queued {@link #behaviourOnce} behaviours not used yet. */
    public void clear() {
        log.clear();
        nextBehaviours.clear();
    }

    /** Stops the server; hanging replies end with a closed connection. */
    @Override
    public void close() {
        stopping = true;
        app.stop();
    }

    /**
     * Runs the stand-in as its own process until killed:
     * {@code --port N --model name[,name] --tokens N --delay-ms D}.
     */
    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dev/idleclaw/testkit/stand-in-logback.xml");
        }
        var options = LaunchOptions.parse(args);
        var ollama = start(options.port()).behaviour(options.behaviour()).recordRequests(false);
        options.models().forEach(name -> ollama.model(StandInModel.of(name)));
        Runtime.getRuntime().addShutdownHook(new Thread(ollama::close, "stand-in-ollama-stop"));
        System.out.println("stand-in ollama listening on " + ollama.baseUrl());
        System.out.flush();
        new CountDownLatch(1).await();
    }

    StandInModel find(String requested) {
        synchronized (models) {
            return models.get(StandInModel.normalize(requested));
        }
    }

    List<StandInModel> models() {
        synchronized (models) {
            return List.copyOf(models.values());
        }
    }

    /** The behaviour the next inference request for the model gets: a queued one-off first. */
    Behaviour behaviourFor(String fullName) {
        var queued = nextBehaviours.get(fullName);
        var once = queued == null ? null : queued.poll();
        return once != null ? once : modelBehaviours.getOrDefault(fullName, defaultBehaviour);
    }

    String currentVersion() { return version; }

    long hardwareSeed() { return hardwareSeed; }

    RequestLog requestLog() { return log; }

    boolean recording() { return recording; }

    AtomicInteger streams() { return streams; }

    boolean stopping() { return stopping; }
}
