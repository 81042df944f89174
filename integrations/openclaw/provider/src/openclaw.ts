/**
 * The part of OpenClaw's plugin API this plugin uses, declared here (types only) so that the package builds with
 * nothing but TypeScript and needs no OpenClaw module at run time. Shapes follow `openclaw/plugin-sdk` as shipped in
 * openclaw 2026.9.6 (the version the tests run).
 */

/** A model as `models.providers.<id>.models[]` holds it. */
export interface ModelDefinition {
  id: string;
  name: string;
  reasoning: boolean;
  input: Array<"text" | "image">;
  cost: { input: number; output: number; cacheRead: number; cacheWrite: number };
  contextWindow: number;
  maxTokens: number;
}

/** One `models.providers.<id>` entry. */
export interface ProviderConfig {
  baseUrl: string;
  api: "openai-completions";
  apiKey: string;
  models: ModelDefinition[];
}

/** OpenClaw's whole config; only the parts we read or write are typed. */
export interface OpenClawConfig {
  models?: { mode?: string; providers?: Record<string, unknown>; [k: string]: unknown };
  agents?: { defaults?: { model?: unknown; [k: string]: unknown }; [k: string]: unknown };
  [k: string]: unknown;
}

/** The onboarding wizard's prompts (`@clack/prompts` underneath). */
export interface WizardPrompter {
  note(message: string, title?: string): Promise<void>;
  text(params: {
    message: string;
    initialValue?: string;
    placeholder?: string;
    validate?: (value: string) => string | undefined;
  }): Promise<string>;
  confirm(params: { message: string; initialValue?: boolean }): Promise<boolean>;
  select<T>(params: { message: string; options: Array<{ value: T; label: string; hint?: string }>; initialValue?: T }): Promise<T>;
}

/** What an interactive auth method gets. */
export interface ProviderAuthContext {
  config: OpenClawConfig;
  prompter: WizardPrompter;
}

/** What an interactive auth method returns: a config patch merged by OpenClaw, and the model to default to. */
export interface ProviderAuthResult {
  profiles: Array<{ profileId: string; credential: unknown }>;
  configPatch?: OpenClawConfig;
  defaultModel?: string;
  notes?: string[];
}

/** What `openclaw onboard --non-interactive --auth-choice idleclaw …` hands the method. */
export interface ProviderAuthMethodNonInteractiveContext {
  authChoice: string;
  config: OpenClawConfig;
  opts: { customBaseUrl?: unknown; customModelId?: unknown; customApiKey?: unknown; [k: string]: unknown };
  runtime: { log(message: string): void; error(message: string): void; exit(code: number): void };
}

export interface ProviderAuthMethod {
  id: string;
  label: string;
  hint?: string;
  kind: "custom";
  run(ctx: ProviderAuthContext): Promise<ProviderAuthResult>;
  runNonInteractive(ctx: ProviderAuthMethodNonInteractiveContext): Promise<OpenClawConfig | null>;
}

export interface ProviderPlugin {
  id: string;
  label: string;
  docsPath?: string;
  envVars?: string[];
  auth: ProviderAuthMethod[];
  wizard?: {
    setup?: {
      choiceId: string;
      choiceLabel: string;
      choiceHint?: string;
      groupId: string;
      groupLabel: string;
      groupHint?: string;
      methodId: string;
    };
  };
}

export interface OpenClawPluginApi {
  registerProvider(provider: ProviderPlugin): void;
}

/** The default export OpenClaw loads from `openclaw.extensions`. */
export interface PluginEntry {
  id: string;
  name: string;
  description: string;
  register(api: OpenClawPluginApi): void;
}
