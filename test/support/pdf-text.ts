/**
 * Reads a PDF back to text with pdf.js (Mozilla's reader), so tests assert what a person would see, page by
 * page.
 */
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

export interface PdfText {
  pages: string[];
  info: Record<string, unknown>;
}

export async function readPdfText(bytes: Uint8Array): Promise<PdfText> {
  const task = getDocument({
    data: new Uint8Array(bytes),
    useSystemFonts: false,
    isEvalSupported: false,
    verbosity: 0,
  });
  const doc = await task.promise;
  try {
    const pages: string[] = [];
    for (let number = 1; number <= doc.numPages; number++) {
      const page = await doc.getPage(number);
      const content = await page.getTextContent();
      let text = "";
      for (const item of content.items) if ("str" in item) text += item.str + (item.hasEOL ? "\n" : "");
      pages.push(text);
    }
    const metadata = await doc.getMetadata();
    return { pages, info: metadata.info as Record<string, unknown> };
  } finally {
    await task.destroy();
  }
}

/** All pages' text, with runs of white space made single spaces (line breaks fall anywhere in a PDF). */
export function flatText(pdf: PdfText): string {
  return pdf.pages.join(" ").replace(/\s+/g, " ");
}
