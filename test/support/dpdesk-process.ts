/**
 * `dpdesk serve` and the CLI as real child processes, for the tests that kill servers or the database under
 * them. They run the compiled dist/ (`npm run build` first, as `npm ci` does).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const bin = join(root, "bin", "dpdesk.js");
export const exampleIncident = JSON.parse(
  readFileSync(join(root, "examples", "prospect-union-2025.json"), "utf8"),
) as Record<string, unknown>;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Runs the CLI to completion (bounded by a timeout) and returns its exit code and output. */
export async function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  try {
    const [code] = (await once(child, "exit")) as [number | null];
    return { code, stdout, stderr };
  } finally {
    clearTimeout(timer);
  }
}

export interface Server {
  child: ChildProcess;
  base: string;
  stderr(): string;
  hasExited(): boolean;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

/** Kills every server this module started that is still running (for afterAll). */
export function killAllServers(): void {
  for (const child of children) child.kill("SIGKILL");
}

/** Starts `dpdesk serve` on a free port and waits (bounded) until /healthz answers. */
export async function startServer(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, "serve"], {
    cwd: root,
    env: { ...env, HOST: "127.0.0.1", PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.add(child);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-50_000)));
  let exitedYet = false;
  const hasExited = () => exitedYet;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      exitedYet = true;
      children.delete(child);
      resolve({ code, signal });
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (hasExited()) throw new Error(`dpdesk serve exited before it was ready:\n${stderr}`);
    try {
      const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`dpdesk serve was not healthy within ${timeoutMs} ms:\n${stderr}`);
    }
    await sleep(100);
  }
  return { child, base, stderr: () => stderr, hasExited, exited };
}

/** Waits (bounded) for a server to exit; kills it with SIGKILL if it does not. */
export async function waitForExit(server: Server, timeoutMs = 30_000) {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => {
      resolve("timeout");
    }, timeoutMs);
  });
  try {
    const result = await Promise.race([server.exited, timedOut]);
    if (result === "timeout") {
      server.child.kill("SIGKILL");
      throw new Error(`dpdesk serve did not exit within ${timeoutMs} ms:\n${server.stderr()}`);
    }
    return result;
  } finally {
    clearTimeout(timer);
  }
}
