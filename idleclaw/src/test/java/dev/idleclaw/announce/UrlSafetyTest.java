package dev.idleclaw.announce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.announce.UrlSafety.Policy;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The URL rules per policy; names resolve through a fixed table, never real DNS. */
class UrlSafetyTest {
    private static final Map<String, String[]> DNS = Map.of(
            "public.example", new String[] {"93.184.216.34"},
            "home.example", new String[] {"192.168.1.10"},
            "sneaky.example", new String[] {"93.184.216.34", "127.0.0.1"},
            "localhost", new String[] {"127.0.0.1", "::1"},
            "metadata.example", new String[] {"169.254.169.254"});

    private static UrlSafety safety(Policy policy) {
        return new UrlSafety(policy, host -> {
            String[] ips = DNS.get(host);
            if (ips != null) {
                var out = new InetAddress[ips.length];
                for (int i = 0; i < ips.length; i++) out[i] = InetAddress.getByName(ips[i]);
                return out;
            }
            // Literals only (no lookups): anything else is an unknown name.
            if (host.matches("[0-9.]+") || host.contains(":")) return InetAddress.getAllByName(host);
            throw new UnknownHostException(host);
        });
    }

    @ParameterizedTest(name = "{0}: default {1}, block-private {2}, local {3}")
    @CsvSource(delimiter = '|', textBlock = """
            http://93.184.216.34:17474          | safe   | safe   | safe
            https://public.example              | safe   | safe   | safe
            HTTP://public.example/x             | safe   | safe   | safe
            ftp://public.example                | unsafe | unsafe | unsafe
            file:///etc/passwd                  | unsafe | unsafe | unsafe
            not a url                           | unsafe | unsafe | unsafe
            http://nowhere.example              | unsafe | unsafe | unsafe
            http://user:pw@public.example       | unsafe | unsafe | unsafe
            http://127.0.0.1:17474              | unsafe | unsafe | safe
            http://127.8.9.10                   | unsafe | unsafe | safe
            http://localhost:17474              | unsafe | unsafe | safe
            http://[::1]:17474                  | unsafe | unsafe | safe
            http://[::ffff:127.0.0.1]:17474     | unsafe | unsafe | safe
            http://[::ffff:7f00:1]              | unsafe | unsafe | safe
            http://sneaky.example               | unsafe | unsafe | safe
            http://0.0.0.0:17474                | unsafe | unsafe | unsafe
            http://[::]:17474                   | unsafe | unsafe | unsafe
            http://169.254.169.254              | unsafe | unsafe | unsafe
            http://metadata.example             | unsafe | unsafe | unsafe
            http://[::ffff:169.254.169.254]     | unsafe | unsafe | unsafe
            http://[::127.0.0.1]                | unsafe | unsafe | safe
            http://[::169.254.169.254]          | unsafe | unsafe | unsafe
            http://[::224.0.0.1]                | unsafe | unsafe | unsafe
            http://[::10.0.0.1]                 | safe   | unsafe | safe
            http://[::2]                        | unsafe | unsafe | unsafe
            http://[1::127.0.0.1]               | safe   | safe   | safe
            http://[::1:0:7f00:1]               | safe   | safe   | safe
            http://[fe80::1]                    | unsafe | unsafe | unsafe
            http://[febf::1]                    | unsafe | unsafe | unsafe
            http://[fec0::1]                    | safe   | safe   | safe
            http://2130706433                   | unsafe | unsafe | unsafe
            http://0x7f.0.0.1                   | unsafe | unsafe | unsafe
            http://127.1                        | unsafe | unsafe | unsafe
            http://010.0.0.1                    | unsafe | unsafe | unsafe
            http://10.0.0.5:17474               | safe   | unsafe | safe
            http://172.16.0.1                   | safe   | unsafe | safe
            http://172.31.255.255               | safe   | unsafe | safe
            http://172.32.0.1                   | safe   | safe   | safe
            http://192.168.1.1                  | safe   | unsafe | safe
            http://home.example                 | safe   | unsafe | safe
            http://100.64.0.1                   | safe   | unsafe | safe
            http://100.127.255.255              | safe   | unsafe | safe
            http://100.128.0.1                  | safe   | safe   | safe
            http://[fc00::1]                    | safe   | unsafe | safe
            http://[fdff::1]                    | safe   | unsafe | safe
            http://[::ffff:10.0.0.1]            | safe   | unsafe | safe
            http://[2001:db8::1]                | safe   | safe   | safe
            """)
    void refusesTheAddressesOfEachPolicy(String url, String byDefault, String blockPrivate, String local) {
        assertThat(verdict(Policy.DEFAULT, url)).as("default").isEqualTo(byDefault);
        assertThat(verdict(Policy.BLOCK_PRIVATE, url)).as("block-private").isEqualTo(blockPrivate);
        assertThat(verdict(Policy.LOCAL, url)).as("local").isEqualTo(local);
    }

    @org.junit.jupiter.api.Test
    void theVerdictNamesTheAddressAndItsBlock() {
        assertThat(safety(Policy.DEFAULT).check("http://sneaky.example"))
                .isEqualTo(new UrlSafety.Verdict.Unsafe("sneaky.example resolves to 127.0.0.1 (loopback)"));
        assertThat(safety(Policy.DEFAULT).check("http://[::169.254.169.254]"))
                .isEqualTo(new UrlSafety.Verdict.Unsafe("::169.254.169.254 resolves to 0:0:0:0:0:0:a9fe:a9fe (link-local)"));
        assertThat(safety(Policy.DEFAULT).check("http://2130706433")).isEqualTo(new UrlSafety.Verdict.Unsafe("ambiguous numeric host 2130706433"));
        assertThat(safety(Policy.DEFAULT).check("http://nowhere.example")).isEqualTo(new UrlSafety.Verdict.Unsafe("cannot resolve nowhere.example"));
        assertThat(safety(Policy.BLOCK_PRIVATE).policy()).isEqualTo(Policy.BLOCK_PRIVATE);
        assertThat(UrlSafety.of(Policy.LOCAL).policy()).isEqualTo(Policy.LOCAL);
    }

    @org.junit.jupiter.api.Test
    void aResolverThatFindsNothingOrFailsMakesAUrlUnsafe() {
        for (UrlSafety.Resolver r : java.util.List.<UrlSafety.Resolver>of(h -> new InetAddress[0], h -> null, h -> {
            throw new IllegalStateException("resolver broke");
        })) {
            assertThat(new UrlSafety(Policy.LOCAL, r).check("http://public.example"))
                    .isEqualTo(new UrlSafety.Verdict.Unsafe("cannot resolve public.example"));
        }
    }

    @org.junit.jupiter.api.Test
    void onlyABracketedHostIsAnIpv6Literal() {
        // URI keeps the brackets of an IPv6 host; a resolver sees the bare address.
        var seen = new java.util.ArrayList<String>();
        var s = new UrlSafety(Policy.LOCAL, h -> {
            seen.add(h);
            return InetAddress.getAllByName(h);
        });
        assertThat(s.check("http://[::1]:8000").safe()).isTrue();
        assertThat(s.check("http://127.0.0.1:8000").safe()).isTrue();
        assertThat(seen).containsExactly("::1", "127.0.0.1");
    }

    private static String verdict(Policy policy, String url) {
        return safety(policy).check(url).safe() ? "safe" : "unsafe";
    }
}
