/**
 * `npm run bench:recipients`: how fast `dpdesk impact --breach` stores the people of a large member file as a
 * breach's recipient list (analysed, sent in batches over the HTTP API, sealed with AES-256-GCM by the server,
 * completed and re-assessed), against the same file analysed alone in the same run, so that the figures read as
 * ratios. On PGlite (embedded), on PostgreSQL, or both.
 *
 * In one run: writes a seeded synthetic member file with known ground truth (bench/impact-data.ts), then
 *   (a) times `node bin/dpdesk.js impact FILE --json` (analysis only, several threads), 3 times, median: the
 *       baseline;
 *   (b) for each database: starts `dpdesk serve` on a fresh data directory (PGlite) or a fresh PostgreSQL
 *       database made for the run, creates an organisation (`dpdesk org create`), files a breach
 *       (examples/prospect-union-2025.json), and times `dpdesk impact FILE --breach ID --api URL --token T
 *       --batch-size N` end to end in a child process; then reads GET /api/v1/breaches/:id/recipients/summary,
 *       whose people and people per jurisdiction must equal the ground truth exactly (MATCH), and the breach,
 *       whose counts must now follow the list; then times the same command again: every batch is already stored,
 *       so it must skip them all and leave the breach unchanged (and the list must still match).
 * Each child runs under `/usr/bin/time -v` for its peak RSS and CPU when that exists (else /proc/<pid>/status
 * VmHWM, polled). The server's peak RSS is its VmHWM since it started; its CPU is read from /proc/<pid>/stat.
 * With PostgreSQL, the CPU of every `postgres` process on the machine is counted apart (PG CPU: that includes
 * anyone else's use of that PostgreSQL). "other" is the CPU every other process used meanwhile, in cores (from
 * /proc/stat); rows where it exceeds a quarter of a core are marked !, as their figures are low.
 *
 *   npm run bench:recipients                        # 200,000 rows, PGlite and PostgreSQL
 *   npm run bench:recipients -- --rows 50000 --db pglite
 *   npm run bench:recipients -- --cpu-prof /var/tmp/prof   # .cpuprofile files of the server and the CLI
 *
 * Options: --rows N (default 200,000), --seed N (default 20250625), --db pglite|postgres|both (default both),
 * --batch-size N (people per request, default 2000, as the CLI), --pg-url URL (a PostgreSQL where databases can
 * be created; default postgres://postgres@127.0.0.1:5432/test), --dir D (where to write the member file;
 * default a fresh temporary directory), --keep (keep the member file), --cpu-prof D (write V8 CPU profiles of
 * the servers and the first import of each database under D).
 *
 * Everything the run makes is removed at the end (servers stopped, data directories removed, the PostgreSQL
 * database dropped), on errors and Ctrl-C too. Exit 1 on any MISMATCH or failure.
 *
 * PostgreSQL: each run gets a database of its own, dropped afterwards, not a schema. The server takes no search
 * path from its configuration (src/platform/config.ts passes only the URL and the pool size to openDatabase,
 * whose searchPath nothing sets); a search path put in the URL (?options=-c search_path=…) would reach the
 * connections, but the migrator is then told no schema and looks for its own tables in every schema.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import os from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { machineTicks, peakRssKiB, postgresTicks, processTicks } from "./machine.js";
import { runChild, useGnuTime, type ChildRun } from "./process.js";
import { generateMembers, jurisdictions, type GroundTruth } from "./impact-data.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const dpdeskBin = join(root, "bin", "dpdesk.js");
const exampleIncident = JSON.parse(
  readFileSync(join(root, "examples", "prospect-union-2025.json"), "utf8"),
) as Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------------------
// Options.

const { values: flags } = parseArgs({
  options: {
    rows: { type: "string", default: "200000" },
    seed: { type: "string", default: "20250625" },
    db: { type: "string", default: "both" },
    "batch-size": { type: "string", default: "2000" },
    "pg-url": { type: "string", default: "postgres://postgres@127.0.0.1:5432/test" },
    dir: { type: "string" },
    keep: { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
  },
  strict: true,
});

function wholeNumber(name: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(value.replaceAll("_", "").replaceAll(",", ""));
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    console.error(`--${name}: must be a whole number from ${min} to ${max} (got "${value}")`);
    process.exit(2);
  }
  return n;
}

type DatabaseKind = "pglite" | "postgres";

const rowCount = wholeNumber("rows", flags.rows, 1);
const seed = wholeNumber("seed", flags.seed, 0);
const batchSize = wholeNumber("batch-size", flags["batch-size"], 1, 5000);
const databases: DatabaseKind[] = (() => {
  switch (flags.db) {
    case "pglite":
      return ["pglite"];
    case "postgres":
      return ["postgres"];
    case "both":
      return ["pglite", "postgres"];
    default:
      console.error(`--db: must be pglite, postgres or both (got "${flags.db}")`);
      return process.exit(2);
  }
})();
const pgAdminUrl = flags["pg-url"];
const cpuProfDir = flags["cpu-prof"];
const analysisRuns = 3;

// ---------------------------------------------------------------------------------------------------------------
// Clean-up: children stopped, data directories removed, PostgreSQL databases dropped, the member file removed
// unless --keep; on errors and Ctrl-C too.

const children = new Set<ChildProcess>();
const cleanUpState: {
  dirs: Set<string>;
  file: string | null;
  pgDatabases: Set<string>;
  done: Promise<void> | null;
} = { dirs: new Set(), file: null, pgDatabases: new Set(), done: null };

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

function cleanUp(): Promise<void> {
  cleanUpState.done ??= (async () => {
    for (const child of children) child.kill("SIGKILL");
    for (const name of cleanUpState.pgDatabases)
      await dropDatabase(name).catch((error: unknown) => {
        console.error(`bench:recipients: could not drop database ${name}: ${String(error)}`);
      });
    if (!flags.keep && cleanUpState.file !== null) await rm(cleanUpState.file, { force: true });
    for (const dir of cleanUpState.dirs) await rm(dir, { recursive: true, force: true });
  })();
  return cleanUpState.done;
}

const runState = { signalled: false };
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.on(signal, () => {
    if (runState.signalled) return;
    runState.signalled = true;
    console.error(`\nbench:recipients: ${signal}, stopping the servers and removing what the run made`);
    void cleanUp().finally(() => process.exit(130));
  });

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(os.tmpdir(), prefix));
  cleanUpState.dirs.add(dir);
  return dir;
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting and small helpers.

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-GB") : "?");
const signed = (n: number) => (n > 0 ? `+${fmt(n)}` : fmt(n));
const secs = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 3 : 2) : "?");
const cpuSecs = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "?");
const mib = (kib: number) => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(0)} MiB` : "?");
const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
/** Other processes using more than this many cores during a run make its figure low. */
const disturbedCores = 0.25;
const clockTicks = 100;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`${what}: expected an object, got ${JSON.stringify(value)}`);
  return value;
}

/** A JSON object of numbers (counts per jurisdiction), checked. */
function counts(value: unknown, what: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, n] of Object.entries(record(value, what))) {
    if (typeof n !== "number") throw new Error(`${what}.${key}: expected a number, got ${JSON.stringify(n)}`);
    out[key] = n;
  }
  return out;
}

/** The last non-empty lines of some output, for a reason. */
const tail = (text: string, lines = 5) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "")
    .slice(-lines)
    .join(" | ")
    .slice(0, 600);

interface Counts {
  people: number;
  byJurisdiction: Record<string, number>;
}

/** The differences between `got` and the ground truth (missing jurisdictions count as 0); [] if none. */
function differences(got: Counts, truth: GroundTruth): string[] {
  const out: string[] = [];
  if (got.people !== truth.subjects)
    out.push(
      `people ${fmt(got.people)}, expected ${fmt(truth.subjects)} (${signed(got.people - truth.subjects)})`,
    );
  const keys = new Set([...Object.keys(truth.subjectsByJurisdiction), ...Object.keys(got.byJurisdiction)]);
  for (const key of keys) {
    const value = got.byJurisdiction[key] ?? 0;
    const expected = truth.subjectsByJurisdiction[key] ?? 0;
    if (value !== expected)
      out.push(`${key} ${fmt(value)}, expected ${fmt(expected)} (${signed(value - expected)})`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// The CLI as a child process, under GNU time when there is one (bench/process.ts); the server and PostgreSQL
// from /proc (bench/machine.ts).

/** A CLI run with the CPU of the CLI, the server, PostgreSQL and everyone else while it ran. */
interface Measured {
  child: ChildRun;
  seconds: number;
  cliCpu: number;
  serverCpu: number;
  pgCpu: number;
  /** Cores every other process used meanwhile. */
  otherCores: number;
  /** The server's VmHWM (since it started) right after the run; NaN without a server. */
  serverPeakKiB: number;
}

async function measure(
  nodeArgs: string[],
  env: NodeJS.ProcessEnv,
  timeFile: string,
  server: Server | null,
  countPostgres: boolean,
): Promise<Measured> {
  const serverPid = server?.child.pid;
  const serverCpu = () => (serverPid === undefined ? 0 : processTicks(serverPid) / clockTicks);
  // With the postmaster's children: the backends that end during the run count too.
  const pgCpu = () => (countPostgres ? postgresTicks(true) / clockTicks : 0);
  const machineBefore = machineTicks();
  const ownBefore = process.cpuUsage();
  const serverBefore = serverCpu();
  const pgBefore = pgCpu();
  const started = performance.now();
  const child = await runChild(nodeArgs, { cwd: root, env, timeFile, stderrTail: 50_000, children });
  const seconds = (performance.now() - started) / 1000;
  const serverUsed = serverCpu() - serverBefore;
  const pgUsed = pgCpu() - pgBefore;
  const own = process.cpuUsage(ownBefore);
  const machineAfter = machineTicks();
  const busy = (machineAfter.busy - machineBefore.busy) / clockTicks;
  const accounted = (own.user + own.system) / 1e6 + child.cpuSeconds + serverUsed + pgUsed;
  return {
    child,
    seconds,
    cliCpu: child.cpuSeconds,
    serverCpu: serverPid === undefined ? NaN : serverUsed,
    pgCpu: countPostgres ? pgUsed : NaN,
    otherCores: Math.max(0, busy - accounted) / seconds,
    serverPeakKiB: serverPid === undefined ? NaN : peakRssKiB(serverPid),
  };
}

/** A CLI command that must succeed (org create): its stdout. */
async function runCliOk(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [dpdeskBin, ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", resolve);
  });
  children.delete(child);
  if (code !== 0)
    throw new Error(`dpdesk ${args.slice(0, 2).join(" ")} exited ${code}: ${tail(stderr || stdout)}`);
  return stdout;
}

// ---------------------------------------------------------------------------------------------------------------
// The server.

interface Server {
  child: ChildProcess;
  base: string;
  stderr(): string;
  exited: Promise<void>;
  hasExited(): boolean;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

async function startServer(env: NodeJS.ProcessEnv, nodeFlags: string[]): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeFlags, dpdeskBin, "serve"], {
    cwd: root,
    env: { ...env, HOST: "127.0.0.1", PORT: String(port) },
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.add(child);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString("utf8")).slice(-50_000)));
  const state = { exited: false };
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      state.exited = true;
      children.delete(child);
      resolve();
    });
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (state.exited) throw new Error(`dpdesk serve exited before it was ready: ${tail(stderr)}`);
    try {
      const response = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`dpdesk serve was not healthy within 60 s: ${tail(stderr)}`);
    }
    await sleep(100);
  }
  return { child, base, stderr: () => stderr, exited, hasExited: () => state.exited };
}

/** SIGTERM (a clean shutdown, which also writes a CPU profile), then SIGKILL after 30 s. */
async function stopServer(server: Server): Promise<void> {
  if (server.hasExited()) return;
  server.child.kill("SIGTERM");
  const timedOut = await Promise.race([server.exited.then(() => false), sleep(30_000).then(() => true)]);
  if (timedOut) {
    server.child.kill("SIGKILL");
    await server.exited;
  }
}

async function call(server: Server, token: string, method: "GET" | "POST", path: string, body?: unknown) {
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(120_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

// ---------------------------------------------------------------------------------------------------------------
// One database: server, organisation, breach, the import twice, the checks.

/** "Recipient list of breach <id>: 12,000 people, sealed at rest (import <id>, 120 batches[, N already stored …])". */
const importLine =
  /Recipient list of breach \S+: ([\d,]+) people, sealed at rest \(import ([0-9a-f-]+), ([\d,]+) batch(?:es)?(?:, ([\d,]+) already stored by an earlier run)?\)/;

interface ImportOutcome {
  measured: Measured | null;
  people: number;
  batches: number;
  skipped: number;
  importId: string;
  breachUpdated: boolean | null;
  /** The MISMATCH and failure lines of this run; [] when it matched. */
  problems: string[];
}

interface DatabaseOutcome {
  kind: DatabaseKind;
  label: string;
  first: ImportOutcome | null;
  again: ImportOutcome | null;
  /** Why the database could not be measured at all, if it could not. */
  failure: string | null;
}

const number = (text: string | undefined) => Number((text ?? "").replaceAll(",", ""));

function readImport(measured: Measured): ImportOutcome {
  const out = measured.child.stdout;
  const match = importLine.exec(out);
  const outcome: ImportOutcome = {
    measured,
    people: number(match?.[1]),
    batches: number(match?.[3]),
    skipped: match?.[4] === undefined ? 0 : number(match[4]),
    importId: match?.[2] ?? "?",
    breachUpdated: out.includes("updated and re-assessed")
      ? true
      : out.includes("its counts already match the list; not changed")
        ? false
        : null,
    problems: [],
  };
  const child = measured.child;
  if (child.code !== 0) {
    const how = child.signal === null ? `exit ${child.code}` : `killed by ${child.signal}`;
    outcome.problems.push(`dpdesk impact --breach FAILED (${how}): ${tail(child.stderr || child.stdout)}`);
  } else if (match === null)
    outcome.problems.push(`no "Recipient list of breach" line in its output: ${tail(out)}`);
  return outcome;
}

async function summaryCounts(server: Server, token: string, breachId: string) {
  const summary = record(
    await call(server, token, "GET", `/api/v1/breaches/${breachId}/recipients/summary`),
    "summary",
  );
  if (typeof summary.people !== "number") throw new Error("summary: no numeric people");
  const imports = Array.isArray(summary.imports)
    ? summary.imports.map((i) => record(i, "summary.imports[]"))
    : [];
  return {
    counts: {
      people: summary.people,
      byJurisdiction: counts(summary.byJurisdiction, "summary.byJurisdiction"),
    },
    imports,
  };
}

async function benchDatabase(
  kind: DatabaseKind,
  file: string,
  truth: GroundTruth,
  scratch: string,
): Promise<DatabaseOutcome> {
  const outcome: DatabaseOutcome = {
    kind,
    label: kind === "pglite" ? "PGlite" : "PostgreSQL",
    first: null,
    again: null,
    failure: null,
  };
  const dataDir = await tempDir(`dpdesk-bench-recipients-${kind}-`);
  const env: NodeJS.ProcessEnv = { ...process.env, DPDESK_DATA_DIR: dataDir, LOG_LEVEL: "warn" };
  for (const name of ["DATABASE_URL", "DPDESK_DATA_KEY", "DPDESK_URL", "DPDESK_TOKEN"]) env[name] = undefined;
  // The data key inside the run's own directory, removed with it.
  env.DPDESK_KEY_FILE = join(dataDir, "data.key");
  let server: Server | null = null;
  let pgDatabase: string | null = null;
  try {
    if (kind === "postgres") {
      pgDatabase = `bench_recipients_${process.pid}_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 5_000 });
      await admin.connect();
      try {
        const version = await admin.query<{ server_version: string }>("show server_version");
        outcome.label = `PostgreSQL ${version.rows[0]?.server_version.split(" ")[0] ?? "?"}`;
        await admin.query(`create database "${pgDatabase}"`);
        cleanUpState.pgDatabases.add(pgDatabase);
      } finally {
        await admin.end();
      }
      const url = new URL(pgAdminUrl);
      url.pathname = `/${pgDatabase}`;
      env.DATABASE_URL = url.toString();
    }
    process.stderr.write(`${outcome.label}: creating the organisation, starting the server... `);
    const created = record(
      JSON.parse(
        await runCliOk(
          ["org", "create", "--name", "Bench Union", "--owner-email", "owner@example.org", "--json"],
          env,
        ),
      ),
      "org create --json",
    );
    if (typeof created.token !== "string") throw new Error("org create --json printed no token");
    const token = created.token;
    const profile = (what: string) =>
      cpuProfDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", join(cpuProfDir, `${kind}-${what}`)];
    server = await startServer(env, profile("server"));
    const breach = record(
      await call(server, token, "POST", "/api/v1/breaches", {
        ...exampleIncident,
        title: `bench:recipients ${fmt(truth.rows)} rows`,
      }),
      "POST /api/v1/breaches",
    );
    if (typeof breach.id !== "string") throw new Error("POST /api/v1/breaches: no id");
    const breachId = breach.id;
    process.stderr.write(`breach ${breachId}\n`);

    const api = server.base;
    const importArgs = (what: string) => [
      ...profile(what),
      dpdeskBin,
      "impact",
      file,
      "--breach",
      breachId,
      "--api",
      api,
      "--token",
      token,
      "--batch-size",
      String(batchSize),
    ];
    const timeFile = join(scratch, "time.txt");

    // The import.
    process.stderr.write(`  import... `);
    const first = readImport(
      await measure(importArgs("cli-first"), env, timeFile, server, kind === "postgres"),
    );
    outcome.first = first;
    process.stderr.write(`${secs(first.measured?.seconds ?? NaN)} s\n`);
    if (first.problems.length > 0) return outcome;
    const afterFirst = await summaryCounts(server, token, breachId);
    for (const line of differences(afterFirst.counts, truth)) first.problems.push(`list: ${line}`);
    if (first.people !== truth.subjects)
      first.problems.push(`the CLI says ${fmt(first.people)} people, expected ${fmt(truth.subjects)}`);
    if (first.skipped !== 0) first.problems.push(`${first.skipped} batches skipped on a fresh breach`);
    const stored = afterFirst.imports[0];
    if (afterFirst.imports.length !== 1 || stored === undefined)
      first.problems.push(`the list has ${afterFirst.imports.length} imports, expected 1`);
    else {
      if (stored.completedAt === null) first.problems.push("the import is not completed");
      const batchesStored = Array.isArray(stored.batchesStored) ? stored.batchesStored.length : NaN;
      if (batchesStored !== first.batches)
        first.problems.push(
          `the server holds ${fmt(batchesStored)} batches, the CLI sent ${fmt(first.batches)}`,
        );
      if (stored.rows !== truth.rows)
        first.problems.push(`the import records ${String(stored.rows)} rows, expected ${fmt(truth.rows)}`);
    }
    // The breach's counts now follow the list: people per jurisdiction (not unknown), and the records.
    const incident = record(
      record(await call(server, token, "GET", `/api/v1/breaches/${breachId}`), "breach").incident,
      "breach.incident",
    );
    const expectedSubjects = Object.fromEntries(
      Object.entries(truth.subjectsByJurisdiction).filter(([code, n]) => code !== "unknown" && n > 0),
    );
    const subjects = counts(incident.subjects, "breach.incident.subjects");
    const subjectKeys = new Set([...Object.keys(expectedSubjects), ...Object.keys(subjects)]);
    for (const code of subjectKeys)
      if (subjects[code] !== expectedSubjects[code])
        first.problems.push(
          `breach subjects ${code} ${String(subjects[code])}, expected ${String(expectedSubjects[code])}`,
        );
    if (incident.records !== truth.rows)
      first.problems.push(`breach records ${String(incident.records)}, expected ${fmt(truth.rows)}`);
    if (first.breachUpdated !== true) first.problems.push("the breach was not updated and re-assessed");

    // The same command again: everything is stored, every batch is skipped, nothing changes.
    process.stderr.write(`  again... `);
    const again = readImport(
      await measure(importArgs("cli-again"), env, timeFile, server, kind === "postgres"),
    );
    outcome.again = again;
    process.stderr.write(`${secs(again.measured?.seconds ?? NaN)} s\n`);
    if (again.problems.length > 0) return outcome;
    if (again.importId !== first.importId)
      again.problems.push(`a new import ${again.importId} instead of resuming ${first.importId}`);
    if (again.batches !== first.batches || again.skipped !== again.batches)
      again.problems.push(
        `${fmt(again.skipped)} of ${fmt(again.batches)} batches skipped, expected all ${fmt(first.batches)}`,
      );
    if (again.breachUpdated !== false)
      again.problems.push("the breach was changed by a run that stored nothing new");
    const afterAgain = await summaryCounts(server, token, breachId);
    for (const line of differences(afterAgain.counts, truth)) again.problems.push(`list: ${line}`);
    if (afterAgain.imports.length !== 1)
      again.problems.push(`the list has ${afterAgain.imports.length} imports, expected 1`);
    return outcome;
  } catch (error) {
    outcome.failure = String((error as Error).stack ?? error);
    if (server !== null && server.hasExited())
      outcome.failure += `\nserver stderr: ${tail(server.stderr(), 20)}`;
    return outcome;
  } finally {
    if (server !== null) await stopServer(server);
    if (pgDatabase !== null) {
      await dropDatabase(pgDatabase);
      cleanUpState.pgDatabases.delete(pgDatabase);
    }
    await rm(dataDir, { recursive: true, force: true });
    cleanUpState.dirs.delete(dataDir);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The run.

async function main(): Promise<number> {
  const cpus = os.cpus();
  console.log("dpdesk bench:recipients — storing the people of a member file as a breach's recipient list");
  console.log(
    `Machine: ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores (available parallelism ${os.availableParallelism()}), ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`,
  );
  if (!existsSync(join(root, "dist", "cli", "main.js"))) {
    console.error("dist/ is missing: run `npm run build` first (npm run bench:recipients does).");
    return 1;
  }

  let dir: string;
  if (flags.dir === undefined) dir = await tempDir("dpdesk-bench-recipients-");
  else {
    dir = flags.dir;
    await mkdir(dir, { recursive: true });
  }
  const file = join(dir, `members-${rowCount}-seed${seed}.csv`);
  cleanUpState.file = file;
  const scratch = await tempDir("dpdesk-bench-recipients-time-");
  if (cpuProfDir !== undefined) await mkdir(cpuProfDir, { recursive: true });

  process.stderr.write(`Writing ${fmt(rowCount)} rows to ${file}...\n`);
  const generationStarted = performance.now();
  const truth = await generateMembers({ rows: rowCount, seed, path: file });
  const bytes = (await stat(file)).size;
  console.log(
    `File: ${fmt(truth.rows)} rows, ${(bytes / 1e6).toFixed(1)} MB, seed ${seed}, written in ` +
      `${((performance.now() - generationStarted) / 1000).toFixed(1)} s${flags.keep ? `, kept at ${file}` : ""}`,
  );
  console.log(
    `Ground truth: ${fmt(truth.subjects)} people; ` +
      jurisdictions.map((j) => `${j} ${fmt(truth.subjectsByJurisdiction[j] ?? 0)}`).join(", "),
  );
  console.log(
    `Import: --batch-size ${batchSize}; each import runs once on a fresh breach, then once again (all stored). ` +
      `Analysis only: ${analysisRuns} runs, median.`,
  );
  const idleBefore = machineTicks();
  await sleep(1_000);
  const idleAfter = machineTicks();
  const background =
    ((idleAfter.busy - idleBefore.busy) / (idleAfter.total - idleBefore.total)) * cpus.length;
  console.log(
    `Background load before timing: ${background.toFixed(2)} of ${cpus.length} cores busy` +
      (background > disturbedCores
        ? " — WARNING: other processes are using the CPU; figures will be low and noisy"
        : ""),
  );
  console.log("");

  const failures: string[] = [];

  // (a) Analysis only.
  process.stderr.write("Analysis only (impact --json):");
  const analysis: Measured[] = [];
  const baseEnv: NodeJS.ProcessEnv = { ...process.env };
  for (let run = 0; run < analysisRuns; run += 1) {
    const measured = await measure(
      [dpdeskBin, "impact", file, "--json"],
      baseEnv,
      join(scratch, "time.txt"),
      null,
      false,
    );
    process.stderr.write(` ${secs(measured.seconds)} s`);
    if (measured.child.code !== 0) {
      failures.push(
        `dpdesk impact --json FAILED (exit ${String(measured.child.code)}): ${tail(measured.child.stderr)}`,
      );
      break;
    }
    analysis.push(measured);
  }
  process.stderr.write("\n");
  let analysisProblems: string[] = [];
  const lastAnalysis = analysis.at(-1);
  if (lastAnalysis !== undefined) {
    try {
      const parsed = record(JSON.parse(lastAnalysis.child.stdout), "impact --json");
      if (typeof parsed.subjects !== "number") throw new Error("impact --json: no numeric subjects");
      analysisProblems = differences(
        {
          people: parsed.subjects,
          byJurisdiction: counts(parsed.subjectsByJurisdiction, "subjectsByJurisdiction"),
        },
        truth,
      );
    } catch (error) {
      analysisProblems = [String(error)];
    }
  }
  const analysisSeconds = analysis.length === analysisRuns ? median(analysis.map((m) => m.seconds)) : NaN;
  const medianOf = (pick: (m: Measured) => number) => median(analysis.map(pick));

  // (b) Each database.
  const outcomes: DatabaseOutcome[] = [];
  for (const kind of databases) outcomes.push(await benchDatabase(kind, file, truth, scratch));

  // The table.
  interface Row {
    name: string;
    seconds: number;
    cli: number;
    cliRss: number;
    server: number;
    serverRss: number;
    pgCpu: number;
    other: number;
    check: string;
  }
  const rows: Row[] = [];
  if (analysis.length === analysisRuns)
    rows.push({
      name: `analysis only (impact --json, ${analysisRuns} runs)`,
      seconds: analysisSeconds,
      cli: medianOf((m) => m.cliCpu),
      cliRss: Math.max(...analysis.map((m) => m.child.peakRssKiB)),
      server: NaN,
      serverRss: NaN,
      pgCpu: NaN,
      other: medianOf((m) => m.otherCores),
      check: analysisProblems.length === 0 ? "MATCH" : "MISMATCH",
    });
  const checks: string[] = analysisProblems.map((line) => `analysis only MISMATCH: ${line}`);
  for (const outcome of outcomes) {
    for (const [what, run] of [
      ["import (--breach)", outcome.first],
      ["again (all stored)", outcome.again],
    ] as const) {
      if (run?.measured == null) continue;
      const m = run.measured;
      const name = `${outcome.label}: ${what}`;
      rows.push({
        name,
        seconds: m.seconds,
        cli: m.cliCpu,
        cliRss: m.child.peakRssKiB,
        server: m.serverCpu,
        serverRss: m.serverPeakKiB,
        pgCpu: m.pgCpu,
        other: m.otherCores,
        check: run.problems.length === 0 ? "MATCH" : "MISMATCH",
      });
      for (const line of run.problems) checks.push(`${name} MISMATCH: ${line}`);
    }
    if (outcome.failure !== null) checks.push(`${outcome.label} FAILED: ${outcome.failure}`);
  }

  const nameWidth = Math.max(30, ...rows.map((r) => r.name.length));
  const columns = [
    ["rows", 9],
    ["people", 9],
    ["seconds", 8],
    ["people/s", 9],
    ["×analysis", 9],
    ["CLI RSS", 8],
    ["server RSS", 10],
    ["CLI CPU s", 9],
    ["srv CPU s", 9],
    ["PG CPU s", 8],
    ["other", 6],
  ] as const;
  const header = `${"Run".padEnd(nameWidth)}  ${columns.map(([title, width]) => title.padStart(width)).join("  ")}  check`;
  console.log(header);
  console.log("-".repeat(header.length));
  for (const r of rows) {
    const cells = [
      fmt(truth.rows),
      fmt(truth.subjects),
      secs(r.seconds),
      fmt(truth.subjects / r.seconds),
      Number.isFinite(r.seconds / analysisSeconds) ? `${(r.seconds / analysisSeconds).toFixed(2)}×` : "?",
      mib(r.cliRss),
      Number.isNaN(r.serverRss) ? "" : mib(r.serverRss),
      cpuSecs(r.cli),
      Number.isNaN(r.server) ? "" : cpuSecs(r.server),
      Number.isNaN(r.pgCpu) ? "" : cpuSecs(r.pgCpu),
      `${r.other > disturbedCores ? "!" : ""}${r.other.toFixed(2)}`,
    ];
    console.log(
      `${r.name.padEnd(nameWidth)}  ${cells.map((cell, i) => cell.padStart(columns[i]?.[1] ?? 0)).join("  ")}  ${r.check}`,
    );
  }
  console.log("");
  console.log(
    "×analysis = seconds / analysis-only seconds. RSS = peak resident set: the CLI's " +
      (useGnuTime ? "from /usr/bin/time -v" : "polled from /proc/<pid>/status VmHWM (a lower bound)") +
      ", the server's VmHWM since it started. CPU s = CPU seconds used by the CLI (all threads), the server, and",
  );
  console.log(
    "every `postgres` process (PostgreSQL only); other = cores every other process used meanwhile (! above " +
      `${disturbedCores}: the row's figures are low).`,
  );
  for (const outcome of outcomes) {
    const first = outcome.first;
    const again = outcome.again;
    if (first?.measured == null) continue;
    console.log(
      `${outcome.label}: import ${first.importId}, ${fmt(first.batches)} batches of up to ${fmt(batchSize)} people ` +
        `(${fmt(first.people)} people); again: ${again === null ? "not run" : `${fmt(again.skipped)} of ${fmt(again.batches)} batches skipped, breach ${again.breachUpdated === false ? "not changed" : "CHANGED"}`}.`,
    );
  }
  if (rows.some((r) => r.other > disturbedCores))
    console.log(`WARNING: other processes used over ${disturbedCores} of a core during the rows marked !.`);
  if (cpuProfDir !== undefined)
    console.log(`CPU profiles: ${cpuProfDir}/<database>-{server,cli-first,cli-again}/`);
  console.log("");
  for (const line of [...failures, ...checks]) console.log(line);
  const bad = failures.length + checks.length + (analysis.length === analysisRuns ? 0 : 1);
  if (bad > 0) {
    console.error(`bench:recipients: ${bad} MISMATCH or failure line(s).`);
    return 1;
  }
  console.log("All checks MATCH.");
  return 0;
}

let exitCode: number;
try {
  exitCode = await main();
} catch (error) {
  if (runState.signalled) await new Promise(() => undefined); // the signal handler cleans up and exits
  console.error(`bench:recipients FAILED: ${String((error as Error).stack ?? error)}`);
  exitCode = 1;
} finally {
  await cleanUp();
}
process.exit(exitCode);
