package dev.idleclaw.node;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.wire.NodeLimits;
import dev.idleclaw.wire.WireLimits;
import java.net.URI;

/**
 * What {@code idleclaw contribute} needs: where the hub and the local Ollama are, how many requests to run at
 * once, and its timings. Validated on construction; messages name the command-line option (and environment
 * variable) to fix. {@code hubUrl} is always the final {@code ws(s)://…/ws/node} URL (see {@link NodeUrls}).
 * {@code identity} is the key the node proves to the hub and signs receipts with; null = anonymous (earns nothing).
 * {@code tls} is the TLS context for a {@code wss://} hub; null = the JDK's default (its trusted CAs).
 * {@code limits} is what the node accepts per request and advertises; null = {@link NodeLimits#AGENT}, and a
 * contributor may only lower them.
 */
public record NodeConfig(URI hubUrl, URI ollamaUrl, int maxConcurrent, NodeTimings timings, Identity identity,
                         javax.net.ssl.SSLContext tls, NodeLimits limits) {

    /** Upstream default: two parallel generations fit on most single-GPU machines. */
    public static final int DEFAULT_MAX_CONCURRENT = WireLimits.DEFAULT_MAX_CONCURRENT;
    /** Hubs clamp larger claims to this anyway. */
    public static final int MAX_CONCURRENT = WireLimits.MAX_CONCURRENT_CEILING;
    /** The hub address IdleClaw's tools use when none is given: a hub on this machine. */
    public static final String DEFAULT_SERVER = "http://127.0.0.1:8000";
    /** Ollama's own default address. */
    public static final String DEFAULT_OLLAMA = "http://localhost:11434";

    public NodeConfig {
        if (hubUrl == null) throw new IllegalArgumentException("--server (IDLECLAW_SERVER) is required");
        hubUrl = NodeUrls.hubUrl(hubUrl.toString());
        if (ollamaUrl == null) throw new IllegalArgumentException("--ollama (OLLAMA_HOST) is required");
        ollamaUrl = NodeUrls.ollamaUrl(ollamaUrl.toString());
        if (maxConcurrent < 1 || maxConcurrent > MAX_CONCURRENT) {
            throw new IllegalArgumentException("--max-concurrent (IDLECLAW_MAX_CONCURRENT) must be between 1 and "
                    + MAX_CONCURRENT + ", got " + maxConcurrent);
        }
        if (timings == null) timings = NodeTimings.DEFAULTS;
        if (limits == null) limits = NodeLimits.AGENT;
        if (!NodeLimits.AGENT.covers(limits)) {
            throw new IllegalArgumentException("--max-messages, --max-message-chars and --max-request-bytes can only lower "
                    + "the node's limits (at most " + NodeLimits.AGENT.maxMessages() + ", " + NodeLimits.AGENT.maxMessageChars()
                    + " and " + NodeLimits.AGENT.maxRequestBytes() + ")");
        }
    }

    /** A node with the default limits. */
    public NodeConfig(URI hubUrl, URI ollamaUrl, int maxConcurrent, NodeTimings timings, Identity identity,
                      javax.net.ssl.SSLContext tls) {
        this(hubUrl, ollamaUrl, maxConcurrent, timings, identity, tls, null);
    }

    /** An anonymous node. */
    public NodeConfig(URI hubUrl, URI ollamaUrl, int maxConcurrent, NodeTimings timings) {
        this(hubUrl, ollamaUrl, maxConcurrent, timings, null, null);
    }

    /** Parses option values as typed by a user (see {@link NodeUrls} for the accepted URL forms). */
    public static NodeConfig of(String server, String ollama, int maxConcurrent) {
        return new NodeConfig(NodeUrls.hubUrl(server), NodeUrls.ollamaUrl(ollama), maxConcurrent, NodeTimings.DEFAULTS);
    }

    public NodeConfig withTimings(NodeTimings t) {
        return new NodeConfig(hubUrl, ollamaUrl, maxConcurrent, t, identity, tls, limits);
    }

    public NodeConfig withIdentity(Identity id) {
        return new NodeConfig(hubUrl, ollamaUrl, maxConcurrent, timings, id, tls, limits);
    }

    public NodeConfig withTls(javax.net.ssl.SSLContext context) {
        return new NodeConfig(hubUrl, ollamaUrl, maxConcurrent, timings, identity, context, limits);
    }

    public NodeConfig withLimits(NodeLimits l) {
        return new NodeConfig(hubUrl, ollamaUrl, maxConcurrent, timings, identity, tls, l);
    }
}
