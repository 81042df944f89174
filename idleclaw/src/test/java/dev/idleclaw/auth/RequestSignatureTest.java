package dev.idleclaw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.auth.RequestSignature.Verdict;
import dev.idleclaw.identity.Identity;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestSignatureTest {
    private static final Identity ME = Identity.generate();
    private static final long NOW = 1_795_264_709_740L;
    private static final byte[] BODY = "{\"model\":\"llama3.1:8b\"}".getBytes(StandardCharsets.UTF_8);
    private static final String PATH = "/api/chat?x=1";
    private static final String HOST = "hub.example:8000";

    private static Map<String, String> signed() {
        return RequestSignature.sign(ME, "POST", PATH, HOST, BODY, NOW);
    }

    private static Verdict verify(Map<String, String> headers) {
        return RequestSignature.verify(headers, "POST", PATH, HOST, BODY, NOW);
    }

    private static Map<String, String> with(String name, String value) {
        var h = new HashMap<>(signed());
        if (value == null) h.remove(name);
        else h.put(name, value);
        return h;
    }

    @Test
    void aSignedRequestVerifiesAsItsKeyNonceAndTimestamp() {
        var headers = signed();
        assertThat(headers).containsOnlyKeys("x-lobstah-requester", "x-idleclaw-timestamp", "x-idleclaw-nonce", "x-lobstah-requester-sig");
        assertThat(headers.get("x-lobstah-requester")).isEqualTo(ME.publicKey());
        assertThat(headers.get("x-idleclaw-timestamp")).isEqualTo(Long.toString(NOW));
        assertThat(headers.get("x-idleclaw-nonce")).matches("[0-9a-f]{32}");
        assertThat(headers.get("x-lobstah-requester-sig")).matches("[0-9a-f]{128}");
        Verdict v = verify(headers);
        assertThat(v).isEqualTo(new Verdict.Valid(ME.publicKey(), headers.get("x-idleclaw-nonce"), NOW));
        assertThat(((Verdict.Valid) v).nonceExpiresAt()).isEqualTo(NOW + 5 * 60_000);
    }

    @Test
    void theSignedMessageIsTheDocumentedText() {
        String nonce = "00112233445566778899aabbccddeeff";
        String expected = "idleclaw-request-v1\nPOST\n/api/chat?x=1\nhub.example:8000\n" + NOW + "\n" + nonce
                + "\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assertThat(new String(RequestSignature.message("POST", PATH, HOST, NOW, nonce, new byte[0]), StandardCharsets.UTF_8))
                .isEqualTo(expected);
    }

    @Test
    void headerNamesMatchInAnyCase() {
        var upper = new HashMap<String, String>();
        signed().forEach((k, v) -> upper.put(k.toUpperCase(), v));
        assertThat(verify(upper)).isInstanceOf(Verdict.Valid.class);
    }

    @Test
    void eachNonceIsFresh() {
        assertThat(signed().get("x-idleclaw-nonce")).isNotEqualTo(signed().get("x-idleclaw-nonce"));
    }

    @Test
    void aTamperedBodyIsABadSignature() {
        byte[] other = "{\"model\":\"llama3.1:70b\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(RequestSignature.verify(signed(), "POST", PATH, HOST, other, NOW)).isEqualTo(new Verdict.Invalid("bad signature"));
    }

    @Test
    void anotherPathQueryMethodOrHostIsABadSignature() {
        var h = signed();
        assertThat(RequestSignature.verify(h, "POST", "/api/chat", HOST, BODY, NOW)).isEqualTo(new Verdict.Invalid("bad signature"));
        assertThat(RequestSignature.verify(h, "POST", "/v1/chat/completions?x=1", HOST, BODY, NOW)).isEqualTo(new Verdict.Invalid("bad signature"));
        assertThat(RequestSignature.verify(h, "PUT", PATH, HOST, BODY, NOW)).isEqualTo(new Verdict.Invalid("bad signature"));
        assertThat(RequestSignature.verify(h, "POST", PATH, "evil.example:8000", BODY, NOW)).isEqualTo(new Verdict.Invalid("bad signature"));
    }

    @Test
    void methodAndHostCaseDoNotMatter() {
        assertThat(RequestSignature.verify(signed(), "post", PATH, "HUB.example:8000", BODY, NOW)).isInstanceOf(Verdict.Valid.class);
    }

    @Test
    void namingAnotherKeyIsABadSignature() {
        assertThat(verify(with("x-lobstah-requester", Identity.generate().publicKey()))).isEqualTo(new Verdict.Invalid("bad signature"));
    }

    @Test
    void aTamperedTimestampOrNonceIsABadSignature() {
        assertThat(verify(with("x-idleclaw-timestamp", Long.toString(NOW + 1)))).isEqualTo(new Verdict.Invalid("bad signature"));
        assertThat(verify(with("x-idleclaw-nonce", "0".repeat(32)))).isEqualTo(new Verdict.Invalid("bad signature"));
    }

    @Test
    void timestampsUpToFiveMinutesEitherWayAreAcceptedAndNoFurther() {
        long window = RequestSignature.MAX_SKEW_MILLIS;
        assertThat(window).isEqualTo(300_000);
        for (long ts : new long[] {NOW - window, NOW + window}) {
            var h = RequestSignature.sign(ME, "POST", PATH, HOST, BODY, ts);
            assertThat(verify(h)).as("ts %d", ts).isInstanceOf(Verdict.Valid.class);
        }
        for (long ts : new long[] {NOW - window - 1, NOW + window + 1}) {
            var h = RequestSignature.sign(ME, "POST", PATH, HOST, BODY, ts);
            assertThat(verify(h)).as("ts %d", ts).isEqualTo(new Verdict.Invalid("stale or future timestamp"));
        }
    }

    @Test
    void malformedHeadersAreMalformed() {
        String malformed = "malformed";
        assertThat(verify(with("x-lobstah-requester", null))).isEqualTo(new Verdict.Invalid(malformed));
        assertThat(verify(with("x-lobstah-requester", "lob1" + "A".repeat(64)))).isEqualTo(new Verdict.Invalid(malformed));
        assertThat(verify(with("x-idleclaw-timestamp", null))).isEqualTo(new Verdict.Invalid(malformed));
        assertThat(verify(with("x-idleclaw-timestamp", "-1"))).isEqualTo(new Verdict.Invalid(malformed));
        assertThat(verify(with("x-idleclaw-timestamp", "1e12"))).isEqualTo(new Verdict.Invalid(malformed));
        assertThat(verify(with("x-idleclaw-timestamp", "99999999999999999999"))).isEqualTo(new Verdict.Invalid(malformed));
        assertThat(verify(with("x-idleclaw-nonce", null))).isEqualTo(new Verdict.Invalid(malformed));
        assertThat(verify(with("x-idleclaw-nonce", "ABCDEF".repeat(5) + "AB"))).isEqualTo(new Verdict.Invalid(malformed));
        assertThat(verify(with("x-idleclaw-nonce", "ab"))).isEqualTo(new Verdict.Invalid(malformed));
        assertThat(verify(with("x-lobstah-requester-sig", "zz"))).isEqualTo(new Verdict.Invalid(malformed));
        assertThat(verify(with("x-lobstah-requester-sig", signed().get("x-lobstah-requester-sig").toUpperCase())))
                .isEqualTo(new Verdict.Invalid(malformed));
    }

    @Test
    void withoutASignatureTheRequestIsAnonymousEvenIfItNamesARequester() {
        assertThat(verify(Map.of())).isEqualTo(new Verdict.Absent());
        assertThat(verify(Map.of("x-lobstah-requester", ME.publicKey()))).isEqualTo(new Verdict.Absent());
        assertThat(verify(with("x-lobstah-requester-sig", null))).isEqualTo(new Verdict.Absent());
    }

    @Test
    void hostHeaderAndPathFollowWhatAnHttpClientSends() {
        assertThat(RequestSignature.hostHeader(URI.create("http://127.0.0.1:8000/api/chat"))).isEqualTo("127.0.0.1:8000");
        assertThat(RequestSignature.hostHeader(URI.create("http://hub.example/api/chat"))).isEqualTo("hub.example");
        assertThat(RequestSignature.hostHeader(URI.create("http://hub.example:80/x"))).isEqualTo("hub.example");
        assertThat(RequestSignature.hostHeader(URI.create("https://hub.example:443/x"))).isEqualTo("hub.example");
        assertThat(RequestSignature.hostHeader(URI.create("https://hub.example:8443/x"))).isEqualTo("hub.example:8443");
        assertThat(RequestSignature.hostHeader(URI.create("http://[::1]:8000/x"))).isEqualTo("[::1]:8000");
        assertThat(RequestSignature.pathAndQuery(URI.create("http://h/a%20b?q=a%26b&r"))).isEqualTo("/a%20b?q=a%26b&r");
        assertThat(RequestSignature.pathAndQuery(URI.create("http://h"))).isEqualTo("/");
    }
}
