/**
 * Opens the database: embedded PGlite in a data directory by default, PostgreSQL when a URL is given. Both
 * return the same JavaScript types: int8 as number, timestamptz as Date, jsonb as objects, bytea as bytes.
 */
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { PGliteDialect } from "./pglite-dialect.js";
import type { Schema } from "./schema.js";

export type DatabaseKind = "pglite" | "postgres";

export interface Database {
  db: Kysely<Schema>;
  kind: DatabaseKind;
  close(): Promise<void>;
}

export type DatabaseLocation =
  | { kind: "pglite"; dataDir: string | null }
  | { kind: "postgres"; url: string; poolSize?: number; searchPath?: string };

const INT8 = 20;

function int8ToNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed))
    throw new RangeError(`int8 value ${value} does not fit a JavaScript number`);
  return parsed;
}

/** pg's parsers, except int8 as a number (as PGlite is configured too). */
function typeParser(oid: number, format?: "text" | "binary"): (value: string) => unknown {
  if (oid === INT8) return int8ToNumber;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-enum-assignment -- pg's own parser table
  return pg.types.getTypeParser(oid, format ?? "text");
}

export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  if (location.kind === "pglite") {
    const pglite =
      location.dataDir === null
        ? new PGlite({ parsers: { [INT8]: int8ToNumber } })
        : new PGlite(location.dataDir, { parsers: { [INT8]: int8ToNumber } });
    await pglite.waitReady;
    const db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
    return { db, kind: "pglite", close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: location.url,
    max: location.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    ...(location.searchPath === undefined ? {} : { options: `-c search_path=${location.searchPath}` }),
    types: { getTypeParser: typeParser as typeof pg.types.getTypeParser },
  });
  // A PostgreSQL restart breaks connections. The failing query rejects (and becomes a 503 with Retry-After);
  // the 'error' events must not crash the process. pg-pool listens on idle clients only, and removes its
  // listener while a client is checked out (e.g. between the statements of a transaction), so each client
  // gets its own. Broken clients are discarded when released, and new ones are made on the next query.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => {
    client.on("error", () => undefined);
  });
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: "postgres", close: () => db.destroy() };
}
