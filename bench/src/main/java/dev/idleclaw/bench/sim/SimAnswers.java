package dev.idleclaw.bench.sim;

import java.nio.charset.StandardCharsets;

/**
 * The simulated Ollama's HTTP answers as prebuilt bytes: the streamed {@code /api/chat} reply (each NDJSON line in
 * its own HTTP chunk, as Ollama flushes per token), a model list and a 404.
 */
final class SimAnswers {
    /** Ollama's reported durations (ns) for the final line: constants, nobody computes with them. */
    private static final long LOAD_NS = 1_000_000, EVAL_NS_PER_TOKEN = 1_000_000;
    /** A fixed creation time: a benchmark does not need the clock, and the line stays prebuilt. */
    private static final String CREATED = "2025-01-01T00:00:00Z";

    final int tokens;
    final long delayNanos;
    final byte[] streamHead, tokenChunk, doneChunks, tags, notFound;

    SimAnswers(String model, int tokens, long delayMillis) {
        this.tokens = tokens;
        this.delayNanos = delayMillis * 1_000_000;
        String m = "\"model\":\"" + model + "\",\"created_at\":\"" + CREATED + "\"";
        this.streamHead = ascii("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n");
        this.tokenChunk = chunk("{" + m + ",\"message\":{\"role\":\"assistant\",\"content\":\"tok \"},\"done\":false}\n");
        String done = "{" + m + ",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\""
                + ",\"total_duration\":" + (LOAD_NS + tokens * EVAL_NS_PER_TOKEN) + ",\"load_duration\":" + LOAD_NS
                + ",\"prompt_eval_count\":8,\"prompt_eval_duration\":800000,\"eval_count\":" + tokens
                + ",\"eval_duration\":" + tokens * EVAL_NS_PER_TOKEN + "}\n";
        byte[] last = chunk(done), end = ascii("0\r\n\r\n");
        this.doneChunks = new byte[last.length + end.length];
        System.arraycopy(last, 0, doneChunks, 0, last.length);
        System.arraycopy(end, 0, doneChunks, last.length, end.length);
        this.tags = json(200, "{\"models\":[{\"name\":\"" + model + "\",\"model\":\"" + model + "\",\"size\":2019393189}]}");
        this.notFound = json(404, "{\"error\":\"not found\"}");
    }

    private static byte[] chunk(String line) {
        byte[] body = line.getBytes(StandardCharsets.UTF_8);
        return concat(ascii(Integer.toHexString(body.length) + "\r\n"), body, ascii("\r\n"));
    }

    private static byte[] json(int status, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return concat(ascii("HTTP/1.1 " + status + (status == 200 ? " OK" : " Not Found")
                + "\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: " + b.length + "\r\n\r\n"), b);
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
