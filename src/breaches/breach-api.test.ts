// The breach log through the HTTP API, on PGlite (and on PostgreSQL when DPDESK_TEST_DATABASE_URL is set).
import { createHash } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createOrganisation,
  startTestApp,
  unionIncident,
  type TestApp,
} from "../../test/support/test-app.js";

let t: TestApp;
let api: Awaited<ReturnType<typeof createOrganisation>>["api"];

beforeAll(async () => {
  t = await startTestApp({ maxUploadBytes: 64 * 1024 });
  api = (await createOrganisation(t.app)).api;
});
afterAll(async () => t.close());

describe("filing and reading breaches", () => {
  it("files a breach: 201 with the stored breach, its assessment and the rule-pack versions", async () => {
    const response = await api.post("/api/v1/breaches", unionIncident({ title: "Filed" }));
    expect(response.status).toBe(201);
    expect(response.json.title).toBe("Filed");
    expect(response.json.version).toBe(1);
    expect(response.json.assessment.obligations.map((o: { jurisdiction: string }) => o.jurisdiction)).toEqual(
      ["GB", "IM", "JE", "GG"],
    );
    expect(response.json.assessedWith.packs).toContainEqual(
      expect.objectContaining({ jurisdiction: "GG", id: "guernsey", version: "2026.1" }),
    );
    expect(response.json.duties).toContainEqual({
      jurisdiction: "GG",
      duty: "regulator",
      decision: "required",
      deadline: "2025-06-28T08:00:00Z",
      status: "open",
    });
    const fetched = await api.get(`/api/v1/breaches/${response.json.id as string}`);
    expect(fetched.status).toBe(200);
    expect(fetched.json.incident).toEqual(response.json.incident);
    // The guidance is stored once, apart from the breach, and put back on reading: the same assessment.
    expect(fetched.json.assessment).toEqual(response.json.assessment);
  });

  it("lists each breach with the risk of its latest assessment", async () => {
    const filed = await api.post("/api/v1/breaches", unionIncident({ title: "Risk in the list" }));
    const id = filed.json.id as string;
    const listed = async () =>
      ((await api.get("/api/v1/breaches?limit=200")).json.items as { id: string; risk: unknown }[]).find(
        (item) => item.id === id,
      )?.risk;
    expect(await listed()).toEqual({
      level: filed.json.assessment.risk.level,
      score: filed.json.assessment.risk.score,
    });
    // The assessor lowers both ratings: the list follows the newest assessment, not the first.
    await api.patch(`/api/v1/breaches/${id}`, { likelihood: 1, impact: 1 });
    expect(await listed()).toEqual({ level: "low", score: 1 });
  });

  it("lists breaches newest first, filtered by status and jurisdiction, a page at a time", async () => {
    for (const title of ["Page A", "Page B", "Page C"])
      await api.post("/api/v1/breaches", unionIncident({ title, subjects: { FR: 10 } }));
    const first = await api.get("/api/v1/breaches?jurisdiction=FR&limit=2");
    expect(first.status).toBe(200);
    expect(first.json.items.map((b: { title: string }) => b.title)).toEqual(["Page C", "Page B"]);
    const second = await api.get(
      `/api/v1/breaches?jurisdiction=FR&limit=2&cursor=${first.json.nextCursor as string}`,
    );
    expect(second.json.items.map((b: { title: string }) => b.title)).toEqual(["Page A"]);
    expect(second.json.nextCursor).toBeNull();
    expect((await api.get("/api/v1/breaches?status=closed")).json.items).toEqual([]);
    expect((await api.get("/api/v1/breaches?limit=0")).status).toBe(400);
  });

  it("lists only breaches with an overdue duty under ?overdue=true", async () => {
    t.clock.set("2025-07-10T00:00:00Z");
    const late = await api.post(
      "/api/v1/breaches",
      unionIncident({ title: "Late one", subjects: { IE: 40 } }),
    );
    const onTime = await api.post(
      "/api/v1/breaches",
      unionIncident({ title: "Fresh one", awareAt: "2025-07-09T12:00:00Z", subjects: { IE: 40 } }),
    );
    const overdue = await api.get("/api/v1/breaches?overdue=true&jurisdiction=IE");
    expect(overdue.json.items.map((b: { id: string }) => b.id)).toEqual([late.json.id]);
    expect(overdue.json.items.map((b: { id: string }) => b.id)).not.toContain(onTime.json.id);
    t.clock.set("2025-06-26T12:00:00Z");
  });
  it("files breaches sent at once together (group commit): each stored once, one chain that verifies", async () => {
    const { api: busy, orgId } = await createOrganisation(t.app);
    await busy.get("/api/v1/breaches"); // signs the token in, so the burst arrives at once
    const db = t.app.services.database.db;
    // Another transaction holds the organisation's row, so the first filing waits and the rest queue behind it.
    let release = () => {};
    let locked = () => {};
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holding = db.transaction().execute(async (trx) => {
      await sql`select 1 from organisations where org_id = ${orgId} for update`.execute(trx);
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await isLocked;
    const titles = Array.from({ length: 40 }, (_, index) => `Burst ${String(index)}`);
    const sent = Promise.all(titles.map((title) => busy.post("/api/v1/breaches", unionIncident({ title }))));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    release();
    await holding;
    const responses = await sent;
    expect(responses.map((response) => response.status)).toEqual(titles.map(() => 201));
    const rows = await sql<{ title: string; txid: string }>`
      select title, xmin::text as txid from breaches where org_id = ${orgId}`.execute(
      t.app.services.database.db,
    );
    expect(rows.rows.map((row) => row.title).sort()).toEqual([...titles].sort());
    // Written in fewer transactions than breaches: concurrent filings shared commits.
    expect(new Set(rows.rows.map((row) => row.txid)).size).toBeLessThan(titles.length);
    const events = await sql<{ seq: number }>`
      select seq from audit_events where org_id = ${orgId} order by seq`.execute(t.app.services.database.db);
    expect(events.rows.map((row) => row.seq)).toEqual(events.rows.map((_, index) => index + 1));
    const verify = await busy.get("/api/v1/audit/verify");
    expect(verify.json.ok).toBe(true);
  });
});

describe("changing facts", () => {
  it("re-assesses changed facts, keeps the previous assessment and shows what changed", async () => {
    const filed = await api.post("/api/v1/breaches", unionIncident({ title: "To change" }));
    const id = filed.json.id as string;
    const changed = await api.patch(`/api/v1/breaches/${id}`, {
      protection: { encrypted: true },
      subjects: { FR: 5 },
    });
    expect(changed.status).toBe(200);
    expect(changed.json.previousVersion).toBe(1);
    expect(changed.json.breach.version).toBe(2);
    expect(changed.json.breach.incident.subjects).toEqual({
      GB: 154_800,
      IM: 2_200,
      JE: 1_700,
      GG: 1_300,
      FR: 5,
    });
    expect(changed.json.changes).toContainEqual({
      jurisdiction: "GB",
      duty: "regulator",
      field: "decision",
      from: "required",
      to: "not_required",
    });
    expect(changed.json.changes).toContainEqual({
      jurisdiction: "FR",
      duty: "regulator",
      field: "presence",
      from: null,
      to: "not_required",
    });
    const timeline = await api.get(`/api/v1/breaches/${id}/timeline`);
    expect(timeline.json.filter((e: { action: string }) => e.action === "assessment.recorded")).toHaveLength(
      2,
    );
    const stored = await t.app.services.database.db
      .selectFrom("assessments")
      .select(["version", "packs"])
      .where("breach_id", "=", id)
      .orderBy("version")
      .execute();
    expect(stored.map((row) => row.version)).toEqual([1, 2]);
  });

  it("refuses a change made against an older version (If-Match), so one person cannot undo another's", async () => {
    const filed = await api.post("/api/v1/breaches", unionIncident({ title: "Two editors" }));
    const id = filed.json.id as string;
    const read = await api.get(`/api/v1/breaches/${id}`);
    expect(read.headers.etag).toBe('"1"');
    const first = await api.raw(
      "PATCH",
      `/api/v1/breaches/${id}`,
      { subjects: { JE: 2000 } },
      { "if-match": '"1"' },
    );
    expect(first.status).toBe(200);
    expect(first.json.breach.version).toBe(2);
    const second = await api.raw(
      "PATCH",
      `/api/v1/breaches/${id}`,
      { subjects: { GG: 10 } },
      { "if-match": '"1"' },
    );
    expect(second.status).toBe(409);
    expect(second.json.detail).toContain("now version 2");
    const after = await api.get(`/api/v1/breaches/${id}`);
    expect(after.json.version).toBe(2);
    expect(after.json.incident.subjects.GG).not.toBe(10);
    const malformed = await api.raw("PATCH", `/api/v1/breaches/${id}`, { records: 5 }, { "if-match": "two" });
    expect(malformed.status).toBe(400);
    expect(malformed.json.errors).toEqual([
      { field: "If-Match", message: expect.stringContaining("version") },
    ]);
  });

  it("removes a fact with null (JSON merge patch) and closes a breach by status", async () => {
    const filed = await api.post("/api/v1/breaches", unionIncident({ title: "Merge patch" }));
    const id = filed.json.id as string;
    const response = await api.patch(`/api/v1/breaches/${id}`, { occurredAt: null, status: "closed" });
    expect(response.status).toBe(200);
    expect(response.json.breach.incident.occurredAt).toBeUndefined();
    expect(response.json.breach.status).toBe("closed");
  });

  it("refuses a change that makes the facts invalid, naming the field, and changes nothing", async () => {
    const filed = await api.post("/api/v1/breaches", unionIncident({ title: "Stays valid" }));
    const id = filed.json.id as string;
    const response = await api.patch(`/api/v1/breaches/${id}`, { awareAt: "2025-06-01T00:00:00Z" });
    expect(response.status).toBe(400);
    expect(response.json.errors).toEqual([{ field: "awareAt", message: "must not be before occurredAt" }]);
    expect((await api.get(`/api/v1/breaches/${id}`)).json.version).toBe(1);
  });
});

describe("decisions, notifications and evidence", () => {
  it("records a decision not to notify with its rationale, which settles the duty", async () => {
    const filed = await api.post(
      "/api/v1/breaches",
      unionIncident({ title: "Decided", subjects: { GB: 10, JE: 3 } }),
    );
    const id = filed.json.id as string;
    const decision = await api.post(`/api/v1/breaches/${id}/decisions`, {
      jurisdiction: "JE",
      duty: "regulator",
      outcome: "not_notify",
      rationale: "The three Jersey members' records were recovered unopened within the hour.",
    });
    expect(decision.status).toBe(201);
    const breach = await api.get(`/api/v1/breaches/${id}`);
    expect(breach.json.duties).toContainEqual(
      expect.objectContaining({ jurisdiction: "JE", duty: "regulator", status: "decided" }),
    );
    expect(breach.json.decisions[0].rationale).toContain("recovered unopened");
    const missing = await api.post(`/api/v1/breaches/${id}/decisions`, {
      jurisdiction: "FR",
      duty: "regulator",
      outcome: "notify",
      rationale: "No French members here.",
    });
    expect(missing.status).toBe(400);
    expect(missing.json.errors[0].field).toBe("jurisdiction");
  });

  it("computes lateness of a notice and flags a missing delay reason", async () => {
    t.clock.set("2025-06-29T00:00:00Z");
    const filed = await api.post("/api/v1/breaches", unionIncident({ title: "Notified late" }));
    const id = filed.json.id as string;
    const late = await api.post(`/api/v1/breaches/${id}/notifications`, {
      jurisdiction: "GG",
      recipient: "regulator",
      givenAt: "2025-06-28T10:00:00+01:00",
      method: "online_form",
      reference: "ODPA-2025-123",
    });
    expect(late.status).toBe(201);
    expect(late.json).toMatchObject({
      late: true,
      lateBySeconds: 3600,
      delayReasonMissing: true,
      deadline: "2025-06-28T08:00:00.000Z",
    });
    const onTime = await api.post(`/api/v1/breaches/${id}/notifications`, {
      jurisdiction: "GB",
      recipient: "regulator",
      givenAt: "2025-06-26T09:00:00+01:00",
      method: "online_form",
    });
    expect(onTime.json).toMatchObject({ late: false, delayReasonMissing: false });
    const duties = (await api.get(`/api/v1/breaches/${id}`)).json.duties;
    expect(duties).toContainEqual(
      expect.objectContaining({ jurisdiction: "GB", duty: "regulator", status: "met" }),
    );
    t.clock.set("2025-06-26T12:00:00Z");
  });

  it("keeps evidence with its SHA-256 and returns it byte for byte", async () => {
    const filed = await api.post("/api/v1/breaches", unionIncident({ title: "With evidence" }));
    const id = filed.json.id as string;
    const boundary = "----dpdesk";
    const content = "member_id,email\n1,a@example.org\n";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="export.csv"\r\nContent-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`;
    const upload = await api.raw("POST", `/api/v1/breaches/${id}/evidence`, body, {
      "content-type": `multipart/form-data; boundary=${boundary}`,
    });
    expect(upload.status).toBe(201);
    expect(upload.json).toMatchObject({
      filename: "export.csv",
      size: content.length,
      sha256: createHash("sha256").update(content).digest("hex"),
    });
    const download = await api.get(upload.json.download as string);
    expect(download.status).toBe(200);
    expect(download.body).toBe(content);
    expect(download.headers["x-content-sha256"]).toBe(upload.json.sha256);
  });

  it("refuses evidence over the size limit with 413 and stores nothing", async () => {
    const filed = await api.post("/api/v1/breaches", unionIncident({ title: "Too big" }));
    const id = filed.json.id as string;
    const boundary = "----dpdesk";
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dump.bin"\r\n\r\n${"x".repeat(70 * 1024)}\r\n--${boundary}--\r\n`;
    const upload = await api.raw("POST", `/api/v1/breaches/${id}/evidence`, body, {
      "content-type": `multipart/form-data; boundary=${boundary}`,
    });
    expect(upload.status).toBe(413);
    expect((await api.get(`/api/v1/breaches/${id}`)).json.evidence).toEqual([]);
  });
});

describe("deadlines", () => {
  it("lists open duties across breaches, overdue first, and as a calendar feed", async () => {
    t.clock.set("2025-06-29T00:00:00Z");
    const deadlines = await api.get("/api/v1/deadlines");
    expect(deadlines.status).toBe(200);
    const statuses = deadlines.json.items.map((item: { status: string }) => item.status);
    expect(
      statuses.indexOf("open") === -1 || statuses.lastIndexOf("overdue") < statuses.indexOf("open"),
    ).toBe(true);
    expect(
      deadlines.json.items.every(
        (item: { status: string }) => item.status === "overdue" || item.status === "open",
      ),
    ).toBe(true);
    const ics = await api.get("/api/v1/deadlines.ics");
    expect(ics.headers["content-type"]).toContain("text/calendar");
    expect(ics.body.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(ics.body).toContain("DTSTART:20250628T080000Z");
    expect(ics.body.split("BEGIN:VEVENT").length - 1).toBe(deadlines.json.items.length);
    t.clock.set("2025-06-26T12:00:00Z");
  });
});

describe("retention and bad input", () => {
  it("refuses to delete a breach and says why", async () => {
    const filed = await api.post("/api/v1/breaches", unionIncident({ title: "Kept" }));
    const response = await api.delete(`/api/v1/breaches/${filed.json.id as string}`);
    expect(response.status).toBe(405);
    expect(response.json.detail).toContain("kept indefinitely");
    expect((await api.get(`/api/v1/breaches/${filed.json.id as string}`)).status).toBe(200);
  });

  it.each([
    ["malformed JSON", "{ not json", [{ field: "(body)", message: "is not valid JSON" }]],
    [
      "a wrong type",
      JSON.stringify(unionIncident({ records: "many" })),
      [{ field: "records", message: "must be a number" }],
    ],
    [
      "an unknown field",
      JSON.stringify(unionIncident({ severity: "high" })),
      [{ field: "(incident)", message: "unknown field: severity" }],
    ],
    [
      "awareness before the breach",
      JSON.stringify(unionIncident({ awareAt: "2025-06-19T00:00:00Z" })),
      [{ field: "awareAt", message: "must not be before occurredAt" }],
    ],
    [
      "an invalid date",
      JSON.stringify(unionIncident({ awareAt: "2025-02-30T09:00:00Z" })),
      [
        {
          field: "awareAt",
          message: "must be an ISO 8601 date-time with a time zone offset, e.g. 2025-06-25T09:30:00+01:00",
        },
      ],
    ],
  ])("answers %s with 400 problem+json naming the field", async (_name, payload, errors) => {
    const response = await api.raw("POST", "/api/v1/breaches", payload, {
      "content-type": "application/json",
    });
    expect(response.status).toBe(400);
    expect(response.headers["content-type"]).toContain("application/problem+json");
    expect(response.json.errors).toEqual(errors);
  });

  it("answers an oversized body with 413, not 500", async () => {
    const response = await api.post(
      "/api/v1/breaches",
      unionIncident({ description: "x".repeat(1_100_000) }),
    );
    expect(response.status).toBe(413);
    expect(response.headers["content-type"]).toContain("application/problem+json");
  });

  it("documents the API as OpenAPI 3.1 and a readable page", async () => {
    const spec = await api.get("/openapi.json");
    expect(spec.json.openapi).toBe("3.1.0");
    expect(Object.keys(spec.json.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/breaches",
        "/api/v1/breaches/{id}/decisions",
        "/api/v1/deadlines.ics",
        "/api/v1/audit/verify",
      ]),
    );
    const docs = await api.get("/docs");
    expect(docs.body).toContain("/api/v1/breaches/{id}/evidence");
  });
});
