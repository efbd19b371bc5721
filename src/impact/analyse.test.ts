// Impact analysis end to end on small messy files whose answer is known by hand.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { analyseFiles, ImpactInputError } from "./analyse.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "dpdesk-impact-"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function file(name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

// Nine rows, six people:
//   ann (IM by postcode, twice: e-mail case and spaces differ), bob (JE by country), cat (GG by mobile),
//   dee (GB by postcode; no e-mail: name + birth date + postcode, twice), eve (FR by country),
//   fay (unknown: nothing says where), and gus (GB, row with a quoted comma and line break in notes).
const members = [
  "\uFEFFmember_no,first_name,last_name,email,date_of_birth,postcode,country,mobile,ethnicity,notes",
  "1,Ann,Kewley,ann@example.org,1980-02-03,im1 1aa,,,White Manx,",
  "2,Bob,Le Brocq,bob@example.je,1975-05-06,,Jersey C.I.,,,",
  "3,Cat,Ozanne,cat@example.gg,1990-07-08,,,07781 123456,,",
  "4,Dee,Smith,,1985-09-10,SW1A 1AA,,,,",
  "5,Ann,Kewley, ANN@Example.org ,1980-02-03,IM11AA,Isle of Man,,,second row for Ann",
  '6,Gus,"Brown, Jr",gus@example.com,1970-01-01,m1 1ae,United Kingdom,,,"said ""hello""\r\nand left"',
  "7,Dee,Smith,,1985-09-10,sw1a1aa,,,Black British,",
  "8,Eve,Martin,eve@example.fr,1992-11-12,,France,,,",
  "9,Fay,Quine,fay@example.net,1999-12-31,,N/A,,,",
].join("\r\n");

describe("dpdesk impact: the analysis", () => {
  it("counts people once, attributes each to a jurisdiction and finds the kinds of data", async () => {
    const result = await analyseFiles([await file("members.csv", `${members}\r\n`)], { maxErrors: 100 });
    expect(result.rows).toBe(9);
    expect(result.subjects).toBe(7);
    expect(result.subjectsByJurisdiction).toEqual({ GB: 2, IM: 1, JE: 1, GG: 1, FR: 1, unknown: 1 });
    expect(result.categories).toMatchObject({ racial_or_ethnic_origin: 2, date_of_birth: 7 });
    const byName = Object.fromEntries(result.columns.map((column) => [column.name, column]));
    expect(byName.email?.role).toBe("email");
    expect(byName.postcode?.role).toBe("postcode");
    expect(byName.ethnicity?.category).toBe("racial_or_ethnic_origin");
    expect(result.problems).toEqual([]);
  });

  it("reads the same file gzip-compressed, as TSV, and several files as one population", async () => {
    const gz = await file("members.csv.gz", gzipSync(Buffer.from(members)));
    const tsv = await file(
      "more.tsv",
      "email\tpostcode\tcountry\nANN@example.org\t\t\nhal@example.org\tJE2 3AB\t\n",
    );
    const result = await analyseFiles([gz, tsv], { maxErrors: 100 });
    expect(result.files.map((entry) => entry.format)).toEqual(["CSV (,), gzip", "TSV"]);
    expect(result.rows).toBe(11);
    expect(result.subjects).toBe(8); // Ann again is no one new; Hal is
    expect(result.subjectsByJurisdiction.JE).toBe(2);
  });

  it("de-duplicates on the column given with --key", async () => {
    const result = await analyseFiles([await file("keyed.csv", members)], {
      key: "member_no",
      maxErrors: 100,
    });
    expect(result.subjects).toBe(9);
  });

  it("reports ragged rows with their lines, and still counts them", async () => {
    const ragged = "email,postcode\nx@example.org,IM1 1AA\ny@example.org\nz@example.org,JE2 3AB\n";
    const result = await analyseFiles([await file("ragged-rows.csv", ragged)], { maxErrors: 100 });
    expect(result.subjects).toBe(3);
    expect(result.problems).toEqual([
      { file: "ragged-rows.csv", line: 3, message: "1 fields where the header has 2" },
    ]);
  });

  it("reads a file that is not UTF-8 as Windows-1252, and says so", async () => {
    const bytes = Buffer.concat([
      Buffer.from("email,name,country\nsean@example.ie,Se"),
      Buffer.from([0xe1]), // á in Windows-1252
      Buffer.from("n,"),
      Buffer.from([0xc9]), // É
      Buffer.from("ire\n"),
    ]);
    const result = await analyseFiles([await file("cp1252.csv", bytes)], { maxErrors: 100 });
    expect(result.subjectsByJurisdiction.IE).toBe(1);
    expect(result.problems).toEqual([
      {
        file: "cp1252.csv",
        line: null,
        message: "not UTF-8: read as Windows-1252 (an older Windows export?)",
      },
    ]);
  });

  it("refuses what it cannot read, naming the file, and gives up past --max-errors", async () => {
    await expect(analyseFiles([join(dir, "missing.csv")], { maxErrors: 10 })).rejects.toThrow(
      /missing.csv: cannot be read \(ENOENT\)/,
    );
    await expect(analyseFiles([await file("empty.csv", "")], { maxErrors: 10 })).rejects.toThrow(/is empty/);
    await expect(
      analyseFiles([await file("sheet.csv", Buffer.from("PK\u0003\u0004xlsx"))], { maxErrors: 10 }),
    ).rejects.toThrow(/sheet.csv: not a workbook that can be read/);
    await expect(
      analyseFiles([await file("binary.csv", Buffer.from([1, 0, 2, 3]))], { maxErrors: 10 }),
    ).rejects.toThrow(/not a text file/);
    await expect(
      analyseFiles([await file("array.json", '[{"email":"a@example.org"}]')], { maxErrors: 10 }),
    ).rejects.toThrow(/a JSON array: give one object per line/);
    await expect(
      analyseFiles([await file("broken.csv.gz", Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]))], {
        maxErrors: 10,
      }),
    ).rejects.toThrow(/a gzip file that cannot be read/);
    const ragged = `a,b\n${"1\n".repeat(20)}`;
    await expect(analyseFiles([await file("ragged.csv", ragged)], { maxErrors: 5 })).rejects.toBeInstanceOf(
      ImpactInputError,
    );
  });

  it("counts the same in worker threads as on one thread, lines of problems included", async () => {
    const lines = ["email,first_name,last_name,date_of_birth,postcode,country,mobile,religion,notes"];
    for (let n = 0; n < 3000; n++) {
      const person = n % 1700; // some people come back, with the e-mail's case changed
      const email = n % 97 === 0 ? "" : `Member${String(person)}@Example.org`;
      const place = ["IM2 4AA", "je3 1ab", "", "SW1A1AA", ""][person % 5] ?? "";
      const country = person % 5 === 2 ? "Guernsey" : "";
      const notes = n % 13 === 0 ? '"a note, with a comma\nand a line break"' : "";
      const ragged = n === 2500 ? ",extra" : "";
      lines.push(
        `${n % 2 === 0 ? email.toLowerCase() : email},Fay,Quine,1990-01-0${String((person % 9) + 1)},${place},${country},,${person % 7 === 0 ? "Quaker" : ""},${notes}${ragged}`,
      );
    }
    const path = await file("threads.csv", `${lines.join("\n")}\n`);
    const one = await analyseFiles([path], { maxErrors: 100, workers: 1 });
    const three = await analyseFiles([path], { maxErrors: 100, workers: 3, parallelFrom: 0 });
    expect(three.subjects).toBe(one.subjects);
    expect(three.rows).toBe(3000);
    expect(three.subjectsByJurisdiction).toEqual(one.subjectsByJurisdiction);
    expect(three.categories).toEqual(one.categories);
    expect(three.problems).toEqual(one.problems);
    expect(one.problems).toHaveLength(1);
  });

  it("reads a file in one go when a split point falls inside a quoted field", async () => {
    const long = Array.from({ length: 2000 }, (_, n) => `line ${String(n)}`).join("\n");
    const path = await file("quoted.csv", `email,notes\na@example.org,"${long}"\nb@example.org,short\n`);
    const result = await analyseFiles([path], { maxErrors: 100, workers: 2, parallelFrom: 0 });
    expect(result.rows).toBe(2);
    expect(result.subjects).toBe(2);
    expect(result.problems).toEqual([]);
  });

  it("reads JSON Lines (nested objects as dotted keys, gzip too), reporting lines that are not objects", async () => {
    const records = [
      { email: "ann@example.org", address: { postcode: "IM1 1AA" }, religion: "Methodist" },
      { email: "ANN@example.org ", address: { postcode: "IM1 1AA" } },
      "not an object",
      { email: "bob@example.je", country: "Jersey", tags: ["a", "b"] },
    ];
    const text = `${records.map((record) => JSON.stringify(record)).join("\n")}\n{broken\n`;
    for (const [name, content] of [
      ["people.jsonl", text],
      ["people.ndjson.gz", gzipSync(Buffer.from(text))],
      ["people-export.gz", gzipSync(Buffer.from(text))], // known by its content, not its name
    ] as const) {
      const result = await analyseFiles([await file(name, content)], { maxErrors: 100 });
      expect(result.files[0]?.format).toMatch(/^JSON Lines/);
      expect(result.rows).toBe(3);
      expect(result.subjects).toBe(2);
      expect(result.subjectsByJurisdiction).toMatchObject({ IM: 1, JE: 1 });
      expect(result.categories.religious_or_philosophical_beliefs).toBe(1);
      expect(result.columns.map((column) => column.name)).toContain("address.postcode");
      expect(result.problems.map((problem) => [problem.line, problem.message.slice(0, 18)])).toEqual([
        [3, "not a JSON object"],
        [5, "not valid JSON"],
      ]);
    }
  });

  it("reads what spreadsheets and real exports leave: next of kin, empty rows, unnamed columns, same names", async () => {
    const nok = await file(
      "nok.csv",
      "Member ID,Next of Kin Email,Email,Postcode,,\r\n1,mum@example.org,ann@example.org,IM1 1AA\r\n2,mum@example.org,bob@example.org,JE2 3AB\r\n,,,,,\r\n,,,\r\n",
    );
    const result = await analyseFiles([nok], { maxErrors: 100 });
    expect(result.subjects).toBe(2); // the siblings share a next of kin, not an identity
    expect(result.emptyRows).toBe(2);
    expect(result.problems).toEqual([]); // rows without the unnamed trailing columns are whole
    expect(result.columns.map((column) => column.name)).toContain("(column 5, no name)");

    await mkdir(join(dir, "a"), { recursive: true });
    await mkdir(join(dir, "b"), { recursive: true });
    const calls = ["Phone\n01624 612345\n", "Phone\n01534 712345\n"];
    const [one, two] = [join(dir, "a", "calls.csv"), join(dir, "b", "calls.csv")];
    await writeFile(one, calls[0] ?? "");
    await writeFile(two, calls[1] ?? "");
    const both = await analyseFiles([one, two], { maxErrors: 100 });
    expect(both.subjects).toBe(2); // rows with no identity, told apart by file even with the same name
    expect(both.subjectsByJurisdiction).toMatchObject({ IM: 1, JE: 1 });

    const keyed = await file(
      "keyed-case.csv",
      "Employee ID,Postcode\nE001,IM1 1AA\ne001,IM1 1AA\nE002,JE2 3AB\n",
    );
    expect((await analyseFiles([keyed], { key: "employee id", maxErrors: 100 })).subjects).toBe(2);
  });

  it("matches a person without e-mail across layouts: full or split name, dates written either way", async () => {
    const full = await file("full.csv", "Full Name,DOB,Postcode\nAnn  Kewley,01/02/1980,IM1 1AA\n");
    const split = await file(
      "split.csv",
      "Forename,Surname,Date of birth,Post Code\nann,KEWLEY,1980-02-01,im11aa\n",
    );
    const result = await analyseFiles([full, split], { maxErrors: 100 });
    expect(result.subjects).toBe(1);
    expect(result.subjectsByJurisdiction.IM).toBe(1);
  });

  it("finds the postcode inside an address when there is no postcode column", async () => {
    const path = await file(
      "addresses.csv",
      'email,address\na@example.org,"1 Strand Street, Douglas, IM1 2LF"\nb@example.org,"La Rue, St Ouen JE3 2AB"\nc@example.org,"10 Downing St, London SW1A 2AA"\nd@example.org,"Flat 2, 3 Rue de Rivoli, Paris"\n',
    );
    const result = await analyseFiles([path], { maxErrors: 100 });
    expect(result.subjectsByJurisdiction).toMatchObject({ IM: 1, JE: 1, GB: 1, unknown: 1 });
  });

  it("reads an Excel workbook, every sheet a table: dates, formulas and rich text as their text", async () => {
    const workbook = new ExcelJS.Workbook();
    const members = workbook.addWorksheet("Members");
    members.addRow(["E-mail", "Date of birth", "Post Code", "Religion"]);
    members.addRow(["ann@example.org", new Date("1980-02-03T00:00:00Z"), "IM1 1AA", "Methodist"]);
    members.addRow([{ richText: [{ text: "BOB@" }, { text: "example.je" }] }, null, "JE2 3AB", ""]);
    members.addRow([
      { formula: 'LOWER("ANN@EXAMPLE.ORG")', result: "ann@example.org" },
      new Date("1980-02-03T00:00:00Z"),
      "IM1 1AA",
      "",
    ]);
    const more = workbook.addWorksheet("Lapsed");
    more.addRow(["Email", "Country"]);
    more.addRow(["cat@example.gg", "Guernsey"]);
    const path = join(dir, "members.xlsx");
    await workbook.xlsx.writeFile(path);
    const result = await analyseFiles([path], { maxErrors: 100 });
    expect(result.files[0]?.format).toBe("XLSX");
    expect(result.rows).toBe(4);
    expect(result.subjects).toBe(3);
    expect(result.subjectsByJurisdiction).toMatchObject({ IM: 1, JE: 1, GG: 1 });
    expect(result.categories).toMatchObject({ date_of_birth: 1, religious_or_philosophical_beliefs: 1 });
    expect(result.columns.map((column) => `${column.file}:${column.name}`)).toContain(
      "members.xlsx#2:Country",
    );
  });

  it("takes a title line above the header for what it is, in one thread or several", async () => {
    const rows = Array.from({ length: 40 }, (_, n) => `m${String(n)}@example.org,IM1 1AA,Douglas`);
    const path = await file(
      "titled.csv",
      `Members export 2025-06-01\nEmail,Postcode,Town\n${rows.join("\n")}\n`,
    );
    for (const workers of [1, 2]) {
      const result = await analyseFiles([path], { maxErrors: 100, workers, parallelFrom: 0 });
      expect(result.subjects).toBe(40);
      expect(result.subjectsByJurisdiction.IM).toBe(40);
      expect(result.problems).toEqual([
        {
          file: "titled.csv",
          line: 1,
          message: 'a title ("Members export 2025-06-01"), not a header: the header is line 2',
        },
      ]);
    }
  });
});

describe("what a new user's files showed (an evaluation on files nobody here had seen)", () => {
  it("takes no flag about e-mail for the address, and a row's first filled postcode, country and e-mail", async () => {
    const path = await file(
      "crm.csv",
      [
        "First Name,Last Name,Email Opt Out,Email,Work Email,Postcode,Billing Postcode,Island,Country",
        "Ann,Kewley,0,ann@example.org,,IM1 1AA,,,",
        "Bob,Smith,0,bob@example.org,,,JE2 3QA,,",
        "Cat,Ozanne,1,,cat@work.gg,,,,Guernsey",
        "Dee,Jones,1,dee@example.org,,,,,Deutschland",
      ].join("\n"),
    );
    const result = await analyseFiles([path], { maxErrors: 10 });
    expect(result.columns.find((column) => column.name === "Email Opt Out")).toMatchObject({
      role: "other",
      category: null,
    });
    expect(result.subjects).toBe(4);
    expect(result.subjectsByJurisdiction).toMatchObject({ IM: 1, JE: 1, GG: 1, DE: 1, unknown: 0 });
    expect(result.rowsWithoutIdentity).toBe(0);
  });

  it("does not count totals and notes as people, nor a trailing delimiter as a ragged row", async () => {
    const rows = Array.from(
      { length: 5 },
      (_, index) => `P${String(index)},p${String(index)}@example.org,IM1 1AA,`,
    );
    const path = await file(
      "report.csv",
      ["Name,Email,Postcode", ...rows, ",,,Row deleted", "", "Grand Totals (5 records)"].join("\n"),
    );
    const result = await analyseFiles([path], { maxErrors: 10 });
    expect(result.subjects).toBe(5);
    expect(result.rowsWithoutPersonalData).toBe(2);
    // The deleted row has a fourth field, and the footer is a short row: both are reported.
    expect(result.problems.map((problem) => problem.line)).toEqual([7, 9]);
  });

  it("reads a Windows-1252 file's €, ’ and Š as such, and a mobile that lost its 0 in a spreadsheet", async () => {
    const bytes = Buffer.concat([
      Buffer.from("Name,Email,Mobile,Notes\n", "latin1"),
      Buffer.from([0x4f, 0x92, 0x42, 0x72, 0x69, 0x65, 0x6e]), // O’Brien
      Buffer.from(",ob@example.org,7624123456,", "latin1"),
      Buffer.from([0x80, 0x35, 0x8a, 0x0a]), // €5Š
    ]);
    const path = await file("cp1252.csv", bytes);
    const result = await analyseFiles([path], { maxErrors: 10 });
    expect(result.subjectsByJurisdiction).toMatchObject({ IM: 1 });
    expect(result.columns.find((column) => column.name === "Name")?.examples.join("")).toContain("’");
  });

  it("reads a workbook with a title above the header, empty trailing cells and real dates", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Staff");
    sheet.addRow(["Staff list - CONFIDENTIAL"]);
    sheet.addRow([]);
    sheet.addRow(["Exported 2025-06-01"]);
    sheet.addRow(["Name", "Email", "Date of birth", "Postcode", "Notes"]);
    for (let index = 0; index < 30; index++) {
      const row = sheet.addRow([
        `P${String(index)}`,
        `p${String(index)}@example.org`,
        new Date(Date.UTC(1980, 1, 3)),
        "JE2 3QA",
      ]);
      row.getCell(3).numFmt = "dd/mm/yyyy";
    }
    const one = workbook.addWorksheet("Emails only");
    one.addRow(["Email"]);
    one.addRow(["solo@example.gg"]);
    const path = join(dir, "staff.xlsx");
    await workbook.xlsx.writeFile(path);
    const result = await analyseFiles([path], { maxErrors: 5 });
    expect(result.subjects).toBe(31);
    expect(result.subjectsByJurisdiction).toMatchObject({ JE: 30 });
    expect(result.problems).toEqual([
      {
        file: "staff.xlsx#1",
        line: 1,
        message: 'a title ("Staff list - CONFIDENTIAL"), not a header: the header is row 4',
      },
    ]);
    expect(result.columns.find((column) => column.name === "Date of birth")).toMatchObject({
      category: "date_of_birth",
      detector: "date",
    });
  });
});

describe("an unclosed quote in the middle of a file", () => {
  it("is read as text when the next line is a row of its own, and nobody after it is lost", async () => {
    const rows = [
      "Name,Email,Postcode,Notes",
      'Ann,ann@example.org,IM1 1AA,"He said hi',
      "Bob,bob@example.org,IM1 1AB,fine",
      "Cat,cat@example.org,IM1 1AD,fine",
      'Dee,dee@example.org,IM2 1AB,"quoted, fine"',
      "Eve,eve@example.org,IM3 1AB,fine",
      'Fay,fay@example.org,IM3 1AC,"two lines',
      'of notes"',
    ];
    const path = await file("unclosed.csv", rows.join("\n"));
    const result = await analyseFiles([path], { maxErrors: 10 });
    expect(result.subjects).toBe(6);
    expect(result.problems.map((problem) => problem.line)).toEqual([2]);
    expect(result.problems[0]?.message).toContain("not closed on its line");
  });

  it("leaves a well-formed field of several lines alone, commas and all", async () => {
    const path = await file(
      "multiline.csv",
      [
        "Name,Email,Street,Postcode",
        'Ann,ann@example.org,"1 Athol St,',
        'Flat 2, Rear, Douglas",IM1 1AA',
        "Bob,bob@example.org,2 High St,JE2 3QA",
      ].join("\n"),
    );
    const result = await analyseFiles([path], { maxErrors: 10 });
    expect(result.subjects).toBe(2);
    expect(result.subjectsByJurisdiction).toMatchObject({ IM: 1, JE: 1, unknown: 0 });
    expect(result.problems).toEqual([]);
  });
});

describe("more of what real exports hold", () => {
  it("reads Excel's Unicode Text (UTF-16 with a byte-order mark, tab-separated)", async () => {
    const text =
      "\uFEFFName\tEmail\tPostcode\nZoë Quine\tzoe@example.im\tIM1 1AA\nBob\tbob@example.je\tJE2 3QA\n";
    const path = await file("unicode.txt", Buffer.from(text, "utf16le"));
    const result = await analyseFiles([path], { maxErrors: 10 });
    expect(result.files[0]?.format).toBe("TSV, UTF-16");
    expect(result.subjectsByJurisdiction).toMatchObject({ IM: 1, JE: 1 });
    expect(result.problems).toEqual([]);
  });

  it("takes a name written decomposed (a Mac's Zoë) as the same name", async () => {
    const path = await file(
      "nfd.csv",
      [
        "Name,Date of birth,Postcode",
        "Zoe\u0308 Quine,1980-02-03,IM1 1AA",
        "Zo\u00eb Quine,03/02/1980,IM1 1AA",
      ].join("\n"),
    );
    expect((await analyseFiles([path], { maxErrors: 10 })).subjects).toBe(1);
  });

  it("refuses one JSON document holding the records in an array, naming the key", async () => {
    const people = Array.from({ length: 3 }, (_, index) => ({ email: `p${String(index)}@example.org` }));
    const path = await file("api.json", `${JSON.stringify({ data: people, has_more: false })}\n`);
    await expect(analyseFiles([path], { maxErrors: 10 })).rejects.toThrow(
      /one JSON document whose "data" holds the records in an array/,
    );
  });
});

describe("where someone lives, across their rows", () => {
  it("the strongest evidence decides (a postcode over a country over a phone), in one thread or several", async () => {
    const filler = Array.from(
      { length: 400 },
      (_, index) => `P${String(index)},p${String(index)}@example.org,,United Kingdom,`,
    );
    const path = await file(
      "evidence.csv",
      [
        "Name,Email,Postcode,Country,Mobile",
        "Bob,bob@example.je,,United Kingdom,",
        "Cat,cat@example.gg,,,07781 123456",
        ...filler,
        "Bob,BOB@example.je,JE2 3QA,United Kingdom,",
        "Cat,cat@example.gg,,France,",
        "Dee,dee@example.im,IM1 1AA,,",
        "Dee,dee@example.im,,Guernsey,",
      ].join("\n"),
    );
    for (const workers of [1, 2]) {
      const result = await analyseFiles([path], { maxErrors: 10, workers, parallelFrom: 1 });
      // Bob: JE (a postcode beats the earlier country); Cat: FR (a country beats the earlier phone); Dee: IM.
      expect(result.subjectsByJurisdiction, `workers ${String(workers)}`).toMatchObject({
        GB: 400,
        JE: 1,
        FR: 1,
        IM: 1,
        GG: 0,
      });
    }
  });
});

describe("identity, as exports write it", () => {
  it("takes the address in angle brackets, and a --key with spaces or left empty", async () => {
    const path = await file(
      "ids.csv",
      [
        "Member,Email,Name,Postcode",
        "QQ123456C,Gus Brown <gus@example.com>,Gus Brown,IM1 1AA",
        "qq 12 34 56 c,gus@example.com,Gus Brown,IM1 1AA",
        ",ann@example.org,Ann,JE2 3QA",
        ",ANN@example.org,Ann,JE2 3QA",
      ].join("\n"),
    );
    expect((await analyseFiles([path], { maxErrors: 10 })).subjects).toBe(2);
    const byKey = await analyseFiles([path], { maxErrors: 10, key: "Member" });
    // Gus by his member number (written two ways), Ann by her e-mail where the key is empty.
    expect(byKey.subjects).toBe(2);
    expect(byKey.rowsWithoutIdentity).toBe(0);
  });

  it("takes dates of birth that give ages under 18 for children's data", async () => {
    const year = new Date().getUTCFullYear();
    const rows = Array.from(
      { length: 10 },
      (_, index) => `Child ${String(index)},${String(year - 8)}-0${String(1 + (index % 9))}-15,IM1 1AA`,
    );
    const path = await file("youth-club.csv", ["Name,Date of birth,Postcode", ...rows].join("\n"));
    const result = await analyseFiles([path], { maxErrors: 10 });
    expect(result.columns.find((column) => column.name === "Date of birth")?.category).toBe("children");
    expect(result.categories.children).toBe(10);
  });
});

describe("files that are not quite what they say", () => {
  it("reads a large export with a stray NUL byte, and refuses a PDF by name", async () => {
    const rows = Array.from(
      { length: 3_000 },
      (_, index) => `P${String(index)}\tp${String(index)}@example.org\tIM1 1AA`,
    );
    rows[5] = "P5\tp5@example.org\tIM1 1AA\u0000";
    const path = await file("stray-nul.tsv", ["Name\tEmail\tPostcode", ...rows].join("\n"));
    expect((await analyseFiles([path], { maxErrors: 10 })).subjects).toBe(3_000);
    const pdf = await file("report.pdf.csv", "%PDF-1.4\nName,Email\nAnn,ann@example.org\n");
    await expect(analyseFiles([pdf], { maxErrors: 10 })).rejects.toThrow(/a PDF document, not a table/);
  });
});

describe("what report exports put around the data", () => {
  it("finds the header under two title lines, and still reads a file of one column", async () => {
    const titled = await file(
      "report-titles.csv",
      [
        "Membership report",
        "Generated 03/03/2025 by admin",
        "Name,Email,Postcode",
        "Ann,ann@example.org,IM1 1AA",
        "Bob,bob@example.je,JE2 3QA",
      ].join("\n"),
    );
    const result = await analyseFiles([titled], { maxErrors: 10 });
    expect(result.subjectsByJurisdiction).toMatchObject({ IM: 1, JE: 1, unknown: 0 });
    expect(result.problems.map((problem) => problem.message)).toEqual([
      'a title ("Membership report"), not a header: the header is line 3',
    ]);
    const column = await file(
      "emails.csv",
      ["Email", ...Array.from({ length: 8 }, (_, index) => `p${String(index)}@example.org`)].join("\n"),
    );
    expect((await analyseFiles([column], { maxErrors: 10 })).subjects).toBe(8);
  });

  it("takes placeholder e-mails for no e-mail: people who share 'n/a' stay apart", async () => {
    const path = await file(
      "placeholders.csv",
      [
        "Name,Email,Date of birth,Postcode",
        "Ann Kewley,n/a,1980-02-03,IM1 1AA",
        "Bob Smith,n/a,1975-05-06,JE2 3QA",
        "Cat Ozanne,none,1990-07-08,GY1 1AA",
        "Dee Jones,Dee Jones <dee@example.org>,1985-09-10,SW1A 1AA",
        "Eve Martin,mailto:eve@example.org,1992-11-12,M1 1AE",
      ].join("\n"),
    );
    const result = await analyseFiles([path], { maxErrors: 10 });
    expect(result.subjects).toBe(5);
    expect(result.subjectsByJurisdiction).toMatchObject({ IM: 1, JE: 1, GG: 1, GB: 2 });
    expect(result.columns.find((column) => column.name === "Email")).toMatchObject({
      role: "email",
      category: "contact",
    });
  });
});

describe("the islands' parishes", () => {
  it("place people where nothing stronger does", async () => {
    const path = await file(
      "parishes.csv",
      [
        "Name,Email,Parish,Postcode",
        "Ann,ann@example.org,Braddan,",
        "Bob,bob@example.org,Grouville,",
        "Cat,cat@example.org,St Peter Port,",
        "Dee,dee@example.org,St Martin,",
        "Eve,eve@example.org,Braddan,JE2 3QA",
      ].join("\n"),
    );
    const result = await analyseFiles([path], { maxErrors: 10 });
    expect(result.subjectsByJurisdiction).toMatchObject({ IM: 1, JE: 2, GG: 1, unknown: 1 });
  });
});
