package dev.idleclaw.announce;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idleclaw.announce.UrlSafety.Policy;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The blocks over raw address bytes. The JDK turns {@code ::ffff:a.b.c.d} literals into IPv4 addresses before
 * {@link UrlSafety} sees them, so the IPv4-mapped form (as another resolver may hand it over) is tested here.
 */
class AddressBlocksTest {

    @ParameterizedTest(name = "{0}: default {1}, block-private {2}, local {3}")
    @CsvSource(nullValues = "-", textBlock = """
            00000000000000000000ffff7f000001, loopback,    loopback,          -
            00000000000000000000ffffa9fea9fe, link-local,  link-local,        link-local
            00000000000000000000ffff0a000001, -,           private,           -
            000000000000000000000000a9fea9fe, link-local,  link-local,        link-local
            0000000000000000000000007f000001, loopback,    loopback,          -
            00000000000000000000000000000001, loopback,    loopback,          -
            00000000000000000000000000000000, unspecified, unspecified,       unspecified
            00000000000000000000ff007f000001, -,           -,                 -
            0000000000000000000000ff7f000001, -,           -,                 -
            000000000000000000001234a9fea9fe, -,           -,                 -
            00000000000000000001ffff7f000001, -,           -,                 -
            7f000001,                         loopback,    loopback,          -
            64400001,                         -,           carrier-grade NAT, -
            fd000000000000000000000000000001, -,           unique local,      -
            ff020000000000000000000000000001, multicast,   multicast,         multicast
            """)
    void namesTheBlockThatForbidsAnAddress(String hex, String byDefault, String blockPrivate, String local) {
        byte[] address = HexFormat.of().parseHex(hex);
        assertThat(AddressBlocks.forbidden(address, Policy.DEFAULT)).as("default").isEqualTo(byDefault);
        assertThat(AddressBlocks.forbidden(address, Policy.BLOCK_PRIVATE)).as("block-private").isEqualTo(blockPrivate);
        assertThat(AddressBlocks.forbidden(address, Policy.LOCAL)).as("local").isEqualTo(local);
    }

    @ParameterizedTest
    @CsvSource({
            "00000000000000000000ffff7f000001, 7f000001",
            "000000000000000000000000a9fea9fe, a9fea9fe",
            "00000000000000000000000000000001, 00000000000000000000000000000001",
            "00000000000000000000000000000002, 00000002",
            "000000000000000000001234a9fea9fe, 000000000000000000001234a9fea9fe",
            "0a000001, 0a000001"})
    void embeddedIpv4AddressesAreUnwrappedAndOthersLeftAlone(String hex, String unmapped) {
        assertThat(HexFormat.of().formatHex(AddressBlocks.unmapped(HexFormat.of().parseHex(hex)))).isEqualTo(unmapped);
    }
}
