package dev.idleclaw.bench.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;

/**
 * An agent-sized chat request, shaped like a coding agent's request a few tool steps into a turn: a long system
 * prompt, {@value #TOOLS} tool schemas, the user's task, then {@value #STEPS} tool steps (an assistant tool call and
 * the tool's output each); the last output is padded so that the body is exactly the requested size in bytes. The
 * Ollama door and the direct baseline get Ollama's shape (argument objects, {@code tool_name}), the OpenAI door
 * OpenAI's (argument strings, call ids). Built once per load run, so plain Jackson is fine here.
 */
public final class AgentBody {
    /** Tool schemas per request (issue: "agent-sized requests (64 KiB bodies, 20 tools)"). */
    public static final int TOOLS = 20;
    /** The body size. */
    public static final int DEFAULT_BYTES = 64 * 1024;
    /** Tool steps already in the history: two messages each, so 2 + 2 × 8 = 18 messages in all. */
    static final int STEPS = 8;
    /** The system prompt's characters: OpenClaw's first request carries one of 22,536 to 26,343. */
    static final int SYSTEM_CHARS = 22_000;
    /** Each earlier tool output's characters (a page of a file); the last output takes what is left. */
    static final int OUTPUT_CHARS = 1_500;
    /** The same text on every run and in every process. */
    private static final long SEED = 20_261_206L;
    private static final String[] TOOL_NAMES = {"read_file", "write_file", "edit_file", "list_directory", "find_files",
            "search_text", "run_command", "run_tests", "git_status", "git_diff", "git_log", "git_commit", "fetch_url",
            "web_search", "ask_user", "todo_write", "memory_read", "memory_write", "open_issue", "send_message"};
    private static final String[][] PARAMETERS = {{"path", "string"}, {"pattern", "string"}, {"limit", "integer"},
            {"recursive", "boolean"}, {"content", "string"}, {"command", "string"}, {"timeout_ms", "integer"},
            {"url", "string"}, {"query", "string"}, {"message", "string"}};
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AgentBody() {}

    /** The body for {@code door} (not IdleClaw's, which takes neither system prompts nor tools), exactly {@code bytes} long. */
    public static String of(Door door, String model, int bytes) {
        if (door == Door.IDLECLAW) {
            throw new IllegalArgumentException("the IdleClaw door takes no system prompt or tools: send agent bodies to ollama or openai");
        }
        boolean openAi = door == Door.OPENAI;
        var text = new AgentText(SEED);
        ObjectNode body = MAPPER.createObjectNode().put("model", model);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", text.prose(SYSTEM_CHARS));
        messages.addObject().put("role", "user").put("content", text.sentence() + " " + text.sentence());
        ObjectNode last = null;
        for (int step = 1; step <= STEPS; step++) {
            String tool = TOOL_NAMES[(step * 7) % TOOLS];
            ObjectNode args = MAPPER.createObjectNode().put("path", "src/main/java/dev/example/Module" + step + ".java").put("limit", 200);
            ObjectNode call = MAPPER.createObjectNode();
            ObjectNode assistant = messages.addObject().put("role", "assistant");
            if (openAi) {
                assistant.putNull("content");
                call.put("id", "call_" + step).put("type", "function").putObject("function").put("name", tool)
                        .put("arguments", args.toString());
            } else {
                assistant.put("content", "");
                call.putObject("function").put("name", tool).set("arguments", args);
            }
            assistant.putArray("tool_calls").add(call);
            last = messages.addObject().put("role", "tool");
            if (openAi) last.put("tool_call_id", "call_" + step);
            else last.put("tool_name", tool);
            last.put("content", text.code(OUTPUT_CHARS));
        }
        body.set("tools", tools(text));
        body.put("stream", true);
        last.put("content", "");
        int room = bytes - utf8Length(write(body));
        if (room < 0) throw new IllegalArgumentException("an agent body is at least " + (bytes - room) + " bytes, not " + bytes);
        last.put("content", pad(text.code(room), room));
        String out = write(body);
        if (utf8Length(out) != bytes) throw new IllegalStateException("agent body of " + utf8Length(out) + " bytes, wanted " + bytes);
        return out;
    }

    /** {@value #TOOLS} function tools, each with a description and two to four described parameters. */
    private static ArrayNode tools(AgentText text) {
        ArrayNode tools = MAPPER.createArrayNode();
        for (String name : TOOL_NAMES) {
            ObjectNode f = tools.addObject().put("type", "function").putObject("function").put("name", name)
                    .put("description", text.sentence() + " " + text.sentence() + " " + text.sentence());
            ObjectNode parameters = f.putObject("parameters").put("type", "object");
            ObjectNode properties = parameters.putObject("properties");
            ArrayNode required = parameters.putArray("required");
            int count = 2 + text.nextInt(3), first = text.nextInt(PARAMETERS.length);
            for (int i = 0; i < count; i++) {
                String[] p = PARAMETERS[(first + i) % PARAMETERS.length];
                properties.putObject(p[0]).put("type", p[1]).put("description", text.sentence());
                if (i == 0) required.add(p[0]);
            }
        }
        return tools;
    }

    /** The first characters of {@code source} whose JSON-escaped form is exactly {@code room} bytes (ASCII only). */
    static String pad(String source, int room) {
        var sb = new StringBuilder(room);
        for (int i = 0; room > 0; i++) {
            char c = source.charAt(i);
            if (c >= 0x80 || c < 0x20 && c != '\n') throw new IllegalArgumentException("padding must be printable ASCII or newlines");
            int cost = c == '"' || c == '\\' || c == '\n' ? 2 : 1;
            if (cost > room) {
                c = ' ';
                cost = 1;
            }
            sb.append(c);
            room -= cost;
        }
        return sb.toString();
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String write(ObjectNode body) {
        try {
            return MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
