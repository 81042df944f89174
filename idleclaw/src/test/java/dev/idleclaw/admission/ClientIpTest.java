package dev.idleclaw.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientIpTest {

    @Test
    void ignoresForwardedForFromAnUntrustedPeer() {
        var ip = new ClientIp(List.of("10.0.0.0/8"));
        assertThat(ip.resolve("203.0.113.7", "1.2.3.4")).isEqualTo("203.0.113.7");
        assertThat(new ClientIp(List.of()).resolve("127.0.0.1", "1.2.3.4")).isEqualTo("127.0.0.1");
    }

    @Test
    void usesThePeerWhenThereIsNoForwardedFor() {
        var ip = new ClientIp(List.of("127.0.0.1"));
        assertThat(ip.resolve("127.0.0.1", null)).isEqualTo("127.0.0.1");
        assertThat(ip.resolve("127.0.0.1", "  ")).isEqualTo("127.0.0.1");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            10.0.0.0/8            | 1.1.1.1                          | 1.1.1.1
            10.0.0.0/8            | 1.1.1.1, 2.2.2.2                 | 2.2.2.2
            10.0.0.0/8            | 1.1.1.1, 2.2.2.2, 10.9.8.7       | 2.2.2.2
            10.0.0.0/8            | 1.1.1.1,10.1.1.1,10.2.2.2        | 1.1.1.1
            10.0.0.0/8            | 10.1.1.1, 10.2.2.2               | 10.0.0.1
            10.0.0.0/8            | 1.1.1.1, , 10.1.1.1              | 1.1.1.1
            10.0.0.0/8            | 1.1.1.1, 11.0.0.1                | 11.0.0.1
            10.0.0.0/23           | 5.5.5.5, 10.0.1.255              | 5.5.5.5
            10.0.0.0/23           | 5.5.5.5, 10.0.2.0                | 10.0.2.0
            10.0.0.1              | 2001:db8::1, 10.0.0.1            | 2001:db8::1
            10.0.0.1              | [2001:db8::2]                    | [2001:db8::2]
            """)
    void takesTheRightMostHopThatIsNotATrustedProxy(String trusted, String forwardedFor, String expected) {
        assertThat(new ClientIp(List.of(trusted)).resolve("10.0.0.1", forwardedFor)).isEqualTo(expected);
    }

    @Test
    void matchesIpv6RangesAndKeepsFamiliesApart() {
        var ip = new ClientIp(List.of("fd00::/8", "::1"));
        assertThat(ip.resolve("::1", "2001:db8::9, fd12:3456::1")).isEqualTo("2001:db8::9");
        assertThat(ip.resolve("fdff:ffff::1", "2001:db8::9")).isEqualTo("2001:db8::9");
        assertThat(ip.resolve("fe00::1", "2001:db8::9")).isEqualTo("fe00::1");
        // An IPv4 peer never matches an IPv6 range of the same leading bits.
        assertThat(new ClientIp(List.of("::/0")).resolve("127.0.0.1", "1.2.3.4")).isEqualTo("127.0.0.1");
        assertThat(new ClientIp(List.of("127.0.0.0/8")).resolve("127.0.0.1", "::ffff:7f00:1, 1.2.3.4")).isEqualTo("1.2.3.4");
        // Every hop trusted: nothing better than the peer is known.
        assertThat(new ClientIp(List.of("0.0.0.0/0")).resolve("127.0.0.1", "1.2.3.4")).isEqualTo("127.0.0.1");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"unknown", "not an ip", "1.2.3", "1.2.3.4.5", "1.2.3.999", "300.1.1.1", "::zz", "<script>", "-"})
    void garbageInTheRightMostUntrustedHopFallsBackToThePeer(String garbage) {
        var ip = new ClientIp(List.of("127.0.0.1"));
        assertThat(ip.resolve("127.0.0.1", "9.9.9.9, " + garbage)).isEqualTo("127.0.0.1");
    }

    @Test
    void neverResolvesHostNames() {
        // If "localhost" were resolved it would be a trusted hop and 5.5.5.5 would be chosen.
        var ip = new ClientIp(List.of("127.0.0.1"));
        assertThat(ip.resolve("127.0.0.1", "5.5.5.5, localhost")).isEqualTo("127.0.0.1");
        // A peer given as a name is not trusted either.
        assertThat(ip.resolve("localhost", "5.5.5.5")).isEqualTo("localhost");
        for (String s : List.of("localhost", "example.com", "1.2.3.999", "999.1.1.1", "1.2.3.4a", ".::1", ".1.2.3",
                "\uFF11.2.3.4", "\uFF11::1")) {
            assertThat(ClientIp.literal(s)).as(s).isNull();
        }
        assertThat(ClientIp.literal("1.2.3.4")).containsExactly(1, 2, 3, 4);
        assertThat(ClientIp.literal("::1")).hasSize(16);
        assertThat(ClientIp.literal("[::1]")).hasSize(16);
    }

    @Test
    void invalidNumericLiteralsAreRejectedWithoutADnsLookup() {
        // Out-of-range octets look like IPv4 literals; the JDK would send them to the resolver. Many in a row
        // must stay fast (a DNS round trip each would take milliseconds to seconds).
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) assertThat(ClientIp.literal("1.2.3." + (256 + i))).isNull();
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"proxy.local", "10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0.0/-1", ""})
    void refusesBadTrustedProxySpecs(String spec) {
        assertThatThrownBy(() -> ClientIp.parseRange(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--trusted-proxy");
    }

    @Test
    void parsesCidrPrefixLengths() {
        assertThat(ClientIp.parseRange("10.0.0.0/8").bits()).isEqualTo(8);
        assertThat(ClientIp.parseRange("10.0.0.7").bits()).isEqualTo(32);
        assertThat(ClientIp.parseRange("fd00::/8").bits()).isEqualTo(8);
        assertThat(ClientIp.parseRange("::1").bits()).isEqualTo(128);
    }
}
