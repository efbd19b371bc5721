/**
 * Crash safety on embedded PGlite: a server killed with SIGKILL in the middle of a burst of writes loses no
 * breach it acknowledged with a 201, files none twice, and its audit chain still verifies after a restart
 * (through the API, and through `dpdesk audit verify` with the server stopped).
 *
 * The server runs as a real child process (`bin/dpdesk.js serve`, compiled dist/: run `npm run build` first).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  exampleIncident as example,
  killAllServers,
  runCli,
  sleep,
  startServer,
  waitForExit,
} from "./support/dpdesk-process.js";

const BURST_CONCURRENCY = 16;
const ACKNOWLEDGED_BEFORE_KILL = 150;
const BURST_MS = 2_000;

const dataDir = mkdtempSync(join(tmpdir(), "dpdesk-crash-"));
const env: NodeJS.ProcessEnv = { ...process.env, DPDESK_DATA_DIR: dataDir, LOG_LEVEL: "warn" };
delete env.DATABASE_URL;

afterAll(() => {
  killAllServers();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(`${dataDir}.key`, { force: true }); // the data key, made beside the data directory
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
