/**
 * The breach desk's tables. Every table carries org_id and every key leads with it, so the schema can be
 * distributed by tenant (Citus) without redesign. Written for PostgreSQL 15 and PGlite alike.
 * Landed migrations are never edited: add a new file.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table organisations (
      org_id uuid primary key,
      name text not null,
      created_at timestamptz not null,
      audit_seq bigint not null default 0,
      audit_head text not null default ''
    )`.execute(db);
  await sql`
    create table users (
      org_id uuid not null references organisations (org_id),
      user_id uuid not null,
      email text not null,
      name text not null default '',
      role text not null check (role in ('owner', 'dpo', 'handler', 'viewer')),
      password_hash text,
      created_at timestamptz not null,
      primary key (org_id, user_id),
      unique (org_id, email)
    )`.execute(db);
  await sql`create index users_by_email on users (email)`.execute(db);
  await sql`
    create table api_tokens (
      org_id uuid not null,
      token_id uuid not null,
      user_id uuid not null,
      name text not null,
      token_hash text not null,
      created_at timestamptz not null,
      revoked_at timestamptz,
      primary key (org_id, token_id),
      unique (org_id, token_hash),
      foreign key (org_id, user_id) references users (org_id, user_id)
    )`.execute(db);
  await sql`
    create table sessions (
      org_id uuid not null,
      session_id uuid not null,
      user_id uuid not null,
      secret_hash text not null,
      csrf_token text not null,
      created_at timestamptz not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      primary key (org_id, session_id),
      foreign key (org_id, user_id) references users (org_id, user_id)
    )`.execute(db);
  await sql`
    create table breaches (
      org_id uuid not null references organisations (org_id),
      breach_id uuid not null,
      title text not null,
      status text not null check (status in ('open', 'closed')),
      incident jsonb not null,
      aware_at timestamptz not null,
      version integer not null,
      created_by uuid not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (org_id, breach_id)
    )`.execute(db);
  await sql`create index breaches_by_creation on breaches (org_id, created_at desc, breach_id desc)`.execute(
    db,
  );
  await sql`
    create table assessments (
      org_id uuid not null,
      breach_id uuid not null,
      version integer not null,
      assessed_at timestamptz not null,
      packs jsonb not null,
      incident jsonb not null,
      result jsonb not null,
      created_by uuid not null,
      primary key (org_id, breach_id, version),
      foreign key (org_id, breach_id) references breaches (org_id, breach_id)
    )`.execute(db);
  await sql`
    create table obligations (
      org_id uuid not null,
      breach_id uuid not null,
      jurisdiction text not null,
      duty text not null check (duty in ('regulator', 'subjects', 'processor')),
      decision text not null,
      deadline timestamptz,
      strict boolean not null,
      regulator_name text not null,
      primary key (org_id, breach_id, jurisdiction, duty),
      foreign key (org_id, breach_id) references breaches (org_id, breach_id)
    )`.execute(db);
  await sql`create index obligations_by_deadline on obligations (org_id, deadline) where deadline is not null`.execute(
    db,
  );
  await sql`
    create table decisions (
      org_id uuid not null,
      decision_id uuid not null,
      breach_id uuid not null,
      jurisdiction text not null,
      duty text not null check (duty in ('regulator', 'subjects', 'processor')),
      outcome text not null check (outcome in ('notify', 'not_notify', 'public_communication', 'defer')),
      rationale text not null,
      author_id uuid not null,
      decided_at timestamptz not null,
      primary key (org_id, decision_id),
      foreign key (org_id, breach_id) references breaches (org_id, breach_id)
    )`.execute(db);
  await sql`create index decisions_by_breach on decisions (org_id, breach_id)`.execute(db);
  await sql`
    create table notifications (
      org_id uuid not null,
      notification_id uuid not null,
      breach_id uuid not null,
      jurisdiction text not null,
      recipient text not null check (recipient in ('regulator', 'subjects', 'controller', 'public')),
      phase text not null check (phase in ('initial', 'follow_up')),
      given_at timestamptz not null,
      method text not null,
      reference text,
      delay_reason text,
      deadline timestamptz,
      late boolean not null,
      created_by uuid not null,
      created_at timestamptz not null,
      primary key (org_id, notification_id),
      foreign key (org_id, breach_id) references breaches (org_id, breach_id)
    )`.execute(db);
  await sql`create index notifications_by_breach on notifications (org_id, breach_id)`.execute(db);
  await sql`
    create table evidence (
      org_id uuid not null,
      evidence_id uuid not null,
      breach_id uuid not null,
      filename text not null,
      content_type text not null,
      size_bytes bigint not null,
      sha256 text not null,
      description text,
      uploaded_by uuid not null,
      uploaded_at timestamptz not null,
      primary key (org_id, evidence_id),
      foreign key (org_id, breach_id) references breaches (org_id, breach_id)
    )`.execute(db);
  await sql`create index evidence_by_breach on evidence (org_id, breach_id)`.execute(db);
  await sql`
    create table evidence_blobs (
      org_id uuid not null,
      evidence_id uuid not null,
      content bytea not null,
      primary key (org_id, evidence_id),
      foreign key (org_id, evidence_id) references evidence (org_id, evidence_id)
    )`.execute(db);
  await sql`
    create table audit_events (
      org_id uuid not null references organisations (org_id),
      seq bigint not null,
      event_id uuid not null,
      at timestamptz not null,
      actor text not null,
      action text not null,
      entity_type text not null,
      entity_id text not null,
      data jsonb not null,
      prev_hash text not null,
      hash text not null,
      primary key (org_id, seq)
    )`.execute(db);
  await sql`create index audit_by_entity on audit_events (org_id, entity_type, entity_id, seq)`.execute(db);
}
