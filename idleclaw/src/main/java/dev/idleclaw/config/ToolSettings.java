package dev.idleclaw.config;

import static dev.idleclaw.config.Checks.require;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * The server-side tools: none unless a search service is configured.
 *
 * @param searchUrl      a SearXNG instance ({@code --search-url}); null: no tool is offered at all
 * @param fetch          also offer {@code web_fetch} ({@code --tool-fetch})
 * @param allDoors       offer the tools on the Ollama door too ({@code --tools-for-all-doors})
 * @param timeout        one tool call's limit ({@code --tool-timeout})
 * @param callsPerMinute tool calls one node's answers may make per minute
 * @param fetchExempt    addresses {@code web_fetch} may reach despite their block (tests' page server; never an option)
 */
public record ToolSettings(URI searchUrl, boolean fetch, boolean allDoors, Duration timeout, int callsPerMinute,
                           Predicate<InetAddress> fetchExempt) {
    /** Upstream's tool timeout (idleclaw-wire.md §7). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    /** Upstream's per-node tool rate (idleclaw-wire.md §6): a model looping on searches cannot flood the service. */
    public static final int DEFAULT_CALLS_PER_MINUTE = 20;

    public ToolSettings {
        if (searchUrl != null) {
            String scheme = searchUrl.getScheme() == null ? "" : searchUrl.getScheme().toLowerCase(Locale.ROOT);
            require((scheme.equals("http") || scheme.equals("https")) && searchUrl.getHost() != null,
                    "--search-url must be an http or https URL, got " + searchUrl);
        }
        require(!fetch || searchUrl != null, "--tool-fetch needs --search-url (no tool is offered without a search service)");
        require(timeout != null && !timeout.isNegative() && !timeout.isZero(), "--tool-timeout must be positive");
        require(callsPerMinute > 0, "tool calls per minute must be positive, got " + callsPerMinute);
        if (fetchExempt == null) fetchExempt = a -> false;
    }

    /** No tools. */
    public static ToolSettings none() {
        return new ToolSettings(null, false, false, DEFAULT_TIMEOUT, DEFAULT_CALLS_PER_MINUTE, null);
    }

    public boolean enabled() {
        return searchUrl != null;
    }
}
