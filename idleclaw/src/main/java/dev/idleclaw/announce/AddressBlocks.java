package dev.idleclaw.announce;

import java.util.List;

/**
 * The address blocks {@link UrlSafety} refuses, as prefix rules over raw address bytes. IPv4-mapped
 * ({@code ::ffff:a.b.c.d}) and IPv4-compatible ({@code ::a.b.c.d}) IPv6 forms are judged as the IPv4 address.
 */
final class AddressBlocks {

    /** A named block: the first {@code bits} bits of {@code base}. */
    private record Block(String name, byte[] base, int bits) {
        boolean contains(byte[] a) {
            if (a.length != base.length) return false;
            int full = bits / 8, rest = bits % 8;
            for (int i = 0; i < full; i++) if (a[i] != base[i]) return false;
            int mask = 0xff << (8 - rest) & 0xff;
            return rest == 0 || (a[full] & mask) == (base[full] & mask);
        }
    }

    /** Refused by every policy: never a peer anyone should be sent to (metadata services, "this host", multicast). */
    private static final List<Block> ALWAYS = List.of(
            v4("link-local", 169, 254, 0, 0, 16), v4("unspecified", 0, 0, 0, 0, 8), v4("multicast", 224, 0, 0, 0, 4),
            v4("broadcast", 255, 255, 255, 255, 32),
            v6("unspecified", 128), v6("link-local", 10, 0xfe, 0x80), v6("multicast", 8, 0xff));
    /** Refused unless the policy is LOCAL. */
    private static final List<Block> LOOPBACK = List.of(v4("loopback", 127, 0, 0, 0, 8), v6("loopback", 128, loopback6()));
    /** Refused only by BLOCK_PRIVATE. */
    private static final List<Block> PRIVATE = List.of(
            v4("private", 10, 0, 0, 0, 8), v4("private", 172, 16, 0, 0, 12), v4("private", 192, 168, 0, 0, 16),
            v4("carrier-grade NAT", 100, 64, 0, 0, 10), v6("unique local", 7, 0xfc));

    private AddressBlocks() {}

    /** The name of the block that forbids {@code address} under {@code policy}, or null when it is allowed. */
    static String forbidden(byte[] address, UrlSafety.Policy policy) {
        byte[] a = unmapped(address);
        String hit = find(ALWAYS, a);
        if (hit == null && policy != UrlSafety.Policy.LOCAL) hit = find(LOOPBACK, a);
        if (hit == null && policy == UrlSafety.Policy.BLOCK_PRIVATE) hit = find(PRIVATE, a);
        return hit;
    }

    private static String find(List<Block> blocks, byte[] a) {
        for (Block b : blocks) if (b.contains(a)) return b.name();
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped or IPv4-compatible IPv6 address; otherwise the address itself. */
    static byte[] unmapped(byte[] a) {
        if (a.length != 16) return a;
        for (int i = 0; i < 10; i++) if (a[i] != 0) return a;
        boolean mapped = (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
        boolean compatible = a[10] == 0 && a[11] == 0;
        if (!mapped && !compatible) return a;
        // ::, ::1 are IPv6's own unspecified and loopback, not IPv4-compatible forms of 0.0.0.0 and 0.0.0.1.
        if (compatible && a[12] == 0 && a[13] == 0 && a[14] == 0 && (a[15] & 0xfe) == 0) return a;
        return new byte[] {a[12], a[13], a[14], a[15]};
    }

    private static Block v4(String name, int a, int b, int c, int d, int bits) {
        return new Block(name, new byte[] {(byte) a, (byte) b, (byte) c, (byte) d}, bits);
    }

    /** An IPv6 block whose leading bytes are {@code lead} (the rest zero). */
    private static Block v6(String name, int bits, int... lead) {
        byte[] base = new byte[16];
        for (int i = 0; i < lead.length; i++) base[i] = (byte) lead[i];
        return new Block(name, base, bits);
    }

    private static Block v6(String name, int bits, byte[] base) {
        return new Block(name, base, bits);
    }

    private static byte[] loopback6() {
        byte[] b = new byte[16];
        b[15] = 1;
        return b;
    }
}
