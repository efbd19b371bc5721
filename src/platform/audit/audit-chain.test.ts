// The audit chain: every change is an event hashing the one before; editing or deleting rows directly in the
// database is detected and the first broken event named.
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createOrganisation,
  startTestApp,
  unionIncident,
  type TestApp,
} from "../../../test/support/test-app.js";

let t: TestApp;
let org: Awaited<ReturnType<typeof createOrganisation>>;
let breachId: string;

beforeEach(async () => {
  t = await startTestApp();
  org = await createOrganisation(t.app, "Audited");
  const filed = await org.api.post("/api/v1/breaches", unionIncident({ title: "Audited breach" }));
  breachId = filed.json.id as string;
  await org.api.post(`/api/v1/breaches/${breachId}/decisions`, {
    jurisdiction: "JE",
    duty: "subjects",
    outcome: "notify",
    rationale: "Members in Jersey will be written to this week.",
  });
  await org.api.patch(`/api/v1/breaches/${breachId}`, { subjects: { JE: 1800 } });
});
afterEach(async () => t.close());

const db = () => t.app.services.database.db;
const verify = async () => (await org.api.get("/api/v1/audit/verify")).json;

describe("the audit chain", () => {
  it("verifies when nobody has touched the database", async () => {
    const result = await verify();
    expect(result).toMatchObject({ ok: true, firstBroken: null, head: { seq: result.events } });
    expect(result.head.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(result.events).toBeGreaterThanOrEqual(7);
    expect(result.entitiesChecked).toBeGreaterThanOrEqual(4);
  });

  it("names the event whose content was edited", async () => {
    await sql`update audit_events set actor = 'user:someone-else' where org_id = ${org.orgId} and seq = 3`.execute(
      db(),
    );
    expect(await verify()).toMatchObject({
      ok: false,
      firstBroken: { seq: 3, problem: "event 3 was changed after it was written" },
    });
  });

  it("detects a deleted event in the middle of the chain", async () => {
    await sql`delete from audit_events where org_id = ${org.orgId} and seq = 4`.execute(db());
    expect((await verify()).firstBroken).toMatchObject({ seq: 4 });
  });

  it("detects the newest events being deleted", async () => {
    await sql`delete from audit_events where org_id = ${org.orgId} and seq = (select max(seq) from audit_events where org_id = ${org.orgId})`.execute(
      db(),
    );
    const result = await verify();
    expect(result.ok).toBe(false);
    expect(result.firstBroken.problem).toContain("events were removed");
  });

  it("detects a breach row edited directly in the database", async () => {
    await sql`update breaches set title = 'Nothing happened' where breach_id = ${breachId}`.execute(db());
    expect((await verify()).firstBroken).toMatchObject({ entityType: "breach", entityId: breachId });
  });

  it("detects a deadline moved in the database", async () => {
    await sql`update obligations set deadline = deadline + interval '7 days' where breach_id = ${breachId} and jurisdiction = 'GG' and duty = 'regulator'`.execute(
      db(),
    );
    expect((await verify()).firstBroken).toMatchObject({ entityType: "breach", entityId: breachId });
  });

  it("detects a decision deleted from the database", async () => {
    await sql`delete from decisions where breach_id = ${breachId}`.execute(db());
    const result = await verify();
    expect(result.firstBroken).toMatchObject({ entityType: "decision" });
    expect(result.firstBroken.problem).toContain("deleted outside dpdesk");
  });

  it("detects a breach inserted behind dpdesk's back", async () => {
    await sql`insert into breaches select org_id, gen_random_uuid(), 'Forged', status, incident, aware_at, version, created_by, created_at, updated_at from breaches where breach_id = ${breachId}`.execute(
      db(),
    );
    expect((await verify()).firstBroken.problem).toContain("inserted outside dpdesk");
  });

  it("detects regulator guidance, kept once and referred to by hash, edited or removed in the database", async () => {
    // The notice contents of the ICO's guidance, as the breach's assessment shows them.
    const before = await org.api.get(`/api/v1/breaches/${breachId}`);
    expect(before.json.assessment.obligations[0].regulator.contents.length).toBeGreaterThan(3);
    await sql`update assessment_guidance set content = jsonb_set(content, '{regulator,howToReport}', '"Do not bother."') where org_id = ${org.orgId} and content->'regulator'->>'howToReport' like '%ICO%'`.execute(
      db(),
    );
    const edited = await verify();
    expect(edited.firstBroken).toMatchObject({ entityType: "assessment" });
    expect(edited.firstBroken.problem).toContain("changed outside dpdesk");
    await sql`delete from assessment_guidance where org_id = ${org.orgId}`.execute(db());
    expect((await verify()).firstBroken).toMatchObject({ entityType: "assessment" });
  });

  it("detects evidence whose bytes were swapped", async () => {
    const boundary = "b";
    const upload = await org.api.raw(
      "POST",
      `/api/v1/breaches/${breachId}/evidence`,
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="log.txt"\r\n\r\noriginal\r\n--${boundary}--\r\n`,
      { "content-type": `multipart/form-data; boundary=${boundary}` },
    );
    expect((await verify()).ok).toBe(true);
    await sql`update evidence_blobs set content = ${Buffer.from("tampered")} where evidence_id = ${upload.json.id as string}`.execute(
      db(),
    );
    expect((await verify()).firstBroken).toMatchObject({ entityType: "evidence", entityId: upload.json.id });
  });

  it("keeps a timeline of the breach's events, oldest first, each with its hash", async () => {
    const timeline = (await org.api.get(`/api/v1/breaches/${breachId}/timeline`)).json as {
      action: string;
      seq: number;
      hash: string;
    }[];
    expect(timeline.map((event) => event.action)).toEqual([
      "assessment.recorded",
      "breach.filed",
      "decision.recorded",
      "assessment.recorded",
      "breach.updated",
    ]);
    expect(timeline.every((event, i) => i === 0 || event.seq > (timeline[i - 1]?.seq ?? 0))).toBe(true);
    expect(timeline.every((event) => /^[0-9a-f]{64}$/.test(event.hash))).toBe(true);
  });
});
