/**
 * A breach's recipient list: the people its exposed files name, for the letters. Their contact details are
 * sealed (AES-256-GCM under the data key, see platform/crypto/data-key.ts); in the clear are only a keyed hash
 * of who they are, the jurisdiction they were attributed to (and what that rests on: postcode 3, country 2,
 * phone 1), which kinds of their data were exposed, and how they can be reached (a rank: postal address 4, e-mail 2, name 1). One row per person and breach: importing
 * the same files again, or resuming an import that was cut off, merges into the rows already there. A row's
 * `import_id` names the import that first brought the person (no foreign key: it is checked once per batch,
 * not once per person).
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  // The data keys each organisation's lists were sealed with: a server started with another key refuses to
  // start (it could neither open the lists nor find the people in them again, and would duplicate them).
  await sql`
    create table sealing_keys (
      org_id uuid not null references organisations (org_id),
      key_id text not null,
      first_used_at timestamptz not null,
      primary key (org_id, key_id)
    )`.execute(db);
  await sql`
    create table recipient_imports (
      org_id uuid not null,
      import_id uuid not null,
      breach_id uuid not null,
      sources jsonb not null,
      batch_size integer not null,
      started_by uuid not null,
      started_at timestamptz not null,
      completed_at timestamptz,
      row_count bigint,
      people bigint,
      primary key (org_id, import_id),
      foreign key (org_id, breach_id) references breaches (org_id, breach_id)
    )`.execute(db);
  await sql`create index recipient_imports_by_breach on recipient_imports (org_id, breach_id)`.execute(db);
  await sql`
    create table recipient_import_batches (
      org_id uuid not null,
      import_id uuid not null,
      batch integer not null,
      people integer not null,
      stored_at timestamptz not null,
      primary key (org_id, import_id, batch),
      foreign key (org_id, import_id) references recipient_imports (org_id, import_id)
    )`.execute(db);
  await sql`
    create table recipients (
      org_id uuid not null,
      breach_id uuid not null,
      person_hash bytea not null,
      jurisdiction text not null,
      jurisdiction_strength smallint not null,
      categories text[] not null,
      contact_rank smallint not null,
      key_id text not null,
      nonce bytea not null,
      sealed bytea not null,
      import_id uuid not null,
      primary key (org_id, breach_id, person_hash),
      foreign key (org_id, breach_id) references breaches (org_id, breach_id)
    )`.execute(db);
  await sql`create index recipients_by_jurisdiction on recipients (org_id, breach_id, jurisdiction, person_hash)`.execute(
    db,
  );
}
