/**
 * The per-row work of impact analysis, the same on the main thread and in worker threads: a row becomes a
 * person key (e-mail, else name + date of birth + postcode, or the `--key` column), a jurisdiction (postcode,
 * else country, else phone) and the data categories it holds. People are kept in a compact key set; a
 * worker's tally is handed back as typed arrays and absorbed, in file order, into the whole file's tally.
 */
import { dataCategories } from "../law/vocabulary.js";
import { fieldFilled, fieldText, type CsvRow } from "./csv-scanner.js";
import {
  countryJurisdiction,
  parishJurisdiction,
  phoneJurisdiction,
  postcodeJurisdiction,
  postcodeJurisdictionOfBytes,
  type ColumnClass,
} from "./detectors.js";
import { KeySet, type KeySetData } from "./key-set.js";

export const UNKNOWN = "unknown";

/** Where a file's identifying columns are, and the data-category bit of each column. */
export interface FilePlan {
  /** E-mail columns, in order: a row's first filled one is the person's ("Email", then "Work Email"). */
  emails: number[];
  firstName: number;
  lastName: number;
  fullName: number;
  dateOfBirth: number;
  /** Postcode columns, in order: a row's first filled one counts ("Postcode", then "Billing Postcode"). */
  postcodes: number[];
  /** Country columns, in order, the same way. */
  countries: number[];
  /** Parish columns (the islands' parishes place people as a country does). */
  parishes: number[];
  phones: number[];
  /** Address columns, searched for a postcode when there is no postcode column. */
  addresses: number[];
  key: number;
  categoryBits: Uint32Array;
  width: number;
  /** The header without its trailing unnamed columns (spreadsheets add them): rows this wide are whole too. */
  minWidth: number;
}

export function planColumns(
  columns: readonly ColumnClass[],
  key: number,
  header: readonly string[],
): FilePlan {
  const width = header.length;
  let minWidth = width;
  while (minWidth > 1 && (header[minWidth - 1] ?? "") === "") minWidth--;
  const find = (role: ColumnClass["role"]) => columns.findIndex((column) => column.role === role);
  const all = (role: ColumnClass["role"]) =>
    columns.flatMap((column, index) => (column.role === role ? [index] : []));
  const categoryBits = new Uint32Array(columns.length);
  columns.forEach((column, index) => {
    if (column.category !== null) categoryBits[index] = 1 << dataCategories.indexOf(column.category);
  });
  return {
    emails: all("email"),
    firstName: find("first_name"),
    lastName: find("last_name"),
    fullName: find("full_name"),
    dateOfBirth: find("date_of_birth"),
    postcodes: all("postcode"),
    countries: all("country"),
    parishes: all("parish"),
    phones: all("phone"),
    addresses: all("address"),
    key,
    categoryBits,
    width,
    minWidth,
  };
}

// A UK-format postcode at a word boundary inside an address ("1 Strand Street, Douglas, IM1 2LF").
const postcodeInAddress = /\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b/gi;

/** The jurisdiction of the last valid postcode written inside a line of address. */
function postcodeInText(text: string): string | null {
  let found: string | null = null;
  for (const match of text.matchAll(postcodeInAddress)) {
    const jurisdiction = postcodeJurisdiction(`${match[1] ?? ""} ${match[2] ?? ""}`);
    if (jurisdiction !== null) found = jurisdiction;
  }
  return found;
}

/** A date as yyyy-mm-dd when it is written day first (dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy) or year first. */
export function normaliseDate(raw: string): string {
  const text = raw.trim();
  const dayFirst = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(text);
  if (dayFirst !== null)
    return `${dayFirst[3] ?? ""}-${(dayFirst[2] ?? "").padStart(2, "0")}-${(dayFirst[1] ?? "").padStart(2, "0")}`;
  const yearFirst = /^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:[T ].*)?$/.exec(text);
  if (yearFirst !== null)
    return `${yearFirst[1] ?? ""}-${(yearFirst[2] ?? "").padStart(2, "0")}-${(yearFirst[3] ?? "").padStart(2, "0")}`;
  return text.toLowerCase();
}

/** Whether every field of the row from `from` on is empty (a trailing delimiter: "a,b,c,"). */
function onlyEmptyAfter(row: CsvRow, from: number): boolean {
  for (let index = from; index < row.count; index++) if (fieldFilled(row, index)) return false;
  return true;
}

/** The first of these columns that is filled in this row, or -1. */
export function firstFilled(row: CsvRow, columns: readonly number[]): number {
  for (const column of columns) if (fieldFilled(row, column)) return column;
  return -1;
}

/**
 * The key of a person with no e-mail: "n" + name (first and last, or the full name; lower case, single
 * spaces) + date of birth (as yyyy-mm-dd) + postcode (upper case, no spaces). Null when there is no name, or
 * neither a date of birth nor a postcode.
 */
function fallbackKey(row: CsvRow, plan: FilePlan): string | null {
  const part = (index: number) => (index >= 0 ? fieldText(row, index).trim() : "");
  const split = `${part(plan.firstName)} ${part(plan.lastName)}`.trim();
  const name = (split === "" ? part(plan.fullName) : split)
    .normalize("NFC")
    .toLowerCase()
    .replace(/\s+/g, " ");
  const born = plan.dateOfBirth >= 0 ? normaliseDate(part(plan.dateOfBirth)) : "";
  const postcode = part(firstFilled(row, plan.postcodes)).toUpperCase().replace(/\s+/g, "");
  if (name === "" || (born === "" && postcode === "")) return null;
  return `n${name}\u001f${born}\u001f${postcode}`;
}

export interface TallyProblem {
  line: number;
  message: string;
}

/** A tally as plain data (typed arrays and strings), to hand from a worker to the main thread. */
export interface TallyData {
  keys: KeySetData;
  /** Per person: the evidence's strength << 8 | the index of the jurisdiction's code in `codes`. */
  jurisdiction: Uint16Array;
  categories: Uint32Array;
  codes: string[];
  rows: number;
  rowsWithoutIdentity: number;
  emptyRows: number;
  rowsWithoutPersonalData: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Told of every counted row (for the recipient list): its person's key and jurisdiction so far, its kinds of data. */
export type PersonListener = (
  row: CsvRow,
  plan: FilePlan,
  file: string,
  key: string,
  jurisdiction: string,
  strength: number,
  bits: number,
) => void;

/** How strong the evidence of where someone lives is: a postcode beats a country, a country a phone. */
export const POSTCODE = 3;
export const COUNTRY = 2;
export const PHONE = 1;

export class Tally {
  readonly keys = new KeySet(1 << 16);
  /** Per person: the evidence's strength << 8 | the index of the jurisdiction's code. */
  jurisdiction = new Uint16Array(1 << 16);
  categories = new Uint32Array(1 << 16);
  readonly codes: string[] = [UNKNOWN];
  private readonly codeIndex = new Map<string, number>([[UNKNOWN, 0]]);
  rows = 0;
  rowsWithoutIdentity = 0;
  /** Rows with nothing in any field (",,,"), not counted as rows. */
  emptyRows = 0;
  /** Rows that name no one and hold no personal data (totals, notes): rows, but no one's. */
  rowsWithoutPersonalData = 0;
  private scratch = new Uint8Array(1024);
  private length = 0;
  /** Set when the recipient list is wanted (the counting alone does not need it). */
  onPerson: PersonListener | null = null;

  constructor(public onProblem: (problem: TallyProblem) => void) {}

  /** The index of a jurisdiction code (ISO 3166-1 has 249 codes: with "unknown" they fit in a byte). */
  codeOf(code: string): number {
    let index = this.codeIndex.get(code);
    if (index === undefined) {
      if (this.codes.length > 255) throw new Error(`more than 255 jurisdiction codes (at ${code})`);
      index = this.codes.length;
      this.codes.push(code);
      this.codeIndex.set(code, index);
    }
    return index;
  }

  /**
   * Room, made now, for about `people` people whose keys take about `keyBytes` bytes each. Growing later
   * copies the arrays, and the old and the new copy are both resident for a moment; room made ahead costs
   * only address space until it is written (large typed arrays are zero pages until touched).
   */
  expect(people: number, keyBytes: number): void {
    if (people <= this.keys.size) return;
    // At most 1 GiB of key bytes ahead (a typed array's limit is near 4 GiB): past that, room is made as needed.
    const bytes = Math.min(Math.ceil((people - this.keys.size) * keyBytes), 1 << 30);
    this.keys.reserve(people - this.keys.size, bytes);
    this.ensurePerson(people - 1, true);
  }

  /** Room for person `index` (`exact`: just that much, when the final count is known). */
  private ensurePerson(index: number, exact = false): void {
    if (index < this.jurisdiction.length) return;
    const size = exact
      ? index + 1
      : Math.max(index + 1, this.jurisdiction.length + (this.jurisdiction.length >> 1));
    const jurisdiction = new Uint16Array(size);
    jurisdiction.set(this.jurisdiction);
    this.jurisdiction = jurisdiction;
    const categories = new Uint32Array(size);
    categories.set(this.categories);
    this.categories = categories;
  }

  private room(extra: number): void {
    if (this.length + extra <= this.scratch.length) return;
    let size = this.scratch.length * 2;
    while (this.length + extra > size) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.scratch.subarray(0, this.length));
    this.scratch = bigger;
  }

  private appendByte(byte: number): void {
    this.room(1);
    this.scratch[this.length++] = byte;
  }

  /**
   * Appends a field to the key being built: trimmed, case-folded (`fold` 1 lower, 2 upper), without spaces
   * when `squeeze`. ASCII is folded byte by byte; other text goes through toLowerCase/toUpperCase.
   */
  private appendField(
    row: CsvRow,
    index: number,
    fold: 0 | 1 | 2,
    squeeze: boolean,
    angled = false,
  ): boolean {
    if (index < 0 || index >= row.count) return false;
    let start = row.starts[index] ?? 0;
    let end = row.ends[index] ?? 0;
    const bytes = row.bytes;
    while (start < end && (bytes[start] === 0x20 || bytes[start] === 0x09)) start++;
    while (end > start && (bytes[end - 1] === 0x20 || bytes[end - 1] === 0x09)) end--;
    if (start === end) return false;
    // An address written with its owner's name ("Gus Brown <gus@example.com>"): the part in angle brackets.
    if (angled && bytes[end - 1] === 0x3e) {
      let open = end - 2;
      while (open > start && bytes[open] !== 0x3c) open--;
      if (bytes[open] === 0x3c && end - 1 > open + 1) {
        start = open + 1;
        end--;
      }
    }
    if (row.escaped[index] === 0) {
      // ASCII, folded byte by byte in one pass; anything else goes the slow way below.
      this.room(end - start);
      const scratch = this.scratch;
      const mark = this.length;
      let length = mark;
      let ascii = true;
      for (let at = start; at < end; at++) {
        let byte = bytes[at] ?? 0;
        if (byte >= 0x80) {
          ascii = false;
          break;
        }
        if (squeeze && (byte === 0x20 || byte === 0x09)) continue;
        if (fold === 1 && byte >= 0x41 && byte <= 0x5a) byte += 0x20;
        else if (fold === 2 && byte >= 0x61 && byte <= 0x7a) byte -= 0x20;
        scratch[length++] = byte;
      }
      if (ascii) {
        this.length = length;
        return true;
      }
      this.length = mark;
    }
    // Composed (NFC): "Zoë" typed on a Mac (e + combining diaeresis) is the same "Zoë".
    let text = fieldText(row, index).trim().normalize("NFC");
    const bracket = angled && text.endsWith(">") ? text.lastIndexOf("<") : -1;
    if (bracket >= 0 && bracket < text.length - 2) text = text.slice(bracket + 1, -1).trim();
    text = fold === 1 ? text.toLowerCase() : fold === 2 ? text.toUpperCase() : text;
    if (squeeze) text = text.replace(/\s+/g, "");
    const encoded = encoder.encode(text);
    this.room(encoded.length);
    this.scratch.set(encoded, this.length);
    this.length += encoded.length;
    return encoded.length > 0;
  }

  /** Whether the key being built (after its one-letter prefix) holds an @. */
  private keyHasAt(): boolean {
    const scratch = this.scratch;
    for (let at = 1; at < this.length; at++) if (scratch[at] === 0x40) return true;
    return false;
  }

  /** How strong the evidence of the last `jurisdictionOf` was: postcode 3, country 2, phone 1. */
  private foundStrength = 0;

  /** Where a row says its person lives; evidence no stronger than `above` (what is known already) is not sought. */
  private jurisdictionOf(row: CsvRow, plan: FilePlan, above: number): string | null {
    for (const postcode of plan.postcodes)
      if (fieldFilled(row, postcode)) {
        // From the bytes when they are plain ASCII (no string made), else from the text.
        const fromBytes =
          row.escaped[postcode] === 0
            ? postcodeJurisdictionOfBytes(row.bytes, row.starts[postcode] ?? 0, row.ends[postcode] ?? 0)
            : undefined;
        const found = fromBytes === undefined ? postcodeJurisdiction(fieldText(row, postcode)) : fromBytes;
        if (found !== null) return this.found(found, POSTCODE);
      }
    if (plan.postcodes.length === 0)
      for (const address of plan.addresses)
        if (fieldFilled(row, address)) {
          const found = postcodeInText(fieldText(row, address));
          if (found !== null) return this.found(found, POSTCODE);
        }
    if (above >= COUNTRY) return null;
    for (const country of plan.countries)
      if (fieldFilled(row, country)) {
        const found = countryJurisdiction(fieldText(row, country));
        if (found !== null) return this.found(found, COUNTRY);
      }
    for (const parish of plan.parishes)
      if (fieldFilled(row, parish)) {
        const found = parishJurisdiction(fieldText(row, parish));
        if (found !== null) return this.found(found, COUNTRY);
      }
    if (above >= PHONE) return null;
    for (const phone of plan.phones)
      if (fieldFilled(row, phone)) {
        const found = phoneJurisdiction(fieldText(row, phone));
        if (found !== null) return this.found(found, PHONE);
      }
    return null;
  }

  private found(code: string, strength: number): string {
    this.foundStrength = strength;
    return code;
  }

  /** Counts one row. `file` and the row's offset name it uniquely in the whole input. */
  count(row: CsvRow, plan: FilePlan, file: string): void {
    let filled = false;
    for (let index = 0; index < row.count && !filled; index++) filled = fieldFilled(row, index);
    if (!filled) {
      this.emptyRows++;
      return;
    }
    this.rows++;
    if (
      row.count !== plan.width &&
      (row.count < plan.minWidth || (row.count > plan.width && !onlyEmptyAfter(row, plan.width)))
    )
      this.onProblem({
        line: row.line,
        message: `${String(row.count)} fields where the header has ${String(plan.width)}`,
      });
    this.length = 0;
    // The --key column ("k"; E001, e001 and "e 001" are one person), else the e-mail address ("e").
    let identified = false;
    if (plan.key >= 0) {
      this.appendByte(0x6b);
      identified = this.appendField(row, plan.key, 1, true);
      if (!identified) this.length = 0; // an empty key: told apart as if there were no --key
    }
    if (!identified) {
      this.appendByte(0x65); // "e"
      identified = this.appendField(row, firstFilled(row, plan.emails), 1, false, true);
      // "n/a", "none", "-": no address at all, however many people share it (an address has an @).
      if (identified && !this.keyHasAt()) {
        identified = false;
        this.length = 1;
      }
      if (!identified) {
        // No e-mail (a few rows): name + date of birth + postcode, written the same way whatever the layout.
        const key = fallbackKey(row, plan);
        identified = key !== null;
        if (key !== null) {
          this.length = 0;
          const encoded = encoder.encode(key);
          this.room(encoded.length);
          this.scratch.set(encoded, 0);
          this.length = encoded.length;
        }
      }
    }
    // What of theirs.
    let bits = 0;
    const bitsOf = plan.categoryBits;
    const width = Math.min(row.count, bitsOf.length);
    for (let index = 0; index < width; index++) {
      const bit = bitsOf[index] ?? 0;
      if (bit !== 0 && (bits & bit) === 0 && fieldFilled(row, index)) bits |= bit;
    }
    // No one and nothing personal (",,,Row deleted"), or a single field under a wide header ("Grand Totals
    // (1,400 records)", "Confidential Information", reported as a short row): a note, not a person.
    if (!identified && (bits === 0 || (row.count === 1 && plan.width >= 3))) {
      this.rowsWithoutPersonalData++;
      return;
    }
    if (!identified) {
      // Nobody identifiable: a person of their own (never dropped), counted apart.
      this.rowsWithoutIdentity++;
      this.length = 0;
      this.appendByte(0x72); // "r"
      for (const byte of encoder.encode(`${file}@${String(row.offset)}`)) this.appendByte(byte);
    }
    const person = this.keys.intern(this.scratch, 0, this.length);
    if (this.keys.lastWasNew) this.ensurePerson(person);
    // Where they live: the strongest evidence (a postcode, else a country, else a phone), first row first.
    const known = this.jurisdiction[person] ?? 0;
    if (known >> 8 < POSTCODE) {
      const found = this.jurisdictionOf(row, plan, known >> 8);
      if (found !== null && this.foundStrength > known >> 8)
        this.jurisdiction[person] = (this.foundStrength << 8) | this.codeOf(found);
    }
    this.categories[person] = (this.categories[person] ?? 0) | bits;
    if (this.onPerson !== null)
      this.onPerson(
        row,
        plan,
        file,
        decoder.decode(this.scratch.subarray(0, this.length)),
        this.codes[(this.jurisdiction[person] ?? 0) & 0xff] ?? UNKNOWN,
        (this.jurisdiction[person] ?? 0) >> 8,
        bits,
      );
  }

  /** This tally as plain data: views of its arrays, to transfer (the tally is not used after). */
  data(): TallyData {
    const people = this.keys.size;
    return {
      keys: this.keys.data(),
      jurisdiction: this.jurisdiction.subarray(0, people),
      categories: this.categories.subarray(0, people),
      codes: [...this.codes],
      rows: this.rows,
      rowsWithoutIdentity: this.rowsWithoutIdentity,
      emptyRows: this.emptyRows,
      rowsWithoutPersonalData: this.rowsWithoutPersonalData,
    };
  }

  /**
   * Adds another tally of rows that come after this one's: its people join (a person already here keeps
   * their jurisdiction unless it is unknown) and their data categories are merged.
   */
  absorb(other: TallyData): void {
    const { arena, offsets, size } = other.keys;
    this.keys.reserve(size, arena.length);
    this.ensurePerson(this.keys.size + size - 1, true);
    const codeMap = other.codes.map((code) => this.codeOf(code));
    for (let index = 0; index < size; index++) {
      const offset = offsets[index] ?? 0;
      const end = index + 1 < size ? (offsets[index + 1] ?? 0) : arena.length;
      const person = this.keys.intern(arena, offset, end);
      if (this.keys.lastWasNew) this.ensurePerson(person);
      // Later rows: their jurisdiction counts only where its evidence is stronger.
      const theirs = other.jurisdiction[index] ?? 0;
      if (theirs >> 8 > (this.jurisdiction[person] ?? 0) >> 8)
        this.jurisdiction[person] = (theirs & 0xff00) | (codeMap[theirs & 0xff] ?? 0);
      this.categories[person] = (this.categories[person] ?? 0) | (other.categories[index] ?? 0);
    }
    this.rows += other.rows;
    this.rowsWithoutIdentity += other.rowsWithoutIdentity;
    this.emptyRows += other.emptyRows;
    this.rowsWithoutPersonalData += other.rowsWithoutPersonalData;
  }
}
