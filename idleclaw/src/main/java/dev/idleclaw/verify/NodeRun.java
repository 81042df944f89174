package dev.idleclaw.verify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.ChatChunk;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.registry.Lease;
import dev.idleclaw.registry.NodeLink;
import dev.idleclaw.registry.RelayStream;
import dev.idleclaw.wire.HubMessage;
import java.time.Duration;
import java.util.UUID;

/**
 * One hidden request on one node, as the relay sends a consumer's: a UUID request id, no requester, the door's params.
 * Reads the answer's content up to what the check needs ({@code untilPrefixFull}: stop once the {@link Prefix} is full,
 * cancelling the rest; else read to the end, keeping at most {@link #MAX_ANSWER_CHARS}). A receipt on the final chunk
 * goes to {@link Receipts}. Blocks its (virtual) thread.
 */
final class NodeRun {
    /** A node silent this long on a hidden request fails it (the relay's own default is 60 s). */
    static final Duration CHUNK_TIMEOUT = Duration.ofSeconds(60);
    /** One hidden answer's wall time at most, the relay's default response timeout. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(120);
    /** Characters of an answer kept for a canary's check: the answer is in its first lines. */
    static final int MAX_ANSWER_CHARS = 4_000;
    /** Chunks buffered between the node's reader and this run, as for a consumer's request. */
    static final int BUFFER = 1_000;

    /** How the run ended. */
    sealed interface Outcome {}

    /** The answer: its kept text, its opening words, and whether it ended normally (false: stopped once enough was read). */
    record Answered(String text, Prefix prefix, boolean ended) implements Outcome {}

    /** No answer: the node failed, left, refused, or fell silent ({@code why} is for operators). */
    record Failed(String why) implements Outcome {}

    private NodeRun() {}

    /** Sends {@code params} on {@code lease}'s node and reads the answer; the lease is released before returning. */
    static Outcome run(Lease lease, ObjectNode params, boolean untilPrefixFull, Receipts receipts) throws InterruptedException {
        NodeLink link = lease.link();
        var stream = new RelayStream(UUID.randomUUID().toString(), lease, BUFFER);
        link.track(stream);
        try {
            if (!link.send(new HubMessage.InferenceRequest(stream.requestId(), params, null, java.util.List.of()))) {
                return new Failed("not sent");
            }
            return read(stream, params, untilPrefixFull, receipts);
        } finally {
            stream.close(false);
        }
    }

    private static Outcome read(RelayStream stream, ObjectNode params, boolean untilPrefixFull, Receipts receipts)
            throws InterruptedException {
        var text = new StringBuilder();
        var prefix = new Prefix();
        long relayed = 0;
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (true) {
            long left = Math.min(CHUNK_TIMEOUT.toNanos(), deadline - System.nanoTime());
            if (left <= 0) return new Failed("answer timeout");
            RelayStream.Event e = stream.poll(left);
            ChatChunk piece;
            switch (e) {
                case null -> { return new Failed("silent"); }
                case RelayStream.Chunk c when OllamaJson.isDone(c.chunk()) -> {
                    add(text, prefix, OllamaJson.chunk(c.chunk()));
                    if (c.receipt() != null) {
                        stream.close(false);
                        receipts.accept(stream.link(), stream.requestId(), params, OllamaJson.end(c.chunk()), relayed, c.receipt());
                    }
                    return new Answered(text.toString(), prefix.finish(), true);
                }
                case RelayStream.Chunk c -> piece = OllamaJson.chunk(c.chunk());
                case RelayStream.Piece p -> piece = p.chunk();
                case RelayStream.NodeError err -> { return new Failed("node error " + err.code()); }
                case RelayStream.Disconnected d -> { return new Failed("disconnected"); }
                case RelayStream.Refused r -> { return new Failed("refused"); }
                case RelayStream.Embedded wrong -> { return new Failed("embedding for a chat"); }
            }
            relayed += Math.max(1, receipts.tokens(piece.content()) + receipts.tokens(piece.thinking()));
            add(text, prefix, piece);
            if (untilPrefixFull && prefix.size() > PrefixRule.WORDS) return new Answered(text.toString(), prefix.finish(), false);
            if (!untilPrefixFull && text.length() >= MAX_ANSWER_CHARS) return new Answered(text.toString(), prefix.finish(), false);
        }
    }

    private static void add(StringBuilder text, Prefix prefix, ChatChunk piece) {
        String content = piece.content();
        if (content == null || content.isEmpty()) return;
        prefix.add(content);
        if (text.length() < MAX_ANSWER_CHARS) text.append(content, 0, Math.min(content.length(), MAX_ANSWER_CHARS - text.length()));
    }
}
