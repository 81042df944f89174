package dev.idleclaw.verify;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One canary's task: a checkable request any capable model answers, stated by a core phrase the prompt contains
 * (docs/trust.md lists the forms). {@link #passes} checks an answer against the task's constraint; {@link #kind}
 * names the task for logs and flags (never the prompt or the answer).
 */
public sealed interface CanaryTask {
    /** The phrase the prompt contains, e.g. {@code the number 42 in words}. */
    String phrase();

    /** Whether {@code answer} meets the task. */
    boolean passes(String answer);

    /** The task's kind, for operators: {@code number_in_words}, {@code sum}, {@code capital}, {@code backwards}, {@code letters}. */
    String kind();

    /** The countries canaries ask about, with their capitals (the stand-in knows exactly these). */
    List<String[]> CAPITALS = List.of(new String[][] {{"France", "Paris"}, {"Germany", "Berlin"}, {"Italy", "Rome"},
        {"Spain", "Madrid"}, {"Portugal", "Lisbon"}, {"Japan", "Tokyo"}, {"Canada", "Ottawa"}, {"Egypt", "Cairo"},
        {"Kenya", "Nairobi"}, {"Norway", "Oslo"}, {"Sweden", "Stockholm"}, {"Finland", "Helsinki"}, {"Poland", "Warsaw"},
        {"Greece", "Athens"}, {"Peru", "Lima"}, {"Chile", "Santiago"}, {"Argentina", "Buenos Aires"},
        {"Mexico", "Mexico City"}, {"Ireland", "Dublin"}, {"Austria", "Vienna"}});

    /** {@code the number N in words}: the answer holds N in English words (hyphens and "and" optional). */
    record NumberInWords(int n) implements CanaryTask {
        public String phrase() {
            return "the number " + n + " in words";
        }

        public boolean passes(String answer) {
            return NumberWords.normalize(answer).contains(NumberWords.normalize(NumberWords.of(n)));
        }

        public String kind() {
            return "number_in_words";
        }
    }

    /** {@code what is A plus B}: the answer holds the sum in digits (a thousands comma allowed). */
    record Sum(int a, int b) implements CanaryTask {
        public String phrase() {
            return "what is " + a + " plus " + b;
        }

        public boolean passes(String answer) {
            return holdsNumber(answer, a + b);
        }

        public String kind() {
            return "sum";
        }
    }

    /** {@code what is the capital of COUNTRY}: the answer names the capital. */
    record Capital(String country, String capital) implements CanaryTask {
        public String phrase() {
            return "what is the capital of " + country;
        }

        public boolean passes(String answer) {
            return NumberWords.normalize(answer).contains(NumberWords.normalize(capital));
        }

        public String kind() {
            return "capital";
        }
    }

    /** {@code spell the word W backwards}: the answer holds W reversed (letters may be separated). */
    record Backwards(String word) implements CanaryTask {
        public String phrase() {
            return "spell the word " + word + " backwards";
        }

        public boolean passes(String answer) {
            String reversed = new StringBuilder(word).reverse().toString();
            return answer.toLowerCase(Locale.ROOT).contains(reversed)
                   || answer.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "").contains(reversed);
        }

        public String kind() {
            return "backwards";
        }
    }

    /** {@code how many letters are in the word W}: the answer holds the count in digits or words. */
    record Letters(String word) implements CanaryTask {
        public String phrase() {
            return "how many letters are in the word " + word;
        }

        public boolean passes(String answer) {
            return holdsNumber(answer, word.length())
                   || NumberWords.normalize(answer).contains(" " + NumberWords.of(word.length()).replace('-', ' ') + " ");
        }

        public String kind() {
            return "letters";
        }
    }

    private static boolean holdsNumber(String answer, int n) {
        String digits = Integer.toString(n);
        String grouped = n >= 1000 ? String.format(Locale.ROOT, "%,d", n) : digits;
        return Pattern.compile("(?<![\\d.,])(" + digits + "|" + Pattern.quote(grouped) + ")(?![\\d]|[.,]\\d)").matcher(answer).find();
    }
}
