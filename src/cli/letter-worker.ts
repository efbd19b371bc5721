/**
 * A worker thread of `writeLetterFiles`: lays out and compresses letters, writes each person's PDF, and hands
 * the compressed pages back for the merged PDF (moved, not copied).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { compressLetter, layLetter, letterPdf, type CompressedFont } from "../documents/letter-pdf.js";
import {
  buildSubjectLetter,
  prepareLetters,
  type LetterContextInput,
  type LetterRecipient,
} from "../documents/subject-letter.js";

export interface LetterWorkerData {
  context: LetterContextInput;
  /** Where each person's PDF goes (null: merged PDF only). */
  singleDir: string | null;
  created: string;
}

export interface LetterBatchRequest {
  batch: number;
  recipients: LetterRecipient[];
}

export interface LetterBatchResult {
  batch: number;
  letters: {
    personId: string;
    jurisdiction: string;
    regulator: string;
    pages: Uint8Array[];
    /** Fonts the letter embeds (for names the standard fonts cannot show): a few kilobytes, copied. */
    fonts: CompressedFont[];
    bytes: number;
    /** Some characters no embedded font can show (Chinese, say, or a right-to-left script): printed as "?". */
    simplified: boolean;
  }[];
}

const data = workerData as LetterWorkerData;
const context = prepareLetters(data.context);
const reference = context.shared.reference;
const created = new Date(data.created);

parentPort?.on("message", (request: LetterBatchRequest) => {
  const letters: LetterBatchResult["letters"] = [];
  const transfer: ArrayBuffer[] = [];
  for (const recipient of request.recipients) {
    const letter = buildSubjectLetter(context, recipient);
    const compressed = compressLetter(layLetter(letter, reference));
    const pages = compressed.pages;
    let bytes = 0;
    if (data.singleDir !== null) {
      const pdf = letterPdf(
        pages,
        { title: letter.subject, author: letter.organisation, created },
        compressed.fonts,
      );
      // Written in place: a rename per file halves how many files per second the disk takes (measured: about
      // 4,000 against 1,700 a second here). A run cut off can leave one letter short; its manifest.csv, written
      // last, is what says a run completed, and running it again rewrites every file.
      writeFileSync(join(data.singleDir, `${recipient.personId}.pdf`), pdf);
      bytes = pdf.length;
    }
    // Copies into buffers of their own, so that they can be moved to the main thread without a second copy.
    const owned = pages.map((page) => new Uint8Array(page));
    for (const page of owned) transfer.push(page.buffer);
    letters.push({
      personId: recipient.personId,
      jurisdiction: letter.jurisdiction,
      regulator: letter.regulator.name,
      pages: owned,
      fonts: compressed.fonts,
      bytes,
      simplified: compressed.simplified,
    });
  }
  parentPort?.postMessage({ batch: request.batch, letters } satisfies LetterBatchResult, transfer);
});
