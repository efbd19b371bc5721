/**
 * `npm run bench:letters`: how fast dpdesk turns the people affected by a breach into personalised letters as
 * PDF, against a peer measured in the same run: the same letter's HTML printed to PDF by Chromium. Aim (from the
 * issue): at least 2,000 letters per second on 2 cores.
 *
 * In one run:
 *   - generates 160,000 seeded synthetic recipients of a union breach (examples/prospect-union-2025.json): names
 *     (some with accents or apostrophes: Zoë, Łukasz, O'Brien), 2–4 address lines and a postcode, e-mail for
 *     most, a varied subset of data categories each, 64-hex ids, and exactly the example's jurisdiction mix
 *     (154,800 GB, 2,200 IM, 1,700 JE, 1,300 GG: 96.75%, 1.375%, 1.0625%, 0.8125%);
 *   - (a) dpdesk: `writeLetterFiles` (what `dpdesk letters --out DIR` runs) from the built dist/, with 2 worker
 *     threads, one PDF per person plus the merged letters.pdf and manifest.csv; then (b) the same with the merged
 *     PDF only (`--no-single`). Each runs once (see --runs), in a child process of its own: plain Node, as
 *     bin/dpdesk.js runs (not tsx, whose loader the worker threads would inherit), under `/usr/bin/time -v` for
 *     its peak RSS when that exists. The child reads the context and the people as JSON (as `dpdesk letters` gets
 *     them from the API) before the clock starts and hands the people over in pages of 1,000, as the API gives
 *     them. The time is that of the `writeLetterFiles` call alone (worker start-up included; Node start-up and
 *     reading the JSON not). Files go to a temporary directory, into the page cache (nothing is fsynced), and are
 *     removed after they are checked;
 *   - checks against the generated ground truth (any failure exits 1): the manifest has every person once, in
 *     order, with their jurisdiction and their regulator; the counts per jurisdiction; the merged PDF's structure
 *     (every cross-reference offset points at its object; the page tree's kids equal its /Count and the sum of
 *     the manifest's pages) and pdf.js's page count; pages of the merged PDF and a sample of the individual PDFs
 *     read back with pdf.js (pdfjs-dist): page count as in the manifest, the person's name, the breach reference,
 *     the "especially sensitive" sentence exactly when they have special category data, and their own regulator
 *     in the complaint paragraph (an Isle of Man person's names the Isle of Man Information Commissioner, a
 *     Guernsey person's the ODPA);
 *   - (c) the peer: Chromium (/usr/bin/chromium through playwright-core) prints a sample of the same letters
 *     (default 300, spread over the list) from their HTML (`buildSubjectLetter(context, r)`, then
 *     `renderLetterHtml`, which escapes it) with `page.setContent` + `page.pdf({ format: "A4" })`, 2 pages in parallel, each PDF
 *     written to a temporary directory. Only the printing is timed (set content, print, write the file), after
 *     the launch and a warm-up of 4 letters; the HTML is built beforehand. Its letters/s is extrapolated to all
 *     the people, and the table says so. Its PDFs are read back with pdf.js for the same name and regulator
 *     checks. Without Chromium the peer is skipped, with a message, and dpdesk still runs.
 *
 *   npm run bench:letters                          # 160,000 people, 300 letters through Chromium
 *   npm run bench:letters -- --people 20000 --chromium-sample 100
 *
 * Options: --people N (default 160,000), --chromium-sample N (default 300; 0 skips the peer), --seed N (default
 * 20250625), --workers N (dpdesk's worker threads, default 2), --verify-sample N (individual PDFs read back,
 * default 40), --runs N (time each dpdesk run N times and show the median; the first run's files are checked;
 * default 1), --chromium PATH (default /usr/bin/chromium). --child, --mode and --out are internal (the child process's run).
 *
 * Each row also shows the CPU the program used and the CPU every other process on the machine used meanwhile
 * (from /proc/stat), as the other benches do: rows where others used over a quarter of a core are marked !.
 *
 * Not the same document: the HTML is the e-mail body, so Chromium's letter has no postal address block and no
 * "Reference … Page x of y" footer, which dpdesk's PDF has; the table shows both programs' pages per letter.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { ChildProcess } from "node:child_process";
import { parse as parseCsv } from "csv-parse/sync";
import type * as PdfJsModule from "pdfjs-dist/legacy/build/pdf.mjs";
import type * as PlaywrightModule from "playwright-core";
import type * as LawModule from "../src/law/index.js";
import type * as DocumentInputsModule from "../src/breaches/document-inputs.js";
import type * as SubjectLetterModule from "../src/documents/subject-letter.js";
import type { LetterContextInput, LetterRecipient } from "../src/documents/subject-letter.js";
import type { LetterFilesResult } from "../src/cli/write-letter-files.js";
import { machineTicks, processTicks } from "./machine.js";
import { runChild, useGnuTime, type ChildRun } from "./process.js";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// ---------------------------------------------------------------------------------------------------------------
// Options.

const { values: flags } = parseArgs({
  options: {
    people: { type: "string", default: "160000" },
    "chromium-sample": { type: "string", default: "300" },
    seed: { type: "string", default: "20250625" },
    workers: { type: "string", default: "2" },
    "verify-sample": { type: "string", default: "40" },
    runs: { type: "string", default: "1" },
    chromium: { type: "string", default: "/usr/bin/chromium" },
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

const peopleCount = wholeNumber("people", flags.people, 1);
const chromiumSample = wholeNumber("chromium-sample", flags["chromium-sample"], 0, 100_000);
const seed = wholeNumber("seed", flags.seed, 0);
const workerCount = wholeNumber("workers", flags.workers, 1, 99);
const verifySample = wholeNumber("verify-sample", flags["verify-sample"], 0, 10_000);
const runCount = wholeNumber("runs", flags.runs, 1, 99);
const chromiumPath = flags.chromium;
/** The issue's aim: letters per second on 2 cores. */
const aimPerSecond = 2_000;
/** Chromium pages printing at once (the machine's 2 cores). */
const chromiumParallel = 2;
const chromiumWarmUp = 4;
/** People per page handed to writeLetterFiles, as the API's recipient pages. */
const pageSize = 1_000;
/** Other processes using more than this many cores during a run make its figure low. */
const disturbedCores = 0.25;

// The breach the letters are about: fixed, so every run writes the same letters.
const breachId = "0197a7c2-5d40-7b3e-9f1a-3c5e8d2b4a61";
const reference = breachId.slice(0, 8).toUpperCase();
const preparedAt = new Date("2025-06-27T09:00:00Z");

/**
 * Ground truth for the complaint paragraph: words each jurisdiction's regulator must be named with, written here
 * rather than read from dpdesk's rule packs.
 */
const regulatorWords: Readonly<Record<string, string>> = {
  GB: "Information Commissioner's Office",
  IM: "Isle of Man Information Commissioner",
  JE: "Jersey Office of the Information Commissioner",
  GG: "ODPA",
};

// ---------------------------------------------------------------------------------------------------------------
// The product, from the built dist/ (typed by its sources, so that type-checking does not need a build).

async function fromDist<T>(path: string): Promise<T> {
  const file = join(root, "dist", path);
  if (!existsSync(file))
    throw new Error(`${file} is missing: run \`npm run build\` first (npm run bench:letters does)`);
  return (await import(pathToFileURL(file).href)) as T;
}

/** The breach-wide half of the letters, as the server gives it to `dpdesk letters`. */
async function letterContext(): Promise<LetterContextInput> {
  const law = await fromDist<typeof LawModule>("law/index.js");
  const inputs = await fromDist<typeof DocumentInputsModule>("breaches/document-inputs.js");
  const example = JSON.parse(
    readFileSync(join(root, "examples", "prospect-union-2025.json"), "utf8"),
  ) as unknown;
  const parsed = law.parseIncident(example);
  if (!parsed.ok) throw new Error(`examples/prospect-union-2025.json: ${JSON.stringify(parsed.problems)}`);
  const assessment = law.assessBreach(parsed.value, { at: preparedAt });
  return inputs.letterContextFor({ id: breachId, incident: parsed.value, assessment }, null, preparedAt);
}

// ---------------------------------------------------------------------------------------------------------------
// Seeded synthetic recipients.

/** mulberry32: a small, fast, seeded PRNG (deterministic across runs and machines). */
function prng(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const commonFirst = [
  "Oliver", "Amelia", "James", "Sarah", "David", "Emma", "Daniel", "Olivia", "Thomas", "Sophie", "Mohammed",
  "Priya", "Aaron", "Grace", "Jack", "Charlotte", "Harry", "Emily", "George", "Jessica", "William", "Hannah",
  "Michael", "Laura", "Paul", "Rachel", "Andrew", "Helen", "Mark", "Claire", "Rhys", "Gareth", "Niamh", "Aoife",
  "Ffion", "Dafydd", "Eilidh", "Hamish", "Bethan", "Kwame", "Ngozi", "Wei", "Mei", "Anil", "Fatima", "Callum",
]; // prettier-ignore
/** Names with letters outside ASCII (some outside Windows-1252: Ł, ł, ś, ř). */
const accentedFirst = [
  "Zoë", "Łukasz", "Siân", "Seán", "Chloé", "Renée", "José", "Björn", "Małgorzata", "François", "Anaïs", "Jürgen",
  "Zsófia", "Dóra", "Søren", "Agnieszka", "Ciarán", "Róisín", "Noémie", "Bartłomiej",
]; // prettier-ignore
const commonLast = [
  "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas", "Johnson", "Roberts",
  "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris",
  "Clarke", "Patel", "Khan", "Singh", "Ahmed", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
  "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips",
]; // prettier-ignore
const distinctiveLast = [
  "O'Brien", "O'Neill", "Ó Súilleabháin", "Ní Bhriain", "Nowak", "Wiśniewski", "Dvořák", "Müller", "Núñez",
  "Çelik", "Le Marquand", "de Carteret", "Le Page", "Quayle", "Kermode", "Corlett", "MacDonald", "McAllister",
  "Smith-Jones", "D'Souza", "Øberg", "Brontë",
]; // prettier-ignore
const titles = ["Dr", "Mr", "Ms", "Mrs", "Mx"];
const streets = [
  "High Street", "Station Road", "Church Lane", "Victoria Road", "Park Avenue", "Mill Lane", "Queen's Road",
  "Kingsway", "Albert Terrace", "Orchard Close", "Manor Way", "The Crescent", "Green Lane", "St John's Road",
  "Chapel Street", "Meadow View", "New Road", "Springfield Drive", "Castle Street", "Ffordd y Parc",
]; // prettier-ignore
const houseNames = [
  "Rose Cottage",
  "The Old Rectory",
  "Ty Gwyn",
  "Hillside",
  "Bramble House",
  "Les Fontaines",
];
const localities = [
  "Headingley",
  "Roath",
  "Jesmond",
  "Didsbury",
  "Morningside",
  "Clifton",
  "Heaton",
  "Walkley",
];
/** Towns with the outward codes of their postcodes. */
const places: Readonly<Record<string, readonly (readonly [string, string])[]>> = {
  GB: [
    ["London", "SE1"], ["London", "N7"], ["Manchester", "M14"], ["Birmingham", "B15"], ["Leeds", "LS6"],
    ["Glasgow", "G12"], ["Edinburgh", "EH9"], ["Cardiff", "CF24"], ["Belfast", "BT7"], ["Bristol", "BS8"],
    ["Newcastle upon Tyne", "NE2"], ["Sheffield", "S10"], ["Nottingham", "NG7"], ["Norwich", "NR2"],
    ["Aberdeen", "AB24"], ["Swansea", "SA2"], ["Reading", "RG1"], ["Milton Keynes", "MK9"], ["Brighton", "BN2"],
  ],
  IM: [["Douglas", "IM1"], ["Onchan", "IM3"], ["Ramsey", "IM8"], ["Peel", "IM5"], ["Castletown", "IM9"], ["Port Erin", "IM9"]],
  JE: [["St Helier", "JE2"], ["St Brelade", "JE3"], ["St Saviour", "JE2"], ["Grouville", "JE3"], ["Trinity", "JE3"]],
  GG: [["St Peter Port", "GY1"], ["St Sampson", "GY2"], ["Vale", "GY3"], ["Castel", "GY5"], ["St Martin", "GY4"]],
}; // prettier-ignore
const islandNames: Readonly<Record<string, string>> = { IM: "Isle of Man", JE: "Jersey", GG: "Guernsey" };
const countryNames: Readonly<Record<string, string>> = { GB: "United Kingdom", ...islandNames };
const postcodeLetters = [
  "A",
  "B",
  "D",
  "E",
  "F",
  "G",
  "H",
  "J",
  "L",
  "N",
  "P",
  "Q",
  "R",
  "S",
  "T",
  "U",
  "W",
  "X",
  "Y",
  "Z",
];
const mailDomains = ["example.org", "example.com", "example.net", "mail.example.co.uk"];

/** The example incident's mix: 154,800 GB, 2,200 IM, 1,700 JE and 1,300 GG of 160,000. */
const islandShares: readonly (readonly [string, number])[] = [
  ["IM", 2_200 / 160_000],
  ["JE", 1_700 / 160_000],
  ["GG", 1_300 / 160_000],
];

interface Population {
  recipients: LetterRecipient[];
  byJurisdiction: Record<string, number>;
}

/** Text as an e-mail's local part: letters only, no accents. */
const asciiWord = (text: string) =>
  fold(text)
    .toLowerCase()
    .replace(/[^a-z]/g, "");

/** `count` people, always the same for the same seed. */
function generatePeople(count: number, seedValue: number): Population {
  const random = prng(seedValue);
  const chance = (p: number) => random() < p;
  const pick = <T>(list: readonly T[]): T => {
    const item = list[Math.floor(random() * list.length)];
    if (item === undefined) throw new Error("pick from an empty list");
    return item;
  };
  // Exactly the shares, at least one of each island once there are four people; then shuffled.
  const byJurisdiction: Record<string, number> = {};
  let islands = 0;
  for (const [code, share] of islandShares) {
    const n = Math.min(count - islands, Math.max(count >= 4 ? 1 : 0, Math.round(count * share)));
    byJurisdiction[code] = n;
    islands += n;
  }
  byJurisdiction.GB = count - islands;
  const codes: string[] = [];
  for (const [code, n] of Object.entries(byJurisdiction)) for (let i = 0; i < n; i++) codes.push(code);
  for (let i = codes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [codes[i], codes[j]] = [codes[j] as string, codes[i] as string];
  }

  const recipients: LetterRecipient[] = [];
  for (let i = 0; i < count; i++) {
    const jurisdiction = codes[i] ?? "GB";
    const personId = createHash("sha256").update(`bench-letters:${seedValue}:${i}`).digest("hex");
    const hasName = !chance(0.015);
    const first = chance(0.12) ? pick(accentedFirst) : pick(commonFirst);
    const last = chance(0.15) ? pick(distinctiveLast) : pick(commonLast);
    const middle = chance(0.04) ? ` ${pick(commonFirst)}` : "";
    const title = chance(0.05) ? `${pick(titles)} ` : "";
    const name = hasName ? `${title}${first}${middle} ${last}` : undefined;

    const hasEmail = chance(0.9);
    const email = hasEmail
      ? `${asciiWord(first)}.${asciiWord(last)}${chance(0.5) ? String(Math.floor(random() * 1000)) : ""}@${pick(mailDomains)}`
      : undefined;

    // 2–4 lines: a house (and sometimes a flat or house name), sometimes a locality, the town (and the island).
    const hasAddress = !chance(0.03);
    let addressLines: string[] | undefined;
    let postcode: string | undefined;
    if (hasAddress) {
      const [town, outward] = pick(places[jurisdiction] ?? places.GB ?? []);
      const lines: string[] = [];
      const street = pick(streets);
      if (chance(0.15)) lines.push(`Flat ${1 + Math.floor(random() * 24)}`);
      else if (chance(0.06)) lines.push(pick(houseNames));
      lines.push(`${1 + Math.floor(random() * 240)} ${street}`);
      const island = islandNames[jurisdiction];
      if (island === undefined && chance(0.35)) lines.push(pick(localities));
      lines.push(town);
      if (island !== undefined && lines.length < 4) lines.push(island);
      addressLines = lines;
      postcode = `${outward} ${Math.floor(random() * 10)}${pick(postcodeLetters)}${pick(postcodeLetters)}`;
    }

    // A union's membership records: membership for everyone, the rest varying by person.
    const categories: string[] = [];
    if (hasName) categories.push("name");
    if (hasEmail || chance(0.5)) categories.push("contact");
    if (hasAddress) categories.push("address");
    if (chance(0.6)) categories.push("date_of_birth");
    if (chance(0.55)) categories.push("financial");
    if (chance(0.5)) categories.push("employment");
    categories.push("trade_union_membership");
    if (chance(0.4)) categories.push("racial_or_ethnic_origin");
    if (chance(0.2)) categories.push("religious_or_philosophical_beliefs");
    if (chance(0.25)) categories.push("health");
    if (chance(0.18)) categories.push("sex_life_or_sexual_orientation");

    recipients.push({
      personId,
      ...(name === undefined ? {} : { name }),
      ...(email === undefined ? {} : { email }),
      ...(addressLines === undefined ? {} : { addressLines }),
      ...(postcode === undefined ? {} : { postcode }),
      country: countryNames[jurisdiction] ?? "United Kingdom",
      jurisdiction,
      categories,
    });
  }
  return { recipients, byJurisdiction };
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting.

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-GB") : "?");
const secs = (n: number) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 3 : 2) : "?");
const mb = (bytes: number) => (Number.isFinite(bytes) ? (bytes / 1e6).toFixed(1) : "?");
const mib = (kib: number) => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(0)} MiB` : "?");

/** Text as compared with what a PDF shows: no accents, Ł as L (dpdesk's standard fonts), single spaces. */
function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(
      /[ŁłØøĐđı]/g,
      (char) => ({ Ł: "L", ł: "l", Ø: "O", ø: "o", Đ: "D", đ: "d", ı: "i" })[char] ?? char,
    )
    .replace(/\s+/g, " ");
}

const flat = (text: string) => text.replace(/\s+/g, " ");

// ---------------------------------------------------------------------------------------------------------------
// The child process: one dpdesk run, on plain Node (no tsx, which its worker threads would inherit and load too),
// from the built dist/, with the context and the people as the API gives them to `dpdesk letters` (JSON).

interface ChildReport {
  seconds: number;
  cpuSeconds: number;
  /** CPU time the whole machine used during the call (from /proc/stat), in seconds; NaN off Linux. */
  machineBusySeconds: number;
  /** The child's resident set just before the call, in KiB (the people are in memory by then). */
  rssBeforeKiB: number;
  result: LetterFilesResult;
}

/**
 * The child's script, run with `node -e` as CommonJS (with --input-type=module the worker threads, which inherit
 * the flag, could not start from their file). Arguments: dist/cli/write-letter-files.js, the context (JSON), the
 * people (a JSON array), the output folder, "single" or "merged", workers, page size.
 */
const childScript = `
(async () => {
const { readFileSync } = require("node:fs");
const { pathToFileURL } = require("node:url");
const [modulePath, contextFile, peopleFile, outDir, mode, workers, pageSize] = process.argv.slice(1);
const { writeLetterFiles } = await import(pathToFileURL(modulePath).href);
const context = JSON.parse(readFileSync(contextFile, "utf8"));
const people = JSON.parse(readFileSync(peopleFile, "utf8"));
const pages = [];
for (let i = 0; i < people.length; i += Number(pageSize)) pages.push(people.slice(i, i + Number(pageSize)));
async function* recipients() {
  for (const page of pages) yield page;
}
const proc = (file, read) => {
  try {
    return read(readFileSync(file, "utf8"));
  } catch {
    return NaN;
  }
};
const busyTicks = () =>
  proc("/proc/stat", (text) => {
    const values = text.split("\\n")[0].trim().split(/\\s+/).slice(1).map(Number);
    return values.reduce((a, b) => a + b, 0) - values[3] - values[4];
  });
const rssBeforeKiB = proc("/proc/self/status", (text) => Number(/^VmRSS:\\s+(\\d+) kB/m.exec(text)?.[1]));
const busyBefore = busyTicks();
const cpuBefore = process.cpuUsage();
const started = performance.now();
const result = await writeLetterFiles({
  context,
  recipients: recipients(),
  outDir,
  single: mode === "single",
  workers: Number(workers),
});
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const machineBusySeconds = (busyTicks() - busyBefore) / 100;
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(JSON.stringify({ seconds, cpuSeconds, machineBusySeconds, rssBeforeKiB, result }) + "\\n");
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

// ---------------------------------------------------------------------------------------------------------------
// Clean-up: children stopped and temporary directories removed, on errors and Ctrl-C too.

const children = new Set<ChildProcess>();
const cleanUpState: { dirs: Set<string>; done: Promise<void> | null; close: (() => Promise<void>)[] } = {
  dirs: new Set(),
  done: null,
  close: [],
};

function cleanUp(): Promise<void> {
  cleanUpState.done ??= (async () => {
    for (const child of children) child.kill("SIGKILL");
    for (const close of cleanUpState.close) await close().catch(() => undefined);
    for (const dir of cleanUpState.dirs) await rm(dir, { recursive: true, force: true });
  })();
  return cleanUpState.done;
}

const runState = { signalled: false };

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(os.tmpdir(), prefix));
  cleanUpState.dirs.add(dir);
  return dir;
}

async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  cleanUpState.dirs.delete(dir);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the PDFs back.

type PdfJs = typeof PdfJsModule;
let pdfjs: PdfJs | null = null;

/** The text of some pages of a PDF (all when `pageNumbers` is null), read by pdf.js, and its page count. */
async function readPdf(
  bytes: Uint8Array,
  pageNumbers: readonly number[] | null = null,
): Promise<{ numPages: number; text: Map<number, string> }> {
  pdfjs ??= await import("pdfjs-dist/legacy/build/pdf.mjs");
  const task = pdfjs.getDocument({
    data: bytes,
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0,
  });
  const doc = await task.promise;
  try {
    const text = new Map<number, string>();
    const wanted = pageNumbers ?? Array.from({ length: doc.numPages }, (_, i) => i + 1);
    for (const number of wanted) {
      if (number < 1 || number > doc.numPages) continue;
      const page = await doc.getPage(number);
      const content = await page.getTextContent();
      let pageText = "";
      for (const item of content.items) if ("str" in item) pageText += item.str + (item.hasEOL ? "\n" : " ");
      text.set(number, pageText);
    }
    return { numPages: doc.numPages, text };
  } finally {
    await task.destroy();
  }
}

interface Structure {
  objects: number;
  count: number;
  kids: number;
  problems: string[];
}

/**
 * dpdesk's PDF read by hand, as pdf.js would not say (it silently rebuilds a broken cross-reference table): every
 * xref offset must point at its `N 0 obj`, and the page tree's kids must be as many as its /Count.
 */
function pdfStructure(bytes: Buffer): Structure {
  const problems: string[] = [];
  const out: Structure = { objects: 0, count: NaN, kids: NaN, problems };
  const tail = bytes.toString("latin1", Math.max(0, bytes.length - 1024));
  const startxref = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (startxref === null) {
    problems.push("no startxref / %%EOF at the end");
    return out;
  }
  const xrefAt = Number(startxref[1]);
  const head = /^xref\n0 (\d+)\n/.exec(bytes.toString("latin1", xrefAt, xrefAt + 40));
  if (head === null) {
    problems.push(`startxref ${xrefAt} does not point at an xref table`);
    return out;
  }
  const size = Number(head[1]);
  const first = xrefAt + head[0].length;
  const offsets: number[] = [];
  let bad = 0;
  for (let n = 1; n < size; n++) {
    const entry = bytes.toString("latin1", first + n * 20, first + n * 20 + 20);
    const offset = Number(entry.slice(0, 10));
    offsets[n] = offset;
    const expected = `${n} 0 obj`;
    if (
      entry.slice(10) !== " 00000 n \n" ||
      bytes.toString("latin1", offset, offset + expected.length) !== expected
    )
      bad += 1;
  }
  out.objects = size - 1;
  if (bad > 0)
    problems.push(`${fmt(bad)} of ${fmt(size - 1)} cross-reference entries do not point at their object`);
  const trailer = bytes.toString("latin1", first + size * 20, first + size * 20 + 200);
  if (!new RegExp(`^trailer\\n<< /Size ${size} /Root 1 0 R`).test(trailer))
    problems.push(`the trailer does not follow the xref table with /Size ${size}`);
  const pagesAt = offsets[2];
  if (pagesAt === undefined) {
    problems.push("no object 2 (the page tree)");
    return out;
  }
  const end = bytes.indexOf("endobj", pagesAt, "latin1");
  const pagesObject = bytes.toString("latin1", pagesAt, end);
  const kids = /\/Kids \[([^\]]*)\]/.exec(pagesObject)?.[1];
  out.count = Number(/\/Count (\d+)/.exec(pagesObject)?.[1] ?? NaN);
  out.kids = kids === undefined ? NaN : (kids.match(/\d+ 0 R/g) ?? []).length;
  if (out.kids !== out.count)
    problems.push(`the page tree has ${fmt(out.kids)} kids but /Count ${fmt(out.count)}`);
  return out;
}

/** The complaint paragraph of a letter's text: from its heading to the closing. */
function complaintParagraph(text: string): string | null {
  const start = text.indexOf("Your right to complain");
  if (start < 0) return null;
  const end = text.indexOf("We are very sorry", start);
  return text.slice(start, end < 0 ? undefined : end);
}

/** What is wrong with one person's letter as read back (empty: nothing). */
function letterProblems(
  text: string,
  person: LetterRecipient,
  special: ReadonlySet<string>,
  options: { footer: boolean },
): string[] {
  const problems: string[] = [];
  const folded = fold(text);
  if (person.name !== undefined && !folded.includes(`Dear ${fold(person.name)}`))
    problems.push(`no "Dear ${person.name}"`);
  // Without a name, some greeting all the same (its wording is the product's to choose), and no stray value.
  const anonymous = /Dear ([^,\n]*),/.exec(folded)?.[1]?.trim() ?? "";
  if (person.name === undefined && (anonymous === "" || /undefined|null/.test(anonymous)))
    problems.push(`no greeting ("Dear …,") for a person without a name: "${anonymous}"`);
  const complaint = complaintParagraph(flat(text));
  const words = regulatorWords[person.jurisdiction] ?? "?";
  if (complaint === null) problems.push("no complaint paragraph");
  else if (!complaint.includes(words))
    problems.push(`the complaint paragraph does not name "${words}": ${complaint.slice(0, 200)}`);
  const sensitive = person.categories.some((c) => special.has(c));
  if (sensitive !== folded.includes("especially sensitive"))
    problems.push(
      `the "especially sensitive" sentence is ${sensitive ? "missing" : "there without special data"}`,
    );
  if (options.footer && !folded.includes(`Reference ${reference}`))
    problems.push(`no "Reference ${reference}"`);
  if (options.footer && person.postcode !== undefined && !folded.includes(person.postcode))
    problems.push(`no postcode ${person.postcode} in the address`);
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// (a), (b) dpdesk.

interface DpdeskRun {
  name: string;
  single: boolean;
  /** Each timed run's report, in run order. */
  reports: ChildReport[];
  children: ChildRun[];
  /** Bytes of every file the first run wrote (letters.pdf, manifest.csv and letters/*.pdf). */
  bytesWritten: number;
  files: number;
  failure: string | null;
  checks: Check[];
  /** The manifest's pages per person, for the peer's comparison. */
  pagesByPerson: Map<string, number>;
}

const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const medianSeconds = (run: DpdeskRun) => median(run.reports.map((r) => r.seconds));
const medianCores = (run: DpdeskRun) => median(run.reports.map((r) => r.cpuSeconds / r.seconds));
/** Cores every other process on the machine used during a run (its busy time less the child's). */
const otherCores = (report: ChildReport) =>
  Math.max(0, report.machineBusySeconds - report.cpuSeconds) / report.seconds;

interface Check {
  what: string;
  ok: boolean;
  detail: string;
}

/** The bytes and number of the files under a folder (synchronously: 160,000 small files stat faster so). */
function directoryBytes(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = directoryBytes(path);
      bytes += inner.bytes;
      files += inner.files;
    } else {
      bytes += statSync(path).size;
      files += 1;
    }
  }
  return { bytes, files };
}

const tail = (text: string, lines = 8) =>
  text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .slice(-lines)
    .join(" | ")
    .slice(0, 1_500);

/** The files the child reads: the context and the people, as JSON. */
interface ChildInputs {
  context: string;
  people: string;
}

async function runDpdesk(single: boolean, scratch: string, inputs: ChildInputs): Promise<DpdeskRun> {
  const name = single
    ? `dpdesk writeLetterFiles, ${workerCount} workers, one PDF each + merged`
    : `dpdesk writeLetterFiles, ${workerCount} workers, merged only`;
  const run: DpdeskRun = {
    name,
    single,
    reports: [],
    children: [],
    bytesWritten: NaN,
    files: NaN,
    failure: null,
    checks: [],
    pagesByPerson: new Map(),
  };
  process.stderr.write(`  ${name}:`);
  for (let attempt = 0; attempt < runCount; attempt++) {
    const outDir = await tempDir(`dpdesk-bench-letters-${single ? "single" : "merged"}-`);
    try {
      const child = await runChild(
        [
          "-e",
          childScript,
          join(root, "dist", "cli", "write-letter-files.js"),
          inputs.context,
          inputs.people,
          outDir,
          single ? "single" : "merged",
          String(workerCount),
          String(pageSize),
        ],
        { cwd: root, timeFile: join(scratch, "time.txt"), stderrTail: 20_000, children },
      );
      if (child.code !== 0) {
        run.failure = `the child exited ${String(child.code ?? child.signal)}: ${tail(child.stderr)}`;
        process.stderr.write(" FAILED\n");
        return run;
      }
      const report = JSON.parse(child.stdout.trim().split("\n").at(-1) ?? "") as ChildReport;
      run.reports.push(report);
      run.children.push(child);
      process.stderr.write(
        ` ${secs(report.seconds)} s (${fmt(peopleCount / report.seconds)} letters/s, other processes ` +
          `${otherCores(report).toFixed(2)} cores)`,
      );
      // The output is the same every run: the first one is checked.
      if (attempt > 0) continue;
      process.stderr.write("; checking...");
      const written = directoryBytes(outDir);
      run.bytesWritten = written.bytes;
      run.files = written.files;
      run.checks = await checkDpdeskOutput(outDir, report.result, single, run.pagesByPerson);
      process.stderr.write(run.checks.filter((c) => !c.ok).length === 0 ? " all OK;" : " FAILURES;");
    } catch (error) {
      run.failure = String((error as Error).stack ?? error);
      process.stderr.write(" FAILED\n");
      return run;
    } finally {
      await removeDir(outDir);
    }
  }
  process.stderr.write("\n");
  return run;
}

let population: Population | null = null;
let contextInput: LetterContextInput | null = null;

async function checkDpdeskOutput(
  outDir: string,
  result: LetterFilesResult,
  single: boolean,
  pagesByPerson: Map<string, number>,
): Promise<Check[]> {
  const truth = population;
  const context = contextInput;
  if (truth === null || context === null) throw new Error("no ground truth");
  const special = new Set(context.specialCategories);
  const checks: Check[] = [];
  const check = (what: string, ok: boolean, detail = "") => checks.push({ what, ok, detail });

  // The manifest: everyone once, in the list's order, with their jurisdiction and regulator.
  const rows = parseCsv<Record<string, string>>(await readFile(join(outDir, "manifest.csv")), {
    columns: true,
  });
  let orderProblems = 0;
  let firstProblem = "";
  let pageSum = 0;
  const firstPage = new Map<string, number>();
  rows.forEach((row, index) => {
    const person = truth.recipients[index];
    const pages = Number(row.pages);
    // Letters start where the manifest says; an odd one is padded with a blank page (duplex, the default).
    const start = Number(row.start_page);
    if (start !== pageSum + 1) {
      orderProblems += 1;
      if (firstProblem === "")
        firstProblem = `row ${index + 1}: start page ${row.start_page ?? ""}, expected ${pageSum + 1}`;
    }
    firstPage.set(row.person_id ?? "", start);
    pageSum += pages + (pages % 2);
    pagesByPerson.set(row.person_id ?? "", pages);
    const expectedFile = single ? `letters/${person?.personId ?? ""}.pdf` : "letters.pdf";
    const problem =
      person === undefined
        ? "a row more than people"
        : row.person_id !== person.personId
          ? `person ${row.person_id ?? ""} where ${person.personId} was expected`
          : row.jurisdiction !== person.jurisdiction
            ? `jurisdiction ${row.jurisdiction ?? ""}, expected ${person.jurisdiction}`
            : !(row.regulator ?? "").includes(regulatorWords[person.jurisdiction] ?? "?")
              ? `regulator "${row.regulator ?? ""}" for ${person.jurisdiction}`
              : !Number.isInteger(pages) || pages < 1
                ? `pages "${row.pages ?? ""}"`
                : row.file !== expectedFile
                  ? `file "${row.file ?? ""}", expected "${expectedFile}"`
                  : "";
    if (problem !== "") {
      orderProblems += 1;
      if (firstProblem === "") firstProblem = `row ${index + 1}: ${problem}`;
    }
  });
  check(
    "manifest.csv: every person once, in order, with their jurisdiction, regulator, pages and file",
    rows.length === truth.recipients.length && orderProblems === 0,
    `${fmt(rows.length)} rows for ${fmt(truth.recipients.length)} people` +
      (orderProblems > 0 ? `; ${fmt(orderProblems)} wrong rows, first ${firstProblem}` : ""),
  );
  const jurisdictionDiff = Object.keys({ ...truth.byJurisdiction, ...result.byJurisdiction })
    .filter((code) => (truth.byJurisdiction[code] ?? 0) !== (result.byJurisdiction[code] ?? 0))
    .map(
      (code) =>
        `${code} ${fmt(result.byJurisdiction[code] ?? 0)}, expected ${fmt(truth.byJurisdiction[code] ?? 0)}`,
    );
  check(
    "letters per jurisdiction equal the ground truth",
    result.letters === truth.recipients.length && jurisdictionDiff.length === 0,
    `${fmt(result.letters)} letters: ${Object.entries(result.byJurisdiction)
      .map(([code, n]) => `${code} ${fmt(n)}`)
      .join(", ")}${jurisdictionDiff.length > 0 ? `; ${jurisdictionDiff.join("; ")}` : ""}`,
  );

  // The merged PDF: its structure by hand, its page count by pdf.js, and some of its pages' text.
  const merged = await readFile(join(outDir, "letters.pdf"));
  check(
    "letters.pdf: size as reported",
    merged.length === result.mergedBytes,
    `${fmt(merged.length)} bytes, reported ${fmt(result.mergedBytes)}`,
  );
  const structure = pdfStructure(merged);
  check(
    "letters.pdf: every xref offset points at its object; page tree kids = /Count = sum of the manifest's pages",
    structure.problems.length === 0 && structure.count === pageSum && result.pages === pageSum,
    `${fmt(structure.objects)} objects, ${fmt(structure.kids)} kids, /Count ${fmt(structure.count)}, manifest ` +
      `${fmt(pageSum)} pages, reported ${fmt(result.pages)}${structure.problems.length > 0 ? `; ${structure.problems.join("; ")}` : ""}`,
  );
  const firstOf = (code: string) => truth.recipients.find((p) => p.jurisdiction === code);
  const mergedSample = [
    truth.recipients[0],
    firstOf("IM"),
    firstOf("GG"),
    firstOf("JE"),
    truth.recipients.at(-1),
  ].filter((p): p is LetterRecipient => p !== undefined);
  const wantedPages: number[] = [];
  for (const person of mergedSample) {
    const start = firstPage.get(person.personId) ?? 0;
    for (let p = 0; p < (pagesByPerson.get(person.personId) ?? 0); p++) wantedPages.push(start + p);
  }
  const started = performance.now();
  const mergedRead = await readPdf(
    new Uint8Array(merged.buffer, merged.byteOffset, merged.length),
    wantedPages,
  );
  const readSeconds = (performance.now() - started) / 1000;
  check(
    "letters.pdf: pdf.js's page count = sum of the manifest's pages",
    mergedRead.numPages === pageSum,
    `pdf.js ${fmt(mergedRead.numPages)}, manifest ${fmt(pageSum)} (read in ${secs(readSeconds)} s)`,
  );
  for (const person of mergedSample) {
    const start = firstPage.get(person.personId) ?? 0;
    const count = pagesByPerson.get(person.personId) ?? 0;
    const text = Array.from({ length: count }, (_, p) => mergedRead.text.get(start + p) ?? "").join("\n");
    const problems = letterProblems(text, person, special, { footer: true });
    const ownFooter = fold(text).includes(`Page ${count} of ${count}`);
    if (!ownFooter) problems.push(`its last page does not say "Page ${count} of ${count}"`);
    check(
      `letters.pdf pages ${fmt(start)}–${fmt(start + count - 1)}: ${person.jurisdiction} person ${person.personId.slice(0, 8)}'s letter`,
      problems.length === 0,
      problems.join("; "),
    );
  }

  if (!single) return checks;

  // One PDF per person: all there, and a sample read back.
  const singleFiles = readdirSync(join(outDir, "letters")).filter((file) => file.endsWith(".pdf"));
  check(
    "letters/: one PDF per person",
    singleFiles.length === truth.recipients.length,
    `${fmt(singleFiles.length)} files for ${fmt(truth.recipients.length)} people`,
  );
  const sample = individualSample(truth.recipients);
  let read = 0;
  const failures: string[] = [];
  const seen: string[] = [];
  for (const person of sample) {
    const bytes = await readFile(join(outDir, "letters", `${person.personId}.pdf`));
    const own = pdfStructure(bytes);
    const document = await readPdf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
    const text = [...document.text.values()].join("\n");
    const problems = [...own.problems, ...letterProblems(text, person, special, { footer: true })];
    const expectedPages = pagesByPerson.get(person.personId);
    if (document.numPages !== expectedPages)
      problems.push(`${document.numPages} pages, the manifest says ${String(expectedPages)}`);
    if (problems.length > 0)
      failures.push(`${person.jurisdiction} ${person.personId.slice(0, 8)}: ${problems.join("; ")}`);
    read += 1;
    // How names outside Windows-1252 come out (Łukasz), for the report.
    if (person.name !== undefined && /[^\x20-\xff]/.test(person.name) && seen.length < 6) {
      const shown = /Dear ([^,]*),/.exec(flat(text))?.[1] ?? "?";
      seen.push(`"${person.name}" shows as "${shown}"`);
    }
    const words = regulatorWords[person.jurisdiction];
    if (person.jurisdiction === "IM" || person.jurisdiction === "GG") {
      const complaint = complaintParagraph(flat(text)) ?? "";
      check(
        `letters/${person.personId.slice(0, 8)}….pdf (${person.jurisdiction}): the complaint paragraph names the ${words ?? "?"}`,
        words !== undefined && complaint.includes(words),
        complaint.slice(0, 240),
      );
    }
  }
  check(
    `letters/*.pdf: a sample of ${fmt(read)} read back (structure, pages as in the manifest, name, regulator, reference, postcode, special-data sentence)`,
    failures.length === 0 && read > 0,
    failures.length > 0
      ? failures.slice(0, 5).join(" || ")
      : seen.length > 0
        ? `names: ${seen.join(", ")}`
        : "",
  );
  return checks;
}

/** The individual PDFs read back: each island's first and last person, unusual names and addresses, and more. */
function individualSample(recipients: readonly LetterRecipient[]): LetterRecipient[] {
  const picked = new Map<string, LetterRecipient>();
  const add = (person: LetterRecipient | undefined) => {
    if (person !== undefined) picked.set(person.personId, person);
  };
  for (const code of ["IM", "GG", "JE", "GB"]) {
    add(recipients.find((p) => p.jurisdiction === code));
    add(recipients.findLast((p) => p.jurisdiction === code));
  }
  for (const part of ["Zoë", "Łukasz", "O'Brien", "Ó Súilleabháin", "Dvořák", "Małgorzata"])
    add(recipients.find((p) => p.name?.includes(part) === true));
  add(recipients.find((p) => p.name === undefined));
  add(recipients.find((p) => p.addressLines === undefined));
  add(recipients.find((p) => p.addressLines?.length === 4));
  add(recipients.find((p) => p.categories.length >= 10));
  const random = prng(seed ^ 0x5eed);
  for (let tries = 0; picked.size < Math.max(verifySample, 1) && tries < verifySample * 4; tries++)
    add(recipients[Math.floor(random() * recipients.length)]);
  return [...picked.values()].slice(0, Math.max(verifySample, 4));
}

// ---------------------------------------------------------------------------------------------------------------
// (c) Chromium.

interface ChromiumRun {
  version: string;
  letters: number;
  seconds: number;
  /** Cores Chromium's processes used while printing. */
  cores: number;
  /** Cores this process used driving Chromium. */
  driverCores: number;
  /** Cores every other process used meanwhile. */
  other: number;
  bytes: number;
  pages: number;
  /** dpdesk's pages for the same people (from the first dpdesk run's manifest). */
  dpdeskPages: number;
  peakRssKiB: number;
  launchSeconds: number;
  checks: Check[];
  skipped: string | null;
}

/** The pids of every process named chromium* (Chromium's browser, renderers and helpers). */
function chromiumPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^chrom/.test(readFileSync(`/proc/${entry}/comm`, "utf8"))) pids.push(Number(entry));
    } catch {
      // the process ended
    }
  }
  return pids;
}

/** Their summed resident set, in KiB. */
function chromiumRssKiB(): number {
  let total = 0;
  for (const pid of chromiumPids())
    try {
      total += Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    } catch {
      // the process ended
    }
  return total;
}

/** Their CPU time so far, in clock ticks, by pid (a process that ends takes its time with it). */
function chromiumTicks(): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const pid of chromiumPids()) {
    const value = processTicks(pid);
    if (Number.isFinite(value)) ticks.set(pid, value);
  }
  return ticks;
}

async function runChromium(
  context: LetterContextInput,
  recipients: readonly LetterRecipient[],
  dpdeskPages: ReadonlyMap<string, number>,
): Promise<ChromiumRun> {
  const run: ChromiumRun = {
    version: "",
    letters: 0,
    seconds: NaN,
    cores: NaN,
    driverCores: NaN,
    other: NaN,
    bytes: 0,
    pages: 0,
    dpdeskPages: 0,
    peakRssKiB: NaN,
    launchSeconds: NaN,
    checks: [],
    skipped: null,
  };
  if (chromiumSample === 0) {
    run.skipped = "--chromium-sample 0";
    return run;
  }
  if (!existsSync(chromiumPath)) {
    run.skipped = `${chromiumPath} not found (on Debian: apt-get install chromium; or say where with --chromium PATH)`;
    return run;
  }
  let chromium: typeof PlaywrightModule.chromium;
  try {
    ({ chromium } = await import("playwright-core"));
  } catch (error) {
    run.skipped = `playwright-core could not be loaded: ${String(error).slice(0, 200)}`;
    return run;
  }
  const letters = await fromDist<typeof SubjectLetterModule>("documents/subject-letter.js");
  const prepared = letters.prepareLetters(context);
  // Spread over the list, and the warm-up letters just after them.
  const step = recipients.length / Math.min(chromiumSample, recipients.length);
  const sample = Array.from(
    { length: Math.min(chromiumSample, recipients.length) },
    (_, i) => recipients[Math.floor(i * step)],
  ).filter((p): p is LetterRecipient => p !== undefined);
  const warmUp = recipients.slice(1, 1 + chromiumWarmUp);
  const html = (person: LetterRecipient) =>
    letters.renderLetterHtml(letters.buildSubjectLetter(prepared, person));
  const sampleHtml = sample.map(html);
  const outDir = await tempDir("dpdesk-bench-letters-chromium-");

  const launched = performance.now();
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  } catch (error) {
    run.skipped = `Chromium could not be launched: ${(error as Error).message.split("\n")[0] ?? ""}`;
    await removeDir(outDir);
    return run;
  }
  cleanUpState.close.push(() => browser.close());
  run.launchSeconds = (performance.now() - launched) / 1000;
  run.version = browser.version();
  try {
    const browserContext = await browser.newContext();
    const tabs = await Promise.all(Array.from({ length: chromiumParallel }, () => browserContext.newPage()));
    const print = async (tab: (typeof tabs)[number], content: string, file: string) => {
      await tab.setContent(content);
      const pdf = await tab.pdf({ format: "A4" });
      await writeFile(file, pdf);
      return pdf.length;
    };
    process.stderr.write(`  Chromium ${run.version}: warm-up... `);
    await Promise.all(
      tabs.map(async (tab, t) => {
        for (let i = t; i < warmUp.length; i += tabs.length) {
          const person = warmUp[i];
          if (person !== undefined) await print(tab, html(person), join(outDir, `warm-${i}.pdf`));
        }
      }),
    );
    process.stderr.write(`printing ${fmt(sample.length)} letters, ${chromiumParallel} at a time... `);
    let next = 0;
    let peakRss = chromiumRssKiB();
    const poll = setInterval(() => {
      peakRss = Math.max(peakRss, chromiumRssKiB());
    }, 250);
    const machineBefore = machineTicks();
    const chromiumBefore = chromiumTicks();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      tabs.map(async (tab) => {
        for (let i = next++; i < sample.length; i = next++)
          run.bytes += await print(tab, sampleHtml[i] ?? "", join(outDir, `${sample[i]?.personId ?? i}.pdf`));
      }),
    );
    run.seconds = (performance.now() - started) / 1000;
    const chromiumAfter = chromiumTicks();
    const machineAfter = machineTicks();
    const own = process.cpuUsage(cpuBefore);
    clearInterval(poll);
    run.peakRssKiB = peakRss;
    run.letters = sample.length;
    let chromiumUsed = 0;
    for (const [pid, after] of chromiumAfter) chromiumUsed += (after - (chromiumBefore.get(pid) ?? 0)) / 100;
    const busy = (machineAfter.busy - machineBefore.busy) / 100;
    const driver = (own.user + own.system) / 1e6;
    run.cores = chromiumUsed / run.seconds;
    run.driverCores = driver / run.seconds;
    run.other = Math.max(0, busy - chromiumUsed - driver) / run.seconds;
    process.stderr.write(`${secs(run.seconds)} s; checking... `);

    // Read back: pages, and the same name and regulator checks.
    const special = new Set(context.specialCategories);
    const failures: string[] = [];
    let island = "";
    for (const person of sample) {
      const bytes = await readFile(join(outDir, `${person.personId}.pdf`));
      const document = await readPdf(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
      run.pages += document.numPages;
      run.dpdeskPages += dpdeskPages.get(person.personId) ?? NaN;
      const text = [...document.text.values()].join("\n");
      const problems = letterProblems(text, person, special, { footer: false });
      if (problems.length > 0)
        failures.push(`${person.jurisdiction} ${person.personId.slice(0, 8)}: ${problems.join("; ")}`);
      if (island === "" && person.jurisdiction !== "GB" && problems.length === 0)
        island = `e.g. ${person.jurisdiction}: ${(complaintParagraph(flat(text)) ?? "").slice(0, 160)}`;
    }
    run.checks.push({
      what: `Chromium: its ${fmt(sample.length)} PDFs read back (name, regulator, special-data sentence)`,
      ok: failures.length === 0,
      detail: failures.length > 0 ? failures.slice(0, 5).join(" || ") : island,
    });
    process.stderr.write(`${failures.length === 0 ? "all OK" : "FAILURES"}\n`);
  } finally {
    await browser.close();
    cleanUpState.close.length = 0;
    await removeDir(outDir);
  }
  return run;
}

// ---------------------------------------------------------------------------------------------------------------
// The run.

function cpuModel(): string {
  try {
    const model = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1];
    if (model !== undefined) return model.trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model.trim() ?? "unknown CPU";
}

async function main(): Promise<number> {
  const cores = os.cpus().length;
  console.log(
    "dpdesk bench:letters — personalised letters to the people affected by a breach, as PDF, against Chromium",
  );
  console.log(
    `Machine: ${cores} cores (available parallelism ${os.availableParallelism()}), ${cpuModel()}, ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`,
  );

  const generated = performance.now();
  contextInput = await letterContext();
  population = generatePeople(peopleCount, seed);
  const truth = population;
  const withName = truth.recipients.filter((p) => p.name !== undefined);
  console.log(
    `People: ${fmt(truth.recipients.length)} (seed ${seed}, generated in ${secs((performance.now() - generated) / 1000)} s): ` +
      Object.entries(truth.byJurisdiction)
        .map(([code, n]) => `${code} ${fmt(n)} (${((n / truth.recipients.length) * 100).toFixed(3)}%)`)
        .join(", ") +
      `; ${fmt(truth.recipients.length - withName.length)} without a name, ` +
      `${fmt(withName.filter((p) => /[^\x20-\x7e]/.test(p.name ?? "")).length)} with letters outside ASCII, ` +
      `${fmt(truth.recipients.filter((p) => p.addressLines === undefined).length)} without a postal address; ` +
      `${(truth.recipients.reduce((n, p) => n + p.categories.length, 0) / truth.recipients.length).toFixed(1)} data categories each on average.`,
  );
  console.log(
    `Letters: breach ${reference} (examples/prospect-union-2025.json, assessed at ${preparedAt.toISOString()}), default wording.`,
  );

  const idleBefore = machineTicks();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const idleAfter = machineTicks();
  const background = ((idleAfter.busy - idleBefore.busy) / (idleAfter.total - idleBefore.total)) * cores;
  console.log(
    `Background load before timing: ${background.toFixed(2)} of ${cores} cores busy` +
      (background > disturbedCores
        ? " — WARNING: other processes are using the CPU; figures will be low"
        : ""),
  );
  console.log("");

  const scratch = await tempDir("dpdesk-bench-letters-time-");
  process.stderr.write("Timing:\n");
  if (!existsSync(join(root, "dist", "cli", "write-letter-files.js")))
    throw new Error(
      "dist/cli/write-letter-files.js is missing: run `npm run build` first (npm run bench:letters does)",
    );
  const inputs: ChildInputs = {
    context: join(scratch, "context.json"),
    people: join(scratch, "people.json"),
  };
  await writeFile(inputs.context, JSON.stringify(contextInput));
  await writeFile(inputs.people, JSON.stringify(truth.recipients));
  const singleRun = await runDpdesk(true, scratch, inputs);
  const mergedRun = await runDpdesk(false, scratch, inputs);
  const chromium = await runChromium(contextInput, truth.recipients, singleRun.pagesByPerson);

  // The table.
  const dpdeskRate = (run: DpdeskRun) => peopleCount / medianSeconds(run);
  const chromiumRate = chromium.letters / chromium.seconds;
  const ratio = (rate: number) =>
    Number.isFinite(rate) && Number.isFinite(chromiumRate) ? `${(rate / chromiumRate).toFixed(1)}×` : "n/a";
  const cores2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : "?");
  const flagged = (n: number) => `${n > disturbedCores ? "!" : ""}${cores2(n)}`;
  interface Row {
    name: string;
    cells: string[];
  }
  const rows: Row[] = [];
  for (const run of [singleRun, mergedRun]) {
    const first = run.reports[0];
    if (first === undefined) {
      rows.push({ name: run.name, cells: ["FAILED"] });
      continue;
    }
    const seconds = medianSeconds(run);
    rows.push({
      name: run.name,
      cells: [
        fmt(first.result.letters),
        runCount === 1 ? secs(seconds) : `${secs(seconds)} (median of ${runCount})`,
        fmt(peopleCount / seconds),
        (first.result.pages / first.result.letters).toFixed(2),
        mb(run.bytesWritten),
        cores2(medianCores(run)),
        flagged(Math.max(...run.reports.map(otherCores))),
        mib(Math.max(...run.children.map((c) => c.peakRssKiB))),
        ratio(dpdeskRate(run)),
      ],
    });
  }
  if (chromium.skipped === null) {
    rows.push({
      name: `Chromium ${chromium.version} page.pdf, ${chromiumParallel} pages in parallel`,
      cells: [
        fmt(chromium.letters),
        secs(chromium.seconds),
        fmt(chromiumRate),
        (chromium.pages / chromium.letters).toFixed(2),
        mb(chromium.bytes),
        cores2(chromium.cores),
        flagged(chromium.other),
        mib(chromium.peakRssKiB),
        "1.0×",
      ],
    });
    rows.push({
      name: `  the same, extrapolated from ${fmt(chromium.letters)} to ${fmt(peopleCount)}`,
      cells: [
        fmt(peopleCount),
        `${fmt(peopleCount / chromiumRate)} (extrapolated)`,
        fmt(chromiumRate),
        "",
        `~${mb((chromium.bytes / chromium.letters) * peopleCount)}`,
      ],
    });
  }
  const nameWidth = Math.max(...rows.map((r) => r.name.length), 7);
  const columns = [
    ["letters", 9],
    ["seconds", 24],
    ["letters/s", 9],
    ["pages/letter", 12],
    ["MB written", 10],
    ["CPU", 5],
    ["other", 5],
    ["peak RSS", 9],
    ["dpdesk ÷ Chromium", 17],
  ] as const;
  const header = `${"Program".padEnd(nameWidth)}  ${columns.map(([title, width]) => title.padStart(width)).join("  ")}`;
  console.log(header);
  console.log("-".repeat(header.length));
  for (const r of rows)
    console.log(
      `${r.name.padEnd(nameWidth)}  ${r.cells.map((cell, i) => cell.padStart(columns[i]?.[1] ?? 0)).join("  ")}`.trimEnd(),
    );
  console.log("");
  const withChromium = chromium.skipped === null;
  console.log(
    "seconds: dpdesk's are the writeLetterFiles call, timed in its child process (worker start-up included; Node" +
      " start-up and reading the people not)" +
      (withChromium
        ? `; Chromium's are set content + print + write the file, after the launch (${secs(chromium.launchSeconds)} s)` +
          ` and ${chromiumWarmUp} warm-up letters, which are not included.`
        : "."),
  );
  console.log(
    "CPU: cores the program used meanwhile — dpdesk's process (all threads)" +
      (withChromium
        ? `, Chromium's processes (browser, renderers, helpers; this bench driving it used ${cores2(chromium.driverCores)} more)`
        : "") +
      `. other: cores every other process on the machine used meanwhile (from /proc/stat; ! above ${disturbedCores}:` +
      " that row's figures are low).",
  );
  console.log(
    `peak RSS: dpdesk = the child process's maximum (${useGnuTime ? "GNU time" : "VmHWM polled"}), which includes the` +
      ` ${fmt(peopleCount)} people held in memory before the call` +
      (singleRun.reports[0] === undefined
        ? ""
        : ` (${mib(singleRun.reports[0].rssBeforeKiB)} resident then)`) +
      (withChromium ? "; Chromium = the largest sum of its processes' RSS, polled every 250 ms" : "") +
      ". MB = 10^6 bytes of files written" +
      " (dpdesk: letters.pdf, manifest.csv and letters/*.pdf; nothing is fsynced).",
  );
  if (chromium.skipped === null && chromium.letters > 0)
    console.log(
      `Pages for the same ${fmt(chromium.letters)} people: Chromium ${fmt(chromium.pages)}, dpdesk ${fmt(chromium.dpdeskPages)} ` +
        "(Chromium prints the e-mail HTML: no address block and no reference footer).",
    );
  for (const run of [singleRun, mergedRun]) {
    const first = run.reports[0];
    if (first === undefined) continue;
    console.log(
      `${run.name}: ${fmt(first.result.pages)} pages, letters.pdf ${mb(first.result.mergedBytes)} MB, ` +
        `${fmt(run.files)} files ${mb(run.bytesWritten)} MB; ` +
        run.reports
          .map(
            (r, i) =>
              `run ${i + 1}: ${secs(r.seconds)} s, ${cores2(r.cpuSeconds / r.seconds)} cores, other ${cores2(otherCores(r))}, ` +
              `child ${secs(run.children[i]?.cpuSeconds ?? NaN)} CPU s in all`,
          )
          .join("; ") +
        ".",
    );
  }
  if (chromium.skipped !== null) console.log(`Chromium: SKIPPED — ${chromium.skipped}.`);
  console.log("");

  // The aim.
  const mainRate = dpdeskRate(singleRun);
  const mergedRate = dpdeskRate(mergedRun);
  const verdict = (rate: number) =>
    !Number.isFinite(rate) ? "not measured" : rate >= aimPerSecond ? "MET" : "NOT MET";
  console.log(
    `Aim (issue): at least ${fmt(aimPerSecond)} letters/s on 2 cores (this machine: ${cores}). ` +
      `dpdesk letters --out (one PDF each + merged, the default): ${fmt(mainRate)} letters/s — ${verdict(mainRate)}; ` +
      `--no-single (merged only): ${fmt(mergedRate)} letters/s — ${verdict(mergedRate)}.`,
  );
  if (chromium.skipped === null)
    console.log(
      `dpdesk ÷ Chromium = ${ratio(mainRate)} (one PDF each + merged), ${ratio(mergedRate)} (merged only); Chromium's ` +
        `${fmt(chromiumRate)} letters/s is measured on ${fmt(chromium.letters)} letters and extrapolated to ${fmt(peopleCount)}.`,
    );
  console.log("");

  // The checks.
  const checks = [...singleRun.checks, ...mergedRun.checks, ...chromium.checks];
  console.log("Checks against the ground truth:");
  for (const [label, run] of [
    ["one PDF each + merged", singleRun],
    ["merged only", mergedRun],
  ] as const) {
    if (run.failure !== null) console.log(`  FAILED  dpdesk (${label}): ${run.failure}`);
    for (const c of run.checks)
      console.log(
        `  ${c.ok ? "OK    " : "FAILED"}  (${label}) ${c.what}${c.detail === "" ? "" : ` — ${c.detail}`}`,
      );
  }
  for (const c of chromium.checks)
    console.log(`  ${c.ok ? "OK    " : "FAILED"}  ${c.what}${c.detail === "" ? "" : ` — ${c.detail}`}`);
  const failed =
    checks.filter((c) => !c.ok).length +
    (singleRun.failure === null ? 0 : 1) +
    (mergedRun.failure === null ? 0 : 1);
  if (failed > 0) {
    console.error(`bench:letters: ${failed} check(s) FAILED.`);
    return 1;
  }
  console.log("All checks OK.");
  return 0;
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
  process.on(signal, () => {
    if (runState.signalled) return;
    runState.signalled = true;
    console.error(`\nbench:letters: ${signal}, stopping and removing what the run wrote`);
    void cleanUp().finally(() => process.exit(130));
  });

let exitCode: number;
try {
  exitCode = await main();
} catch (error) {
  if (runState.signalled) await new Promise(() => undefined); // the signal handler cleans up and exits
  console.error(`bench:letters FAILED: ${String((error as Error).stack ?? error)}`);
  exitCode = 1;
} finally {
  await cleanUp();
}
process.exit(exitCode);
