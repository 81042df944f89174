package dev.idleclaw.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * The canary task forms a capable model answers (docs/trust.md), found anywhere in the last user message
 * (case-insensitive), and the short sentence a stand-in answers them with. Each task knows its right answer and can
 * make a wrong one that does not contain the right one.
 */
final class Canary {
    /** The capitals canary prompts ask for, exactly this table. */
    static final Map<String, String> CAPITALS = capitals();

    private static final Pattern IN_WORDS = Pattern.compile("the number (\\d{1,3}) in words", Pattern.CASE_INSENSITIVE);
    private static final Pattern PLUS = Pattern.compile("what is (\\d{1,3}) plus (\\d{1,3})", Pattern.CASE_INSENSITIVE);
    private static final Pattern BACKWARDS = Pattern.compile("spell the word ([a-z]{4,10}) backwards", Pattern.CASE_INSENSITIVE);
    private static final Pattern LETTERS = Pattern.compile("how many letters are in the word ([a-z]+)", Pattern.CASE_INSENSITIVE);
    private static final List<String> OPENERS = List.of("", "Sure!", "Of course.", "Certainly!", "Happy to help.", "Here you go:");
    private static final List<String> CLOSERS = List.of("", "Hope that helps!", "Let me know if you need anything else.");

    private Canary() {}

    /** A recognised task: its right answer, a wrong one, and the sentence bodies ({@code %s} = the answer). */
    sealed interface Task {
        String answer();

        String wrong(SplittableRandom random);

        List<String> bodies();
    }

    record InWords(int n) implements Task {
        public String answer() { return words(n); }

        public String wrong(SplittableRandom random) {
            var right = " " + words(n).replace('-', ' ') + " ";
            while (true) {
                var other = random.nextInt(3) > 0 ? n + random.nextInt(-10, 11) : random.nextInt(1, 1000);
                if (other >= 1 && other <= 999 && !(" " + words(other).replace('-', ' ') + " ").contains(right)) return words(other);
            }
        }

        public List<String> bodies() {
            return List.of(n + " in words is %s.", "The number " + n + " is written %s.", "In words: %s.", "It is %s.");
        }
    }

    record Plus(int a, int b) implements Task {
        public String answer() { return String.valueOf(a + b); }

        public String wrong(SplittableRandom random) {
            while (true) {
                var other = a + b + (random.nextBoolean() ? 1 : -1) * (random.nextBoolean() ? random.nextInt(1, 11) : 100);
                if (other > 0 && !String.valueOf(other).contains(answer())) return String.valueOf(other);
            }
        }

        public List<String> bodies() {
            return List.of(a + " plus " + b + " equals %s.", "The sum is %s.", a + " + " + b + " = %s.", "That makes %s.");
        }
    }

    record Capital(String country, String city) implements Task {
        public String answer() { return city; }

        public String wrong(SplittableRandom random) {
            var cities = CAPITALS.values().stream().filter(c -> !c.contains(city)).toList();
            return cities.get(random.nextInt(cities.size()));
        }

        public List<String> bodies() {
            return List.of("The capital of " + country + " is %s.", "It is %s.", "%s is the capital of " + country + ".",
                    "That would be %s.");
        }
    }

    record Backwards(String word) implements Task {
        public String answer() { return new StringBuilder(word).reverse().toString(); }

        public String wrong(SplittableRandom random) {
            var right = answer();
            var letters = right.toCharArray();
            for (int tries = 0; tries < 2 * letters.length; tries++) {
                var i = random.nextInt(letters.length - 1);
                if (letters[i] == letters[i + 1]) continue;
                var swapped = letters.clone();
                swapped[i] = letters[i + 1];
                swapped[i + 1] = letters[i];
                return new String(swapped);
            }
            return right.substring(1); // every neighbour alike: a letter short
        }

        public List<String> bodies() {
            return List.of("Backwards, that word is %s.", "Spelled backwards: %s.", "It reads %s backwards.", "Reversed, it is %s.");
        }
    }

    record Letters(String word) implements Task {
        public String answer() { return String.valueOf(word.length()); }

        public String wrong(SplittableRandom random) {
            while (true) {
                var other = word.length() + (random.nextBoolean() ? 1 : -1) * random.nextInt(1, 3);
                if (other > 0 && !String.valueOf(other).contains(answer())) return String.valueOf(other);
            }
        }

        public List<String> bodies() {
            return List.of("The word " + word + " has %s letters.", "There are %s letters in it.",
                    "It has %s letters.", "That word is %s letters long.");
        }
    }

    /** The first task form in the text, or null. */
    static Task find(String text) {
        java.util.regex.Matcher m;
        if ((m = matcher(IN_WORDS, text)) != null && in1to999(m.group(1))) return new InWords(Integer.parseInt(m.group(1)));
        if ((m = matcher(PLUS, text)) != null && in1to999(m.group(1)) && in1to999(m.group(2))) {
            return new Plus(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        }
        var lower = text.toLowerCase(Locale.ROOT);
        var at = lower.indexOf("what is the capital of ");
        if (at >= 0) {
            var rest = lower.substring(at + "what is the capital of ".length());
            for (var entry : CAPITALS.entrySet()) {
                if (rest.startsWith(entry.getKey().toLowerCase(Locale.ROOT))) return new Capital(entry.getKey(), entry.getValue());
            }
        }
        if ((m = matcher(BACKWARDS, text)) != null) return new Backwards(m.group(1).toLowerCase(Locale.ROOT));
        if ((m = matcher(LETTERS, text)) != null) return new Letters(m.group(1).toLowerCase(Locale.ROOT));
        return null;
    }

    /** A short natural sentence around {@code answer}; its other words come from {@code random}. */
    static String sentence(Task task, String answer, SplittableRandom random) {
        var bodies = task.bodies();
        var body = bodies.get(random.nextInt(bodies.size())).formatted(answer);
        var opener = OPENERS.get(random.nextInt(OPENERS.size()));
        var closer = CLOSERS.get(random.nextInt(CLOSERS.size()));
        return String.join(" ", List.of(opener, body, closer).stream().filter(s -> !s.isEmpty()).toList());
    }

    /** 1..999 in English words, tens hyphenated, no "and": {@code one hundred seventeen}, {@code forty-two}. */
    static String words(int n) {
        if (n < 1 || n > 999) throw new IllegalArgumentException("not in 1..999: " + n);
        var ones = List.of("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen");
        var tens = List.of("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety");
        var out = new StringBuilder();
        if (n >= 100) out.append(ones.get(n / 100)).append(" hundred");
        var rest = n % 100;
        if (rest > 0 && !out.isEmpty()) out.append(' ');
        if (rest >= 20) out.append(tens.get(rest / 10)).append(rest % 10 > 0 ? "-" + ones.get(rest % 10) : "");
        else if (rest > 0) out.append(ones.get(rest));
        return out.toString();
    }

    private static java.util.regex.Matcher matcher(Pattern pattern, String text) {
        var m = pattern.matcher(text);
        return m.find() ? m : null;
    }

    private static boolean in1to999(String digits) {
        var n = Integer.parseInt(digits);
        return n >= 1 && n <= 999;
    }

    private static Map<String, String> capitals() {
        var table = new LinkedHashMap<String, String>();
        var pairs = List.of("France", "Paris", "Germany", "Berlin", "Italy", "Rome", "Spain", "Madrid", "Portugal",
                "Lisbon", "Japan", "Tokyo", "Canada", "Ottawa", "Egypt", "Cairo", "Kenya", "Nairobi", "Norway", "Oslo",
                "Sweden", "Stockholm", "Finland", "Helsinki", "Poland", "Warsaw", "Greece", "Athens", "Peru", "Lima",
                "Chile", "Santiago", "Argentina", "Buenos Aires", "Mexico", "Mexico City", "Ireland", "Dublin",
                "Austria", "Vienna");
        for (int i = 0; i < pairs.size(); i += 2) table.put(pairs.get(i), pairs.get(i + 1));
        return java.util.Collections.unmodifiableMap(table);
    }
}
