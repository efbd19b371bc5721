/**
 * Notices, letters and their delivery.
 *
 * - `notice_versions`: each regulator notice as kept (the whole rendered notice as JSON, its SHA-256, and the
 *   required items it still lacked). Phased reporting is a series of versions per breach and jurisdiction.
 * - `organisation_templates`: an organisation's own wording for letters and statements (defaults otherwise).
 * - `letter_editions`: the breach-wide content of a run of letters (facts, wording, regulators), frozen, so
 *   that every person's letter of one edition says the same and a resend is recognised as the same letter.
 * - `outbox`: work to be done once, such as sending one person one edition's e-mail. `dedupe_key` makes
 *   enqueuing idempotent; `state` records how far delivery got, so that a crash never sends a letter twice.
 *   Payloads name people by their keyed hash only; their addresses stay sealed in `recipients`. A claim
 *   (`claim_token`, `locked_until`) is renewed while its worker runs; only the claim's holder may move the job on.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table notice_versions (
      org_id uuid not null,
      notice_id uuid not null,
      breach_id uuid not null,
      jurisdiction text not null,
      version integer not null,
      phase text not null check (phase in ('initial', 'follow_up')),
      content jsonb not null,
      sha256 text not null,
      missing text[] not null,
      created_by uuid not null,
      created_at timestamptz not null,
      primary key (org_id, notice_id),
      unique (org_id, breach_id, jurisdiction, version),
      foreign key (org_id, breach_id) references breaches (org_id, breach_id)
    )`.execute(db);
  await sql`
    create table organisation_templates (
      org_id uuid primary key references organisations (org_id),
      templates jsonb not null,
      updated_by uuid not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`
    create table letter_editions (
      org_id uuid not null,
      edition_id uuid not null,
      breach_id uuid not null,
      sha256 text not null,
      context jsonb not null,
      created_by uuid not null,
      created_at timestamptz not null,
      primary key (org_id, edition_id),
      unique (org_id, breach_id, sha256),
      foreign key (org_id, breach_id) references breaches (org_id, breach_id)
    )`.execute(db);
  await sql`
    create table outbox (
      org_id uuid not null,
      job_id uuid not null,
      kind text not null,
      dedupe_key text not null,
      breach_id uuid,
      payload jsonb not null,
      state text not null check (state in ('pending', 'sending', 'committing', 'sent', 'failed', 'uncertain')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      locked_until timestamptz,
      claim_token uuid,
      last_error text,
      result jsonb,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (org_id, job_id),
      unique (org_id, kind, dedupe_key)
    )`.execute(db);
  await sql`create index outbox_due on outbox (next_attempt_at) where state = 'pending'`.execute(db);
  await sql`create index outbox_in_flight on outbox (locked_until) where state in ('sending', 'committing')`.execute(
    db,
  );
  await sql`create index outbox_by_breach on outbox (org_id, breach_id, kind, state)`.execute(db);
}
