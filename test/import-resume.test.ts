/**
 * A recipient import killed part way and run again: `dpdesk impact --breach` (a real child process) is killed
 * with SIGKILL while it sends batches to a running server; running the same command again resumes it. The
 * list then holds every person exactly once, attributed as the generator says, and the audit chain verifies.
 *
 * The CLI runs from the compiled dist/ (`npm run build` first, as `npm ci` does).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { bin, root, runCli, sleep } from "./support/dpdesk-process.js";
import { createOrganisation, listenOnLoopback, startTestApp, unionIncident } from "./support/test-app.js";

const dir = mkdtempSync(join(tmpdir(), "dpdesk-resume-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A members file with known answers: distinct people by jurisdiction, some listed twice with their e-mail in capitals. */
function membersFile(people: number) {
  const places = [
    { postcode: "IM2 4NR", code: "IM" },
    { postcode: "je2 3qa", code: "JE" },
    { postcode: "GY1 2AB", code: "GG" },
    { postcode: "SW1A 1AA", code: "GB" },
    { postcode: "M1 1AE", code: "GB" },
  ];
  const lines = ["Member No,Forename,Surname,Email,Postcode,Health condition"];
  const expected: Record<string, number> = { GB: 0, IM: 0, JE: 0, GG: 0 };
  for (let index = 0; index < people; index++) {
    const place = places[index % places.length] ?? places[0];
    if (place === undefined) throw new Error("no place");
    expected[place.code] = (expected[place.code] ?? 0) + 1;
    const row = `${String(index)},Given${String(index)},Family${String(index)},member${String(index)}@example.org,${place.postcode},${index % 7 === 0 ? "Asthma" : ""}`;
    lines.push(row);
    if (index % 10 === 0) lines.push(row.replace(`member${String(index)}@`, `MEMBER${String(index)}@`));
  }
  return { text: `${lines.join("\n")}\n`, expected, rows: lines.length - 1 };
}

describe("a killed recipient import, run again", () => {
  it(
    "resumes where it stopped: every person once, none lost, counts as generated, chain verified",
    { timeout: 120_000 },
    async () => {
      const t = await startTestApp();
      try {
        const api = await listenOnLoopback(t.app);
        const { api: client, token } = await createOrganisation(t.app);
        const id = (await client.post("/api/v1/breaches", unionIncident())).json.id as string;
        const file = join(dir, "members.csv");
        const members = membersFile(12_000);
        writeFileSync(file, members.text);
        const args = ["impact", file, "--breach", id, "--api", api, "--token", token, "--batch-size", "100"];
        const db = t.app.services.database.db;
        const batches = async () => {
          const counted = await sql<{
            n: number;
          }>`select count(*)::int as n from recipient_import_batches`.execute(db);
          return counted.rows[0]?.n ?? 0;
        };

        // The first run, killed once some batches are stored.
        const child = spawn(process.execPath, [bin, ...args], {
          cwd: root,
          stdio: ["ignore", "pipe", "pipe"],
        });
        const exited = once(child, "exit");
        const deadline = Date.now() + 60_000;
        while ((await batches()) < 15 && Date.now() < deadline) await sleep(5);
        child.kill("SIGKILL");
        await exited;
        const storedBeforeKill = await batches();
        expect(storedBeforeKill).toBeGreaterThanOrEqual(15);
        expect(storedBeforeKill).toBeLessThan(120); // 12,000 people in batches of 100: it was cut off part way
        const summaryAfterKill = (await client.get(`/api/v1/breaches/${id}/recipients/summary`)).json;
        expect(summaryAfterKill.imports[0].completedAt).toBeNull();
        expect((await client.get(`/api/v1/breaches/${id}`)).json.version).toBe(1);

        // The same command again, even with another batch size: the import keeps the size it started with, so
        // the batches it skips are the ones stored.
        const again = await runCli(
          args.map((arg) => (arg === "100" ? "700" : arg)),
          process.env,
        );
        expect(again.stderr).toBe("");
        expect(again.code).toBe(0);
        expect(again.stdout).toContain("already stored by an earlier run");
        expect(again.stdout).toContain("12,000 people, sealed at rest");

        const summary = (await client.get(`/api/v1/breaches/${id}/recipients/summary`)).json;
        expect(summary.people).toBe(12_000);
        expect(summary.byJurisdiction).toEqual(members.expected);
        expect(summary.categories.health).toBe(Math.ceil(12_000 / 7));
        expect(summary.imports).toHaveLength(1);
        expect(summary.imports[0]).toMatchObject({ rows: members.rows, people: 12_000 });
        // Each person once, by their e-mail (read back through the list, page by page).
        const emails = new Set<string>();
        let after: string | null = null;
        let listed = 0;
        do {
          const page = (
            await client.get(
              `/api/v1/breaches/${id}/recipients?limit=1000${after === null ? "" : `&after=${after}`}`,
            )
          ).json as { recipients: { email: string }[]; next: string | null };
          for (const recipient of page.recipients) emails.add(recipient.email.toLowerCase());
          listed += page.recipients.length;
          after = page.next;
        } while (after !== null);
        expect(listed).toBe(12_000);
        expect(emails.size).toBe(12_000);
        const breach = (await client.get(`/api/v1/breaches/${id}`)).json;
        expect(breach.incident.subjects).toEqual(members.expected);
        expect(breach.incident.records).toBe(members.rows);
        expect((await client.get("/api/v1/audit/verify")).json.ok).toBe(true);

        // A third run finds everything stored and changes nothing.
        const third = await runCli(args, process.env);
        expect(third.code).toBe(0);
        expect(third.stdout).toContain("its counts already match the list; not changed");
        expect((await client.get(`/api/v1/breaches/${id}`)).json.version).toBe(breach.version);
      } finally {
        await t.close();
      }
    },
  );
});
