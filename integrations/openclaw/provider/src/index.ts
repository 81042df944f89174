import { DEFAULT_BASE_URL, FALLBACK_CONTEXT_WINDOW, discoverModels, normalizeBaseUrl, originOf } from "./models.js";
import { apply, optInsFromEnv, type OptIns } from "./optin.js";
import type {
  ModelDefinition,
  OpenClawConfig,
  PluginEntry,
  ProviderAuthContext,
  ProviderAuthMethodNonInteractiveContext,
  ProviderAuthResult,
  ProviderConfig,
} from "./openclaw.js";

const PROVIDER_ID = "idleclaw";
const LABEL = "IdleClaw network";
/** Any bearer token that is not an `ick_` key means "anonymous" to a hub; OpenClaw wants a non-empty one. */
const ANONYMOUS_KEY = "idleclaw-anonymous";

const INTRO = [
  "IdleClaw is a community inference network for Ollama: hubs relay chats to nodes that people contribute.",
  "",
  "Point OpenClaw at a hub, or at your own `idleclaw router` (default " + DEFAULT_BASE_URL + ").",
  "Then two questions, both defaulting to no: discover more hubs from a tracker, and contribute",
  "this machine's Ollama. Nothing is announced or shared unless you say yes.",
].join("\n");

/** The provider entry and the default model, merged into `config`. */
function withProvider(config: OpenClawConfig, baseUrl: string, apiKey: string, models: ModelDefinition[], model: string): OpenClawConfig {
  const provider: ProviderConfig = { baseUrl, api: "openai-completions", apiKey, models };
  const existing = config.agents?.defaults?.model;
  const fallbacks = existing && typeof existing === "object" && "fallbacks" in existing ? (existing as any).fallbacks : undefined;
  return {
    ...config,
    models: { ...config.models, mode: config.models?.mode ?? "merge", providers: { ...config.models?.providers, [PROVIDER_ID]: provider } },
    agents: {
      ...config.agents,
      defaults: { ...config.agents?.defaults, model: { ...(fallbacks ? { fallbacks } : {}), primary: `${PROVIDER_ID}/${model}` } },
    },
  };
}

/** A model the user named that the listing did not show (the router was not running yet, say). */
function unlisted(id: string): ModelDefinition {
  return {
    id,
    name: `${id} (IdleClaw)`,
    reasoning: false,
    input: ["text"],
    cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
    contextWindow: FALLBACK_CONTEXT_WINDOW,
    maxTokens: FALLBACK_CONTEXT_WINDOW,
  };
}

function text(value: unknown): string | undefined {
  const s = typeof value === "string" ? value.trim() : "";
  return s === "" ? undefined : s;
}

async function runInteractive(ctx: ProviderAuthContext): Promise<ProviderAuthResult> {
  const p = ctx.prompter;
  await p.note(INTRO, LABEL);
  const baseUrl = normalizeBaseUrl(
    await p.text({
      message: "Hub or router URL",
      initialValue: DEFAULT_BASE_URL,
      placeholder: DEFAULT_BASE_URL,
      validate: (v) => {
        try {
          normalizeBaseUrl(v);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      },
    }),
  );
  const apiKey =
    text(await p.text({ message: "IdleClaw API key (ick_…; leave empty to chat anonymously)", placeholder: "ick_…" })) ?? ANONYMOUS_KEY;

  let models: ModelDefinition[] = [];
  try {
    models = await discoverModels(baseUrl, apiKey);
  } catch (e) {
    await p.note(`Could not list models at ${baseUrl}/models: ${(e as Error).message}`, "Models");
  }
  let model: string;
  if (models.length > 0) {
    model = await p.select({
      message: "Default model",
      options: models.map((m) => ({ value: m.id, label: m.id, hint: `${m.contextWindow} tokens of context` })),
      initialValue: models[0].id,
    });
  } else {
    model = (await p.text({ message: "Model to use (e.g. llama3.2:3b)", validate: (v) => (v.trim() ? undefined : "Required") })).trim();
    models = [unlisted(model)];
  }

  const optIns: OptIns = {};
  if (
    await p.confirm({
      message: "Discover more hubs from a tracker? (runs `idleclaw peers sync TRACKER` for your local router)",
      initialValue: false,
    })
  ) {
    optIns.syncTracker = (await p.text({ message: "Tracker URL", placeholder: "http://tracker.example:17476", validate: (v) => (v.trim() ? undefined : "Required") })).trim();
  }
  if (
    await p.confirm({
      message: "Contribute this machine's Ollama to the network? (starts `idleclaw contribute --server HUB`)",
      initialValue: false,
    })
  ) {
    optIns.contributeTo = (await p.text({ message: "Hub to contribute to", initialValue: originOf(baseUrl), validate: (v) => (v.trim() ? undefined : "Required") })).trim();
  }
  const done = await apply(optIns);
  await p.note(done.join("\n"), LABEL);

  return {
    profiles: [],
    configPatch: withProvider({}, baseUrl, apiKey, models, model),
    defaultModel: `${PROVIDER_ID}/${model}`,
  };
}

/**
 * `openclaw onboard --non-interactive --auth-choice idleclaw [--custom-base-url URL] [--custom-model-id ID]
 * [--custom-api-key ick_…]`: lists the models (all of them go into the config), defaults to the given one or the
 * first listed, and opts in only to what the `IDLECLAW_ONBOARD_*` variables ask for.
 */
async function runNonInteractive(ctx: ProviderAuthMethodNonInteractiveContext): Promise<OpenClawConfig | null> {
  const fail = (message: string) => {
    ctx.runtime.error(message);
    ctx.runtime.exit(1);
    return null;
  };
  let baseUrl: string;
  try {
    baseUrl = normalizeBaseUrl(text(ctx.opts.customBaseUrl) ?? DEFAULT_BASE_URL);
  } catch (e) {
    return fail(`--custom-base-url: ${(e as Error).message}`);
  }
  const apiKey = text(ctx.opts.customApiKey) ?? text(process.env.IDLECLAW_API_KEY) ?? ANONYMOUS_KEY;
  let models: ModelDefinition[];
  try {
    models = await discoverModels(baseUrl, apiKey);
  } catch (e) {
    return fail(`cannot list the models at ${baseUrl}/models: ${(e as Error).message}`);
  }
  const wanted = text(ctx.opts.customModelId);
  if (wanted !== undefined && !models.some((m) => m.id === wanted)) {
    return fail(`--custom-model-id ${wanted}: ${baseUrl} serves ${models.map((m) => m.id).join(", ") || "no models right now"}`);
  }
  const model = wanted ?? models[0]?.id;
  if (model === undefined) return fail(`${baseUrl} serves no chat models right now; start a node (idleclaw contribute) and retry`);
  let done: string[];
  try {
    done = await apply(optInsFromEnv());
  } catch (e) {
    return fail((e as Error).message);
  }
  for (const line of done) ctx.runtime.log(line);
  ctx.runtime.log(`${LABEL}: ${models.length} model(s) from ${baseUrl}; default ${PROVIDER_ID}/${model}`);
  return withProvider(ctx.config, baseUrl, apiKey, models, model);
}

const plugin: PluginEntry = {
  id: PROVIDER_ID,
  name: LABEL,
  description: "The IdleClaw community inference network as an OpenAI-compatible provider.",
  register(api) {
    api.registerProvider({
      id: PROVIDER_ID,
      label: LABEL,
      envVars: ["IDLECLAW_API_KEY"],
      auth: [
        {
          id: "custom",
          label: LABEL,
          hint: "A hub or your local idleclaw router",
          kind: "custom",
          run: runInteractive,
          runNonInteractive,
        },
      ],
      wizard: {
        setup: {
          choiceId: PROVIDER_ID,
          choiceLabel: LABEL,
          choiceHint: "Community Ollama network: a hub or your local idleclaw router",
          groupId: PROVIDER_ID,
          groupLabel: "IdleClaw",
          groupHint: "Community inference network (opt-in discovery and contributing)",
          methodId: "custom",
        },
      },
    });
  },
};

export default plugin;
