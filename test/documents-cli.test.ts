/**
 * `dpdesk notice` and `dpdesk letters` as a user runs them: real CLI processes (the compiled dist/) against a
 * server on loopback. The files they write are read back: PDFs with pdf.js, the manifest as CSV.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exampleIncident, runCli } from "./support/dpdesk-process.js";
import { flatText, readPdfText } from "./support/pdf-text.js";
import { createOrganisation, listenOnLoopback, startTestApp, type TestApp } from "./support/test-app.js";

const dir = mkdtempSync(join(tmpdir(), "dpdesk-documents-cli-"));
const exposed = readFileSync("examples/exposed-members.csv", "utf8");
let t: TestApp;
let base: string;
let token: string;
let breachId: string;

beforeAll(async () => {
  t = await startTestApp();
  base = await listenOnLoopback(t.app);
  const org = await createOrganisation(t.app);
  token = org.token;
  const filed = await org.api.post("/api/v1/breaches", exampleIncident);
  breachId = filed.json.id as string;
  const boundary = "----dpdesk-cli";
  const uploaded = await org.api.raw(
    "POST",
    `/api/v1/breaches/${breachId}/impact`,
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="members.csv"\r\nContent-Type: text/csv\r\n\r\n${exposed}\r\n--${boundary}--\r\n`,
    { "content-type": `multipart/form-data; boundary=${boundary}` },
  );
  expect(uploaded.status).toBe(200);
});
afterAll(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCli([...args, "--api", base, "--token", token], { ...process.env });

describe("dpdesk notice", () => {
  it("keeps the Isle of Man notice as version 1, writes it as a PDF, and does not keep it twice", async () => {
    const out = join(dir, "im.pdf");
    const first = await cli(["notice", "--breach", breachId, "--jurisdiction", "im", "--out", out]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain("Kept version 1 (initial report)");
    expect(first.stderr).toContain("Complete: every item the law and the form ask for is answered.");
    const text = flatText(await readPdfText(readFileSync(out)));
    expect(text).toContain("Personal data breach report to the Isle of Man Information Commissioner");
    expect(text).toContain("Initial report (version 1)");
    const again = await cli(["notice", "--breach", breachId, "--jurisdiction", "IM", "--out", out]);
    expect(again.stderr).toContain("Unchanged since version 1: not kept again.");
    const kept = await cli([
      "notice",
      "--breach",
      breachId,
      "--jurisdiction",
      "IM",
      "--kept",
      "1",
      "--format",
      "text",
    ]);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toContain("Initial report (version 1)");
  });

  it("prints text to paste into a form, and names a jurisdiction the breach does not concern", async () => {
    const text = await cli([
      "notice",
      "--breach",
      breachId,
      "--jurisdiction",
      "GG",
      "--format",
      "text",
      "--draft",
    ]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      "PERSONAL DATA BREACH REPORT TO THE OFFICE OF THE DATA PROTECTION AUTHORITY (ODPA), GUERNSEY",
    );
    expect(text.stdout).toContain("draft, not yet kept");
    const wrong = await cli(["notice", "--breach", breachId, "--jurisdiction", "DE", "--format", "text"]);
    expect(wrong.code, wrong.stdout.slice(0, 300) + wrong.stderr).toBe(2);
    expect(wrong.stderr, wrong.stderr).toContain("obligation for DE (this breach concerns GB, IM");
    const noOut = await cli(["notice", "--breach", breachId, "--jurisdiction", "GB"]);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("--out");
  });
});

describe("dpdesk letters", () => {
  it("writes one PDF per person, a merged PDF and a manifest naming each person's regulator", async () => {
    const out = join(dir, "letters");
    const run = await cli(["letters", "--breach", breachId, "--out", out, "--workers", "2"]);
    expect(run.code, run.stderr).toBe(0);
    const manifest: string[][] = parse(readFileSync(join(out, "manifest.csv"), "utf8"));
    expect(manifest[0]).toEqual([
      "person_id",
      "jurisdiction",
      "regulator",
      "pages",
      "start_page",
      "file",
      "simplified",
    ]);
    const rows = manifest.slice(1);
    const summary = (
      await t.app.services.recipients.readPage((await orgOf()).orgId, breachId, { limit: 100 })
    ).recipients;
    expect(rows).toHaveLength(summary.length);
    expect(run.stdout).toContain(`Wrote ${String(summary.length)} letters`);
    expect(readdirSync(join(out, "letters"))).toHaveLength(summary.length);
    const manx = rows.find((row) => row[1] === "IM");
    expect(manx?.[2]).toBe("Isle of Man Information Commissioner");
    const letter = flatText(await readPdfText(readFileSync(join(out, manx?.[5] ?? ""))));
    expect(letter).toContain("to the Isle of Man Information Commissioner");
    const merged = await readPdfText(readFileSync(join(out, "letters.pdf")));
    // Each letter starts on a new sheet: padded to an even number of pages, starting where the manifest says.
    expect(merged.pages.length).toBe(
      rows.reduce((sum, row) => sum + Number(row[3]) + (Number(row[3]) % 2), 0),
    );
    for (const row of rows) expect(merged.pages[Number(row[4]) - 1]).toContain("Page 1 of");
    expect(existsSync(join(out, "letters.pdf.partial"))).toBe(false);
  });

  it("says why it cannot send e-mail when the server has no SMTP server", async () => {
    const run = await cli(["letters", "--breach", breachId, "--email"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("SMTP_URL is not set");
  });
});

async function orgOf() {
  const row = await t.app.services.database.db
    .selectFrom("breaches")
    .select("org_id")
    .where("breach_id", "=", breachId)
    .executeTakeFirstOrThrow();
  return { orgId: row.org_id };
}
