/**
 * The state hash of each breach-log entity: a SHA-256 of its stored row in canonical form. Written into the
 * audit event of every change and recomputed by `dpdesk audit verify`, so rows edited, deleted or inserted
 * directly in the database are detected.
 */
import type { Kysely, Selectable } from "kysely";
import type { EntityStateSource } from "../platform/audit/verify-audit-chain.js";
import { canonicalJson } from "../platform/audit/canonical-json.js";
import type {
  AssessmentsTable,
  BreachesTable,
  DecisionsTable,
  EvidenceTable,
  NotificationsTable,
  ObligationsTable,
  Schema,
} from "../platform/db/schema.js";
import { sha256Hex } from "../platform/ids.js";
import { rowStateHash } from "../platform/audit/state-hash.js";
import { guidanceHash, guidanceHashes, type StoredAssessment } from "./assessment-guidance.js";

export type BreachRow = Selectable<BreachesTable>;
export type ObligationRow = Selectable<ObligationsTable>;

function byKey(row: ObligationRow): string {
  return `${row.jurisdiction}/${row.duty}`;
}

/** A breach's state: its row and its current obligations. */
export function breachStateHash(breach: BreachRow, obligations: readonly ObligationRow[]): string {
  const sorted = [...obligations].sort((a, b) => byKey(a).localeCompare(byKey(b)));
  return sha256Hex(canonicalJson({ breach, obligations: sorted }));
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row)) ?? [];
    list.push(row);
    groups.set(key(row), list);
  }
  return groups;
}

const breaches: EntityStateSource = {
  entityType: "breach",
  async load(db: Kysely<Schema>, orgId: string) {
    const rows = await db.selectFrom("breaches").selectAll().where("org_id", "=", orgId).execute();
    const obligations = groupBy(
      await db.selectFrom("obligations").selectAll().where("org_id", "=", orgId).execute(),
      (row) => row.breach_id,
    );
    return new Map(
      rows.map((row) => [row.breach_id, breachStateHash(row, obligations.get(row.breach_id) ?? [])]),
    );
  },
};

function immutableRows<T extends object>(
  entityType: string,
  load: (db: Kysely<Schema>, orgId: string) => Promise<T[]>,
  idOf: (row: T) => string,
): EntityStateSource {
  return {
    entityType,
    async load(db, orgId) {
      return new Map((await load(db, orgId)).map((row) => [idOf(row), rowStateHash(row)]));
    },
  };
}

export function assessmentEntityId(row: { breach_id: string; version: number }): string {
  return `${row.breach_id}:${row.version}`;
}

/** What `audit verify` checks beyond the chain itself. Evidence also checks each file's SHA-256. */
export const breachStateSources: readonly EntityStateSource[] = [
  breaches,
  {
    // An assessment's state covers the guidance it refers to: guidance changed or removed in the database
    // counts as a changed assessment.
    entityType: "assessment",
    async load(db, orgId) {
      const rows = await db.selectFrom("assessments").selectAll().where("org_id", "=", orgId).execute();
      const guidance = await db
        .selectFrom("assessment_guidance")
        .select(["guidance_hash", "content"])
        .where("org_id", "=", orgId)
        .execute();
      const intact = new Set(
        guidance
          .filter((row) => guidanceHash(row.content) === row.guidance_hash)
          .map((row) => row.guidance_hash),
      );
      return new Map(
        rows.map((row: Selectable<AssessmentsTable>) => {
          const id = assessmentEntityId(row);
          const whole = guidanceHashes(row.result as StoredAssessment).every((hash) => intact.has(hash));
          return [id, whole ? rowStateHash(row) : `guidance-mismatch:${id}`];
        }),
      );
    },
  },
  immutableRows<Selectable<DecisionsTable>>(
    "decision",
    (db, orgId) => db.selectFrom("decisions").selectAll().where("org_id", "=", orgId).execute(),
    (row) => row.decision_id,
  ),
  immutableRows<Selectable<NotificationsTable>>(
    "notification",
    (db, orgId) => db.selectFrom("notifications").selectAll().where("org_id", "=", orgId).execute(),
    (row) => row.notification_id,
  ),
  {
    entityType: "evidence",
    async load(db, orgId) {
      const rows = await db.selectFrom("evidence").selectAll().where("org_id", "=", orgId).execute();
      const blobs = await db
        .selectFrom("evidence_blobs")
        .select(["evidence_id", "content"])
        .where("org_id", "=", orgId)
        .execute();
      const contentHash = new Map(blobs.map((blob) => [blob.evidence_id, sha256Hex(blob.content)]));
      // A file whose bytes no longer match its recorded SHA-256 counts as a changed evidence row.
      return new Map(
        rows.map((row: Selectable<EvidenceTable>) => [
          row.evidence_id,
          contentHash.get(row.evidence_id) === row.sha256
            ? rowStateHash(row)
            : `content-mismatch:${row.evidence_id}`,
        ]),
      );
    },
  },
  immutableRows(
    "notice",
    (db, orgId) => db.selectFrom("notice_versions").selectAll().where("org_id", "=", orgId).execute(),
    (row) => row.notice_id,
  ),
  immutableRows(
    "letter_edition",
    (db, orgId) => db.selectFrom("letter_editions").selectAll().where("org_id", "=", orgId).execute(),
    (row) => row.edition_id,
  ),
  {
    // Completed recipient imports (an import under way has no event yet). The list itself changes as imports
    // merge into it; each import's row records what it brought.
    entityType: "recipient_import",
    async load(db, orgId) {
      const rows = await db
        .selectFrom("recipient_imports")
        .selectAll()
        .where("org_id", "=", orgId)
        .where("completed_at", "is not", null)
        .execute();
      return new Map(rows.map((row) => [row.import_id, rowStateHash(row)]));
    },
  },
];
