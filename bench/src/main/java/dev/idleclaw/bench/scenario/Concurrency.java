package dev.idleclaw.bench.scenario;

import dev.idleclaw.bench.Table;
import dev.idleclaw.bench.load.Door;
import dev.idleclaw.bench.load.LoadSummary;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * S2 concurrency: a 100 × 10 fleet (100 tokens at 20 ms) and 250, 500 and 1,000 concurrent consumers, each level
 * for a fixed time; then the same levels straight at the direct server (the sim, or the stand-in) with the same
 * tokens and delay. Targets: 0 failed requests, added TTFT p99 ≤ 50 ms, tokens/s within 5% of what the fleet can
 * stream, hub CPU ≤ 10 µs per token. With {@code --receipts} the fleet authenticates and signs a receipt per request,
 * the hub verifies and records each in its ledger, and every level checks {@link ReceiptTally#RULE}.
 */
final class Concurrency {
    /** How long after a level's load the hub may take to check the receipts of its last answers. */
    private static final Duration RECEIPT_SETTLE = Duration.ofSeconds(5);
    private final ScenarioCommand cmd;
    private final Cluster cluster;
    private final Report report;

    Concurrency(ScenarioCommand cmd, Cluster cluster, Report report) {
        this.cmd = cmd;
        this.cluster = cluster;
        this.report = report;
    }

    void run() throws Exception {
        var plan = FleetPlan.of(cmd);
        List<Integer> levels = cmd.levels(new Integer[] {250, 500, 1000}, new Integer[] {5, 10});
        double seconds = cmd.pick(cmd.seconds, 30.0, 2.0);
        Door door = cmd.door();
        report.title(String.format("S2 concurrency: %s; consumers %s, %.0f s each, door %s", plan.describe(), levels, seconds, door.label()));
        Map<Integer, Measured> viaHub = new LinkedHashMap<>(), direct = new LinkedHashMap<>();
        Map<Integer, ReceiptTally> receipts = new LinkedHashMap<>();
        URI hub = plan.start(cluster);
        cluster.warm(hub, door, levels.getFirst(), cmd.quick ? FleetPlan.QUICK_WARM_SECONDS : FleetPlan.WARM_SECONDS, cmd.model);
        Dashboards dashboards = cmd.dashboards > 0 ? Dashboards.open(hub, cmd.dashboards) : null;
        long ticksBefore = dashboards == null ? 0 : dashboards.ticks();
        for (int c : levels) {
            var before = plan.auth() ? HubReceipts.read(hub) : null;
            Measured m = cluster.load(hub, door, c, 0, seconds, cmd.model, c);
            viaHub.put(c, m);
            if (before != null) {
                var counted = HubReceipts.settle(hub, before, m.load().answered(), RECEIPT_SETTLE);
                receipts.put(c, new ReceiptTally(c, m.load().requests(), m.load().answered(), counted));
            }
        }
        if (dashboards != null) {
            dashboards(dashboards, dashboards.ticks() - ticksBefore);
            dashboards.close();
        }
        if (plan.auth()) ledger(hub, receipts);
        cluster.stop("fleet");
        cluster.stop("hub");
        if (!cmd.noDirect) {
            URI directUrl = plan.startDirect(cluster, cmd);
            for (int c : levels) direct.put(c, cluster.load(directUrl, Door.DIRECT_OLLAMA, c, 0, seconds, cmd.model, c));
            FleetPlan.stopDirect(cluster);
        }
        print(plan, viaHub, direct);
        if (plan.auth()) receipts(receipts, viaHub);
    }

    /** The dashboards kept open during the levels: all still open at the end, and each got its ticks. */
    private void dashboards(Dashboards d, long ticks) {
        report.title("dashboard streams during the levels (GET /api/stats/stream)");
        report.note(String.format("%d opened, %d refused, %d still open at the end; %d tick events received in all (%.1f per stream)",
                cmd.dashboards, d.refused(), d.open(), ticks, ticks / (double) Math.max(1, cmd.dashboards)));
        report.target("dashboard streams still open", d.open(), "= " + cmd.dashboards, d.open() == cmd.dashboards);
        report.put("dashboards", Map.of("streams", cmd.dashboards, "refused", d.refused(), "open_at_end", d.open(), "ticks", ticks));
    }

    /** The whole run: the ledger holds exactly the receipts the hub's counter says it accepted (warm-up included). */
    private void ledger(URI hub, Map<Integer, ReceiptTally> receipts) throws Exception {
        long accepted = HubReceipts.read(hub).accepted(), rows = HubReceipts.ledgerRows(hub);
        report.target("ledger rows = receipts accepted (whole run)", rows, "= " + accepted, rows == accepted);
        report.put("receipts_ledger_rows", rows);
        report.put("receipts_accepted_total", accepted);
    }

    /** Per level: window requests, all answers, receipts accepted and rejected, and the fleet's CPU with signing. */
    private void receipts(Map<Integer, ReceiptTally> receipts, Map<Integer, Measured> viaHub) {
        report.title("receipts per level (authenticated fleet, one signed receipt per answer)");
        var t = new Table("consumers", "window reqs", "answered", "receipts accepted", "rejected", "fleet cpu%", "fleet µs/tok");
        var json = new ArrayList<Map<String, Object>>();
        receipts.forEach((c, r) -> {
            Measured m = viaHub.get(c);
            t.row(c, r.windowRequests(), r.answered(), r.accepted(), r.rejected(), m.of("fleet").cpuPercent(), m.microsPerToken("fleet"));
            report.target("receipts accepted = requests answered @" + c, r.accepted(), "= " + r.answered() + ", 0 rejected", r.balanced());
            var j = new LinkedHashMap<String, Object>();
            j.put("consumers", c);
            j.putAll(r.json());
            json.add(j);
        });
        report.table(t);
        report.note("receipts rule: " + ReceiptTally.RULE);
        receipts.forEach((c, r) -> {
            if (!r.counted().rejected().isEmpty()) report.note(c + " consumers: receipts rejected by reason " + r.counted().rejected());
        });
        report.put("receipts", Map.of("rule", ReceiptTally.RULE, "levels", json));
    }

    private void print(FleetPlan plan, Map<Integer, Measured> viaHub, Map<Integer, Measured> direct) {
        var t = LoadSummary.table("path");
        viaHub.forEach((c, m) -> {
            m.load().addTo(t, "hub " + c);
            if (direct.containsKey(c)) direct.get(c).load().addTo(t, "direct " + c);
        });
        report.table(t);
        report.title("per level: capacity, hub cost, tools");
        var s = new Table("consumers", "tok/s", "ideal tok/s", "% ideal", "added ttft p99", "hub cpu%", "hub µs/tok",
                "hub rss MB", "fleet cpu%", "load cpu%", "direct server cpu%");
        var levelsJson = new ArrayList<Map<String, Object>>();
        viaHub.forEach((c, m) -> {
            double ideal = plan.idealTokensPerSecond(c), tps = m.load().tokensPerSecond();
            Measured d = direct.get(c);
            double addedP99 = d == null ? Double.NaN : m.load().ttft().p99() - d.load().ttft().p99();
            s.row(c, tps, ideal, 100 * tps / ideal, addedP99, m.of("hub").cpuPercent(), m.microsPerToken("hub"),
                    m.of("hub").peakRssMb(), m.of("fleet").cpuPercent(), m.of("load").cpuPercent(),
                    d == null ? Double.NaN : Figures.directServer(d).cpuPercent());
            var j = new LinkedHashMap<String, Object>();
            j.put("consumers", c);
            j.put("via_hub", m.load());
            j.put("processes", Figures.processesJson(m));
            j.put("ideal_tokens_per_second", Figures.round(ideal));
            j.put("percent_of_ideal", Figures.round(100 * tps / ideal));
            j.put("hub_cpu_us_per_token", Figures.round(m.microsPerToken("hub")));
            if (d != null) {
                j.put("direct", d.load());
                j.put("direct_processes", Figures.processesJson(d));
                j.put("comparison", Figures.compareJson(m, d));
            }
            levelsJson.add(j);
            report.target("failures @" + c, m.load().failures(), "0", m.load().failures() == 0);
            if (d != null) report.target("added ttft p99 ms @" + c, addedP99, "≤ 50", addedP99 <= 50);
            report.target("% of ideal tok/s @" + c, 100 * tps / ideal, "≥ 95", tps >= 0.95 * ideal);
            report.target("hub µs/token @" + c, m.microsPerToken("hub"), "≤ 10", m.microsPerToken("hub") <= 10);
        });
        report.table(s);
        viaHub.forEach((c, m) -> Figures.toolsNote(report, c + " consumers", m));
        marginalCost(viaHub);
        direct.forEach((c, d) -> Figures.baselineNote(report, c + " consumers", d, plan.idealTokensPerSecond(c)));
        for (var e : viaHub.entrySet()) {
            if (!direct.containsKey(e.getKey())) continue;
            report.title("hub versus direct at " + e.getKey() + " consumers");
            report.table(Figures.compare(e.getValue(), direct.get(e.getKey())));
        }
        report.put("fleet", Map.of("nodes", plan.nodes(), "slots", plan.slots(), "tokens", plan.tokens(), "delay_ms", plan.delayMs(),
                "capacity_tokens_per_second", plan.capacityTokensPerSecond()));
        report.put("levels", levelsJson);
    }

    /**
     * Hub CPU per token between the lowest and the highest level: what one more token costs, free of the fixed
     * costs (timers, idle spinning of worker threads) that inflate CPU per token at low load.
     */
    private void marginalCost(Map<Integer, Measured> viaHub) {
        if (viaHub.size() < 2) return;
        Measured lo = viaHub.values().iterator().next(), hi = null;
        for (Measured m : viaHub.values()) hi = m;
        double dCpu = hi.of("hub").cpuPercent() / 100 - lo.of("hub").cpuPercent() / 100;
        double dTps = hi.load().tokensPerSecond() - lo.load().tokensPerSecond();
        double us = dTps <= 0 ? Double.NaN : dCpu * 1e6 / dTps;
        report.note(String.format("marginal hub CPU between %d and %d consumers: %.1f µs per extra token (hub at %.0f%% then %.0f%% of its core)",
                lo.load().concurrency(), hi.load().concurrency(), us, lo.of("hub").cpuPercent(), hi.of("hub").cpuPercent()));
        report.put("hub_marginal_cpu_us_per_token", Figures.round(us));
    }
}
