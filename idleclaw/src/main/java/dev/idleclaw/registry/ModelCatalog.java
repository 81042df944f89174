package dev.idleclaw.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idleclaw.wire.ModelInfo;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The network's models as Ollama and OpenAI clients see them: one entry per name served by a node that would take a
 * request for it ({@link Scheduler#routable}), described by the first node that reports details. Nodes that report nothing (original
 * IdleClaw nodes) get placeholders: a stable digest derived from the name, the time the hub first saw the model,
 * empty details.
 */
public final class ModelCatalog {
    /** Bound on remembered first-seen times, so a stream of fake model names cannot grow memory without limit. */
    private static final int MAX_REMEMBERED = 10_000;

    /**
     * One model. {@code details} is null when no node reported them; {@code capabilities} never null;
     * {@code contextLength} is the largest context window a serving node reported, null when none did.
     */
    public record Entry(String name, long size, String digest, OffsetDateTime modifiedAt, ObjectNode details,
                        List<String> capabilities, int nodes, Integer contextLength) {}

    private final NodeRegistry registry;
    private final Scheduler scheduler;
    private final Map<String, OffsetDateTime> firstSeen = new ConcurrentHashMap<>();
    private final ClusterNodes cluster;

    public ModelCatalog(NodeRegistry registry, Scheduler scheduler) {
        this(registry, scheduler, ClusterNodes.NONE);
    }

    /** A catalog whose {@link #listed()} also shows the models of {@code cluster}'s other hubs. */
    public ModelCatalog(NodeRegistry registry, Scheduler scheduler, ClusterNodes cluster) {
        this.registry = registry;
        this.scheduler = scheduler;
        this.cluster = cluster;
    }

    /** Every model on a routable node of this hub, newest first: what this hub can answer. */
    public List<Entry> models() {
        return entries(localByName());
    }

    /**
     * The listing ({@code /api/tags}, {@code /v1/models}): this hub's models and those of the other hubs' nodes in the
     * cluster, one entry per name with the node counts summed; this hub's own nodes describe a name first. Without a
     * cluster, the same as {@link #models()}.
     */
    public List<Entry> listed() {
        Map<String, List<ModelInfo>> byName = localByName();
        for (RemoteNode n : cluster.remote()) {
            for (ModelInfo m : n.models()) byName.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(m);
        }
        return entries(byName);
    }

    private Map<String, List<ModelInfo>> localByName() {
        Map<String, List<ModelInfo>> byName = new LinkedHashMap<>();
        for (NodeLink l : registry.registered()) {
            if (!scheduler.routable(l)) continue;
            for (ModelInfo m : l.models()) byName.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(m);
        }
        return byName;
    }

    private List<Entry> entries(Map<String, List<ModelInfo>> byName) {
        List<Entry> out = new ArrayList<>(byName.size());
        byName.forEach((name, infos) -> out.add(entry(name, infos)));
        out.sort(Comparator.comparing(Entry::modifiedAt).reversed());
        return out;
    }

    /**
     * The served name a client means: {@code name} itself, or {@code name:latest} when {@code name} has no tag and only
     * the tagged form is served (Ollama's default tag), by this hub or another member of its cluster.
     */
    public String resolve(String name) {
        if (name.indexOf(':') >= 0 || scheduler.servedAnywhere(name)) return name;
        String latest = name + ":latest";
        return scheduler.servedAnywhere(latest) ? latest : name;
    }

    public Optional<Entry> find(String name) {
        return models().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /**
     * {@code name}'s entry in the {@link #listed() listing}: also a model only another hub of the cluster serves,
     * described by what that hub published (its nodes' details, capabilities and context window).
     */
    public Optional<Entry> findListed(String name) {
        return listed().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    private Entry entry(String name, List<ModelInfo> infos) {
        ModelInfo first = infos.getFirst();
        ModelInfo described = infos.stream().filter(i -> i.details() != null).findFirst().orElse(first);
        String digest = infos.stream().map(ModelInfo::digest).filter(d -> d != null && d.matches("[0-9a-f]{64}")).findFirst()
                .orElseGet(() -> placeholderDigest(name));
        OffsetDateTime modified = infos.stream().map(ModelInfo::modifiedAt).map(ModelCatalog::parse).flatMap(Optional::stream)
                .findFirst().orElseGet(() -> seen(name));
        List<String> caps = infos.stream().map(ModelInfo::capabilities).filter(c -> c != null).findFirst()
                .orElseGet(() -> nameCapabilities(name));
        Integer context = infos.stream().map(ModelInfo::contextLength).filter(c -> c != null).max(Integer::compare).orElse(null);
        return new Entry(name, first.size(), digest, modified, described.details(), caps, infos.size(), context);
    }

    private OffsetDateTime seen(String name) {
        if (firstSeen.size() >= MAX_REMEMBERED) firstSeen.clear();
        return firstSeen.computeIfAbsent(name, k -> OffsetDateTime.now(ZoneId.systemDefault()));
    }

    private static Optional<OffsetDateTime> parse(String text) {
        if (text == null) return Optional.empty();
        try {
            return Optional.of(OffsetDateTime.parse(text));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<String> nameCapabilities(String name) {
        List<String> caps = new ArrayList<>(List.of("completion"));
        if (Capabilities.toolsByName(name)) caps.add("tools");
        if (Capabilities.thinkingByName(name)) caps.add("thinking");
        return List.copyOf(caps);
    }

    static String placeholderDigest(String name) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
