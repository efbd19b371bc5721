/**
 * `npm run bench:api`: the HTTP API under load, with the framework's ceiling measured in the same run so that
 * the figures read as ratios. Issue aims: `POST /api/v1/assess` at least half the throughput of a bare route of
 * the same framework (Fastify 5); `POST /api/v1/breaches` on PostgreSQL at 1,000 per second on 2 cores with a
 * p99 under 50 ms.
 *
 * In one run: creates a fresh PostgreSQL database (dropped at the end), starts the bare server
 * (bench/bare-server.ts) and `dpdesk serve` in child processes, creates organisations with the CLI, then loads
 * each target with autocannon from a separate child process (this file with `--load-worker`) on loopback.
 * Each measurement is preceded by a warm-up. Every child is stopped and the database dropped on exit, errors
 * and Ctrl-C included.
 *
 *   npm run bench:api                         # 10 s per measurement
 *   npm run bench:api -- --quick              # 3 s per measurement, shorter warm-up (smoke run)
 *   npm run bench:api -- --duration 20 --connections 64 --pools 8,20,40
 *
 * Options: --duration N (seconds per measurement, default 10), --quick (3 s each, 1 s warm-up), --connections N
 * (default 50), --rate N (the offered rate of the fixed-rate breaches rows, default 1000), --pools a,b,c
 * (DPDESK_DB_POOL sizes to compare for POST /breaches, restarting dpdesk for each; default $DPDESK_DB_POOL or 8, the product default),
 * --orgs N (also spread the breaches over N organisations, to separate the per-organisation audit lock from the
 * rest), --bin PATH (the dpdesk command to start, default bin/dpdesk.js, e.g. to compare another build), --cpu-prof
 * DIR (write a V8 CPU profile of each dpdesk server process to DIR).
 * Environment: BENCH_DATABASE_URL (default $DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test) is the
 * server to create the benchmark database on; its query string (e.g. ?options=-c%20synchronous_commit%3Doff) is
 * kept for dpdesk's connections.
 *
 * The CPU columns come from /proc (Linux): server, PostgreSQL (all its processes), load generator and everything
 * else, in cores; rows where other processes used over a quarter of a core are marked, as their figures are low.
 * The PostgreSQL session states (sampled from pg_stat_activity) show where the pool's connections wait.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import os from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { machineTicks, postgresTicks, processTicks } from "./machine.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const thisFile = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------------------------
// The load generator: this file run with --load-worker in its own process. Reads its options from the
// environment, prints `measuring` when the timed run starts and one line of JSON (the summary) when it ends.

interface LoadOptions {
  url: string;
  /** Bearer tokens, used in turn (one per organisation); none for the bare server. */
  tokens: string[];
  connections: number;
  warmUpSeconds: number;
  durationSeconds: number;
  /** Requests per second offered by all connections together; null: as fast as the server answers. */
  overallRate: number | null;
  /** The request body with `"@@TITLE@@"` where each request's own title goes. */
  bodyTemplate: string;
  titlePrefix: string;
}

interface LoadSummary {
  seconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  reqPerSec: number;
  latency: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** CPU used by the load generator during the timed run, as a share of one core. */
  cpuCores: number;
}

async function loadWorker(): Promise<void> {
  const options = JSON.parse(process.env.BENCH_LOAD_OPTIONS ?? "{}") as LoadOptions;
  const [before = "", after = ""] = options.bodyTemplate.split('"@@TITLE@@"');
  let counter = 0;
  const run = (seconds: number) =>
    autocannon({
      url: options.url,
      connections: options.connections,
      pipelining: 1,
      duration: seconds,
      timeout: 30,
      ...(options.overallRate === null ? {} : { overallRate: options.overallRate }),
      headers: { "content-type": "application/json" },
      requests: [
        {
          method: "POST",
          setupRequest: (request) => {
            counter += 1;
            const token = options.tokens[counter % Math.max(1, options.tokens.length)];
            return {
              ...request,
              ...(token === undefined
                ? {}
                : { headers: { ...request.headers, authorization: `Bearer ${token}` } }),
              body: `${before}${JSON.stringify(`${options.titlePrefix} ${counter}`)}${after}`,
            };
          },
        },
      ],
    });
  if (options.warmUpSeconds > 0) await run(options.warmUpSeconds);
  process.stdout.write("measuring\n");
  const cpuBefore = process.cpuUsage();
  const startedAt = process.hrtime.bigint();
  const result = await run(options.durationSeconds);
  const cpu = process.cpuUsage(cpuBefore);
  const wallUs = Number(process.hrtime.bigint() - startedAt) / 1000;
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stats.count ?? 0;
  const summary: LoadSummary = {
    seconds: result.duration,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    reqPerSec: result["2xx"] / result.duration,
    latency: {
      mean: result.latency.mean,
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    cpuCores: (cpu.user + cpu.system) / wallUs,
  };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

if (process.argv.includes("--load-worker")) {
  await loadWorker();
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------------------------
// Options.

const { values: flags } = parseArgs({
  options: {
    duration: { type: "string" },
    quick: { type: "boolean", default: false },
    connections: { type: "string", default: "50" },
    rate: { type: "string", default: "1000" },
    pools: { type: "string" },
    orgs: { type: "string", default: "1" },
    bin: { type: "string", default: "bin/dpdesk.js" },
    "cpu-prof": { type: "string" },
  },
  strict: true,
});

function positiveInt(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name}: must be a whole number of at least 1 (got "${value}")`);
    process.exit(2);
  }
  return n;
}

const durationSeconds = positiveInt("duration", flags.duration ?? (flags.quick ? "3" : "10"));
const warmUpSeconds = flags.quick ? 1 : Math.min(3, Math.max(1, Math.round(durationSeconds / 4)));
const connections = positiveInt("connections", flags.connections);
const offeredRate = positiveInt("rate", flags.rate);
const pools = (flags.pools ?? process.env.DPDESK_DB_POOL ?? "8")
  .split(",")
  .map((value) => positiveInt("pools", value.trim()));
const orgCount = positiveInt("orgs", flags.orgs);
const dpdeskBin = flags.bin;
const cpuProfDir = flags["cpu-prof"];
const adminUrl =
  process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const p99AimMs = 50;
const breachesAimPerSecond = 1_000;
const assessAimRatio = 0.5;

// ---------------------------------------------------------------------------------------------------------------
// Children and clean-up: whatever happens, every child is stopped and the database dropped.

const children = new Set<ChildProcess>();
let databaseName: string | null = null;
let cleaningUp: Promise<void> | null = null;

function databaseUrl(name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    children.delete(child);
    return;
  }
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      resolve();
    });
  });
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
  children.delete(child);
}

async function dropDatabase(name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [name]);
    await client.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await client.end();
  }
}

function cleanUp(): Promise<void> {
  cleaningUp ??= (async () => {
    await Promise.all([...children].map((child) => stopChild(child)));
    if (databaseName !== null) {
      const name = databaseName;
      databaseName = null;
      try {
        await dropDatabase(name);
      } catch (error) {
        console.error(`bench:api: could not drop database ${name}: ${String(error)}`);
      }
    }
  })();
  return cleaningUp;
}

const runState = { signalled: false };
// `on`, not `once`: a second signal (Ctrl-C reaches the whole process group, and tsx relays it too) must not end
// the process before the clean-up has finished.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.on(signal, () => {
    if (runState.signalled) return;
    runState.signalled = true;
    console.error(`\nbench:api: ${signal}, stopping children and dropping the database`);
    void cleanUp().finally(() => process.exit(130));
  });

/** The output of each server child, shown when a run fails. */
const serverOutputs = new Map<string, () => string>();

class BenchFailure extends Error {
  override readonly name = "BenchFailure";
}

/** Starts a child; its output is kept (the last 20 kB) to show if it fails. */
function startChild(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  child.on("exit", () => children.delete(child));
  child.on("error", (error) => {
    output += `\n(${name}: ${error.message})`;
  });
  return { child, output: () => output };
}

/** Runs a child to completion; returns its stdout, or throws with its output. */
async function runToEnd(name: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { child, output } = startChild(name, args, env);
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString("utf8");
  });
  const code = await exitOf(child);
  if (code !== 0) throw new BenchFailure(`${name} exited with ${code}:\n${output()}`);
  return stdout;
}

function exitNote(child: ChildProcess): string {
  if (child.exitCode !== null) return `\n(exited with code ${child.exitCode})`;
  if (child.signalCode !== null) return `\n(killed by ${child.signalCode})`;
  return "";
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => {
    child.once("exit", (code) => {
      resolve(code);
    });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

async function waitUntilReady(
  name: string,
  url: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new BenchFailure(`${name} exited before it was ready:\n${output()}`);
    try {
      const response = await fetch(url, { method: "GET" });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new BenchFailure(`${name} not ready after 60 s:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// CPU accounting from /proc (Linux): the server, PostgreSQL and the whole machine during each timed run.

const clockTicks = 100;

interface CpuSample {
  at: number;
  server: number;
  postgres: number;
  machine: { busy: number; total: number };
}

function sampleCpu(serverPid: number): CpuSample {
  return {
    at: performance.now(),
    server: processTicks(serverPid),
    // The processes alive at each sample only (no cutime): a backend that ends during a row lowers "CPU pg".
    postgres: postgresTicks(),
    machine: machineTicks(),
  };
}

interface CpuUse {
  server: number;
  postgres: number;
  machineBusy: number;
}

function cpuBetween(a: CpuSample, b: CpuSample): CpuUse {
  const seconds = (b.at - a.at) / 1000;
  const cores = os.cpus().length;
  return {
    server: (b.server - a.server) / clockTicks / seconds,
    postgres: (b.postgres - a.postgres) / clockTicks / seconds,
    machineBusy: ((b.machine.busy - a.machine.busy) / (b.machine.total - a.machine.total)) * cores,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL sessions of the benchmark database during a run: what the pool's connections are doing.

interface SessionStates {
  samples: number;
  /** Mean number of sessions in each state: running, waiting on a lock, waiting on WAL/IO, idle in transaction. */
  mean: Record<string, number>;
}

function watchSessions(name: string): { stop: () => Promise<SessionStates> } {
  const client = new pg.Client({ connectionString: adminUrl });
  const totals: Record<string, number> = {};
  let samples = 0;
  const control = { running: true };
  const loop = (async () => {
    await client.connect();
    while (control.running) {
      const { rows } = await client.query<{ bucket: string; n: number }>(
        `select case
           when state = 'active' and wait_event_type = 'Lock' then 'lock wait (' || wait_event || ')'
           when state = 'active' and wait_event_type is not null then 'wait ' || wait_event_type || ':' || wait_event
           when state = 'active' then 'running'
           else coalesce(state, 'unknown') end as bucket, count(*)::int as n
         from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()
         group by 1`,
        [name],
      );
      samples += 1;
      for (const row of rows) totals[row.bucket] = (totals[row.bucket] ?? 0) + row.n;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await client.end();
  })();
  return {
    async stop() {
      control.running = false;
      await loop;
      const mean: Record<string, number> = {};
      for (const [bucket, total] of Object.entries(totals)) mean[bucket] = total / Math.max(1, samples);
      return { samples, mean };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// A measurement: the load generator in its own process against one target.

interface Measurement {
  name: string;
  load: LoadSummary;
  cpu: CpuUse;
  sessions: SessionStates | null;
  offered: number | null;
}

const incidentJson = readFileSync(join(root, "examples/prospect-union-2025.json"), "utf8");
const bodyTemplate = JSON.stringify({ ...(JSON.parse(incidentJson) as object), title: "@@TITLE@@" });

async function measure(
  name: string,
  target: { url: string; tokens: string[]; serverPid: number },
  options: { overallRate?: number; watchDatabase?: string } = {},
): Promise<Measurement> {
  const loadOptions: LoadOptions = {
    url: target.url,
    tokens: target.tokens,
    connections,
    warmUpSeconds,
    durationSeconds,
    overallRate: options.overallRate ?? null,
    bodyTemplate,
    titlePrefix: `Benchmark incident ${randomBytes(3).toString("hex")}`,
  };
  process.stderr.write(`  ${name}: ${warmUpSeconds} s warm-up, ${durationSeconds} s measured... `);
  const { child, output } = startChild("load generator", ["--import", "tsx", thisFile, "--load-worker"], {
    ...process.env,
    BENCH_LOAD_OPTIONS: JSON.stringify(loadOptions),
  });
  const state: {
    before: CpuSample | null;
    after: CpuSample | null;
    watcher: ReturnType<typeof watchSessions> | null;
    summaryLine: string;
  } = { before: null, after: null, watcher: null, summaryLine: "" };
  let buffered = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffered += chunk.toString("utf8");
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line === "measuring") {
        state.before = sampleCpu(target.serverPid);
        if (options.watchDatabase !== undefined) state.watcher = watchSessions(options.watchDatabase);
      } else if (line.startsWith("{")) {
        state.after = sampleCpu(target.serverPid);
        state.summaryLine = line;
      }
    }
  });
  const code = await exitOf(child);
  const sessions = state.watcher === null ? null : await state.watcher.stop();
  const { before, after, summaryLine } = state;
  if (code !== 0 || summaryLine === "" || before === null || after === null)
    throw new BenchFailure(`the load generator failed (exit ${code}):\n${output()}`);
  const load = JSON.parse(summaryLine) as LoadSummary;
  process.stderr.write(`${Math.round(load.reqPerSec).toLocaleString("en-GB")} req/s\n`);
  if (load.non2xx > 0 || load.errors > 0 || load.timeouts > 0) {
    let probe: string;
    try {
      const response = await fetch(target.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(target.tokens[0] === undefined ? {} : { authorization: `Bearer ${target.tokens[0]}` }),
        },
        body: bodyTemplate.replace('"@@TITLE@@"', '"probe"'),
      });
      probe = `${response.status} ${(await response.text()).slice(0, 500)}`;
    } catch (error) {
      probe = String(error);
    }
    throw new BenchFailure(
      `${name}: ${load.non2xx} non-2xx responses, ${load.errors} errors, ${load.timeouts} timeouts ` +
        `(status codes ${JSON.stringify(load.statusCodes)}); a probe request now gives: ${probe}`,
    );
  }
  return { name, load, cpu: cpuBetween(before, after), sessions, offered: options.overallRate ?? null };
}

// ---------------------------------------------------------------------------------------------------------------
// The servers.

async function startBare(largeResponse: string): Promise<{ base: string; pid: number }> {
  const port = await freePort();
  const { child, output } = startChild("bare server", ["--import", "tsx", join(here, "bare-server.ts")], {
    ...process.env,
    HOST: "127.0.0.1",
    PORT: String(port),
    BARE_LARGE_RESPONSE: largeResponse,
  });
  serverOutputs.set("bare server", output);
  await waitUntilReady("bare server", `http://127.0.0.1:${port}/`, child, output);
  return { base: `http://127.0.0.1:${port}`, pid: child.pid ?? NaN };
}

async function startDpdesk(
  env: NodeJS.ProcessEnv,
  pool: number,
): Promise<{ base: string; pid: number; child: ChildProcess }> {
  const port = await freePort();
  const args = [
    ...(cpuProfDir === undefined ? [] : ["--cpu-prof", "--cpu-prof-dir", cpuProfDir]),
    dpdeskBin,
    "serve",
  ];
  const { child, output } = startChild("dpdesk serve", args, {
    ...env,
    HOST: "127.0.0.1",
    PORT: String(port),
    DPDESK_DB_POOL: String(pool),
  });
  const base = `http://127.0.0.1:${port}`;
  serverOutputs.set(`dpdesk serve (pool ${pool})`, () => `${output()}${exitNote(child)}`);
  await waitUntilReady("dpdesk serve", `${base}/healthz`, child, output);
  return { base, pid: child.pid ?? NaN, child };
}

// ---------------------------------------------------------------------------------------------------------------
// The run.

const fmt = (n: number) => Math.round(n).toLocaleString("en-GB");
const ms = (n: number) => (n < 10 ? n.toFixed(1) : fmt(n));
const cores = (n: number) => (Number.isNaN(n) ? "?" : n.toFixed(2));

async function main(): Promise<number> {
  const cpus = os.cpus();
  const require = createRequire(import.meta.url);
  const versionOf = (name: string) => (require(`${name}/package.json`) as { version: string }).version;

  const idleBefore = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const idleAfter = machineTicks();
  const background =
    ((idleAfter.busy - idleBefore.busy) / (idleAfter.total - idleBefore.total)) * cpus.length;

  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let pgInfo: string;
  try {
    const { rows } = await admin.query<{ v: string; sc: string; fsync: string; sb: string; mc: string }>(
      `select current_setting('server_version') as v, current_setting('synchronous_commit') as sc,
              current_setting('fsync') as fsync, current_setting('shared_buffers') as sb,
              current_setting('max_connections') as mc`,
    );
    const row = rows[0];
    pgInfo =
      row === undefined
        ? "PostgreSQL"
        : `PostgreSQL ${row.v} (synchronous_commit=${row.sc}, fsync=${row.fsync}, shared_buffers=${row.sb}, max_connections=${row.mc})`;
    const name = `dpdesk_bench_${randomBytes(6).toString("hex")}`;
    await admin.query(`create database "${name}"`);
    databaseName = name;
  } finally {
    await admin.end();
  }
  const dbName = databaseName;
  const serverEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl(dbName),
    LOG_LEVEL: "warn",
  };
  delete serverEnv.DPDESK_DATA_DIR;
  // A key for this run only (a key file would be made in the working directory).
  serverEnv.DPDESK_DATA_KEY = randomBytes(32).toString("base64");

  console.log("dpdesk bench:api — the HTTP API under load from a separate process on loopback");
  console.log(
    `Machine: ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores (available parallelism ${os.availableParallelism()}), ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`,
  );
  console.log(`Database: ${pgInfo}, on ${new URL(adminUrl).host}, fresh database ${dbName}`);
  console.log(
    `Load: autocannon ${versionOf("autocannon")} in its own process, ${connections} connections, pipelining 1, ` +
      `${warmUpSeconds} s warm-up then ${durationSeconds} s measured per row; a different title in each request body`,
  );
  console.log(
    `Servers: fastify ${versionOf("fastify")}; dpdesk serve with LOG_LEVEL=warn, DPDESK_DB_POOL=${pools.join(", ")}; ` +
      `breaches filed in 1 organisation${orgCount > 1 ? ` and spread over ${orgCount}` : ""}` +
      (cpuProfDir === undefined ? "" : `, CPU profiles in ${cpuProfDir}`),
  );
  console.log(
    `Background load before the run: ${cores(background)} of ${cpus.length} cores busy` +
      (background > 0.2
        ? " — WARNING: other processes are using the CPU; the figures will be low and noisy"
        : ""),
  );
  console.log(
    "Note: server, PostgreSQL and load generator share these cores; the CPU columns show each one's share (1.00 = one core);" +
      " 'other' is everything else on the machine during the row; 'srv+pg ms/req' is the CPU time server and PostgreSQL" +
      " spend per request.",
  );
  console.log("");

  process.stderr.write("Starting dpdesk and the bare Fastify server...\n");
  const firstPool = pools[0] ?? 8;
  let dpdesk = await startDpdesk(serverEnv, firstPool);
  const createOrg = async (index: number) =>
    JSON.parse(
      await runToEnd(
        "dpdesk org create",
        [
          dpdeskBin,
          "org",
          "create",
          "--name",
          `Benchmark ${index + 1} Ltd`,
          "--owner-email",
          `bench${index + 1}@example.org`,
          "--json",
        ],
        serverEnv,
      ),
    ) as { orgId: string; token: string };
  const tokens: string[] = [];
  for (let index = 0; index < orgCount; index += 1) tokens.push((await createOrg(index)).token);
  const oneOrg = tokens.slice(0, 1);

  // One real assessment response, for the bare server's same-size route.
  const sample = await fetch(`${dpdesk.base}/api/v1/assess`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${oneOrg[0] ?? ""}` },
    body: bodyTemplate.replace('"@@TITLE@@"', '"sample"'),
  });
  const sampleText = await sample.text();
  if (sample.status !== 200)
    throw new BenchFailure(`POST /api/v1/assess answered ${sample.status}: ${sampleText.slice(0, 500)}`);
  const bare = await startBare(sampleText);

  const results: Measurement[] = [];
  const bareRun = await measure("(a) bare Fastify POST /assess, small constant JSON", {
    url: `${bare.base}/assess`,
    tokens: [],
    serverPid: bare.pid,
  });
  results.push(bareRun);
  const bareLargeRun = await measure(
    `(b) bare Fastify POST /assess-large, constant ${(Buffer.byteLength(sampleText) / 1024).toFixed(1)} kB JSON`,
    { url: `${bare.base}/assess-large`, tokens: [], serverPid: bare.pid },
  );
  results.push(bareLargeRun);
  const assessRun = await measure("(c) dpdesk POST /api/v1/assess", {
    url: `${dpdesk.base}/api/v1/assess`,
    tokens: oneOrg,
    serverPid: dpdesk.pid,
  });
  results.push(assessRun);

  const breachRuns: { pool: number; orgs: number; max: Measurement; fixed: Measurement }[] = [];
  let letter = "d".charCodeAt(0);
  const nextLetter = () => String.fromCharCode(letter++);
  for (const [index, pool] of pools.entries()) {
    if (index > 0) {
      await stopChild(dpdesk.child);
      dpdesk = await startDpdesk(serverEnv, pool);
    }
    for (const orgTokens of orgCount > 1 ? [oneOrg, tokens] : [oneOrg]) {
      const orgs = orgTokens.length;
      const target = { url: `${dpdesk.base}/api/v1/breaches`, tokens: orgTokens, serverPid: dpdesk.pid };
      const label = `dpdesk POST /api/v1/breaches, pool ${pool}, ${orgs} org${orgs === 1 ? "" : "s"}`;
      const max = await measure(`(${nextLetter()}) ${label}, closed loop`, target, { watchDatabase: dbName });
      const fixed = await measure(`(${nextLetter()}) ${label}, ${fmt(offeredRate)}/s offered`, target, {
        overallRate: offeredRate,
        watchDatabase: dbName,
      });
      breachRuns.push({ pool, orgs, max, fixed });
      results.push(max, fixed);
    }
  }
  await stopChild(dpdesk.child);

  // The table.
  const nameWidth = Math.max(...results.map((r) => r.name.length));
  const header =
    `${"Measurement".padEnd(nameWidth)}  ${"req/s".padStart(7)}  ${"p50 ms".padStart(6)}  ${"p90 ms".padStart(6)}  ` +
    `${"p99 ms".padStart(6)}  ${"max ms".padStart(6)}  ${"non-2xx".padStart(7)}  ` +
    `${"CPU srv".padStart(7)}  ${"CPU pg".padStart(6)}  ${"CPU load".padStart(8)}  ${"CPU other".padStart(9)}  ` +
    "srv+pg ms/req";
  console.log(header);
  console.log("-".repeat(header.length));
  const otherOf = (r: Measurement) => r.cpu.machineBusy - r.cpu.server - r.cpu.postgres - r.load.cpuCores;
  for (const r of results)
    console.log(
      `${r.name.padEnd(nameWidth)}  ${fmt(r.load.reqPerSec).padStart(7)}  ${ms(r.load.latency.p50).padStart(6)}  ` +
        `${ms(r.load.latency.p90).padStart(6)}  ${ms(r.load.latency.p99).padStart(6)}  ${ms(r.load.latency.max).padStart(6)}  ` +
        `${String(r.load.non2xx).padStart(7)}  ${cores(r.cpu.server).padStart(7)}  ${cores(r.cpu.postgres).padStart(6)}  ` +
        `${cores(r.load.cpuCores).padStart(8)}  ${`${otherOf(r) > 0.25 ? "!" : ""}${cores(otherOf(r))}`.padStart(9)}  ` +
        (((r.cpu.server + r.cpu.postgres) * 1000) / r.load.reqPerSec).toFixed(2).padStart(13),
    );
  const disturbed = results.filter((r) => otherOf(r) > 0.25).length;
  if (disturbed > 0)
    console.log(
      `WARNING: in ${disturbed} row(s) marked !, other processes used over a quarter of a core: those figures are low.`,
    );
  console.log("");
  console.log(
    "PostgreSQL sessions of the benchmark database during the breaches runs (mean count, sampled every 100 ms):",
  );
  for (const r of results) {
    if (r.sessions === null) continue;
    const parts = Object.entries(r.sessions.mean)
      .sort(([, a], [, b]) => b - a)
      .map(([bucket, n]) => `${bucket} ${n.toFixed(1)}`);
    console.log(`  ${r.name.slice(0, 3)}: ${parts.join(", ")}`);
  }
  console.log("");

  const ratio = assessRun.load.reqPerSec / bareRun.load.reqPerSec;
  const verdict = (met: boolean) => (met ? "MET" : "NOT MET");
  console.log("Aims:");
  console.log(
    `  dpdesk POST /api/v1/assess / bare POST /assess: ${fmt(assessRun.load.reqPerSec)} / ${fmt(bareRun.load.reqPerSec)} = ` +
      `${ratio.toFixed(2)} (aim >= ${assessAimRatio.toFixed(2)}): ${verdict(ratio >= assessAimRatio)}`,
  );
  console.log(
    `    for reference, bare POST /assess-large (same response bytes as dpdesk) / bare POST /assess = ` +
      `${(bareLargeRun.load.reqPerSec / bareRun.load.reqPerSec).toFixed(2)}; dpdesk / bare POST /assess-large = ` +
      (assessRun.load.reqPerSec / bareLargeRun.load.reqPerSec).toFixed(2),
  );
  for (const { pool, orgs, max, fixed } of breachRuns) {
    const throughputRatio = max.load.reqPerSec / breachesAimPerSecond;
    const sustained = fixed.load.reqPerSec >= 0.95 * offeredRate;
    const which = `POST /api/v1/breaches (pool ${pool}, ${orgs} org${orgs === 1 ? "" : "s"})`;
    console.log(
      `  ${which} throughput: ${fmt(max.load.reqPerSec)} req/s = ${throughputRatio.toFixed(2)}x ` +
        `the ${fmt(breachesAimPerSecond)}/s aim: ${verdict(max.load.reqPerSec >= breachesAimPerSecond)}`,
    );
    console.log(
      `  ${which} at ${fmt(offeredRate)} req/s offered: ${fmt(fixed.load.reqPerSec)} req/s served` +
        `${sustained ? "" : " (rate NOT sustained)"}, p99 ${ms(fixed.load.latency.p99)} ms = ` +
        `${(fixed.load.latency.p99 / p99AimMs).toFixed(2)}x the ${p99AimMs} ms aim: ` +
        verdict(sustained && fixed.load.latency.p99 < p99AimMs),
    );
  }
  if (pools.length > 1)
    for (const orgs of new Set(breachRuns.map((run) => run.orgs))) {
      const best = breachRuns
        .filter((run) => run.orgs === orgs)
        .sort((a, b) => b.max.load.reqPerSec - a.max.load.reqPerSec)[0];
      if (best !== undefined)
        console.log(
          `  Best DPDESK_DB_POOL for POST /api/v1/breaches throughput with ${orgs} org${orgs === 1 ? "" : "s"}: ${best.pool}`,
        );
    }
  console.log("");
  console.log(
    `Closed-loop rows: ${connections} connections each send the next request when the last is answered, so latency is about` +
      ` ${connections} / throughput. Fixed-rate rows offer ${fmt(offeredRate)} req/s over the same connections; their latency` +
      " leaves out time a request waited for a free connection (coordinated omission), so read it with the served rate.",
  );
  return 0;
}

let exitCode: number;
try {
  exitCode = await main();
} catch (error) {
  if (runState.signalled) await new Promise(() => undefined); // the signal handler cleans up and exits
  console.error("");
  console.error(
    `bench:api FAILED: ${error instanceof BenchFailure ? error.message : String((error as Error).stack ?? error)}`,
  );
  for (const [name, output] of serverOutputs)
    console.error(`\n--- ${name} output (last 20 kB) ---\n${output()}`);
  exitCode = 1;
} finally {
  await cleanUp();
}
process.exit(exitCode);
