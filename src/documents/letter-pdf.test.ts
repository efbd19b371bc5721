import { describe, expect, it } from "vitest";
import { flatText, readPdfText } from "../../test/support/pdf-text.js";
import {
  compressLetter,
  compressPages,
  layLetter,
  layLetterPages,
  letterPdf,
  PdfWriter,
} from "./letter-pdf.js";
import type { SubjectLetter } from "./subject-letter.js";

function letter(overrides: Partial<SubjectLetter> = {}): SubjectLetter {
  return {
    personId: "ab".repeat(32),
    jurisdiction: "IM",
    regulator: { name: "Isle of Man Information Commissioner" },
    date: "27 June 2025",
    organisation: "Example Union (IoM) Ltd",
    address: ["Zoë O'Brien", "1 Athol Street", "Douglas", "IM1 1AA"],
    email: null,
    subject: "Important: a data breach",
    paragraphs: [
      { heading: "What happened", text: "Text with (parentheses), a back\\slash and “quotes” — €5." },
    ],
    ...overrides,
  };
}

const info = { title: "Letter", author: "Example", created: new Date("2025-06-27T10:00:00Z") };

describe("the letter PDF writer", () => {
  it("writes text that reads back exactly, parentheses, backslashes and Windows-1252 characters included", async () => {
    const pdf = letterPdf(compressPages(layLetterPages(letter(), "REF1")), info);
    const text = flatText(await readPdfText(pdf));
    expect(text).toContain("Example Union (IoM) Ltd");
    expect(text).toContain("Zoë O'Brien");
    expect(text).toContain("Text with (parentheses), a back\\slash and “quotes” — €5.");
    expect(text).toContain("Reference REF1 · Page 1 of 1");
  });

  it("writes a letter the standard fonts cannot show in an embedded font, as written, and reads back", async () => {
    const laid = layLetter(
      letter({ address: ["Łukasz Wiśniewski", "ul. Żółkiewskiego 5", "Douglas"], subject: "Dvořák (Σοφία)" }),
      "R",
    );
    expect(laid.fonts.map((font) => font.resource)).toEqual(["U1", "U2"]);
    expect(laid.simplified).toBe(false);
    const compressed = compressLetter(laid);
    const pdf = letterPdf(compressed.pages, info, compressed.fonts);
    const text = flatText(await readPdfText(pdf));
    expect(text).toContain("Łukasz Wiśniewski");
    expect(text).toContain("ul. Żółkiewskiego 5");
    expect(text).toContain("Dvořák (Σοφία)");
    expect(text).toContain("Text with (parentheses), a back\\slash and “quotes” — €5.");
    // The font is a subset: a few kilobytes, not the whole DejaVu Sans (about 740 KB).
    expect(pdf.length).toBeLessThan(60_000);
  });

  it("writes each distinct font once in a merged PDF, with a valid descriptor and its own tag", () => {
    const chunks: Buffer[] = [];
    const writer = new PdfWriter((chunk) => chunks.push(chunk), info);
    for (const name of ["Ann", "Ann"]) {
      const compressed = compressLetter(
        layLetter(letter({ organisation: "Związek Zawodowy", address: [name] }), "R"),
      );
      writer.addPages(compressed.pages, compressed.fonts);
    }
    writer.finish();
    const latin = Buffer.concat(chunks).toString("latin1");
    expect(latin.match(/\/Subtype \/Type0/g)).toHaveLength(1);
    expect(latin).not.toContain("NaN");
    expect(latin).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold/);
    expect(latin).toMatch(/\/CapHeight \d+/);
  });

  it("flags a right-to-left name rather than printing it reversed", () => {
    expect(layLetter(letter({ address: ["דוד כהן"] }), "R").simplified).toBe(true);
    expect(layLetter(letter({ address: ["محمد علي"] }), "R").simplified).toBe(true);
  });

  it("marks a letter simplified when no font has its characters, and writes them as ?", async () => {
    const laid = layLetter(letter({ address: ["王 小明", "1 Street"] }), "R");
    expect(laid.simplified).toBe(true);
    const compressed = compressLetter(laid);
    const text = flatText(await readPdfText(letterPdf(compressed.pages, info, compressed.fonts)));
    expect(text).toContain("? ??");
    // Plain letters stay on the standard fonts.
    expect(layLetter(letter(), "R").fonts).toEqual([]);
  });

  it("merges letters with and without embedded fonts into one PDF", async () => {
    const chunks: Buffer[] = [];
    const writer = new PdfWriter((chunk) => chunks.push(chunk), info);
    for (const name of ["Ann", "Łukasz", "Cat"]) {
      const compressed = compressLetter(layLetter(letter({ address: [name, "1 Street"] }), "R"));
      writer.addPages(compressed.pages, compressed.fonts);
    }
    writer.finish();
    const pdf = await readPdfText(Buffer.concat(chunks));
    expect(pdf.pages).toHaveLength(3);
    expect(pdf.pages[1]).toContain("Łukasz");
  });

  it("breaks long text over pages, numbering them, and splits a word longer than a line", async () => {
    const long = Array.from({ length: 40 }, (_, i) => ({
      heading: `Part ${String(i)}`,
      text: "word ".repeat(120),
    }));
    const pages = layLetterPages(
      letter({ paragraphs: [...long, { heading: null, text: "x".repeat(400) }] }),
      "R",
    );
    expect(pages.length).toBeGreaterThan(3);
    const pdf = await readPdfText(letterPdf(compressPages(pages), info));
    expect(pdf.pages).toHaveLength(pages.length);
    expect(pdf.pages.at(-1)).toContain(`Page ${String(pages.length)} of ${String(pages.length)}`);
    expect(pdf.pages.join("").replace(/\s/g, "")).toContain("x".repeat(400));
  });

  it("merges letters into one PDF whose pages are the letters' pages in order", async () => {
    const chunks: Buffer[] = [];
    const writer = new PdfWriter((chunk) => chunks.push(chunk), info);
    for (const name of ["Ann", "Bob", "Cat"])
      writer.addPages(compressPages(layLetterPages(letter({ address: [name, "1 Street"] }), "R")));
    const size = writer.finish();
    const bytes = Buffer.concat(chunks);
    expect(bytes.length).toBe(size);
    const pdf = await readPdfText(bytes);
    expect(pdf.pages).toHaveLength(3);
    expect(
      pdf.pages.map((page) => page.split(/\s+/).find((word) => ["Ann", "Bob", "Cat"].includes(word))),
    ).toEqual(["Ann", "Bob", "Cat"]);
    expect(pdf.info.Title).toBe("Letter");
    // pdf.js repairs a broken cross-reference table silently: check every offset by hand.
    const latin = bytes.toString("latin1");
    const xrefAt = Number(/startxref\n(\d+)/.exec(latin)?.[1]);
    expect(latin.slice(xrefAt, xrefAt + 4)).toBe("xref");
    const rows = latin.slice(xrefAt).split("\n").slice(3);
    const objects = Number(/0 (\d+)\n/.exec(latin.slice(xrefAt))?.[1]);
    for (let n = 1; n < objects; n++) {
      const offset = Number(rows[n - 1]?.slice(0, 10));
      expect(latin.slice(offset, offset + `${String(n)} 0 obj`.length)).toBe(`${String(n)} 0 obj`);
    }
  });
});
