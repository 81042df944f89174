// The operator view. The admin token is typed into a form, kept in memory and in this tab's sessionStorage only
// (never a URL, a cookie or localStorage), and sent as "Authorization: Bearer" on each call to the admin API.
import { el, text, count, duration } from "./ui.js";

const STORE = "idleclaw.admin-token";
/** How often the node table refreshes while the page is open. */
const REFRESH_MS = 5000;
const DURATIONS = [["15 minutes", 900], ["1 hour", 3600], ["1 day", 86400], ["7 days", 604800]];

let token = sessionStorage.getItem(STORE);
let refresh = null;

class Unauthorized extends Error {}

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    cache: "no-store",
    credentials: "omit",
  });
  if (res.status === 401) throw new Unauthorized("The hub refused the token.");
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.detail ?? `${res.status} ${res.statusText}`);
  return data;
}

function toast(message, bad = false) {
  const t = el("div", { class: bad ? "toast bad" : "toast", text: message });
  document.getElementById("toasts").append(t);
  setTimeout(() => t.remove(), 6000);
}

async function act(promise, done) {
  try {
    const result = await promise;
    if (done) toast(done(result));
    await loadAll();
  } catch (e) {
    if (e instanceof Unauthorized) signOut(e.message);
    else toast(e.message, true);
  }
}

function shortKey(key) {
  return key ? `${key.slice(0, 10)}…${key.slice(-6)}` : null;
}

const STANDING = {
  probation: ["badge warn", "probation"], trusted: ["badge ok", "trusted"], operator_trusted: ["badge ok", "trusted by you"],
  operator_suspended: ["badge bad", "suspended by you"], auto_suspended: ["badge bad", "suspended"],
};

function standingBadge(n) {
  const [cls, label] = STANDING[n.standing] || ["badge", n.standing];
  return el("span", { class: cls, "data-standing": n.standing, title: `${n.checks_passed} check(s) passed`, text: label });
}

/** Trust / Suspend (and Reset once the operator or the threshold decided) for a node with a key; none for anonymous ones. */
function standingButtons(n) {
  if (n.anonymous || n.kind === "peer") return [];
  const key = encodeURIComponent(n.pubkey);
  const button = (action, label, cls, done) => el("button", { class: `btn small ${cls}`, type: "button", "data-action": action, text: label,
    onclick: () => act(api("POST", `admin/trust/${key}/${action}`), () => `${done} ${shortKey(n.pubkey)}.`) });
  const out = [];
  if (n.standing !== "operator_trusted") out.push(button("trust", "Trust", "", "Trusted"));
  if (n.standing !== "operator_suspended") out.push(button("suspend", "Suspend", "danger", "Suspended"));
  if (n.standing !== "probation" && n.standing !== "trusted") out.push(button("reset", "Reset", "", "Reset"));
  return out;
}

function renderNodes(nodes) {
  text("nodes-count", `(${nodes.length})`);
  text("nodes-updated", `updated ${new Date().toLocaleTimeString()}`);
  document.getElementById("nodes-empty").hidden = nodes.length > 0;
  document.querySelector("#nodes tbody").replaceChildren(...nodes.map(n => {
    const load = n.max_concurrent ? n.active_requests / n.max_concurrent : 0;
    const meter = el("span", { class: "meter" }, el("span"));
    meter.firstChild.style.width = `${Math.round(Math.min(1, load) * 100)}%`;
    const probes = n.probes.passed + n.probes.failed === 0 ? el("span", { class: "muted", text: "none yet" })
      : el("span", {}, el("span", { class: "badge ok", text: `${n.probes.passed} ✓` }),
          el("span", { class: n.probes.failed ? "badge bad" : "badge", text: `${n.probes.failed} ✗` }));
    return el("tr", { "data-node": n.node_id },
      el("td", {}, el("span", { class: "node-id", title: n.node_id, text: n.node_id }), el("span", { class: "node-label", text: n.kind === "peer" ? "peer hub" : n.label })),
      el("td", { class: "mono", text: n.ip }),
      el("td", {}, n.anonymous ? el("span", { class: "badge", text: "anonymous" }) : el("span", { class: "mono", title: n.pubkey, text: shortKey(n.pubkey) })),
      el("td", { class: "models" }, n.models.map(m => el("span", { class: "badge", text: m }))),
      el("td", {}, meter, `${n.active_requests}/${n.max_concurrent}`),
      el("td", { class: "num" }, el("span", { class: n.reputation < 0.5 ? "badge bad" : n.available ? "badge ok" : "badge warn", text: n.reputation.toFixed(2) })),
      el("td", {}, standingBadge(n)),
      el("td", {}, probes),
      el("td", { class: "num", text: duration(n.connected_seconds) }),
      el("td", { class: "num", title: `${count(n.answers)} answers, ${count(n.chars_received)} characters received` },
        `${count(n.tokens_served)} tok`),
      el("td", {}, el("div", { class: "actions" },
        ...standingButtons(n),
        el("button", { class: "btn small", type: "button", "data-action": "disconnect", text: "Disconnect",
          onclick: () => act(api("POST", `admin/nodes/${encodeURIComponent(n.node_id)}/disconnect`), () => `Disconnected ${n.node_id}.`) }),
        el("button", { class: "btn small danger", type: "button", "data-action": "ban", text: "Ban…", onclick: () => askBan(n) }))));
  }));
}

function renderBans(bans) {
  document.getElementById("bans-empty").hidden = bans.length > 0;
  document.querySelector("#bans tbody").replaceChildren(...bans.map(b => el("tr", {},
    el("td", {}, el("span", { class: "badge", text: b.kind })),
    el("td", { class: "mono", title: b.target, text: b.kind === "key" ? shortKey(b.target) : b.target }),
    el("td", { class: "muted", text: `until ${new Date(b.until_ms).toLocaleString()}` }),
    el("td", {}, el("div", { class: "actions" }, el("button", { class: "btn small", type: "button", text: "Lift",
      onclick: () => act(api("DELETE", `admin/bans/${encodeURIComponent(b.id)}`), () => "Ban lifted.") }))))));
}

function renderKeys(keys) {
  document.getElementById("keys-empty").hidden = keys.length > 0;
  document.querySelector("#keys tbody").replaceChildren(...keys.map(k => el("tr", {},
    el("td", { class: "mono", title: k.pubkey, text: shortKey(k.pubkey) }),
    el("td", { text: k.label || "–" }),
    el("td", { class: "muted", text: new Date(k.created_at).toLocaleDateString() }),
    el("td", {}, el("div", { class: "actions" }, el("button", { class: "btn small danger", type: "button", text: "Revoke",
      onclick: () => act(api("DELETE", `admin/keys/${encodeURIComponent(k.pubkey)}`), r => `Revoked ${r.removed} key(s).`) }))))));
}

async function loadAll() {
  const [nodes, bans, keys] = await Promise.all([api("GET", "admin/nodes"), api("GET", "admin/bans"), api("GET", "admin/keys")]);
  renderNodes(nodes.nodes);
  renderBans(bans.bans);
  renderKeys(keys.keys);
}

function askBan(node) {
  const dialog = document.getElementById("ban-dialog");
  text("ban-dialog-title", `Ban ${node.node_id}`);
  text("ban-dialog-text", node.anonymous
    ? `An anonymous node: its address (${node.ip}) is banned. Every node and consumer at that address is refused until the ban ends.`
    : `Its key ${shortKey(node.pubkey)} cannot register nodes or send requests until the ban ends.`);
  const byKey = document.getElementById("ban-what-key");
  byKey.disabled = node.anonymous;
  byKey.checked = !node.anonymous;
  document.getElementById("ban-what-address").checked = node.anonymous;
  dialog.returnValue = "";
  dialog.onclose = () => {
    if (dialog.returnValue !== "ban") return;
    const what = byKey.checked ? "key" : "address";
    const seconds = Number(document.getElementById("ban-dialog-duration").value);
    act(api("POST", `admin/nodes/${encodeURIComponent(node.node_id)}/ban`, { what, seconds }),
      r => `Banned ${r.kind} ${r.kind === "key" ? shortKey(r.target) : r.target}; ${r.closed} connection(s) closed.`);
  };
  dialog.showModal();
}

function signOut(message) {
  token = null;
  sessionStorage.removeItem(STORE);
  clearInterval(refresh);
  document.getElementById("operator").hidden = true;
  document.getElementById("lock").hidden = true;
  document.getElementById("signin").hidden = false;
  const error = document.getElementById("signin-error");
  error.hidden = !message;
  error.textContent = message ?? "";
  document.getElementById("token").focus();
}

async function signIn(candidate) {
  token = candidate;
  try {
    await loadAll();
  } catch (e) {
    signOut(e instanceof Unauthorized ? "That token was refused." : e.message);
    return;
  }
  sessionStorage.setItem(STORE, token);
  document.getElementById("signin").hidden = true;
  document.getElementById("operator").hidden = false;
  document.getElementById("lock").hidden = false;
  clearInterval(refresh);
  refresh = setInterval(() => loadAll().catch(e => e instanceof Unauthorized ? signOut(e.message) : null), REFRESH_MS);
}

for (const select of document.querySelectorAll("select.durations")) {
  select.replaceChildren(...DURATIONS.map(([label, s]) => el("option", { value: String(s), text: label })));
  select.value = "3600";
}
document.getElementById("signin-form").addEventListener("submit", e => {
  e.preventDefault();
  const field = document.getElementById("token");
  const value = field.value.trim();
  field.value = "";
  if (value) signIn(value);
});
document.getElementById("lock").addEventListener("click", () => signOut(null));
document.getElementById("ban-form").addEventListener("submit", e => {
  e.preventDefault();
  const target = document.getElementById("ban-target").value.trim();
  const seconds = Number(document.getElementById("ban-duration").value);
  act(api("POST", "admin/bans", target.startsWith("lob1") ? { key: target, seconds } : { address: target, seconds }),
    r => `Banned ${r.kind} ${r.kind === "key" ? shortKey(r.target) : r.target}.`).then(() => { document.getElementById("ban-target").value = ""; });
});
document.getElementById("key-form").addEventListener("submit", e => {
  e.preventDefault();
  const pubkey = document.getElementById("key-pubkey").value.trim(), label = document.getElementById("key-label").value.trim();
  act(api("POST", "admin/keys", { pubkey, label }).then(r => {
    text("new-key-value", r.api_key);
    document.getElementById("new-key").hidden = false;
    document.getElementById("key-pubkey").value = "";
    document.getElementById("key-label").value = "";
    return r;
  }), () => "API key issued.");
});
document.getElementById("new-key-copy").addEventListener("click", () =>
  navigator.clipboard.writeText(document.getElementById("new-key-value").textContent).then(() => toast("Copied.")));

if (token) signIn(token);
else signOut(null);
