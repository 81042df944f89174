package dev.idleclaw.admission;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Works out the client address. {@code X-Forwarded-For} is believed only when the socket peer is a configured
 * proxy, and then the right-most hop that is not itself a trusted proxy is the client (idleclaw-wire.md §11 #13).
 */
public final class ClientIp {
    private final List<Range> trusted;

    public ClientIp(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream().map(ClientIp::parseRange).toList();
    }

    /** The header clients and proxies name the hops in. */
    public static final String FORWARDED_FOR = "X-Forwarded-For";

    /**
     * Every {@code X-Forwarded-For} line of a request as one list, in order: repeated lines mean the same as one
     * comma-separated line (RFC 9110 §5.3), and a proxy that appends its own line rather than extending the client's
     * must not leave the client's forged line as the only one read. Null when there is none.
     */
    public static String joined(java.util.Collection<String> lines) {
        return lines == null || lines.isEmpty() ? null : String.join(",", lines);
    }

    /** The client of a request from {@code peer} whose {@code X-Forwarded-For} lines are {@code forwardedFor} joined. */
    public String resolve(String peer, String forwardedFor) {
        if (forwardedFor == null || forwardedFor.isBlank() || !isTrusted(peer)) return peer;
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].strip();
            if (hop.isEmpty()) continue;
            if (!isTrusted(hop)) return literalOr(hop, peer);
        }
        return peer;
    }

    /** Whether {@code address} (an IP literal) is one of the trusted proxies. */
    public boolean isTrusted(String address) {
        byte[] bytes = literal(address);
        if (bytes == null) return false;
        for (Range r : trusted) if (r.contains(bytes)) return true;
        return false;
    }

    private static String literalOr(String hop, String fallback) {
        return literal(hop) == null ? fallback : hop;
    }

    /** Parses {@code 10.0.0.1} or {@code 10.0.0.0/8} (IPv4 or IPv6 literals only, never a host name). */
    public static Range parseRange(String spec) {
        String s = spec.strip();
        int slash = s.indexOf('/');
        byte[] base = literal(slash < 0 ? s : s.substring(0, slash));
        if (base == null) throw new IllegalArgumentException("--trusted-proxy '" + spec + "' is not an IP address or CIDR range");
        int bits = base.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > base.length * 8) throw new IllegalArgumentException("--trusted-proxy '" + spec + "' has a bad prefix length");
        }
        return new Range(base, bits);
    }

    /** The address bytes of an IP literal, or null when {@code s} is not one (no DNS lookups, ever). */
    static byte[] literal(String s) {
        if (s == null || s.isEmpty()) return null;
        String t = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (t.isEmpty()) return null;
        // IPv4 is parsed here: the JDK sends out-of-range forms such as 1.2.3.999 to the resolver.
        if (t.indexOf(':') < 0) return ipv4(t);
        // The JDK parses a string with ':' as an IPv6 literal without a lookup only if it starts with ':' or a hex digit.
        boolean v6 = (t.charAt(0) == ':' || hex(t.charAt(0))) && t.chars().allMatch(c -> c == ':' || c == '.' || hex(c));
        if (!v6) return null;
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static boolean hex(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static byte[] ipv4(String t) {
        String[] parts = t.split("\\.", -1);
        if (parts.length != 4) return null;
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
            int v = Integer.parseInt(p);
            if (v > 255) return null;
            out[i] = (byte) v;
        }
        return out;
    }

    /** An address block. */
    public record Range(byte[] base, int bits) {
        boolean contains(byte[] addr) {
            if (addr.length != base.length) return false;
            int full = bits / 8, rest = bits % 8;
            for (int i = 0; i < full; i++) if (addr[i] != base[i]) return false;
            if (rest == 0) return true;
            int mask = 0xff << (8 - rest) & 0xff;
            return (addr[full] & mask) == (base[full] & mask);
        }
    }
}
