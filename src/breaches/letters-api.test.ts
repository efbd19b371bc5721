// Letters through the HTTP API: each person's letter names their own regulator and their own data, the merged
// PDF holds everyone, e-mail goes through a real SMTP server once per person, with retries and evidence.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flatText, readPdfText } from "../../test/support/pdf-text.js";
import { startSmtpSink, type Decision, type SmtpSink } from "../../test/support/smtp-sink.js";
import { client, createOrganisation, startTestApp, type TestApp } from "../../test/support/test-app.js";

const prospect = JSON.parse(readFileSync("examples/prospect-union-2025.json", "utf8")) as Record<
  string,
  unknown
>;
const exposed = readFileSync("examples/exposed-members.csv", "utf8");

let decide: (index: number) => Decision = () => undefined;
let sink: SmtpSink;
let t: TestApp;
let org: Awaited<ReturnType<typeof createOrganisation>>;

beforeAll(async () => {
  sink = await startSmtpSink((index) => decide(index));
  t = await startTestApp({
    mail: { smtpUrl: sink.url, from: "breach-letters@example-union.org" },
    outbox: { leaseMs: 60_000, backoffMs: { first: 1_000, max: 60_000 }, maxAttempts: 3 },
  });
  org = await createOrganisation(t.app);
});
afterAll(async () => {
  await t.close();
  await sink.close();
});

interface Person {
  id: string;
  name: string;
  email: string;
  jurisdiction: string;
  categories: string[];
}

async function breachWithList(change: (incident: Record<string, unknown>) => void = () => {}) {
  const incident = structuredClone(prospect);
  change(incident);
  const filed = await org.api.post("/api/v1/breaches", incident);
  expect(filed.status).toBe(201);
  const id = filed.json.id as string;
  const boundary = "----dpdesk-letters";
  const body = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="members.csv"\r\nContent-Type: text/csv\r\n\r\n${exposed}\r\n--${boundary}--\r\n`;
  const uploaded = await org.api.raw("POST", `/api/v1/breaches/${id}/impact`, body, {
    "content-type": `multipart/form-data; boundary=${boundary}`,
  });
  expect(uploaded.status).toBe(200);
  const list = await org.api.get(`/api/v1/breaches/${id}/recipients?limit=100`);
  return { id, people: list.json.recipients as Person[] };
}

function by(people: Person[], jurisdiction: string): Person {
  const person = people.find((p) => p.jurisdiction === jurisdiction && p.email !== "");
  if (person === undefined) throw new Error(`nobody in ${jurisdiction} with an e-mail`);
  return person;
}

describe("letters", () => {
  it("a letter for an Isle of Man member names the Isle of Man Information Commissioner, a Guernsey member the ODPA", async () => {
    const { id, people } = await breachWithList();
    const manx = by(people, "IM");
    const pdf = await org.api.get(`/api/v1/breaches/${id}/letters/${manx.id}?format=pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers["content-type"]).toBe("application/pdf");
    const text = flatText(await readPdfText(pdf.bytes));
    expect(text).toContain(`Dear ${manx.name},`);
    expect(text).toContain("to the Isle of Man Information Commissioner");
    expect(text).not.toContain("Office of the Data Protection Authority");
    expect(text).toContain("Alex Morgan");

    const guernsey = people.find((p) => p.jurisdiction === "GG");
    expect(guernsey).toBeDefined();
    const gg = await org.api.get(`/api/v1/breaches/${id}/letters/${guernsey?.id ?? ""}?format=text`);
    const complaint = gg.body.split("\n").find((line) => line.startsWith("You have the right to complain"));
    expect(complaint).toContain("to the Office of the Data Protection Authority (ODPA), Guernsey");
    expect(complaint).not.toContain("Isle of Man");
  });

  it("says which of the person's own data was involved", async () => {
    const { id, people } = await breachWithList();
    for (const person of people.slice(0, 4)) {
      const letter = await org.api.get(`/api/v1/breaches/${id}/letters/${person.id}?format=text`);
      const line = letter.body.split("\n").find((l) => l.startsWith("The information about you"));
      expect(line).toBeDefined();
      if (person.categories.includes("financial")) expect(line).toContain("financial details");
      else expect(line).not.toContain("financial details");
      if (person.categories.includes("sex_life_or_sexual_orientation"))
        expect(line).toContain("sexual orientation");
    }
  });

  it("puts every letter in one print-ready PDF", async () => {
    const { id, people } = await breachWithList();
    const merged = await org.api.get(`/api/v1/breaches/${id}/letters.pdf`);
    expect(merged.status).toBe(200);
    const pdf = await readPdfText(merged.bytes);
    expect(pdf.pages.length).toBeGreaterThanOrEqual(people.length);
    const text = flatText(pdf);
    for (const person of people) if (person.name !== "") expect(text).toContain(`Dear ${person.name},`);
    const timeline = await org.api.get(`/api/v1/breaches/${id}/timeline`);
    expect(timeline.json.map((e: { action: string }) => e.action)).toContain("letters.exported");
  });

  it("sends each person with an e-mail their letter once, however often sending is asked for", async () => {
    const { id, people } = await breachWithList();
    const before = sink.received.length;
    const sent = await org.api.post(`/api/v1/breaches/${id}/letters/send`, {});
    expect(sent.status).toBe(202);
    const withEmail = people.filter((p) => p.email !== "");
    expect(sent.json.queued).toBe(withEmail.length);
    expect(sent.json.withoutEmail).toBe(people.length - withEmail.length);
    const again = await org.api.post(`/api/v1/breaches/${id}/letters/send`, {});
    expect(again.json.queued).toBe(0);
    await t.app.services.outbox.drain();
    const mine = sink.received.slice(before);
    expect(mine.map((m) => m.to[0]).sort()).toEqual(withEmail.map((p) => p.email).sort());
    expect(new Set(mine.map((m) => m.messageId)).size).toBe(mine.length);
    const manx = by(people, "IM");
    const manxMail = mine.find((m) => m.to[0] === manx.email);
    expect(manxMail?.subject).toBe("Important: a data breach involving your personal information");
    expect(manxMail?.text).toContain("Isle of Man Information Commissioner");
    expect(manxMail?.html).toContain("Isle of Man Information Commissioner");

    const status = await org.api.get(`/api/v1/breaches/${id}/letters/delivery`);
    expect(status.json).toMatchObject({ total: withEmail.length, sent: withEmail.length, done: true });
    const timeline = await org.api.get(`/api/v1/breaches/${id}/timeline`);
    const delivered = timeline.json.filter((e: { action: string }) => e.action === "letter.delivered");
    expect(delivered).toHaveLength(withEmail.length);
    // Evidence names people by their keyed hash, never by their address.
    for (const person of withEmail) expect(JSON.stringify(delivered)).not.toContain(person.email);
    // Changed wording after sending: a second letter only when asked for.
    await org.api.patch(`/api/v1/breaches/${id}`, {
      response: { measuresProposed: "We will also audit suppliers." },
    });
    const changed = await org.api.post(`/api/v1/breaches/${id}/letters/send`, {});
    expect(changed.status).toBe(409);
    expect(changed.json.detail).toContain("followUp");
    const verified = await org.api.get("/api/v1/audit/verify");
    expect(verified.json.ok).toBe(true);
  });

  it("retries a refusal with back-off, and records a permanent refusal as failed", async () => {
    const { id, people } = await breachWithList();
    const withEmail = people.filter((p) => p.email !== "");
    const before = sink.received.length;
    let seen = 0;
    decide = () => {
      seen += 1;
      if (seen === 1) return { refuse: 451, message: "try again later" };
      if (seen === 2) return { refuse: 550, message: "5.1.1 <someone@example.org>: no such mailbox" };
      return undefined;
    };
    try {
      await org.api.post(`/api/v1/breaches/${id}/letters/send`, {});
      await t.app.services.outbox.drain();
      let status = await org.api.get(`/api/v1/breaches/${id}/letters/delivery`);
      expect(status.json).toMatchObject({ pending: 1, failed: 1, sent: withEmail.length - 2, done: false });
      expect(status.json.attention[0].error).toContain("550");
      // The server's words keep the address out: the record is kept for ever, and viewers may read it.
      expect(status.json.attention[0].error).not.toContain("someone@example.org");
      // Not due yet: nothing is retried before the back-off has passed.
      await t.app.services.outbox.drain();
      expect(sink.received.length - before).toBe(withEmail.length - 2);
      t.clock.advance(5_000);
      await t.app.services.outbox.drain();
      status = await org.api.get(`/api/v1/breaches/${id}/letters/delivery`);
      expect(status.json).toMatchObject({ pending: 0, failed: 1, sent: withEmail.length - 1 });
      expect(sink.received.length - before).toBe(withEmail.length - 1);
      // The failed one, settled for resending, goes out once.
      const failed = status.json.attention[0].personId as string;
      const settled = await org.api.post(`/api/v1/breaches/${id}/letters/${failed}/settle`, { as: "resend" });
      expect(settled.status).toBe(200);
      await t.app.services.outbox.drain();
      status = await org.api.get(`/api/v1/breaches/${id}/letters/delivery`);
      expect(status.json).toMatchObject({ failed: 0, sent: withEmail.length, done: true });
    } finally {
      decide = () => undefined;
    }
  });

  it("takes the organisation's own wording, refuses unsafe templates by name, and escapes names in HTML", async () => {
    const unknown = await org.api.raw("PUT", "/api/v1/templates", {
      letter: { opening: "Hello {{person.password}}" },
    });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.json)).toContain("letter.opening");
    expect(JSON.stringify(unknown.json)).toContain("unknown placeholder {{person.password}}");
    const raw = await org.api.raw("PUT", "/api/v1/templates", {
      letter: { greeting: "Hi {{{person.name}}}" },
    });
    expect(raw.status).toBe(400);
    expect(JSON.stringify(raw.json)).toContain("unescaped");
    const good = await org.api.raw("PUT", "/api/v1/templates", {
      letter: { opening: "{{organisation}} must tell you, {{person.name}}, about a breach." },
    });
    expect(good.status).toBe(200);
    try {
      const { id, people } = await breachWithList((incident) => {
        incident.title = "Names with markup";
      });
      const person = people.find((p) => p.name !== "") as Person;
      const letter = await org.api.get(`/api/v1/breaches/${id}/letters/${person.id}?format=text`);
      expect(letter.body).toContain(
        `Example Union Custodian Trustees Ltd must tell you, ${person.name}, about a breach.`,
      );
      const html = await org.api.get(`/api/v1/breaches/${id}/letters/${person.id}?format=html`);
      expect(html.body).toContain("must tell you,");
    } finally {
      await org.api.raw("PUT", "/api/v1/templates", {});
    }
  });

  it("writes the public statement, and keeps people's letters from viewers", async () => {
    const { id, people } = await breachWithList();
    const statement = await org.api.get(`/api/v1/breaches/${id}/statement?format=text`);
    expect(statement.status).toBe(200);
    expect(statement.body).toContain("Example Union Custodian Trustees Ltd: statement about a data breach");
    expect(statement.body).toContain("Information Commissioner's Office (ICO)");
    const pdf = await org.api.get(`/api/v1/breaches/${id}/statement`);
    expect(flatText(await readPdfText(pdf.bytes))).toContain("statement about a data breach");

    const email = `viewer-${id.slice(0, 8)}@example.org`;
    await org.api.post("/api/v1/users", { email, role: "viewer", password: "a long enough password" });
    const session = await client(t.app).post("/api/v1/session", {
      email,
      password: "a long enough password",
    });
    const cookie = String(session.headers["set-cookie"]).split(";")[0] ?? "";
    const asViewer = client(t.app, { cookie, csrf: session.json.csrfToken as string });
    const refused = await asViewer.get(`/api/v1/breaches/${id}/letters/${people[0]?.id ?? ""}`);
    expect(refused.json.detail).toContain("personal data");
    expect((await asViewer.get(`/api/v1/breaches/${id}/letters.pdf`)).status).toBe(403);
    expect(refused.status).toBe(403);
  });

  it("escapes names from the exposed files, and the organisation's own wording, in HTML", async () => {
    await org.api.raw("PUT", "/api/v1/templates", { letter: { closing: "Sorry <b>again</b>." } });
    try {
      const filed = await org.api.post("/api/v1/breaches", { ...structuredClone(prospect), title: "Markup" });
      const id = filed.json.id as string;
      const csv = 'Name,Email,Postcode\n"<img src=x onerror=alert(1)>",eve@example.org,IM1 1AA\n';
      const boundary = "----markup";
      await org.api.raw(
        "POST",
        `/api/v1/breaches/${id}/impact`,
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
        { "content-type": `multipart/form-data; boundary=${boundary}` },
      );
      const list = await org.api.get(`/api/v1/breaches/${id}/recipients`);
      const person = list.json.recipients[0] as Person;
      const html = await org.api.get(`/api/v1/breaches/${id}/letters/${person.id}?format=html`);
      expect(html.body).toContain("Dear &lt;img src=x onerror=alert(1)&gt;,");
      expect(html.body).toContain("Sorry &lt;b&gt;again&lt;/b&gt;.");
      expect(html.body).not.toContain("<img");
      expect(html.body).not.toContain("<b>");
    } finally {
      await org.api.raw("PUT", "/api/v1/templates", {});
    }
  });

  it("refuses to send before there is anyone to send to, without blocking the first real sending", async () => {
    const filed = await org.api.post("/api/v1/breaches", {
      ...structuredClone(prospect),
      title: "Empty list",
    });
    const id = filed.json.id as string;
    const empty = await org.api.post(`/api/v1/breaches/${id}/letters/send`, {});
    expect(empty.status).toBe(409);
    expect(empty.json.detail).toContain("recipient list is empty");
    const status = await org.api.get(`/api/v1/breaches/${id}/letters/delivery`);
    expect(status.json).toMatchObject({ editionId: null, total: 0 });
  });

  it("refuses to send letters that lack what the law asks of them, naming the facts to add", async () => {
    const { id } = await breachWithList((incident) => {
      delete incident.response;
    });
    const refused = await org.api.post(`/api/v1/breaches/${id}/letters/send`, {});
    expect(refused.status).toBe(400);
    const fields = (refused.json.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(["response.contact", "response.consequences", "response.measuresTaken"]);
  });

  it("sends the same letters on a later day as the same edition: nobody twice, no follow-up needed", async () => {
    const { id } = await breachWithList();
    const first = await org.api.post(`/api/v1/breaches/${id}/letters/send`, {});
    t.clock.advance(2 * 24 * 3600 * 1000);
    const later = await org.api.post(`/api/v1/breaches/${id}/letters/send`, {});
    expect(later.status).toBe(202);
    expect(later.json.editionId).toBe(first.json.editionId);
    expect(later.json.queued).toBe(0);
    await t.app.services.outbox.drain();
  });

  it("settling names what is wrong: an unknown breach, a malformed person, nothing to settle", async () => {
    const { id, people } = await breachWithList();
    expect(
      (await org.api.post(`/api/v1/breaches/not-a-breach/letters/${"a".repeat(64)}/settle`, { as: "sent" }))
        .status,
    ).toBe(404);
    expect((await org.api.post(`/api/v1/breaches/${id}/letters/nobody/settle`, { as: "sent" })).status).toBe(
      404,
    );
    const none = await org.api.post(`/api/v1/breaches/${id}/letters/${people[0]?.id ?? ""}/settle`, {
      as: "sent",
    });
    expect(none.status).toBe(404);
    expect(none.json.detail).toContain("letters sent for this breach");
    const bad = await org.api.post(`/api/v1/breaches/${id}/letters/${people[0]?.id ?? ""}/settle`, {
      as: "maybe",
    });
    expect(bad.status).toBe(400);
  });
});
