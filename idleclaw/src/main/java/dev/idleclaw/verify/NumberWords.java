package dev.idleclaw.verify;

import java.util.Locale;

/** Numbers 1..999 in English words, hyphenated tens ({@code forty-two}, {@code one hundred seventeen}), no "and". */
final class NumberWords {
    private static final String[] ONES = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
    private static final String[] TENS = {"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"};

    private NumberWords() {}

    static String of(int n) {
        if (n < 1 || n > 999) throw new IllegalArgumentException("1..999 only: " + n);
        String rest = n % 100 == 0 ? "" : belowHundred(n % 100);
        if (n < 100) return rest;
        return ONES[n / 100] + " hundred" + (rest.isEmpty() ? "" : " " + rest);
    }

    private static String belowHundred(int n) {
        if (n < 20) return ONES[n];
        return TENS[n / 10] + (n % 10 == 0 ? "" : "-" + ONES[n % 10]);
    }

    /** {@code text} lower-cased with hyphens as spaces, "and" and punctuation dropped, single spaces: for comparing. */
    static String normalize(String text) {
        String s = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ");
        return (" " + s + " ").replace(" and ", " ").replaceAll(" +", " ");
    }
}
