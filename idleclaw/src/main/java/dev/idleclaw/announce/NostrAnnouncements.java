package dev.idleclaw.announce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idleclaw.identity.NostrKey;
import dev.idleclaw.json.Json;
import java.util.List;

/**
 * Lobstah's Nostr transport for announcements (lobstah-wire.md §5, {@code @lobstah/transport-nostr}), so a Lobstah
 * collector reads ours and we read theirs: an announcement is a parameterised-replaceable event of kind
 * {@value #KIND} tagged {@code ["d","lobstah-peer"]}, {@code ["t","lobstah"]}, {@code ["lobstah_pubkey","lob1…"]}
 * whose content is the signed announcement's JSON; a withdrawal is a NIP-09 deletion (kind {@value #DELETION})
 * naming the last announcement event with {@code ["e",id]}.
 */
public final class NostrAnnouncements {
    /** Lobstah's announcement kind (30000..39999: relays keep only the newest per author and {@code d} tag). */
    public static final int KIND = 31474;
    /** NIP-09 deletion. */
    public static final int DELETION = 5;
    static final String D_TAG = "lobstah-peer";
    static final String T_TAG = "lobstah";
    /** The tag naming the {@code lob1…} key inside, which must match the announcement's {@code pubkey}. */
    public static final String PUBKEY_TAG = "lobstah_pubkey";
    /** Upstream's withdrawal content. */
    static final String WITHDRAW_CONTENT = "lobstah unannounce";

    private NostrAnnouncements() {}

    /** The kind-{@value #KIND} event carrying {@code signed}, by {@code key}, dated {@code createdAtSeconds}. */
    public static NostrEvent announcement(NostrKey key, SignedAnnouncement signed, long createdAtSeconds) {
        List<List<String>> tags = List.of(List.of("d", D_TAG), List.of("t", T_TAG),
                List.of(PUBKEY_TAG, signed.announcement().pubkey()));
        return NostrEvent.sign(key, createdAtSeconds, KIND, tags, Json.write(signed.toJson()));
    }

    /** The deletion of announcement event {@code eventId}, by the same {@code key}. */
    public static NostrEvent withdrawal(NostrKey key, String eventId, long createdAtSeconds) {
        return withdrawal(key, List.of(eventId), createdAtSeconds);
    }

    /** The deletion of several announcement events (one {@code e} tag each, the last one first), by {@code key}. */
    public static NostrEvent withdrawal(NostrKey key, List<String> eventIds, long createdAtSeconds) {
        List<List<String>> tags = eventIds.stream().map(id -> List.of("e", id)).toList();
        return NostrEvent.sign(key, createdAtSeconds, DELETION, tags, WITHDRAW_CONTENT);
    }

    /**
     * The signed announcement inside {@code event}, as JSON for the tracker path's checks (inner signature,
     * freshness, URL), after the Nostr-level ones: kind {@value #KIND}, a valid id and BIP-340 signature, content that
     * is a JSON object, and a {@value #PUBKEY_TAG} tag equal to the announcement's {@code pubkey}. Throws
     * {@link AnnounceFormatException} naming the first check that fails.
     */
    public static JsonNode content(NostrEvent event) throws AnnounceFormatException {
        if (event.kind() != KIND) throw new AnnounceFormatException("not a kind-" + KIND + " event");
        if (!event.valid()) throw new AnnounceFormatException("bad Nostr id or signature");
        JsonNode inner;
        try {
            inner = Json.parse(event.content());
        } catch (java.io.IOException | RuntimeException e) {
            throw new AnnounceFormatException("content is not JSON");
        }
        String pubkey = inner.path("announcement").path("pubkey").asText("");
        if (pubkey.isEmpty() || !event.tag(PUBKEY_TAG).orElse("").equals(pubkey)) {
            throw new AnnounceFormatException(PUBKEY_TAG + " tag does not match the announcement");
        }
        return inner;
    }
}
