package dev.idleclaw.bench.load;

import dev.idleclaw.bench.Json;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code load}: C concurrent streaming consumers against one front door. Prints a table, then
 * {@value #RESULT_PREFIX}{@code {json}} (and {@value #MEASURE_MARK} when the measured phase starts, so a scenario
 * can snapshot the other processes' CPU at that moment).
 */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load generator: C concurrent streaming consumers for N requests or S seconds against one front door.")
public final class LoadCommand implements Callable<Integer> {
    public static final String RESULT_PREFIX = "LOAD-RESULT ";
    public static final String MEASURE_MARK = "LOAD-PHASE measure";
    /** Printed before the result with {@code --timeline}: the window's {@link Timeline} as JSON. */
    public static final String TIMELINE_PREFIX = "LOAD-TIMELINE ";

    @Option(names = "--url", required = true, split = ",", description = "Base URL of the hub (or of Ollama for direct-ollama);"
            + " several, comma-separated: consumer i goes to URL i mod their number.")
    java.util.List<URI> url;
    @Option(names = "--failover", description = "With several --url: a consumer whose connection is refused (that hub is gone) sends"
            + " the same request to the next URL and stays there, as a balancer would route it.")
    boolean failover;
    @Option(names = "--timeline", description = "Also print " + TIMELINE_PREFIX + "{json}: tokens received every 250 ms of the window"
            + " and every failed request with its start time and URL (needs --seconds).")
    boolean timeline;
    @Option(names = "--door", required = true, converter = DoorConverter.class,
            description = "idleclaw | ollama | openai | direct-ollama.")
    Door door;
    @Option(names = "--concurrency", defaultValue = "1", description = "Concurrent consumers (default: ${DEFAULT-VALUE}).")
    int concurrency;
    @ArgGroup(multiplicity = "1")
    Amount amount;
    @Option(names = "--model", defaultValue = "llama3.2", description = "Model to ask for (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--warmup-requests", defaultValue = "-1",
            description = "Unrecorded requests first; -1 = one per consumer (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--jdk-client", description = "Use the JDK HttpClient (virtual-thread consumers) instead of the one-thread NIO client: a cross-check, several times costlier per token.")
    boolean jdkClient;
    @Option(names = "--prompt", defaultValue = "Say something.", description = "The user message (plain text, no quotes).")
    String prompt;
    @Option(names = "--agent-bytes", defaultValue = "0", description = "Send an agent-sized body of exactly this many bytes instead"
            + " (a long system prompt, " + AgentBody.TOOLS + " tools, a history of tool steps; ollama, openai and direct-ollama doors);"
            + " 0 = one short user message (default: ${DEFAULT-VALUE}).")
    int agentBytes;

    /** Exactly one of a request count or a duration. */
    static final class Amount {
        @Option(names = "--requests", description = "Measured requests in all.")
        long requests;
        @Option(names = "--seconds", description = "Measured seconds (requests in flight at the end still count).")
        double seconds;
    }

    static final class DoorConverter implements picocli.CommandLine.ITypeConverter<Door> {
        @Override
        public Door convert(String value) {
            return Door.of(value);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        if (prompt.contains("\"") || prompt.contains("\\") || model.contains("\"") || model.contains("\\")) {
            throw new IllegalArgumentException("--prompt and --model must not contain quotes or backslashes");
        }
        for (URI u : url) if (!"http".equals(u.getScheme()) && !jdkClient) throw new IllegalArgumentException("--url: plain http:// only (or --jdk-client)");
        if (timeline && amount.requests > 0) throw new IllegalArgumentException("--timeline needs --seconds");
        var options = new LoadRun.Options(url.getFirst(), door, concurrency, amount.requests, amount.seconds, model,
                warmup < 0 ? concurrency : warmup, prompt, jdkClient, agentBytes);
        var run = new LoadRun(options, new LoadRun.Spread(url, failover, timeline));
        LoadSummary s = run.run(() -> {
            System.out.println(MEASURE_MARK);
            System.out.flush();
        });
        if (timeline) System.out.println(TIMELINE_PREFIX + Json.write(run.timeline()));
        System.out.print(s.addTo(LoadSummary.table("door"), s.door()));
        if (!s.errors().isEmpty()) System.out.println("failures: " + s.errors());
        System.out.println(RESULT_PREFIX + Json.write(s));
        return s.failures() == 0 ? 0 : 1;
    }
}
