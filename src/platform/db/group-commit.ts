/**
 * Group commit, per organisation. Writes to one organisation's audit chain are serialised by its row lock, so
 * writing them one transaction at a time makes each wait for the last one's statements and its WAL flush.
 * Here concurrent writes of one organisation queue up and are written together: one transaction, one chain
 * append, one commit. A write is answered only after the transaction holding it commits, so nothing
 * acknowledged can be lost, and a failed batch writes nothing.
 *
 * The first write of an idle organisation starts at once (no added latency); writes arriving while the
 * allowed number of batches are in flight form the next one. If a batch of several fails for a reason other than the database being
 * unreachable, each of its writes is retried alone, so one write's failure never fails another's.
 */
import { isDatabaseUnavailable } from "./unavailable.js";

export interface GroupCommitOptions {
  /** The most writes in one transaction. */
  maxBatch: number;
  /**
   * How many batches of one organisation may be in flight at once. With two, the next batch writes its rows
   * while the one before it holds the organisation's audit lock and commits; the lock still orders their
   * audit events, one batch after the other.
   */
  concurrency: number;
}

export interface GroupCommit<I, R> {
  /** Queues a write for `key` (the organisation) and resolves with its result once it is committed. */
  submit(key: string, item: I): Promise<R>;
}

interface Pending<I, R> {
  item: I;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * `write(key, items)` writes the items in one transaction and returns one result per item, in order. It must
 * leave nothing behind when it throws (run it in a transaction).
 */
export function createGroupCommit<I, R>(
  write: (key: string, items: readonly I[]) => Promise<readonly R[]>,
  options: GroupCommitOptions,
): GroupCommit<I, R> {
  const queues = new Map<string, Pending<I, R>[]>();

  async function writeAlone(key: string, pending: Pending<I, R>): Promise<void> {
    try {
      const [result] = await write(key, [pending.item]);
      if (result === undefined) throw new Error("group commit: the writer returned no result");
      pending.resolve(result);
    } catch (error) {
      pending.reject(error);
    }
  }

  async function writeBatch(key: string, batch: Pending<I, R>[]): Promise<void> {
    if (batch.length === 1 && batch[0] !== undefined) return writeAlone(key, batch[0]);
    try {
      const results = await write(
        key,
        batch.map((pending) => pending.item),
      );
      if (results.length !== batch.length)
        throw new Error(`group commit: ${String(results.length)} results for ${String(batch.length)} writes`);
      batch.forEach((pending, index) => {
        pending.resolve(results[index] as R);
      });
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      for (const pending of batch) await writeAlone(key, pending);
    }
  }

  const inFlight = new Map<string, number>();

  function startBatches(key: string): void {
    const queue = queues.get(key);
    if (queue === undefined) return;
    while (queue.length > 0 && (inFlight.get(key) ?? 0) < options.concurrency) {
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      void writeBatch(key, queue.splice(0, options.maxBatch)).finally(() => {
        const running = (inFlight.get(key) ?? 1) - 1;
        if (running === 0) inFlight.delete(key);
        else inFlight.set(key, running);
        if (queue.length === 0 && running === 0) queues.delete(key);
        else startBatches(key);
      });
    }
  }

  return {
    submit(key, item) {
      return new Promise<R>((resolve, reject) => {
        let queue = queues.get(key);
        if (queue === undefined) {
          queue = [];
          queues.set(key, queue);
        }
        queue.push({ item, resolve, reject });
        startBatches(key);
      });
    },
  };
}
