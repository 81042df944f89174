import { join } from "node:path";
import { homedir } from "node:os";
import { runToCompletion, startInBackground } from "./run.js";

/**
 * The two things onboarding may do beyond writing the provider, each only when the user said yes: pull hubs from a
 * tracker into the local router's peers file, and contribute this machine's Ollama. Every command is shown before it
 * runs; non-interactive onboarding opts in only through the environment variables below, never by default.
 */
export const ENV = {
  /** Tracker URL: run `idleclaw peers sync <URL>` (unset or empty: no). */
  syncTracker: "IDLECLAW_ONBOARD_SYNC_TRACKER",
  /** Hub URL: start `idleclaw contribute --server <URL>` in the background (unset or empty: no). */
  contributeTo: "IDLECLAW_ONBOARD_CONTRIBUTE_TO",
  /** The launcher to run (default `idleclaw` on PATH). */
  bin: "IDLECLAW_BIN",
} as const;

/** What the user opted in to; `undefined` means no. */
export interface OptIns {
  syncTracker?: string;
  contributeTo?: string;
}

/** The non-interactive answers, from the environment. */
export function optInsFromEnv(): OptIns {
  const read = (name: string) => {
    const value = process.env[name]?.trim();
    return value ? value : undefined;
  };
  return { syncTracker: read(ENV.syncTracker), contributeTo: read(ENV.contributeTo) };
}

function launcher(): string {
  return process.env[ENV.bin]?.trim() || "idleclaw";
}

/** `idleclaw peers sync TRACKER`: adds the tracker's announced hubs and workers to the router's peers file. */
export function syncCommand(tracker: string): string[] {
  return [launcher(), "peers", "sync", tracker];
}

/** `idleclaw contribute --server HUB`: serves this machine's Ollama (OLLAMA_HOST) to the hub. */
export function contributeCommand(hub: string): string[] {
  return [launcher(), "contribute", "--server", hub];
}

function shown(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ");
}

function dataDir(): string {
  return process.env.IDLECLAW_DATA_DIR?.trim() || join(homedir(), ".idleclaw");
}

/** Carries out what the user opted in to and returns one line per action, for the wizard to show. */
export async function apply(optIns: OptIns): Promise<string[]> {
  const lines: string[] = [];
  if (optIns.syncTracker === undefined) {
    lines.push("Peer discovery: off (no tracker contacted).");
  } else {
    const argv = syncCommand(optIns.syncTracker);
    const done = await runToCompletion(argv);
    lines.push(`ran: ${shown(argv)} (exit ${done.code ?? "-"})`);
    if (done.output) lines.push(done.output);
    if (done.code !== 0) throw new Error(`peer discovery failed: ${shown(argv)} exited ${done.code ?? "-"}: ${done.output}`);
  }
  if (optIns.contributeTo === undefined) {
    lines.push("Contributing: off (this machine's Ollama is not shared).");
  } else {
    const argv = contributeCommand(optIns.contributeTo);
    const dir = dataDir();
    const log = join(dir, "contribute.log");
    const pid = await startInBackground(argv, dir, log);
    lines.push(`started: ${shown(argv)} (pid ${pid}, log ${log}; stop it with: kill ${pid})`);
  }
  return lines;
}
