/**
 * Impact analysis of exposed files: how many people, where they live, and which kinds of their data — read
 * straight from the bytes. Each file's columns are classified from the header and a sample of values; then
 * every row is reduced to a person key (e-mail, else name + date of birth + postcode, or `--key`), a
 * jurisdiction (postcode, else country, else phone, else unknown) and the data categories it holds. People are
 * de-duplicated across rows and files in a compact key set; strings are made only for the cells that decide
 * who a person is and where they live.
 */
import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { basename } from "node:path";
import { Worker } from "node:worker_threads";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { dataCategories, type DataCategory } from "../law/vocabulary.js";
import {
  CsvScanner,
  fieldText,
  sniffDelimiter,
  sniffEncoding,
  sniffLineEnd,
  utf8SafeEnd,
  type CsvRow,
  type TextEncoding,
} from "./csv-scanner.js";
import { classifyColumn, type ColumnClass } from "./detectors.js";
import { countRange, type RangeResult, type RangeTask, type WorkerMessage } from "./impact-worker.js";
import {
  planColumns,
  Tally,
  UNKNOWN,
  type FilePlan,
  type PersonListener,
  type TallyProblem,
} from "./tally.js";

export interface ImpactOptions {
  /** A column (by header name) that identifies a person, instead of e-mail / name + date of birth + postcode. */
  key?: string;
  /** Stop after this many problems (the analysis is then refused). */
  maxErrors: number;
  /** Worker threads for a large plain file (default: one per core); 1 reads on the main thread only. */
  workers?: number;
  /** What to call each file in results and problems (default: its base name, or its path where two share one). */
  names?: readonly string[];
  /** Files smaller than this are read on the main thread (default 16 MB). */
  parallelFrom?: number;
  /** Called now and then with progress (bytes read of the file, rows so far). */
  onProgress?: (progress: ImpactProgress) => void;
  /**
   * The recipient list: `onPerson` is told of every counted row, and `drain` is awaited between chunks of
   * input, so that the people collected can be stored before more are read. Files are then read on one thread,
   * in order.
   */
  recipients?: { onPerson: PersonListener; drain(): Promise<void> };
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
  /** Rows with nothing in any field (",,,", as spreadsheets leave): not counted. */
  emptyRows: number;
  /** Rows that name no one and hold no personal data (totals, notes, deleted rows): not people. */
  rowsWithoutPersonalData: number;
  identity: string;
  problems: ImpactProblem[];
}

/** Input that cannot be analysed at all (missing, empty, not a table): the command exits with code 2. */
export class ImpactInputError extends Error {
  override readonly name = "ImpactInputError";
}

const SAMPLE_ROWS = 2_000;
/** The year ages are read in (children's dates of birth), as of when the analysis runs. */
const thisYear = new Date().getUTCFullYear();
const MAX_FIELD_BYTES = 1 << 20;
const CHUNK = 4 * 1024 * 1024;
const encoder = new TextEncoder();

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
    offset: row.offset,
    encoding: row.encoding,
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

/** UTF-16 text as UTF-8 bytes, chunk by chunk (a character split between chunks is joined up; the BOM is kept). */
async function* transcodeToUtf8(
  source: NodeJS.ReadableStream,
  encoding: "utf-16le" | "utf-16be",
): AsyncIterable<Buffer> {
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  for await (const chunk of source as AsyncIterable<Buffer>) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== "") yield Buffer.from(text, "utf8");
  }
  const rest = decoder.decode();
  if (rest !== "") yield Buffer.from(rest, "utf8");
}

/** The first bytes of a gzip file's content. */
async function gunzippedHead(path: string): Promise<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: 64 * 1024 });
  const gunzip = stream.pipe(createGunzip());
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) return chunk;
    return new Uint8Array(0);
  } catch (error) {
    throw new ImpactInputError(`${path}: a gzip file that cannot be read (${(error as Error).message})`);
  } finally {
    gunzip.destroy();
    stream.destroy();
  }
}

function textKind(head: Uint8Array, path: string): "csv" | "jsonl" {
  if (head[0] === 0x25 && head[1] === 0x50 && head[2] === 0x44 && head[3] === 0x46)
    throw new ImpactInputError(`${path}: a PDF document, not a table: export the data as CSV or XLSX`);
  // A binary file is full of NUL bytes; a stray one in a text export is not a reason to refuse it.
  let nuls = 0;
  for (const byte of head) if (byte === 0) nuls++;
  if (nuls > head.length / 1000) throw new ImpactInputError(`${path}: not a text file (it holds NUL bytes)`);
  let at = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (at < head.length && (head[at] === 0x20 || head[at] === 0x0a || head[at] === 0x0d)) at++;
  if (head[at] === 0x5b)
    throw new ImpactInputError(
      `${path}: a JSON array: give one object per line (JSON Lines), or the table as CSV`,
    );
  return head[at] === 0x7b ? "jsonl" : "csv";
}

/** A spreadsheet row's cells as text (row.values is 1-based; dates as yyyy-mm-dd; formulas by their result). */
function cellTexts(values: unknown): string[] {
  if (!Array.isArray(values)) return [];
  const texts: string[] = [];
  for (let index = 1; index < values.length; index++) texts.push(cellText(values[index] as unknown));
  return texts;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    const cell = value as {
      richText?: { text: string }[];
      text?: unknown;
      result?: unknown;
      error?: unknown;
    };
    if (Array.isArray(cell.richText)) return cell.richText.map((part) => part.text).join("");
    if (cell.text !== undefined) return cellText(cell.text);
    if (cell.result !== undefined) return cellText(cell.result);
    if (cell.error !== undefined) return "";
  }
  return JSON.stringify(value);
}

/** A JSON object with nested objects spread out as dotted keys ({"address": {"postcode": …}} → address.postcode). */
function flatten(
  record: Record<string, unknown>,
  prefix = "",
  into: Record<string, unknown> = {},
): Record<string, unknown> {
  for (const [key, value] of Object.entries(record)) {
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      flatten(value as Record<string, unknown>, `${prefix}${key}.`, into);
    else into[`${prefix}${key}`] = value;
  }
  return into;
}

/** The header and the first rows of a file, read from its start: enough to classify its columns. */
interface FileHead {
  header: string[];
  /** A title line found above the header. */
  title: { line: number; text: string; header: number } | null;
  lineEnd: number;
  encoding: TextEncoding;
  sample: CsvRow[];
  delimiter: number;
  /** Where the first data row starts, and its line; the file's size when there is none. */
  dataOffset: number;
  dataLine: number;
}

function classify(
  head: Pick<FileHead, "header" | "sample">,
  key: string | undefined,
  file: string,
): { plan: FilePlan; columns: ColumnClass[] } {
  const columns = head.header.map((column, index) => {
    const found = classifyColumn(
      column,
      head.sample.map((row) => fieldText(row, index)).filter((value) => value.trim() !== ""),
      { childrenAsOfYear: thisYear },
    );
    // Someone else's details (next of kin, an emergency contact) are data about the person, not who they are.
    return someoneElse.test(column) && found.role !== "other"
      ? {
          ...found,
          role: "other" as const,
          reason: `${found.reason} It is about someone else, so it does not identify the person.`,
        }
      : found;
  });
  let keyIndex = -1;
  if (key !== undefined) {
    keyIndex = head.header.findIndex((name) => name.trim().toLowerCase() === key.trim().toLowerCase());
    if (keyIndex < 0)
      throw new ImpactInputError(
        `${file}: --key ${key}: no such column (the columns are: ${head.header.join(", ")})`,
      );
  }
  return { plan: planColumns(columns, keyIndex, head.header), columns };
}

/** Reads a plain file's header and first rows. */
async function readHead(path: string, size: number): Promise<FileHead | null> {
  const handle = await open(path, "r");
  try {
    const found = { done: false };
    const finder = new HeaderFinder();
    const sample: CsvRow[] = [];
    let scanner: CsvScanner | null = null;
    let format: { delimiter: number; lineEnd: number; encoding: TextEncoding } | null = null;
    let position = 0;
    // Small reads first: the header and 2,000 rows are usually in the first few hundred kilobytes, and every
    // byte read here is scanned.
    let chunk = 256 * 1024;
    while (!found.done && position < size) {
      const buffer = new Uint8Array(Math.min(chunk, size - position));
      chunk = Math.min(chunk * 2, CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const bytes = buffer.subarray(0, bytesRead);
      // The file's format, from its first bytes.
      format ??= {
        delimiter: sniffDelimiter(bytes),
        lineEnd: sniffLineEnd(bytes),
        encoding: sniffEncoding(bytes),
      };
      scanner ??= new CsvScanner({
        ...format,
        maxFieldBytes: MAX_FIELD_BYTES,
        onRow: (row) => {
          if (found.done) return;
          for (const data of finder.push(row)) {
            sample.push(data === row ? copyRow(row) : data);
            if (sample.length >= SAMPLE_ROWS) found.done = true;
          }
        },
        onProblem: () => undefined, // reported when the rows are counted
      });
      scanner.push(bytes);
    }
    if (!found.done && scanner !== null) scanner.end();
    if (finder.header === null) sample.push(...finder.settle());
    const header = finder.header;
    if (header === null || scanner === null || format === null) return null;
    const first = sample[0];
    return {
      header,
      title: finder.title,
      sample,
      ...format,
      dataOffset: first?.offset ?? size,
      dataLine: first?.line ?? 2,
    };
  } finally {
    await handle.close();
  }
}

/**
 * Row starts near the points that cut the bytes after `from` into `count` ranges, the first `firstWeight` times
 * as long as each of the others (the main thread counts the first range and then merges the others' tallies).
 */
async function splitPoints(
  path: string,
  from: number,
  size: number,
  count: number,
  firstWeight: number,
): Promise<number[]> {
  const handle = await open(path, "r");
  try {
    const starts = [from];
    const window = new Uint8Array(64 * 1024);
    for (let part = 1; part < count; part++) {
      const share = (firstWeight + (part - 1)) / (firstWeight + count - 1);
      let position = from + Math.floor((size - from) * share);
      let start = -1;
      while (start < 0 && position < size) {
        const { bytesRead } = await handle.read(window, 0, window.length, position);
        if (bytesRead === 0) break;
        const newline = window.subarray(0, bytesRead).indexOf(0x0a);
        if (newline >= 0) start = position + newline + 1;
        else position += bytesRead;
      }
      if (start < 0 || start >= size) break;
      if (start > (starts[starts.length - 1] ?? from)) starts.push(start);
    }
    return starts;
  } finally {
    await handle.close();
  }
}

/** The worker's script; run from the TypeScript sources (the tests), it is loaded through tsx. */
function newWorker(): Worker {
  const compiled = new URL("./impact-worker.js", import.meta.url);
  // A larger young generation: counting makes many short-lived strings, and the default one is collected
  // often enough to slow a worker by a fifth (the main thread's cannot be set from inside the process).
  if (import.meta.url.endsWith(".js"))
    return new Worker(compiled, { resourceLimits: { maxYoungGenerationSizeMb: 64 } });
  const source = new URL("./impact-worker.ts", import.meta.url).href;
  return new Worker(
    `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`,
    { eval: true },
  );
}

/**
 * A worker thread started ahead of its task (it loads its code while the main thread reads the header and
 * classifies the columns); `run` hands it a range, `stop` ends it.
 */
function startWorker() {
  const worker = newWorker();
  let listener: ((message: WorkerMessage) => void) | null = null;
  let failed: ((error: Error) => void) | null = null;
  let stopped = false;
  worker.on("message", (message: WorkerMessage) => listener?.(message));
  worker.on("error", (error) => failed?.(error));
  worker.on("exit", (code) => {
    if (!stopped) failed?.(new Error(`an impact worker stopped with exit code ${String(code)}`));
  });
  return {
    run(task: RangeTask, onProgress: (message: WorkerMessage) => void): Promise<RangeResult> {
      return new Promise((resolve, reject) => {
        failed = reject;
        listener = (message) => {
          if (message.kind === "progress") onProgress(message);
          else resolve(message.result);
        };
        worker.postMessage(task);
      });
    },
    stop() {
      stopped = true;
      void worker.terminate();
    },
  };
}

function emptyResult(key: string | undefined): ImpactResult {
  return {
    files: [],
    rows: 0,
    subjects: 0,
    subjectsByJurisdiction: {},
    columns: [],
    categories: {},
    rowsWithoutIdentity: 0,
    emptyRows: 0,
    rowsWithoutPersonalData: 0,
    identity:
      key === undefined
        ? "e-mail address (trimmed, case-folded), else name + date of birth + postcode"
        : `the column ${key}`,
    problems: [],
  };
}

const someoneElse = /\b(kin|emergency|guardian|parent|spouse|partner|referee|manager|mother|father|nok)\b/i;

/**
 * Finds the header under title lines ("Membership report", "Generated 03/03/2025 by admin"): lines of one
 * filled cell are held until a wider line comes, which is the header (they were titles); a sixth such line, or
 * the end, says the file has one column, and they are its header and first rows. `push` returns the rows to
 * count (none while the header is being looked for).
 */
class HeaderFinder {
  header: string[] | null = null;
  /** The first title line and the header's line, when there were titles. */
  title: { line: number; text: string; header: number } | null = null;
  private held: { fields: string[]; row: CsvRow }[] = [];

  push(row: CsvRow): CsvRow[] {
    if (this.header !== null) return [row];
    const fields = Array.from({ length: row.count }, (_, index) => fieldText(row, index).trim());
    const filled = fields.filter((field) => field !== "").length;
    if (filled <= 1 && this.held.length < 5) {
      this.held.push({ fields, row: copyRow(row) });
      return [];
    }
    const first = this.held[0];
    if (filled > 1 || first === undefined) {
      if (first !== undefined)
        this.title = { line: first.row.line, text: first.fields.join(" ").trim(), header: row.line };
      this.header = fields;
      this.held = [];
      return [];
    }
    return [...this.settle(), row];
  }

  /** At the end of the rows: lines still held are the header and rows of a one-column file. */
  settle(): CsvRow[] {
    const [first, ...rest] = this.held;
    this.held = [];
    if (first !== undefined) this.header = first.fields;
    return rest.map((entry) => entry.row);
  }
}

function columnName(header: readonly string[], index: number): string {
  const name = header[index] ?? "";
  return name === "" ? `(column ${String(index + 1)}, no name)` : name;
}

/** The problem that comes first in the files (rows sampled to classify columns are counted after later rows). */
function firstProblem(problems: readonly ImpactProblem[]): ImpactProblem | undefined {
  const file = problems[0]?.file;
  let first = problems[0];
  for (const problem of problems)
    if (problem.file === file && (problem.line ?? Infinity) < (first?.line ?? Infinity)) first = problem;
  return first;
}

function describeProblem(problem: ImpactProblem): string {
  return `${problem.file}${problem.line === null ? "" : `:${String(problem.line)}`}: ${problem.message}`;
}

/** The impact of a set of files, read as one population. */
export async function analyseFiles(paths: readonly string[], options: ImpactOptions): Promise<ImpactResult> {
  if (paths.length === 0) throw new ImpactInputError("give at least one file");
  const result = emptyResult(options.key);
  const addProblem = (problem: ImpactProblem) => {
    result.problems.push(problem);
    if (result.problems.length > options.maxErrors)
      throw new ImpactInputError(
        `more than ${String(options.maxErrors)} problems (the first: ${describeProblem(firstProblem(result.problems) ?? problem)}); raise --max-errors to go on`,
      );
  };
  let fileName = "";
  const reportProblem = (problem: TallyProblem) => {
    addProblem({ file: fileName, line: problem.line, message: problem.message });
  };
  let tally = new Tally(reportProblem);
  const recipients = options.recipients;
  if (recipients !== undefined) tally.onPerson = recipients.onPerson;
  // The recipient list is collected in file order, on this thread.
  const workers = recipients === undefined ? Math.max(1, options.workers ?? availableParallelism()) : 1;
  const parallelFrom = options.parallelFrom ?? 16 * 1024 * 1024;

  // Files are named by their base name, or by their path where two share one (rows are told apart by it).
  const names =
    options.names ??
    paths.map((path) =>
      paths.filter((other) => basename(other) === basename(path)).length > 1 ? path : basename(path),
    );
  for (const [fileIndex, path] of paths.entries()) {
    const format = await detectFormat(path);
    const name = names[fileIndex] ?? path;
    fileName = name;
    const rowsBefore = tally.rows;
    const counted = await countFile(path, name, format);
    result.files.push({
      file: name,
      bytes: format.bytes,
      rows: tally.rows - rowsBefore,
      format: counted.format,
    });
    if (tally.rows === rowsBefore) addProblem({ file: name, line: null, message: counted.ifEmpty });
  }

  /**
   * Counts one file by what it holds (from its first bytes, gunzipped: not from its name); returns its format
   * and what to say if it had no rows.
   */
  async function countFile(
    path: string,
    name: string,
    format: { gzip: boolean; head: Buffer; bytes: number },
  ): Promise<{ format: string; ifEmpty: string }> {
    const gzip = format.gzip ? ", gzip" : "";
    if (!format.gzip && format.head[0] === 0x50 && format.head[1] === 0x4b) {
      // A ZIP file: an Excel workbook (.xlsx), each sheet a table.
      await countWorkbook(path, name);
      return { format: "XLSX", ifEmpty: "no rows in any sheet" };
    }
    const head = format.gzip ? await gunzippedHead(path) : format.head;
    // UTF-16 with a byte-order mark: Excel's "Unicode Text" (tab-separated). Read as UTF-8, transcoded.
    const utf16 =
      head[0] === 0xff && head[1] === 0xfe
        ? "utf-16le"
        : head[0] === 0xfe && head[1] === 0xff
          ? "utf-16be"
          : null;
    if (utf16 !== null) {
      const delimiter = await countSequentially(path, name, { ...format, utf16 });
      return {
        format: `${delimiter === 0x09 ? "TSV" : `CSV (${String.fromCharCode(delimiter)})`}, UTF-16${gzip}`,
        ifEmpty: "a header but no rows",
      };
    }
    const kind = textKind(head, path);
    if (kind === "jsonl" || /\.(jsonl|ndjson)(\.gz)?$/i.test(name)) {
      await countJsonLines(path, name, format.gzip);
      return { format: `JSON Lines${gzip}`, ifEmpty: "no records" };
    }
    const parallel = !format.gzip && workers > 1 && format.bytes >= parallelFrom;
    const delimiter =
      (parallel ? await countInParallel(path, name, format.bytes, workers) : null) ??
      (await countSequentially(path, name, format));
    return {
      format: `${delimiter === 0x09 ? "TSV" : `CSV (${String.fromCharCode(delimiter)})`}${gzip}`,
      ifEmpty: "a header but no rows",
    };
  }

  /**
   * Counts rows given as text fields under a header (a spreadsheet's sheet): the first rows are classified,
   * then every row is laid out as a scanned row and counted.
   */
  function tableCounter(name: string, header: string[]) {
    const pending: { line: number; fields: string[] }[] = [];
    let plan: FilePlan | null = null;
    const row: CsvRow = {
      bytes: new Uint8Array(4096),
      starts: new Int32Array(header.length),
      ends: new Int32Array(header.length),
      escaped: new Uint8Array(header.length),
      count: 0,
      line: 0,
      offset: 0,
      encoding: "utf-8",
    };
    const lay = (line: number, fields: readonly string[]) => {
      let used = 0;
      // A spreadsheet leaves out a row's empty trailing cells: the row is as wide as the header all the same.
      const count = header.length;
      for (let index = 0; index < count; index++) {
        const text = fields[index] ?? "";
        if (row.bytes.length - used < text.length * 3) {
          const bigger = new Uint8Array(Math.max(row.bytes.length * 2, used + text.length * 3));
          bigger.set(row.bytes.subarray(0, used));
          row.bytes = bigger;
        }
        row.starts[index] = used;
        used += encoder.encodeInto(text, row.bytes.subarray(used)).written;
        row.ends[index] = used;
      }
      row.count = count;
      row.line = line;
      row.offset = line;
      return row;
    };
    const classifyPending = () => {
      const sample = pending.map((entry) => copyRow(lay(entry.line, entry.fields)));
      const classified = classify({ header, sample }, options.key, name);
      plan = classified.plan;
      for (const [index, column] of classified.columns.entries())
        result.columns.push({ ...column, file: name, name: columnName(header, index) });
      for (const entry of pending) tally.count(lay(entry.line, entry.fields), classified.plan, name);
      pending.length = 0;
    };
    return {
      add(line: number, fields: string[]) {
        if (plan !== null) tally.count(lay(line, fields), plan, name);
        else {
          pending.push({ line, fields });
          if (pending.length >= SAMPLE_ROWS) classifyPending();
        }
      },
      finish() {
        if (plan === null && pending.length > 0) classifyPending();
      },
    };
  }

  /** Counts every sheet of an Excel workbook (streamed), each sheet a table under its first row. */
  async function countWorkbook(path: string, name: string): Promise<void> {
    let sheets = 0;
    try {
      // exceljs is large: loaded only when a workbook is read.
      const { default: ExcelJS } = await import("exceljs");
      const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
        sharedStrings: "cache",
        hyperlinks: "ignore",
        // Styles say which numbers are dates (a date is a number with a date format in a workbook).
        styles: "cache",
        worksheets: "emit",
      });
      for await (const sheet of reader) {
        sheets++;
        const sheetName = `${name}#${String(sheets)}`;
        fileName = sheetName;
        let counter: ReturnType<typeof tableCounter> | null = null;
        // Rows above the header: a title ("Staff list - CONFIDENTIAL") and notes, each in one cell. They are
        // held until a wider row comes (the header); a sheet of one column has no wider row, and they are its rows.
        const above: { number: number; fields: string[] }[] = [];
        const begin = (header: string[]) =>
          tableCounter(
            sheetName,
            header.map((field) => field.trim()),
          );
        for await (const row of sheet) {
          const fields = cellTexts(row.values);
          if (counter === null) {
            const filled = fields.filter((field) => field.trim() !== "").length;
            if (filled === 0) continue;
            if (filled === 1 && above.length < 20) {
              above.push({ number: row.number, fields });
              continue;
            }
            if (filled > 1 && above.length > 0) {
              const first = above[0];
              addProblem({
                file: sheetName,
                line: first?.number ?? row.number,
                message: `a title ("${(first?.fields.find((field) => field.trim() !== "") ?? "").trim().slice(0, 80)}"), not a header: the header is row ${String(row.number)}`,
              });
              above.length = 0;
              counter = begin(fields);
              continue;
            }
            // One column all along (or nothing held): the first row held is the header.
            const [header, ...rest] = [...above, { number: row.number, fields }];
            above.length = 0;
            counter = begin(header.fields);
            for (const held of rest) counter.add(held.number, held.fields);
            continue;
          }
          counter.add(row.number, fields);
          if (recipients !== undefined && row.number % 512 === 0) await recipients.drain();
        }
        if (counter === null && above.length > 0) {
          const [header, ...rest] = above;
          counter = begin(header?.fields ?? []);
          for (const held of rest) counter.add(held.number, held.fields);
        }
        counter?.finish();
        if (recipients !== undefined) await recipients.drain();
      }
    } catch (error) {
      if (error instanceof ImpactInputError) throw error;
      throw new ImpactInputError(`${path}: not a workbook that can be read (${(error as Error).message})`);
    } finally {
      fileName = name;
    }
    if (sheets === 0) throw new ImpactInputError(`${path}: a workbook with no sheets`);
  }

  /**
   * Counts a JSON Lines file (one object per line): the keys of the first objects are its columns; each
   * object's values are laid out as a row's fields (objects and arrays as their JSON) and counted as a row.
   */
  async function countJsonLines(path: string, name: string, gzip: boolean): Promise<void> {
    const stream = createReadStream(path, { highWaterMark: CHUNK });
    const lines = createInterface({
      input: gzip ? stream.pipe(createGunzip()) : stream,
      crlfDelay: Infinity,
    });
    // The first records are held until their keys are known: those keys are the columns.
    const first: { line: number; record: Record<string, unknown> }[] = [];
    // Set once the columns are known.
    const state: { table: { header: string[]; counter: ReturnType<typeof tableCounter> } | null } = {
      table: null,
    };
    const reported = new Set<string>();
    const add = (line: number, record: Record<string, unknown>) => {
      const table = state.table;
      if (table === null) return;
      const { header, counter } = table;
      for (const key of Object.keys(record))
        if (!header.includes(key) && !reported.has(key)) {
          reported.add(key);
          addProblem({
            file: name,
            line,
            message: `the key "${key}" first appears here, after the columns were classified: it is not analysed`,
          });
        }
      // Numbers, booleans and arrays as their JSON.
      counter.add(
        line,
        header.map((key) => {
          const value = record[key];
          return value === undefined || value === null
            ? ""
            : typeof value === "string"
              ? value
              : JSON.stringify(value);
        }),
      );
    };
    const start = () => {
      const header = [...new Set(first.flatMap((entry) => Object.keys(entry.record)))];
      if (header.length === 0) throw new ImpactInputError(`${path}: the records have no keys`);
      state.table = { header, counter: tableCounter(name, header) };
      for (const entry of first) add(entry.line, entry.record);
      first.length = 0;
    };
    let number = 0;
    for await (const text of lines) {
      number++;
      if (text.trim() === "") continue;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch {
        // Not the parser's message: it quotes the line, which is personal data.
        addProblem({ file: name, line: number, message: "not valid JSON" });
        continue;
      }
      if (record === null || typeof record !== "object" || Array.isArray(record)) {
        addProblem({ file: name, line: number, message: "not a JSON object" });
        continue;
      }
      const flat = flatten(record as Record<string, unknown>);
      if (state.table !== null) add(number, flat);
      else {
        first.push({ line: number, record: flat });
        if (first.length >= SAMPLE_ROWS) start();
      }
      if (recipients !== undefined && number % 512 === 0) await recipients.drain();
    }
    // One JSON document holding the records in an array ({"data": [{…}, {…}], "has_more": false}).
    const only = first.length === 1 ? first[0] : undefined;
    if (state.table === null && only !== undefined) {
      const wrapped = Object.entries(only.record).find(
        ([, value]) =>
          Array.isArray(value) &&
          value.length > 1 &&
          value.every((item) => item !== null && typeof item === "object" && !Array.isArray(item)),
      );
      if (wrapped !== undefined)
        throw new ImpactInputError(
          `${path}: one JSON document whose "${wrapped[0]}" holds the records in an array: give one object per line (JSON Lines), or the table as CSV`,
        );
    }
    if (state.table === null && first.length > 0) start();
    state.table?.counter.finish();
  }

  /** Counts a plain file in worker threads; null when the ranges do not join up (then read it in one go). */
  async function countInParallel(
    path: string,
    name: string,
    size: number,
    count: number,
  ): Promise<number | null> {
    const workers = Array.from({ length: count - 1 }, startWorker);
    try {
      return await countInRanges(path, name, size, count, workers);
    } finally {
      for (const worker of workers) worker.stop();
    }
  }

  async function countInRanges(
    path: string,
    name: string,
    size: number,
    count: number,
    workers: ReturnType<typeof startWorker>[],
  ): Promise<number | null> {
    const head = await readHead(path, size);
    if (head === null) throw new ImpactInputError(`${path}: no rows (not even a header)`);
    if (head.lineEnd !== 0x0a) return null; // split points are found at LFs
    // Not UTF-8: one thread, which reports the file as read as Windows-1252.
    if (head.encoding !== "utf-8") return null;
    if (head.header.every((column) => column === ""))
      throw new ImpactInputError(`${path}: the first line (the header) is empty`);
    const { plan, columns } = classify(head, options.key, name);
    // The first range is a little shorter: the main thread counts it, then merges the others.
    const starts = await splitPoints(path, head.dataOffset, size, count, 0.85);
    const rowsBefore = tally.rows;
    const bytesByRange = starts.map(() => 0);
    const rowsByRange = starts.map(() => 0);
    let lastProgress = 0;
    const progress = (index: number) => (message: WorkerMessage) => {
      if (message.kind !== "progress") return;
      bytesByRange[index] = message.bytes;
      rowsByRange[index] = message.rows;
      const now = performance.now();
      if (options.onProgress !== undefined && now - lastProgress > 250) {
        lastProgress = now;
        options.onProgress({
          file: name,
          fileBytes: size,
          bytesRead: head.dataOffset + bytesByRange.reduce((sum, value) => sum + value, 0),
          rows: rowsBefore + rowsByRange.reduce((sum, value) => sum + value, 0),
        });
      }
    };
    // Rows and key length, estimated from the sample (a little over: room not written costs nothing).
    const sampleBytes = head.sample.reduce(
      (sum, row) => sum + (row.ends[row.count - 1] ?? 0) - (row.starts[0] ?? 0) + row.count,
      0,
    );
    const rowBytes = Math.max(16, sampleBytes / Math.max(1, head.sample.length));
    const keyColumn = plan.key >= 0 ? plan.key : (plan.emails[0] ?? -1);
    const keyBytes =
      keyColumn < 0
        ? 48
        : 4 +
          head.sample.reduce(
            (sum, row) => sum + (row.ends[keyColumn] ?? 0) - (row.starts[keyColumn] ?? 0),
            0,
          ) /
            Math.max(1, head.sample.length);
    const tasks: RangeTask[] = starts.map((start, index) => ({
      path,
      name,
      start,
      end: starts[index + 1] ?? size,
      delimiter: head.delimiter,
      plan,
      maxFieldBytes: MAX_FIELD_BYTES,
      maxProblems: options.maxErrors + 1,
      startLine: index === 0 ? head.dataLine : 1,
      expect: {
        // The first range's tally takes in all the others: room for the whole file's people.
        rows: Math.ceil(
          ((index === 0 ? size - head.dataOffset : (starts[index + 1] ?? size) - start) / rowBytes) * 1.1,
        ),
        keyBytes,
      },
    }));
    // The first range is counted here while workers count the others.
    const firstProblems: TallyProblem[] = [];
    const firstTally = new Tally((problem) => firstProblems.push(problem));
    const others = tasks.slice(1).map((task, index) => {
      const worker = workers[index];
      if (worker === undefined) throw new Error("impact: fewer workers than ranges");
      return worker.run(task, progress(index + 1));
    });
    const [first, ...rest] = await Promise.all([
      countRange(tasks[0] as RangeTask, progress(0), firstTally),
      ...others,
    ]);
    const results: RangeResult[] = [first, ...rest];
    // Each range must end where the next begins; a split inside a quoted field breaks this: then the file
    // is read again in one go.
    if (results.some((part, index) => part.nextRowStart !== (starts[index + 1] ?? size))) return null;
    for (const problem of firstProblems) reportProblem(problem);
    if (tally.rows === 0 && tally.keys.size === 0) {
      // The first file: its first range's tally becomes the whole tally (nothing to merge).
      firstTally.onProblem = reportProblem;
      tally = firstTally;
    } else tally.absorb(firstTally.data());
    for (const [index, column] of columns.entries())
      result.columns.push({ ...column, file: name, name: columnName(head.header, index) });
    if (head.title !== null)
      addProblem({
        file: name,
        line: head.title.line,
        message: `a title ("${head.title.text}"), not a header: the header is line ${String(head.title.header)}`,
      });
    let line = head.dataLine;
    for (const [index, part] of results.entries()) {
      const shift = index === 0 ? 0 : line - 1;
      for (const problem of part.problems)
        addProblem({ file: name, line: problem.line + shift, message: problem.message });
      if (part.tally !== null) tally.absorb(part.tally);
      line += part.lines;
    }
    return head.delimiter;
  }

  /** Counts a file on the main thread, streaming (gzip too). Returns its delimiter. */
  async function countSequentially(
    path: string,
    name: string,
    format: { gzip: boolean; bytes: number; utf16?: "utf-16le" | "utf-16be" },
  ): Promise<number> {
    const stream = createReadStream(path, { highWaterMark: CHUNK });
    const bytes: NodeJS.ReadableStream = format.gzip ? stream.pipe(createGunzip()) : stream;
    const source: AsyncIterable<Buffer> =
      format.utf16 === undefined ? (bytes as AsyncIterable<Buffer>) : transcodeToUtf8(bytes, format.utf16);
    // Set by the scanner's callbacks as the file is read.
    const state: { header: string[] | null; plan: FilePlan | null } = { header: null, plan: null };
    const finder = new HeaderFinder();
    /** A row of data (the header found first: titles above it are reported, an empty one refused). */
    const take = (row: CsvRow) => {
      if (state.header === null) {
        const header = finder.header ?? [];
        if (header.every((column) => column === "") || finder.title?.text === "")
          throw new ImpactInputError(`${path}: the first line (the header) is empty`);
        state.header = header;
        const title = finder.title;
        if (title !== null)
          addProblem({
            file: name,
            line: title.line,
            message: `a title ("${title.text}"), not a header: the header is line ${String(title.header)}`,
          });
      }
      if (state.plan !== null) tally.count(row, state.plan, name);
      else {
        sample.push(row === lastRow.row ? copyRow(row) : row);
        if (sample.length >= SAMPLE_ROWS) startCounting();
      }
    };
    const lastRow: { row: CsvRow | null } = { row: null };
    const sample: CsvRow[] = [];
    let bytesRead = 0;
    let checkUtf8 = false;
    let lastProgress = 0;
    let delimiter = 0x2c;

    const startCounting = () => {
      const header = state.header;
      if (header === null) return;
      const { plan, columns } = classify({ header, sample }, options.key, name);
      state.plan = plan;
      for (const [index, column] of columns.entries())
        result.columns.push({ ...column, file: name, name: columnName(header, index) });
      for (const row of sample) tally.count(row, plan, name);
      sample.length = 0;
    };

    let scanner: CsvScanner | null = null;
    const text = { utf8: true };
    const makeScanner = (first: Uint8Array) => {
      delimiter = sniffDelimiter(first);
      const encoding = sniffEncoding(first);
      text.utf8 = encoding === "utf-8";
      if (!text.utf8)
        addProblem({
          file: name,
          line: null,
          message: "not UTF-8: read as Windows-1252 (an older Windows export?)",
        });
      return new CsvScanner({
        delimiter,
        encoding,
        lineEnd: sniffLineEnd(first),
        maxFieldBytes: MAX_FIELD_BYTES,
        onRow: (row) => {
          if (checkUtf8) {
            const low = row.starts[0] ?? 0;
            const high = row.ends[row.count - 1] ?? low;
            if (!isUtf8(row.bytes.subarray(low, high)))
              addProblem({ file: name, line: row.line, message: "not valid UTF-8 (read with replacements)" });
          }
          lastRow.row = row;
          for (const data of finder.push(row)) take(data);
        },
        onProblem: (problem) => {
          addProblem({ file: name, line: problem.line, message: problem.message });
        },
      });
    };

    let pending = new Uint8Array(0); // bytes of an unfinished UTF-8 sequence at a chunk's end
    try {
      for await (const chunk of source) {
        bytesRead += chunk.length;
        let bytes: Uint8Array = chunk;
        if (pending.length > 0) {
          const joined = new Uint8Array(pending.length + chunk.length);
          joined.set(pending);
          joined.set(chunk, pending.length);
          bytes = joined;
        }
        const cut = utf8SafeEnd(bytes);
        pending = bytes.slice(cut);
        const whole = bytes.subarray(0, cut);
        scanner ??= makeScanner(whole);
        checkUtf8 = text.utf8 && !isUtf8(whole);
        scanner.push(whole);
        if (recipients !== undefined) await recipients.drain();
        const now = performance.now();
        if (options.onProgress !== undefined && now - lastProgress > 250) {
          lastProgress = now;
          options.onProgress({ file: name, fileBytes: format.bytes, bytesRead, rows: tally.rows });
        }
      }
    } catch (error) {
      // A gzip file cut short or corrupt: input that cannot be analysed, not a failure of dpdesk.
      if (
        format.gzip &&
        typeof (error as { code?: unknown }).code === "string" &&
        (error as { code: string }).code.startsWith("Z_")
      )
        throw new ImpactInputError(
          `${path}: the gzip data is corrupt or cut short (${(error as Error).message})`,
        );
      throw error;
    }
    if (scanner !== null) {
      checkUtf8 = text.utf8 && pending.length > 0;
      if (pending.length > 0) scanner.push(pending);
      scanner.end();
    }
    // A file of one column, or of a header alone: what the header finder still holds.
    for (const data of finder.settle()) take(data);
    if (state.header === null && finder.header !== null) {
      if (finder.header.every((column) => column === "") || finder.title?.text === "")
        throw new ImpactInputError(`${path}: the first line (the header) is empty`);
      state.header = finder.header;
    }
    if (state.header === null) throw new ImpactInputError(`${path}: no rows (not even a header)`);
    if (state.plan === null) startCounting();
    if (recipients !== undefined) await recipients.drain();
    return delimiter;
  }

  // Problems in file order, then line order (rows sampled for classification are counted after later rows).
  const fileOrder = new Map(result.files.map((entry, index) => [entry.file, index]));
  result.problems.sort(
    (a, b) =>
      (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) ||
      (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER),
  );

  // Totals: people by jurisdiction and by kind of data.
  const people = tally.keys.size;
  result.subjects = people;
  result.rows = tally.rows;
  result.rowsWithoutIdentity = tally.rowsWithoutIdentity;
  result.emptyRows = tally.emptyRows;
  result.rowsWithoutPersonalData = tally.rowsWithoutPersonalData;
  const byCode = new Float64Array(tally.codes.length);
  const byCategory = new Float64Array(dataCategories.length);
  for (let person = 0; person < people; person++) {
    const code = (tally.jurisdiction[person] ?? 0) & 0xff;
    byCode[code] = (byCode[code] ?? 0) + 1;
    let bits = tally.categories[person] ?? 0;
    while (bits !== 0) {
      const bit = 31 - Math.clz32(bits);
      byCategory[bit] = (byCategory[bit] ?? 0) + 1;
      bits &= ~(1 << bit);
    }
  }
  // The four home jurisdictions first (even at 0), then others by count, then unknown (even at 0).
  const home = ["GB", "IM", "JE", "GG"];
  const rank = (code: string) => (code === UNKNOWN ? 1e9 : home.includes(code) ? home.indexOf(code) : 10);
  const codes = tally.codes.map((code, index) => ({ code, count: byCode[index] ?? 0 }));
  for (const code of home) if (!codes.some((entry) => entry.code === code)) codes.push({ code, count: 0 });
  codes.sort((a, b) => rank(a.code) - rank(b.code) || b.count - a.count || a.code.localeCompare(b.code));
  for (const entry of codes) result.subjectsByJurisdiction[entry.code] = entry.count;
  dataCategories.forEach((category, index) => {
    const count = byCategory[index] ?? 0;
    if (count > 0) result.categories[category] = count;
  });
  return result;
}
