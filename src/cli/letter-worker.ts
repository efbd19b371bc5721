/**
 * A worker thread of `writeLetterFiles`: lays out and compresses letters, writes each person's PDF, and hands
 * the compressed pages back for the merged PDF (moved, not copied).
 */
import { renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { compressPages, layLetterPages, letterPdf } from "../documents/letter-pdf.js";
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
    bytes: number;
  }[];
}

const data = workerData as LetterWorkerData;
const context = prepareLetters(data.context);
const reference = String(context.shared.reference);
const created = new Date(data.created);

parentPort?.on("message", (request: LetterBatchRequest) => {
  const letters: LetterBatchResult["letters"] = [];
  const transfer: ArrayBuffer[] = [];
  for (const recipient of request.recipients) {
    const letter = buildSubjectLetter(context, recipient);
    const pages = compressPages(layLetterPages(letter, reference));
    let bytes = 0;
    if (data.singleDir !== null) {
      const pdf = letterPdf(pages, { title: letter.subject, author: letter.organisation, created });
      // Written whole under a temporary name, then renamed: a run cut off never leaves a truncated letter.
      const path = join(data.singleDir, `${recipient.personId}.pdf`);
      writeFileSync(`${path}.partial`, pdf);
      renameSync(`${path}.partial`, path);
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
      bytes,
    });
  }
  parentPort?.postMessage({ batch: request.batch, letters } satisfies LetterBatchResult, transfer);
});
