/**
 * Regulator notices: drafted from the breach's current facts, kept as numbered versions (an initial report,
 * then follow-ups: phased reporting), and rendered as PDF, HTML, text or JSON. Keeping a version is an audit
 * event carrying the notice's SHA-256; keeping one identical to the latest returns the latest.
 */
import { createHash } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { z } from "zod";
import { buildRegulatorNotice, type RegulatorNotice } from "../documents/regulator-notice.js";
import {
  noticeContentTypes,
  noticeFormats,
  renderNoticeHtml,
  renderNoticePdf,
  renderNoticeText,
  type NoticeFormat,
} from "../documents/render-notice.js";
import { appendAuditEvent } from "../platform/audit/audit-log.js";
import { canonicalJson } from "../platform/audit/canonical-json.js";
import { rowStateHash } from "../platform/audit/state-hash.js";
import { actorOf, requirePermission, type Principal } from "../platform/auth/principal.js";
import type { Schema } from "../platform/db/schema.js";
import { NotFound } from "../platform/errors.js";
import { newId } from "../platform/ids.js";
import { validateInput } from "../platform/validate-input.js";
import type { BreachService, Clock } from "./breach-service.js";
import { noticeInputFor, obligationFor } from "./document-inputs.js";

export const noticeKeepSchema = z.strictObject({
  jurisdiction: z.string().regex(/^[A-Z]{2}$/, "must be a two-letter country code, e.g. JE"),
});

export const noticeQuerySchema = z.strictObject({
  format: z.enum(noticeFormats).default("json"),
  annotate: z.enum(["true", "false"]).optional().meta({
    description:
      "Show under each heading what the law asks and its source (default: true for the draft, false for kept versions, the copy to file)",
  }),
  version: z
    .union([z.literal("draft"), z.literal("latest"), z.coerce.number().int().min(1)])
    .default("latest"),
});

export interface RenderedDocument {
  contentType: string;
  filename: string;
  body: Buffer | string;
  notice: RegulatorNotice;
}

/** What a notice says (not when it was prepared, its number or its phase): two keeps saying the same are one. */
function sha256Of(notice: RegulatorNotice): string {
  const said = {
    jurisdiction: notice.jurisdiction,
    regulator: notice.regulator,
    organisation: notice.organisation,
    late: notice.deadline.late,
    sections: notice.sections,
    missing: notice.missing,
  };
  return createHash("sha256").update(canonicalJson(said)).digest("hex");
}

function versionView(row: {
  notice_id: string;
  breach_id: string;
  jurisdiction: string;
  version: number;
  phase: string;
  sha256: string;
  missing: string[];
  created_at: Date;
}) {
  const base = `/api/v1/breaches/${row.breach_id}/notices/${row.jurisdiction}`;
  return {
    id: row.notice_id,
    jurisdiction: row.jurisdiction,
    version: row.version,
    phase: row.phase,
    sha256: row.sha256,
    missing: row.missing,
    complete: row.missing.length === 0,
    createdAt: row.created_at.toISOString(),
    links: {
      pdf: `${base}?version=${row.version}&format=pdf`,
      html: `${base}?version=${row.version}&format=html`,
      text: `${base}?version=${row.version}&format=text`,
    },
  };
}

export function createNoticeService({
  db,
  clock,
  breaches,
}: {
  db: Kysely<Schema>;
  clock: Clock;
  breaches: BreachService;
}) {
  async function versions(executor: Kysely<Schema>, orgId: string, breachId: string, jurisdiction?: string) {
    let query = executor
      .selectFrom("notice_versions")
      .select([
        "notice_id",
        "breach_id",
        "jurisdiction",
        "version",
        "phase",
        "sha256",
        "missing",
        "created_at",
      ])
      .where("org_id", "=", orgId)
      .where("breach_id", "=", breachId);
    if (jurisdiction !== undefined) query = query.where("jurisdiction", "=", jurisdiction);
    return query.orderBy("jurisdiction").orderBy("version").execute();
  }

  /** Letters dpdesk's outbox has delivered for the breach: the notices say the people have been told. */
  async function lettersSent(orgId: string, breachId: string) {
    const row = await db
      .selectFrom("outbox")
      // People, not letters: a follow-up edition is a second letter to the same person.
      .select([
        sql<string>`count(distinct payload->>'personId')`.as("count"),
        (eb) => eb.fn.min("updated_at").as("first"),
      ])
      .where("org_id", "=", orgId)
      .where("breach_id", "=", breachId)
      .where("kind", "=", "letter_email")
      .where("state", "=", "sent")
      .executeTakeFirstOrThrow();
    const count = Number(row.count);
    // With no letters sent, min() is null: the count decides.
    return count === 0 ? null : { count, firstAt: new Date(row.first).toISOString() };
  }

  async function draft(principal: Principal, breachId: string, jurisdiction: string) {
    const breach = await breaches.getBreach(principal, breachId);
    obligationFor(breach, jurisdiction);
    const kept = await versions(db, principal.orgId, breachId, jurisdiction);
    const phase = kept.length === 0 ? "initial" : "follow_up";
    return buildRegulatorNotice(
      noticeInputFor(breach, jurisdiction, {
        phase,
        version: null,
        at: clock.now(),
        lettersSent: await lettersSent(principal.orgId, breachId),
      }),
    );
  }

  async function render(
    notice: RegulatorNotice,
    format: NoticeFormat,
    annotate: boolean,
  ): Promise<RenderedDocument> {
    const name = `notice-${notice.jurisdiction}-${notice.version === null ? "draft" : `v${notice.version}`}`;
    const body =
      format === "pdf"
        ? await renderNoticePdf(notice, { annotate })
        : format === "html"
          ? renderNoticeHtml(notice, { annotate })
          : format === "text"
            ? renderNoticeText(notice, { annotate })
            : JSON.stringify(notice, null, 2);
    const extension = format === "text" ? "txt" : format;
    return { contentType: noticeContentTypes[format], filename: `${name}.${extension}`, body, notice };
  }

  return {
    /** Every kept version, and for each obligation whether a draft now would be complete. */
    async listNotices(principal: Principal, breachId: string) {
      const breach = await breaches.getBreach(principal, breachId);
      const kept = await versions(db, principal.orgId, breachId);
      const now = clock.now();
      const sent = await lettersSent(principal.orgId, breachId);
      return {
        notices: breach.assessment.obligations
          .filter((o) => o.pack !== null)
          .map((obligation) => {
            const mine = kept.filter((row) => row.jurisdiction === obligation.jurisdiction);
            const current = buildRegulatorNotice(
              noticeInputFor(breach, obligation.jurisdiction, {
                lettersSent: sent,
                phase: mine.length === 0 ? "initial" : "follow_up",
                version: null,
                at: now,
              }),
            );
            return {
              jurisdiction: obligation.jurisdiction,
              regulator: obligation.regulator.name,
              decision: obligation.regulator.decision,
              deadline: obligation.regulator.deadline,
              draft: {
                missing: current.missing,
                complete: current.missing.length === 0,
                changedSinceLatest: mine.length === 0 || mine[mine.length - 1]?.sha256 !== sha256Of(current),
              },
              versions: mine.map(versionView),
            };
          }),
      };
    },

    /**
     * Keeps the current draft as the next version (the first is the initial report, later ones follow-ups).
     * A draft identical to the latest version is not kept again: the latest is returned, with `kept: false`.
     */
    async keepNotice(principal: Principal, breachId: string, input: unknown) {
      requirePermission(principal, "write");
      const { jurisdiction } = validateInput(noticeKeepSchema, input);
      const breach = await breaches.getBreach(principal, breachId);
      obligationFor(breach, jurisdiction);
      // Read before the transaction: the embedded database has one connection, which the transaction holds.
      const sent = await lettersSent(principal.orgId, breachId);
      return db.transaction().execute(async (trx) => {
        // The breach row's lock orders concurrent keeps of the same breach, so versions never collide.
        await trx
          .selectFrom("breaches")
          .select("breach_id")
          .where("org_id", "=", principal.orgId)
          .where("breach_id", "=", breachId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        const kept = await versions(trx, principal.orgId, breachId, jurisdiction);
        const latest = kept.at(-1);
        const now = clock.now();
        const version = (latest?.version ?? 0) + 1;
        const notice = buildRegulatorNotice(
          noticeInputFor(breach, jurisdiction, {
            lettersSent: sent,
            phase: latest === undefined ? "initial" : "follow_up",
            version,
            at: now,
          }),
        );
        const sha256 = sha256Of(notice);
        if (latest !== undefined && latest.sha256 === sha256)
          return { kept: false, notice: versionView(latest) };
        const row = {
          org_id: principal.orgId,
          notice_id: newId(now.getTime()),
          breach_id: breachId,
          jurisdiction,
          version,
          phase: notice.phase,
          // Through JSON and back, so that the row hashes as it will read back from the database.
          content: JSON.parse(JSON.stringify(notice)) as unknown,
          sha256,
          missing: notice.missing.map((m) => m.id),
          created_by: principal.userId,
          created_at: now,
        };
        await trx.insertInto("notice_versions").values(row).execute();
        await appendAuditEvent(
          trx,
          principal.orgId,
          {
            actor: actorOf(principal),
            action: "notice.kept",
            entityType: "notice",
            entityId: row.notice_id,
            data: {
              breachId,
              jurisdiction,
              version,
              phase: row.phase,
              sha256,
              missing: row.missing,
              stateHash: rowStateHash(row),
            },
          },
          now,
        );
        return { kept: true, notice: versionView(row) };
      });
    },

    /** A notice rendered: the current draft, the latest kept version, or a numbered one. */
    async renderNotice(principal: Principal, breachId: string, jurisdiction: string, queryInput: unknown) {
      requirePermission(principal, "read");
      const query = validateInput(noticeQuerySchema, queryInput, undefined, "(query)");
      const annotate = query.annotate === undefined ? query.version === "draft" : query.annotate === "true";
      if (query.version === "draft")
        return render(await draft(principal, breachId, jurisdiction), query.format, annotate);
      await breaches.getBreach(principal, breachId);
      let select = db
        .selectFrom("notice_versions")
        .select(["content"])
        .where("org_id", "=", principal.orgId)
        .where("breach_id", "=", breachId)
        .where("jurisdiction", "=", jurisdiction);
      select =
        query.version === "latest"
          ? select.orderBy("version", "desc").limit(1)
          : select.where("version", "=", query.version);
      const row = await select.executeTakeFirst();
      if (row === undefined)
        throw new NotFound(
          query.version === "latest"
            ? `kept notice for ${jurisdiction} (none kept yet: keep one first, or ask for version=draft)`
            : `notice version ${query.version} for ${jurisdiction}`,
        );
      return render(row.content as RegulatorNotice, query.format, annotate);
    },
  };
}

export type NoticeService = ReturnType<typeof createNoticeService>;
