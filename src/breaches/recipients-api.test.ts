// A breach's recipient list through the HTTP API, on PGlite (and on PostgreSQL when DPDESK_TEST_DATABASE_URL
// is set): uploaded files become a sealed, de-duplicated list; imports are idempotent and resumable.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  client,
  createOrganisation,
  startTestApp,
  unionIncident,
  type TestApp,
} from "../../test/support/test-app.js";

const exposedPath = fileURLToPath(new URL("../../examples/exposed-members.csv", import.meta.url));
const exposed = readFileSync(exposedPath, "utf8");

let t: TestApp;
let org: Awaited<ReturnType<typeof createOrganisation>>;

beforeAll(async () => {
  t = await startTestApp({ maxUploadBytes: 1024 * 1024 });
  org = await createOrganisation(t.app);
});
afterAll(async () => t.close());

function upload(
  breachId: string,
  files: { name: string; content: string }[],
  fields: Record<string, string> = {},
) {
  const boundary = "----dpdesk-impact";
  const parts = [
    ...Object.entries(fields).map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    ),
    ...files.map(
      (file) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n${file.content}\r\n`,
    ),
  ];
  return org.api.raw("POST", `/api/v1/breaches/${breachId}/impact`, `${parts.join("")}--${boundary}--\r\n`, {
    "content-type": `multipart/form-data; boundary=${boundary}`,
  });
}

async function newBreach(overrides: Record<string, unknown> = {}): Promise<string> {
  const filed = await org.api.post(
    "/api/v1/breaches",
    unionIncident({ subjects: { GB: 100, FR: 5 }, dataCategories: ["name", "contact"], ...overrides }),
  );
  expect(filed.status).toBe(201);
  return filed.json.id as string;
}

const person = (key: string, extra: Record<string, unknown> = {}) => ({
  key,
  jurisdiction: "unknown",
  categories: ["name"],
  name: "",
  email: "",
  address: [],
  source: { file: "members.csv", line: 2 },
  ...extra,
});

describe("uploading exposed files to a breach", () => {
  it("builds the recipient list, sets the breach's counts from it and re-assesses the breach", async () => {
    const id = await newBreach();
    const response = await upload(id, [{ name: "members.csv", content: exposed }]);
    expect(response.status).toBe(200);
    expect(response.json.impact.subjects).toBe(8);
    expect(response.json.impact.files[0].file).toBe("members.csv");
    expect(response.json.recipients.byJurisdiction).toEqual({
      GB: 2,
      IM: 2,
      JE: 1,
      GG: 1,
      FR: 1,
      unknown: 1,
    });
    expect(response.json.recipients.categories).toMatchObject({
      health: 2,
      sex_life_or_sexual_orientation: 1,
    });
    expect(response.json.breach.updated).toBe(true);
    const breach = (await org.api.get(`/api/v1/breaches/${id}`)).json;
    expect(breach.version).toBe(2);
    expect(breach.incident.subjects).toEqual({ GB: 2, IM: 2, JE: 1, GG: 1, FR: 1 });
    expect(breach.incident.records).toBe(10);
    expect(breach.incident.dataCategories).toEqual(expect.arrayContaining(["health", "financial"]));
    expect((await org.api.get("/api/v1/audit/verify")).json.ok).toBe(true);

    // The list, opened: one entry per person, with what a letter needs.
    const list = await org.api.get(`/api/v1/breaches/${id}/recipients?limit=100`);
    expect(list.status).toBe(200);
    expect(list.json.recipients).toHaveLength(8);
    expect(list.json.next).toBeNull();
    const ann = list.json.recipients.find((r: { email: string }) =>
      r.email.toLowerCase().includes("ann.kewley"),
    );
    expect(ann).toMatchObject({ jurisdiction: "IM", name: "Ann Kewley", address: ["1 Athol Street"] });
    expect(ann.categories).toEqual(
      expect.arrayContaining(["name", "contact", "financial", "racial_or_ethnic_origin"]),
    );
    const manx = await org.api.get(`/api/v1/breaches/${id}/recipients?jurisdiction=IM`);
    expect(manx.json.recipients.map((r: { name: string }) => r.name).sort()).toEqual([
      "Ann Kewley",
      "Hal Corlett",
    ]);

    // Pages follow one another without overlap.
    const first = await org.api.get(`/api/v1/breaches/${id}/recipients?limit=5`);
    const second = await org.api.get(
      `/api/v1/breaches/${id}/recipients?limit=5&after=${first.json.next as string}`,
    );
    const ids = [...first.json.recipients, ...second.json.recipients].map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(8);
  });

  it("keeps contact details sealed at rest: no e-mail, name or postcode in the clear", async () => {
    const id = await newBreach({ title: "Sealed" });
    expect((await upload(id, [{ name: "members.csv", content: exposed }])).status).toBe(200);
    const rows = await sql<{ person_hash: Uint8Array; sealed: Uint8Array; nonce: Uint8Array }>`
      select person_hash, sealed, nonce from recipients where breach_id = ${id}`.execute(
      t.app.services.database.db,
    );
    expect(rows.rows).toHaveLength(8);
    for (const row of rows.rows) {
      const text = Buffer.from(row.sealed).toString("latin1");
      for (const secret of ["kewley", "Kewley", "example", "Athol", "IM1", "07624"])
        expect(text).not.toContain(secret);
      expect(row.person_hash).toHaveLength(32);
    }
    const imports = await sql<{
      sources: unknown;
    }>`select sources from recipient_imports where breach_id = ${id}`.execute(t.app.services.database.db);
    expect(JSON.stringify(imports.rows)).not.toContain("kewley");
  });

  it("uploading the same file again changes nothing: no one duplicated, the breach not re-versioned", async () => {
    const id = await newBreach({ title: "Twice" });
    const first = await upload(id, [{ name: "members.csv", content: exposed }]);
    const again = await upload(id, [{ name: "members.csv", content: exposed }]);
    expect(again.status).toBe(200);
    expect(again.json.importId).toBe(first.json.importId);
    expect(again.json.skipped).toBe(again.json.batches);
    expect(again.json.breach.updated).toBe(false);
    expect(again.json.recipients.people).toBe(8);
    expect((await org.api.get(`/api/v1/breaches/${id}`)).json.version).toBe(2);
    const summary = await org.api.get(`/api/v1/breaches/${id}/recipients/summary`);
    expect(summary.json.people).toBe(8);
    expect(summary.json.imports).toHaveLength(1);
    expect(summary.json.reachable).toEqual({ byPost: 4, byEmailOnly: 4, neither: 0 });
  });

  it("the same content under another name is the same import (records are not counted twice)", async () => {
    const id = await newBreach({ title: "Renamed" });
    const first = await upload(id, [{ name: "members.csv", content: exposed }]);
    const renamed = await upload(id, [{ name: "members-copy.csv", content: exposed }]);
    expect(renamed.json.importId).toBe(first.json.importId);
    expect(renamed.json.breach.updated).toBe(false);
    expect((await org.api.get(`/api/v1/breaches/${id}`)).json.incident.records).toBe(10);
  });

  it("a file refused part way (too many problems) stores nothing", async () => {
    const id = await newBreach({ title: "Too many problems" });
    const good = Array.from(
      { length: 3_000 },
      (_, index) => `p${String(index)}@example.org,Person ${String(index)},IM1 1AA`,
    );
    const ragged = Array.from(
      { length: 1_200 },
      (_, index) => `r${String(index)}@example.org,Ragged,IM1 1AA,extra,fields`,
    );
    const content = ["Email,Name,Postcode", ...good, ...ragged].join("\n");
    const refused = await upload(id, [{ name: "broken.csv", content }]);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toContain("more than 1000 problems");
    const summary = (await org.api.get(`/api/v1/breaches/${id}/recipients/summary`)).json;
    expect(summary.people).toBe(0);
    expect(summary.imports).toEqual([]);
    expect((await org.api.get(`/api/v1/breaches/${id}`)).json.version).toBe(1);
  });

  it("a second file adds its people to the list and the counts follow the whole list", async () => {
    const id = await newBreach({ title: "Two files" });
    await upload(id, [{ name: "members.csv", content: exposed }]);
    const more =
      "Email,Name,Postcode\nann.kewley@example.org,Ann Kewley,IM1 1AA\nnew@example.gg,New Person,GY1 1AA\n";
    const second = await upload(id, [{ name: "late-export.csv", content: more }]);
    expect(second.status).toBe(200);
    expect(second.json.recipients.byJurisdiction).toEqual({ GB: 2, IM: 2, JE: 1, GG: 2, FR: 1, unknown: 1 });
    const breach = (await org.api.get(`/api/v1/breaches/${id}`)).json;
    expect(breach.incident.subjects.GG).toBe(2);
    expect(breach.incident.records).toBe(12);
  });

  it("refuses what cannot be analysed, naming the file, and leaves the breach as it was", async () => {
    const id = await newBreach({ title: "Refused" });
    const empty = await upload(id, [{ name: "empty.csv", content: "" }]);
    expect(empty.status).toBe(400);
    expect(JSON.stringify(empty.json)).toContain("empty.csv");
    expect(JSON.stringify(empty.json)).not.toContain("dpdesk-impact-");
    const none = await org.api.raw("POST", `/api/v1/breaches/${id}/impact`, "{}", {
      "content-type": "application/json",
    });
    expect(none.status).toBe(400);
    expect((await org.api.get(`/api/v1/breaches/${id}`)).json.version).toBe(1);
    expect((await org.api.get(`/api/v1/breaches/${id}/recipients/summary`)).json.people).toBe(0);
  });
});

describe("imports in batches", () => {
  it("merges a person sent in two batches and a batch sent twice; completing needs every batch", async () => {
    const id = await newBreach({ title: "Batches" });
    const base = `/api/v1/breaches/${id}/recipient-imports`;
    const started = await org.api.post(base, { sources: [{ file: "members.csv", bytes: 100 }] });
    expect(started.status).toBe(201);
    const importId = started.json.importId as string;
    const batch1 = {
      recipients: [
        person("ea@example.org", { name: "A", categories: ["name"] }),
        person("eb@example.org", { jurisdiction: "JE", email: "b@example.org" }),
      ],
    };
    const put = (n: number, body: unknown) =>
      org.api.raw("PUT", `${base}/${importId}/batches/${String(n)}`, JSON.stringify(body), {
        "content-type": "application/json",
      });
    expect((await put(1, batch1)).json).toMatchObject({ people: 2, added: 2 });
    expect((await put(1, batch1)).json).toMatchObject({ people: 2, added: 0, merged: 2 });
    const batch3 = {
      recipients: [
        person("ea@example.org", {
          jurisdiction: "IM",
          categories: ["health"],
          email: "a@example.org",
          address: ["1 Athol Street"],
        }),
      ],
    };
    expect((await put(3, batch3)).json).toMatchObject({ added: 0, merged: 1 });
    const early = await org.api.post(`${base}/${importId}/complete`, { batches: 3, rows: 3, people: 2 });
    expect(early.status).toBe(409);
    expect(early.json.detail).toContain("batches 2 of import");
    await put(2, { recipients: [person("ec@example.org")] });
    const done = await org.api.post(`${base}/${importId}/complete`, { batches: 3, rows: 4, people: 3 });
    expect(done.status).toBe(200);
    expect(done.json.recipients.byJurisdiction).toEqual({ IM: 1, JE: 1, unknown: 1 });
    const list = (await org.api.get(`/api/v1/breaches/${id}/recipients`)).json.recipients as {
      jurisdiction: string;
      categories: string[];
      address: string[];
      name: string;
    }[];
    const a = list.find((r) => r.jurisdiction === "IM");
    // Its first jurisdiction was unknown, so the later one stands; the fuller contact replaced the thinner.
    expect(a).toMatchObject({ categories: ["health", "name"], address: ["1 Athol Street"], name: "" });
    // A completed import is as the audit chain recorded it: it takes no more people.
    const late = await put(4, { recipients: [person("ed@example.org")] });
    expect(late.status).toBe(409);
    expect(late.json.detail).toContain("is complete");
    // Resuming says which batches are stored.
    const resumed = await org.api.post(base, { importId, sources: [{ file: "members.csv", bytes: 100 }] });
    expect(resumed.status).toBe(200);
    expect(resumed.json).toMatchObject({ resumed: true, batchesStored: [1, 2, 3] });
    expect((await org.api.get("/api/v1/audit/verify")).json.ok).toBe(true);
  });

  it("names the field at fault and stores nothing of a bad batch", async () => {
    const id = await newBreach({ title: "Bad batch" });
    const base = `/api/v1/breaches/${id}/recipient-imports`;
    const importId = (await org.api.post(base, { sources: [{ file: "x.csv", bytes: 1 }] })).json
      .importId as string;
    const bad = await org.api.raw(
      "PUT",
      `${base}/${importId}/batches/1`,
      JSON.stringify({ recipients: [person("ok@example.org"), person("", { jurisdiction: "XX" })] }),
      { "content-type": "application/json" },
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("recipients.1.key");
    expect(JSON.stringify(bad.json)).toContain("recipients.1.jurisdiction");
    expect((await org.api.get(`/api/v1/breaches/${id}/recipients/summary`)).json.people).toBe(0);
    const unknownImport = await org.api.raw(
      "PUT",
      `${base}/0190aaaa-0000-7000-8000-000000000000/batches/1`,
      JSON.stringify({ recipients: [person("ok@example.org")] }),
      { "content-type": "application/json" },
    );
    expect(unknownImport.status).toBe(404);
  });

  it("lets viewers see the counts but not the people, and keeps tenants apart", async () => {
    const id = await newBreach({ title: "Roles" });
    await upload(id, [{ name: "members.csv", content: exposed }]);
    const email = `viewer-${id.slice(0, 8)}@example.org`;
    await org.api.post("/api/v1/users", { email, role: "viewer", password: "a long enough password" });
    const session = await client(t.app).post("/api/v1/session", {
      email,
      password: "a long enough password",
    });
    const cookie = String(session.headers["set-cookie"]).split(";")[0] ?? "";
    const asViewer = client(t.app, { cookie, csrf: session.json.csrfToken as string });
    expect((await asViewer.get(`/api/v1/breaches/${id}/recipients/summary`)).json.people).toBe(8);
    const denied = await asViewer.get(`/api/v1/breaches/${id}/recipients`);
    expect(denied.status).toBe(403);
    expect(denied.json.detail).toContain("personal data");
    const other = await createOrganisation(t.app, "Other Union");
    expect((await other.api.get(`/api/v1/breaches/${id}/recipients`)).status).toBe(404);
    expect((await other.api.get(`/api/v1/breaches/${id}/recipients/summary`)).status).toBe(404);
  });
});

describe("what the review of the recipient list found", () => {
  it("stores whatever the analysis accepted: an over-long name is cut, NUL characters dropped", async () => {
    const id = await newBreach({ title: "Long fields" });
    const rows = Array.from(
      { length: 30 },
      (_, index) => `p${String(index)}@example.org,Person ${String(index)},IM1 1AA`,
    );
    const content = ["Email,Name,Postcode", ...rows, `long@example.org,${"N".repeat(600)},IM1 1AA`].join(
      "\n",
    );
    const response = await upload(id, [{ name: "long.csv", content }]);
    expect(response.status).toBe(200);
    const list = (await org.api.get(`/api/v1/breaches/${id}/recipients?limit=100`)).json.recipients as {
      email: string;
      name: string;
    }[];
    expect(list).toHaveLength(31);
    expect(list.find((r) => r.email === "long@example.org")?.name).toHaveLength(500);
    const jsonl = `{"email":"q@example.org","name":"Q\\u0000R","postcode":"JE2 3QA"}\n`;
    const second = await upload(id, [{ name: "q.jsonl", content: jsonl }]);
    expect(second.status).toBe(200);
    const q = (await org.api.get(`/api/v1/breaches/${id}/recipients?jurisdiction=JE`)).json.recipients[0];
    expect(q.name).toBe("QR");
  });

  it("two starts of one import at once agree on its batch size; resuming with other files is refused", async () => {
    const id = await newBreach({ title: "Race" });
    const base = `/api/v1/breaches/${id}/recipient-imports`;
    const importId = "01960000-0000-8000-8000-000000000001";
    const sources = [{ file: "a.csv", bytes: 1, sha256: "a".repeat(64), rows: 1 }];
    const [one, two] = await Promise.all([
      org.api.post(base, { importId, sources, batchSize: 100 }),
      org.api.post(base, { importId, sources, batchSize: 700 }),
    ]);
    expect([one.json.batchSize, two.json.batchSize].sort()).toEqual(
      one.json.resumed === true
        ? [two.json.batchSize, two.json.batchSize]
        : [one.json.batchSize, one.json.batchSize],
    );
    expect([one.json.resumed, two.json.resumed].sort()).toEqual([false, true]);
    const other = await org.api.post(base, {
      importId,
      sources: [{ file: "a.csv", bytes: 1, sha256: "b".repeat(64), rows: 1 }],
    });
    expect(other.status).toBe(409);
    expect(other.json.detail).toContain("started with other files");
  });

  it("validates the batch number and the batch size, and the batch count at completion", async () => {
    const id = await newBreach({ title: "Batch numbers" });
    const base = `/api/v1/breaches/${id}/recipient-imports`;
    const importId = (await org.api.post(base, { sources: [{ file: "x.csv", bytes: 1 }], batchSize: 2 })).json
      .importId as string;
    const put = (n: string, body: unknown) =>
      org.api.raw("PUT", `${base}/${importId}/batches/${n}`, JSON.stringify(body), {
        "content-type": "application/json",
      });
    const one = { recipients: [person("ea@example.org")] };
    for (const bad of ["abc", "0", "-3", "1.5", "99999999999"]) {
      const response = await put(bad, one);
      expect(response.status, bad).toBe(400);
      expect(response.json.errors[0].field, bad).toBe("batch");
    }
    const tooMany = await put("1", { recipients: [person("a@x.org"), person("b@x.org"), person("c@x.org")] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.detail).toContain("at most 2 people");
    expect((await put("2", one)).status).toBe(200);
    const short = await org.api.post(`${base}/${importId}/complete`, { batches: 0, rows: 1, people: 1 });
    expect(short.status).toBe(400);
    expect(JSON.stringify(short.json)).toContain("batch 2 of this import is stored");
  });

  it("records every step in the audit chain: started, each batch (by keyed hashes), completed", async () => {
    const id = await newBreach({ title: "Audited" });
    await upload(id, [{ name: "members.csv", content: exposed }]);
    const actions = ((await org.api.get(`/api/v1/breaches/${id}/timeline`)).json as { action: string }[]).map(
      (event) => event.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(["recipients.import_started", "recipients.batch_stored", "recipients.imported"]),
    );
    const timeline = JSON.stringify((await org.api.get(`/api/v1/breaches/${id}/timeline`)).json);
    expect(timeline).not.toContain("kewley");
    expect((await org.api.get("/api/v1/audit/verify")).json.ok).toBe(true);
  });

  it("counts each file's records once, however many imports name it", async () => {
    const id = await newBreach({ title: "Records once" });
    const a = "Email,Name\na1@example.org,A One\na2@example.org,A Two\n";
    const b = "Email,Name\nb1@example.org,B One\n";
    await upload(id, [{ name: "a.csv", content: a }]);
    const both = await upload(id, [
      { name: "a.csv", content: a },
      { name: "b.csv", content: b },
    ]);
    expect(both.status).toBe(200);
    expect((await org.api.get(`/api/v1/breaches/${id}`)).json.incident.records).toBe(3);
  });

  it("names files uploaded under one name apart, and the same upload again adds nobody", async () => {
    const id = await newBreach({ title: "Same names" });
    const one = "Email,Name,Postcode\n,,\nx@example.org,X,IM1 1AA\n,Nobody,\n";
    const two = "Email,Name,Postcode\ny@example.org,Y,JE2 3QA\n,Nobody,\n";
    const first = await upload(id, [
      { name: "members.csv", content: one },
      { name: "members.csv", content: two },
    ]);
    expect(first.status).toBe(200);
    expect(first.json.impact.files.map((file: { file: string }) => file.file)).toEqual([
      "1/members.csv",
      "2/members.csv",
    ]);
    const people = first.json.recipients.people as number;
    const sources = (
      (await org.api.get(`/api/v1/breaches/${id}/recipients`)).json.recipients as {
        source: { file: string };
      }[]
    ).map((r) => r.source.file);
    expect(sources.every((file) => file === "1/members.csv" || file === "2/members.csv")).toBe(true);
    const again = await upload(id, [
      { name: "members.csv", content: one },
      { name: "members.csv", content: two },
    ]);
    expect(again.json.recipients.people).toBe(people);
  });

  it("a server with another data key refuses to seal or open the list, naming both keys", async () => {
    const id = await newBreach({ title: "Wrong key" });
    await upload(id, [{ name: "members.csv", content: exposed }]);
    const { createRecipientService } = await import("./recipient-service.js");
    const { DataKey } = await import("../platform/crypto/data-key.js");
    const otherKey = DataKey.generate();
    const other = createRecipientService({
      db: t.app.services.database.db,
      clock: t.clock,
      dataKey: otherKey,
      breaches: t.app.services.breaches,
    });
    const principal = { orgId: org.orgId, userId: org.userId, role: "owner" as const, via: "token" as const };
    expect(await other.foreignSealingKeys()).not.toEqual([]);
    await expect(other.list(principal, id, {})).rejects.toThrow(
      /sealed with data key .* this server has data key/,
    );
    const started = await other.startImport(principal, id, { sources: [{ file: "x.csv", bytes: 1 }] });
    await expect(
      other.storeBatch(principal, id, started.importId, "1", { recipients: [person("new@example.org")] }),
    ).rejects.toThrow(`this server has data key ${otherKey.id}`);
    expect((await org.api.get(`/api/v1/breaches/${id}/recipients/summary`)).json.people).toBe(8);
  });
});
