package dev.idleclaw.wire;

/** Limits fixed by the IdleClaw node protocol (idleclaw-wire.md §4–§6); both sides enforce them. */
public final class WireLimits {
    /** Upstream schema: node ids and model names are short labels. */
    public static final int MAX_ID_CHARS = 64;
    /** Upstream cap on models one node may register. */
    public static final int MAX_MODELS_PER_NODE = 20;
    /** Default parallel requests per node when the node does not say. */
    public static final int DEFAULT_MAX_CONCURRENT = 2;
    /** Clamp for a node's claimed parallelism: one node never takes more than ten streams. */
    public static final int MAX_CONCURRENT_CEILING = 10;
    /** A node never sends a chunk message larger than this; bigger Ollama lines are skipped. */
    public static final int MAX_CHUNK_BYTES = 100_000;
    /** Python websockets' default frame limit: every hub→node message must stay below it. */
    public static final int MAX_HUB_MESSAGE_BYTES = 1 << 20;
    /** An original node's request rules: at most this many messages, each at most this many chars ({@link NodeLimits#ORIGINAL}). */
    public static final int MAX_MESSAGES = 50;
    public static final int MAX_MESSAGE_CHARS = 10_000;

    /** Inputs per {@code embed_request}: with 1,024-dimension vectors the answer stays well under a 1 MiB frame. */
    public static final int MAX_EMBED_INPUTS = 32;
    /** Characters per embedding input: far beyond any embedding model's context, yet a bounded frame. */
    public static final int MAX_EMBED_INPUT_CHARS = 20_000;
    /** Numbers per vector: the largest embedding models have 4,096 dimensions. */
    public static final int MAX_EMBED_DIMENSIONS = 8_192;
    /** Largest {@code embed_result} a node sends, the frame limit of both sides' WebSocket libraries. */
    public static final int MAX_EMBED_RESULT_BYTES = 1 << 20;

    /** Features one node may advertise: a handful of labels. */
    public static final int MAX_FEATURES = 16;

    private WireLimits() {}
}
