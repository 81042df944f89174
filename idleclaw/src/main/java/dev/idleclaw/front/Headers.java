package dev.idleclaw.front;

/** The HTTP header names the doors and the hub's web layer set or read, in one place. */
public final class Headers {
    /** A non-streamed answer's receipt, base64 wire form (lobstah-wire.md §4). */
    public static final String RECEIPT = "x-lobstah-receipt";
    /** The header original Lobstah routers name themselves in (unsigned, so taken as a name, never as proof). */
    public static final String REQUESTER = "x-lobstah-requester";
    /** Every answer names its request so operators can match client reports with hub logs. */
    public static final String REQUEST_ID = "X-Request-Id";
    /** The (anonymised) label of the node that served the answer. */
    public static final String SERVED_BY = "X-IdleClaw-Node";
    /** The queue position a request had when it had to wait, sent with the answer's headers. */
    public static final String QUEUE_POSITION = "X-IdleClaw-Queue-Position";
    /** Seconds a refused client should wait before trying again. */
    public static final String RETRY_AFTER = "Retry-After";
    /** OpenAI's SDKs read it to decide whether a failed request is worth retrying. */
    public static final String SHOULD_RETRY = "x-should-retry";
    public static final String CACHE_CONTROL = "Cache-Control";
    /**
     * IdleClaw's extension of Ollama's {@code /api/chat}: {@code web} asks for the hub's server-side tools with their
     * status lines and sources in the answer, {@code none} for no server-side tools (docs/protocol.md).
     */
    public static final String TOOLS = "X-IdleClaw-Tools";

    private Headers() {}
}
