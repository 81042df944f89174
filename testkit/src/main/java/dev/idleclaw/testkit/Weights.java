package dev.idleclaw.testkit;

import java.util.HexFormat;
import java.util.Objects;

/**
 * The "weights" of a stand-in language model: one number that decides every word its greedy answers contain.
 * Two stand-ins with the same weights write the same greedy text for the same messages (up to their
 * {@link Nondeterminism}); different weights write different text from the first few words on.
 *
 * @param seed the whole model
 */
public record Weights(long seed) {
    /** The weights behind a model's digest: stand-ins serving the same {@link StandInModel} agree. */
    public static Weights of(StandInModel model) {
        var digest = model.digest();
        return digest.length() >= 16 && digest.substring(0, 16).chars().allMatch(c -> Character.digit(c, 16) >= 0)
                ? new Weights(HexFormat.fromHexDigitsToLong(digest, 0, 16)) : named(digest);
    }

    /** Weights named by any text, e.g. {@code named("a 1B model")}. */
    public static Weights named(String name) {
        Objects.requireNonNull(name, "name");
        return new Weights(Mix.text(name));
    }
}
