/**
 * Letters whose text the standard PDF fonts cannot show (a "Łukasz", a "Dvořák", a "Σοφία") are written in an
 * embedded DejaVu Sans instead, subset to the glyphs the letter uses (fontkit, the font engine pdfkit uses), as a
 * Type0 font with Identity-H encoding and a ToUnicode map, so that the text can be searched and read back.
 * Characters DejaVu Sans lacks too (Chinese, Japanese) are written as "?" and the letter is marked simplified.
 *
 * Only these letters pay for it: the standard fonts stay the fast path for everyone else.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as fontkit from "fontkit";

type Font = fontkit.Font;
type Glyph = fontkit.Glyph;

let faces: { regular: Font; bold: Font } | null = null;

function loadFaces(): { regular: Font; bold: Font } {
  if (faces !== null) return faces;
  const require = createRequire(import.meta.url);
  const open = (file: string) =>
    fontkit.create(readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`))) as Font;
  faces = { regular: open("DejaVuSans.ttf"), bold: open("DejaVuSans-Bold.ttf") };
  return faces;
}

/** One face's subset for one letter: the glyphs used so far, renumbered from 1 (0 is .notdef). */
export class FontSubset {
  private readonly subset: fontkit.Subset;
  private readonly ids = new Map<number, number>();
  /** Advance widths in thousandths of an em, by subset glyph id. */
  readonly widths: number[] = [0];
  /** The characters each subset glyph stands for, for the ToUnicode map. */
  readonly unicodes = new Map<number, number[]>();
  /** Characters the font lacks (written as "?"). */
  missing = 0;

  constructor(
    readonly resource: "U1" | "U2",
    private readonly font: Font,
  ) {
    this.subset = font.createSubset();
  }

  private glyphFor(codePoint: number): { id: number; width: number } {
    let cp = codePoint;
    // Scripts written right to left or shaped (Hebrew, Arabic, Indic…) would need bidi and shaping, which this
    // writer does not do: a reversed, unjoined name is worse than a "?" the letter is flagged for.
    if (needsShaping(cp) || !this.font.hasGlyphForCodePoint(cp)) {
      this.missing++;
      cp = 0x3f; // "?"
    }
    const glyph: Glyph = this.font.glyphForCodePoint(cp);
    let id = this.ids.get(glyph.id);
    if (id === undefined) {
      // fontkit's includeGlyph returns the glyph's id in the subset (its typings say boolean).
      id = this.subset.includeGlyph(glyph) as unknown as number;
      this.ids.set(glyph.id, id);
      this.widths[id] = Math.round((glyph.advanceWidth * 1000) / this.font.unitsPerEm);
      this.unicodes.set(id, [cp]);
    }
    return { id, width: this.widths[id] ?? 0 };
  }

  /** The width of some text at a size, in points. */
  measure(text: string, size: number): number {
    let sum = 0;
    for (const char of text) sum += this.glyphFor(char.codePointAt(0) ?? 0x3f).width;
    return (sum * size) / 1000;
  }

  /** Text as a PDF hex string of subset glyph ids (Identity-H: two bytes each). */
  encode(text: string): string {
    let hex = "<";
    for (const char of text)
      hex += this.glyphFor(char.codePointAt(0) ?? 0x3f)
        .id.toString(16)
        .padStart(4, "0");
    return `${hex}>`;
  }

  /** What the PDF needs to embed this subset. */
  embed(): EmbeddedFont {
    const font = this.font;
    const scale = 1000 / font.unitsPerEm;
    const file = Buffer.from(this.subset.encode());
    const widths = [...this.widths];
    const toUnicode = toUnicodeCMap(this.unicodes);
    // ISO 32000-1 §9.6.4: each subset in a file has its own six-letter tag. From its content, so that identical
    // subsets (the same glyphs) have the same name, and the writer can embed them once.
    const digest = createHash("sha256").update(file).update(toUnicode).digest();
    const tag = Array.from(digest.subarray(0, 6), (byte) => String.fromCharCode(65 + (byte % 26))).join("");
    return {
      key: digest.toString("hex"),
      resource: this.resource,
      baseFont: `${tag}+${font.postscriptName.replace(/[^A-Za-z0-9-]/g, "")}`,
      file,
      widths,
      toUnicode,
      bbox: [font.bbox.minX, font.bbox.minY, font.bbox.maxX, font.bbox.maxY].map((v) =>
        Math.round(v * scale),
      ),
      ascent: Math.round(font.ascent * scale),
      descent: Math.round(font.descent * scale),
      // DejaVu's OS/2 table predates capHeight (fontkit gives undefined): the height of "H" is the cap height.
      capHeight: Math.round(
        (Number.isFinite(font.capHeight) ? font.capHeight : font.glyphForCodePoint(0x48).bbox.maxY) * scale,
      ),
    };
  }
}

export interface EmbeddedFont {
  /** The SHA-256 of the subset and its map: the same key, the same font. */
  key: string;
  resource: "U1" | "U2";
  baseFont: string;
  /** The subset as a TrueType file. */
  file: Buffer;
  widths: number[];
  toUnicode: string;
  bbox: number[];
  ascent: number;
  descent: number;
  capHeight: number;
}

/** A regular and a bold subset for one letter. */
export function newSubsets(): { regular: FontSubset; bold: FontSubset } {
  const { regular, bold } = loadFaces();
  return { regular: new FontSubset("U1", regular), bold: new FontSubset("U2", bold) };
}

/** Right-to-left and shaped scripts: Hebrew, Arabic, Syriac, Thaana, N'Ko, the Indic scripts and their forms. */
function needsShaping(cp: number): boolean {
  return (cp >= 0x0590 && cp <= 0x08ff) || (cp >= 0x0900 && cp <= 0x0dff) || (cp >= 0xfb1d && cp <= 0xfeff);
}

function toUnicodeCMap(unicodes: ReadonlyMap<number, number[]>): string {
  const entries = [...unicodes].map(
    ([id, cps]) =>
      `<${id.toString(16).padStart(4, "0")}> <${cps
        .map((cp) => String.fromCodePoint(cp))
        .join("")
        .split("")
        .map((unit) => unit.charCodeAt(0).toString(16).padStart(4, "0"))
        .join("")}>`,
  );
  const blocks: string[] = [];
  for (let start = 0; start < entries.length; start += 100) {
    const block = entries.slice(start, start + 100);
    blocks.push(`${String(block.length)} beginbfchar\n${block.join("\n")}\nendbfchar`);
  }
  return [
    "/CIDInit /ProcSet findresource begin",
    "12 dict begin",
    "begincmap",
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
    "/CMapName /Adobe-Identity-UCS def",
    "/CMapType 2 def",
    "1 begincodespacerange",
    "<0000> <FFFF>",
    "endcodespacerange",
    ...blocks,
    "endcmap",
    "CMapName currentdict /CMap defineresource pop",
    "end",
    "end",
  ].join("\n");
}
