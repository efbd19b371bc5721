/**
 * Crash safety on embedded PGlite: a server killed with SIGKILL in the middle of a burst of writes loses no
 * breach it acknowledged with a 201, files none twice, and its audit chain still verifies after a restart
 * (through the API, and through `dpdesk audit verify` with the server stopped).
 *
 * The server runs as a real child process (`bin/dpdesk.js serve`, compiled dist/: run `npm run build` first).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = join(root, "bin", "dpdesk.js");
const example = JSON.parse(
  readFileSync(join(root, "examples", "prospect-union-2025.json"), "utf8"),
) as Record<string, unknown>;

const BURST_CONCURRENCY = 16;
const ACKNOWLEDGED_BEFORE_KILL = 150;
const BURST_MS = 2_000;

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs the CLI to completion (bounded by a timeout) and returns its exit code and output. */
async function runCli(
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

interface Server {
  child: ChildProcess;
  base: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

/** Starts `dpdesk serve` and waits (bounded) until /healthz answers. */
async function startServer(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [bin, "serve"], {
    cwd: root,
    env: { ...env, HOST: "127.0.0.1", PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.add(child);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  let exitedYet = false;
  void exited.then(() => (exitedYet = true));
  const hasExited = () => exitedYet;
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
  return { child, base, stderr: () => stderr, exited };
}

/** Waits (bounded) for a child to exit; kills it with SIGKILL if it does not. */
async function waitForExit(server: Server, timeoutMs = 30_000) {
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

const dataDir = mkdtempSync(join(tmpdir(), "dpdesk-crash-"));
const env: NodeJS.ProcessEnv = { ...process.env, DPDESK_DATA_DIR: dataDir, LOG_LEVEL: "warn" };
delete env.DATABASE_URL;

afterAll(() => {
  for (const child of children) child.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("crash safety (PGlite, SIGKILL)", () => {
  it(
    "a server killed with SIGKILL during a burst of writes loses no acknowledged (201) breach, and the audit chain still verifies after restart",
    { timeout: 120_000 },
    async () => {
      const created = await runCli(
        ["org", "create", "--name", "Crash Test Union", "--owner-email", "owner@example.org", "--json"],
        env,
      );
      expect(created.code, created.stderr).toBe(0);
      const { token } = JSON.parse(created.stdout) as { orgId: string; token: string };
      const auth = { authorization: `Bearer ${token}` };

      let server = await startServer(env);

      // The burst: BURST_CONCURRENCY workers each POST breaches with unique titles until the server dies.
      const acknowledged = new Map<string, string>(); // title -> id, for every 201 with a body
      const acknowledgedWithoutBody = new Set<string>(); // a 201 whose body was cut off by the kill
      const unexpected: string[] = [];
      let attempted = 0;
      let inFlight = 0;
      let killed = false;
      const isKilled = () => killed;
      const burstBase = server.base;

      async function worker(): Promise<void> {
        while (!isKilled()) {
          const title = `Crash burst breach ${++attempted}`;
          inFlight++;
          try {
            const response = await fetch(`${burstBase}/api/v1/breaches`, {
              method: "POST",
              headers: { ...auth, "content-type": "application/json" },
              body: JSON.stringify({ ...example, title }),
              signal: AbortSignal.timeout(15_000),
            });
            if (response.status !== 201) {
              unexpected.push(`${title}: ${response.status} ${await response.text()}`);
              continue;
            }
            try {
              const body = (await response.json()) as { id: string };
              acknowledged.set(title, body.id);
            } catch {
              acknowledgedWithoutBody.add(title);
            }
          } catch (error) {
            // The connection was refused or reset: expected once the server has been killed.
            if (!isKilled()) unexpected.push(`${title}: ${String(error)}`);
          } finally {
            inFlight--;
          }
        }
      }

      const burstStart = Date.now();
      const workers = Array.from({ length: BURST_CONCURRENCY }, () => worker());
      while (
        acknowledged.size < ACKNOWLEDGED_BEFORE_KILL &&
        Date.now() - burstStart < BURST_MS &&
        unexpected.length === 0
      )
        await sleep(5);
      const inFlightAtKill = inFlight;
      killed = true;
      server.child.kill("SIGKILL");
      const death = await waitForExit(server);
      await Promise.all(workers);

      expect(unexpected, "requests before the kill should all succeed").toEqual([]);
      expect(death.signal).toBe("SIGKILL");
      expect(inFlightAtKill, "requests should be in flight when the server is killed").toBeGreaterThan(0);
      expect(acknowledged.size).toBeGreaterThan(0);

      // Restart on the same data directory.
      server = await startServer(env);
      const base = server.base;

      // Every acknowledged breach is there.
      const missing: string[] = [];
      const ids = [...acknowledged.values()];
      for (let i = 0; i < ids.length; i += BURST_CONCURRENCY) {
        const statuses = await Promise.all(
          ids.slice(i, i + BURST_CONCURRENCY).map(async (id) => {
            const response = await fetch(`${base}/api/v1/breaches/${id}`, {
              headers: auth,
              signal: AbortSignal.timeout(15_000),
            });
            await response.arrayBuffer();
            return { id, status: response.status };
          }),
        );
        for (const { id, status } of statuses) if (status !== 200) missing.push(`${id}: ${status}`);
      }
      expect(missing, "acknowledged breaches lost in the crash").toEqual([]);

      // The list holds every acknowledged breach, and no breach twice.
      const listed: { id: string; title: string }[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 100; page++) {
        const url = new URL(`${base}/api/v1/breaches`);
        url.searchParams.set("limit", "200");
        if (cursor !== null) url.searchParams.set("cursor", cursor);
        const response = await fetch(url, { headers: auth, signal: AbortSignal.timeout(15_000) });
        expect(response.status).toBe(200);
        const body = (await response.json()) as {
          items: { id: string; title: string }[];
          nextCursor: string | null;
        };
        listed.push(...body.items.map(({ id, title }) => ({ id, title })));
        cursor = body.nextCursor;
        if (cursor === null) break;
      }
      expect(cursor, "the list should end").toBeNull();
      expect(listed.length).toBeGreaterThanOrEqual(acknowledged.size + acknowledgedWithoutBody.size);
      expect(listed.length).toBeLessThanOrEqual(attempted);
      const titleCounts = new Map<string, number>();
      for (const { title } of listed) titleCounts.set(title, (titleCounts.get(title) ?? 0) + 1);
      expect(
        [...titleCounts].filter(([, count]) => count > 1),
        "breaches filed twice",
      ).toEqual([]);
      expect(new Set(listed.map(({ id }) => id)).size).toBe(listed.length);
      const listedIds = new Set(listed.map(({ id }) => id));
      const listedTitles = new Set(listed.map(({ title }) => title));
      expect(ids.filter((id) => !listedIds.has(id))).toEqual([]);
      expect([...acknowledgedWithoutBody].filter((title) => !listedTitles.has(title))).toEqual([]);

      // The audit chain verifies through the API...
      const verifyResponse = await fetch(`${base}/api/v1/audit/verify`, {
        headers: auth,
        signal: AbortSignal.timeout(30_000),
      });
      expect(verifyResponse.status).toBe(200);
      const verified = (await verifyResponse.json()) as {
        ok: boolean;
        events: number;
        firstBroken: unknown;
      };
      expect(verified, JSON.stringify(verified)).toMatchObject({ ok: true, firstBroken: null });
      // Each breach filed is two events (its assessment and the filing).
      expect(verified.events).toBeGreaterThanOrEqual(2 * listed.length);

      // ...and from the command line with the server stopped.
      server.child.kill("SIGTERM");
      const stopped = await waitForExit(server);
      expect(stopped, server.stderr()).toEqual({ code: 0, signal: null });
      const cli = await runCli(["audit", "verify", "--json"], env);
      expect(cli.code, `${cli.stdout}\n${cli.stderr}`).toBe(0);
      const results = JSON.parse(cli.stdout) as { orgId: string; ok: boolean; firstBroken: unknown }[];
      expect(results).toHaveLength(1);
      expect(results[0], cli.stdout).toMatchObject({ ok: true, firstBroken: null });
    },
  );
});
