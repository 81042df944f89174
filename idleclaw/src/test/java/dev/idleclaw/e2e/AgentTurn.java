package dev.idleclaw.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.config.Limits;
import dev.idleclaw.json.Json;
import dev.idleclaw.testkit.Behaviour;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One turn of a coding agent, the size the client suites must prove passes (issue 12 §3): a 25,000-character system
 * prompt, 20 function tools with JSON-schema parameters ({@code agent-tools.json}), and a history of 119 messages —
 * user requests, assistant tool calls, tool results, assistant summaries — so that the node's Ollama gets 120 messages
 * once the system prompt leads them. Plain data: each suite turns it into its SDK's types, and
 * {@link AgentTurnCheck} checks the request the node sent.
 */
public final class AgentTurn {
    public static final int SYSTEM_PROMPT_CHARS = 25_000;
    public static final int TOOLS = 20;
    /** Messages the node's Ollama gets: the system prompt, then the history. */
    public static final int MESSAGES = 120;
    public static final int HISTORY_MESSAGES = MESSAGES - 1;
    /** Messages one more than a hub accepts by default ({@code --max-messages}). */
    public static final int OVER_THE_HUB_LIMIT = Limits.DEFAULT_MAX_MESSAGES + 1;
    /** The call the stand-in answers with when {@link #answeringWithAToolCall} is its behaviour. */
    public static final String NEXT_TOOL = "run_tests";
    public static final String NEXT_ARGUMENTS = "{\"module\":\"core\",\"filter\":\"ParserTest\",\"fail_fast\":true}";

    /** A function tool: its name, description, JSON-schema parameters, and arguments it is called with in the history. */
    public record Tool(String name, String description, ObjectNode parameters, ObjectNode example) {}

    /** One message of the history; a call and its result share an {@code id}. */
    public sealed interface Message {
        record User(String text) implements Message {}

        record Assistant(String text) implements Message {}

        record ToolCall(String id, String tool, ObjectNode arguments) implements Message {
            /** The arguments as a JSON string, as OpenAI-style APIs carry them. */
            public String argumentsJson() { return Json.write(arguments); }
        }

        record ToolResult(String id, String tool, String text) implements Message {}
    }

    private static final List<String> GUIDANCE = List.of(
            "You are a coding agent working in the user's repository. Read before you write: open the files a change "
            + "touches, find the callers of what you change, and keep edits as small as the task allows. ",
            "Prefer the project's own conventions over your habits: naming, error handling, logging, test style. When "
            + "the conventions disagree, follow the module you are editing. ",
            "Run the tests that cover your change before you report success, and report failures exactly as the tool "
            + "printed them. Never claim a test passed that you did not run. ",
            "Use the todo list for work of more than three steps, keep exactly one item in progress, and mark items "
            + "completed as soon as they are done rather than in batches. ",
            "Never run commands that delete data outside the workspace, rewrite published history, or send the user's "
            + "code to third parties. Ask the user before anything irreversible. ",
            "When a tool fails, read its error, change one thing, and try again; after three failed attempts, stop and "
            + "explain what you tried and what you would try next. ",
            "Answers are for a developer reading a terminal: short paragraphs, paths in backticks, no headings for a "
            + "one-line answer, and the commands you ran when they matter. ");

    private AgentTurn() {}

    /** Exactly {@link #SYSTEM_PROMPT_CHARS} characters of agent guidance in numbered sections (ASCII only). */
    public static String systemPrompt() {
        var prompt = new StringBuilder();
        for (int section = 1; prompt.length() < SYSTEM_PROMPT_CHARS; section++) {
            prompt.append("Section ").append(section).append(". ").append(GUIDANCE.get(section % GUIDANCE.size()));
        }
        return prompt.substring(0, SYSTEM_PROMPT_CHARS);
    }

    /** The {@link #TOOLS} tools, in a fixed order. */
    public static List<Tool> tools() {
        try (InputStream in = AgentTurn.class.getResourceAsStream("agent-tools.json")) {
            if (in == null) throw new IllegalStateException("agent-tools.json is missing from the test classpath");
            var tools = new ArrayList<Tool>();
            for (JsonNode t : Json.parse(in.readAllBytes())) {
                tools.add(new Tool(t.path("name").asText(), t.path("description").asText(),
                        (ObjectNode) t.get("parameters"), (ObjectNode) t.get("example")));
            }
            return List.copyOf(tools);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@link #HISTORY_MESSAGES} messages in rounds of six — a user request, two tool calls each followed by its
     * result, the assistant's summary — ending in a tool result, as an agent's turn does. User and assistant roles
     * alternate throughout once tool results count as user content (Anthropic's shape).
     */
    public static List<Message> history() {
        List<Tool> tools = tools();
        var history = new ArrayList<Message>();
        int calls = 0;
        for (int round = 1; history.size() < HISTORY_MESSAGES; round++) {
            history.add(new Message.User("Round " + round + ": the CSV export of report " + round + " drops the last "
                    + "field when a line ends with a comma. Find where that happens and fix it without changing the API."));
            for (int step = 0; step < 2 && history.size() < HISTORY_MESSAGES; step++, calls++) {
                Tool tool = tools.get(calls % tools.size());
                String id = "call_" + calls;
                history.add(new Message.ToolCall(id, tool.name(), tool.example()));
                history.add(new Message.ToolResult(id, tool.name(), result(tool.name(), calls)));
            }
            if (history.size() < HISTORY_MESSAGES) {
                history.add(new Message.Assistant("Round " + round + " done: the splitter now keeps a trailing empty "
                        + "field, and ParserTest covers lines ending in one, two and three commas."));
            }
        }
        return List.copyOf(history);
    }

    /** {@code count} short messages alternating user and assistant, starting (and for an odd count ending) with user. */
    public static List<Message> chatter(int count) {
        var messages = new ArrayList<Message>();
        for (int i = 0; i < count; i++) {
            messages.add(i % 2 == 0 ? new Message.User("question " + i) : new Message.Assistant("answer " + i));
        }
        return List.copyOf(messages);
    }

    /** The stand-in's {@link ClientNetwork#NORMAL} behaviour, answering in text even though tools are offered. */
    public static Behaviour answeringInText() {
        return ClientNetwork.NORMAL.withToolCalls();
    }

    /** The stand-in's behaviour calling {@link #NEXT_TOOL}, one of the turn's tools, with {@link #NEXT_ARGUMENTS}. */
    public static Behaviour answeringWithAToolCall() {
        return ClientNetwork.NORMAL.withToolCalls(Behaviour.ToolCall.of(NEXT_TOOL, NEXT_ARGUMENTS));
    }

    /** What {@code tool} printed for call number {@code n}: a dozen lines of a few hundred characters. */
    private static String result(String tool, int n) {
        var out = new StringBuilder(tool).append(" (call ").append(n).append(") returned:\n");
        for (int line = 1; line <= 12; line++) {
            out.append(String.format("%4d | String[] fields = line.split(\",\", %d); // keeps trailing field %d\n", line, -line, n));
        }
        return out.toString();
    }
}
