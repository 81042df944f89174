package dev.idleclaw.announce;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Whether a peer URL may be stored or fetched (lobstah-wire.md §8, §12 #7): {@code http}/{@code https} only, then
 * the host is resolved and refused if <em>any</em> address is in a forbidden block (see {@link AddressBlocks}).
 * The policy decides which blocks: {@link Policy#LOCAL} allows loopback and private networks for local setups.
 */
public final class UrlSafety {

    /** Which addresses a deployment refuses. */
    public enum Policy {
        /** Upstream's default: loopback, link-local and unspecified refused; private networks allowed. */
        DEFAULT,
        /** Upstream's {@code LOBSTAH_BLOCK_PRIVATE_ADDRS=1}: also 10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7. */
        BLOCK_PRIVATE,
        /** Local testing: loopback and private allowed; link-local, unspecified and multicast still refused. */
        LOCAL
    }

    /** Resolves a host name to its addresses (injectable so tests need no DNS). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The answer for one URL. */
    public sealed interface Verdict {
        record Safe() implements Verdict {}

        record Unsafe(String why) implements Verdict {}

        default boolean safe() {
            return this instanceof Safe;
        }
    }

    /**
     * Hosts that look numeric but are not a plain dotted quad ({@code 2130706433}, {@code 0x7f.1}, {@code 127.1}):
     * other HTTP clients read them as IP addresses the JDK would resolve differently, so they are refused outright.
     */
    private static final Pattern AMBIGUOUS_NUMERIC = Pattern.compile("(?i)(0x[0-9a-f]*|\\d+)(\\.(0x[0-9a-f]*|\\d+)){0,3}\\.?");
    private static final Pattern DOTTED_QUAD = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private final Policy policy;
    private final Resolver resolver;
    private final Predicate<InetAddress> exempt;

    public UrlSafety(Policy policy, Resolver resolver) {
        this(policy, resolver, a -> false);
    }

    /**
     * A check that lets the addresses {@code exempt} accepts through whatever their block (a test's local server on
     * one loopback address, say); no command-line option sets one.
     */
    public UrlSafety(Policy policy, Resolver resolver, Predicate<InetAddress> exempt) {
        this.policy = policy;
        this.resolver = resolver;
        this.exempt = exempt;
    }

    /** The policy with the system resolver. */
    public static UrlSafety of(Policy policy) {
        return new UrlSafety(policy, InetAddress::getAllByName);
    }

    public Policy policy() {
        return policy;
    }

    /** Checks {@code url}; never throws. A host that does not resolve is unsafe (it cannot be vetted). */
    public Verdict check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            return new Verdict.Unsafe("not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) return new Verdict.Unsafe("only http and https URLs are allowed");
        if (uri.getRawUserInfo() != null) return new Verdict.Unsafe("credentials in a peer URL are not allowed");
        String host = uri.getHost();
        if (host == null || host.isEmpty()) return new Verdict.Unsafe("no host");
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        else if (AMBIGUOUS_NUMERIC.matcher(host).matches() && !DOTTED_QUAD.matcher(host).matches()) {
            return new Verdict.Unsafe("ambiguous numeric host " + host);
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException | RuntimeException e) {
            return new Verdict.Unsafe("cannot resolve " + host);
        }
        if (addresses == null || addresses.length == 0) return new Verdict.Unsafe("cannot resolve " + host);
        for (InetAddress a : addresses) {
            if (exempt.test(a)) continue;
            String block = AddressBlocks.forbidden(a.getAddress(), policy);
            if (block != null) return new Verdict.Unsafe(host + " resolves to " + a.getHostAddress() + " (" + block + ")");
        }
        return new Verdict.Safe();
    }
}
