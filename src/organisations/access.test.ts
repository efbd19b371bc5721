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
