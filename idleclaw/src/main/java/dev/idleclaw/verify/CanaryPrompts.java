package dev.idleclaw.verify;

import dev.idleclaw.chat.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * Writes canaries: a random {@link CanaryTask} with random numbers or words, worded the way people ask (a random
 * lead-in, the task, a random closing), sometimes after a system message of the caller's own. Every prompt contains
 * its task's core phrase; nothing else marks it (docs/trust.md).
 */
public final class CanaryPrompts {
    /** One canary: the task to check the answer against and the messages to send. */
    public record Canary(CanaryTask task, List<ChatMessage> messages) {}

    /** Share of canaries that carry a system message, as many apps' requests do. */
    static final double SYSTEM_SHARE = 0.3;

    static final List<String> WORDS = List.of("apple", "garden", "window", "river", "pencil", "planet", "silver", "market",
            "orange", "basket", "candle", "forest", "bridge", "castle", "winter", "summer", "yellow", "kitchen", "blanket",
            "journey", "lantern", "mountain", "harbor", "rabbit", "thunder", "meadow", "velvet", "compass", "whisper",
            "library", "teacher", "holiday", "picture", "morning", "balance", "chicken", "dolphin", "feather", "giraffe",
            "hammer", "island", "jacket", "kettle", "ladder", "mirror", "needle", "pepper", "puzzle", "saddle", "tomato",
            "umbrella", "village", "wizard", "zebra", "butter", "cookie", "dragon", "engine", "friend", "guitar");
    private static final List<String> ASK = List.of("", "Quick question: ", "Hey, ", "Settling a bet here: ",
            "Sorry if this is basic, but ", "My kid asked me and I blanked. ", "For a quiz I'm putting together: ",
            "Random one for you. ", "I keep forgetting this, ", "Help me out: ", "Not sure about this one. ");
    private static final List<String> CLOSE = List.of("", "", " Thanks!", " Just the answer please.", " Keep it short.",
            " I need it for a form.", " Thanks in advance.", " One line is fine.", " No need to explain.");
    private static final List<String> WRITE = List.of("Write ", "Please write ", "Could you write ", "Can you give me ",
            "How do I write ", "I need ", "Spell out ");
    private static final List<String> BACKWARDS = List.of("Spell the word %s backwards", "Can you spell the word %s backwards",
            "Please spell the word %s backwards for me", "For a word game, spell the word %s backwards",
            "Could you spell the word %s backwards");
    private static final List<String> SYSTEM = List.of("You are a helpful assistant.", "You are a concise assistant. Answer briefly.",
            "You are a friendly assistant. Be accurate.", "Answer the user's questions clearly and correctly.",
            "You are a helpful assistant. Reply in plain text.");

    private final RandomGenerator random;

    public CanaryPrompts(RandomGenerator random) {
        this.random = random;
    }

    /** A new canary with a random task and wording. */
    public Canary next() {
        CanaryTask task = task();
        List<ChatMessage> messages = new ArrayList<>(2);
        if (random.nextDouble() < SYSTEM_SHARE) messages.add(ChatMessage.of("system", pick(SYSTEM)));
        messages.add(ChatMessage.of("user", wording(task)));
        return new Canary(task, List.copyOf(messages));
    }

    CanaryTask task() {
        return switch (random.nextInt(5)) {
            case 0 -> new CanaryTask.NumberInWords(1 + random.nextInt(999));
            case 1 -> new CanaryTask.Sum(1 + random.nextInt(999), 1 + random.nextInt(999));
            case 2 -> {
                String[] c = pick(CanaryTask.CAPITALS);
                yield new CanaryTask.Capital(c[0], c[1]);
            }
            case 3 -> new CanaryTask.Backwards(pick(WORDS));
            default -> new CanaryTask.Letters(pick(WORDS));
        };
    }

    /** The user message for {@code task}: a lead-in, the task with its core phrase, a closing. */
    String wording(CanaryTask task) {
        String body = switch (task) {
            case CanaryTask.NumberInWords n -> pick(WRITE) + n.phrase() + (random.nextBoolean() ? "?" : ".");
            case CanaryTask.Backwards b -> String.format(Locale.ROOT, pick(BACKWARDS), b.word()) + (random.nextBoolean() ? "?" : ".");
            case CanaryTask.Sum s -> question(s.phrase());
            case CanaryTask.Capital c -> question(c.phrase());
            case CanaryTask.Letters l -> question(l.phrase());
        };
        return body + pick(CLOSE);
    }

    private String question(String phrase) {
        String lead = pick(ASK);
        String q = lead.isEmpty() || lead.endsWith(". ") ? Character.toUpperCase(phrase.charAt(0)) + phrase.substring(1) : phrase;
        return lead + q + "?";
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }
}
