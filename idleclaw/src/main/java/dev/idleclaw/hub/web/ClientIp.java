package dev.idleclaw.hub.web;

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

    private boolean isTrusted(String address) {
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
        boolean v4 = t.chars().allMatch(c -> c == '.' || Character.isDigit(c)) && t.chars().filter(c -> c == '.').count() == 3;
        boolean v6 = t.indexOf(':') >= 0 && t.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
        if (!v4 && !v6) return null;
        try {
            return InetAddress.getByName(t).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
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
