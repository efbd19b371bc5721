/**
 * Writes a breach's letters to a folder: `letters.pdf` (every letter, merged for printing), `letters/ID.pdf`
 * (one per person, named by their id in the recipient list) and `manifest.csv` (who got which file, their
 * jurisdiction, regulator and pages). Worker threads lay out the letters; the main thread reads the list and
 * writes the merged file in the list's order. The merged PDF and the manifest are written under temporary names
 * and renamed at the end, so a run is complete when manifest.csv exists; running it again writes the same files.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { compressPages, PdfWriter } from "../documents/letter-pdf.js";
import type { LetterContextInput, LetterRecipient } from "../documents/subject-letter.js";
import type { LetterBatchRequest, LetterBatchResult, LetterWorkerData } from "./letter-worker.js";
import { csvField } from "./csv-field.js";

export interface LetterFilesOptions {
  context: LetterContextInput;
  /** The people, in pages (as the API gives them). */
  recipients: AsyncIterable<LetterRecipient[]>;
  outDir: string;
  /** Also write one PDF per person (default true). */
  single?: boolean;
  workers?: number;
  batchSize?: number;
  /**
   * Pad each letter in the merged PDF to an even number of pages (default true), so that printed on both sides
   * no letter starts on the back of another person's.
   */
  duplex?: boolean;
  onProgress?: (letters: number) => void;
}

export interface LetterFilesResult {
  letters: number;
  pages: number;
  mergedBytes: number;
  byJurisdiction: Record<string, number>;
  /** Letters whose name or address the PDF fonts could not show as written (see the manifest). */
  simplified: number;
}

function newWorker(data: LetterWorkerData): Worker {
  // Compiled, the workers start on plain Node: flags the parent was started with (a loader) would slow them.
  if (import.meta.url.endsWith(".js"))
    return new Worker(new URL("./letter-worker.js", import.meta.url), { workerData: data, execArgv: [] });
  const source = new URL("./letter-worker.ts", import.meta.url).href;
  return new Worker(
    `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`,
    { eval: true, workerData: data },
  );
}

/** Buffers small writes into 1 MiB ones. */
function bufferedFile(path: string) {
  const fd = openSync(path, "w");
  let chunks: Buffer[] = [];
  let size = 0;
  const flush = () => {
    if (size === 0) return;
    writeSync(fd, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    chunks = [];
    size = 0;
  };
  return {
    write(chunk: Buffer) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= 1 << 20) flush();
    },
    close() {
      flush();
      closeSync(fd);
    },
  };
}

export async function writeLetterFiles(options: LetterFilesOptions): Promise<LetterFilesResult> {
  const { outDir, context } = options;
  const single = options.single ?? true;
  const singleDir = join(outDir, "letters");
  mkdirSync(outDir, { recursive: true });
  // The manifest says a run completed: an earlier run's goes first, so a run cut off never looks complete.
  rmSync(join(outDir, "manifest.csv"), { force: true });
  if (single) mkdirSync(singleDir, { recursive: true });
  const created = new Date(context.preparedAt);
  const mergedPath = join(outDir, "letters.pdf");
  const merged = bufferedFile(`${mergedPath}.partial`);
  const manifest = bufferedFile(join(outDir, "manifest.csv.partial"));
  manifest.write(Buffer.from("person_id,jurisdiction,regulator,pages,start_page,file,simplified\n"));
  const duplex = options.duplex ?? true;
  const blankPage = compressPages([""]);
  let simplified = 0;
  const writer = new PdfWriter(
    (chunk) => {
      merged.write(chunk);
    },
    {
      title: `Letters about breach ${context.breachId.slice(0, 8).toUpperCase()}`,
      author: context.incident.controller.name,
      created,
    },
  );
  const count = Math.max(1, options.workers ?? Math.min(2, availableParallelism()));
  const data: LetterWorkerData = {
    context,
    singleDir: single ? singleDir : null,
    created: created.toISOString(),
  };
  const workers = Array.from({ length: count }, () => newWorker(data));
  const byJurisdiction: Record<string, number> = {};
  let letters = 0;
  // Results come back in any order; the merged file takes them in the list's order.
  const waiting = new Map<number, LetterBatchResult>();
  let nextToWrite = 0;
  // Set by a worker's error event (a callback the type checker cannot follow): held in an object.
  const failed: { error: Error | null } = { error: null };
  const idle: Worker[] = [];
  const wakeups: (() => void)[] = [];
  const wakeAll = () => {
    for (const wake of wakeups.splice(0)) wake();
  };
  const take = (result: LetterBatchResult) => {
    waiting.set(result.batch, result);
    for (let ready = waiting.get(nextToWrite); ready !== undefined; ready = waiting.get(nextToWrite)) {
      waiting.delete(nextToWrite);
      nextToWrite++;
      for (const letter of ready.letters) {
        const startPage = writer.pageCount + 1;
        writer.addPages(
          letter.pages.map((page) => Buffer.from(page.buffer, page.byteOffset, page.byteLength)),
          // Structured cloning turns Buffers into plain Uint8Arrays: make them Buffers again.
          letter.fonts.map((font) => ({
            ...font,
            file: Buffer.from(font.file.buffer, font.file.byteOffset, font.file.byteLength),
            toUnicode: Buffer.from(
              font.toUnicode.buffer,
              font.toUnicode.byteOffset,
              font.toUnicode.byteLength,
            ),
          })),
        );
        if (duplex && letter.pages.length % 2 === 1) writer.addPages(blankPage);
        byJurisdiction[letter.jurisdiction] = (byJurisdiction[letter.jurisdiction] ?? 0) + 1;
        if (letter.simplified) simplified++;
        manifest.write(
          Buffer.from(
            `${[
              letter.personId,
              letter.jurisdiction,
              letter.regulator,
              String(letter.pages.length),
              String(startPage),
              single ? `letters/${letter.personId}.pdf` : "letters.pdf",
              letter.simplified ? "yes" : "no",
            ]
              .map(csvField)
              .join(",")}\n`,
          ),
        );
        letters++;
      }
      options.onProgress?.(letters);
    }
  };
  for (const worker of workers) {
    worker.on("message", (result: LetterBatchResult) => {
      take(result);
      idle.push(worker);
      wakeAll();
    });
    worker.on("error", (error) => {
      failed.error = error;
      wakeAll();
    });
    worker.on("exit", (code) => {
      if (failed.error === null && !finishing)
        failed.error = new Error(`a letter worker stopped unexpectedly (exit code ${String(code)})`);
      wakeAll();
    });
    idle.push(worker);
  }
  const nextIdle = async (): Promise<Worker> => {
    for (;;) {
      if (failed.error !== null) throw failed.error;
      const worker = idle.pop();
      if (worker !== undefined) return worker;
      await new Promise<void>((resolve) => wakeups.push(resolve));
    }
  };
  const batchSize = options.batchSize ?? 250;
  let finishing = false;
  let batch = 0;
  try {
    let pending: LetterRecipient[] = [];
    const send = async (recipients: LetterRecipient[]) => {
      const worker = await nextIdle();
      worker.postMessage({ batch: batch++, recipients } satisfies LetterBatchRequest);
    };
    for await (const page of options.recipients) {
      for (const recipient of page)
        // The id names a file: only the hex of a keyed hash is accepted.
        if (!/^[0-9a-f]{64}$/.test(recipient.personId))
          throw new Error(
            `a recipient's id is not a 64-digit hex hash: ${JSON.stringify(recipient.personId.slice(0, 80))}`,
          );
      for (const recipient of page) {
        pending.push(recipient);
        if (pending.length === batchSize) {
          await send(pending);
          pending = [];
        }
      }
    }
    if (pending.length > 0) await send(pending);
    while (nextToWrite < batch) {
      if (failed.error !== null) throw failed.error;
      await new Promise<void>((resolve) => wakeups.push(resolve));
    }
  } catch (error) {
    // Nothing half-written is left under a final name: the partial merged file and manifest go.
    merged.close();
    manifest.close();
    rmSync(`${mergedPath}.partial`, { force: true });
    rmSync(join(outDir, "manifest.csv.partial"), { force: true });
    throw error;
  } finally {
    finishing = true;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  const mergedBytes = writer.finish();
  merged.close();
  manifest.close();
  renameSync(`${mergedPath}.partial`, mergedPath);
  renameSync(join(outDir, "manifest.csv.partial"), join(outDir, "manifest.csv"));
  return { letters, pages: writer.pageCount, mergedBytes, byJurisdiction, simplified };
}
