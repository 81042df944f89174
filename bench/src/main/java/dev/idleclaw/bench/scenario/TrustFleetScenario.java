package dev.idleclaw.bench.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idleclaw.bench.Table;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.trust.TrustFleetProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * S8 trust fleet: the hub (its own process, pinned) with {@value #HONEST} honest nodes and one node of every lying kind
 * (testkit stand-ins behind real node agents, one fleet process), under {@value #CONSUMERS} consumers, three times:
 * verification off, at the default rates, and accelerated. The operator trusts two honest keys first (the fingerprint
 * voters). Figures: each liar's share of consumer answers per time bucket, hub CPU per request, and the share of the
 * nodes' chat requests that were verification.
 */
final class TrustFleetScenario {
    static final int HONEST = 4;
    static final int CONSUMERS = 6;
    static final int SLOTS = 2;
    /** An honest word every 3 ms; the claimed model is 10 GB, so 500 tokens/s is the too-fast bound. */
    static final long PACE_MS = 3;
    static final long SIZE = 10_000_000_000L;
    /**
     * Consumer requests before the measured window: the hub's JIT compiles meanwhile (a fresh JVM's compilation would
     * otherwise dominate its CPU per request), and liars are being caught; the traffic table covers it, the CPU does not.
     */
    static final int WARMUP = 600;
    static final int QUICK_WARMUP = 20;
    /** The fleet rewrites its counts file every second: wait for one more after the load. */
    static final long COUNTS_SETTLE_MS = 1500;
    /** The operator's token for the scenario's own hub (loopback only, thrown away with it). */
    static final String ADMIN_TOKEN = "s8-bench-admin-token";

    /** One run's verification rates. */
    record Rates(String name, double canaryRate, double rerunShare) {}

    /** What one run measured. */
    record Run(Rates rates, Measured measured, Map<String, List<Long>> answersPerBucket, long nodeChats, long consumerAnswers,
               Map<String, Long> verification) {}

    private final ScenarioCommand cmd;
    private final Cluster cluster;
    private final Report report;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    TrustFleetScenario(ScenarioCommand cmd, Cluster cluster, Report report) {
        this.cmd = cmd;
        this.cluster = cluster;
        this.report = report;
    }

    void run() throws Exception {
        double seconds = cmd.pick(cmd.seconds, 60.0, 8.0);
        int bucket = cmd.quick ? 2 : 10;
        report.title(String.format("S8 trust fleet: %d honest + %d lying nodes (%d slots, %d ms/word, claimed %d GB), %d consumers,"
                        + " %d warm-up requests then %.0f s measured per run, buckets of %d s from the first request", HONEST, TrustFleetProcess.LIAR_KINDS.size(), SLOTS, PACE_MS,
                SIZE / 1_000_000_000L, CONSUMERS, cmd.quick ? QUICK_WARMUP : WARMUP, seconds, bucket));
        var runs = new ArrayList<Run>();
        for (Rates r : List.of(new Rates("off", 0, 0), new Rates("default", 4, 0.01), new Rates("accelerated", 1800, 0.1))) {
            runs.add(once(r, seconds, bucket));
        }
        print(runs, bucket);
    }

    private Run once(Rates rates, double seconds, int bucket) throws Exception {
        URI hub = cluster.startHub(List.of("--admin-token", ADMIN_TOKEN, "--verify-same-address",
                "--canary-rate", Double.toString(rates.canaryRate()), "--rerun-share", Double.toString(rates.rerunShare())));
        Path counts = Files.createTempFile("s8-counts", ".txt");
        Map<String, String> kindByKey = new LinkedHashMap<>();
        for (String m : cluster.startTrustFleet(hub, counts, HONEST, PACE_MS, SIZE, SLOTS)) {
            kindByKey.put(m.split(" ")[1], m.split(" ")[0]);
        }
        if (Health.awaitNodes(hub, kindByKey.size(), java.time.Duration.ofSeconds(60)) < 0) throw new IllegalStateException("fleet did not register");
        for (var e : kindByKey.entrySet()) {
            if (List.of("honest_1", "honest_2").contains(e.getValue())) admin("POST", hub, "/admin/trust/" + e.getKey() + "/trust");
        }
        long chatsBefore = chats(counts);
        Map<String, Long> before = answers(hub, kindByKey);
        Map<String, List<Long>> perBucket = new LinkedHashMap<>();
        kindByKey.values().forEach(k -> perBucket.put(k, new ArrayList<>()));
        var poller = Thread.ofVirtual().start(() -> {
            Map<String, Long> last = before;
            try {
                while (true) {
                    Thread.sleep(bucket * 1000L);
                    Map<String, Long> now = answers(hub, kindByKey);
                    for (String k : now.keySet()) perBucket.get(k).add(now.get(k) - last.getOrDefault(k, 0L));
                    last = now;
                }
            } catch (InterruptedException e) {
                // the run ended
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Measured m = cluster.load(hub, Door.OLLAMA, CONSUMERS, 0, seconds, TrustFleetProcess.MODEL, cmd.quick ? QUICK_WARMUP : WARMUP);
        poller.interrupt();
        poller.join();
        Thread.sleep(COUNTS_SETTLE_MS);
        long nodeChats = chats(counts) - chatsBefore;
        long consumer = answers(hub, kindByKey).values().stream().mapToLong(Long::longValue).sum()
                - before.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Long> verification = verification(hub);
        cluster.stop("fleet");
        cluster.stop("hub");
        return new Run(rates, m, perBucket, nodeChats, consumer, verification);
    }

    private void print(List<Run> runs, int bucket) {
        for (Run run : runs) {
            report.title("consumer answers per " + bucket + " s bucket, verification " + run.rates().name() + " (liars' share of all)");
            int n = run.answersPerBucket().values().stream().mapToInt(List::size).max().orElse(0);
            var header = new ArrayList<String>(List.of("node"));
            for (int i = 0; i < n; i++) header.add((i * bucket) + "–" + ((i + 1) * bucket) + " s");
            var t = new Table(header.toArray(String[]::new));
            long[] totals = new long[n];
            run.answersPerBucket().values().forEach(l -> { for (int i = 0; i < l.size(); i++) totals[i] += l.get(i); });
            var shares = new LinkedHashMap<String, List<Double>>();
            run.answersPerBucket().forEach((kind, l) -> {
                var row = new ArrayList<Object>(List.of(kind));
                var share = new ArrayList<Double>();
                for (int i = 0; i < l.size(); i++) {
                    double s = totals[i] == 0 ? 0 : 100.0 * l.get(i) / totals[i];
                    share.add(Math.round(s * 10) / 10.0);
                    row.add(String.format("%d (%.1f %%)", l.get(i), s));
                }
                shares.put(kind, share);
                t.row(row.toArray());
            });
            report.table(t);
            report.put("share_percent_" + run.rates().name(), shares);
        }
        report.title("cost of verification (hub CPU over the measured window; node work = chat requests the stand-ins received,"
                + " warm-up included)");
        var cost = new Table("verification", "canary/h", "rerun share", "consumer reqs", "failures", "hub cpu%", "hub µs/req", "hub µs/token",
                "node chats", "consumer answers", "verification share of node chats", "verification outcomes");
        var summary = new LinkedHashMap<String, Object>();
        for (Run r : runs) {
            double share = r.nodeChats() == 0 ? 0 : 100.0 * Math.max(0, r.nodeChats() - r.consumerAnswers()) / r.nodeChats();
            cost.row(r.rates().name(), r.rates().canaryRate(), r.rates().rerunShare(), r.measured().load().requests(),
                    r.measured().load().failures(), r.measured().of("hub").cpuPercent(), r.measured().microsPerRequest("hub"),
                    r.measured().microsPerToken("hub"), r.nodeChats(), r.consumerAnswers(), String.format("%.1f %%", share), r.verification());
            summary.put(r.rates().name(), Map.of("requests", r.measured().load().requests(), "failures", r.measured().load().failures(),
                    "hub_cpu_us_per_request", r.measured().microsPerRequest("hub"),
                    "hub_cpu_us_per_token", r.measured().microsPerToken("hub"), "node_chats", r.nodeChats(),
                    "consumer_answers", r.consumerAnswers(), "verification_share_percent", Math.round(share * 10) / 10.0,
                    "verification", r.verification()));
        }
        report.table(cost);
        report.put("runs", summary);
    }

    /** Consumer answers per node kind so far, from {@code /admin/nodes}. */
    private Map<String, Long> answers(URI hub, Map<String, String> kindByKey) throws Exception {
        var out = new LinkedHashMap<String, Long>();
        kindByKey.values().forEach(k -> out.put(k, 0L));
        for (JsonNode n : admin("GET", hub, "/admin/nodes").path("nodes")) {
            String kind = kindByKey.get(n.path("pubkey").asText());
            if (kind != null) out.merge(kind, n.path("answers").asLong(), Long::sum);
        }
        return out;
    }

    /** {@code idleclaw_verification_total} by check and outcome. */
    private Map<String, Long> verification(URI hub) throws Exception {
        var res = http.send(HttpRequest.newBuilder(hub.resolve("/metrics")).header("Accept", "text/plain").build(), HttpResponse.BodyHandlers.ofString());
        var out = new java.util.TreeMap<String, Long>();
        var m = java.util.regex.Pattern.compile("idleclaw_verification_total\\{check=\"(\\w+)\",outcome=\"(\\w+)\"} ([0-9.E]+)").matcher(res.body());
        while (m.find()) out.put(m.group(1) + "_" + m.group(2), (long) Double.parseDouble(m.group(3)));
        return out;
    }

    private JsonNode admin(String method, URI hub, String path) throws Exception {
        var res = http.send(HttpRequest.newBuilder(hub.resolve(path)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) throw new IllegalStateException(method + " " + path + ": " + res.statusCode() + " " + res.body());
        return json.readTree(res.body());
    }

    /** Chat requests every stand-in of the fleet received so far (the fleet rewrites the file each second). */
    private static long chats(Path counts) throws Exception {
        long sum = 0;
        for (String line : Files.readAllLines(counts)) if (!line.isBlank()) sum += Long.parseLong(line.split(" ")[1]);
        return sum;
    }
}
