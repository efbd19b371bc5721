/**
 * PostgreSQL restarted (and stopped) under load: dpdesk answers 503 with Retry-After as problem+json while the
 * database is away, never another 5xx, and recovers by itself once PostgreSQL is back, without being restarted.
 *
 * Runs only when DPDESK_TEST_DATABASE_URL is set (CI sets it), against a fresh database on that cluster. It
 * restarts and stops the local cluster with pg_ctlcluster (Debian's postgresql-common; needs root or the
 * postgres user), and always starts it again afterwards. The server runs as a real child process
 * (`bin/dpdesk.js serve`, compiled dist/: run `npm run build` first).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";

import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  bin,
  exampleIncident as example,
  killAllServers,
  root,
  sleep,
  startServer,
  waitForExit,
} from "./support/dpdesk-process.js";

const adminUrl = process.env.DPDESK_TEST_DATABASE_URL;

const LOAD_CONCURRENCY = 8;

function run(
  file: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: root,
        env: options.env ?? process.env,
        timeout: options.timeoutMs ?? 60_000,
        killSignal: "SIGKILL",
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({
          code,
          stdout,
          stderr: error !== null && code === -1 ? `${stderr}\n${error.message}` : stderr,
        });
      },
    );
  });
}

/** The PostgreSQL version whose `main` cluster serves the test URL (matched by port, as pg_ctlcluster names it). */
function clusterVersion(url: string): string {
  const port = new URL(url).port || "5432";
  const versions = existsSync("/etc/postgresql")
    ? readdirSync("/etc/postgresql").filter((name) =>
        existsSync(`/etc/postgresql/${name}/main/postgresql.conf`),
      )
    : [];
  const byPort = versions.filter((version) => {
    const conf = readFileSync(`/etc/postgresql/${version}/main/postgresql.conf`, "utf8");
    return (/^\s*port\s*=\s*(\d+)/m.exec(conf)?.[1] ?? "5432") === port;
  });
  const found = byPort[0] ?? (versions.length === 1 ? versions[0] : undefined);
  if (found === undefined)
    throw new Error(
      `no PostgreSQL cluster for port ${port} in /etc/postgresql (found: ${versions.join(", ")})`,
    );
  return found;
}

function pgCtlCluster(version: string, action: "start" | "stop" | "restart" | "status") {
  return run("pg_ctlcluster", ["--skip-systemctl-redirect", version, "main", action], { timeoutMs: 90_000 });
}

/** Runs one statement on a short-lived connection (a long-lived one would die with the restarts). */
async function adminQuery(url: string, text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

/** Waits (bounded) until PostgreSQL accepts connections at url. */
async function waitForPostgres(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await adminQuery(url, "select 1");
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}

interface Outcome {
  at: number;
  request: string;
  status: number | "network error";
  retryAfter: string | null;
  contentType: string | null;
  body: string;
}

async function send(
  base: string,
  token: string,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<Outcome & { json: unknown }> {
  const at = Date.now();
  const request = `${method} ${path}`;
  try {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    let json: unknown = undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return {
      at,
      request,
      status: response.status,
      retryAfter: response.headers.get("retry-after"),
      contentType: response.headers.get("content-type"),
      body: text.slice(0, 2_000),
      json,
    };
  } catch (error) {
    return {
      at,
      request,
      status: "network error",
      retryAfter: null,
      contentType: null,
      body: String(error),
      json: undefined,
    };
  }
}

function isProperUnavailable(outcome: Outcome): boolean {
  let problemStatus: unknown;
  try {
    problemStatus = (JSON.parse(outcome.body) as { status?: unknown }).status;
  } catch {
    problemStatus = undefined;
  }
  return (
    outcome.status === 503 &&
    outcome.retryAfter !== null &&
    /^\d+$/.test(outcome.retryAfter) &&
    (outcome.contentType ?? "").startsWith("application/problem+json") &&
    problemStatus === 503
  );
}

const databaseName = `dpdesk_restart_${randomBytes(6).toString("hex")}`;
let version: string | undefined;
let databaseCreated = false;

afterAll(async () => {
  killAllServers();
  if (adminUrl === undefined) return;
  // Whatever happened, leave PostgreSQL running: other tests and CI use it.
  if (version !== undefined) {
    const status = await pgCtlCluster(version, "status");
    if (status.code !== 0) {
      const started = await pgCtlCluster(version, "start");
      if (started.code !== 0 && !/already running/i.test(started.stdout + started.stderr))
        throw new Error(`could not start PostgreSQL ${version} again: ${started.stdout}${started.stderr}`);
    }
  }
  await waitForPostgres(adminUrl, 60_000);
  if (databaseCreated) {
    await adminQuery(
      adminUrl,
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [databaseName],
    );
    await adminQuery(adminUrl, `drop database if exists ${databaseName} with (force)`);
  }
}, 120_000);

describe.skipIf(!adminUrl)("PostgreSQL restarted under load", () => {
  it(
    "PostgreSQL restarted under load: requests fail with 503 and Retry-After, then recover without restarting dpdesk",
    { timeout: 180_000 },
    async ({ annotate }) => {
      if (adminUrl === undefined) throw new Error("DPDESK_TEST_DATABASE_URL is not set");
      version = clusterVersion(adminUrl);
      await adminQuery(adminUrl, `create database ${databaseName}`);
      databaseCreated = true;
      const databaseUrl = new URL(adminUrl);
      databaseUrl.pathname = `/${databaseName}`;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: databaseUrl.toString(),
        LOG_LEVEL: "warn",
        // A key for this run only (a key file would be made in the working directory).
        DPDESK_DATA_KEY: randomBytes(32).toString("base64"),
      };

      const server = await startServer(env);
      const created = await run(
        process.execPath,
        [
          bin,
          "org",
          "create",
          "--name",
          "Restart Test Union",
          "--owner-email",
          "owner@example.org",
          "--json",
        ],
        { env },
      );
      expect(created.code, created.stderr).toBe(0);
      const { token } = JSON.parse(created.stdout) as { orgId: string; token: string };

      // The load: LOAD_CONCURRENCY workers filing breaches for the whole test.
      const outcomes: Outcome[] = [];
      const acknowledged: string[] = [];
      let filed = 0;
      let loading = true;
      async function worker(): Promise<void> {
        while (loading) {
          const outcome = await send(server.base, token, "POST", "/api/v1/breaches", {
            ...example,
            title: `Restart load breach ${++filed}`,
          });
          outcomes.push(outcome);
          if (outcome.status === 201) acknowledged.push((outcome.json as { id: string }).id);
          else await sleep(50);
        }
      }
      const workers = Array.from({ length: LOAD_CONCURRENCY }, () => worker());
      const summary = (from = 0, to = Infinity) => {
        const counts = new Map<string, number>();
        for (const o of outcomes)
          if (o.at >= from && o.at < to)
            counts.set(String(o.status), (counts.get(String(o.status)) ?? 0) + 1);
        return Object.fromEntries(counts);
      };
      const serverLog = () => server.stderr().slice(-5_000);

      try {
        await sleep(2_000);
        expect(
          acknowledged.length,
          `no breach filed before the restart: ${JSON.stringify(summary())}`,
        ).toBeGreaterThan(0);

        // 1. A restart in the middle of the load.
        const restartFrom = Date.now();
        const restarted = await pgCtlCluster(version, "restart");
        expect(restarted.code, restarted.stdout + restarted.stderr).toBe(0);
        await sleep(5_000);
        const restartSummary = summary(restartFrom);
        await annotate(`during and after the PostgreSQL restart: ${JSON.stringify(restartSummary)}`);
        expect(
          server.hasExited(),
          `dpdesk exited during the PostgreSQL restart (it must survive it): ${JSON.stringify(restartSummary)}, ${JSON.stringify(await Promise.race([server.exited, sleep(1_000)]))}\n${serverLog()}`,
        ).toBe(false);

        // 2. Deterministically: PostgreSQL stopped, so every request must be a 503.
        const stopped = await pgCtlCluster(version, "stop");
        expect(stopped.code, stopped.stdout + stopped.stderr).toBe(0);
        const whileDown = [
          await send(server.base, token, "POST", "/api/v1/breaches", { ...example, title: "While down 1" }),
          await send(server.base, token, "POST", "/api/v1/breaches", { ...example, title: "While down 2" }),
          await send(server.base, token, "GET", "/api/v1/breaches"),
          await send(server.base, token, "POST", "/api/v1/breaches", { ...example, title: "While down 3" }),
        ];
        for (const outcome of whileDown)
          expect(
            isProperUnavailable(outcome),
            `${outcome.request} with PostgreSQL stopped: ${outcome.status}, retry-after ${outcome.retryAfter}, ${outcome.contentType}: ${outcome.body}\n${serverLog()}`,
          ).toBe(true);

        // 3. PostgreSQL back: dpdesk recovers on its own within 30 s.
        const started = await pgCtlCluster(version, "start");
        expect(started.code, started.stdout + started.stderr).toBe(0);
        const startedAt = Date.now();
        let recovered: Outcome | undefined;
        const probes: Outcome[] = [];
        while (Date.now() - startedAt < 30_000) {
          const probe = await send(server.base, token, "POST", "/api/v1/breaches", {
            ...example,
            title: `Recovery probe ${probes.length + 1}`,
          });
          probes.push(probe);
          if (probe.status === 201) {
            recovered = probe;
            acknowledged.push((probe.json as { id: string }).id);
            break;
          }
          await sleep(250);
        }
        expect(
          recovered,
          `no 201 within 30 s of PostgreSQL starting again; last probes: ${JSON.stringify(probes.slice(-3))}\n${serverLog()}`,
        ).toBeDefined();
        await annotate(`dpdesk filed a breach again ${Date.now() - startedAt} ms after PostgreSQL started`);

        // The load keeps going for a few seconds after the recovery.
        const recoveredAt = Date.now();
        await sleep(3_000);
        loading = false;
        await Promise.all(workers);
        expect(
          outcomes.filter((o) => o.at >= recoveredAt && o.status === 201).length,
          `the load did not recover: ${JSON.stringify(summary(recoveredAt))}`,
        ).toBeGreaterThan(0);
      } finally {
        loading = false;
        await Promise.all(workers);
      }

      // Never a 5xx other than 503, never a dropped connection; every 503 says when to retry.
      const all = [...outcomes];
      const failures = all.filter(
        (o) =>
          o.status === "network error" ||
          (o.status >= 500 && o.status !== 503) ||
          (o.status === 503 && !isProperUnavailable(o)),
      );
      expect(
        failures.slice(0, 5),
        `${failures.length} bad responses of ${all.length} (${JSON.stringify(summary())})\n${serverLog()}`,
      ).toEqual([]);
      expect(all.filter((o) => o.status === 503).length, JSON.stringify(summary())).toBeGreaterThan(0);

      // dpdesk was not restarted: the same process serves, and every acknowledged breach is there.
      expect(server.hasExited(), serverLog()).toBe(false);
      const missing: string[] = [];
      for (let i = 0; i < acknowledged.length; i += LOAD_CONCURRENCY) {
        const results = await Promise.all(
          acknowledged
            .slice(i, i + LOAD_CONCURRENCY)
            .map((id) => send(server.base, token, "GET", `/api/v1/breaches/${id}`)),
        );
        for (const result of results)
          if (result.status !== 200) missing.push(`${result.request}: ${result.status}`);
      }
      expect(missing, `acknowledged breaches not found (of ${acknowledged.length})`).toEqual([]);

      server.child.kill("SIGTERM");
      expect(await waitForExit(server), serverLog()).toEqual({ code: 0, signal: null });
    },
  );
});
