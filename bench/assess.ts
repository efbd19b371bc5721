/**
 * `npm run bench:assess`: how many breach assessments one core does per second (issue aim: over 100,000), with
 * peers measured in the same run so that the figures read as ratios rather than as absolute numbers that depend
 * on the machine.
 *
 * Everything runs on the main thread, one measurement after another, so each figure is per core. Each
 * measurement warms up, then takes several fixed-duration samples and reports the median.
 */
import { createRequire } from "node:module";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { Engine, type RuleProperties } from "json-rules-engine";
import {
  assessBreach,
  assessRisk,
  causes,
  dataCategories,
  jurisdictionsConcerned,
  natures,
  packInForce,
  parseIncident,
  type Assessment,
  type Incident,
  type IncidentInput,
  type PackId,
} from "../src/index.js";

const aimPerSecond = 100_000;
const incidentCount = 2_000;
const seed = 20_250_625;
const warmUpMs = 2_000;
const samples = 5;
const sampleMs = 1_000;
/** Incidents per timed chunk: the clock is read between chunks, not between operations. */
const chunkSize = 100;

// ---------------------------------------------------------------------------------------------------------------
// A seeded, deterministic set of varied incidents.

/** mulberry32: a small, fast, seeded PRNG (deterministic across runs and machines). */
function prng(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = prng(seed);
const chance = (p: number): boolean => random() < p;
const intBetween = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

function pick<T>(list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error("pick from an empty list");
  return item;
}

/** `count` distinct items of `list`, in a random order. */
function pickSome<T>(list: readonly T[], count: number): T[] {
  const pool = [...list];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0)
    chosen.push(...pool.splice(intBetween(0, pool.length - 1), 1));
  return chosen;
}

const countries = ["GB", "IM", "JE", "GG", "FR", "DE", "IE", "US"] as const;
const hourMs = 3_600_000;
const from2010 = Date.UTC(2010, 0, 1);
const to2026 = Date.UTC(2026, 11, 31, 23, 59);

/** An instant as ISO 8601, half in UTC (`Z`) and half with a `+01:00` offset. */
function isoInstant(epochMs: number, withOffset: boolean): string {
  if (!withOffset) return new Date(epochMs).toISOString().replace(".000Z", "Z");
  return `${new Date(epochMs + hourMs).toISOString().slice(0, 19)}+01:00`;
}

interface Case {
  raw: IncidentInput;
  /** The moment of assessment: from just after awareness to well past the 72 hours. */
  at: number;
}

function makeCase(index: number): Case {
  const awareMs = Math.floor(intBetween(from2010, to2026) / 60_000) * 60_000;
  const withOffset = chance(0.5);
  const raw: IncidentInput = {
    title: `Benchmark incident ${index}`,
    controller: {
      name: `Organisation ${intBetween(1, 500)} Ltd`,
      establishments: pickSome(countries, chance(0.8) ? 1 : 2),
    },
    awareAt: isoInstant(awareMs, withOffset),
  };
  if (chance(0.1)) raw.controller.role = "processor";
  else if (chance(0.5)) raw.controller.role = "controller";
  if (chance(0.3)) raw.description = "What happened, in the organisation's words. ".repeat(intBetween(1, 20));

  // occurredAt <= discoveredAt <= awareAt, each optional.
  const occurredBefore = intBetween(0, 30 * 24) * hourMs;
  const discoveredBefore = Math.floor(random() * occurredBefore);
  if (chance(0.6)) raw.occurredAt = isoInstant(awareMs - occurredBefore, withOffset);
  if (chance(0.4)) raw.discoveredAt = isoInstant(awareMs - discoveredBefore, withOffset);

  if (chance(0.7)) raw.nature = pickSome(natures, intBetween(1, natures.length));
  if (chance(0.85)) raw.cause = pick(causes);
  if (chance(0.9)) raw.dataCategories = pickSome(dataCategories, intBetween(0, 6));

  // 1 to 200,000 people (log-uniform), shared among one to four countries.
  if (chance(0.95)) {
    const total = Math.max(1, Math.round(Math.exp(random() * Math.log(200_000))));
    const places = pickSome(countries, intBetween(1, 4));
    const subjects: Record<string, number> = {};
    let left = total;
    places.forEach((country, i) => {
      const share = i === places.length - 1 ? left : Math.floor(left * (0.5 + random() / 2));
      subjects[country] = share;
      left -= share;
    });
    raw.subjects = subjects;
  }
  if (chance(0.5)) raw.records = intBetween(1, 400_000);

  if (chance(0.7)) {
    const encrypted = chance(0.25);
    const pseudonymised = chance(0.15);
    raw.protection = {
      encrypted,
      // The key (or the means to reverse pseudonymisation) can only be compromised if there is one.
      keyCompromised: (encrypted || pseudonymised) && chance(0.3),
      pseudonymised,
      publiclyAvailable: chance(0.05),
    };
  }
  if (chance(0.1)) raw.likelihood = intBetween(1, 3);
  if (chance(0.1)) raw.impact = intBetween(1, 3);
  if (chance(0.2))
    raw.mitigation = { highRiskNoLongerLikely: chance(0.3), disproportionateEffort: chance(0.3) };

  return { raw, at: awareMs + intBetween(0, 144) * hourMs + intBetween(0, 59) * 60_000 };
}

const cases = Array.from({ length: incidentCount }, (_, index) => makeCase(index));

interface Prepared {
  raw: IncidentInput;
  incident: Incident;
  at: number;
}

const prepared: Prepared[] = cases.map(({ raw, at }, index) => {
  const parsed = parseIncident(raw);
  if (!parsed.ok)
    throw new Error(`benchmark incident ${index} is invalid: ${JSON.stringify(parsed.problems)}`);
  return { raw, incident: parsed.value, at };
});

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < list.length; start += chunkSize) out.push(list.slice(start, start + chunkSize));
  return out;
}
const preparedChunks = chunks(prepared);

// ---------------------------------------------------------------------------------------------------------------
// The peer: the GDPR-family regulator and data-subject threshold decisions in json-rules-engine.

const gdprFamily: ReadonlySet<PackId> = new Set<PackId>([
  "uk-gdpr",
  "isle-of-man",
  "jersey-2018",
  "eu-gdpr",
  "guernsey",
]);

type Kind = "regulator" | "subjects";

/** A rule whose event says which decision it makes; the first rule (lowest order) that holds decides. */
function rule(kind: Kind, order: number, decision: string, conditions: RuleProperties["conditions"]) {
  return { conditions, event: { type: kind, params: { kind, order, decision } } };
}

const always = { all: [] };
const processor = { all: [{ fact: "role", operator: "equal", value: "processor" }] };

/** Scores 1–2 low, 3–4 medium (a person decides; Guernsey: report), 6–9 high. */
function regulatorRules(mediumDecision: string): RuleProperties[] {
  return [
    rule("regulator", 1, "not_required", processor),
    rule("regulator", 2, "not_required", {
      all: [{ fact: "score", operator: "lessThanInclusive", value: 2 }],
    }),
    rule("regulator", 3, mediumDecision, { all: [{ fact: "level", operator: "equal", value: "medium" }] }),
    rule("regulator", 4, "required", always),
  ];
}

const subjectRules: RuleProperties[] = [
  rule("subjects", 1, "not_required", processor),
  rule("subjects", 2, "not_required", { all: [{ fact: "level", operator: "notEqual", value: "high" }] }),
  rule("subjects", 3, "not_required", { all: [{ fact: "unintelligible", operator: "equal", value: true }] }),
  rule("subjects", 4, "not_required", {
    all: [{ fact: "highRiskNoLongerLikely", operator: "equal", value: true }],
  }),
  rule("subjects", 5, "public_communication", {
    all: [{ fact: "disproportionateEffort", operator: "equal", value: true }],
  }),
  rule("subjects", 6, "required", always),
];

/** UK GDPR, Applied GDPR, DPJL 2018 and EU GDPR share one rule set; Guernsey reports medium-risk cases too. */
const engines = {
  gdpr: new Engine([...regulatorRules("judgement"), ...subjectRules]),
  guernsey: new Engine([...regulatorRules("required"), ...subjectRules]),
};

interface PeerDecision {
  regulator: string;
  subjects: string;
}

function firstDecision(events: readonly { params?: Record<string, unknown> }[], kind: Kind): string {
  let best: { order: number; decision: string } | null = null;
  for (const { params } of events) {
    if (params === undefined || params.kind !== kind) continue;
    const order = Number(params.order);
    if (best === null || order < best.order) best = { order, decision: String(params.decision) };
  }
  if (best === null) throw new Error(`json-rules-engine: no ${kind} rule applied`);
  return best.decision;
}

/**
 * The peer's assessment of one incident: dpdesk's `assessRisk` for the risk, dpdesk's `jurisdictionsConcerned`
 * and `packInForce` for the routing, then one json-rules-engine run per rule set the incident needs (not per
 * jurisdiction), giving a decision for each jurisdiction under a GDPR-family pack.
 */
async function peerAssess(incident: Incident): Promise<Map<string, PeerDecision>> {
  const awareMs = Date.parse(incident.awareAt);
  const byEngine = new Map<Engine, string[]>();
  for (const country of jurisdictionsConcerned(incident)) {
    const pack = packInForce(country, awareMs);
    if (pack === null || !gdprFamily.has(pack.id)) continue;
    const engine = pack.id === "guernsey" ? engines.guernsey : engines.gdpr;
    const list = byEngine.get(engine) ?? [];
    list.push(country);
    byEngine.set(engine, list);
  }
  const decisions = new Map<string, PeerDecision>();
  if (byEngine.size === 0) return decisions;
  const risk = assessRisk(incident);
  const facts = {
    role: incident.controller.role,
    score: risk.score,
    level: risk.level,
    unintelligible: incident.protection.encrypted && !incident.protection.keyCompromised,
    highRiskNoLongerLikely: incident.mitigation.highRiskNoLongerLikely,
    disproportionateEffort: incident.mitigation.disproportionateEffort,
  };
  for (const [engine, list] of byEngine) {
    const { events } = await engine.run(facts);
    const decision = {
      regulator: firstDecision(events, "regulator"),
      subjects: firstDecision(events, "subjects"),
    };
    for (const country of list) decisions.set(country, decision);
  }
  return decisions;
}

const peerChunks = chunks(prepared.map(({ incident }) => incident));

// ---------------------------------------------------------------------------------------------------------------
// Sanity checks, once, before timing: the engine works on every incident and the peer decides as dpdesk does.

let failures = 0;
function fail(message: string): void {
  failures += 1;
  if (failures <= 10) console.error(`SANITY CHECK FAILED: ${message}`);
}

const obligationsByPack = new Map<string, number>();
const referenceAssessments: Assessment[] = prepared.map(({ incident, at }, index) => {
  const assessment = assessBreach(incident, { at });
  if (assessment.obligations.length === 0) fail(`incident ${index}: assessBreach returned no obligation`);
  for (const obligation of assessment.obligations) {
    const key = obligation.pack?.id ?? "(no pack)";
    obligationsByPack.set(key, (obligationsByPack.get(key) ?? 0) + 1);
  }
  return assessment;
});

let peerCompared = 0;
for (const [index, { incident }] of prepared.entries()) {
  const peer = await peerAssess(incident);
  for (const obligation of referenceAssessments[index]?.obligations ?? []) {
    const packId = obligation.pack?.id as PackId | undefined;
    if (packId === undefined || !gdprFamily.has(packId)) continue;
    const theirs = peer.get(obligation.jurisdiction);
    const ours = { regulator: obligation.regulator.decision, subjects: obligation.subjects.decision };
    peerCompared += 1;
    if (theirs?.regulator !== ours.regulator || theirs.subjects !== ours.subjects)
      fail(
        `incident ${index}, ${obligation.jurisdiction} (${packId}): dpdesk ${JSON.stringify(ours)}, json-rules-engine ${JSON.stringify(theirs ?? null)}; the peer no longer encodes the same rules`,
      );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Timing.

interface Measurement {
  name: string;
  median: number;
  min: number;
  max: number;
}

/** Blackhole: every timed operation adds to it, so no work can be optimised away. */
let sink = 0;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function summarise(name: string, rates: number[]): Measurement {
  return { name, median: median(rates), min: Math.min(...rates), max: Math.max(...rates) };
}

/** Runs `pass` (over one chunk, returning how many operations it did) for `ms`; returns operations per second. */
function runFor(ms: number, pass: () => number): number {
  const start = performance.now();
  let ops = 0;
  let now: number;
  do {
    ops += pass();
    now = performance.now();
  } while (now - start < ms);
  return (ops * 1000) / (now - start);
}

function measure<T>(name: string, data: readonly T[][], op: (item: T) => number): Measurement {
  let next = 0;
  const pass = (): number => {
    const chunk = data[next] ?? [];
    next = (next + 1) % data.length;
    for (const item of chunk) sink += op(item);
    return chunk.length;
  };
  runFor(warmUpMs, pass);
  const rates = Array.from({ length: samples }, () => runFor(sampleMs, pass));
  return summarise(name, rates);
}

async function runForAsync(ms: number, pass: () => Promise<number>): Promise<number> {
  const start = performance.now();
  let ops = 0;
  let now: number;
  do {
    ops += await pass();
    now = performance.now();
  } while (now - start < ms);
  return (ops * 1000) / (now - start);
}

async function measureAsync<T>(
  name: string,
  data: readonly T[][],
  op: (item: T) => Promise<number>,
): Promise<Measurement> {
  let next = 0;
  const pass = async (): Promise<number> => {
    const chunk = data[next] ?? [];
    next = (next + 1) % data.length;
    for (const item of chunk) sink += await op(item);
    return chunk.length;
  };
  await runForAsync(warmUpMs, pass);
  const rates: number[] = [];
  for (let i = 0; i < samples; i += 1) rates.push(await runForAsync(sampleMs, pass));
  return summarise(name, rates);
}

/** Counted during the timed runs too: an assessment without an obligation means a broken engine. */
let emptyAssessments = 0;
function obligationsOf(assessment: Assessment): number {
  const count = assessment.obligations.length;
  if (count === 0) emptyAssessments += 1;
  return count;
}

const rawChunks = chunks(cases);
const cpus = os.cpus();
const require = createRequire(import.meta.url);
const peerVersion = (require("json-rules-engine/package.json") as { version: string }).version;
const pct = (n: number) => `${((n / incidentCount) * 100).toFixed(0)}%`;

console.log("dpdesk bench:assess — assessments per second on one thread (per core)");
console.log(
  `Machine: ${cpus[0]?.model.trim() ?? "unknown CPU"}, ${cpus.length} cores (available parallelism ${os.availableParallelism()}), Node ${process.version}, ${os.platform()} ${os.arch()}`,
);
console.log(
  `Incidents: ${incidentCount} seeded (seed ${seed}), all valid; ${referenceAssessments.reduce((n, a) => n + a.obligations.length, 0)} obligations; ` +
    `processor ${pct(prepared.filter((p) => p.incident.controller.role === "processor").length)}, ` +
    `encrypted ${pct(prepared.filter((p) => p.incident.protection.encrypted).length)}`,
);
console.log(
  `Obligations by pack: ${[...obligationsByPack]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([pack, n]) => `${pack} ${n}`)
    .join(", ")}`,
);
console.log(
  `Peer check: json-rules-engine and dpdesk ${failures === 0 ? "agree on all" : "DISAGREE on some of"} ${peerCompared} GDPR-family obligations (regulator and subjects decisions)`,
);
console.log(
  `Method: warm-up ${warmUpMs} ms, then ${samples} samples of ${sampleMs} ms each; median shown, with the sample range`,
);
if (failures > 0) {
  console.error(`${failures} sanity check(s) failed; not timing a broken engine.`);
  process.exit(1);
}
console.log("");

const results: Measurement[] = [];
results.push(
  measure("(a) dpdesk assessBreach, validated incidents", preparedChunks, ({ incident, at }) =>
    obligationsOf(assessBreach(incident, { at })),
  ),
);
results.push(
  measure("(b) dpdesk parseIncident + assessBreach, raw objects", rawChunks, ({ raw, at }) => {
    const parsed = parseIncident(raw);
    if (!parsed.ok) throw new Error("a benchmark incident failed validation during timing");
    return obligationsOf(assessBreach(parsed.value, { at }));
  }),
);
results.push(
  measure("    breakdown: dpdesk parseIncident only", rawChunks, ({ raw }) =>
    parseIncident(raw).ok ? 1 : 0,
  ),
);
results.push(
  await measureAsync(
    `(c) peer: json-rules-engine ${peerVersion}, GDPR-family decisions*`,
    peerChunks,
    async (incident) => (await peerAssess(incident)).size,
  ),
);
results.push(
  measure("    floor: JSON.parse(JSON.stringify(raw incident))", rawChunks, ({ raw }) => {
    const copy = JSON.parse(JSON.stringify(raw)) as IncidentInput;
    return copy.title.length;
  }),
);

const reference = results[0]?.median ?? NaN;
const fmt = (n: number) => Math.round(n).toLocaleString("en-GB");
const nameWidth = Math.max(...results.map((r) => r.name.length));
const header = `${"Measurement".padEnd(nameWidth)}  ${"ops/s".padStart(11)}  ${"sample range".padStart(23)}  ${"vs (a)".padStart(7)}`;
console.log(header);
console.log("-".repeat(header.length));
for (const r of results)
  console.log(
    `${r.name.padEnd(nameWidth)}  ${fmt(r.median).padStart(11)}  ${`${fmt(r.min)}–${fmt(r.max)}`.padStart(23)}  ${`${(r.median / reference).toFixed(2)}×`.padStart(7)}`,
  );
console.log("");
console.log(
  "* Per incident: dpdesk's assessRisk gives the risk score and level (facts), dpdesk's jurisdictionsConcerned and packInForce route",
);
console.log(
  "  each jurisdiction; then one json-rules-engine run per rule set needed (GDPR family; Guernsey) decides the regulator and",
);
console.log(
  "  data-subject duties. It produces two decisions per jurisdiction, no reasons, deadlines, notice contents or Jersey 2005 rules.",
);
console.log("");

if (emptyAssessments > 0) {
  console.error(`SANITY CHECK FAILED: ${emptyAssessments} timed assessment(s) had no obligation.`);
  process.exitCode = 1;
}
if (sink === 0) {
  console.error("SANITY CHECK FAILED: the timed operations produced nothing.");
  process.exitCode = 1;
}

const ratio = reference / aimPerSecond;
console.log(
  `Aim: (a) ${fmt(reference)} assessments/s on one core vs the aim of over ${fmt(aimPerSecond)}/s per core: ` +
    `${ratio.toFixed(2)}× the aim, ${reference > aimPerSecond ? "MET" : "NOT MET"}`,
);
