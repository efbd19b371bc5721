/**
 * Opens the database: embedded PGlite in a data directory by default, PostgreSQL when a URL is given. Both
 * return the same JavaScript types: int8 as number, timestamptz as Date, jsonb as objects, bytea as bytes.
 */
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
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

/** Another process has the embedded database open: two would overwrite each other's changes. */
export class DatabaseInUse extends Error {
  override readonly name = "DatabaseInUse";
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Lock files this process holds: a second open of the same directory in one process is refused too. */
const heldLocks = new Set<string>();

/** The pid in a lock file; null when there is none; 0 when it holds no pid (not dpdesk's: taken over). */
function lockOwner(path: string): number | null {
  try {
    const owner = Number(readFileSync(path, "utf8").trim());
    return Number.isInteger(owner) && owner > 0 ? owner : 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

/**
 * PGlite is one process's database: a second process opening the same directory (say `dpdesk org create` while
 * `dpdesk serve` runs) would work on its own copy and one of them would lose its writes. A lock file beside the
 * directory holds the owner's pid. It is created whole (written to a file of its own, then hard-linked into
 * place, which fails if a lock is there), so nobody reads a half-written one; a lock left by a process that has
 * died is moved aside under a name of the taker's own before the taker tries again, so two takers cannot both
 * win.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = `${realpathSync(dataDir)}.lock`;
  const busy = (owner: number) =>
    new DatabaseInUse(
      `the embedded database in ${dataDir} is in use by another dpdesk process (pid ${String(owner)}): stop it first, or use that server's API (the set-up link it printed, or its /api/v1). If no such process runs, remove ${path}.`,
    );
  if (heldLocks.has(path)) throw busy(process.pid);
  const mine = `${path}.${String(process.pid)}.${randomBytes(4).toString("hex")}`;
  writeFileSync(mine, String(process.pid), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        linkSync(mine, path);
        heldLocks.add(path);
        return () => {
          heldLocks.delete(path);
          // Only our own lock goes: never one another process took over meanwhile.
          if (lockOwner(path) === process.pid) rmSync(path, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const owner = lockOwner(path);
      if (owner !== null && owner !== 0 && owner !== process.pid && isRunning(owner)) throw busy(owner);
      if (owner !== null) {
        // Dead (or this pid after a restart): move it aside; only one taker's rename succeeds.
        try {
          renameSync(path, `${mine}.stale`);
          rmSync(`${mine}.stale`, { force: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
        }
      }
    }
    throw new DatabaseInUse(`cannot lock the embedded database in ${dataDir} (${path})`);
  } finally {
    rmSync(mine, { force: true });
  }
}

export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  if (location.kind === "pglite") {
    const unlock = location.dataDir === null ? () => {} : lockDataDir(location.dataDir);
    try {
      const pglite =
        location.dataDir === null
          ? new PGlite({ parsers: { [INT8]: int8ToNumber } })
          : new PGlite(location.dataDir, { parsers: { [INT8]: int8ToNumber } });
      await pglite.waitReady;
      const db = new Kysely<Schema>({ dialect: new PGliteDialect(pglite) });
      return {
        db,
        kind: "pglite",
        close: async () => {
          await db.destroy();
          unlock();
        },
      };
    } catch (error) {
      unlock();
      throw error;
    }
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
