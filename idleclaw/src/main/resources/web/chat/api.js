// The hub's public HTTP API, as the chat page uses it. Every URL is relative to the page's <base>, so the page
// works wherever a proxy mounts the hub.

/** Fetches a JSON lookup; throws HubError (status, message) or a network TypeError. */
async function json(path, key) {
  const headers = { Accept: "application/json" };
  if (key) headers.Authorization = `Bearer ${key}`;
  const res = await fetch(path, { headers, cache: "no-store" });
  if (!res.ok) throw await HubError.from(res);
  return res.json();
}

/** A refusal from the hub: its status, its message and, for 429/503, the seconds it asked us to wait. */
export class HubError extends Error {
  constructor(status, message, retryAfter) {
    super(message);
    this.status = status;
    this.retryAfter = retryAfter;
  }

  static async from(res) {
    let message = `${res.status} ${res.statusText}`.trim();
    try {
      const body = await res.json();
      message = body.error?.message ?? body.error ?? body.detail ?? message;
    } catch { /* not JSON: keep the status line */ }
    const retry = Number.parseInt(res.headers.get("Retry-After") ?? "", 10);
    return new HubError(res.status, String(message), Number.isFinite(retry) && retry >= 0 ? retry : null);
  }
}

/** GET /health: {status, node_count, …, tools: ["web_search", …] when the hub runs server-side tools}. */
export const health = () => json("health");

/**
 * The models to choose from, largest first: [{name, thinking, tools, nodes, size}], merged from /api/models
 * (order and capabilities), /metrics (how many nodes serve each) and /api/tags (parameter size).
 */
export async function models() {
  const [list, metrics, tags] = await Promise.all([
    json("api/models"),
    json("metrics").catch(() => ({})),
    json("api/tags").catch(() => ({})),
  ]);
  const nodes = new Map((metrics.models_available ?? []).map((m) => [m.name, m.node_count]));
  const sizes = new Map((tags.models ?? []).map((m) => [m.name, m.details?.parameter_size ?? ""]));
  return (list.models ?? []).map((name) => ({
    name,
    thinking: Boolean(list.capabilities?.[name]?.thinking),
    tools: Boolean(list.capabilities?.[name]?.tool_calls),
    nodes: nodes.get(name) ?? null,
    size: sizes.get(name) ?? "",
  }));
}

/** GET /balance with an API key: the key's own account ({available, earned, spent, …}). */
export async function balance(key) {
  const body = await json("balance", key);
  return body.self;
}

/**
 * Streams one answer from POST /api/chat in Ollama's NDJSON dialect (structured errors, thinking, a final line
 * with counts). Calls onStart({queuePosition, node}) once the hub answered, onChunk({content, thinking}) per line,
 * onTool({name, status}) per tool status line, and resolves with the final line (with `sources` when the hub ran
 * tools for it); throws HubError before the answer, StreamError when it fails midway, or the AbortError of `signal`.
 * `search` true asks for the hub's web tools with their status and sources (X-IdleClaw-Tools: web), false for none,
 * undefined leaves it to the hub.
 */
export async function chat({ model, messages, think, search, key, signal, onStart, onChunk, onTool }) {
  const headers = { "Content-Type": "application/json", Accept: "application/x-ndjson" };
  if (key) headers.Authorization = `Bearer ${key}`;
  if (search !== undefined) headers["X-IdleClaw-Tools"] = search ? "web" : "none";
  const body = { model, messages, stream: true };
  if (think !== undefined) body.think = think;
  const res = await fetch("api/chat", { method: "POST", headers, body: JSON.stringify(body), signal, cache: "no-store" });
  if (!res.ok) throw await HubError.from(res);
  const queue = Number.parseInt(res.headers.get("X-IdleClaw-Queue-Position") ?? "", 10);
  onStart?.({ queuePosition: Number.isFinite(queue) ? queue : null, node: res.headers.get("X-IdleClaw-Node") });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl).trim();
      buffer = buffer.slice(nl + 1);
      if (!line) continue;
      const event = JSON.parse(line);
      if (event.error) throw new StreamError(String(event.error));
      if (event.tool_call) onTool?.({ name: String(event.tool_call.name ?? ""), status: String(event.tool_call.status ?? "") });
      if (event.message) onChunk({ content: event.message.content ?? "", thinking: event.message.thinking ?? "" });
      if (event.done) return event;
    }
  }
  throw new StreamError("the connection closed before the answer was complete");
}

/** The answer failed after it had begun (the node failed, or the stream was cut). */
export class StreamError extends Error {}
