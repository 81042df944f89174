package dev.idleclaw.registry;

import java.util.List;
import java.util.Locale;

/** The IdleClaw server's name-based capability rules, used only when a node did not report capabilities. */
public final class Capabilities {
    private static final List<String> TOOL_FAMILIES = List.of("qwen3", "llama3.1", "llama3.2", "llama3.3", "mistral",
            "ministral", "granite4", "devstral", "gpt-oss", "qwen3.5", "functiongemma");

    private Capabilities() {}

    public static boolean thinkingByName(String model) {
        return model.toLowerCase(Locale.ROOT).contains("qwen3");
    }

    public static boolean toolsByName(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        return TOOL_FAMILIES.stream().anyMatch(m::contains);
    }
}
