package dev.idleclaw.announce;

/**
 * A body that is JSON but not the expected shape (missing field, wrong type, unknown field, bad version or tier).
 * The tracker answers it like unparsable JSON: {@code 400 {"error":{"type":"bad_json"}}}.
 */
public final class AnnounceFormatException extends Exception {
    public AnnounceFormatException(String message) {
        super(message);
    }
}
