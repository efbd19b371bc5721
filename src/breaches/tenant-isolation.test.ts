// Tenants: every route is tried with another organisation's credentials and must reveal nothing — a 404 for
// another tenant's ids, never a 403, and lists that do not contain the other tenant's data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createOrganisation,
  startTestApp,
  unionIncident,
  type TestApp,
} from "../../test/support/test-app.js";

let t: TestApp;
let victim: Awaited<ReturnType<typeof createOrganisation>>;
let intruder: Awaited<ReturnType<typeof createOrganisation>>;
let breachId: string;
let evidenceUrl: string;

beforeAll(async () => {
  t = await startTestApp();
  victim = await createOrganisation(t.app, "Victim Union");
  intruder = await createOrganisation(t.app, "Other Org");
  const filed = await victim.api.post("/api/v1/breaches", unionIncident({ title: "Secret breach" }));
  breachId = filed.json.id as string;
  const boundary = "b";
  const upload = await victim.api.raw(
    "POST",
    `/api/v1/breaches/${breachId}/evidence`,
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\n\r\nsecret\r\n--${boundary}--\r\n`,
    { "content-type": `multipart/form-data; boundary=${boundary}` },
  );
  evidenceUrl = upload.json.download as string;
});
afterAll(async () => t.close());

describe("another organisation's credentials", () => {
  it.each([
    ["GET", () => `/api/v1/breaches/${breachId}`],
    ["PATCH", () => `/api/v1/breaches/${breachId}`],
    ["POST", () => `/api/v1/breaches/${breachId}/decisions`],
    ["POST", () => `/api/v1/breaches/${breachId}/notifications`],
    ["POST", () => `/api/v1/breaches/${breachId}/evidence`],
    ["GET", () => evidenceUrl],
    ["GET", () => `/api/v1/breaches/${breachId}/timeline`],
  ] as const)("%s %s answers 404 and reveals nothing", async (method, url) => {
    const bodies: Record<string, unknown> = {
      PATCH: { title: "pwned" },
      POST: url().endsWith("decisions")
        ? {
            jurisdiction: "GB",
            duty: "regulator",
            outcome: "not_notify",
            rationale: "an intruder's decision",
          }
        : { jurisdiction: "GB", recipient: "regulator", givenAt: "2025-06-26T00:00:00Z", method: "email" },
    };
    const response = await intruder.api.raw(method, url(), method === "GET" ? undefined : bodies[method]);
    expect(response.status).toBe(404);
    expect(response.body).not.toContain("Secret breach");
  });

  it("lists, deadlines, the calendar, the timeline and the audit chain show nothing of the other tenant", async () => {
    for (const url of [
      "/api/v1/breaches",
      "/api/v1/deadlines",
      "/api/v1/deadlines.ics",
      "/api/v1/users",
      "/api/v1/audit/verify",
    ]) {
      const response = await intruder.api.get(url);
      expect(response.status, url).toBe(200);
      expect(response.body, url).not.toContain(breachId);
      expect(response.body, url).not.toContain("Secret breach");
      expect(response.body, url).not.toContain(victim.ownerEmail);
    }
  });

  it("cannot change another tenant's user roles or revoke its tokens", async () => {
    const users = await victim.api.get("/api/v1/users");
    const victimOwner = users.json[0].userId as string;
    expect((await intruder.api.patch(`/api/v1/users/${victimOwner}`, { role: "viewer" })).status).toBe(404);
    const token = await victim.api.post("/api/v1/tokens", { name: "ci" });
    expect((await intruder.api.delete(`/api/v1/tokens/${token.json.tokenId as string}`)).status).toBe(404);
    expect((await victim.api.get("/api/v1/users")).json[0].role).toBe("owner");
  });

  it("left the victim's breach untouched", async () => {
    const breach = await victim.api.get(`/api/v1/breaches/${breachId}`);
    expect(breach.json).toMatchObject({
      title: "Secret breach",
      version: 1,
      decisions: [],
      notifications: [],
    });
    expect(breach.json.evidence).toHaveLength(1);
  });

  it("a token naming one organisation but holding another's secret is refused", async () => {
    const [, , victimSecret] = victim.token.split("_");
    const forged = `dpd_${intruder.orgId}_${victimSecret ?? ""}`;
    const response = await t.app.server.inject({
      method: "GET",
      url: "/api/v1/breaches",
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(response.statusCode).toBe(401);
  });
});
