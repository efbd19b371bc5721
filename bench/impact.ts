/**
 * `npm run bench:impact`: how fast `dpdesk impact` reads a large member file and counts the people in it per
 * jurisdiction, with peers measured in the same run so that the figures read as ratios. Aim: dpdesk at least as
 * fast as DuckDB on the same file (dpdesk / DuckDB >= 1.0); below 0.5 the issue is not resolved.
 *
 * In one run: writes a seeded synthetic member file with known ground truth (bench/impact-data.ts: BOM, CRLF,
 * RFC 4180 quoting with embedded commas, quotes and line breaks, repeats of people with their e-mail re-cased or
 * padded, people without an e-mail, postcodes, countries and mobiles written many ways), then times:
 *   (a) `node bin/dpdesk.js impact FILE --json`, end to end in a child process (Node start-up included), under
 *       `/usr/bin/time -v` for its peak RSS when that exists (else /proc/<pid>/status VmHWM, polled);
 *   (b) DuckDB (@duckdb/node-api, in-memory, all cores): read_csv with every column VARCHAR and one SQL query for
 *       the de-duplicated people per jurisdiction; the instance start-up is excluded and shown apart;
 *   (c) a plain Node pipeline: csv-parse's streaming parser and a Set, on the main thread.
 * Each pipeline runs 3 times (b and c after one warm-up run) and the median is reported, with the CPU it used and
 * the CPU other processes used meanwhile (from /proc/stat; rows where others used over a quarter of a core are
 * marked, as their figures are low). Every pipeline's people count and people per jurisdiction must equal the
 * ground truth exactly (MATCH); any MISMATCH exits with 1, and so does dpdesk failing other than by not having
 * the command yet.
 *
 *   npm run bench:impact                      # 1,000,000 rows (about 150 MB)
 *   npm run bench:impact -- --rows 100000     # a quicker run
 *   npm run bench:impact -- --keep --dir /var/tmp/impact   # keep the generated file there
 *
 * Options: --rows N (default 1,000,000), --seed N (default 20250625), --dir D (where to write the file; default
 * a fresh temporary directory), --keep (keep the file afterwards), --bin PATH (the dpdesk command, default
 * bin/dpdesk.js). While `dpdesk impact` does not exist yet, its row says "not available" and the peers still run.
 *
 * The peers implement the same identity and attribution rules as dpdesk (see bench/impact-data.ts) but are told
 * exactly which country spellings the generator uses; dpdesk is not.
 */
import { execFileSync, type ChildProcess } from "node:child_process";
import { createReadStream, existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parse } from "csv-parse";
import { machineTicks } from "./machine.js";
import { runChild, useGnuTime, type ChildRun } from "./process.js";
import {
  attribute,
  countryCodeBySpelling,
  generateMembers,
  identityKey,
  jurisdictions,
  mobilePrefixes,
  type GroundTruth,
} from "./impact-data.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");

// ---------------------------------------------------------------------------------------------------------------
// Options.

const { values: flags } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    seed: { type: "string", default: "20250625" },
    dir: { type: "string" },
    keep: { type: "boolean", default: false },
    bin: { type: "string", default: "bin/dpdesk.js" },
  },
  strict: true,
});

function wholeNumber(name: string, value: string, min: number): number {
  const n = Number(value.replaceAll("_", "").replaceAll(",", ""));
  if (!Number.isSafeInteger(n) || n < min) {
    console.error(`--${name}: must be a whole number of at least ${min} (got "${value}")`);
    process.exit(2);
  }
  return n;
}

const rowCount = wholeNumber("rows", flags.rows, 1);
const seed = wholeNumber("seed", flags.seed, 0);
const dpdeskBin = flags.bin;
const timedRuns = 3;
const aimRatio = 1.0;
const floorRatio = 0.5;

// ---------------------------------------------------------------------------------------------------------------
// Clean-up: the child (if one is running) is stopped and the file removed unless --keep, on errors and Ctrl-C too.

const children = new Set<ChildProcess>();
const cleanUpState: {
  dir: string | null;
  file: string | null;
  scratch: string | null;
  done: Promise<void> | null;
} = {
  dir: null,
  file: null,
  scratch: null,
  done: null,
};

function cleanUp(): Promise<void> {
  cleanUpState.done ??= (async () => {
    for (const child of children) child.kill("SIGKILL");
    if (cleanUpState.scratch !== null) await rm(cleanUpState.scratch, { recursive: true, force: true });
    if (flags.keep) return;
    if (cleanUpState.file !== null) await rm(cleanUpState.file, { force: true });
    if (cleanUpState.dir !== null) await rm(cleanUpState.dir, { recursive: true, force: true });
  })();
  return cleanUpState.done;
}

const runState = { signalled: false };
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.on(signal, () => {
    if (runState.signalled) return;
    runState.signalled = true;
    console.error(`\nbench:impact: ${signal}, stopping and removing the generated file`);
    void cleanUp().finally(() => process.exit(130));
  });

// ---------------------------------------------------------------------------------------------------------------
// Results and checks.

interface Counts {
  subjects: number;
  subjectsByJurisdiction: Record<string, number>;
}

interface Timing {
  name: string;
  /** Seconds per run, in run order. */
  seconds: number[];
  /** Per run: the CPU the pipeline used, and the CPU everything else on the machine used, in cores. */
  cores: number[];
  other: number[];
  counts: Counts | null;
  /** Why the pipeline could not be timed, if it could not. */
  unavailable: string | null;
  note: string;
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** The differences between `counts` and the ground truth (missing jurisdictions count as 0); [] if none. */
function differences(counts: Counts, truth: GroundTruth): string[] {
  const out: string[] = [];
  if (counts.subjects !== truth.subjects)
    out.push(
      `subjects ${fmt(counts.subjects)}, expected ${fmt(truth.subjects)} (${signed(counts.subjects - truth.subjects)})`,
    );
  const keys = new Set([
    ...Object.keys(truth.subjectsByJurisdiction),
    ...Object.keys(counts.subjectsByJurisdiction),
  ]);
  for (const key of keys) {
    const got = counts.subjectsByJurisdiction[key] ?? 0;
    const expected = truth.subjectsByJurisdiction[key] ?? 0;
    if (got !== expected)
      out.push(`${key} ${fmt(got)}, expected ${fmt(expected)} (${signed(got - expected)})`);
  }
  return out;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-GB");
const signed = (n: number) => (n > 0 ? `+${fmt(n)}` : fmt(n));
const secs = (n: number) => n.toFixed(n < 10 ? 3 : 2);
const cores = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "?");
const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
/** Other processes using more than this many cores during a run make its figure low. */
const disturbedCores = 0.25;

// ---------------------------------------------------------------------------------------------------------------
// CPU accounting from /proc/stat (Linux): what the pipeline used and what everything else used during each run.

const clockTicks = 100;

interface Sample<T> {
  result: T;
  seconds: number;
  /** CPU used by this process (all its threads) and `childCpuSeconds`, in cores. */
  cores: number;
  /** CPU used by every other process on the machine, in cores. */
  other: number;
}

async function sampled<T>(
  run: () => Promise<T>,
  childCpuSeconds: (result: T) => number = () => 0,
): Promise<Sample<T>> {
  const machineBefore = machineTicks();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const machineAfter = machineTicks();
  const own = (cpu.user + cpu.system) / 1e6 + childCpuSeconds(result);
  const busy = (machineAfter.busy - machineBefore.busy) / clockTicks;
  return { result, seconds, cores: own / seconds, other: Math.max(0, busy - own) / seconds };
}

// ---------------------------------------------------------------------------------------------------------------
// (a) dpdesk impact, as a child process.

/** `node ...args` in a child process, under GNU time when there is one (bench/process.ts). */
const runNode = (args: string[], timeFile: string): Promise<ChildRun> =>
  runChild(args, { cwd: root, timeFile, stderrTail: 20_000, children });

/** The last non-empty line of some output, for a one-line reason. */
const lastLine = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("(run with --help"))
    .at(-1) ?? "";

interface DpdeskOutcome extends Timing {
  peakRssKiB: number[];
  rows: number | null;
  /** True when the command failed in a way other than not existing yet. */
  failed: boolean;
}

async function timeDpdesk(file: string, scratch: string): Promise<DpdeskOutcome> {
  const name = "(a) dpdesk impact --json (child process)";
  const outcome: DpdeskOutcome = {
    name,
    seconds: [],
    cores: [],
    other: [],
    counts: null,
    unavailable: null,
    note: "",
    peakRssKiB: [],
    rows: null,
    failed: false,
  };
  if (!existsSync(join(root, dpdeskBin))) {
    outcome.unavailable = `${dpdeskBin} not found`;
    return outcome;
  }
  for (let run = 0; run < timedRuns; run += 1) {
    process.stderr.write(`  dpdesk run ${run + 1}/${timedRuns}... `);
    const sample = await sampled(
      () => runNode([dpdeskBin, "impact", file, "--json"], join(scratch, "time.txt")),
      (child) => child.cpuSeconds,
    );
    const result = sample.result;
    process.stderr.write(`${secs(sample.seconds)} s\n`);
    if (result.code !== 0) {
      const reason = lastLine(result.stderr) || lastLine(result.stdout);
      const how = result.signal === null ? `exit ${result.code}` : `killed by ${result.signal}`;
      outcome.unavailable = `${how}: ${reason.slice(0, 200)}`;
      // An unknown command (or a missing build) is "not there yet"; any other failure is a failure.
      outcome.failed = !/unknown command|Cannot find module|ERR_MODULE_NOT_FOUND/i.test(result.stderr);
      return outcome;
    }
    let parsed: { rows?: unknown; subjects?: unknown; subjectsByJurisdiction?: unknown };
    try {
      parsed = JSON.parse(result.stdout) as typeof parsed;
    } catch (error) {
      outcome.unavailable = `stdout is not one JSON object (${String(error).slice(0, 120)}): ${result.stdout.slice(0, 120)}`;
      outcome.failed = true;
      return outcome;
    }
    const byJurisdiction = parsed.subjectsByJurisdiction;
    if (
      typeof parsed.subjects !== "number" ||
      typeof byJurisdiction !== "object" ||
      byJurisdiction === null
    ) {
      outcome.unavailable = `the JSON has no numeric "subjects" or no "subjectsByJurisdiction" object: ${result.stdout.slice(0, 200)}`;
      outcome.failed = true;
      return outcome;
    }
    const counts: Counts = {
      subjects: parsed.subjects,
      subjectsByJurisdiction: Object.fromEntries(
        Object.entries(byJurisdiction as Record<string, unknown>).map(([key, value]) => [key, Number(value)]),
      ),
    };
    if (outcome.counts !== null && differences(counts, { rows: 0, ...outcome.counts }).length > 0)
      outcome.note = "the counts differed between runs; the last run's are checked";
    outcome.counts = counts;
    outcome.rows = typeof parsed.rows === "number" ? parsed.rows : null;
    outcome.seconds.push(sample.seconds);
    outcome.cores.push(sample.cores);
    outcome.other.push(sample.other);
    outcome.peakRssKiB.push(result.peakRssKiB);
  }
  return outcome;
}

/** Node's own start-up and exit, for reading (a): dpdesk's time includes it. */
async function nodeStartupSeconds(scratch: string): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < 5; run += 1)
    times.push((await sampled(() => runNode(["-e", ""], join(scratch, "time.txt")))).seconds);
  return median(times);
}

// ---------------------------------------------------------------------------------------------------------------
// (b) DuckDB: the same rules in SQL.

const sqlString = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * The country CASE: exactly the spellings the generator uses, normalised the same way (lower case, letters and
 * single spaces, trimmed). The peers are told the spellings; dpdesk is not.
 */
function countryCase(column: string): string {
  const byCode = new Map<string, string[]>();
  for (const [spelling, code] of countryCodeBySpelling)
    byCode.set(code, [...(byCode.get(code) ?? []), spelling]);
  const arms = [...byCode].map(
    ([code, spellings]) =>
      `WHEN ${column} IN (${spellings.map(sqlString).join(", ")}) THEN ${sqlString(code)}`,
  );
  return `CASE ${arms.join(" ")} END`;
}

function mobileCase(column: string): string {
  const arms = Object.entries(mobilePrefixes).map(
    ([code, prefixes]) =>
      `WHEN substr(${column}, 1, 5) IN (${prefixes.map(sqlString).join(", ")}) THEN ${sqlString(code)}`,
  );
  return `CASE ${arms.join(" ")} ELSE 'GB' END`;
}

function duckdbQuery(file: string): string {
  return `
WITH normalised AS (
  SELECT
    CASE WHEN trim(coalesce(email, '')) <> '' THEN lower(trim(email))
         ELSE lower(trim(coalesce(first_name, ''))) || '|' || lower(trim(coalesce(last_name, ''))) || '|'
              || trim(coalesce(date_of_birth, '')) || '|' || upper(replace(coalesce(postcode, ''), ' ', ''))
    END AS person,
    upper(replace(coalesce(postcode, ''), ' ', '')) AS pc,
    trim(regexp_replace(regexp_replace(lower(coalesce(country, '')), '[^a-z ]', '', 'g'), ' +', ' ', 'g')) AS ctry,
    regexp_replace(coalesce(mobile, ''), '[ ()-]', '', 'g') AS mob
  FROM read_csv(${sqlString(file)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')
),
evidence AS (
  SELECT person, pc, ${countryCase("ctry")} AS country_code,
         CASE WHEN starts_with(mob, '+44') THEN '0' || substr(mob, 4) ELSE mob END AS mobile
  FROM normalised
),
attributed AS (
  SELECT person,
    CASE
      WHEN regexp_full_match(pc, '[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}') THEN
        CASE regexp_extract(pc, '^[A-Z]+') WHEN 'IM' THEN 'IM' WHEN 'JE' THEN 'JE' WHEN 'GY' THEN 'GG' ELSE 'GB' END
      WHEN country_code IS NOT NULL THEN country_code
      WHEN regexp_full_match(mobile, '07[0-9]{9}') THEN ${mobileCase("mobile")}
      ELSE 'unknown'
    END AS jurisdiction
  FROM evidence
),
people AS (
  -- Every row of a person gives the same jurisdiction (by construction; the ground-truth check would catch it
  -- otherwise), so any row will do.
  SELECT person, any_value(jurisdiction) AS jurisdiction FROM attributed GROUP BY person
)
SELECT jurisdiction, count(*) AS subjects FROM people GROUP BY jurisdiction`;
}

/** The part of @duckdb/node-api used here (it is installed apart, in bench/peers: see loadDuckDb). */
interface DuckDBConnection {
  run(sql: string): Promise<unknown>;
  runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }>;
  closeSync(): void;
}
interface DuckDbModule {
  DuckDBInstance: {
    create: (path: string) => Promise<{ connect(): Promise<DuckDBConnection>; closeSync(): void }>;
  };
  version: () => string;
}

/**
 * DuckDB, from bench/peers (installed there on first use). It is not a devDependency: the registry holds its
 * native bindings for some platforms only, and `npm ci` refuses a lock file that lacks the others.
 */
async function loadDuckDb(): Promise<DuckDbModule> {
  const peers = join(here, "peers");
  const resolve = () => createRequire(join(peers, "package.json")).resolve("@duckdb/node-api");
  let entry: string;
  try {
    entry = resolve();
  } catch {
    process.stderr.write("Installing DuckDB for the benchmark into bench/peers (once)...\n");
    execFileSync("npm", ["install", "--prefix", peers, "--no-audit", "--no-fund", "--no-package-lock"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    entry = resolve();
  }
  return (await import(pathToFileURL(entry).href)) as DuckDbModule;
}

async function duckdbCounts(connection: DuckDBConnection, sql: string): Promise<Counts> {
  const reader = await connection.runAndReadAll(sql);
  const byJurisdiction: Record<string, number> = {};
  let subjects = 0;
  for (const [jurisdiction, count] of reader.getRows()) {
    const n = Number(count);
    byJurisdiction[String(jurisdiction)] = n;
    subjects += n;
  }
  return { subjects, subjectsByJurisdiction: byJurisdiction };
}

// ---------------------------------------------------------------------------------------------------------------
// (c) csv-parse: the naive Node pipeline.

async function csvParseCounts(file: string): Promise<Counts> {
  const parser = createReadStream(file).pipe(parse({ bom: true }));
  const seen = new Set<string>();
  const byJurisdiction: Record<string, number> = {};
  let columns: Record<string, number> | null = null;
  let email = 0;
  let first = 0;
  let last = 0;
  let dob = 0;
  let postcode = 0;
  let country = 0;
  let mobile = 0;
  for await (const value of parser) {
    const record = value as string[];
    if (columns === null) {
      columns = Object.fromEntries(record.map((name, index) => [name, index]));
      const at = (name: string) => {
        const index = columns?.[name];
        if (index === undefined) throw new Error(`csv-parse: no column ${name}`);
        return index;
      };
      [email, first, last, dob, postcode, country, mobile] = [
        at("email"),
        at("first_name"),
        at("last_name"),
        at("date_of_birth"),
        at("postcode"),
        at("country"),
        at("mobile"),
      ];
      continue;
    }
    const pc = record[postcode] ?? "";
    const key = identityKey(
      record[email] ?? "",
      record[first] ?? "",
      record[last] ?? "",
      record[dob] ?? "",
      pc,
    );
    if (seen.has(key)) continue; // the person's first row decides
    seen.add(key);
    const jurisdiction = attribute(pc, record[country] ?? "", record[mobile] ?? "");
    byJurisdiction[jurisdiction] = (byJurisdiction[jurisdiction] ?? 0) + 1;
  }
  return { subjects: seen.size, subjectsByJurisdiction: byJurisdiction };
}

// ---------------------------------------------------------------------------------------------------------------
// The run.

async function timeInProcess(name: string, note: string, run: () => Promise<Counts>): Promise<Timing> {
  process.stderr.write(`  ${name.slice(4)}: warm-up... `);
  const started = performance.now();
  const counts = await run();
  process.stderr.write(`${secs((performance.now() - started) / 1000)} s`);
  const timing: Timing = { name, seconds: [], cores: [], other: [], counts, unavailable: null, note };
  for (let i = 0; i < timedRuns; i += 1) {
    const sample = await sampled(run);
    timing.counts = sample.result;
    timing.seconds.push(sample.seconds);
    timing.cores.push(sample.cores);
    timing.other.push(sample.other);
    process.stderr.write(`, ${secs(sample.seconds)} s`);
  }
  process.stderr.write("\n");
  return timing;
}

/** A dependency's version, from its package.json (found upwards from its entry point: csv-parse exports no ./package.json). */
function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(name));
  while (dir !== dirname(dir)) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name) return manifest.version ?? "?";
    } catch {
      // no package.json here
    }
    dir = dirname(dir);
  }
  return "?";
}

async function main(): Promise<number> {
  const cpus = os.cpus();
  const threads = os.availableParallelism();
  const versionOf = (name: string) => packageVersion(name);

  console.log("dpdesk bench:impact — counting the people in a member file, per jurisdiction, against peers");
  console.log(
    `Machine: ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores (available parallelism ${threads}), ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`,
  );

  // The file.
  let dir: string;
  if (flags.dir === undefined) {
    dir = await mkdtemp(join(os.tmpdir(), "dpdesk-bench-impact-"));
    cleanUpState.dir = dir;
  } else {
    dir = flags.dir;
    await mkdir(dir, { recursive: true });
  }
  const file = join(dir, `members-${rowCount}-seed${seed}.csv`);
  cleanUpState.file = file;
  const scratch = await mkdtemp(join(os.tmpdir(), "dpdesk-bench-impact-time-"));
  cleanUpState.scratch = scratch;
  try {
    process.stderr.write(`Writing ${fmt(rowCount)} rows to ${file}...\n`);
    const generationStarted = performance.now();
    const truth = await generateMembers({ rows: rowCount, seed, path: file });
    const generationSeconds = (performance.now() - generationStarted) / 1000;
    const bytes = (await stat(file)).size;
    const share = (n: number) => `${((n / truth.subjects) * 100).toFixed(1)}%`;
    console.log(
      `File: ${fmt(truth.rows)} rows, ${(bytes / 1e6).toFixed(1)} MB (${fmt(bytes / truth.rows)} bytes/row), seed ${seed}, ` +
        `written in ${generationSeconds.toFixed(1)} s${flags.keep ? `, kept at ${file}` : ""}`,
    );
    console.log(
      `Ground truth: ${fmt(truth.subjects)} people (${fmt(truth.rows - truth.subjects)} repeated rows); ` +
        jurisdictions
          .map(
            (j) =>
              `${j} ${fmt(truth.subjectsByJurisdiction[j] ?? 0)} (${share(truth.subjectsByJurisdiction[j] ?? 0)})`,
          )
          .join(", "),
    );
    console.log(
      `Method: each pipeline runs ${timedRuns} times, (b) and (c) after one warm-up run; median shown, with the range. ` +
        "The file is in the page cache for all of them.",
    );

    const idleBefore = machineTicks();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const idleAfter = machineTicks();
    const background =
      ((idleAfter.busy - idleBefore.busy) / (idleAfter.total - idleBefore.total)) * cpus.length;
    console.log(
      `Background load before timing: ${cores(background)} of ${cpus.length} cores busy` +
        (background > disturbedCores
          ? " — WARNING: other processes are using the CPU; the figures will be low and noisy"
          : ""),
    );
    console.log(
      "Columns: CPU = cores the pipeline used (its process, all threads; for dpdesk from /usr/bin/time), other = cores" +
        " every other process on the machine used meanwhile (from /proc/stat); means over the timed runs.",
    );
    console.log("");

    process.stderr.write("Timing:\n");
    const dpdesk = await timeDpdesk(file, scratch);
    const nodeStartup = await nodeStartupSeconds(scratch);

    // DuckDB before csv-parse: the garbage of the csv-parse runs (a Set of every person) would otherwise be
    // collected by V8's helper threads during the DuckDB runs, on the same cores.
    const { DuckDBInstance, version: duckdbVersion } = await loadDuckDb();
    const instanceStarted = performance.now();
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    await connection.run(`SET threads TO ${threads}`);
    const instanceSeconds = (performance.now() - instanceStarted) / 1000;
    const sql = duckdbQuery(file);
    let duckdb: Timing;
    try {
      duckdb = await timeInProcess(
        `(b) DuckDB ${duckdbVersion().replace(/^v/, "")} read_csv + SQL (${threads} threads)`,
        `instance start-up ${(instanceSeconds * 1000).toFixed(0)} ms, not included`,
        () => duckdbCounts(connection, sql),
      );
    } finally {
      connection.closeSync();
      instance.closeSync();
    }

    const csvParse = await timeInProcess(
      `(c) csv-parse ${versionOf("csv-parse")} streaming + Set (main thread)`,
      "",
      () => csvParseCounts(file),
    );

    // The table.
    const results: Timing[] = [dpdesk, duckdb, csvParse];
    const rate = (t: Timing) => (t.seconds.length === 0 ? NaN : truth.rows / median(t.seconds));
    const nameWidth = Math.max(...results.map((r) => r.name.length));
    const header =
      `${"Pipeline".padEnd(nameWidth)}  ${"rows/s".padStart(11)}  ${"median s".padStart(8)}  ` +
      `${"range s".padStart(13)}  ${"CPU".padStart(4)}  ${"other".padStart(5)}  ${"dpdesk/x".padStart(8)}  check`;
    console.log(header);
    console.log("-".repeat(header.length + 6));
    let mismatches = 0;
    const checks: string[] = [];
    for (const r of results) {
      if (r.unavailable !== null || r.counts === null) {
        const label = r === dpdesk && !dpdesk.failed ? "not available" : "FAILED";
        console.log(`${r.name.padEnd(nameWidth)}  ${label} (${r.unavailable ?? "no result"})`);
        continue;
      }
      const diff = differences(r.counts, truth);
      if (diff.length > 0) {
        mismatches += 1;
        checks.push(`${r.name.split(" ").slice(0, 2).join(" ")} MISMATCH: ${diff.join("; ")}`);
      }
      const vsDpdesk = rate(dpdesk) / rate(r);
      console.log(
        `${r.name.padEnd(nameWidth)}  ${fmt(rate(r)).padStart(11)}  ${secs(median(r.seconds)).padStart(8)}  ` +
          `${`${secs(Math.min(...r.seconds))}–${secs(Math.max(...r.seconds))}`.padStart(13)}  ` +
          `${cores(mean(r.cores)).padStart(4)}  ${`${mean(r.other) > disturbedCores ? "!" : ""}${cores(mean(r.other))}`.padStart(5)}  ` +
          `${Number.isNaN(vsDpdesk) ? "".padStart(8) : `${vsDpdesk.toFixed(2)}×`.padStart(8)}  ` +
          (diff.length === 0 ? "MATCH" : "MISMATCH"),
      );
    }
    console.log("");
    const disturbed = results.filter((r) => mean(r.other) > disturbedCores);
    if (disturbed.length > 0)
      console.log(
        `WARNING: other processes used over ${disturbedCores} of a core during the rows marked !: their figures are low.`,
      );
    for (const line of checks) console.log(line);

    if (dpdesk.counts !== null) {
      const peak = Math.max(...dpdesk.peakRssKiB);
      console.log(
        `dpdesk peak RSS: ${Number.isFinite(peak) ? `${(peak / 1024).toFixed(0)} MiB` : "unknown"} (largest of the runs; ` +
          (useGnuTime
            ? "measured by /usr/bin/time -v, Maximum resident set size)"
            : "polled from /proc/<pid>/status VmHWM every 10 ms, a lower bound)"),
      );
      if (dpdesk.rows !== null && dpdesk.rows !== truth.rows)
        console.log(
          `WARNING: dpdesk reports ${fmt(dpdesk.rows)} rows; the file has ${fmt(truth.rows)} records.`,
        );
      if (dpdesk.note !== "") console.log(`WARNING: dpdesk: ${dpdesk.note}`);
    }
    console.log(
      `Node start-up and exit alone (node -e ""): ${(nodeStartup * 1000).toFixed(0)} ms, included in (a). ` +
        `DuckDB ${duckdb.note}.`,
    );
    console.log("");

    const ratio = (peer: Timing) => {
      const r = rate(dpdesk) / rate(peer);
      return Number.isNaN(r) ? "n/a (dpdesk impact not available)" : r.toFixed(2);
    };
    const duckdbRatio = rate(dpdesk) / rate(duckdb);
    const verdict = Number.isNaN(duckdbRatio)
      ? ""
      : duckdbRatio >= aimRatio
        ? ": MET"
        : duckdbRatio >= floorRatio
          ? ": NOT MET"
          : ": NOT MET, not resolved";
    console.log(
      `dpdesk / DuckDB = ${ratio(duckdb)} (aim >= ${aimRatio.toFixed(1)}; not resolved below ${floorRatio})${verdict}`,
    );
    console.log(`dpdesk / csv-parse = ${ratio(csvParse)}`);
    console.log("");
    console.log(
      "The peers compute only the de-duplicated people per jurisdiction, with the same rules as dpdesk, and are told the",
    );
    console.log(
      "generator's exact country spellings; dpdesk also finds the columns and categories and reports problems, unaided.",
    );

    if (mismatches > 0) {
      console.error(`${mismatches} pipeline(s) did not match the ground truth.`);
      return 1;
    }
    if (dpdesk.failed) {
      console.error(`dpdesk impact failed: ${dpdesk.unavailable ?? ""}`);
      return 1;
    }
    return 0;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

let exitCode: number;
try {
  exitCode = await main();
} catch (error) {
  if (runState.signalled) await new Promise(() => undefined); // the signal handler cleans up and exits
  console.error(`bench:impact FAILED: ${String((error as Error).stack ?? error)}`);
  exitCode = 1;
} finally {
  await cleanUp();
}
process.exit(exitCode);
