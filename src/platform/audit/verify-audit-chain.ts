/**
 * Re-walks an organisation's audit chain and names the first broken event: a changed event (its hash no
 * longer matches), a removed one (a gap in the sequence or a broken link), removed newest events (the head
 * on the organisation row is ahead of the chain), or an entity row edited, deleted or inserted directly in
 * the database (its state no longer matches the state hash its latest event recorded).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.js";
import { hashAuditEvent, rowToAuditEvent } from "./audit-log.js";

export interface EntityStateSource {
  entityType: string;
  /** The current state hash of every entity of this type in the organisation, by id. */
  load(db: Kysely<Schema>, orgId: string): Promise<Map<string, string>>;
}

export interface AuditVerification {
  ok: boolean;
  events: number;
  entitiesChecked: number;
  /** The newest event: keep this sequence number and hash elsewhere to anchor the chain. */
  head: { seq: number; hash: string } | null;
  firstBroken: { seq: number | null; entityType?: string; entityId?: string; problem: string } | null;
}

/**
 * Verifies in one repeatable-read snapshot, so writes that land while it reads are not mistaken for tampering.
 */
export async function verifyAuditChain(
  db: Kysely<Schema>,
  orgId: string,
  sources: readonly EntityStateSource[],
): Promise<AuditVerification> {
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute((trx) => verifyInSnapshot(trx, orgId, sources));
}

async function verifyInSnapshot(
  db: Kysely<Schema>,
  orgId: string,
  sources: readonly EntityStateSource[],
): Promise<AuditVerification> {
  const org = await db
    .selectFrom("organisations")
    .select(["audit_seq", "audit_head"])
    .where("org_id", "=", orgId)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom("audit_events")
    .selectAll()
    .where("org_id", "=", orgId)
    .orderBy("seq")
    .execute();
  const broken = (
    seq: number | null,
    problem: string,
    entity?: { entityType: string; entityId: string },
  ) => ({
    ok: false,
    events: rows.length,
    entitiesChecked: 0,
    head: null,
    firstBroken: { seq, problem, ...entity },
  });

  let previousHash = "";
  let expectedSeq = 1;
  const latestState = new Map<string, { seq: number; stateHash: string | null }>();
  for (const row of rows) {
    const event = rowToAuditEvent(row);
    if (event.seq !== expectedSeq)
      return broken(expectedSeq, `event ${expectedSeq} is missing (the next stored event is ${event.seq})`);
    if (event.prevHash !== previousHash)
      return broken(event.seq, `event ${event.seq} does not link to the event before it`);
    const { hash, ...content } = event;
    if (hashAuditEvent(content) !== hash)
      return broken(event.seq, `event ${event.seq} was changed after it was written`);
    const stateHash = event.data.stateHash;
    latestState.set(`${event.entityType}/${event.entityId}`, {
      seq: event.seq,
      stateHash: typeof stateHash === "string" ? stateHash : null,
    });
    previousHash = hash;
    expectedSeq += 1;
  }
  if (org.audit_seq !== rows.length || org.audit_head !== previousHash)
    return broken(
      rows.length + 1,
      `the chain ends at event ${rows.length} but the organisation records ${org.audit_seq} events: events were removed`,
    );

  let entitiesChecked = 0;
  for (const source of sources) {
    const current = await source.load(db, orgId);
    for (const [entityId, stateHash] of current) {
      entitiesChecked += 1;
      const recorded = latestState.get(`${source.entityType}/${entityId}`);
      const entity = { entityType: source.entityType, entityId };
      if (recorded === undefined)
        return broken(
          null,
          `${source.entityType} ${entityId} has no audit event: it was inserted outside dpdesk`,
          entity,
        );
      if (recorded.stateHash !== null && recorded.stateHash !== stateHash)
        return broken(
          recorded.seq,
          `${source.entityType} ${entityId} was changed outside dpdesk after event ${recorded.seq}`,
          entity,
        );
    }
    for (const [key, recorded] of latestState) {
      const [entityType, entityId] = key.split("/") as [string, string];
      if (entityType === source.entityType && recorded.stateHash !== null && !current.has(entityId))
        return broken(recorded.seq, `${entityType} ${entityId} was deleted outside dpdesk`, {
          entityType,
          entityId,
        });
    }
  }
  return {
    ok: true,
    events: rows.length,
    entitiesChecked,
    head: { seq: rows.length, hash: previousHash },
    firstBroken: null,
  };
}
