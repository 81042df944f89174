import type { ModelDefinition } from "./openclaw.js";

/** `idleclaw router` listens here by default (Lobstah's router port). */
export const DEFAULT_BASE_URL = "http://127.0.0.1:17475/v1";
/** A hub answers its listings at once; never hang the wizard on an address that does not answer. */
const REQUEST_TIMEOUT_MS = 10_000;
/** When a hub (or an older one) reports no window: Ollama's own default context, the smallest safe assumption. */
export const FALLBACK_CONTEXT_WINDOW = 4_096;
/** An answer's token cap: OpenClaw's usual for self-hosted models, never more than the window. */
const MAX_OUTPUT_TOKENS = 8_192;
/** A hub lists at most a few dozen models; refuse to build a config from a runaway listing. */
const MAX_MODELS = 200;
const FREE = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };

/** `http://host:port/v1/` → `http://host:port/v1`: the form OpenClaw and the hub's OpenAI door expect. */
export function normalizeBaseUrl(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, "");
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new Error(`not a URL: ${raw}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`not an http(s) URL: ${raw}`);
  return trimmed.endsWith("/v1") ? trimmed : `${trimmed}/v1`;
}

/** The hub's root (where its Ollama door answers `/api/show`): the base URL without `/v1`. */
export function originOf(baseUrl: string): string {
  return baseUrl.replace(/\/v1$/, "");
}

interface Shown {
  contextWindow?: number;
  capabilities: string[];
}

/**
 * The chat models a hub or router serves, from its OpenAI `/v1/models` listing (embedding models, marked
 * `"type":"embeddings"`, are left out), each with the context window and capabilities its Ollama door's
 * `/api/show` reports: `model_info["<general.architecture>.context_length"]` is the largest window a serving node
 * advertised.
 */
export async function discoverModels(baseUrl: string, apiKey: string): Promise<ModelDefinition[]> {
  const headers = { Authorization: `Bearer ${apiKey}` };
  const listing = await getJson(`${baseUrl}/models`, { headers });
  const data = Array.isArray(listing?.data) ? listing.data : [];
  const ids: string[] = data
    .filter((m: any) => typeof m?.id === "string" && m.id.trim() !== "" && m.type !== "embeddings")
    .map((m: any) => String(m.id).trim())
    .slice(0, MAX_MODELS);
  const models: ModelDefinition[] = [];
  for (const id of ids) {
    const shown = await show(originOf(baseUrl), id, headers);
    const contextWindow = shown.contextWindow ?? FALLBACK_CONTEXT_WINDOW;
    models.push({
      id,
      name: `${id} (IdleClaw)`,
      reasoning: shown.capabilities.includes("thinking"),
      input: shown.capabilities.includes("vision") ? ["text", "image"] : ["text"],
      cost: FREE,
      contextWindow,
      maxTokens: Math.min(MAX_OUTPUT_TOKENS, contextWindow),
    });
  }
  return models;
}

async function show(origin: string, model: string, headers: Record<string, string>): Promise<Shown> {
  try {
    const shown = await getJson(`${origin}/api/show`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ model }),
    });
    const info = shown?.model_info ?? {};
    const family = typeof info["general.architecture"] === "string" ? info["general.architecture"] : "";
    const trained = family ? info[`${family}.context_length`] : undefined;
    return {
      contextWindow: Number.isInteger(trained) && trained > 0 ? trained : undefined,
      capabilities: Array.isArray(shown?.capabilities) ? shown.capabilities.map(String) : [],
    };
  } catch {
    // A router or hub without the Ollama door still serves the model; only the window is unknown.
    return { capabilities: [] };
  }
}

async function getJson(url: string, init: RequestInit): Promise<any> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return await response.json();
}
