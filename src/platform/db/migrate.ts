/** Applies the ordered migrations (on start and by `dpdesk migrate`); Kysely's migrator locks against races. */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import * as breachDesk from "./migrations/0001-breach-desk.js";
import * as assessmentGuidance from "./migrations/0002-assessment-guidance.js";
import * as breachRecipients from "./migrations/0003-breach-recipients.js";
import * as noticesLetters from "./migrations/0004-notices-letters.js";

const migrations: Record<string, Migration> = {
  "0001-breach-desk": breachDesk,
  "0002-assessment-guidance": assessmentGuidance,
  "0003-breach-recipients": breachRecipients,
  "0004-notices-letters": noticesLetters,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export interface MigrationReport {
  applied: string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>, schema?: string): Promise<MigrationReport> {
  // Kysely looks for its own tables in every schema; naming the schema keeps side-by-side schemas apart.
  const migrator = new Migrator({
    db,
    provider,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined)
    throw error instanceof Error ? error : new Error(`migration failed: ${JSON.stringify(error)}`);
  return {
    applied: (results ?? [])
      .filter((result) => result.status === "Success")
      .map((result) => result.migrationName),
  };
}
