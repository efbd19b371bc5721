/**
 * Letters to the people affected, and the public statement: rendered from the breach's facts, the
 * organisation's wording and the recipient list, as PDF (one per person, or all merged for printing), HTML and
 * text, and sent by e-mail through the outbox.
 *
 * Sending freezes the breach-wide content as an *edition* (named by its SHA-256) and enqueues one job per person
 * with an e-mail address, keyed by edition and person: asking again adds nobody twice, and the outbox's states
 * make sure a crash never sends anyone the same letter twice. Each delivery or failure is an audit event.
 */
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { z } from "zod";
import { escapeHtml } from "../documents/html-escape.js";
import { compressLetter, compressPages, layLetter, letterPdf, PdfWriter } from "../documents/letter-pdf.js";
import { buildPublicStatement } from "../documents/public-statement.js";
import {
  buildSubjectLetter,
  htmlParagraph,
  letterContent,
  missingFromLetters,
  prepareLetters,
  renderLetterHtml,
  renderLetterText,
  type LetterContext,
  type LetterContextInput,
  type LetterRecipient,
  type SubjectLetter,
} from "../documents/subject-letter.js";
import { appendAuditEvent } from "../platform/audit/audit-log.js";
import { canonicalJson } from "../platform/audit/canonical-json.js";
import { rowStateHash } from "../platform/audit/state-hash.js";
import { actorOf, requirePermission, type Principal } from "../platform/auth/principal.js";
import type { Schema } from "../platform/db/schema.js";
import { Conflict, InvalidInput, Misconfigured, NotFound } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import type { Mailer } from "../platform/mail/mailer.js";
import {
  enqueueJobs,
  JobFailure,
  type ClaimedJob,
  type JobHandler,
  type Outcome,
} from "../platform/outbox/outbox.js";
import { validateInput } from "../platform/validate-input.js";
import type { TemplateService } from "../organisations/template-service.js";
import type { BreachService, Clock } from "./breach-service.js";
import { letterContextFor } from "./document-inputs.js";
import type { RecipientService } from "./recipient-service.js";

export const letterEmailKind = "letter_email";

export const sendLettersSchema = z.strictObject({
  followUp: z
    .boolean()
    .default(false)
    .meta({ description: "Send a new edition although letters of an earlier edition were sent" }),
});

export const settleSchema = z.strictObject({
  as: z.enum(["sent", "resend"]).meta({
    description: "sent: the mail server's log shows it was delivered; resend: it was not, send it again",
  }),
  editionId: z.uuid("must be an edition id from the delivery status").optional().meta({
    description: "Which edition's letter (default: the latest)",
  }),
});

export const letterFormats = ["pdf", "html", "text"] as const;
export const documentQuerySchema = z.strictObject({ format: z.enum(letterFormats).default("pdf") });

interface LetterJobPayload {
  editionId: string;
  personId: string;
}

type Person = Awaited<ReturnType<RecipientService["readPage"]>>["recipients"][number];

/** A person of the list as a letter needs them. */
export function letterRecipient(person: Person): LetterRecipient {
  return {
    personId: person.id,
    name: person.name || undefined,
    email: person.email || undefined,
    addressLines: person.address,
    postcode: person.postcode || undefined,
    country: person.country || undefined,
    jurisdiction: person.jurisdiction,
    categories: person.categories,
  };
}

/** An edition's name: the SHA-256 of what its letters say (not the date they are prepared on). */
export function editionSha256(context: LetterContextInput): string {
  return createHash("sha256")
    .update(canonicalJson(letterContent(context)))
    .digest("hex");
}

export interface LetterServiceDeps {
  db: Kysely<Schema>;
  clock: Clock;
  breaches: BreachService;
  recipients: RecipientService;
  templates: TemplateService;
  /** The envelope sender and From address of letters sent by e-mail. */
  mailFrom: string;
  /** Whether an SMTP server is configured: without one, letters are written but not sent. */
  canSend: boolean;
  /** Wakes the outbox after enqueuing (absent where nothing sends). */
  wakeOutbox?: () => void;
}

export function createLetterService(deps: LetterServiceDeps) {
  const { db, clock, breaches, recipients, templates } = deps;
  // Message-IDs in the sender's own domain, as RFC 5322 expects.
  const mailDomain = /@([^@<>\s]+)>?\s*$/.exec(deps.mailFrom)?.[1] ?? "dpdesk.invalid";

  async function contextInput(principal: Principal, breachId: string): Promise<LetterContextInput> {
    const breach = await breaches.getBreach(principal, breachId);
    return letterContextFor(breach, await templates.overridesOf(principal.orgId), clock.now());
  }

  async function* everyone(orgId: string, breachId: string) {
    let after: string | undefined;
    do {
      const page = await recipients.readPage(orgId, breachId, { after, limit: 1000 });
      yield page.recipients;
      after = page.next ?? undefined;
    } while (after !== undefined);
  }

  async function latestEdition(orgId: string, breachId: string) {
    return db
      .selectFrom("letter_editions")
      .select(["edition_id", "sha256", "created_at"])
      .where("org_id", "=", orgId)
      .where("breach_id", "=", breachId)
      .orderBy("created_at", "desc")
      .orderBy("edition_id", "desc")
      .limit(1)
      .executeTakeFirst();
  }

  return {
    /** The breach-wide half of the letters, for a client that renders them itself (`dpdesk letters`). */
    async letterContext(principal: Principal, breachId: string) {
      requirePermission(principal, "read");
      return contextInput(principal, breachId);
    },

    /** One person's letter. */
    async renderLetter(principal: Principal, breachId: string, personId: string, queryInput: unknown) {
      requirePermission(principal, "personal_data");
      const { format } = validateInput(documentQuerySchema, queryInput, undefined, "(query)");
      const input = await contextInput(principal, breachId);
      if (!/^[0-9a-f]{64}$/.test(personId)) throw new NotFound("person");
      const page = await recipients.readPage(principal.orgId, breachId, { ids: [personId], limit: 1 });
      const person = page.recipients[0];
      if (person === undefined) throw new NotFound("person in this breach's recipient list");
      const context = prepareLetters(input);
      const letter = buildSubjectLetter(context, letterRecipient(person));
      if (format === "html")
        return { contentType: "text/html; charset=utf-8", body: renderLetterHtml(letter) };
      if (format === "text")
        return { contentType: "text/plain; charset=utf-8", body: renderLetterText(letter) };
      const compressed = compressLetter(layLetter(letter, context.shared.reference));
      const pdf = letterPdf(
        compressed.pages,
        { title: letter.subject, author: letter.organisation, created: clock.now() },
        compressed.fonts,
      );
      return { contentType: "application/pdf", body: pdf };
    },

    /** Checks that the caller may export every person's letter, and records the export as an audit event. */
    async recordExport(principal: Principal, breachId: string) {
      requirePermission(principal, "personal_data");
      await breaches.getBreach(principal, breachId);
      const now = clock.now();
      await db.transaction().execute((trx) =>
        appendAuditEvent(
          trx,
          principal.orgId,
          {
            actor: actorOf(principal),
            action: "letters.exported",
            // Its own entity: an event on the breach itself would stand in for the breach's state hash.
            entityType: "letter_export",
            entityId: newId(now.getTime()),
            data: { breachId, format: "pdf" },
          },
          now,
        ),
      );
    },

    /**
     * Every letter in one print-ready PDF, written to `sink` as it is made. Every 50 letters it awaits `pause`
     * (the route waits there for a slow client to drain, and lets other requests run). Returns letters and pages.
     */
    async renderAllLetters(
      principal: Principal,
      breachId: string,
      sink: (chunk: Buffer) => void,
      pause: () => Promise<void> = () => Promise.resolve(),
    ) {
      requirePermission(principal, "personal_data");
      const input = await contextInput(principal, breachId);
      const context = prepareLetters(input);
      const reference = context.shared.reference;
      const writer = new PdfWriter(sink, {
        title: `Letters about breach ${reference}`,
        author: input.incident.controller.name,
        created: clock.now(),
      });
      let letters = 0;
      const blankPage = compressPages([""]);
      for await (const page of everyone(principal.orgId, breachId))
        for (const person of page) {
          const letter = buildSubjectLetter(context, letterRecipient(person));
          const compressed = compressLetter(layLetter(letter, reference));
          writer.addPages(compressed.pages, compressed.fonts);
          // As dpdesk letters does: each letter starts on a new sheet when printed on both sides.
          if (compressed.pages.length % 2 === 1) writer.addPages(blankPage);
          letters++;
          if (letters % 50 === 0) await pause();
        }
      writer.finish();
      return { letters, pages: writer.pageCount };
    },

    /** The public statement (for a decision of public communication), as PDF, HTML or text. */
    async renderStatement(principal: Principal, breachId: string, queryInput: unknown) {
      requirePermission(principal, "read");
      const { format } = validateInput(documentQuerySchema, queryInput, undefined, "(query)");
      const input = await contextInput(principal, breachId);
      const context = prepareLetters(input);
      const statement = buildPublicStatement(context);
      if (format === "html") {
        const title = escapeHtml(statement.title);
        return {
          contentType: "text/html; charset=utf-8",
          body: `<!doctype html>\n<html lang="en-GB"><head><meta charset="utf-8"><title>${title}</title></head>\n<body style="font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;line-height:1.5">\n<h1>${title}</h1>\n${statement.paragraphs.map((p) => `<p>${htmlParagraph(p)}</p>`).join("\n")}\n</body></html>\n`,
        };
      }
      if (format === "text")
        return {
          contentType: "text/plain; charset=utf-8",
          body: `${[statement.title, ...statement.paragraphs].join("\n\n")}\n`,
        };
      const page: SubjectLetter = {
        personId: "public",
        jurisdiction: input.leadJurisdiction,
        regulator: input.regulators[input.leadJurisdiction] ?? { name: "" },
        date: context.shared.date,
        organisation: input.incident.controller.name,
        address: [],
        email: null,
        subject: statement.title,
        paragraphs: statement.paragraphs.map((text) => ({ heading: null, text })),
      };
      const compressed = compressLetter(layLetter(page, context.shared.reference));
      const pdf = letterPdf(
        compressed.pages,
        { title: statement.title, author: input.incident.controller.name, created: clock.now() },
        compressed.fonts,
      );
      return { contentType: "application/pdf", body: pdf };
    },

    /**
     * Freezes the letters' content as an edition and queues an e-mail for every person with an address.
     * Idempotent: the same content queues nobody twice. A changed content while an earlier edition was sent
     * is refused unless `followUp` says a second letter is meant.
     */
    async sendLetters(principal: Principal, breachId: string, input: unknown) {
      requirePermission(principal, "personal_data");
      requirePermission(principal, "write");
      const { followUp } = validateInput(sendLettersSchema, input);
      if (!deps.canSend)
        throw new Misconfigured("SMTP_URL is not set: set it (smtp://host:port) to send letters by e-mail");
      const context = await contextInput(principal, breachId);
      // GDPR Art 34(2): a letter that lacks what the law asks of it is not sent (it can still be drafted).
      const missing = missingFromLetters(context);
      if (missing.length > 0) throw new InvalidInput(missing);
      const reachable = await db
        .selectFrom("recipients")
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .where("org_id", "=", principal.orgId)
        .where("breach_id", "=", breachId)
        .executeTakeFirstOrThrow();
      if (Number(reachable.count) === 0)
        throw new Conflict(
          "the breach's recipient list is empty: import the exposed files first (dpdesk impact FILE --breach ID)",
        );
      const sha256 = editionSha256(context);
      const now = clock.now();
      const latest = await latestEdition(principal.orgId, breachId);
      // An earlier edition counts as sent only if it queued anyone.
      const latestQueued =
        latest === undefined
          ? false
          : (await db
              .selectFrom("outbox")
              .select("job_id")
              .where("org_id", "=", principal.orgId)
              .where("kind", "=", letterEmailKind)
              .where("dedupe_key", "like", `${latest.edition_id}:%`)
              .limit(1)
              .executeTakeFirst()) !== undefined;
      if (latest !== undefined && latestQueued && latest.sha256 !== sha256 && !followUp)
        throw new Conflict(
          `letters of an earlier edition (${latest.edition_id}, ${latest.created_at.toISOString()}) were already sent, and the wording or facts have changed since: to send everyone a second letter, send again as a follow-up (dpdesk letters --email --follow-up; followUp: true in the API)`,
        );
      const edition = await db.transaction().execute(async (trx) => {
        const found = await trx
          .selectFrom("letter_editions")
          .select("edition_id")
          .where("org_id", "=", principal.orgId)
          .where("breach_id", "=", breachId)
          .where("sha256", "=", sha256)
          .executeTakeFirst();
        if (found !== undefined) return { editionId: found.edition_id, created: false };
        const editionId = newId(now.getTime());
        const row = {
          org_id: principal.orgId,
          edition_id: editionId,
          breach_id: breachId,
          sha256,
          // Through JSON and back, so that the row hashes as it will read back from the database.
          context: JSON.parse(JSON.stringify(context)) as unknown,
          created_by: principal.userId,
          created_at: now,
        };
        await trx.insertInto("letter_editions").values(row).execute();
        await appendAuditEvent(
          trx,
          principal.orgId,
          {
            actor: actorOf(principal),
            action: "letters.edition_created",
            entityType: "letter_edition",
            entityId: editionId,
            data: { breachId, sha256, followUp, stateHash: rowStateHash(row) },
          },
          now,
        );
        return { editionId, created: true };
      });
      let queued = 0;
      let withoutEmail = 0;
      for await (const page of everyone(principal.orgId, breachId)) {
        const jobs = [];
        for (const person of page) {
          if (person.email === "") {
            withoutEmail++;
            continue;
          }
          jobs.push({
            orgId: principal.orgId,
            kind: letterEmailKind,
            dedupeKey: `${edition.editionId}:${person.id}`,
            breachId,
            payload: { editionId: edition.editionId, personId: person.id } satisfies LetterJobPayload,
          });
        }
        queued += await enqueueJobs(db, jobs, now);
      }
      deps.wakeOutbox?.();
      return { editionId: edition.editionId, sha256, newEdition: edition.created, queued, withoutEmail };
    },

    /** How far sending has got: people by delivery state, and the ones that need a person's attention. */
    async deliveryStatus(principal: Principal, breachId: string) {
      requirePermission(principal, "read");
      await breaches.getBreach(principal, breachId);
      const edition = await latestEdition(principal.orgId, breachId);
      // The latest edition's letters; those of earlier editions needing attention are listed too.
      const ofEdition = `${edition?.edition_id ?? "none"}:%`;
      // The breach's letter jobs; `retried` narrows them to this edition's letters waiting to be tried again.
      const letters = () =>
        db
          .selectFrom("outbox")
          .where("org_id", "=", principal.orgId)
          .where("breach_id", "=", breachId)
          .where("kind", "=", letterEmailKind);
      const ofThisEdition = () => letters().where("dedupe_key", "like", ofEdition);
      const retried = () =>
        ofThisEdition().where("state", "=", "pending").where("last_error", "is not", null);
      const rows = await ofThisEdition()
        .select(["state", (eb) => eb.fn.countAll<string>().as("count")])
        .groupBy("state")
        .execute();
      const counts = { pending: 0, sending: 0, committing: 0, sent: 0, failed: 0, uncertain: 0 };
      for (const row of rows) counts[row.state] = Number(row.count);
      const attention = await letters()
        .select(["payload", "state", "attempts", "last_error", "updated_at"])
        .where("state", "in", ["failed", "uncertain"])
        .orderBy("updated_at")
        .limit(100)
        .execute();
      // Letters waiting to be tried again, and why the last try failed (a mail server that is down shows here).
      const retrying = await retried()
        .select((eb) => eb.fn.countAll<string>().as("count"))
        .executeTakeFirstOrThrow();
      const latestError = await retried()
        .select("last_error")
        .orderBy("updated_at", "desc")
        .limit(1)
        .executeTakeFirst();
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      return {
        editionId: edition?.edition_id ?? null,
        total,
        ...counts,
        done: counts.pending + counts.sending + counts.committing === 0,
        retrying: { count: Number(retrying.count), lastError: latestError?.last_error ?? null },
        attention: attention.map((row) => {
          const payload = row.payload as LetterJobPayload;
          return {
            personId: payload.personId,
            editionId: payload.editionId,
            state: row.state,
            attempts: row.attempts,
            error: row.last_error,
            messageId: messageIdOf(payload, mailDomain),
            at: row.updated_at.toISOString(),
          };
        }),
      };
    },

    /** Settles a letter whose delivery is uncertain (or failed): recorded as sent, or queued again. */
    async settleLetter(principal: Principal, breachId: string, personId: string, input: unknown) {
      requirePermission(principal, "write");
      const { as, editionId } = validateInput(settleSchema, input);
      await breaches.getBreach(principal, breachId);
      if (!/^[0-9a-f]{64}$/.test(personId)) throw new NotFound("person");
      const edition =
        editionId === undefined
          ? await latestEdition(principal.orgId, breachId)
          : await db
              .selectFrom("letter_editions")
              .select(["edition_id"])
              .where("org_id", "=", principal.orgId)
              .where("breach_id", "=", breachId)
              .where("edition_id", "=", editionId)
              .executeTakeFirst();
      if (edition === undefined)
        throw new NotFound(
          editionId === undefined ? "letters sent for this breach" : `letter edition ${editionId}`,
        );
      const now = clock.now();
      return db.transaction().execute(async (trx) => {
        const job = await trx
          .selectFrom("outbox")
          .select(["job_id", "state"])
          .where("org_id", "=", principal.orgId)
          .where("kind", "=", letterEmailKind)
          .where("dedupe_key", "=", `${edition.edition_id}:${personId}`)
          .forUpdate()
          .executeTakeFirst();
        if (job === undefined) throw new NotFound("letter for this person");
        if (job.state !== "uncertain" && job.state !== "failed")
          throw new Conflict(`the letter is ${job.state}: only uncertain or failed letters can be settled`);
        await trx
          .updateTable("outbox")
          .set(
            as === "sent"
              ? { state: "sent", result: JSON.stringify({ settledBy: principal.userId }), updated_at: now }
              : // Sent again from scratch: the earlier attempts do not count against it.
                { state: "pending", next_attempt_at: now, updated_at: now, attempts: 0, last_error: null },
          )
          .where("org_id", "=", principal.orgId)
          .where("job_id", "=", job.job_id)
          .execute();
        await appendAuditEvent(
          trx,
          principal.orgId,
          {
            actor: actorOf(principal),
            action: as === "sent" ? "letter.settled_sent" : "letter.settled_resend",
            entityType: "letter",
            entityId: job.job_id,
            data: { breachId, personId, was: job.state },
          },
          now,
        );
        if (as === "resend") deps.wakeOutbox?.();
        return { personId, state: as === "sent" ? "sent" : "pending" };
      });
    },

    /** The outbox handler that sends one person one edition's letter. */
    emailHandler(mailer: Mailer): JobHandler {
      // An edition never changes once made: each is read and prepared once (the few most recent are kept).
      const editions = new Map<string, { input: LetterContextInput; context: LetterContext }>();
      const editionOf = async (orgId: string, editionId: string) => {
        const cached = editions.get(editionId);
        if (cached !== undefined) return cached;
        const row = await db
          .selectFrom("letter_editions")
          .select(["context"])
          .where("org_id", "=", orgId)
          .where("edition_id", "=", editionId)
          .executeTakeFirstOrThrow();
        const input = (
          typeof row.context === "string" ? JSON.parse(row.context) : row.context
        ) as LetterContextInput;
        const prepared = { input, context: prepareLetters(input) };
        if (editions.size >= 16) editions.delete(editions.keys().next().value ?? "");
        editions.set(editionId, prepared);
        return prepared;
      };
      // The people of the batch in hand, read in one query by `prepare`, by job.
      let prefetched = new Map<string, Person>();
      const personOf = async (job: ClaimedJob, personId: string) => {
        const ready = prefetched.get(job.jobId);
        if (ready !== undefined) return ready;
        const page = await recipients.readPage(job.orgId, job.breachId ?? "", { ids: [personId], limit: 1 });
        return page.recipients[0];
      };
      return {
        async prepare(jobs: readonly ClaimedJob[]) {
          prefetched = new Map();
          const groups = new Map<string, ClaimedJob[]>();
          for (const job of jobs) {
            const key = `${job.orgId}/${job.breachId ?? ""}`;
            groups.set(key, [...(groups.get(key) ?? []), job]);
          }
          for (const group of groups.values()) {
            const first = group[0];
            if (first === undefined) continue;
            const ids = group.map((job) => (job.payload as LetterJobPayload).personId);
            const page = await recipients.readPage(first.orgId, first.breachId ?? "", {
              ids,
              limit: ids.length,
            });
            const byId = new Map(page.recipients.map((person) => [person.id, person]));
            for (const job of group) {
              const person = byId.get((job.payload as LetterJobPayload).personId);
              if (person !== undefined) prefetched.set(job.jobId, person);
            }
          }
        },
        async run(job: ClaimedJob, control) {
          const payload = job.payload as LetterJobPayload;
          const { input, context } = await editionOf(job.orgId, payload.editionId);
          const person = await personOf(job, payload.personId);
          if (person === undefined || person.email === "")
            throw new JobFailure("the person is no longer in the recipient list with an e-mail address", {
              permanent: true,
              notDone: true,
            });
          const letter = buildSubjectLetter(context, letterRecipient(person));
          const contact = input.incident.response?.contact?.email;
          const delivery = await mailer.send(
            {
              from: deps.mailFrom,
              to: person.email,
              toName: person.name,
              replyTo: contact,
              subject: letter.subject,
              text: renderLetterText(letter),
              html: renderLetterHtml(letter),
              messageId: messageIdOf(payload, mailDomain),
              headers: { "X-Dpdesk-Breach": context.shared.reference },
            },
            () => control.commit(),
          );
          return { messageId: delivery.messageId, response: delivery.response };
        },
        auditEvent(job: ClaimedJob, outcome: Outcome) {
          if (outcome.state === "pending") return null;
          const payload = job.payload as LetterJobPayload;
          return {
            actor: "system",
            action: `letter.${outcome.state === "sent" ? "delivered" : outcome.state}`,
            entityType: "letter",
            entityId: job.jobId,
            data: {
              breachId: job.breachId,
              editionId: payload.editionId,
              personId: payload.personId,
              attempts: job.attempts,
              ...(outcome.state === "sent" ? { result: outcome.result } : { error: outcome.error }),
            },
          };
        },
      };
    },
  };
}

/** A letter's Message-ID: fixed per edition and person, so a mail server's log can say whether it arrived. */
function messageIdOf(payload: LetterJobPayload, domain: string): string {
  return `<letter.${payload.editionId}.${payload.personId.slice(0, 32)}@${domain}>`;
}

export type LetterService = ReturnType<typeof createLetterService>;
