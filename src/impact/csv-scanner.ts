/**
 * A byte-level CSV/TSV scanner: it finds where each field of each row starts and ends in the raw bytes and
 * makes no string for a cell unless asked. RFC 4180 quoting (delimiters, line breaks and doubled quotes inside
 * quotes), CRLF or LF line ends, a UTF-8 byte-order mark. Bytes arrive in chunks; a row cut by a chunk's end
 * is carried into the next one, so rows of any length (a 10 MB field) come out whole.
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** One row as byte ranges into `bytes`. Valid only during the callback that receives it. */
export interface CsvRow {
  bytes: Uint8Array;
  /** Field i spans [starts[i], ends[i]) of `bytes`, without its quotes. */
  starts: Int32Array;
  ends: Int32Array;
  /** 1 where a quoted field has doubled quotes to undo when it is read as text. */
  escaped: Uint8Array;
  count: number;
  /** The row's first line in the file (1-based; a quoted line break makes a row span several lines). */
  line: number;
  /** Where the row starts in the whole stream of bytes (from the scanner's `startOffset`). */
  offset: number;
  /** How its bytes are read as text. */
  encoding: TextEncoding;
}

export interface CsvProblem {
  line: number;
  message: string;
}

import { isUtf8 } from "node:buffer";

/** The text encodings read: UTF-8, or Windows-1252 for files that are not UTF-8 (older Windows exports). */
export type TextEncoding = "utf-8" | "windows-1252";

const utf8 = new TextDecoder("utf-8");
const latin1 = new TextDecoder("latin1");

// Windows-1252's bytes 0x80-0x9F (€, ‚, ƒ, „, …, ’, Š, Œ, Ž…), which Node's decoder for "windows-1252" leaves as
// C1 control characters; the 5 unassigned bytes stay as they are.
const cp1252High =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f" +
  "\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

const decoders: Record<TextEncoding, { decode(bytes: Uint8Array): string }> = {
  "utf-8": utf8,
  "windows-1252": {
    decode: (bytes) =>
      latin1.decode(bytes).replace(/[\u0080-\u009f]/g, (c) => cp1252High[c.charCodeAt(0) - 0x80] ?? c),
  },
};

/** A field as text (quotes undone). */
export function fieldText(row: CsvRow, index: number): string {
  if (index >= row.count) return "";
  const start = row.starts[index] ?? 0;
  const end = row.ends[index] ?? 0;
  if (start >= end) return "";
  const text = decoders[row.encoding].decode(row.bytes.subarray(start, end));
  return row.escaped[index] === 1 ? text.replaceAll('""', '"') : text;
}

/** Whether a field holds something other than spaces and tabs. */
export function fieldFilled(row: CsvRow, index: number): boolean {
  if (index >= row.count) return false;
  const end = row.ends[index] ?? 0;
  for (let at = row.starts[index] ?? 0; at < end; at++) {
    const byte = row.bytes[at];
    if (byte !== 0x20 && byte !== 0x09) return true;
  }
  return false;
}

/**
 * Where the bytes can be cut without splitting a UTF-8 sequence: before an unfinished sequence at the end
 * (so that each piece can be checked as UTF-8 on its own).
 */
export function utf8SafeEnd(bytes: Uint8Array): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back] ?? 0;
    if ((byte & 0xc0) === 0x80) continue;
    return byte >= 0xc0 ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}

/**
 * The text encoding of a file from its start: UTF-8 when the bytes are (or are plain ASCII), else
 * Windows-1252, which every byte sequence is.
 */
export function sniffEncoding(head: Uint8Array): TextEncoding {
  return isUtf8(head.subarray(0, utf8SafeEnd(head))) ? "utf-8" : "windows-1252";
}

/** The line end of a file from its start: CR when it has lone CRs and no LF (old Mac files), else LF. */
export function sniffLineEnd(head: Uint8Array): number {
  return head.includes(LF) || !head.includes(CR) ? LF : CR;
}

/** The delimiter of a file from its first line: the most frequent of , tab ; | outside quotes. */
export function sniffDelimiter(head: Uint8Array): number {
  const candidates = [0x2c, 0x09, 0x3b, 0x7c];
  const counts = [0, 0, 0, 0];
  let quoted = false;
  for (let at = 0; at < head.length; at++) {
    const byte = head[at];
    if (byte === QUOTE) quoted = !quoted;
    else if (!quoted && (byte === LF || byte === CR)) break;
    else if (!quoted) {
      const index = candidates.indexOf(byte ?? 0);
      if (index >= 0) counts[index] = (counts[index] ?? 0) + 1;
    }
  }
  let best = 0;
  for (let index = 1; index < candidates.length; index++)
    if ((counts[index] ?? 0) > (counts[best] ?? 0)) best = index;
  return candidates[best] ?? 0x2c;
}

export interface CsvScannerOptions {
  delimiter: number;
  /** Longest field kept whole; longer ones are cut to this and reported. */
  maxFieldBytes: number;
  onRow(row: CsvRow): void;
  onProblem(problem: CsvProblem): void;
  /** The stream offset of the first byte pushed (default 0), when scanning from the middle of a file. */
  startOffset?: number;
  /** The line number of the first byte pushed (default 1). */
  startLine?: number;
  /** Whether the first bytes may begin with a byte-order mark (default true). */
  atFileStart?: boolean;
  /** The line end: LF (default; CRLF too) or CR (see sniffLineEnd). */
  lineEnd?: number;
  /** How far a quoted field may run (default 16 MB) before its quote is taken to be a stray one. */
  maxQuotedBytes?: number;
  /** The file's text encoding (default UTF-8). */
  encoding?: TextEncoding;
}

/** Feeds chunks of a file's bytes through `push`, then calls `end`. */
export class CsvScanner {
  private carry: Uint8Array | null = null;
  private line: number;
  private first: boolean;
  /** The stream offset of the first byte of the bytes being scanned (the carried row's, if any). */
  private base: number;
  private starts = new Int32Array(64);
  private ends = new Int32Array(64);
  private escaped = new Uint8Array(64);
  /** Problems of the row being scanned: reported once the row is complete (an unfinished row is scanned again). */
  private readonly rowProblems: CsvProblem[] = [];
  private readonly row: CsvRow = {
    bytes: new Uint8Array(0),
    starts: new Int32Array(0),
    ends: new Int32Array(0),
    escaped: new Uint8Array(0),
    count: 0,
    line: 0,
    offset: 0,
    encoding: "utf-8",
  };
  private readonly options: CsvScannerOptions;

  constructor(options: CsvScannerOptions) {
    this.options = options;
    this.base = options.startOffset ?? 0;
    this.line = options.startLine ?? 1;
    this.first = options.atFileStart ?? true;
    this.row.encoding = options.encoding ?? "utf-8";
  }

  /** Physical lines scanned so far (rows whose line end has been seen). */
  get linesScanned(): number {
    return this.line - (this.options.startLine ?? 1);
  }

  /** Scans whole rows in the chunk (with what was carried over) and carries the unfinished last row. */
  push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.carry !== null) {
      const joined = new Uint8Array(this.carry.length + chunk.length);
      joined.set(this.carry, 0);
      joined.set(chunk, this.carry.length);
      bytes = joined;
      this.carry = null;
    }
    let at = 0;
    if (this.first) {
      if (bytes.length < 3 && bytes.length > 0 && bytes[0] === 0xef) {
        this.carry = bytes;
        return;
      }
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) at = 3;
      this.first = false;
    }
    const consumed = this.scan(bytes, at, false);
    if (consumed < bytes.length) this.carry = bytes.slice(consumed);
    this.base += consumed;
  }

  /** Scans what is left (a last row with no line end). */
  end(): void {
    if (this.carry !== null && this.carry.length > 0) this.scan(this.carry, 0, true);
    this.carry = null;
  }

  private grow(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    starts.set(this.starts);
    const ends = new Int32Array(size);
    ends.set(this.ends);
    const escaped = new Uint8Array(size);
    escaped.set(this.escaped);
    this.starts = starts;
    this.ends = ends;
    this.escaped = escaped;
  }

  /**
   * Scans rows from `from`; returns where the first unfinished row starts (all of `bytes` when `final`).
   * A row is finished by its line end, or by the end of the bytes when `final`.
   */
  private scan(bytes: Uint8Array, from: number, final: boolean): number {
    const delimiter = this.options.delimiter;
    // Line ends: LF (and CRLF), or a lone CR in files from old Macs.
    const nl = this.options.lineEnd ?? LF;
    const cr = nl === LF ? CR : -1;
    const maxQuotedBytes = this.options.maxQuotedBytes ?? 16 * 1024 * 1024;
    const maxFieldBytes = this.options.maxFieldBytes;
    const length = bytes.length;
    let starts = this.starts;
    let ends = this.ends;
    let escapes = this.escaped;
    let rowStart = from;
    while (rowStart < length) {
      let count = 0;
      let lines = 0;
      if (this.rowProblems.length > 0) this.rowProblems.length = 0;
      let at = rowStart;
      // A quote that opens a field but is never closed (or not within maxQuotedBytes) is read as text.
      let literalQuoteAt = -1;
      // One field per turn, until the row's end (a return leaves an unfinished row for more bytes).
      for (;;) {
        if (count === starts.length) {
          this.grow();
          starts = this.starts;
          ends = this.ends;
          escapes = this.escaped;
        }
        let start = at;
        let end: number;
        let escaped = 0;
        if (at < length && bytes[at] === QUOTE && at !== literalQuoteAt) {
          // Quoted: up to the closing quote; "" is a quote; line breaks are part of the field.
          start = at + 1;
          let scan = start;
          const linesBefore = lines;
          for (;;) {
            while (scan < length && bytes[scan] !== QUOTE) {
              if (bytes[scan] === nl) lines++;
              scan++;
            }
            if (scan >= length) break;
            if (scan + 1 < length && bytes[scan + 1] === QUOTE) {
              escaped = 1;
              scan += 2;
              continue;
            }
            if (scan + 1 >= length && !final) {
              scan = length; // the closing quote may be followed by a doubled quote in the next chunk
              break;
            }
            break;
          }
          if (scan >= length) {
            if (!final && length - start <= maxQuotedBytes) return rowStart; // unfinished: wait for more
            // Never closed: the quote is read as text, and the rows after it as rows.
            lines = linesBefore;
            this.rowProblems.push({
              line: this.line + lines,
              message: `a quote opens field ${String(count + 1)} but is not closed${final ? " before the end" : ` within ${String(Math.round(maxQuotedBytes / 1048576))} MB`}: read as text to the field's end`,
            });
            literalQuoteAt = at;
            continue;
          } else if (
            lines > linesBefore &&
            scan + 1 < length &&
            bytes[scan + 1] !== delimiter &&
            bytes[scan + 1] !== nl &&
            bytes[scan + 1] !== cr
          ) {
            // The quote that would close it runs over a line break and is followed by text: it opens a later
            // field ("He said hi⏎Bob,…,⏎Dee,…,"quoted, fine""), so this quote was never closed.
            lines = linesBefore;
            this.rowProblems.push({
              line: this.line + lines,
              message: `a quote opens field ${String(count + 1)} but is not closed on its line: read as text`,
            });
            literalQuoteAt = at;
            continue;
          } else {
            end = scan;
            at = scan + 1;
            // Anything between the closing quote and the delimiter is kept out, but reported.
            if (at < length && bytes[at] !== delimiter && bytes[at] !== nl && bytes[at] !== cr) {
              this.rowProblems.push({
                line: this.line + lines,
                message: "text after a closing quote in a field (a stray quote?)",
              });
              while (at < length && bytes[at] !== delimiter && bytes[at] !== nl) at++;
            }
          }
        } else {
          while (at < length) {
            const byte = bytes[at];
            if (byte === delimiter || byte === nl) break;
            at++;
          }
          end = at;
          if (end > start && bytes[end - 1] === cr && (at >= length || bytes[at] === nl)) end--;
        }
        if (end - start > maxFieldBytes) {
          this.rowProblems.push({
            line: this.line + lines,
            message: `field ${String(count + 1)} is longer than ${String(maxFieldBytes)} bytes; only its start is read`,
          });
          end = start + maxFieldBytes;
        }
        starts[count] = start;
        ends[count] = end;
        escapes[count] = escaped;
        count++;
        if (at >= length) {
          if (!final) return rowStart;
          break;
        }
        const byte = bytes[at];
        if (byte === delimiter) {
          at++;
          continue;
        }
        if (byte === cr) {
          // Only after a quoted field (an unquoted one keeps its CR and drops it above): CRLF or a lone CR.
          if (at + 1 >= length && !final) return rowStart;
          at++;
          if (at < length && bytes[at] === nl) at++;
        } else at++; // the line end
        break;
      }
      for (const problem of this.rowProblems) this.options.onProblem(problem);
      // A line with nothing on it is skipped (a blank line, or the file's last line end).
      const blank = count === 1 && ends[0] === starts[0];
      if (!blank) {
        // One row object, refilled for each row (no allocation per row).
        const row = this.row;
        row.bytes = bytes;
        row.starts = starts;
        row.ends = ends;
        row.escaped = escapes;
        row.count = count;
        row.line = this.line;
        row.offset = this.base + rowStart;
        this.options.onRow(row);
      }
      this.line += lines + 1;
      rowStart = at;
    }
    return length;
  }
}
