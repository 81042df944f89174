// The few Node.js built-ins this plugin uses (OpenClaw runs it on Node >= 22), declared here so that the build needs
// only the pinned TypeScript and no @types/node.
declare const process: { env: Record<string, string | undefined>; platform: string };

declare module "node:child_process" {
  export interface ChildProcess {
    pid?: number;
    unref(): void;
    kill(signal?: string): boolean;
    on(event: "error", listener: (err: Error) => void): this;
    on(event: "close", listener: (code: number | null) => void): this;
    stdout: { on(event: "data", listener: (chunk: { toString(): string }) => void): void } | null;
    stderr: { on(event: "data", listener: (chunk: { toString(): string }) => void): void } | null;
  }
  export function spawn(
    command: string,
    args: readonly string[],
    options: { detached?: boolean; stdio?: unknown; env?: Record<string, string | undefined> },
  ): ChildProcess;
}

declare module "node:fs" {
  export function openSync(path: string, flags: string): number;
  export function mkdirSync(path: string, options: { recursive: boolean }): void;
}

declare module "node:path" {
  export function join(...parts: string[]): string;
}

declare module "node:os" {
  export function homedir(): string;
}
