/**
 * Impact analysis of exposed files: how many people, where they live, and which kinds of their data — read
 * straight from the bytes. Each file's columns are classified from the header and a sample of values; then
 * every row is reduced to a person key (e-mail, else name + date of birth + postcode, or `--key`), a
 * jurisdiction (postcode, else country, else phone, else unknown) and the data categories it holds. People are
 * de-duplicated across rows and files in a compact key set; strings are made only for the cells that decide
 * who a person is and where they live.
 */
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { basename } from "node:path";
import { isUtf8 } from "node:buffer";
import { createGunzip } from "node:zlib";
import { dataCategories, type DataCategory } from "../law/index.js";
import { CsvScanner, fieldFilled, fieldText, sniffDelimiter, type CsvRow } from "./csv-scanner.js";
import {
  classifyColumn,
  countryJurisdiction,
  phoneJurisdiction,
  postcodeJurisdiction,
  type ColumnClass,
} from "./detectors.js";
import { KeySet } from "./key-set.js";

export interface ImpactOptions {
  /** A column (by header name) that identifies a person, instead of e-mail / name + date of birth + postcode. */
  key?: string;
  /** Stop after this many problems (the analysis is then refused). */
  maxErrors: number;
  /** Called now and then with progress (bytes read of the file, rows so far). */
  onProgress?: (progress: ImpactProgress) => void;
}

export interface ImpactProgress {
  file: string;
  fileBytes: number;
  bytesRead: number;
  rows: number;
}

export interface ImpactProblem {
  file: string;
  line: number | null;
  message: string;
}

export interface ImpactColumn extends ColumnClass {
  file: string;
  name: string;
  category: DataCategory | null;
}

export interface ImpactResult {
  files: { file: string; bytes: number; rows: number; format: string }[];
  rows: number;
  subjects: number;
  subjectsByJurisdiction: Record<string, number>;
  columns: ImpactColumn[];
  categories: Partial<Record<DataCategory, number>>;
  /** People with no e-mail, name or key: each counted as a person of their own. */
  rowsWithoutIdentity: number;
  identity: string;
  problems: ImpactProblem[];
}

/** Input that cannot be analysed at all (missing, empty, not a table): the command exits with code 2. */
export class ImpactInputError extends Error {
  override readonly name = "ImpactInputError";
}

const SAMPLE_ROWS = 2_000;
const MAX_FIELD_BYTES = 1 << 20;
const UNKNOWN = "unknown";

/** Per-file state: its header, its classified columns and where the identifying columns are. */
interface FilePlan {
  email: number;
  firstName: number;
  lastName: number;
  fullName: number;
  dateOfBirth: number;
  postcode: number;
  country: number;
  phones: number[];
  key: number;
  /** For each column, the bit of its data category (0 for none). */
  categoryBits: Uint32Array;
  width: number;
}

class Population {
  readonly keys = new KeySet(1 << 16);
  jurisdiction = new Uint16Array(1 << 16);
  categories = new Uint32Array(1 << 16);
  readonly jurisdictionCodes: string[] = [UNKNOWN];
  private readonly codeIndex = new Map<string, number>([[UNKNOWN, 0]]);
  people = 0;

  codeOf(code: string): number {
    let index = this.codeIndex.get(code);
    if (index === undefined) {
      index = this.jurisdictionCodes.length;
      this.jurisdictionCodes.push(code);
      this.codeIndex.set(code, index);
    }
    return index;
  }

  /** Room for person `index`. */
  ensure(index: number): void {
    if (index < this.jurisdiction.length) return;
    const jurisdiction = new Uint16Array(this.jurisdiction.length * 2);
    jurisdiction.set(this.jurisdiction);
    this.jurisdiction = jurisdiction;
    const categories = new Uint32Array(this.categories.length * 2);
    categories.set(this.categories);
    this.categories = categories;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Person keys, built into one scratch buffer: trimmed, ASCII letters folded (non-ASCII text goes through
// toLowerCase/toUpperCase, so any script folds the same way).

let scratch = new Uint8Array(1024);
let scratchLength = 0;
const encoder = new TextEncoder();

function ensureScratch(extra: number): void {
  if (scratchLength + extra <= scratch.length) return;
  let size = scratch.length * 2;
  while (scratchLength + extra > size) size *= 2;
  const bigger = new Uint8Array(size);
  bigger.set(scratch.subarray(0, scratchLength));
  scratch = bigger;
}

function appendByte(byte: number): void {
  ensureScratch(1);
  scratch[scratchLength++] = byte;
}

/** Appends a field, trimmed, case-folded (`fold`: 1 lower, 2 upper), without spaces when `squeeze`. */
function appendField(row: CsvRow, index: number, fold: 0 | 1 | 2, squeeze: boolean): boolean {
  if (index < 0 || index >= row.count) return false;
  let start = row.starts[index] ?? 0;
  let end = row.ends[index] ?? 0;
  const bytes = row.bytes;
  while (start < end && (bytes[start] === 0x20 || bytes[start] === 0x09)) start++;
  while (end > start && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0x09)) end--;
  if (start === end) return false;
  let ascii = row.escaped[index] === 0;
  for (let at = start; at < end && ascii; at++) if ((bytes[at] ?? 0) >= 0x80) ascii = false;
  if (!ascii) {
    let text = fieldText(row, index).trim();
    text = fold === 1 ? text.toLowerCase() : fold === 2 ? text.toUpperCase() : text;
    if (squeeze) text = text.replace(/\s+/g, "");
    const encoded = encoder.encode(text);
    ensureScratch(encoded.length);
    scratch.set(encoded, scratchLength);
    scratchLength += encoded.length;
    return encoded.length > 0;
  }
  ensureScratch(end - start);
  for (let at = start; at < end; at++) {
    let byte = bytes[at] ?? 0;
    if (squeeze && byte === 0x20) continue;
    if (fold === 1 && byte >= 0x41 && byte <= 0x5a) byte += 0x20;
    else if (fold === 2 && byte >= 0x61 && byte <= 0x7a) byte -= 0x20;
    scratch[scratchLength++] = byte;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------

function plan(
  header: string[],
  columns: ColumnClass[],
  keyColumn: string | undefined,
  file: string,
): FilePlan {
  const find = (role: ColumnClass["role"]) => columns.findIndex((column) => column.role === role);
  let key = -1;
  if (keyColumn !== undefined) {
    key = header.findIndex((name) => name.trim().toLowerCase() === keyColumn.trim().toLowerCase());
    if (key < 0)
      throw new ImpactInputError(
        `${file}: --key ${keyColumn}: no such column (the columns are: ${header.join(", ")})`,
      );
  }
  const categoryBits = new Uint32Array(columns.length);
  columns.forEach((column, index) => {
    if (column.category !== null) categoryBits[index] = 1 << dataCategories.indexOf(column.category);
  });
  return {
    email: find("email"),
    firstName: find("first_name"),
    lastName: find("last_name"),
    fullName: find("full_name"),
    dateOfBirth: find("date_of_birth"),
    postcode: find("postcode"),
    country: find("country"),
    phones: columns.flatMap((column, index) => (column.role === "phone" ? [index] : [])),
    key,
    categoryBits,
    width: header.length,
  };
}

function jurisdictionOf(row: CsvRow, plan: FilePlan): string | null {
  if (plan.postcode >= 0 && fieldFilled(row, plan.postcode)) {
    const found = postcodeJurisdiction(fieldText(row, plan.postcode));
    if (found !== null) return found;
  }
  if (plan.country >= 0 && fieldFilled(row, plan.country)) {
    const found = countryJurisdiction(fieldText(row, plan.country));
    if (found !== null) return found;
  }
  for (const phone of plan.phones)
    if (fieldFilled(row, phone)) {
      const found = phoneJurisdiction(fieldText(row, phone));
      if (found !== null) return found;
    }
  return null;
}

/** A copy of a row that outlives its callback (the sampled rows are classified first, then counted). */
function copyRow(row: CsvRow): CsvRow {
  let low = Number.MAX_SAFE_INTEGER;
  let high = 0;
  for (let index = 0; index < row.count; index++) {
    low = Math.min(low, row.starts[index] ?? 0);
    high = Math.max(high, row.ends[index] ?? 0);
  }
  if (row.count === 0) low = 0;
  const starts = new Int32Array(row.count);
  const ends = new Int32Array(row.count);
  for (let index = 0; index < row.count; index++) {
    starts[index] = (row.starts[index] ?? 0) - low;
    ends[index] = (row.ends[index] ?? 0) - low;
  }
  return {
    bytes: row.bytes.slice(low, high),
    starts,
    ends,
    escaped: row.escaped.slice(0, row.count),
    count: row.count,
    line: row.line,
  };
}

/** Reads a file's bytes, gunzipping when it starts with the gzip magic number. */
async function detectFormat(path: string): Promise<{ gzip: boolean; head: Buffer; bytes: number }> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ImpactInputError(`${path}: not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof ImpactInputError) throw error;
    throw new ImpactInputError(
      `${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  if (size === 0) throw new ImpactInputError(`${path}: the file is empty`);
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(Math.min(size, 64 * 1024));
    await handle.read(head, 0, head.length, 0);
    return { gzip: head[0] === 0x1f && head[1] === 0x8b, head, bytes: size };
  } finally {
    await handle.close();
  }
}

function textKind(head: Uint8Array, path: string): "csv" | "jsonl" {
  if (head[0] === 0x50 && head[1] === 0x4b)
    throw new ImpactInputError(
      `${path}: a ZIP file (an .xlsx workbook?): save it as CSV first — XLSX is not read yet`,
    );
  if (head.includes(0)) throw new ImpactInputError(`${path}: not a text file (it holds NUL bytes)`);
  let at = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (at < head.length && (head[at] === 0x20 || head[at] === 0x0a || head[at] === 0x0d)) at++;
  return head[at] === 0x7b ? "jsonl" : "csv";
}

/** The impact of a set of files, read as one population. */
export async function analyseFiles(paths: readonly string[], options: ImpactOptions): Promise<ImpactResult> {
  if (paths.length === 0) throw new ImpactInputError("give at least one file");
  const population = new Population();
  const result: ImpactResult = {
    files: [],
    rows: 0,
    subjects: 0,
    subjectsByJurisdiction: {},
    columns: [],
    categories: {},
    rowsWithoutIdentity: 0,
    identity:
      options.key === undefined
        ? "e-mail address (trimmed, case-folded), else name + date of birth + postcode"
        : `the column ${options.key}`,
    problems: [],
  };
  const addProblem = (problem: ImpactProblem) => {
    result.problems.push(problem);
    if (result.problems.length > options.maxErrors)
      throw new ImpactInputError(
        `more than ${String(options.maxErrors)} problems (the first: ${problem.file}${problem.line === null ? "" : `:${String(problem.line)}`}: ${result.problems[0]?.message ?? ""}); raise --max-errors to go on`,
      );
  };

  for (const path of paths) {
    const format = await detectFormat(path);
    const name = basename(path);
    if (!format.gzip) {
      const kind = textKind(format.head, path);
      if (kind === "jsonl")
        throw new ImpactInputError(`${path}: JSON Lines is not read yet; give the data as CSV or TSV`);
    }
    const stream = createReadStream(path, { highWaterMark: 4 * 1024 * 1024 });
    const source: AsyncIterable<Buffer> = format.gzip ? stream.pipe(createGunzip()) : stream;
    // Set by the scanner's callbacks as the file is read.
    const state: { header: string[] | null; plan: FilePlan | null } = { header: null, plan: null };
    const sample: CsvRow[] = [];
    let rows = 0;
    let bytesRead = 0;
    let checkUtf8 = false;
    let lastProgress = 0;

    const countRow = (row: CsvRow, plan: FilePlan) => {
      rows++;
      if (row.count !== plan.width)
        addProblem({
          file: name,
          line: row.line,
          message: `${String(row.count)} fields where the header has ${String(plan.width)}`,
        });
      // The person.
      scratchLength = 0;
      let identified: boolean;
      if (plan.key >= 0) identified = appendField(row, plan.key, 0, false);
      else {
        appendByte(0x65); // "e"
        identified = appendField(row, plan.email, 1, false);
        if (!identified) {
          scratchLength = 0;
          appendByte(0x6e); // "n"
          const named =
            plan.fullName >= 0
              ? appendField(row, plan.fullName, 1, false)
              : appendField(row, plan.firstName, 1, false);
          appendByte(0x1f);
          const surnamed = appendField(row, plan.lastName, 1, false);
          appendByte(0x1f);
          const born = appendField(row, plan.dateOfBirth, 0, false);
          appendByte(0x1f);
          const placed = appendField(row, plan.postcode, 2, true);
          identified = (named || surnamed) && (born || placed);
        }
      }
      let person: number;
      let isNew: boolean;
      if (identified) {
        person = population.keys.intern(scratch, 0, scratchLength);
        isNew = population.keys.lastWasNew;
      } else {
        // No identity: a person of their own (never dropped), counted apart.
        result.rowsWithoutIdentity++;
        scratchLength = 0;
        appendByte(0x72); // "r"
        for (const byte of encoder.encode(`${name}:${String(row.line)}`)) appendByte(byte);
        person = population.keys.intern(scratch, 0, scratchLength);
        isNew = true;
      }
      if (isNew) {
        population.ensure(person);
        population.people = population.keys.size;
      }
      // Where they live: from the first row that says.
      if (population.jurisdiction[person] === 0) {
        const found = jurisdictionOf(row, plan);
        if (found !== null) population.jurisdiction[person] = population.codeOf(found);
      }
      // What of theirs.
      let bits = 0;
      const width = Math.min(row.count, plan.categoryBits.length);
      for (let index = 0; index < width; index++) {
        const bit = plan.categoryBits[index] ?? 0;
        if (bit !== 0 && (bits & bit) === 0 && fieldFilled(row, index)) bits |= bit;
      }
      population.categories[person] = (population.categories[person] ?? 0) | bits;
    };

    const startCounting = () => {
      const header = state.header;
      if (header === null) return;
      const columns = header.map((column, index) =>
        classifyColumn(
          column,
          sample.map((row) => fieldText(row, index)).filter((value) => value.trim() !== ""),
        ),
      );
      const filePlan = plan(header, columns, options.key, name);
      state.plan = filePlan;
      for (const [index, column] of columns.entries())
        result.columns.push({ ...column, file: name, name: header[index] ?? "" });
      for (const row of sample) countRow(row, filePlan);
      sample.length = 0;
    };

    let delimiter = -1;
    let scanner: CsvScanner | null = null;
    const makeScanner = (first: Uint8Array) => {
      delimiter = sniffDelimiter(first);
      return new CsvScanner({
        delimiter,
        maxFieldBytes: MAX_FIELD_BYTES,
        onRow: (row) => {
          if (checkUtf8) {
            const low = row.starts[0] ?? 0;
            const high = row.ends[row.count - 1] ?? low;
            if (!isUtf8(row.bytes.subarray(low, high)))
              addProblem({ file: name, line: row.line, message: "not valid UTF-8 (read with replacements)" });
          }
          if (state.header === null) {
            const header = Array.from({ length: row.count }, (_, index) => fieldText(row, index).trim());
            state.header = header;
            if (header.every((column) => column === ""))
              throw new ImpactInputError(`${path}: the first line (the header) is empty`);
            return;
          }
          if (state.plan !== null) countRow(row, state.plan);
          else {
            sample.push(copyRow(row));
            if (sample.length >= SAMPLE_ROWS) startCounting();
          }
        },
        onProblem: (problem) => {
          addProblem({ file: name, line: problem.line, message: problem.message });
        },
      });
    };

    let pending = new Uint8Array(0); // bytes of an unfinished UTF-8 sequence at a chunk's end
    for await (const chunk of source) {
      bytesRead += chunk.length;
      let bytes: Uint8Array = chunk;
      if (pending.length > 0) {
        const joined = new Uint8Array(pending.length + chunk.length);
        joined.set(pending);
        joined.set(chunk, pending.length);
        bytes = joined;
      }
      // Hold back a UTF-8 sequence cut by the chunk's end, so each chunk checks whole.
      let cut = bytes.length;
      for (let back = 1; back <= 3 && back <= bytes.length; back++) {
        const byte = bytes[bytes.length - back] ?? 0;
        if ((byte & 0xc0) === 0x80) continue;
        if (byte >= 0xc0) cut = bytes.length - back;
        break;
      }
      pending = bytes.slice(cut);
      const whole = bytes.subarray(0, cut);
      scanner ??= makeScanner(whole);
      checkUtf8 = !isUtf8(whole);
      scanner.push(whole);
      const now = performance.now();
      if (options.onProgress !== undefined && now - lastProgress > 250) {
        lastProgress = now;
        options.onProgress({ file: name, fileBytes: format.bytes, bytesRead, rows: result.rows + rows });
      }
    }
    if (scanner !== null) {
      checkUtf8 = pending.length > 0;
      if (pending.length > 0) scanner.push(pending);
      scanner.end();
    }
    if (state.header === null) throw new ImpactInputError(`${path}: no rows (not even a header)`);
    if (state.plan === null) startCounting();
    if (rows === 0) addProblem({ file: name, line: null, message: "a header but no rows" });
    result.rows += rows;
    result.files.push({
      file: name,
      bytes: format.bytes,
      rows,
      format: `${delimiter === 0x09 ? "TSV" : `CSV (${String.fromCharCode(delimiter)})`}${format.gzip ? ", gzip" : ""}`,
    });
  }

  // Problems in file order, then line order (rows sampled for classification are counted after later rows).
  const fileOrder = new Map(result.files.map((entry, index) => [entry.file, index]));
  result.problems.sort(
    (a, b) =>
      (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) ||
      (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER),
  );

  // Totals.
  const people = population.keys.size;
  result.subjects = people;
  const byCode = new Float64Array(population.jurisdictionCodes.length);
  const byCategory = new Float64Array(dataCategories.length);
  for (let person = 0; person < people; person++) {
    const code = population.jurisdiction[person] ?? 0;
    byCode[code] = (byCode[code] ?? 0) + 1;
    let bits = population.categories[person] ?? 0;
    while (bits !== 0) {
      const bit = 31 - Math.clz32(bits);
      byCategory[bit] = (byCategory[bit] ?? 0) + 1;
      bits &= ~(1 << bit);
    }
  }
  // The four home jurisdictions first (even at 0), then others by count, then unknown (even at 0).
  const home = ["GB", "IM", "JE", "GG"];
  const rank = (code: string) => (code === UNKNOWN ? 1e9 : home.includes(code) ? home.indexOf(code) : 10);
  const codes = population.jurisdictionCodes.map((code, index) => ({ code, count: byCode[index] ?? 0 }));
  for (const code of home) if (!codes.some((entry) => entry.code === code)) codes.push({ code, count: 0 });
  codes.sort((a, b) => rank(a.code) - rank(b.code) || b.count - a.count || a.code.localeCompare(b.code));
  for (const entry of codes) result.subjectsByJurisdiction[entry.code] = entry.count;
  dataCategories.forEach((category, index) => {
    const count = byCategory[index] ?? 0;
    if (count > 0) result.categories[category] = count;
  });
  return result;
}
