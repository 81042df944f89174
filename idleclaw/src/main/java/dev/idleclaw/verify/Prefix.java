package dev.idleclaw.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * The opening words of an answer, gathered chunk by chunk with bounded memory: at most {@link PrefixRule#WORDS} + 1
 * whitespace-separated words are kept (one more than the rule compares, to know an answer is longer), each cut at
 * {@link #MAX_WORD_CHARS}. Not thread-safe; one answer's reader fills it.
 */
public final class Prefix {
    /** Characters of one word that are kept: longer "words" (base64, minified code) compare on their start. */
    static final int MAX_WORD_CHARS = 64;

    private final int keep;
    private final List<String> words = new ArrayList<>();
    private final StringBuilder current = new StringBuilder();
    private boolean full;

    /** A prefix keeping the words {@link PrefixRule#WORDS} needs. */
    public Prefix() {
        this(PrefixRule.WORDS + 1);
    }

    Prefix(int keep) {
        this.keep = keep;
    }

    /** A finished prefix of {@code text} (tests, fingerprints' stored references). */
    public static Prefix of(String text) {
        var p = new Prefix();
        p.add(text);
        return p.finish();
    }

    /** Adds the next piece of the answer's content. */
    public void add(String text) {
        if (text == null || full) return;
        for (int i = 0; i < text.length() && !full; i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) endWord();
            else if (current.length() < MAX_WORD_CHARS) current.append(c);
        }
    }

    /** Ends the answer: its last word counts. Returns this. */
    public Prefix finish() {
        endWord();
        return this;
    }

    private void endWord() {
        if (current.isEmpty()) return;
        words.add(current.toString());
        current.setLength(0);
        if (words.size() >= keep) full = true;
    }

    /** The kept words, in order. */
    public List<String> words() {
        return List.copyOf(words);
    }

    /** How many words were kept (the answer's length in words when it is shorter than the kept count). */
    public int size() {
        return words.size();
    }

    String word(int i) {
        return words.get(i);
    }
}
