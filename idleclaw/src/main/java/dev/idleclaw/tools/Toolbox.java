package dev.idleclaw.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.idleclaw.announce.UrlSafety;
import dev.idleclaw.config.ToolSettings;
import dev.idleclaw.json.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tools the hub offers and how one call runs: arguments checked against the tool's schema, the node's calls per
 * minute counted, the work done on its own thread within the timeout. Every failure becomes an error text the model
 * reads. Logs name the tool and the outcome, never the arguments or the result.
 */
public final class Toolbox {
    private static final Logger log = LoggerFactory.getLogger(Toolbox.class);
    /** Connecting to a search service or page that does not answer within this is as good as down. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A tool's own HTTP deadline is this much later than the toolbox's, so a slow service reads as a timeout. */
    static final Duration GRACE = Duration.ofSeconds(1);

    /** How one call ended, as a metric label. */
    public enum Outcome {
        OK, INVALID_ARGUMENTS, RATE_LIMITED, TIMEOUT, ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One call's answer for the model, with how it ended, how long it took and the pages it drew on. */
    public record Result(String tool, String text, Outcome outcome, long nanos, List<Source> sources) {}

    private final List<Tool> tools;
    private final boolean allDoors;
    private final Duration timeout;
    private final CallRate rate;

    public Toolbox(List<Tool> tools, boolean allDoors, Duration timeout, int callsPerMinute) {
        this.tools = List.copyOf(tools);
        this.allDoors = allDoors;
        this.timeout = timeout;
        this.rate = new CallRate(callsPerMinute);
    }

    /** The tools {@code settings} asks for: none without a search URL. */
    public static Toolbox of(ToolSettings settings) {
        List<Tool> tools = new ArrayList<>();
        if (settings.enabled()) {
            tools.add(new WebSearch(settings.searchUrl(), HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                    .followRedirects(HttpClient.Redirect.NORMAL).build()));
            if (settings.fetch()) {
                var safety = new UrlSafety(UrlSafety.Policy.BLOCK_PRIVATE, InetAddress::getAllByName, settings.fetchExempt());
                tools.add(new WebFetch(safety, HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                        .followRedirects(HttpClient.Redirect.NEVER).build()));
            }
        }
        return new Toolbox(tools, settings.allDoors(), settings.timeout(), settings.callsPerMinute());
    }

    /** Whether any tool is offered (no search URL: none). */
    public boolean offered() {
        return !tools.isEmpty();
    }

    /** Whether the Ollama door offers the tools too ({@code --tools-for-all-doors}). */
    public boolean allDoors() {
        return allDoors;
    }

    public List<String> names() {
        return tools.stream().map(Tool::name).toList();
    }

    /** The tool called {@code name}, or null. */
    public Tool find(String name) {
        for (Tool t : tools) if (t.name().equals(name)) return t;
        return null;
    }

    /** Ollama's {@code tools} array for the offered tools. */
    public ArrayNode definitions() {
        ArrayNode out = Json.array();
        for (Tool t : tools) {
            var f = out.addObject().put("type", "function").putObject("function");
            f.put("name", t.name()).put("description", t.description()).set("parameters", t.parameters());
        }
        return out;
    }

    /** The system text that teaches a model without native tool calling to ask for a tool in {@code <tool_call>} text. */
    public String textInstructions() {
        var s = new StringBuilder("You can use tools. To call one, answer with nothing but\n")
                .append("<tool_call>{\"name\": \"<tool name>\", \"arguments\": {<arguments>}}</tool_call>\n")
                .append("and wait for its result, given to you in a tool message. Use a tool only when the answer needs ")
                .append("information you do not have. The tools:\n");
        for (Tool t : tools) s.append("- ").append(t.name()).append(": ").append(t.description())
                .append(" Arguments (JSON schema): ").append(Json.write(t.parameters())).append('\n');
        return s.toString();
    }

    /**
     * Runs {@code tool} (one of {@link #find}'s) for {@code node} with {@code arguments}, within the tool timeout and
     * {@code budget} (what is left of the answer's time), whichever is shorter; while it runs, {@code pulse} beats
     * every {@code every} (the caller keeps its consumer's connection warm). An {@link IOException} from the pulse
     * (the consumer is gone) stops the call and is thrown.
     */
    public Result call(String node, Tool tool, JsonNode arguments, Duration budget, Pulse pulse, Duration every)
            throws InterruptedException, IOException {
        long start = System.nanoTime();
        Result r = run(node, tool, arguments, budget.compareTo(timeout) < 0 ? budget : timeout, start, pulse, every);
        log.info("tool {}: {} in {} ms", tool.name(), r.outcome().label(), TimeUnit.NANOSECONDS.toMillis(r.nanos()));
        return r;
    }

    /** What the caller does each keep-alive interval while a call runs. */
    @FunctionalInterface
    public interface Pulse {
        void beat() throws IOException;
    }

    private Result run(String node, Tool tool, JsonNode arguments, Duration limit, long start, Pulse pulse, Duration every)
            throws InterruptedException, IOException {
        List<String> problems = Arguments.problems(arguments, tool.parameters());
        if (!problems.isEmpty()) {
            return result(tool, "Error: invalid arguments for " + tool.name() + ": " + String.join("; ", problems)
                    + ". Arguments must match " + Json.write(tool.parameters()), Outcome.INVALID_ARGUMENTS, start);
        }
        if (!rate.tryCall(node, start)) {
            return result(tool, "Error: tool call limit reached (" + rate.limit() + " calls per minute); answer without it.",
                    Outcome.RATE_LIMITED, start);
        }
        if (limit.isZero() || limit.isNegative()) return result(tool, "Error: no time left for " + tool.name() + ".", Outcome.TIMEOUT, start);
        var task = new FutureTask<>(() -> tool.execute(arguments, limit.plus(GRACE)));
        Thread.ofVirtual().name("tool-" + tool.name()).start(task);
        long deadline = start + limit.toNanos();
        try {
            while (true) {
                try {
                    Tool.Output out = task.get(Math.min(deadline - System.nanoTime(), every.toNanos()), TimeUnit.NANOSECONDS);
                    return new Result(tool.name(), out.text(), Outcome.OK, System.nanoTime() - start, out.sources());
                } catch (TimeoutException e) {
                    if (deadline - System.nanoTime() <= 0) {
                        task.cancel(true);
                        return result(tool, "Error: " + tool.name() + " timed out after " + limit.toSeconds() + " s.", Outcome.TIMEOUT, start);
                    }
                    pulse.beat();
                }
            }
        } catch (ExecutionException e) {
            String why = e.getCause() instanceof ToolException t ? t.getMessage() : "it failed";
            return result(tool, "Error: " + tool.name() + " failed: " + why + ".", Outcome.ERROR, start);
        } catch (InterruptedException | IOException e) {
            task.cancel(true);
            throw e;
        }
    }

    private static Result result(Tool tool, String text, Outcome outcome, long start) {
        return new Result(tool.name(), text, outcome, System.nanoTime() - start, List.of());
    }
}
