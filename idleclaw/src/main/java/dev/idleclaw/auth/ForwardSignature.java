package dev.idleclaw.auth;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Nonces;
import dev.idleclaw.identity.PublicKeys;
import dev.idleclaw.identity.Signatures;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * How a hub (or router) forwards a caller's request to a peer (docs/protocol.md "Forwarding"). The forwarder signs,
 * with its own key, the request it sends — method, path, the peer's host, body digest, time and a fresh nonce, as in
 * {@link RequestSignature} — together with whom it acts for, the hop count and the hubs already visited. The
 * signature names the peer's host and a nonce the peer remembers, so neither the peer nor anyone else can replay it
 * elsewhere or later; the caller's own credentials never leave the first hub.
 */
public final class ForwardSignature {
    public static final String FORWARDER = "x-idleclaw-forwarder";
    public static final String ON_BEHALF_OF = "x-idleclaw-on-behalf-of";
    public static final String HOPS = "x-idleclaw-hops";
    public static final String VIA = "x-idleclaw-via";
    public static final String TIMESTAMP = "x-idleclaw-forward-timestamp";
    public static final String NONCE = "x-idleclaw-forward-nonce";
    public static final String SIGNATURE = "x-idleclaw-forward-sig";
    static final String DOMAIN = "idleclaw-forward-v1";
    /** Hubs a request may cross: a router, a hub and its peer; more is a loop or a misconfiguration. */
    public static final int MAX_HOPS = 3;
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,19}"), HEX32 = Pattern.compile("[0-9a-f]{32}");

    private ForwardSignature() {}

    /** What a verified forward says. {@code via} lists the hubs visited, the forwarder last. */
    public record Forward(String forwarder, String onBehalfOf, int hops, List<String> via, String nonce, long timestamp) {}

    /** The outcome of {@link #verify}. */
    public sealed interface Verdict {
        record Absent() implements Verdict {}
        record Valid(Forward forward) implements Verdict {}
        record Invalid(String reason) implements Verdict {}
    }

    /**
     * Headers for forwarding a request as {@code forwarder}, acting for {@code onBehalfOf} (a key or
     * {@code anonymous}); {@code via} are the hubs the request had already crossed before this one.
     */
    public static Map<String, String> sign(Identity forwarder, String method, String pathAndQuery, String host, byte[] body,
                                           String onBehalfOf, List<String> via, long nowMillis) {
        String nonce = Nonces.next();
        List<String> path = new java.util.ArrayList<>(via);
        path.add(forwarder.publicKey());
        var h = new LinkedHashMap<String, String>();
        h.put(FORWARDER, forwarder.publicKey());
        h.put(ON_BEHALF_OF, onBehalfOf);
        h.put(HOPS, Integer.toString(path.size()));
        h.put(VIA, String.join(",", path));
        h.put(TIMESTAMP, Long.toString(nowMillis));
        h.put(NONCE, nonce);
        h.put(SIGNATURE, forwarder.sign(message(method, pathAndQuery, host, nowMillis, nonce, body, onBehalfOf, path.size(), path)));
        return h;
    }

    static byte[] message(String method, String pathAndQuery, String host, long ts, String nonce, byte[] body,
                          String onBehalfOf, int hops, List<String> via) {
        String request = new String(RequestSignature.message(method, pathAndQuery, host, ts, nonce, body), StandardCharsets.UTF_8);
        return (DOMAIN + "\n" + request + "\n" + onBehalfOf + "\n" + hops + "\n" + String.join(",", via)).getBytes(StandardCharsets.UTF_8);
    }

    /** Checks the forward headers (nonce replay is the caller's job, as for {@link RequestSignature}). */
    public static Verdict verify(Function<String, String> header, String method, String pathAndQuery, String host, byte[] body, long nowMillis) {
        String sig = header.apply(SIGNATURE);
        if (sig == null) return new Verdict.Absent();
        String forwarder = header.apply(FORWARDER), onBehalfOf = header.apply(ON_BEHALF_OF), hops = header.apply(HOPS),
                via = header.apply(VIA), ts = header.apply(TIMESTAMP), nonce = header.apply(NONCE);
        if (!PublicKeys.valid(forwarder) || onBehalfOf == null || !(onBehalfOf.equals("anonymous") || PublicKeys.valid(onBehalfOf))
                || hops == null || !DIGITS.matcher(hops).matches() || via == null || ts == null || !DIGITS.matcher(ts).matches()
                || nonce == null || !HEX32.matcher(nonce).matches()) {
            return new Verdict.Invalid("malformed");
        }
        List<String> path = Arrays.asList(via.split(",", -1));
        int hopCount = Integer.parseInt(hops);
        if (path.size() != hopCount || !path.stream().allMatch(PublicKeys::valid) || !path.getLast().equals(forwarder)) {
            return new Verdict.Invalid("malformed");
        }
        long timestamp = Long.parseLong(ts);
        if (Math.abs(nowMillis - timestamp) > RequestSignature.MAX_SKEW_MILLIS) return new Verdict.Invalid("stale or future timestamp");
        if (!Signatures.verify(forwarder, message(method, pathAndQuery, host, timestamp, nonce, body, onBehalfOf, hopCount, path), sig)) {
            return new Verdict.Invalid("bad signature");
        }
        return new Verdict.Valid(new Forward(forwarder, onBehalfOf, hopCount, List.copyOf(path), nonce, timestamp));
    }
}
