// The CSV scanner against a plain reference reading of RFC 4180, on generated tables cut into random chunks.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvScanner, fieldText, sniffDelimiter, sniffLineEnd, type CsvProblem } from "./csv-scanner.js";

const encoder = new TextEncoder();

function scanAll(text: string | Uint8Array, cuts: number[] = [], delimiter = 0x2c, maxFieldBytes = 1 << 20) {
  const bytes = typeof text === "string" ? encoder.encode(text) : text;
  const rows: { line: number; fields: string[] }[] = [];
  const problems: CsvProblem[] = [];
  const scanner = new CsvScanner({
    delimiter,
    maxFieldBytes,
    onRow: (row) => {
      rows.push({ line: row.line, fields: Array.from({ length: row.count }, (_, i) => fieldText(row, i)) });
    },
    onProblem: (problem) => problems.push(problem),
  });
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const at = Math.min(cut, bytes.length);
    scanner.push(bytes.subarray(from, at));
    from = at;
  }
  scanner.push(bytes.subarray(from));
  scanner.end();
  return { rows, problems };
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) || field.startsWith(" ") ? `"${field.replaceAll('"', '""')}"` : field;
}

describe("the CSV scanner", () => {
  it("reads quoted fields with delimiters, doubled quotes and line breaks, a BOM and CRLF", () => {
    const text = '\uFEFFname,notes\r\n"O\'Neil, Jr","said ""hi""\r\nthen left"\r\nÉmile,\r\n\r\nlast,row';
    const { rows, problems } = scanAll(text);
    expect(rows).toEqual([
      { line: 1, fields: ["name", "notes"] },
      { line: 2, fields: ["O'Neil, Jr", 'said "hi"\r\nthen left'] },
      { line: 4, fields: ["Émile", ""] },
      { line: 6, fields: ["last", "row"] },
    ]);
    expect(problems).toEqual([]);
  });

  it("reads the same rows however the bytes are cut into chunks", () => {
    const table = fc.array(
      fc.array(fc.oneof(fc.string(), fc.constantFrom('a"b', "x,y", "l1\nl2", "é", "\r\n", '""')), {
        minLength: 1,
        maxLength: 5,
      }),
      { minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(table, fc.array(fc.nat(400), { maxLength: 6 }), fc.boolean(), (rows, cuts, crlf) => {
        // A row that is one empty field is a blank line, which is skipped: give it content.
        const written = rows.map((row) => (row.length === 1 && row[0] === "" ? ["x"] : row));
        const text = written.map((row) => row.map(quote).join(",")).join(crlf ? "\r\n" : "\n");
        const { rows: read, problems } = scanAll(text, cuts);
        expect(problems).toEqual([]);
        expect(read.map((row) => row.fields)).toEqual(written);
      }),
    );
  });

  it("reports an unclosed quote and a field over the limit, with their lines, and goes on", () => {
    // A stray quote is read as text, and the rows after it stay rows (nothing is swallowed).
    const stray = scanAll('a,b\n"open,never closed\nmore,rows\nlast,one');
    expect(stray.rows.map((row) => row.fields)).toEqual([
      ["a", "b"],
      ['"open', "never closed"],
      ["more", "rows"],
      ["last", "one"],
    ]);
    expect(stray.problems).toEqual([
      {
        line: 2,
        message: "a quote opens field 1 but is not closed before the end: read as text to the field's end",
      },
    ]);
    const long = scanAll(`a,b\nshort,${"x".repeat(50)}\nnext,row`, [10, 20, 30], 0x2c, 16);
    expect(long.problems).toEqual([
      { line: 2, message: "field 2 is longer than 16 bytes; only its start is read" },
    ]);
    expect(long.rows.map((row) => row.fields[0])).toEqual(["a", "short", "next"]);
  });

  it("keeps a 10 MB field whole across chunks", () => {
    const big = "y".repeat(10 * 1024 * 1024);
    const { rows } = scanAll(`id,blob\n1,"${big}"\n2,small`, [1000, 4 << 20, 8 << 20], 0x2c, 16 << 20);
    expect(rows[1]?.fields[1]?.length).toBe(big.length);
    expect(rows[2]?.fields).toEqual(["2", "small"]);
  });

  it("gives up on a quote that runs past maxQuotedBytes without waiting for the end of the file", () => {
    const text = `a,b\n1,"stray\n${"2,row\n".repeat(50)}`;
    const rows: string[][] = [];
    const scanner = new CsvScanner({
      delimiter: 0x2c,
      maxFieldBytes: 1024,
      maxQuotedBytes: 64,
      onRow: (row) => rows.push(Array.from({ length: row.count }, (_, i) => fieldText(row, i))),
      onProblem: () => undefined,
    });
    scanner.push(encoder.encode(text)); // not final: the quote is given up on before end()
    expect(rows.length).toBeGreaterThan(40);
    expect(rows[1]).toEqual(["1", '"stray']);
  });

  it("reads files whose lines end in a lone CR", () => {
    const text = "email,name\ra@example.org,Ann\rb@example.org,Bob\r";
    expect(sniffLineEnd(encoder.encode(text))).toBe(0x0d);
    const rows: string[][] = [];
    const scanner = new CsvScanner({
      delimiter: 0x2c,
      maxFieldBytes: 1024,
      lineEnd: 0x0d,
      onRow: (row) => rows.push(Array.from({ length: row.count }, (_, i) => fieldText(row, i))),
      onProblem: () => undefined,
    });
    scanner.push(encoder.encode(text));
    scanner.end();
    expect(rows).toEqual([
      ["email", "name"],
      ["a@example.org", "Ann"],
      ["b@example.org", "Bob"],
    ]);
    expect(sniffLineEnd(encoder.encode("a\r\nb"))).toBe(0x0a);
  });

  it("sniffs the delimiter from the header line", () => {
    expect(sniffDelimiter(encoder.encode("a\tb\tc\n1,2\t3"))).toBe(0x09);
    expect(sniffDelimiter(encoder.encode('"x;y",b,c\n'))).toBe(0x2c);
    expect(sniffDelimiter(encoder.encode("a;b;c\n"))).toBe(0x3b);
    expect(sniffDelimiter(encoder.encode("a|b|c\n"))).toBe(0x7c);
  });
});
