package dev.idleclaw.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.chat.OllamaJson;
import dev.idleclaw.json.Json;
import dev.idleclaw.wire.HubMessage;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Known-answer probes (idleclaw-wire.md §8): now and then one random idle node gets a short question with a
 * checkable answer; a pass earns reputation, a miss, error or silence costs more. This is also how a node whose
 * reputation fell after failures earns its way back.
 */
public final class Prober {
    private static final Logger log = LoggerFactory.getLogger(Prober.class);
    /** Upstream rewards and penalties: a wrong answer is worse than a right one is good. */
    static final double PASS_REWARD = 0.05, MISS_PENALTY = 0.15;
    /** Short factual answers; a node silent this long on a probe fails it. */
    static final Duration CHUNK_TIMEOUT = Duration.ofSeconds(30);
    /** Probes stop reading after this many characters: the answer is in the first words. */
    private static final int MAX_ANSWER_CHARS = 2_000;
    /** Each probe's relay buffer; answers are short. */
    private static final int BUFFER = 256;

    record Question(String prompt, Pattern answer) {}

    static final List<Question> QUESTIONS = List.of(
            new Question("What is 7 multiplied by 6? Reply with the number only.", Pattern.compile("\\b42\\b|forty[- ]two", Pattern.CASE_INSENSITIVE)),
            new Question("What is the capital city of France? Reply with one word.", Pattern.compile("\\bparis\\b", Pattern.CASE_INSENSITIVE)),
            new Question("How many days are there in one week? Reply with the number only.", Pattern.compile("\\b7\\b|\\bseven\\b", Pattern.CASE_INSENSITIVE)),
            new Question("Which planet do humans live on? Reply with one word.", Pattern.compile("\\bearth\\b", Pattern.CASE_INSENSITIVE)));

    private final NodeRegistry registry;
    private final Scheduler scheduler;

    public Prober(NodeRegistry registry, Scheduler scheduler) {
        this.registry = registry;
        this.scheduler = scheduler;
    }

    /** Probes one random registered node that has a free slot, if any. */
    public void probeRandomNode() {
        var nodes = registry.registered();
        if (nodes.isEmpty()) return;
        NodeLink link = nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
        probe(link, QUESTIONS.get(ThreadLocalRandom.current().nextInt(QUESTIONS.size())));
    }

    /** Runs one probe on {@code link}; returns whether it passed (false also when the node had no free slot). */
    boolean probe(NodeLink link, Question q) {
        Lease lease = scheduler.tryAcquire(link);
        if (lease == null) return false;
        var stream = new RelayStream("probe-" + UUID.randomUUID(), lease, BUFFER);
        link.track(stream);
        String answer = null;
        try {
            ObjectNode params = Json.object().put("model", link.models().getFirst().name());
            params.putArray("messages").addObject().put("role", "user").put("content", q.prompt());
            params.put("stream", true).put("keep_alive", -1);
            if (link.send(new HubMessage.InferenceRequest(stream.requestId(), params))) answer = collect(stream);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stream.close(false);
        }
        boolean passed = answer != null && q.answer().matcher(answer).find();
        scheduler.verified(link, passed, passed ? PASS_REWARD : -MISS_PENALTY, "probe");
        link.served().probed(passed);
        log.info("probe of {} {}; reputation now {}", link, passed ? "passed" : "failed",
                String.format("%.2f", scheduler.reputation(link)));
        return passed;
    }

    /** The answer text, or null on an error, disconnect or silence. */
    private static String collect(RelayStream stream) throws InterruptedException {
        var text = new StringBuilder();
        while (true) {
            RelayStream.Event e = stream.poll(CHUNK_TIMEOUT.toNanos());
            switch (e) {
                case null -> { return null; }
                case RelayStream.Chunk c -> {
                    if (OllamaJson.isDone(c.chunk()) || text.length() > MAX_ANSWER_CHARS) return text.toString();
                    text.append(OllamaJson.chunk(c.chunk()).content());
                }
                case RelayStream.Piece piece -> {
                    if (text.length() > MAX_ANSWER_CHARS) return text.toString();
                    text.append(piece.chunk().content());
                }
                case RelayStream.NodeError err -> { return null; }
                case RelayStream.Disconnected d -> { return null; }
                case RelayStream.Refused r -> { return null; }
                case RelayStream.Embedded wrong -> { return null; }
            }
        }
    }
}
