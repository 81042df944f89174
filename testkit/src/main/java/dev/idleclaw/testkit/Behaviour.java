package dev.idleclaw.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * How the stand-in answers {@code /api/chat} and {@code /api/generate}: what it streams and how it fails.
 * Immutable; start from {@link #defaults()} and chain the {@code with…} methods.
 *
 * <p>A reply is a sequence of non-final chunks (thinking pieces when the request asks to think, then the content
 * tokens, or one tool-call chunk instead of the content when the request offers tools and {@link #toolCalls()} is
 * set), followed by the final {@code done:true} chunk. The failure modes count non-final chunks: "after k" means
 * k chunks are sent first (fewer if the reply is shorter), and the failure replaces everything that follows.
 *
 * @param tokens          content pieces, one chunk each
 * @param thinking        thinking pieces, streamed before the content when the request sets {@code think}
 * @param delayPerToken   sleep before every non-final chunk
 * @param hangAfter       send headers and k chunks, then nothing until the client closes; null = off
 * @param errorAfter      k chunks, then {@code {"error":errorMessage}} and the end, no {@code done:true}; null = off
 * @param errorMessage    message for {@code errorAfter}
 * @param dropAfter       k chunks, then an abrupt connection close; null = off
 * @param preStreamError  status and message sent instead of any reply (after request validation); null = off
 * @param toolCalls       tool calls emitted when the request has non-empty {@code tools}; empty = answer in text
 * @param legacyToolShape Ollama ≤ 0.12 tool calls: no {@code id}, {@code function.index} omitted when 0
 * @param evalCount       reported {@code eval_count}; null = number of chunks generated
 * @param promptEvalCount reported {@code prompt_eval_count}; null = about one per four characters of input
 * @param toolRounds      a model that uses tools: while the request holds fewer assistant turns after its last user
 *                        message than there are rounds, the next round's calls are the answer, as native
 *                        {@code tool_calls} when the request offers {@code tools}, else as {@code <tool_call>} text
 *                        streamed in small pieces; then the content tokens
 * @param generative      the stand-in as a language model: content written from the prompt instead of
 *                        {@link #tokens()}, one word per chunk (see {@link Generative}); null = the scripted tokens.
 *                        {@code evalCount} still overrides its counts when set
 */
public record Behaviour(List<String> tokens, List<String> thinking, Duration delayPerToken, Integer hangAfter,
                        Integer errorAfter, String errorMessage, Integer dropAfter, PreStreamError preStreamError,
                        List<ToolCall> toolCalls, boolean legacyToolShape, Integer evalCount,
                        Integer promptEvalCount, List<List<ToolCall>> toolRounds, Generative generative) {

    /** Default content pieces. */
    public static final List<String> DEFAULT_TOKENS = List.of("Hello", " from", " the", " stand-in", ".");
    /** Default thinking pieces. */
    public static final List<String> DEFAULT_THINKING = List.of("The user", " greets me", ".");
    /** Ollama's queue-full message (two spaces, as in the source). */
    public static final String BUSY_MESSAGE = "server busy, please try again.  maximum pending requests exceeded";
    /** The error Ollama streams when the runner fails mid-generation. */
    public static final String RUNNER_ERROR = "an error was encountered while running the model";

    public Behaviour {
        tokens = List.copyOf(tokens);
        thinking = List.copyOf(thinking);
        Objects.requireNonNull(delayPerToken, "delayPerToken");
        if (delayPerToken.isNegative()) throw new IllegalArgumentException("delayPerToken < 0");
        requireNonNegative(hangAfter, "hangAfter");
        requireNonNegative(errorAfter, "errorAfter");
        requireNonNegative(dropAfter, "dropAfter");
        requireNonNegative(evalCount, "evalCount");
        requireNonNegative(promptEvalCount, "promptEvalCount");
        if (errorAfter != null) Objects.requireNonNull(errorMessage, "errorMessage");
        toolCalls = List.copyOf(toolCalls);
        toolRounds = toolRounds.stream().map(List::copyOf).toList();
    }

    /** Streams {@link #DEFAULT_TOKENS} with no delay and no failure. */
    public static Behaviour defaults() {
        return new Behaviour(DEFAULT_TOKENS, DEFAULT_THINKING, Duration.ZERO, null, null, null, null, null,
                List.of(), false, null, null, List.of(), null);
    }

    /**
     * The stand-in as a language model with the served model's own weights (from its digest, so stand-ins serving
     * the same {@link StandInModel} agree), bit-exact hardware and honest counts; no delay.
     */
    public static Behaviour languageModel() { return defaults().withGenerative(Generative.honest()); }

    /** The stand-in as a language model with the given weights, whatever model it serves. */
    public static Behaviour languageModel(Weights weights) {
        return defaults().withGenerative(Generative.honest().withSpeaker(new Speaker.Honest(weights)));
    }

    /** This behaviour writing its content with {@code g} (null = back to the scripted {@link #tokens()}). */
    public Behaviour withGenerative(Generative g) {
        return new Behaviour(tokens, thinking, delayPerToken, hangAfter, errorAfter, errorMessage, dropAfter,
                preStreamError, toolCalls, legacyToolShape, evalCount, promptEvalCount, toolRounds, g);
    }

    /** This generative behaviour on hardware with the given nondeterminism. */
    public Behaviour withNondeterminism(Nondeterminism n) {
        if (generative == null) throw new IllegalStateException("not generative: call withGenerative first");
        return withGenerative(generative.withNondeterminism(n));
    }

    public Behaviour withTokens(String... pieces) { return withTokens(List.of(pieces)); }

    public Behaviour withTokens(List<String> pieces) {
        return new Behaviour(pieces, thinking, delayPerToken, hangAfter, errorAfter, errorMessage, dropAfter,
                preStreamError, toolCalls, legacyToolShape, evalCount, promptEvalCount, toolRounds, generative);
    }

    /** {@code n} generated pieces: {@code "tok0 ", "tok1 ", …}. */
    public Behaviour withTokenCount(int n) {
        return withTokens(IntStream.range(0, n).mapToObj(i -> "tok" + i + " ").toList());
    }

    public Behaviour withThinking(String... pieces) {
        return new Behaviour(tokens, List.of(pieces), delayPerToken, hangAfter, errorAfter, errorMessage, dropAfter,
                preStreamError, toolCalls, legacyToolShape, evalCount, promptEvalCount, toolRounds, generative);
    }

    public Behaviour withDelayPerToken(Duration delay) {
        return new Behaviour(tokens, thinking, delay, hangAfter, errorAfter, errorMessage, dropAfter,
                preStreamError, toolCalls, legacyToolShape, evalCount, promptEvalCount, toolRounds, generative);
    }

    public Behaviour withHangAfter(int chunks) {
        return new Behaviour(tokens, thinking, delayPerToken, chunks, errorAfter, errorMessage, dropAfter,
                preStreamError, toolCalls, legacyToolShape, evalCount, promptEvalCount, toolRounds, generative);
    }

    public Behaviour withErrorAfter(int chunks, String message) {
        return new Behaviour(tokens, thinking, delayPerToken, hangAfter, chunks, message, dropAfter,
                preStreamError, toolCalls, legacyToolShape, evalCount, promptEvalCount, toolRounds, generative);
    }

    public Behaviour withDropAfter(int chunks) {
        return new Behaviour(tokens, thinking, delayPerToken, hangAfter, errorAfter, errorMessage, chunks,
                preStreamError, toolCalls, legacyToolShape, evalCount, promptEvalCount, toolRounds, generative);
    }

    /** Answer every inference request with {@code status} and {@code {"error":message}}. */
    public Behaviour withPreStreamError(int status, String message) {
        return new Behaviour(tokens, thinking, delayPerToken, hangAfter, errorAfter, errorMessage, dropAfter,
                new PreStreamError(status, message), toolCalls, legacyToolShape, evalCount, promptEvalCount, toolRounds, generative);
    }

    /** Shorthand for {@code withPreStreamError(503, BUSY_MESSAGE)}. */
    public Behaviour busy() { return withPreStreamError(503, BUSY_MESSAGE); }

    public Behaviour withToolCalls(ToolCall... calls) {
        return new Behaviour(tokens, thinking, delayPerToken, hangAfter, errorAfter, errorMessage, dropAfter,
                preStreamError, List.of(calls), legacyToolShape, evalCount, promptEvalCount, toolRounds, generative);
    }

    /** Calls tools for {@code rounds.length} rounds (one list of calls each), then answers (see {@link #toolRounds}). */
    @SafeVarargs
    public final Behaviour withToolRounds(List<ToolCall>... rounds) {
        return new Behaviour(tokens, thinking, delayPerToken, hangAfter, errorAfter, errorMessage, dropAfter,
                preStreamError, toolCalls, legacyToolShape, evalCount, promptEvalCount, List.of(rounds), generative);
    }

    public Behaviour withLegacyToolShape(boolean legacy) {
        return new Behaviour(tokens, thinking, delayPerToken, hangAfter, errorAfter, errorMessage, dropAfter,
                preStreamError, toolCalls, legacy, evalCount, promptEvalCount, toolRounds, generative);
    }

    public Behaviour withEvalCount(int count) {
        return new Behaviour(tokens, thinking, delayPerToken, hangAfter, errorAfter, errorMessage, dropAfter,
                preStreamError, toolCalls, legacyToolShape, count, promptEvalCount, toolRounds, generative);
    }

    public Behaviour withPromptEvalCount(int count) {
        return new Behaviour(tokens, thinking, delayPerToken, hangAfter, errorAfter, errorMessage, dropAfter,
                preStreamError, toolCalls, legacyToolShape, evalCount, count, toolRounds, generative);
    }

    private static void requireNonNegative(Integer value, String what) {
        if (value != null && value < 0) throw new IllegalArgumentException(what + " < 0");
    }

    /** A status and message sent before any byte of the reply. */
    public record PreStreamError(int status, String message) {
        public PreStreamError {
            if (status < 400 || status > 599) throw new IllegalArgumentException("not an error status: " + status);
            Objects.requireNonNull(message, "message");
        }
    }

    /** A tool call the model "makes"; {@code arguments} must be a JSON object. */
    public record ToolCall(String name, JsonNode arguments) {
        public ToolCall {
            Objects.requireNonNull(name, "name");
            if (arguments == null || !arguments.isObject()) {
                throw new IllegalArgumentException("arguments must be a JSON object");
            }
        }

        /** A tool call whose arguments are given as JSON text, e.g. {@code {"city":"Tokyo"}}. */
        public static ToolCall of(String name, String argumentsJson) {
            try {
                return new ToolCall(name, Wire.MAPPER.readTree(argumentsJson));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("arguments are not JSON: " + argumentsJson, e);
            }
        }
    }
}
