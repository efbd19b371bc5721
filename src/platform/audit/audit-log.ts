/**
 * The audit log: every change is an event in a per-organisation hash chain, written in the same transaction
 * as the change. Each event's hash covers its content and the previous event's hash; the organisation row
 * holds the head (sequence and hash), so removing the newest events is detected as well as editing any.
 *
 * Events about an entity carry `stateHash`, the hash of the entity's stored row after the change, so that
 * editing or deleting a breach, decision, notification or evidence row directly in the database is detected
 * too (see verifyAuditChain).
 */
import { sql, type Selectable, type Transaction } from "kysely";
import type { AuditEventsTable, Schema } from "../db/schema.js";
import { newId, sha256Hex } from "../ids.js";
import { canonicalJson } from "./canonical-json.js";

export interface AuditEventInput {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  data: Record<string, unknown>;
}

export interface AuditEvent extends AuditEventInput {
  orgId: string;
  seq: number;
  eventId: string;
  at: Date;
  prevHash: string;
  hash: string;
}

export function hashAuditEvent(event: Omit<AuditEvent, "hash">): string {
  return sha256Hex(
    canonicalJson({
      orgId: event.orgId,
      seq: event.seq,
      eventId: event.eventId,
      at: event.at.toISOString(),
      actor: event.actor,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId,
      data: event.data,
      prevHash: event.prevHash,
    }),
  );
}

/** Appends an event to the organisation's chain. Call inside the transaction that makes the change. */
export async function appendAuditEvent(
  trx: Transaction<Schema>,
  orgId: string,
  input: AuditEventInput,
  at: Date,
): Promise<AuditEvent> {
  const [event] = await appendAuditEvents(trx, orgId, [input], at);
  if (event === undefined) throw new Error("no audit event appended");
  return event;
}

/**
 * Appends several events in order, in two statements. The organisation row's lock, taken by the first, is
 * what serialises appends within one organisation (others proceed in parallel) and is held until commit: call
 * this as the last step of a transaction, so the lock is held as briefly as possible.
 */
export async function appendAuditEvents(
  trx: Transaction<Schema>,
  orgId: string,
  inputs: readonly AuditEventInput[],
  at: Date,
): Promise<AuditEvent[]> {
  if (inputs.length === 0) return [];
  const head = await trx
    .updateTable("organisations")
    .set({ audit_seq: sql`audit_seq + ${inputs.length}` })
    .where("org_id", "=", orgId)
    .returning(["audit_seq", "audit_head"])
    .executeTakeFirstOrThrow();
  // Timestamps are stored to the millisecond so that a re-read hashes the same.
  const when = new Date(Math.floor(at.getTime()));
  let seq = head.audit_seq - inputs.length;
  let prevHash = head.audit_head;
  const events: AuditEvent[] = inputs.map((input) => {
    seq += 1;
    const content: Omit<AuditEvent, "hash"> = {
      ...input,
      orgId,
      seq,
      eventId: newId(when.getTime()),
      at: when,
      prevHash,
    };
    const event = { ...content, hash: hashAuditEvent(content) };
    prevHash = event.hash;
    return event;
  });
  // The events and the new head in one statement (one round trip while the lock is held).
  await trx
    .with("appended", (db) =>
      db.insertInto("audit_events").values(
        events.map((event) => ({
          org_id: orgId,
          seq: event.seq,
          event_id: event.eventId,
          at: event.at,
          actor: event.actor,
          action: event.action,
          entity_type: event.entityType,
          entity_id: event.entityId,
          data: JSON.stringify(event.data),
          prev_hash: event.prevHash,
          hash: event.hash,
        })),
      ),
    )
    .updateTable("organisations")
    .set({ audit_head: prevHash })
    .where("org_id", "=", orgId)
    .execute();
  return events;
}

export function rowToAuditEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    orgId: row.org_id,
    seq: row.seq,
    eventId: row.event_id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    data: row.data as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
