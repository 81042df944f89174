package dev.idleclaw.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.json.Json;
import java.time.Duration;
import java.util.List;

/**
 * A tool the hub runs for a model: its name, what it does, the JSON schema of its arguments (an object schema whose
 * properties are strings, integers, numbers or booleans; {@link Arguments} checks calls against it), and its work.
 */
public interface Tool {

    /** What one call gives: the text the model reads and the pages it drew on (shown to people who ask for them). */
    record Output(String text, List<Source> sources) {
        public Output {
            sources = List.copyOf(sources);
        }

        /** Text drawn from no page. */
        public static Output text(String text) {
            return new Output(text, List.of());
        }
    }

    /** The schema of an arguments object with one required string property, {@code name}. */
    static ObjectNode oneStringArgument(String name, String description) {
        ObjectNode schema = Json.object().put("type", "object");
        schema.putObject("properties").putObject(name).put("type", "string").put("description", description);
        schema.putArray("required").add(name);
        return schema;
    }

    String name();

    /** One sentence for the model. */
    String description();

    /** The JSON schema of the arguments object. */
    ObjectNode parameters();

    /**
     * Runs the call with arguments already checked against {@link #parameters}, within {@code timeout}; returns the
     * text the model reads and its sources. A {@link ToolException}'s message is shown to the model, so it never holds
     * secrets.
     */
    Output execute(JsonNode arguments, Duration timeout) throws ToolException, InterruptedException;
}
