// Regulator notices through the HTTP API: drafts name what is missing, versions are kept once each, and every
// format renders the kept content.
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flatText, readPdfText } from "../../test/support/pdf-text.js";
import { createOrganisation, startTestApp, type TestApp } from "../../test/support/test-app.js";

const prospect = JSON.parse(readFileSync("examples/prospect-union-2025.json", "utf8")) as Record<
  string,
  unknown
>;

let t: TestApp;
let org: Awaited<ReturnType<typeof createOrganisation>>;

beforeAll(async () => {
  t = await startTestApp();
  org = await createOrganisation(t.app);
});
afterAll(async () => t.close());

async function fileBreach(change: (incident: Record<string, unknown>) => void = () => {}) {
  const incident = structuredClone(prospect);
  change(incident);
  const filed = await org.api.post("/api/v1/breaches", incident);
  expect(filed.status).toBe(201);
  return filed.json.id as string;
}

describe("regulator notices", () => {
  it("lists one notice per regulator with what each draft still lacks", async () => {
    const id = await fileBreach((incident) => {
      const response = incident.response as Record<string, unknown>;
      delete response.consequences;
      delete response.othersInformed;
    });
    const listed = await org.api.get(`/api/v1/breaches/${id}/notices`);
    expect(listed.status).toBe(200);
    const byJurisdiction = Object.fromEntries(
      listed.json.notices.map((n: { jurisdiction: string }) => [n.jurisdiction, n]),
    );
    expect(Object.keys(byJurisdiction)).toEqual(["GB", "IM", "JE", "GG"]);
    expect(byJurisdiction.GB.draft.missing.map((m: { id: string }) => m.id)).toEqual([
      "likely_consequences",
      "others_informed",
    ]);
    expect(byJurisdiction.GG.draft.missing.map((m: { id: string }) => m.id)).toEqual(["likely_consequences"]);
    expect(byJurisdiction.IM.versions).toEqual([]);
  });

  it("keeps an initial report, does not keep an unchanged draft twice, and keeps a follow-up after a change", async () => {
    const id = await fileBreach(
      (incident) => delete (incident.response as Record<string, unknown>).consequences,
    );
    const first = await org.api.post(`/api/v1/breaches/${id}/notices`, { jurisdiction: "IM" });
    expect(first.status).toBe(201);
    expect(first.json.notice).toMatchObject({
      version: 1,
      phase: "initial",
      complete: false,
      missing: ["likely_consequences", "phasing"],
    });
    const again = await org.api.post(`/api/v1/breaches/${id}/notices`, { jurisdiction: "IM" });
    expect(again.status).toBe(200);
    expect(again.json.kept).toBe(false);
    expect(again.json.notice.version).toBe(1);

    const patched = await org.api.patch(`/api/v1/breaches/${id}`, {
      response: { consequences: "Phishing and fraud against members." },
    });
    expect(patched.status).toBe(200);
    const second = await org.api.post(`/api/v1/breaches/${id}/notices`, { jurisdiction: "IM" });
    expect(second.status).toBe(201);
    expect(second.json.notice).toMatchObject({ version: 2, phase: "follow_up", complete: true, missing: [] });

    // Version 1 still reads as it was kept: the missing item and no consequences.
    const v1 = await org.api.get(`/api/v1/breaches/${id}/notices/IM?version=1&format=text`);
    expect(v1.status).toBe(200);
    expect(v1.headers["content-type"]).toContain("text/plain");
    expect(v1.body).toContain("Initial report (version 1)");
    expect(v1.body).toContain(
      "Incomplete: 2 required items still to follow (Likely consequences; Information still to come)",
    );
    // The kept copy, to file, leaves out the notes on what the law asks; they are there on request.
    expect(v1.body).not.toContain("Asked for:");
    const annotated = await org.api.get(
      `/api/v1/breaches/${id}/notices/IM?version=1&format=text&annotate=true`,
    );
    expect(annotated.body).toContain("Asked for: The nature of the breach");
    const latest = await org.api.get(`/api/v1/breaches/${id}/notices/IM?format=pdf`);
    expect(latest.headers["content-type"]).toBe("application/pdf");
    expect(latest.headers["x-dpdesk-missing"]).toBe("none");
    const text = flatText(await readPdfText(latest.bytes));
    expect(text).toContain("Follow-up report (version 2)");
    expect(text).toContain("Phishing and fraud against members.");
    expect(text).toContain("Isle of Man Information Commissioner");

    const timeline = await org.api.get(`/api/v1/breaches/${id}/timeline`);
    const kept = timeline.json.filter((e: { action: string }) => e.action === "notice.kept");
    expect(kept).toHaveLength(2);
    const verified = await org.api.get("/api/v1/audit/verify");
    expect(verified.json.ok).toBe(true);

    // A kept notice edited in the database no longer matches its audit event.
    await sql`update notice_versions set content = jsonb_set(content, '{title}', '"Edited"') where breach_id = ${id} and version = 1`.execute(
      t.app.services.database.db,
    );
    const tampered = await org.api.get("/api/v1/audit/verify");
    expect(tampered.json.ok).toBe(false);
    expect(tampered.json.firstBroken.entityType).toBe("notice");
  });

  it("renders the draft in every format, HTML escaped", async () => {
    const id = await fileBreach((incident) => {
      (incident.response as Record<string, unknown>).containment = "Blocked <img src=x onerror=alert(1)>";
    });
    const html = await org.api.get(`/api/v1/breaches/${id}/notices/JE?version=draft&format=html`);
    expect(html.status).toBe(200);
    expect(html.body).toContain("Blocked &lt;img src=x onerror=alert(1)&gt;");
    expect(html.body).not.toContain("<img");
    const json = await org.api.get(`/api/v1/breaches/${id}/notices/JE?version=draft`);
    expect(json.json.sections.map((s: { id: string }) => s.id)).toContain("special_category_flags");
  });

  it("names countries and how notices were given in words, not codes", async () => {
    const id = await fileBreach();
    const given = await org.api.post(`/api/v1/breaches/${id}/notifications`, {
      jurisdiction: "IM",
      recipient: "regulator",
      givenAt: "2025-06-26T10:00:00Z",
      method: "online_form",
    });
    expect(given.status).toBe(201);
    const text = await org.api.get(`/api/v1/breaches/${id}/notices/JE?version=draft&format=text`);
    expect(text.status).toBe(200);
    expect(text.body).toContain(
      "By country: United Kingdom 154,800, Isle of Man 2,200, Jersey 1,700, Guernsey 1,300.",
    );
    expect(text.body).toContain("was notified on 26 June 2025 at 11:00 BST through the online form.");
    expect(text.body).not.toContain("(online_form)");
    const json = await org.api.get(`/api/v1/breaches/${id}/notices/JE?version=draft`);
    expect(json.json.organisation).toMatchObject({
      establishments: ["GB"],
      establishedIn: "the United Kingdom",
    });
  });

  it("names the problem: no such jurisdiction, nothing kept yet, a bad format, a viewer keeping", async () => {
    const id = await fileBreach();
    const fr = await org.api.get(`/api/v1/breaches/${id}/notices/FR?version=draft`);
    expect(fr.status).toBe(404);
    expect(fr.json.detail).toContain("GB, IM, JE, GG");
    const none = await org.api.get(`/api/v1/breaches/${id}/notices/GB`);
    expect(none.status).toBe(404);
    expect(none.json.detail).toContain("version=draft");
    const bad = await org.api.get(`/api/v1/breaches/${id}/notices/GB?format=docx`);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("format");
    const badBody = await org.api.post(`/api/v1/breaches/${id}/notices`, { jurisdiction: "Jersey" });
    expect(badBody.status).toBe(400);
    expect(JSON.stringify(badBody.json)).toContain("jurisdiction");
  });
});
