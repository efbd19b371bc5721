/**
 * Reads exposed files into a breach's recipient list, wherever the list is kept (through the API from the
 * CLI, or in the server for an upload).
 *
 * The files are first analysed alone (in parallel, and quickly): input that cannot be analysed is refused
 * before anything is stored. Then they are read again, on one thread, and the people are sent in numbered
 * batches as they are read: one batch is being stored while the next is read. An import is named by the files' contents
 * (SHA-256) and the identity key, and the same files always make the same batches, so an import that was cut
 * off is resumed by running it again — from the CLI or by uploading the same files: the batches already
 * stored are skipped, and the store merges anything sent twice, so nobody is duplicated or lost.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { analyseFiles, type ImpactOptions, type ImpactResult } from "./analyse.js";
import { RecipientCollector, type Recipient } from "./recipients.js";

export interface ImportSource {
  file: string;
  bytes: number;
  sha256: string;
  /** Rows found in the file (a breach's records count each file once, however many imports name it). */
  rows: number;
}

export interface RecipientStore<Completion> {
  /**
   * Starts the import `importId` with batches of `batchSize` people (or finds it again): which batches it
   * already holds, and its batch size (a resumed import keeps the size it started with).
   */
  start(
    importId: string,
    sources: ImportSource[],
    batchSize: number,
  ): Promise<{ batchesStored: number[]; batchSize: number; completed: boolean }>;
  store(importId: string, batch: number, recipients: Recipient[]): Promise<void>;
  complete(importId: string, totals: { batches: number; rows: number; people: number }): Promise<Completion>;
}

export interface RecipientImport<Completion> {
  result: ImpactResult;
  importId: string;
  batches: number;
  /** Batches an earlier, cut-off run had already stored (not sent again). */
  skipped: number;
  completion: Completion;
}

/**
 * A UUID named by its parts (the SHA-256 of them, in RFC 9562's custom version 8 layout): the same files and
 * key always name the same import, as resuming needs.
 */
function namedId(...parts: readonly string[]): string {
  const bytes = createHash("sha256").update(parts.join("\u0000")).digest().subarray(0, 16);
  bytes[6] = 0x80 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function sourceOf(path: string, name: string, rows: number): Promise<ImportSource> {
  const hash = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(path, {
    highWaterMark: 4 * 1024 * 1024,
  }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { file: name, bytes, sha256: hash.digest("hex"), rows };
}

export async function importRecipients<Completion>(
  paths: readonly string[],
  options: Omit<ImpactOptions, "recipients"> & {
    breachId: string;
    batchSize?: number;
  },
  store: RecipientStore<Completion>,
): Promise<RecipientImport<Completion>> {
  const { breachId, batchSize, ...analysis } = options;
  const names = analysis.names;
  // Refused input stores nothing: it is found by the analysis alone, before the import starts.
  const analysed = await analyseFiles(paths, analysis);
  const sources = await Promise.all(
    paths.map((path, index) =>
      sourceOf(path, names?.[index] ?? basename(path), analysed.files[index]?.rows ?? 0),
    ),
  );
  const importId = namedId("import", breachId, analysis.key ?? "", ...sources.map((source) => source.sha256));
  const started = await store.start(importId, sources, batchSize ?? 2_000);
  if (started.completed) {
    // Imported before, in full: nothing to read again (completing again changes nothing, or sets the counts).
    const completion = await store.complete(importId, {
      batches: started.batchesStored.length,
      rows: analysed.rows,
      people: analysed.subjects,
    });
    const batches = started.batchesStored.length;
    return { result: analysed, importId, batches, skipped: batches, completion };
  }
  const stored = new Set(started.batchesStored);
  const collector = new RecipientCollector(started.batchSize);
  const progress = { batches: 0, skipped: 0 };
  // One batch in flight: its failure is kept and thrown when the next is sent, or at the end.
  const flight: { current: Promise<void>; failure: { error: unknown } | null } = {
    current: Promise.resolve(),
    failure: null,
  };
  const settle = async () => {
    await flight.current;
    if (flight.failure !== null) throw flight.failure.error;
  };
  const send = async (recipients: Recipient[]) => {
    const batch = ++progress.batches;
    const skip = stored.has(batch);
    await settle();
    if (skip) progress.skipped++;
    else
      flight.current = store.store(importId, batch, recipients).catch((error: unknown) => {
        flight.failure = { error };
      });
  };
  const result = await analyseFiles(paths, {
    ...analysis,
    recipients: {
      onPerson: collector.add,
      async drain() {
        for (let ready = collector.take(); ready !== undefined; ready = collector.take()) await send(ready);
      },
    },
  });
  for (const rest of collector.finish()) await send(rest);
  await settle();
  const completion = await store.complete(importId, {
    batches: progress.batches,
    rows: result.rows,
    people: result.subjects,
  });
  return { result, importId, batches: progress.batches, skipped: progress.skipped, completion };
}
