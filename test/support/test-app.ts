/**
 * One set-up for every service test, on either database: embedded PGlite in memory by default, or PostgreSQL
 * in a fresh schema when DPDESK_TEST_DATABASE_URL is set (CI runs the suite both ways).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { buildApp, openServices, type App, type ServiceOptions } from "../../src/app.js";
import type { Clock } from "../../src/organisations/organisation-service.js";
import type { DatabaseLocation } from "../../src/platform/db/database.js";
import { DataKey } from "../../src/platform/crypto/data-key.js";

export const testDatabaseUrl = process.env.DPDESK_TEST_DATABASE_URL;

export interface TestClock extends Clock {
  set(instant: string | Date): void;
  advance(ms: number): void;
}

export function testClock(start = "2025-06-26T12:00:00Z"): TestClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (instant) => (current = new Date(instant)),
    advance: (ms) => (current = new Date(current.getTime() + ms)),
  };
}

export interface TestApp {
  app: App;
  clock: TestClock;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

export async function startTestApp(
  options: {
    maxUploadBytes?: number;
    dataKey?: DataKey;
    mail?: { smtpUrl?: string; from: string };
    outbox?: ServiceOptions["outbox"];
    sendMail?: boolean;
    webDir?: string;
  } = {},
): Promise<TestApp> {
  const clock = testClock();
  const dataKey = options.dataKey ?? DataKey.generate();
  let location: DatabaseLocation = { kind: "pglite", dataDir: null };
  let dropSchema = async () => {};
  if (testDatabaseUrl !== undefined) {
    const schema = `test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    location = { kind: "postgres", url: testDatabaseUrl, poolSize: 5, searchPath: schema };
    dropSchema = async () => {
      const client = new pg.Client({ connectionString: testDatabaseUrl });
      await client.connect();
      await client.query(`drop schema ${schema} cascade`);
      await client.end();
    };
  }
  const services = await openServices(location, {
    clock,
    dataKey,
    mail: options.mail,
    outbox: options.outbox,
  });
  const app = await buildApp(services, {
    logLevel: "silent",
    maxUploadBytes: options.maxUploadBytes ?? 1024 * 1024,
    secureCookies: false,
    clock,
    sendMail: options.sendMail ?? false,
    // Unit tests do not need the desk: no folder, so no compressing of the built assets at every start.
    webDir: options.webDir ?? "/nonexistent/dpdesk-web",
  });
  return {
    app,
    clock,
    kind: location.kind,
    async close() {
      await app.close();
      await dropSchema();
    },
  };
}

export interface Response {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  /** The body's bytes (a PDF). */
  bytes: Buffer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  json: any;
}

/** A client for the API with one set of credentials (a bearer token, or a session cookie and CSRF token). */
export function client(app: App, auth: { token?: string; cookie?: string; csrf?: string } = {}) {
  /** Sends `payload` as JSON, or as it is when `asIs` (a string body with its own content type). */
  async function send(
    method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
    url: string,
    payload: unknown,
    headers: Record<string, string>,
    asIs: boolean,
  ): Promise<Response> {
    const all: Record<string, string> = { ...headers };
    if (auth.token !== undefined) all.authorization = `Bearer ${auth.token}`;
    if (auth.cookie !== undefined) all.cookie = auth.cookie;
    if (auth.csrf !== undefined) all["x-csrf-token"] = auth.csrf;
    if (payload !== undefined && !asIs) all["content-type"] = "application/json";
    const response = await app.server.inject({
      method,
      url,
      headers: all,
      ...(payload === undefined
        ? {}
        : { payload: asIs && typeof payload === "string" ? payload : JSON.stringify(payload) }),
    });
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      // Not JSON (a calendar, a file): json stays undefined.
    }
    return {
      status: response.statusCode,
      headers: response.headers,
      body: response.body,
      bytes: response.rawPayload,
      json,
    };
  }
  return {
    get: (url: string, headers: Record<string, string> = {}) => send("GET", url, undefined, headers, false),
    post: (url: string, body: unknown = {}, headers: Record<string, string> = {}) =>
      send("POST", url, body, headers, false),
    patch: (url: string, body: unknown = {}) => send("PATCH", url, body, {}, false),
    delete: (url: string) => send("DELETE", url, undefined, {}, false),
    /** A request with an exact body: a string is sent as it is (give its content type), anything else as JSON. */
    raw: (
      method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
      url: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => send(method, url, body, headers, typeof body === "string"),
  };
}

export async function createOrganisation(
  app: App,
  name = "Test Union",
  ownerEmail = `owner-${randomBytes(4).toString("hex")}@example.org`,
) {
  const created = await app.services.organisations.createOrganisation({
    name,
    ownerEmail,
    ownerPassword: "correct horse battery staple",
  });
  return { ...created, ownerEmail, api: client(app, { token: created.token }) };
}

/** An incident like the union breach of the news seed, with a distinct title. */
export function unionIncident(overrides: Record<string, unknown> = {}) {
  return {
    title: "Member records exfiltrated",
    controller: { name: "Example Union", establishments: ["GB"], role: "controller" },
    awareAt: "2025-06-25T09:00:00+01:00",
    occurredAt: "2025-06-20T02:00:00+01:00",
    nature: ["confidentiality"],
    cause: "cyber_attack",
    dataCategories: [
      "name",
      "contact",
      "financial",
      "racial_or_ethnic_origin",
      "sex_life_or_sexual_orientation",
      "health",
    ],
    subjects: { GB: 154_800, IM: 2_200, JE: 1_700, GG: 1_300 },
    records: 160_000,
    ...overrides,
  };
}

/** Starts the test app's server on a free loopback port (for a CLI run as a child process); returns its URL. */
export async function listenOnLoopback(app: App): Promise<string> {
  await app.server.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.server.address();
  if (address === null || typeof address === "string") throw new Error("the test server has no port");
  return `http://127.0.0.1:${String(address.port)}`;
}
