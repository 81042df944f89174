package dev.idleclaw.bench.trust;

import dev.idleclaw.identity.Identity;
import dev.idleclaw.node.NodeAgent;
import dev.idleclaw.node.NodeConfig;
import dev.idleclaw.testkit.Behaviour;
import dev.idleclaw.testkit.Lies;
import dev.idleclaw.testkit.Nondeterminism;
import dev.idleclaw.testkit.StandInModel;
import dev.idleclaw.testkit.StandInOllama;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * S8's fleet, one process: honest and lying language-model stand-ins (testkit), each behind a real node agent with its
 * own key, all claiming one model. Prints {@code member KIND PUBKEY} for each node, then {@value #READY}; every
 * {@value #COUNT_PERIOD_MS} ms it writes each node's chat requests received so far to the counts file
 * ({@code KIND COUNT} lines). Runs until killed.
 *
 * <p>Arguments: {@code HUB_URL COUNTS_FILE HONEST PACE_MS SIZE_BYTES SLOTS}.
 */
public final class TrustFleetProcess {
    public static final String READY = "trust fleet ready";
    /** The model every node claims. */
    public static final String MODEL = "fleet:8b";
    /** How often the counts file is rewritten: fine enough for the scenario's 10 s buckets. */
    static final long COUNT_PERIOD_MS = 1000;

    private TrustFleetProcess() {}

    /** Every lying kind, in the order {@link #liars} starts them. */
    public static final List<String> LIAR_KINDS = List.of("other_weights", "random_tokens", "truncated", "inflated_counts",
            "too_fast", "canary_detector", "canary_failer");

    /** Every lying kind, as its stand-in behaves, at {@code pace} a word where it keeps one. */
    public static Map<String, Behaviour> liars(Behaviour honest, Duration pace) {
        return Lies.fleet(honest, pace);
    }

    public static void main(String[] args) throws Exception {
        String hub = args[0];
        Path counts = Path.of(args[1]);
        int honestCount = Integer.parseInt(args[2]);
        Duration pace = Duration.ofMillis(Long.parseLong(args[3]));
        var model = StandInModel.of(MODEL).withSize(Long.parseLong(args[4]));
        int slots = Integer.parseInt(args[5]);
        Behaviour honest = Lies.honest(Nondeterminism.typical()).withDelayPerToken(pace);
        var kinds = new LinkedHashMap<String, Behaviour>();
        for (int i = 1; i <= honestCount; i++) kinds.put("honest_" + i, honest);
        kinds.putAll(liars(honest, pace));
        Map<String, StandInOllama> ollamas = new LinkedHashMap<>();
        List<NodeAgent> agents = new ArrayList<>();
        for (var e : kinds.entrySet()) {
            var ollama = StandInOllama.start().model(model).behaviour(MODEL, e.getValue()).recordRequests(true);
            ollamas.put(e.getKey(), ollama);
            Identity key = Identity.generate();
            var agent = new NodeAgent(NodeConfig.of(hub, ollama.baseUrl(), slots).withIdentity(key));
            agents.add(agent);
            Thread.ofVirtual().name("node-" + e.getKey()).start(() -> {
                try {
                    agent.run();
                } catch (Exception ex) {
                    System.err.println("node " + e.getKey() + " stopped: " + ex);
                }
            });
            System.out.println("member " + e.getKey() + " " + key.publicKey());
        }
        System.out.println(READY);
        System.out.flush();
        while (true) {
            var out = new StringBuilder();
            ollamas.forEach((kind, o) -> out.append(kind).append(' ')
                    .append(o.requests().stream().filter(r -> r.path().startsWith("/api/chat")).count()).append('\n'));
            Path tmp = counts.resolveSibling(counts.getFileName() + ".tmp");
            Files.writeString(tmp, out);
            Files.move(tmp, counts, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Thread.sleep(COUNT_PERIOD_MS);
        }
    }
}
