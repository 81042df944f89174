import { spawn } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";

/** `idleclaw peers sync` reads one tracker and gives up on its own well before this; then it is stopped. */
const COMMAND_TIMEOUT_MS = 120_000;
/** Enough of a command's output to show its result or its error line, never an unbounded buffer. */
const MAX_OUTPUT_CHARS = 8_192;

/** How a finished command ended. */
export interface Finished {
  code: number | null;
  output: string;
}

/** Runs `argv` to completion (no shell), returning its exit code and the start of its stdout and stderr. */
export function runToCompletion(argv: string[]): Promise<Finished> {
  return new Promise((resolve) => {
    let output = "";
    const keep = (chunk: { toString(): string }) => {
      if (output.length < MAX_OUTPUT_CHARS) output = (output + chunk.toString()).slice(0, MAX_OUTPUT_CHARS);
    };
    const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => {
      // never leave the wizard waiting: stop the command; "close" then reports it as failed
      output += `\n(stopped: no result within ${COMMAND_TIMEOUT_MS / 1000} s)`;
      child.kill("SIGTERM");
    }, COMMAND_TIMEOUT_MS);
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ code: null, output: `cannot start ${argv[0]}: ${err.message}` });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.trim() });
    });
  });
}

/**
 * Starts `argv` (no shell) detached from OpenClaw, its output appended to `logFile`, and returns its process id:
 * contributing runs for as long as the user wants, not for as long as the wizard.
 */
export function startInBackground(argv: string[], logDir: string, logFile: string): Promise<number> {
  mkdirSync(logDir, { recursive: true });
  const log = openSync(logFile, "a");
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { detached: true, stdio: ["ignore", log, log] });
    child.on("error", (err) => reject(new Error(`cannot start ${argv[0]}: ${err.message}`)));
    // spawn reports a missing binary asynchronously; give it a tick before trusting the pid.
    setTimeout(() => {
      if (child.pid === undefined) return;
      child.unref();
      resolve(child.pid);
    }, 200);
  });
}
