// The chat page: model picker, conversation list, streaming answers. Talks only to the hub's public API (api.js);
// conversations live in this browser (store.js); answers are rendered as sanitised markdown (render.js).
import * as api from "./chat/api.js";
import * as store from "./chat/store.js";
import { renderMarkdown, copyButton } from "./chat/render.js";
import { view } from "./chat/view.js";
import * as account from "./chat/account.js";

/** How often the connection status is refreshed. */
const HEALTH_EVERY_MS = 10_000;
/** How often the model list (and its node counts) is refreshed. */
const MODELS_EVERY_MS = 30_000;
/** Without an answer after this long, the request is waiting in the hub's queue for a free node: say so. */
const QUEUE_NOTE_MS = 1_500;
const MODEL_KEY = "idleclaw.model";
/** The search toggle's last setting in this browser ("off" when the person turned it off). */
const SEARCH_KEY = "idleclaw.search";

const $ = (id) => document.getElementById(id);
const ui = view({ renderMarkdown, copyButton, onRetry: (c, m) => retry(c, m) });

const state = {
  conversations: store.load(),
  current: null,
  models: [],
  nodes: null,
  /** The hub's server-side tools, from /health. */
  tools: [],
  streaming: null,
};

// ---- conversations -------------------------------------------------------------------------------------------

function persist() {
  store.save(state.conversations);
}

function open(conversation) {
  if (state.streaming) stop();
  state.current = conversation;
  if (conversation?.model && state.models.some((m) => m.name === conversation.model)) selectModel(conversation.model);
  ui.showThread(conversation);
  renderList();
  document.title = conversation ? `${conversation.title} · IdleClaw` : "IdleClaw chat";
  closeSidebar();
}

function renderList() {
  const list = $("conversations");
  list.replaceChildren(...[...state.conversations].sort((a, b) => b.updated - a.updated).map((c) => ui.listItem(c, {
    current: c === state.current,
    open: () => open(c),
    rename: (title) => { c.title = title; c.titled = true; persist(); renderList(); if (c === state.current) document.title = `${title} · IdleClaw`; },
    remove: () => {
      state.conversations = state.conversations.filter((x) => x !== c);
      persist();
      if (c === state.current) open(null);
      else renderList();
    },
  })));
  $("no-conversations").hidden = state.conversations.length > 0;
}

// ---- sending -------------------------------------------------------------------------------------------------

async function send(text) {
  text = text.trim();
  if (!text || state.streaming) return;
  const model = $("model").value;
  if (!model || !state.models.some((m) => m.name === model)) {
    ui.flash("No model is online right now. Try again when a node has joined.");
    return;
  }
  let c = state.current;
  if (!c) {
    c = store.create(model);
    state.conversations.push(c);
    state.current = c;
    ui.showThread(c);
  }
  c.model = model;
  c.messages.push({ role: "user", content: text });
  store.autoTitle(c);
  document.title = `${c.title} · IdleClaw`;
  ui.append(c, c.messages.at(-1));
  $("prompt").value = "";
  autosize();
  await answer(c);
}

function history(c) {
  return c.messages.filter((m) => m.role === "user" || (m.role === "assistant" && m.content))
    .map((m) => ({ role: m.role, content: m.content }));
}

async function answer(c) {
  const model = c.model;
  const info = state.models.find((m) => m.name === model);
  const think = info?.thinking ? $("think").checked : undefined;
  const search = state.tools.includes("web_search") ? $("search").checked : undefined;
  const messages = history(c);
  const msg = { role: "assistant", content: "", thinking: "", model, state: "waiting" };
  c.messages.push(msg);
  c.updated = Date.now();
  persist();
  renderList();
  const controller = new AbortController();
  state.streaming = { controller, conversation: c, message: msg };
  setStreaming(true);
  const card = ui.append(c, msg);
  const queueNote = setTimeout(() => { msg.waiting = "Waiting for a free node…"; card.update(); }, QUEUE_NOTE_MS);
  try {
    const end = await api.chat({
      model, messages, think, search, key: account.apiKey(), signal: controller.signal,
      onStart: ({ queuePosition, node }) => {
        clearTimeout(queueNote);
        msg.node = node;
        msg.queuePosition = queuePosition; // the hub reports it with the answer's headers, once a node took it
        msg.waiting = queuePosition ? `Waited in line at #${queuePosition}; the node is starting…` : "";
        card.update();
      },
      onChunk: ({ content, thinking }) => {
        msg.thinking += thinking;
        msg.content += content;
        if (msg.content || msg.thinking) msg.state = "streaming";
        card.update();
      },
      onTool: ({ name, status }) => {
        msg.tool = status === "executing" ? name : null;
        card.update();
      },
    });
    msg.state = "done";
    if (Array.isArray(end.sources)) {
      msg.sources = end.sources.map((s) => ({ title: String(s?.title ?? ""), url: String(s?.url ?? "") }));
    }
    if (end.eval_count && end.eval_duration) msg.tokensPerSecond = end.eval_count / (end.eval_duration / 1e9);
  } catch (e) {
    if (e.name === "AbortError") {
      msg.state = "stopped";
    } else {
      msg.state = "error";
      msg.error = describe(e);
      if (msg.error.kind === "unreachable") refreshHealth();
    }
  } finally {
    clearTimeout(queueNote);
    msg.waiting = "";
    msg.tool = null;
    state.streaming = null;
    setStreaming(false);
    c.updated = Date.now();
    persist();
    card.update();
    account.refreshBalance().catch(() => {});
  }
}

const sentence = (text) => `${String(text).trim().replace(/\.$/, "")}.`;

/** What went wrong, in words for the person, with the wait the hub asked for. */
function describe(e) {
  if (e instanceof api.HubError) {
    const until = e.retryAfter != null ? Date.now() + e.retryAfter * 1000 : null;
    if (e.status === 429) return { kind: "refused", status: 429, until, text: "The hub is limiting how fast you can send. Please wait a moment." };
    if (e.status === 503) return { kind: "refused", status: 503, until, text: `No node can take this right now: ${sentence(e.message)}` };
    if (e.status === 401) return { kind: "refused", status: 401, text: "The hub did not accept your API key. Sign out or use another key." };
    if (e.status === 402) return { kind: "refused", status: 402, text: "Your key has no credit left on this hub." };
    return { kind: "refused", status: e.status, text: `The hub refused the request: ${sentence(e.message)}` };
  }
  if (e instanceof api.StreamError) return { kind: "failed", text: `The node serving this answer failed: ${sentence(e.message)}` };
  return { kind: "unreachable", text: "Can't reach the hub. Check your connection, or whether the hub is running." };
}

function retry(c, msg) {
  if (state.streaming) return;
  const i = c.messages.indexOf(msg);
  if (i < 0) return;
  c.messages.splice(i, 1);
  ui.remove(msg);
  answer(c);
}

function stop() {
  state.streaming?.controller.abort();
}

function setStreaming(on) {
  $("send").hidden = on;
  $("stop").hidden = !on;
  $("messages").setAttribute("aria-busy", String(on));
}

// ---- models and connection -------------------------------------------------------------------------------------

function selectModel(name) {
  $("model").value = name;
  showModel();
}

function showModel() {
  const m = state.models.find((x) => x.name === $("model").value);
  $("model-chips").replaceChildren(...ui.chips(m));
  $("think-toggle").hidden = !m?.thinking;
  if (m) localStorage.setItem(MODEL_KEY, m.name);
}

async function refreshModels() {
  try {
    state.models = await api.models();
  } catch {
    return; // the connection status says why
  }
  const select = $("model");
  const chosen = select.value && state.models.some((m) => m.name === select.value) ? select.value
    : state.current?.model ?? localStorage.getItem(MODEL_KEY);
  select.replaceChildren(...(state.models.length ? state.models.map(ui.modelOption) : [new Option("No models online", "")]));
  select.disabled = state.models.length === 0;
  if (state.models.some((m) => m.name === chosen)) select.value = chosen;
  showModel();
}

async function refreshHealth() {
  try {
    const h = await api.health();
    const n = h.node_count ?? 0;
    if (state.nodes !== null && n !== state.nodes) refreshModels(); // a node joined or left: models and counts changed
    state.nodes = n;
    state.tools = Array.isArray(h.tools) ? h.tools.map(String) : [];
    $("search-toggle").hidden = !state.tools.includes("web_search");
    ui.connection(n > 0 ? "ok" : "warn", n > 0 ? `Online · ${n} node${n === 1 ? "" : "s"}` : "Online · no nodes right now");
  } catch {
    ui.connection("bad", "Hub unreachable");
  }
}

// ---- layout and keys ------------------------------------------------------------------------------------------

function autosize() {
  const t = $("prompt");
  t.style.height = "auto";
  t.style.height = `${Math.min(t.scrollHeight, 200)}px`;
}

function openSidebar() {
  $("app").classList.add("sidebar-open");
  $("open-sidebar").setAttribute("aria-expanded", "true");
  $("scrim").hidden = false;
}

function closeSidebar() {
  $("app").classList.remove("sidebar-open");
  $("open-sidebar").setAttribute("aria-expanded", "false");
  $("scrim").hidden = true;
}

$("composer").addEventListener("submit", (e) => { e.preventDefault(); send($("prompt").value); });
$("prompt").addEventListener("input", autosize);
$("prompt").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send($("prompt").value);
  }
});
document.addEventListener("keydown", (e) => { if (e.key === "Escape" && state.streaming) { e.preventDefault(); stop(); } });
$("stop").addEventListener("click", stop);
$("new-chat").addEventListener("click", () => { open(null); $("prompt").focus(); });
$("examples").addEventListener("click", (e) => {
  const example = e.target.closest("[data-prompt]");
  if (example) send(example.dataset.prompt);
});
$("model").addEventListener("change", showModel);
$("search").checked = localStorage.getItem(SEARCH_KEY) !== "off";
$("search").addEventListener("change", () => localStorage.setItem(SEARCH_KEY, $("search").checked ? "on" : "off"));
$("open-sidebar").addEventListener("click", openSidebar);
$("close-sidebar").addEventListener("click", closeSidebar);
$("scrim").addEventListener("click", closeSidebar);
account.setUp();
window.addEventListener("focus", refreshHealth);

renderList();
await Promise.all([refreshModels(), refreshHealth(), account.refreshBalance().catch(() => {})]);
setInterval(refreshHealth, HEALTH_EVERY_MS);
setInterval(refreshModels, MODELS_EVERY_MS);
document.documentElement.dataset.ready = "true";
