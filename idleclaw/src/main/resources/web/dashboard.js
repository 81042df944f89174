// The network dashboard: one EventSource on api/stats/stream (a full snapshot, then a tick every 2 s) drives the KPI
// cards, four uPlot charts over the last 15 minutes, and the models, doors, peers and ledger panels.
import uPlot from "uplot";
import { el, text, count, ms, duration, cssVar } from "./ui.js";

const HISTORY_SECONDS = 15 * 60;
/** The narrowest time axis: a few seconds of data would otherwise be stretched over the whole chart. */
const MIN_SPAN_SECONDS = 60;
/** After this long without an event the page says it is stale (ticks come every 2 s). */
const STALE_MS = 8000;
const DOORS = { idleclaw: "IdleClaw", ollama: "Ollama", openai: "OpenAI", anthropic: "Anthropic", responses: "Responses", embed: "Embeddings" };

const history = { t: [], nodes: [], in_flight: [], waiting: [], tokens_per_second: [], ttft_p50_ms: [], ttft_p99_ms: [], requests: [], errors: [] };
let lastEvent = 0;
const charts = [];
const resizer = new ResizeObserver(entries => {
  for (const entry of entries) {
    const c = charts.find(x => x.host === entry.target);
    if (c) c.plot.setSize({ width: entry.target.clientWidth, height: entry.target.clientHeight });
  }
});

function series(label, colour, extra = {}) {
  return { label, stroke: colour, width: 2, fill: colour + "22", points: { show: false }, ...extra };
}

function bars(label, colour) {
  return { label, stroke: colour, width: 0, fill: colour, points: { show: false }, paths: uPlot.paths.bars({ size: [0.7, 10] }) };
}

/** The x range: the last 15 minutes, or since the hub started (at least a minute) while it is younger. */
function lastQuarterHour() {
  const end = history.t.length ? history.t[history.t.length - 1] : Date.now() / 1000;
  const start = history.t.length ? history.t[0] : end;
  return [Math.min(end - MIN_SPAN_SECONDS, Math.max(start, end - HISTORY_SECONDS)), end];
}

function chart(id, defs, data) {
  const host = document.getElementById(id);
  const axis = { stroke: cssVar("--muted"), grid: { stroke: cssVar("--border"), width: 1 }, ticks: { stroke: cssVar("--border") } };
  const plot = new uPlot({
    width: host.clientWidth || 400, height: host.clientHeight || 200,
    cursor: { drag: { x: false, y: false } },
    legend: { live: false },
    scales: { x: { time: true, range: () => lastQuarterHour() }, y: { range: (u, min, max) => [0, Math.max(1, (max ?? 0) * 1.15)] } },
    axes: [{ ...axis }, { ...axis, size: 48 }],
    series: [{}, ...defs],
  }, data(), host);
  charts.push({ plot, data, host });
  resizer.observe(host);
}

/** Charts take the theme's colours when drawn, so a theme change redraws them. */
function rebuildCharts() {
  for (const c of charts.splice(0)) {
    resizer.unobserve(c.host);
    c.plot.destroy();
  }
  setupCharts();
}


function setupCharts() {
  const accent = cssVar("--accent"), ok = cssVar("--ok"), warn = cssVar("--warn"), bad = cssVar("--bad");
  chart("chart-tps", [series("tokens/s", accent)], () => [history.t, history.tokens_per_second]);
  chart("chart-load", [series("in flight", accent), series("waiting", warn)], () => [history.t, history.in_flight, history.waiting]);
  chart("chart-ttft", [series("p50", ok, { spanGaps: false }), series("p99", bad, { spanGaps: false, fill: undefined, dash: [6, 4] })],
    () => [history.t, history.ttft_p50_ms, history.ttft_p99_ms]);
  chart("chart-requests", [bars("ended", accent), bars("errors", bad)], () => [history.t, history.requests, history.errors]);
}

function redraw() {
  for (const c of charts) c.plot.setData(c.data());
  document.getElementById("dashboard").dataset.points = String(history.t.length);
}

function push(point) {
  for (const key of Object.keys(history)) history[key].push(point[key]);
  const since = point.t - HISTORY_SECONDS;
  while (history.t.length && history.t[0] < since) for (const key of Object.keys(history)) history[key].shift();
}

function render(s) {
  const n = s.nodes;
  text("kpi-nodes", count(n.online));
  text("kpi-nodes-sub", n.online === n.routable ? `${n.routable} ready` : `${n.routable} ready · ${n.online - n.routable} not`);
  text("kpi-slots", count(n.free_slots));
  text("kpi-slots-sub", `of ${count(n.slots)} slots`);
  text("kpi-inflight", count(s.requests.in_flight));
  text("kpi-waiting", `${count(s.requests.waiting)} waiting`);
  text("kpi-tps", s.tokens_per_second.toFixed(s.tokens_per_second < 10 ? 1 : 0));
  text("kpi-tokens", `${count(s.requests.tokens_relayed)} relayed`);
  text("kpi-p50", ms(s.ttft_ms.p50));
  text("kpi-p99", `p99 ${ms(s.ttft_ms.p99)} · last min`);
  text("kpi-requests", count(s.requests.total));
  const windowEnded = history.requests.reduce((a, b) => a + b, 0), windowErrors = history.errors.reduce((a, b) => a + b, 0);
  text("kpi-errors", `${count(windowEnded)} in 15 min · ${count(windowErrors)} errors`);
  renderModels(s.models);
  renderDoors(s.requests);
  renderPeers(s.peers);
  renderCluster(s.cluster);
  renderLedger(s);
  document.getElementById("dashboard").setAttribute("aria-busy", "false");
}

function renderModels(models) {
  const body = document.querySelector("#models tbody");
  body.replaceChildren(...models.map(m => el("tr", { "data-model": m.name },
    el("td", { class: "mono", text: m.name }),
    el("td", { class: "num", text: count(m.node_count) }),
    el("td", { class: "num", text: count(m.free_slots) }),
    el("td", {}, m.thinking ? el("span", { class: "badge accent", text: "thinking" }) : null,
      m.tools ? el("span", { class: "badge", text: "tools" }) : null))));
  document.getElementById("models-empty").hidden = models.length > 0;
  text("models-count", models.length === 1 ? "1 model" : `${models.length} models`);
}

function renderDoors(requests) {
  const body = document.querySelector("#doors tbody");
  const rows = Object.entries(requests.by_door).sort(([a], [b]) => a.localeCompare(b)).map(([door, o]) =>
    el("tr", {},
      el("td", { text: DOORS[door] ?? door }),
      el("td", { class: "num", text: count(o.done ?? 0) }),
      el("td", { class: "num" }, badgeIf((o.failed ?? 0) + (o.cut ?? 0), "bad")),
      el("td", { class: "num" }, badgeIf(o.rejected ?? 0, "warn")),
      el("td", { class: "num", text: count(o.client_gone ?? 0) })));
  body.replaceChildren(...rows);
  document.getElementById("doors-empty").hidden = rows.length > 0;
  text("doors-window", `last ${duration(requests.window_seconds)}`);
}

function badgeIf(n, kind) {
  return n > 0 ? el("span", { class: `badge ${kind}`, text: count(n) }) : "0";
}

function renderPeers(peers) {
  const card = document.getElementById("peers-card");
  card.hidden = !peers;
  if (!peers) return;
  document.getElementById("peers").replaceChildren(...(peers.length ? peers.map(p => el("li", {},
    el("span", { class: `dot ${p.healthy ? "ok" : "bad"}` }),
    el("strong", { text: p.label || "peer" }),
    el("span", { class: "badge", text: `${p.models} models` }),
    el("span", { class: "host", text: p.host ?? "" }))) : [el("li", { class: "muted", text: "No peers listed." })]));
}

// In a cluster: every hub's nodes (this hub's live, the others' from the cluster directory) and their counts.
function renderCluster(cluster) {
  const card = document.getElementById("cluster-card");
  card.hidden = !cluster;
  if (!cluster) return;
  text("cluster-count", `${count(cluster.nodes)} nodes · ${count(cluster.free_slots)} of ${count(cluster.slots)} slots free · ${cluster.hubs.length} hubs`);
  document.getElementById("cluster").replaceChildren(...cluster.hubs.map(h => el("li", { "data-hub": h.name },
    el("strong", { text: h.name }),
    el("span", { class: "badge", text: `${count(h.nodes)} nodes` }),
    el("span", { class: "badge", text: `${count(h.free_slots)}/${count(h.slots)} free` }),
    el("ul", { class: "cluster-nodes" }, ...h.node_list.map(n => el("li", {},
      el("span", { class: `dot ${n.standing === "trusted" || n.standing === "operator_trusted" ? "ok" : "warn"}` }),
      el("span", { class: "mono", text: n.models.join(", ") }),
      el("span", { class: "muted", text: ` ${n.free_slots}/${n.max_slots} free · ${n.standing}` })))))));
}

function renderLedger(s) {
  document.getElementById("ledger-card").hidden = false;
  text("ledger-receipts", s.ledger ? count(s.ledger.receipts) : "–");
  text("ledger-tokens", s.ledger ? count(s.ledger.tokens_credited) : "–");
  text("ledger-relayed", count(s.requests.tokens_relayed));
  text("uptime", duration(s.uptime_seconds));
}

function live(state) {
  const dot = document.getElementById("live-dot");
  dot.className = `dot ${state === "live" ? "ok" : state === "stale" ? "warn" : "bad"}`;
  text("live-text", state === "live" ? "Live" : state === "stale" ? "Waiting for the hub…" : "Disconnected, retrying…");
}

function connect() {
  const source = new EventSource("api/stats/stream");
  source.addEventListener("snapshot", e => {
    const s = JSON.parse(e.data);
    for (const key of Object.keys(history)) history[key] = (s.history[key] ?? []).slice();
    lastEvent = Date.now();
    render(s);
    redraw();
    live("live");
  });
  source.addEventListener("tick", e => {
    const s = JSON.parse(e.data);
    push(s.point);
    lastEvent = Date.now();
    render(s);
    redraw();
    live("live");
  });
  source.onerror = () => live(source.readyState === EventSource.CLOSED ? "down" : "stale");
}

setupCharts();
matchMedia("(prefers-color-scheme: dark)").addEventListener("change", rebuildCharts);
connect();
setInterval(() => { if (lastEvent && Date.now() - lastEvent > STALE_MS) live("stale"); }, 2000);
