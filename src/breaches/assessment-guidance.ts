/**
 * Stored assessments keep each obligation's regulator guidance (how to report, the contact, what the notice
 * and the letter must contain) by reference: the guidance is fixed text of a rule-pack version, repeated in
 * every breach, and was over half of each stored assessment. It is kept once per organisation in
 * `assessment_guidance`, addressed by the SHA-256 of its canonical JSON; reading a breach puts it back, so
 * the API returns the same assessment it computed. `audit verify` re-hashes the guidance an assessment refers
 * to, so changing it in the database is detected like any other edit.
 */
import type { Kysely } from "kysely";
import type { Assessment, Obligation } from "../law/index.js";
import { canonicalJson } from "../platform/audit/canonical-json.js";
import type { Schema } from "../platform/db/schema.js";
import { sha256Hex } from "../platform/ids.js";

/** The parts of an obligation that are the pack's guidance rather than this breach's assessment. */
export interface Guidance {
  regulator: Pick<Obligation["regulator"], "howToReport" | "contact" | "contents">;
  subjects: Pick<Obligation["subjects"], "contents">;
}

type StoredRegulator = Omit<Obligation["regulator"], "howToReport" | "contact" | "contents">;
type StoredSubjects = Omit<Obligation["subjects"], "contents">;

/** An obligation as stored: its guidance replaced by the guidance's hash. */
export type StoredObligation = Omit<Obligation, "regulator" | "subjects"> & {
  guidance: string;
  regulator: StoredRegulator;
  subjects: StoredSubjects;
};

export interface StoredAssessment extends Omit<Assessment, "obligations"> {
  obligations: (StoredObligation | Obligation)[];
}

export function guidanceHash(guidance: unknown): string {
  return sha256Hex(canonicalJson(guidance));
}

// The same guidance recurs in every assessment, so its hash is remembered (a bounded cache). The key is cheap:
// the text of how to report and the contact, and the identities of the notice and letter items, which are the
// rule pack's own immutable objects (an item made afresh gets a new identity: a cache miss, never a wrong hit).
const itemIds = new WeakMap<object, number>();
let lastItemId = 0;
const hashByKey = new Map<string, string>();

function itemId(item: object): number {
  let id = itemIds.get(item);
  if (id === undefined) {
    id = ++lastItemId;
    itemIds.set(item, id);
  }
  return id;
}

function cacheKey(guidance: Guidance): string {
  let key = guidance.regulator.howToReport;
  for (const [name, value] of Object.entries(guidance.regulator.contact)) key += `\u0000${name}=${value}`;
  key += "\u0001";
  for (const item of guidance.regulator.contents) key += `${String(itemId(item))},`;
  key += "\u0001";
  for (const item of guidance.subjects.contents) key += `${String(itemId(item))},`;
  return key;
}

function hashOf(guidance: Guidance): string {
  const key = cacheKey(guidance);
  let hash = hashByKey.get(key);
  if (hash === undefined) {
    if (hashByKey.size >= 2_000) hashByKey.clear();
    hash = guidanceHash(guidance);
    hashByKey.set(key, hash);
  }
  return hash;
}

/** Splits an assessment into what is stored with the breach and the guidance it refers to, by hash. */
export function separateGuidance(assessment: Assessment): {
  stored: StoredAssessment;
  guidance: Map<string, Guidance>;
} {
  const guidance = new Map<string, Guidance>();
  const obligations = assessment.obligations.map((obligation): StoredObligation => {
    const { howToReport, contact, contents, ...regulator } = obligation.regulator;
    const { contents: letterContents, ...subjects } = obligation.subjects;
    const part: Guidance = {
      regulator: { howToReport, contact, contents },
      subjects: { contents: letterContents },
    };
    const hash = hashOf(part);
    guidance.set(hash, part);
    return { ...obligation, guidance: hash, regulator, subjects };
  });
  return { stored: { ...assessment, obligations }, guidance };
}

function isStoredObligation(obligation: StoredObligation | Obligation): obligation is StoredObligation {
  return "guidance" in obligation;
}

/** The hashes of the guidance a stored assessment refers to. */
export function guidanceHashes(stored: StoredAssessment): string[] {
  return stored.obligations.flatMap((obligation) =>
    isStoredObligation(obligation) ? [obligation.guidance] : [],
  );
}

/** Puts the guidance back into a stored assessment (assessments stored with it inline are returned as they are). */
export function restoreGuidance(
  stored: StoredAssessment,
  guidance: ReadonlyMap<string, Guidance>,
): Assessment {
  return {
    ...stored,
    obligations: stored.obligations.map((obligation): Obligation => {
      if (!isStoredObligation(obligation)) return obligation;
      const { guidance: hash, regulator, subjects, ...rest } = obligation;
      const part = guidance.get(hash);
      if (part === undefined) throw new Error(`the guidance ${hash} of a stored assessment is missing`);
      return {
        ...rest,
        regulator: { ...regulator, ...part.regulator },
        subjects: { ...subjects, ...part.subjects },
      };
    }),
  };
}

/** Reads the guidance with the given hashes. */
export async function loadGuidance(
  executor: Kysely<Schema>,
  orgId: string,
  hashes: readonly string[],
): Promise<Map<string, Guidance>> {
  if (hashes.length === 0) return new Map();
  const rows = await executor
    .selectFrom("assessment_guidance")
    .select(["guidance_hash", "content"])
    .where("org_id", "=", orgId)
    .where("guidance_hash", "in", [...new Set(hashes)])
    .execute();
  return new Map(rows.map((row) => [row.guidance_hash, row.content as Guidance]));
}

/**
 * Remembers which guidance each organisation already has stored, so that a write inserts only guidance that
 * is new (with `on conflict do nothing`, as another process may have stored it meanwhile). Mark guidance as
 * stored only after the transaction that wrote it has committed.
 */
export function createGuidanceStore() {
  const stored = new Set<string>();
  const key = (orgId: string, hash: string) => `${orgId}/${hash}`;
  return {
    /** The guidance among `guidance` not yet known to be stored for the organisation. */
    unstored(orgId: string, guidance: ReadonlyMap<string, Guidance>): Map<string, Guidance> {
      return new Map([...guidance].filter(([hash]) => !stored.has(key(orgId, hash))));
    },
    async insert(executor: Kysely<Schema>, orgId: string, guidance: ReadonlyMap<string, Guidance>) {
      if (guidance.size === 0) return;
      await executor
        .insertInto("assessment_guidance")
        .values(
          [...guidance].map(([hash, content]) => ({
            org_id: orgId,
            guidance_hash: hash,
            content: JSON.stringify(content),
          })),
        )
        .onConflict((conflict) => conflict.columns(["org_id", "guidance_hash"]).doNothing())
        .execute();
    },
    markStored(orgId: string, hashes: Iterable<string>) {
      if (stored.size >= 100_000) stored.clear();
      for (const hash of hashes) stored.add(key(orgId, hash));
    },
  };
}
