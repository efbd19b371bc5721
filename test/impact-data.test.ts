/**
 * The synthetic member file of `npm run bench:impact` (bench/impact-data.ts): deterministic, as messy as the
 * benchmark says, and its ground truth equal to what the identity and attribution rules give when applied to
 * the file from scratch, with every row of a person giving the same jurisdiction.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  attribute,
  countryCodeBySpelling,
  countrySpellings,
  generateMembers,
  header,
  identityKey,
  mobileJurisdiction,
  normaliseCountry,
  postcodeJurisdiction,
  type GroundTruth,
} from "../bench/impact-data.js";

const rows = 40_000;
const dir = mkdtempSync(join(tmpdir(), "dpdesk-impact-data-"));
const path = join(dir, "members.csv");
let truth: GroundTruth;
let text: string;
let records: string[][];

beforeAll(async () => {
  truth = await generateMembers({ rows, seed: 7, path });
  text = readFileSync(path, "utf8");
  // Only CRLF ends a record: a bare line feed outside quotes would merge two records and fail the column count.
  records = parse(text, { bom: true, record_delimiter: "\r\n" });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const column = (name: (typeof header)[number]) => header.indexOf(name);
const cells = (name: (typeof header)[number]) => records.slice(1).map((record) => record[column(name)] ?? "");

describe("generateMembers", () => {
  it("writes a BOM, the header, CRLF line endings and one record per row", () => {
    expect(text.startsWith("\uFEFFmember_no,first_name,")).toBe(true);
    expect(text.endsWith("\r\n")).toBe(true);
    expect(records[0]).toEqual([...header]);
    expect(records.length).toBe(rows + 1);
    for (const record of records) expect(record.length).toBe(header.length);
    expect(truth.rows).toBe(rows);
  });

  it("is deterministic for a seed and differs between seeds", async () => {
    const hash = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
    const again = join(dir, "again.csv");
    const other = join(dir, "other.csv");
    expect(await generateMembers({ rows, seed: 7, path: again })).toEqual(truth);
    expect(hash(again)).toBe(hash(path));
    await generateMembers({ rows: 1_000, seed: 8, path: other });
    expect(hash(other)).not.toBe(hash(path));
  });

  it("has a ground truth equal to the rules applied to the file, and each person's rows agree", () => {
    const jurisdictionOf = new Map<string, string>();
    const counts: Record<string, number> = {};
    for (const record of records.slice(1)) {
      const [email, first, last, dob, postcode, country, mobile] = [
        "email",
        "first_name",
        "last_name",
        "date_of_birth",
        "postcode",
        "country",
        "mobile",
      ].map((name) => record[header.indexOf(name as (typeof header)[number])] ?? "");
      const key = identityKey(email!, first!, last!, dob!, postcode!);
      const jurisdiction = attribute(postcode!, country!, mobile!);
      const earlier = jurisdictionOf.get(key);
      if (earlier === undefined) {
        jurisdictionOf.set(key, jurisdiction);
        counts[jurisdiction] = (counts[jurisdiction] ?? 0) + 1;
      } else expect(jurisdiction, `person ${key}`).toBe(earlier);
    }
    expect(jurisdictionOf.size).toBe(truth.subjects);
    const nonZero = Object.fromEntries(Object.entries(truth.subjectsByJurisdiction).filter(([, n]) => n > 0));
    expect(counts).toEqual(nonZero);
  });

  it("has the proportions asked for", () => {
    const share = (n: number) => n / truth.subjects;
    expect(1 - truth.subjects / rows).toBeGreaterThan(0.13);
    expect(1 - truth.subjects / rows).toBeLessThan(0.17);
    const by = truth.subjectsByJurisdiction;
    expect(share(by.GB ?? 0)).toBeGreaterThan(0.88);
    expect(share(by.GB ?? 0)).toBeLessThan(0.92);
    expect(share(by.IM ?? 0)).toBeCloseTo(0.014, 2);
    expect(share(by.JE ?? 0)).toBeCloseTo(0.02, 2);
    expect(share(by.GG ?? 0)).toBeCloseTo(0.015, 2);
    expect(share(by.unknown ?? 0)).toBeCloseTo(0.02, 2);
    const abroad = ["FR", "IE", "DE", "ES", "US"].reduce((n, code) => n + (by[code] ?? 0), 0);
    expect(share(abroad)).toBeCloseTo(0.03, 2);
    for (const code of ["FR", "IE", "DE", "ES", "US"]) expect(by[code]).toBeGreaterThan(0);
    const noEmail = new Set(
      records
        .slice(1)
        .filter((record) => (record[column("email")] ?? "").trim() === "")
        .map((record) => `${record[column("first_name")]}|${record[column("last_name")]}`),
    );
    expect(share(noEmail.size)).toBeGreaterThan(0.02);
    expect(share(noEmail.size)).toBeLessThan(0.04);
  });

  it("is messy: quoting, embedded line breaks, non-ASCII names, re-cased and padded e-mails", () => {
    expect(text).toContain('"O\'Neil, Jr"');
    expect(text).toMatch(/"Dave ""The Rock"""/);
    expect(cells("notes").some((note) => note.includes("\n"))).toBe(true);
    expect(cells("notes").some((note) => note.includes("\r\n"))).toBe(true);
    const names = [...cells("first_name"), ...cells("last_name")].join(" ");
    for (const letter of ["é", "ł", "Ó"]) expect(names).toContain(letter);
    const emails = cells("email");
    expect(emails.some((email) => email !== email.trim())).toBe(true);
    expect(emails.some((email) => email !== email.toLowerCase())).toBe(true);
    const firstSeen = new Map<string, string>();
    let recasedRepeats = 0;
    for (const email of emails) {
      const key = email.trim().toLowerCase();
      if (key === "") continue;
      const first = firstSeen.get(key);
      if (first === undefined) firstSeen.set(key, email);
      else if (first !== email) recasedRepeats += 1;
    }
    expect(recasedRepeats).toBeGreaterThan(rows * 0.1);
    // Empty fields everywhere, special categories and bank details for a share.
    expect(cells("ethnicity").filter((v) => v !== "").length / rows).toBeCloseTo(0.2, 1);
    expect(cells("sort_code").filter((v) => v !== "").length / rows).toBeCloseTo(0.25, 1);
    expect(records.slice(1).filter((record) => record.includes("")).length).toBeGreaterThan(rows * 0.99);
  });

  it("writes postcodes, countries and mobiles many ways, and decides people by every rule", () => {
    const postcodes = cells("postcode");
    expect(postcodes.some((p) => /^[a-z]{1,2}\d/.test(p) && postcodeJurisdiction(p) !== null)).toBe(true);
    expect(postcodes.some((p) => !p.includes(" ") && postcodeJurisdiction(p) !== null)).toBe(true);
    expect(postcodes.some((p) => p.startsWith(" ") && postcodeJurisdiction(p) !== null)).toBe(true);
    expect(postcodes).toContain("N/A");
    const countries = new Set(cells("country"));
    for (const spellings of Object.values(countrySpellings))
      for (const spelling of spellings) expect(countries, spelling).toContain(spelling);
    for (const junk of ["N/A", "-", "unknown"]) expect(countries).toContain(junk);
    const mobiles = cells("mobile");
    expect(mobiles.some((m) => /^07\d{3} \d{6}$/.test(m))).toBe(true);
    expect(mobiles.some((m) => /^\+44 7\d{3} \d{6}$/.test(m))).toBe(true);
    expect(mobiles.some((m) => /^\+447\d{9}$/.test(m))).toBe(true);
    expect(mobiles.some((m) => /^\(07\d{3}\) \d{3} \d{3}$/.test(m))).toBe(true);

    // Which rule decides each row: all four are used, and each of the Crown Dependencies by each of the three.
    const decidedBy = new Map<string, number>();
    for (const record of records.slice(1)) {
      const [postcode, country, mobile] = [column("postcode"), column("country"), column("mobile")].map(
        (index) => record[index] ?? "",
      );
      const byPostcode = postcodeJurisdiction(postcode!);
      const byCountry = countryCodeBySpelling.get(normaliseCountry(country!));
      const byMobile = mobileJurisdiction(mobile!);
      const rule =
        byPostcode !== null
          ? `postcode ${byPostcode}`
          : byCountry !== undefined
            ? `country ${byCountry}`
            : byMobile !== null
              ? `mobile ${byMobile}`
              : "unknown";
      decidedBy.set(rule, (decidedBy.get(rule) ?? 0) + 1);
    }
    for (const code of ["GB", "IM", "JE", "GG"])
      for (const rule of ["postcode", "country", "mobile"])
        expect(decidedBy.get(`${rule} ${code}`)).toBeGreaterThan(0);
    expect(decidedBy.get("unknown")).toBeGreaterThan(0);
  });

  it("writes valid National Insurance numbers", () => {
    const numbers = cells("ni_number").filter((v) => v !== "");
    expect(numbers.length).toBeGreaterThan(rows * 0.2);
    for (const ni of numbers) {
      const compact = ni.replaceAll(" ", "");
      expect(compact).toMatch(/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/);
      expect(["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"]).not.toContain(compact.slice(0, 2));
    }
  });

  it("applies the attribution rules as specified", () => {
    expect(postcodeJurisdiction("im1 1aa")).toBe("IM");
    expect(postcodeJurisdiction("IM11AA")).toBe("IM");
    expect(postcodeJurisdiction(" Je2 3ab")).toBe("JE");
    expect(postcodeJurisdiction("GY1  1AA")).toBe("GG");
    expect(postcodeJurisdiction("sw1a1aa")).toBe("GB");
    expect(postcodeJurisdiction("IM1")).toBeNull();
    expect(postcodeJurisdiction("D02 X285")).toBeNull();
    expect(attribute("", "Jersey C.I.", "")).toBe("JE");
    expect(attribute("", "united kingdom ", "07624 123456")).toBe("GB");
    expect(attribute("", "N/A", "(07624) 123 456")).toBe("IM");
    expect(attribute("", "", "+44 7700 123456")).toBe("JE");
    expect(attribute("", "", "+447911123456")).toBe("GG");
    expect(attribute("", "", "07123 456789")).toBe("GB");
    expect(attribute("JE2 3AB", "United Kingdom", "07911 123456")).toBe("JE");
    expect(attribute("N/A", "unknown", "-")).toBe("unknown");
    expect(identityKey(" John.Smith@Example.org ", "x", "y", "z", "w")).toBe("john.smith@example.org");
    expect(identityKey("", " Zoë ", "Brontë", "1980-01-02", "im1 1aa")).toBe("zoë|brontë|1980-01-02|IM11AA");
  });
});
