package dev.idleclaw.testkit;

/**
 * What a generative stand-in's answer depends on in a request.
 *
 * @param messages    every message's role and content in order (a generate request's system and prompt as a system
 *                    and a user message), the input the "weights" read
 * @param lastUser    the last user message (or the generate prompt): where canary tasks are looked for
 * @param temperature {@code options.temperature}, or null (Ollama's default is not greedy)
 * @param seed        {@code options.seed}, or null
 */
record Prompt(String messages, String lastUser, Double temperature, Long seed) {
    static final Prompt NONE = new Prompt("", "", null, null);

    /** Greedy decoding: the answer is a function of weights and messages only. */
    boolean greedy() { return temperature != null && temperature == 0; }

    /** Whether the answer is reproducible: greedy, or sampled with a fixed seed. */
    boolean deterministic() { return greedy() || seed != null; }

    /** Appends one message to a {@link #messages} text. */
    static void add(StringBuilder text, String role, String content) {
        text.append(role).append('\0').append(content).append('\0');
    }
}
