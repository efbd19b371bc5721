/**
 * A regulator notice as plain text (to paste into the regulator's online form), HTML (to read and print) and
 * PDF (to file and keep as evidence). One layout of the same sections in three formats.
 */
import PDFDocument from "pdfkit";
import { escapeHtml } from "./html-escape.js";
import { formatInstant } from "./plain-language.js";
import type { RegulatorNotice } from "./regulator-notice.js";

export const noticeFormats = ["pdf", "html", "text", "json"] as const;
export type NoticeFormat = (typeof noticeFormats)[number];

export const noticeContentTypes: Readonly<Record<NoticeFormat, string>> = {
  pdf: "application/pdf",
  html: "text/html; charset=utf-8",
  text: "text/plain; charset=utf-8",
  json: "application/json; charset=utf-8",
};

const missingText = "Not yet known: to follow.";

interface Preamble {
  label: string;
  value: string;
}

function status(notice: RegulatorNotice): string {
  const phase = notice.phase === "initial" ? "Initial report" : "Follow-up report";
  const version = notice.version === null ? "draft, not yet kept" : `version ${notice.version}`;
  return `${phase} (${version}), prepared ${formatInstant(notice.preparedAt, notice.timeZone)}`;
}

function preamble(notice: RegulatorNotice): Preamble[] {
  const rows: Preamble[] = [
    { label: "To", value: notice.regulator.name },
    {
      label: "From",
      value: `${notice.organisation.name} (${notice.organisation.role}, established in ${notice.organisation.establishedIn ?? notice.organisation.establishments.join(", ")})`,
    },
    { label: "Breach reference", value: notice.breachId },
  ];
  if (notice.law !== null) rows.push({ label: "Law", value: notice.law });
  if (notice.deadline.at !== null)
    rows.push({
      label: "Deadline",
      value:
        formatInstant(notice.deadline.at, notice.timeZone) +
        (notice.deadline.late
          ? notice.missing.some((m) => m.id === "delay_reason")
            ? " (passed: the reasons for the delay are still to follow)"
            : " (passed: the reasons for the delay are given below)"
          : ""),
    });
  if (notice.regulatorReference !== null)
    rows.push({ label: "The regulator's reference", value: notice.regulatorReference });
  rows.push({ label: "How to submit", value: notice.regulator.howToReport });
  const contact = notice.regulator.contact;
  const reach = [contact.web, contact.phone, contact.email, contact.address].filter(
    (value): value is string => value !== undefined,
  );
  if (reach.length > 0) rows.push({ label: "Regulator's contact", value: reach.join("; ") });
  return rows;
}

function completeness(notice: RegulatorNotice): string {
  return notice.missing.length === 0
    ? "Complete: every item the law and the form ask for is answered."
    : `Incomplete: ${notice.missing.length} required item${notice.missing.length === 1 ? "" : "s"} still to follow (${notice.missing.map((m) => m.heading).join("; ")}).`;
}

/**
 * `annotate`: under each heading, what the law or form asks for and its source, for the people preparing the
 * notice. The copy filed with the regulator leaves them out.
 */
export interface RenderOptions {
  annotate: boolean;
}

export function renderNoticeText(
  notice: RegulatorNotice,
  { annotate }: RenderOptions = { annotate: true },
): string {
  const out: string[] = [notice.title.toUpperCase(), status(notice), ""];
  for (const row of preamble(notice)) out.push(`${row.label}: ${row.value}`);
  out.push("", completeness(notice), "");
  notice.sections.forEach((section, index) => {
    out.push(`${index + 1}. ${section.heading}`);
    if (annotate) out.push(`   (Asked for: ${section.requirement} Source: ${section.citation})`);
    for (const paragraph of section.answer ?? [missingText]) out.push(paragraph, "");
    if (section.answer === null) out.push("");
  });
  return (
    out
      .join("\n")
      .replace(/\n{3,}/g, "\n\n")
      .trimEnd() + "\n"
  );
}

export function renderNoticeHtml(
  notice: RegulatorNotice,
  { annotate }: RenderOptions = { annotate: true },
): string {
  const rows = preamble(notice)
    .map((row) => `<tr><th scope="row">${escapeHtml(row.label)}</th><td>${escapeHtml(row.value)}</td></tr>`)
    .join("\n");
  const sections = notice.sections
    .map((section, index) => {
      const body =
        section.answer === null
          ? `<p class="missing">${escapeHtml(missingText)}</p>`
          : section.answer.map((p) => `<p>${escapeHtml(p).replaceAll("\n", "<br>")}</p>`).join("\n");
      return `<section id="${escapeHtml(section.id)}">
<h2>${index + 1}. ${escapeHtml(section.heading)}</h2>
${annotate ? `<p class="asks">Asked for: ${escapeHtml(section.requirement)} <span class="source">Source: ${escapeHtml(section.citation)}</span></p>\n` : ""}${body}
</section>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(notice.title)}</title>
<style>
body { font: 11pt/1.45 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #111; }
h1 { font-size: 1.4rem; margin-bottom: 0.2rem; } h2 { font-size: 1.05rem; margin: 1.4rem 0 0.3rem; }
table { border-collapse: collapse; margin: 1rem 0; } th { text-align: left; padding: 0.2rem 1rem 0.2rem 0; vertical-align: top; }
.asks { color: #555; font-size: 0.9rem; } .source { font-style: italic; }
.missing { color: #8a1c1c; font-weight: 600; } .status { color: #444; }
.completeness { padding: 0.5rem 0.75rem; border-left: 4px solid ${notice.missing.length === 0 ? "#2e7d32" : "#b26a00"}; background: #f6f6f6; }
@media print { body { margin: 0; max-width: none; } }
</style>
</head>
<body>
<h1>${escapeHtml(notice.title)}</h1>
<p class="status">${escapeHtml(status(notice))}</p>
<table>
${rows}
</table>
<p class="completeness">${escapeHtml(completeness(notice))}</p>
${sections}
</body>
</html>
`;
}

/** The notice as a PDF (A4, standard fonts). Resolves once the document is complete. */
export function renderNoticePdf(
  notice: RegulatorNotice,
  { annotate }: RenderOptions = { annotate: true },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: "A4",
      margin: 56,
      bufferPages: true,
      info: { Title: notice.title, Author: notice.organisation.name, Subject: `Breach ${notice.breachId}` },
    });
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => {
      resolve(Buffer.concat(chunks));
    });
    doc.on("error", reject);
    const text = (value: string) => toWinAnsi(value);
    doc.font("Helvetica-Bold").fontSize(15).text(text(notice.title));
    doc
      .moveDown(0.2)
      .font("Helvetica")
      .fontSize(9.5)
      .fillColor("#444")
      .text(text(status(notice)));
    doc.moveDown(0.8).fillColor("#000").fontSize(10);
    for (const row of preamble(notice)) {
      doc.font("Helvetica-Bold").text(`${text(row.label)}: `, { continued: true });
      doc.font("Helvetica").text(text(row.value));
    }
    doc.moveDown(0.8);
    doc
      .font("Helvetica-Bold")
      .fillColor(notice.missing.length === 0 ? "#1b5e20" : "#8a4b00")
      .text(text(completeness(notice)));
    doc.fillColor("#000");
    notice.sections.forEach((section, index) => {
      doc
        .moveDown(0.9)
        .font("Helvetica-Bold")
        .fontSize(11.5)
        .text(`${index + 1}. ${text(section.heading)}`);
      if (annotate)
        doc
          .moveDown(0.15)
          .font("Helvetica-Oblique")
          .fontSize(8.5)
          .fillColor("#555")
          .text(text(`Asked for: ${section.requirement} Source: ${section.citation}`));
      doc.fillColor("#000").font("Helvetica").fontSize(10);
      if (section.answer === null)
        doc.moveDown(0.3).font("Helvetica-Bold").fillColor("#8a1c1c").text(missingText).fillColor("#000");
      else for (const paragraph of section.answer) doc.moveDown(0.3).text(text(paragraph));
    });
    // Every page says whose report it is and which page of how many, as a filed document should.
    const range = doc.bufferedPageRange();
    for (let index = 0; index < range.count; index++) {
      doc.switchToPage(range.start + index);
      const margin = doc.page.margins.bottom;
      doc.page.margins.bottom = 0;
      doc
        .font("Helvetica")
        .fontSize(8)
        .fillColor("#555")
        .text(
          text(
            `${notice.organisation.name} · breach ${notice.breachId} · page ${String(index + 1)} of ${String(range.count)}`,
          ),
          56,
          doc.page.height - 36,
          { lineBreak: false },
        );
      doc.page.margins.bottom = margin;
    }
    doc.flushPages();
    doc.end();
  });
}

/**
 * The standard PDF fonts hold only the Windows-1252 characters. Anything else is written without its accents
 * where that leaves a letter ("Ł" becomes "L"), or as "?", rather than as a wrong glyph.
 */
export function toWinAnsi(given: string): string {
  // Composed first ("e" + combining acute becomes "é"); tabs become spaces and carriage returns go.
  const text = given.normalize("NFC").replaceAll("\t", " ").replaceAll("\r", "");
  // Printable Latin-1 and the cp1252 extras pass untouched.
  if (/^[\x20-\x7e\n\u00a0-\u00ff‘’“”–—…€•]*$/.test(text)) return text;
  let out = "";
  for (const char of text) {
    if (winAnsiExtras.has(char) || (char >= " " && char <= "~") || (char >= "\u00a0" && char <= "\u00ff")) {
      out += char;
      continue;
    }
    if (char === "\n") {
      out += char;
      continue;
    }
    const base = (char.normalize("NFD").at(0) ?? "").replace(/[^\x20-\x7e]/g, "");
    out += base.length > 0 ? base : (fallbacks[char] ?? "?");
  }
  return out;
}

/** Whether the standard PDF fonts can show the text as it is (toWinAnsi leaves it unchanged). */
export function fitsStandardFonts(text: string): boolean {
  return toWinAnsi(text) === text.normalize("NFC").replaceAll("\t", " ").replaceAll("\r", "");
}

const winAnsiExtras = new Set("‘’“”–—…€•ŠšŽžŒœŸƒ†‡‰‹›™ˆ˜".split(""));
const fallbacks: Readonly<Record<string, string>> = { Ł: "L", ł: "l", Đ: "D", đ: "d", ı: "i" };
