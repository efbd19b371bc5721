/**
 * The state hashes of an organisation's own records — the organisation, its users, API tokens and sessions —
 * so that `audit verify` detects a role raised, a token un-revoked or a session extended in the database.
 */
import type { Kysely, Transaction } from "kysely";
import { rowStateHash } from "../platform/audit/state-hash.js";
import type { EntityStateSource } from "../platform/audit/verify-audit-chain.js";
import type { Schema } from "../platform/db/schema.js";

type Executor = Kysely<Schema> | Transaction<Schema>;

// The organisation row also holds the audit head, which changes with every event: only its own facts count.
const organisationFacts = ["org_id", "name", "created_at"] as const;

export async function organisationStateHash(db: Executor, orgId: string): Promise<string> {
  const row = await db
    .selectFrom("organisations")
    .select(organisationFacts)
    .where("org_id", "=", orgId)
    .executeTakeFirstOrThrow();
  return rowStateHash(row);
}

export async function userStateHash(db: Executor, orgId: string, userId: string): Promise<string> {
  return rowStateHash(
    await db
      .selectFrom("users")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("user_id", "=", userId)
      .executeTakeFirstOrThrow(),
  );
}

export async function tokenStateHash(db: Executor, orgId: string, tokenId: string): Promise<string> {
  return rowStateHash(
    await db
      .selectFrom("api_tokens")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("token_id", "=", tokenId)
      .executeTakeFirstOrThrow(),
  );
}

export async function sessionStateHash(db: Executor, orgId: string, sessionId: string): Promise<string> {
  return rowStateHash(
    await db
      .selectFrom("sessions")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("session_id", "=", sessionId)
      .executeTakeFirstOrThrow(),
  );
}

export const organisationStateSources: readonly EntityStateSource[] = [
  {
    entityType: "organisation",
    async load(db, orgId) {
      return new Map([[orgId, await organisationStateHash(db, orgId)]]);
    },
  },
  {
    entityType: "user",
    async load(db, orgId) {
      const rows = await db.selectFrom("users").selectAll().where("org_id", "=", orgId).execute();
      return new Map(rows.map((row) => [row.user_id, rowStateHash(row)]));
    },
  },
  {
    entityType: "token",
    async load(db, orgId) {
      const rows = await db.selectFrom("api_tokens").selectAll().where("org_id", "=", orgId).execute();
      return new Map(rows.map((row) => [row.token_id, rowStateHash(row)]));
    },
  },
  {
    entityType: "session",
    async load(db, orgId) {
      const rows = await db.selectFrom("sessions").selectAll().where("org_id", "=", orgId).execute();
      return new Map(rows.map((row) => [row.session_id, rowStateHash(row)]));
    },
  },
];
