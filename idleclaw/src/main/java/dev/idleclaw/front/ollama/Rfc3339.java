package dev.idleclaw.front.ollama;

import java.time.Instant;

/** Ollama's {@code created_at}: RFC 3339 in UTC with the fraction's trailing zeros trimmed, as Go prints it. */
final class Rfc3339 {
    private Rfc3339() {}

    static String utc(Instant t) {
        String s = t.toString();
        int dot = s.indexOf('.');
        if (dot < 0) return s;
        int end = s.length() - 1; // the 'Z'
        int last = end - 1;
        while (last > dot && s.charAt(last) == '0') last--;
        return (last == dot ? s.substring(0, dot) : s.substring(0, last + 1)) + "Z";
    }
}
