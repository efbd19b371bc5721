// Roles, sessions and the protections around sign-in.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  client,
  createOrganisation,
  startTestApp,
  unionIncident,
  type TestApp,
} from "../../test/support/test-app.js";
import { Forbidden } from "../platform/errors.js";

let t: TestApp;
let owner: Awaited<ReturnType<typeof createOrganisation>>;

beforeAll(async () => {
  t = await startTestApp();
  owner = await createOrganisation(t.app, "Roles Org");
});
afterAll(async () => t.close());

async function userWithRole(role: "dpo" | "handler" | "viewer") {
  const email = `${role}-${Math.random().toString(36).slice(2)}@example.org`;
  await owner.api.post("/api/v1/users", { email, role, password: "a long enough password" });
  const session = await client(t.app).post("/api/v1/session", { email, password: "a long enough password" });
  const cookie = String(session.headers["set-cookie"]).split(";")[0] ?? "";
  return { email, cookie, csrf: session.json.csrfToken as string, session };
}

describe("roles", () => {
  it("a viewer can read but cannot write, through the API and in the service itself", async () => {
    const viewer = await userWithRole("viewer");
    const api = client(t.app, { cookie: viewer.cookie, csrf: viewer.csrf });
    expect((await api.get("/api/v1/breaches")).status).toBe(200);
    const refused = await api.post("/api/v1/breaches", unionIncident());
    expect(refused.status).toBe(403);
    expect(refused.json.detail).toContain("viewer");
    const principal = {
      orgId: owner.orgId,
      userId: owner.userId,
      role: "viewer" as const,
      via: "token" as const,
    };
    await expect(t.app.services.breaches.fileBreach(principal, unionIncident())).rejects.toBeInstanceOf(
      Forbidden,
    );
  });

  it("a handler and a DPO can write, but only an owner manages users", async () => {
    for (const role of ["handler", "dpo"] as const) {
      const user = await userWithRole(role);
      const api = client(t.app, { cookie: user.cookie, csrf: user.csrf });
      expect((await api.post("/api/v1/breaches", unionIncident({ title: `by ${role}` }))).status).toBe(201);
      expect((await api.post("/api/v1/users", { email: "x@example.org", role: "owner" })).status).toBe(403);
    }
  });

  it("keeps at least one owner", async () => {
    const response = await owner.api.patch(`/api/v1/users/${owner.userId}`, { role: "viewer" });
    expect(response.status).toBe(409);
  });
});

describe("sessions", () => {
  it("signs in with an httpOnly, SameSite=Strict cookie and returns a CSRF token", async () => {
    const { session } = await userWithRole("dpo");
    expect(session.status).toBe(200);
    const setCookie = String(session.headers["set-cookie"]);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(session.json.csrfToken).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it("gives a reloaded page its session's CSRF token, and a token request none", async () => {
    const user = await userWithRole("handler");
    const again = await client(t.app, { cookie: user.cookie }).get("/api/v1/session");
    expect(again.status).toBe(200);
    expect(again.json.csrfToken).toBe(user.csrf);
    expect(again.json.email).toBe(user.email);
    const api = client(t.app, { cookie: user.cookie, csrf: again.json.csrfToken as string });
    expect((await api.post("/api/v1/breaches", unionIncident({ title: "After a reload" }))).status).toBe(201);
    const byToken = await owner.api.get("/api/v1/session");
    expect(byToken.status).toBe(200);
    expect(byToken.json.email).toBe(owner.ownerEmail);
    expect(byToken.json).not.toHaveProperty("csrfToken");
  });

  it("refuses a cookie-authenticated change without the CSRF header", async () => {
    const user = await userWithRole("handler");
    const withoutCsrf = client(t.app, { cookie: user.cookie });
    const response = await withoutCsrf.post("/api/v1/breaches", unionIncident());
    expect(response.status).toBe(403);
    expect(response.json.detail).toContain("X-CSRF-Token");
    expect(
      (await client(t.app, { cookie: user.cookie, csrf: "wrong" }).post("/api/v1/breaches", unionIncident()))
        .status,
    ).toBe(403);
  });

  it("expires sessions and ends them on sign-out", async () => {
    const user = await userWithRole("dpo");
    const api = client(t.app, { cookie: user.cookie, csrf: user.csrf });
    expect((await api.delete("/api/v1/session")).status).toBe(204);
    expect((await api.get("/api/v1/breaches")).status).toBe(401);
    const later = await userWithRole("dpo");
    t.clock.advance(13 * 3_600_000);
    expect((await client(t.app, { cookie: later.cookie }).get("/api/v1/breaches")).status).toBe(401);
    t.clock.set("2025-06-26T12:00:00Z");
  });

  it("does not say whether an e-mail address has an account", async () => {
    const unknown = await client(t.app).post("/api/v1/session", {
      email: "nobody@example.org",
      password: "whatever it is",
    });
    const wrong = await client(t.app).post("/api/v1/session", {
      email: owner.ownerEmail,
      password: "wrong password!",
    });
    expect(unknown.status).toBe(401);
    expect(wrong.status).toBe(401);
    expect(unknown.json.detail).toBe(wrong.json.detail);
  });

  it("rate-limits sign-in attempts", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 12; attempt++)
      statuses.push(
        (
          await client(t.app).post("/api/v1/session", {
            email: "brute@example.org",
            password: `guess ${attempt}`,
          })
        ).status,
      );
    expect(statuses).toContain(429);
  });

  it("revoked tokens stop working", async () => {
    const created = await owner.api.post("/api/v1/tokens", { name: "temporary" });
    const api = client(t.app, { token: created.json.token as string });
    expect((await api.get("/api/v1/breaches")).status).toBe(200);
    expect((await owner.api.delete(`/api/v1/tokens/${created.json.tokenId as string}`)).status).toBe(204);
    expect((await api.get("/api/v1/breaches")).status).toBe(401);
  });

  it("sends security headers and refuses requests without credentials", async () => {
    const response = await client(t.app).get("/api/v1/breaches");
    expect(response.status).toBe(401);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(response.headers["x-frame-options"]).toBeDefined();
  });
});

describe("first-run set-up", () => {
  it("once an organisation exists, the set-up endpoint refuses", async () => {
    const response = await client(t.app).post("/api/v1/setup", {
      token: t.app.setup.token,
      organisation: "Late",
      email: "late@example.org",
      password: "a long enough password",
    });
    expect(response.status).toBe(409);
  });
});

describe("review findings", () => {
  it("refuses text PostgreSQL cannot store exactly, naming the field, so the audit chain stays true", async () => {
    const filed = await owner.api.post("/api/v1/breaches", unionIncident({ title: "Unicode" }));
    const id = filed.json.id as string;
    const lone = await owner.api.post(`/api/v1/breaches/${id}/decisions`, {
      jurisdiction: "GB",
      duty: "regulator",
      outcome: "notify",
      rationale: "because \ud800 of things",
    });
    expect(lone.status).toBe(400);
    expect(lone.json.errors).toEqual([
      { field: "rationale", message: "must be text without NUL characters or unpaired UTF-16 surrogates" },
    ]);
    const nul = await owner.api.post("/api/v1/breaches", unionIncident({ title: "nul\u0000byte" }));
    expect(nul.status).toBe(400);
    expect(nul.json.errors[0].field).toBe("title");
    const emoji = await owner.api.post("/api/v1/breaches", unionIncident({ title: "Laptop 💻 stolen" }));
    expect(emoji.status).toBe(201);
    expect((await owner.api.get("/api/v1/audit/verify")).json.ok).toBe(true);
  });

  it("detects a role raised, a token un-revoked or a session extended in the database", async () => {
    const { db } = t.app.services.database;
    const viewer = await userWithRole("viewer");
    expect((await owner.api.get("/api/v1/audit/verify")).json.ok).toBe(true);
    await db.updateTable("users").set({ role: "owner" }).where("email", "=", viewer.email).execute();
    const result = (await owner.api.get("/api/v1/audit/verify")).json;
    expect(result.ok).toBe(false);
    expect(result.firstBroken.entityType).toBe("user");
    await db.updateTable("users").set({ role: "viewer" }).where("email", "=", viewer.email).execute();
    expect((await owner.api.get("/api/v1/audit/verify")).json.ok).toBe(true);
    await db
      .updateTable("sessions")
      .set({ expires_at: new Date("2099-01-01T00:00:00Z") })
      .where("org_id", "=", owner.orgId)
      .execute();
    expect((await owner.api.get("/api/v1/audit/verify")).json.firstBroken.entityType).toBe("session");
  });

  it("a mistyped set-up form does not use up the one-time link", async () => {
    const fresh = await startTestApp();
    try {
      const short = await client(fresh.app).post("/api/v1/setup", {
        token: fresh.app.setup.token,
        organisation: "New",
        email: "a@example.org",
        password: "short",
      });
      expect(short.status).toBe(400);
      expect(short.json.errors[0].field).toBe("password");
      const good = await client(fresh.app).post("/api/v1/setup", {
        token: fresh.app.setup.token,
        organisation: "New",
        email: "a@example.org",
        password: "long enough password",
      });
      expect(good.status).toBe(201);
      const again = await client(fresh.app).post("/api/v1/setup", {
        token: fresh.app.setup.token,
        organisation: "Again",
        email: "b@example.org",
        password: "long enough password",
      });
      expect(again.status).toBe(409);
    } finally {
      await fresh.close();
    }
  });

  it("answers a malformed upload and a duplicate user with 4xx, never 500", async () => {
    const filed = await owner.api.post("/api/v1/breaches", unionIncident({ title: "Uploads" }));
    const broken = await owner.api.raw(
      "POST",
      `/api/v1/breaches/${filed.json.id as string}/evidence`,
      '--x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\ncut',
      {
        "content-type": "multipart/form-data; boundary=x",
      },
    );
    expect(broken.status).toBe(400);
    const results = await Promise.all(
      [1, 2, 3].map(() => owner.api.post("/api/v1/users", { email: "same@example.org", role: "viewer" })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  });

  it("refuses a notice dated in the future or for a jurisdiction the breach does not concern", async () => {
    const filed = await owner.api.post("/api/v1/breaches", unionIncident({ title: "Notices" }));
    const url = `/api/v1/breaches/${filed.json.id as string}/notifications`;
    const future = await owner.api.post(url, {
      jurisdiction: "GB",
      recipient: "regulator",
      givenAt: "2999-01-01T00:00:00Z",
      method: "email",
    });
    expect(future.json.errors[0].field).toBe("givenAt");
    const elsewhere = await owner.api.post(url, {
      jurisdiction: "FR",
      recipient: "regulator",
      givenAt: "2025-06-26T00:00:00Z",
      method: "email",
    });
    expect(elsewhere.json.errors[0].field).toBe("jurisdiction");
  });

  it("names query parameters as such", async () => {
    const bad = await owner.api.get("/api/v1/breaches?limit=abc&colour=red");
    expect(bad.status).toBe(400);
    expect(bad.json.errors).toEqual(
      expect.arrayContaining([
        { field: "limit", message: "must be a whole number from 1 to 200" },
        { field: "(query)", message: 'Unrecognized key: "colour"' },
      ]),
    );
  });

  it("cannot be routed around by encoding the path", async () => {
    const response = await client(t.app).get("/%61pi/v1/breaches");
    expect([401, 404]).toContain(response.status);
    expect(response.body).not.toContain("items");
  });
});
