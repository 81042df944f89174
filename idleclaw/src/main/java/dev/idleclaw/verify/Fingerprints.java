package dev.idleclaw.verify;

import dev.idleclaw.chat.ChatMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Model fingerprints: per model digest, a few fixed ordinary prompts answered greedily (temperature 0, a fixed seed).
 * Trusted nodes' answers (not on probation, not suspended) vote; answers that agree by the {@link PrefixRule} form one
 * group, and the reference is the group with the most voters when it has at least {@link #MIN_VOTERS} and more than
 * any other. Any node claiming the digest must agree with the reference, else it is flagged. Bounded memory:
 * {@link #MAX_DIGESTS} digests, {@link #MAX_GROUPS} groups per prompt, {@link #MAX_VOTERS} voters per group.
 */
final class Fingerprints {
    /** The fixed prompts: ordinary requests with long answers, unlike canaries (a node may learn them: docs/trust.md). */
    static final List<String> PROMPTS = List.of(
            "Write a short paragraph about the history of the bicycle.",
            "Explain in a few sentences how a rainbow forms.",
            "Describe a quiet morning in a small fishing village.",
            "Give three tips for keeping houseplants healthy, with a sentence on each.");
    /** The seed every fingerprint is answered with, so honest copies of the same weights give the same greedy text. */
    static final long SEED = 1_234_567;
    /** Trusted voters a reference needs: one voter could be a liar that happens to be trusted. */
    static final int MIN_VOTERS = 2;
    /** Digests whose references are kept: far above the models one hub serves. */
    static final int MAX_DIGESTS = 256;
    /** Groups of differing answers kept per prompt: beyond a few, trusted nodes disagree too much to judge anyone. */
    static final int MAX_GROUPS = 8;
    /** Voters counted per group: enough for a clear majority. */
    static final int MAX_VOTERS = 32;

    /** How one node's answer compared. */
    enum Verdict { MATCH, MISMATCH, NO_REFERENCE }

    private record Group(Prefix answer, Set<Object> voters) {}

    /** Per digest, per prompt index, the groups of trusted answers. */
    private final Map<String, List<List<Group>>> references = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<List<Group>>> eldest) {
            return size() > MAX_DIGESTS;
        }
    };

    /** The messages of fingerprint prompt {@code index}. */
    static List<ChatMessage> messages(int index) {
        return List.of(ChatMessage.of("user", PROMPTS.get(index)));
    }

    /**
     * Judges node {@code who}'s greedy answer to prompt {@code index} for {@code digest} against the reference, then,
     * if the node is {@code trusted} (not on probation, not suspended) and did not mismatch, counts it as a vote.
     */
    synchronized Verdict judge(Object who, boolean trusted, String digest, int index, Prefix answer) {
        List<Group> groups = references.computeIfAbsent(digest, d -> {
            List<List<Group>> perPrompt = new ArrayList<>();
            for (int i = 0; i < PROMPTS.size(); i++) perPrompt.add(new ArrayList<>());
            return perPrompt;
        }).get(index);
        Group ref = reference(groups);
        Verdict verdict = ref == null || ref.voters().equals(Set.of(who)) ? Verdict.NO_REFERENCE
                : PrefixRule.agree(ref.answer(), answer) ? Verdict.MATCH : Verdict.MISMATCH;
        if (verdict != Verdict.MISMATCH && trusted) vote(groups, who, answer);
        return verdict;
    }

    /**
     * The first prompt of {@code digest} that has a reference ({@code referenced}) or lacks one, or -1. A newcomer is
     * fingerprinted only on a prompt with a reference; a trusted node votes first where one is missing, so that two
     * trusted voters build a reference on the same prompt.
     */
    synchronized int prompt(String digest, boolean referenced) {
        var perPrompt = references.get(digest);
        for (int i = 0; i < PROMPTS.size(); i++) {
            boolean has = perPrompt != null && reference(perPrompt.get(i)) != null;
            if (has == referenced) return i;
        }
        return -1;
    }

    private static Group reference(List<Group> groups) {
        Group best = null;
        int second = 0;
        for (Group g : groups) {
            int n = g.voters().size();
            if (best == null || n > best.voters().size()) {
                second = best == null ? 0 : best.voters().size();
                best = g;
            } else {
                second = Math.max(second, n);
            }
        }
        return best != null && best.voters().size() >= MIN_VOTERS && best.voters().size() > second ? best : null;
    }

    private static void vote(List<Group> groups, Object who, Prefix answer) {
        for (Group g : groups) g.voters().remove(who); // one vote per node: its latest answer
        groups.removeIf(g -> g.voters().isEmpty());
        for (Group g : groups) {
            if (PrefixRule.agree(g.answer(), answer)) {
                if (g.voters().size() < MAX_VOTERS) g.voters().add(who);
                return;
            }
        }
        if (groups.size() < MAX_GROUPS) groups.add(new Group(answer, new LinkedHashSet<>(Set.of(who))));
    }
}
