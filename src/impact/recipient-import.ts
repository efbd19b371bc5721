/**
 * Reads exposed files into a breach's recipient list, wherever the list is kept (through the API from the
 * CLI, or in the server for an upload): the files are analysed once, and the people are sent in numbered
 * batches as they are read, at most one batch ahead of the store. The same files always make the same batches,
 * so an import that was cut off is resumed by running it again: the batches already stored are skipped, and
 * the store merges anything sent twice, so nobody is duplicated or lost.
 */
import { analyseFiles, type ImpactOptions, type ImpactResult } from "./analyse.js";
import { RecipientCollector, type Recipient } from "./recipients.js";

export interface RecipientStore<Completion> {
  /** Starts the import `importId` (or finds it again): which batches it already holds. */
  start(importId: string, sources: { file: string; bytes: number }[]): Promise<{ batchesStored: number[] }>;
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

export async function importRecipients<Completion>(
  paths: readonly string[],
  options: Omit<ImpactOptions, "recipients"> & {
    importId: string;
    sources: { file: string; bytes: number }[];
    batchSize?: number;
    onBatch?: (batch: number, skipped: boolean) => void;
  },
  store: RecipientStore<Completion>,
): Promise<RecipientImport<Completion>> {
  const { importId, sources, batchSize, onBatch, ...analysis } = options;
  const started = await store.start(importId, sources);
  const stored = new Set(started.batchesStored);
  const collector = new RecipientCollector(batchSize);
  const progress = { batches: 0, skipped: 0 };
  const send = async (recipients: Recipient[]) => {
    const batch = ++progress.batches;
    const skip = stored.has(batch);
    if (skip) progress.skipped++;
    else await store.store(importId, batch, recipients);
    onBatch?.(batch, skip);
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
  const completion = await store.complete(importId, {
    batches: progress.batches,
    rows: result.rows,
    people: result.subjects,
  });
  return { result, importId, batches: progress.batches, skipped: progress.skipped, completion };
}
