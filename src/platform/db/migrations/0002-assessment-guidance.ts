/**
 * Regulator guidance kept once, not in every assessment: how to report, the contact, what a notice and a
 * letter must contain. It is fixed text of a rule-pack version, the same for every breach, and was most of
 * each stored assessment. Rows are content-addressed (the SHA-256 of their canonical JSON), so they are never
 * changed, only added; assessments refer to them by hash. Assessments stored before this keep their guidance
 * inline and are read as they are.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table assessment_guidance (
      org_id uuid not null references organisations (org_id),
      guidance_hash text not null,
      content jsonb not null,
      primary key (org_id, guidance_hash)
    )`.execute(db);
}
