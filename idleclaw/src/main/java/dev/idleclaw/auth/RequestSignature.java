package dev.idleclaw.auth;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.identity.Nonces;
import dev.idleclaw.identity.PublicKeys;
import dev.idleclaw.identity.Signatures;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A consumer's signed request (docs/protocol.md, "Consumer authentication"): the requester's Ed25519 key signs
 * the method, path and query, host, a timestamp, a random nonce and the body's SHA-256, so a hub can charge the
 * key without trusting a bare {@code x-lobstah-requester} header (lobstah-wire.md §12 #1). The signed message is
 * the UTF-8 of
 * <pre>
 * idleclaw-request-v1\n METHOD \n pathAndQuery \n host \n timestamp \n nonce \n sha256hex(body)
 * </pre>
 * (no spaces; {@code \n} is one LF; METHOD upper case, host lower case, the rest as sent).
 *
 * <p>{@link #verify} checks form, freshness and the signature only. The caller must then reject replays with
 * {@code ledger.claimRequestNonce(valid.pubkey(), valid.nonce(), valid.nonceExpiresAt())}: a signature is
 * acceptable for {@link #MAX_SKEW_MILLIS} either side of its timestamp, so its nonce must be remembered until then.
 */
public final class RequestSignature {
    /** The requester's {@code lob1…} key (Lobstah's header name; on its own it proves nothing). */
    public static final String REQUESTER = "x-lobstah-requester";
    /** Epoch milliseconds when the request was signed, decimal. */
    public static final String TIMESTAMP = "x-idleclaw-timestamp";
    /** 32 lowercase hex random characters (16 bytes), unique per request. */
    public static final String NONCE = "x-idleclaw-nonce";
    /** 128 lowercase hex Ed25519 signature; its presence is what makes a request claim an identity. */
    public static final String SIGNATURE = "x-lobstah-requester-sig";
    /** Domain separation: these bytes can never be mistaken for a receipt or another signed object. */
    public static final String DOMAIN = "idleclaw-request-v1";
    /** Tolerated clock difference between consumer and hub, either way; also how long a nonce must be kept. */
    public static final long MAX_SKEW_MILLIS = 5 * 60 * 1000L;
    /** Epoch ms fits in 19 digits; more (or a sign) is malformed. */
    private static final Pattern TIMESTAMP_FORM = Pattern.compile("[0-9]{1,19}");
    private static final Pattern NONCE_FORM = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern SIGNATURE_FORM = Pattern.compile("[0-9a-f]{128}");
    private static final HexFormat HEX = HexFormat.of();

    private RequestSignature() {}

    /** The result of {@link #verify}. */
    public sealed interface Verdict {
        /** No {@code x-lobstah-requester-sig}: an anonymous request (a bare requester header is ignored). */
        record Absent() implements Verdict {}

        /** A well-formed, fresh, correctly signed request; check the nonce for replay next. */
        record Valid(String pubkey, String nonce, long timestamp) implements Verdict {
            /** When the nonce may be forgotten: after this the timestamp is stale anyway. */
            public long nonceExpiresAt() {
                return timestamp + MAX_SKEW_MILLIS;
            }
        }

        /** A signature was offered but cannot be accepted; {@code reason} is one of the constants below. */
        record Invalid(String reason) implements Verdict {
            public static final String MALFORMED = "malformed";
            public static final String BAD_SIGNATURE = "bad signature";
            public static final String STALE = "stale or future timestamp";
        }
    }

    /**
     * The four headers that sign a request. {@code pathAndQuery} is the raw path plus {@code ?} and the raw query
     * when there is one; {@code host} is the Host header the client will send ({@link #hostHeader}).
     */
    public static Map<String, String> sign(Identity identity, String method, String pathAndQuery, String host, byte[] body, long nowMillis) {
        String nonce = Nonces.next();
        var headers = new LinkedHashMap<String, String>();
        headers.put(REQUESTER, identity.publicKey());
        headers.put(TIMESTAMP, Long.toString(nowMillis));
        headers.put(NONCE, nonce);
        headers.put(SIGNATURE, identity.sign(message(method, pathAndQuery, host, nowMillis, nonce, body)));
        return headers;
    }

    /** The exact bytes that are signed. */
    public static byte[] message(String method, String pathAndQuery, String host, long timestamp, String nonce, byte[] body) {
        String text = DOMAIN + "\n" + method.toUpperCase(Locale.ROOT) + "\n" + pathAndQuery + "\n" + host.toLowerCase(Locale.ROOT)
                + "\n" + timestamp + "\n" + nonce + "\n" + sha256Hex(body == null ? new byte[0] : body);
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@link #verify(Function, String, String, String, byte[], long)} with headers in a map, names in any case. */
    public static Verdict verify(Map<String, String> headers, String method, String pathAndQuery, String host, byte[] body, long nowMillis) {
        var ci = new TreeMap<String, String>(String.CASE_INSENSITIVE_ORDER);
        ci.putAll(headers);
        return verify(ci::get, method, pathAndQuery, host, body, nowMillis);
    }

    /**
     * Checks a request's signature headers, read through {@code header} (name → value or null). Does not check the
     * nonce for replay: see the class comment.
     */
    public static Verdict verify(Function<String, String> header, String method, String pathAndQuery, String host, byte[] body, long nowMillis) {
        String sig = header.apply(SIGNATURE);
        if (sig == null) return new Verdict.Absent();
        String pubkey = header.apply(REQUESTER);
        String ts = header.apply(TIMESTAMP);
        String nonce = header.apply(NONCE);
        if (!SIGNATURE_FORM.matcher(sig).matches() || !PublicKeys.valid(pubkey) || ts == null || !TIMESTAMP_FORM.matcher(ts).matches()
                || nonce == null || !NONCE_FORM.matcher(nonce).matches() || method == null || pathAndQuery == null || host == null) {
            return new Verdict.Invalid(Verdict.Invalid.MALFORMED);
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(ts);
        } catch (NumberFormatException e) {
            return new Verdict.Invalid(Verdict.Invalid.MALFORMED);
        }
        if (Math.abs(nowMillis - timestamp) > MAX_SKEW_MILLIS) return new Verdict.Invalid(Verdict.Invalid.STALE);
        if (!Signatures.verify(pubkey, message(method, pathAndQuery, host, timestamp, nonce, body), sig)) {
            return new Verdict.Invalid(Verdict.Invalid.BAD_SIGNATURE);
        }
        return new Verdict.Valid(pubkey, nonce, timestamp);
    }

    /**
     * The Host header an HTTP/1.1 client sends for {@code uri}: the host (IPv6 in brackets), plus {@code :port}
     * when the URI names a port other than the scheme's default.
     */
    public static String hostHeader(java.net.URI uri) {
        String host = Objects.requireNonNull(uri.getHost(), "URI has no host");
        int port = uri.getPort();
        boolean defaultPort = port == -1 || ("http".equalsIgnoreCase(uri.getScheme()) && port == 80)
                || ("https".equalsIgnoreCase(uri.getScheme()) && port == 443);
        return defaultPort ? host : host + ":" + port;
    }

    /** The raw path (at least {@code /}) and, when present, {@code ?} and the raw query of {@code uri}. */
    public static String pathAndQuery(java.net.URI uri) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
