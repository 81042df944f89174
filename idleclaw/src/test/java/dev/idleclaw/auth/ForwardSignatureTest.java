package dev.idleclaw.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.auth.ForwardSignature.Forward;
import dev.idleclaw.auth.ForwardSignature.Verdict;
import dev.idleclaw.identity.Identity;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Forward headers (docs/protocol.md "Forwarding"): what they bind, and every way they are refused. */
class ForwardSignatureTest {
    private static final Identity HUB = Identity.generate();
    private static final Identity FIRST = Identity.generate();
    private static final String CALLER = Identity.generate().publicKey();
    private static final long NOW = 1_795_264_709_740L;
    private static final byte[] BODY = "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8);
    private static final String PATH = "/v1/chat/completions";
    private static final String HOST = "peer.example:8000";

    private static Map<String, String> signed() {
        return ForwardSignature.sign(HUB, "POST", PATH, HOST, BODY, CALLER, List.of(FIRST.publicKey()), NOW);
    }

    private static Verdict verify(Map<String, String> headers) {
        return ForwardSignature.verify(headers::get, "POST", PATH, HOST, BODY, NOW);
    }

    private static Map<String, String> with(String name, String value) {
        var h = new HashMap<>(signed());
        if (value == null) h.remove(name);
        else h.put(name, value);
        return h;
    }

    @Test
    void aForwardVerifiesAsWhoForwardedForWhomAndTheWayItCame() {
        var headers = signed();
        assertThat(headers.get(ForwardSignature.HOPS)).isEqualTo("2");
        assertThat(headers.get(ForwardSignature.VIA)).isEqualTo(FIRST.publicKey() + "," + HUB.publicKey());
        assertThat(headers.get(ForwardSignature.NONCE)).matches("[0-9a-f]{32}");
        assertThat(verify(headers)).isEqualTo(new Verdict.Valid(new Forward(HUB.publicKey(), CALLER, 2,
                List.of(FIRST.publicKey(), HUB.publicKey()), headers.get(ForwardSignature.NONCE), NOW)));
    }

    @Test
    void aFirstHopForAnAnonymousCallerVerifies() {
        var headers = ForwardSignature.sign(HUB, "POST", PATH, HOST, BODY, "anonymous", List.of(), NOW);
        var v = verify(headers);
        assertThat(v).isInstanceOfSatisfying(Verdict.Valid.class, ok -> {
            assertThat(ok.forward().onBehalfOf()).isEqualTo("anonymous");
            assertThat(ok.forward().hops()).isEqualTo(1);
            assertThat(ok.forward().via()).containsExactly(HUB.publicKey());
        });
    }

    @Test
    void noSignatureHeaderMeansNoForward() {
        assertThat(verify(Map.of())).isEqualTo(new Verdict.Absent());
    }

    @Test
    void theSignedMessageAddsTheForwardFieldsToTheRequestMessage() {
        String nonce = "00112233445566778899aabbccddeeff";
        String request = new String(RequestSignature.message("POST", PATH, HOST, NOW, nonce, BODY), StandardCharsets.UTF_8);
        assertThat(new String(ForwardSignature.message("POST", PATH, HOST, NOW, nonce, BODY, "anonymous", 2, List.of("a", "b")),
                StandardCharsets.UTF_8)).isEqualTo("idleclaw-forward-v1\n" + request + "\nanonymous\n2\na,b");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(nullValues = "NULL", textBlock = """
            x-idleclaw-forwarder,           NULL
            x-idleclaw-forwarder,           lob1XYZ
            x-idleclaw-on-behalf-of,        NULL
            x-idleclaw-on-behalf-of,        someone
            x-idleclaw-hops,                NULL
            x-idleclaw-hops,                two
            x-idleclaw-hops,                -2
            x-idleclaw-hops,                3
            x-idleclaw-hops,                1
            x-idleclaw-via,                 NULL
            x-idleclaw-forward-timestamp,   NULL
            x-idleclaw-forward-timestamp,   soon
            x-idleclaw-forward-nonce,       NULL
            x-idleclaw-forward-nonce,       00112233445566778899AABBCCDDEEFF
            x-idleclaw-forward-nonce,       0011
            """)
    void malformedHeadersAreRefused(String header, String value) {
        assertThat(verify(with(header, value))).isEqualTo(new Verdict.Invalid("malformed"));
    }

    @Test
    void aPathThatDoesNotEndWithTheForwarderOrHoldsABadKeyIsMalformed() {
        var headers = signed();
        String hub = HUB.publicKey(), first = FIRST.publicKey();
        assertThat(verify(with(ForwardSignature.VIA, hub + "," + first))).isEqualTo(new Verdict.Invalid("malformed"));
        assertThat(verify(with(ForwardSignature.VIA, "lob1bad," + hub))).isEqualTo(new Verdict.Invalid("malformed"));
        assertThat(verify(with(ForwardSignature.VIA, "," + hub))).isEqualTo(new Verdict.Invalid("malformed"));
        assertThat(headers.get(ForwardSignature.VIA)).isEqualTo(first + "," + hub);
    }

    @Test
    void aForwardOutsideTheSkewWindowIsStaleAndTheEdgeIsNot() {
        var headers = signed();
        long skew = RequestSignature.MAX_SKEW_MILLIS;
        for (long now : new long[] {NOW + skew + 1, NOW - skew - 1}) {
            assertThat(ForwardSignature.verify(headers::get, "POST", PATH, HOST, BODY, now))
                    .isEqualTo(new Verdict.Invalid("stale or future timestamp"));
        }
        for (long now : new long[] {NOW + skew, NOW - skew}) {
            assertThat(ForwardSignature.verify(headers::get, "POST", PATH, HOST, BODY, now)).isInstanceOf(Verdict.Valid.class);
        }
    }

    @Test
    void theSignatureCoversRequestCallerAndPath() {
        var headers = signed();
        Verdict bad = new Verdict.Invalid("bad signature");
        assertThat(ForwardSignature.verify(headers::get, "GET", PATH, HOST, BODY, NOW)).isEqualTo(bad);
        assertThat(ForwardSignature.verify(headers::get, "POST", "/api/chat", HOST, BODY, NOW)).isEqualTo(bad);
        assertThat(ForwardSignature.verify(headers::get, "POST", PATH, "other.example:8000", BODY, NOW)).isEqualTo(bad);
        assertThat(ForwardSignature.verify(headers::get, "POST", PATH, HOST, new byte[0], NOW)).isEqualTo(bad);
        assertThat(verify(with(ForwardSignature.ON_BEHALF_OF, "anonymous"))).isEqualTo(bad);
        assertThat(verify(with(ForwardSignature.NONCE, "00112233445566778899aabbccddeeff"))).isEqualTo(bad);
        assertThat(verify(with(ForwardSignature.TIMESTAMP, Long.toString(NOW + 1)))).isEqualTo(bad);
        assertThat(verify(with(ForwardSignature.SIGNATURE, "0".repeat(128)))).isEqualTo(bad);
        var shorter = new HashMap<>(headers);
        shorter.put(ForwardSignature.VIA, HUB.publicKey());
        shorter.put(ForwardSignature.HOPS, "1");
        assertThat(verify(shorter)).isEqualTo(bad);
    }

    @Test
    void theHopLimitAllowsARouterAHubAndItsPeer() {
        assertThat(ForwardSignature.MAX_HOPS).isEqualTo(3);
    }
}
