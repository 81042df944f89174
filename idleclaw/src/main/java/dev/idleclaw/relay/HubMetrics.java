package dev.idleclaw.relay;

import dev.idleclaw.registry.NodeRegistry;
import dev.idleclaw.registry.Scheduler;
import dev.idleclaw.stats.HubStats;
import dev.idleclaw.stats.Traffic;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics (Micrometer) for {@code GET /metrics} with {@code Accept: text/plain} or OpenMetrics:
 * requests by front door, model and outcome; time to first token; tokens relayed; queue wait; nodes connected;
 * node link errors. Model labels are only names some node served, so clients cannot inflate label cardinality.
 */
public final class HubMetrics implements dev.idleclaw.verify.VerifyMetrics {
    /** Buckets from 5 ms to 2 min: first tokens and queue waits both live in that range. */
    private static final Duration MIN_BUCKET = Duration.ofMillis(5), MAX_BUCKET = Duration.ofMinutes(2);
    /** Label for a model no node served, so arbitrary names never become label values. */
    static final String UNKNOWN_MODEL = "unknown";

    /** How a request ended, as a metric label. */
    public enum Outcome { DONE, CUT, FAILED, REJECTED, CLIENT_GONE }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Traffic traffic;

    public HubMetrics(NodeRegistry nodes, Scheduler scheduler, HubStats stats) {
        this(nodes, scheduler, stats, new Traffic());
    }

    /** {@code traffic}: the dashboard's live totals, counted alongside the Prometheus meters. */
    public HubMetrics(NodeRegistry nodes, Scheduler scheduler, HubStats stats, Traffic traffic) {
        this(nodes, scheduler, stats, traffic, null);
    }

    /**
     * As {@link #HubMetrics(NodeRegistry, Scheduler, HubStats, Traffic)}, every series labelled {@code hub="<hub>"}
     * (the hub's key), so Prometheus can sum a cluster's hubs and tell them apart; null: no such label.
     */
    public HubMetrics(NodeRegistry nodes, Scheduler scheduler, HubStats stats, Traffic traffic, String hub) {
        this.traffic = traffic;
        // A common tag: set before the first meter, so every series, later ones included, carries it.
        if (hub != null) registry.config().commonTags("hub", hub);
        Gauge.builder("idleclaw_nodes_connected", nodes, n -> n.registered().size())
                .description("Registered node connections").register(registry);
        Gauge.builder("idleclaw_queue_waiting", scheduler, Scheduler::waiting)
                .description("Requests waiting for a free node").register(registry);
        Gauge.builder("idleclaw_queue_waiting_by_class", scheduler, s -> s.waiting(true)).tags("class", "credit")
                .description("Requests waiting for a free node, by admission class").register(registry);
        Gauge.builder("idleclaw_queue_waiting_by_class", scheduler, s -> s.waiting(false)).tags("class", "anonymous")
                .description("Requests waiting for a free node, by admission class").register(registry);
        Gauge.builder("idleclaw_requests_active", stats, HubStats::active)
                .description("Answers being relayed").register(registry);
        FunctionCounter.builder("idleclaw_node_link_errors", stats, HubStats::linkErrors)
                .description("Node connections closed for protocol violations").register(registry);
        FunctionCounter.builder("idleclaw_node_stray_messages", stats, HubStats::strayMessages)
                .description("Node chunks or errors for requests the node does not own").register(registry);
    }

    void finished(String door, String model, Outcome outcome, long firstTokenNanos, long tokens) {
        traffic.finished(door, outcome.name().toLowerCase(Locale.ROOT), firstTokenNanos, tokens);
        Counter.builder("idleclaw_requests").description("Chat requests by front door, model and outcome")
                .tags("door", door, "model", model, "outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
        if (firstTokenNanos > 0) {
            Timer.builder("idleclaw_time_to_first_token").description("From request to the first relayed chunk")
                    .tags("door", door).publishPercentileHistogram().minimumExpectedValue(MIN_BUCKET)
                    .maximumExpectedValue(MAX_BUCKET).register(registry).record(firstTokenNanos, TimeUnit.NANOSECONDS);
        }
        if (tokens > 0) {
            Counter.builder("idleclaw_tokens_relayed").description("Answer chunks relayed to consumers (about one token each)")
                    .tags("door", door).register(registry).increment(tokens);
        }
    }

    void queueWait(long nanos) {
        Timer.builder("idleclaw_queue_wait").description("Time spent waiting for a free node")
                .publishPercentileHistogram().minimumExpectedValue(MIN_BUCKET).maximumExpectedValue(MAX_BUCKET)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A backend sent output its request did not ask for ({@code kind}: {@code tool_calls} or {@code thinking}). */
    void unasked(String kind) {
        Counter.builder("idleclaw_node_unasked_output").description("Node output dropped because the request did not ask for it")
                .tags("kind", kind).register(registry).increment();
    }

    /** A suspicion flag raised against a node ({@code reason}: a {@code Suspicion.Reason} label). */
    @Override
    public void suspicion(String reason) {
        Counter.builder("idleclaw_node_suspicion").description("Suspicion flags raised against nodes, by reason")
                .tags("reason", reason).register(registry).increment();
    }

    /** One verification of a node's output: {@code check} canary, fingerprint or rerun; {@code outcome} a label. */
    @Override
    public void verification(String check, String outcome) {
        Counter.builder("idleclaw_verification").description("Checks of nodes' output (canaries, fingerprints, re-runs) by outcome")
                .tags("check", check, "outcome", outcome).register(registry).increment();
    }

    /** One server-side tool call: {@code tool} is an offered tool's name (or {@code unknown}), {@code outcome} a label. */
    void toolCall(String tool, String outcome, long nanos) {
        Counter.builder("idleclaw_tool_calls").description("Server-side tool calls by tool and outcome")
                .tags("tool", tool, "outcome", outcome).register(registry).increment();
        if (nanos > 0) {
            Timer.builder("idleclaw_tool_latency").description("How long a server-side tool call took").tags("tool", tool)
                    .publishPercentileHistogram().minimumExpectedValue(MIN_BUCKET).maximumExpectedValue(MAX_BUCKET)
                    .register(registry).record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    /** One receipt checked: {@code outcome} is {@code accepted} or the rejection reason's label. */
    public void receipt(String outcome) {
        Counter.builder("idleclaw_receipts").description("Node receipts by outcome (accepted or the rejection reason)")
                .tags("outcome", outcome).register(registry).increment();
    }

    /**
     * One attempt of a chat forwarded to another member of the cluster, by {@code outcome}: {@code answered},
     * {@code refused} (the caller's fault, passed on), {@code unavailable} (before any output: failed over if another
     * backend could take it), {@code failed_mid_answer}, {@code cut} or {@code consumer_gone}.
     */
    public void forwarded(String outcome) {
        Counter.builder("idleclaw_cluster_forwarded").description("Chat and embedding attempts forwarded to another hub of the cluster, by outcome")
                .tags("outcome", outcome).register(registry).increment();
    }

    /** The exposition text for {@code accept} (OpenMetrics when asked for, else Prometheus text 0.0.4). */
    public String scrape(String accept) {
        return registry.scrape(accept);
    }

    /** Content type matching {@link #scrape}. */
    public static String contentType(String accept) {
        return accept != null && accept.contains("application/openmetrics-text")
                ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
                : "text/plain; version=0.0.4; charset=utf-8";
    }

    /** True when {@code accept} asks for Prometheus text or OpenMetrics rather than IdleClaw's JSON. */
    public static boolean wantsExposition(String accept) {
        return accept != null && (accept.contains("text/plain") || accept.contains("application/openmetrics-text"));
    }
}
