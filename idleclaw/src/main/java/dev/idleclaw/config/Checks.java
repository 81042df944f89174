package dev.idleclaw.config;

import java.time.Duration;

/** The checks the settings records share; each message names the option the operator sets. */
final class Checks {
    private Checks() {}

    static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** Every duration of the settings is set and not negative (zero means "off" where a record allows it). */
    static void zeroOrPositive(Duration... durations) {
        for (Duration d : durations) require(d != null && !d.isNegative(), "timeouts must be zero or positive");
    }
}
