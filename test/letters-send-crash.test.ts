/**
 * Sending letters, with the server killed twice mid-run: `dpdesk serve` (a real child process) sends 240
 * letters to a real SMTP server in this test, which kills the server with SIGKILL once while a message's data is
 * still arriving (before SMTP's final ".") and once after a message was accepted but before the server
 * answered. Restarted, the server resumes: nobody ever gets a letter twice; a letter whose fate the server
 * cannot know is held as uncertain, and once settled (as an operator would, from the mail log) every person has
 * exactly one letter.
 *
 * Runs the compiled dist/ (`npm run build` first, as `npm ci` does).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  exampleIncident,
  killAllServers,
  runCli,
  sleep,
  startServer,
  type Server,
} from "./support/dpdesk-process.js";
import { startSmtpSink } from "./support/smtp-sink.js";

const dir = mkdtempSync(join(tmpdir(), "dpdesk-send-crash-"));
const dataDir = join(dir, "data");

afterAll(() => {
  killAllServers();
  rmSync(dir, { recursive: true, force: true });
});

const people = 240;

function membersFile(): string {
  const postcodes = ["IM2 4NR", "JE2 3QA", "GY1 2AB", "SW1A 1AA"];
  const lines = ["Forename,Surname,Email,Address,Postcode,Sort Code"];
  for (let i = 0; i < people; i++)
    lines.push(
      `Given${String(i)},Family${String(i)},member${String(i)}@example.org,${String(i)} High Street,${postcodes[i % 4] ?? ""},20-00-00`,
    );
  return `${lines.join("\n")}\n`;
}

describe("letters sent by a server that is killed twice", () => {
  it(
    "resumes after each crash, never sends anyone a letter twice, and holds only the letters it cannot know",
    { timeout: 180_000 },
    async () => {
      let server: Server | null = null;
      const kill = () => server?.child.kill("SIGKILL");
      const sink = await startSmtpSink(
        (index) => (index === 150 ? { accept: true, afterwards: kill } : undefined),
        (index) => {
          if (index !== 60) return undefined;
          kill();
          return "drop";
        },
      );
      try {
        const env: NodeJS.ProcessEnv = {
          ...process.env,
          DPDESK_DATA_DIR: dataDir,
          LOG_LEVEL: "warn",
          SMTP_URL: sink.url,
          DPDESK_MAIL_FROM: "letters@example-union.org",
          DPDESK_OUTBOX_LEASE_SECONDS: "1",
        };
        delete env.DATABASE_URL;
        const created = await runCli(
          ["org", "create", "--name", "Send Crash Union", "--owner-email", "owner@example.org", "--json"],
          env,
        );
        expect(created.code, created.stderr).toBe(0);
        const { token } = JSON.parse(created.stdout) as { token: string };
        const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
        server = await startServer(env);
        const api = (path: string, init: RequestInit = {}) =>
          fetch(`${(server as Server).base}/api/v1${path}`, { ...init, headers });

        const filed = await api("/breaches", { method: "POST", body: JSON.stringify(exampleIncident) });
        expect(filed.status).toBe(201);
        const id = ((await filed.json()) as { id: string }).id;
        const file = join(dir, "members.csv");
        writeFileSync(file, membersFile());
        const imported = await runCli(
          ["impact", file, "--breach", id, "--api", server.base, "--token", token],
          env,
        );
        expect(imported.code, imported.stderr).toBe(0);

        const sent = await api(`/breaches/${id}/letters/send`, { method: "POST", body: "{}" });
        expect(sent.status).toBe(202);
        expect(((await sent.json()) as { queued: number }).queued).toBe(people);

        // Killed twice by the SMTP server; restarted each time.
        for (let crash = 1; crash <= 2; crash++) {
          const exit = await server.exited;
          expect(exit.signal).toBe("SIGKILL");
          server = await startServer(env);
        }

        const delivery = async () =>
          (await (await api(`/breaches/${id}/letters/delivery`)).json()) as {
            total: number;
            sent: number;
            failed: number;
            uncertain: number;
            done: boolean;
            attention: { personId: string; state: string; messageId: string }[];
          };
        const settledState = async () => {
          const deadline = Date.now() + 90_000;
          for (;;) {
            const status = await delivery();
            if (status.done) return status;
            if (Date.now() > deadline) throw new Error(`sending did not finish: ${JSON.stringify(status)}`);
            await sleep(250);
          }
        };
        let status = await settledState();
        // Never twice, whatever the crashes did.
        for (const [messageId, count] of sink.counts()) expect(count, messageId).toBe(1);
        expect(status.failed).toBe(0);
        expect(status.sent + status.uncertain).toBe(people);
        // The message accepted just before the second kill cannot be known to the server: it is uncertain.
        expect(status.uncertain).toBeGreaterThanOrEqual(1);
        const received = new Set(sink.counts().keys());
        for (const item of status.attention) {
          expect(item.state).toBe("uncertain");
          // The operator looks the Message-ID up in the mail log and settles the letter accordingly.
          const as = received.has(item.messageId) ? "sent" : "resend";
          const settled = await api(`/breaches/${id}/letters/${item.personId}/settle`, {
            method: "POST",
            body: JSON.stringify({ as }),
          });
          expect(settled.status).toBe(200);
        }
        status = await settledState();
        expect(status).toMatchObject({ total: people, sent: people, uncertain: 0, failed: 0 });
        const counts = sink.counts();
        expect(counts.size).toBe(people);
        for (const [messageId, count] of counts) expect(count, messageId).toBe(1);
        const addressees = new Set(sink.received.map((mail) => mail.to[0]));
        expect(addressees.size).toBe(people);

        const verified = await (await api("/audit/verify")).json();
        expect((verified as { ok: boolean }).ok).toBe(true);
      } finally {
        server?.child.kill("SIGKILL");
        await sink.close();
      }
    },
  );
});
