import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importRecipients, type RecipientStore } from "./recipient-import.js";
import type { Recipient } from "./recipients.js";

const exposed = fileURLToPath(new URL("../../examples/exposed-members.csv", import.meta.url));

/** A store kept in memory, to see what an import sends and in which order. */
function memoryStore(options: { failAt?: number; stored?: number[]; completed?: boolean } = {}) {
  const batches = new Map<number, Recipient[]>();
  const calls: string[] = [];
  const store: RecipientStore<{ batches: number }> = {
    start: (_id, _sources, batchSize) => {
      calls.push("start");
      return Promise.resolve({
        batchesStored: options.stored ?? [],
        batchSize,
        completed: options.completed ?? false,
      });
    },
    async store(_id, batch, recipients) {
      calls.push(`store ${String(batch)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (batch === options.failAt) throw new Error(`batch ${String(batch)} refused`);
      batches.set(batch, recipients);
    },
    complete: (_id, totals) => {
      calls.push(`complete ${String(totals.batches)}`);
      return Promise.resolve({ batches: totals.batches });
    },
  };
  return { store, batches, calls };
}

describe("importRecipients", () => {
  it("sends every person in numbered batches, then completes", async () => {
    const { store, batches, calls } = memoryStore();
    const imported = await importRecipients([exposed], { maxErrors: 10, breachId: "b", batchSize: 3 }, store);
    // Ann and Dee are named again after their first batch was sent: they come again, for the store to merge.
    expect(imported.batches).toBe(4);
    expect(calls).toEqual(["start", "store 1", "store 2", "store 3", "store 4", "complete 4"]);
    const keys = [...batches.values()].flat().map((recipient) => recipient.key);
    expect(new Set(keys).size).toBe(8);
    expect(keys).toHaveLength(10);
    const ann = [...batches.values()].flat().find((recipient) => recipient.key === "eann.kewley@example.org");
    expect(ann).toMatchObject({ jurisdiction: "IM", name: "Ann Kewley", address: ["1 Athol Street"] });
  });

  it("skips the batches already stored, and reads nothing again for a completed import", async () => {
    const resumed = memoryStore({ stored: [1, 2] });
    const imported = await importRecipients(
      [exposed],
      { maxErrors: 10, breachId: "b", batchSize: 3 },
      resumed.store,
    );
    expect(imported.skipped).toBe(2);
    expect(resumed.calls).toEqual(["start", "store 3", "store 4", "complete 4"]);
    const done = memoryStore({ stored: [1, 2, 3, 4], completed: true });
    await importRecipients([exposed], { maxErrors: 10, breachId: "b", batchSize: 3 }, done.store);
    expect(done.calls).toEqual(["start", "complete 4"]);
  });

  it("a batch the store refuses stops the import before it completes (and is not left unhandled)", async () => {
    const { store, calls } = memoryStore({ failAt: 2 });
    await expect(
      importRecipients([exposed], { maxErrors: 10, breachId: "b", batchSize: 3 }, store),
    ).rejects.toThrow("batch 2 refused");
    expect(calls.some((call) => call.startsWith("complete"))).toBe(false);
  });

  it("names the same files the same import, and other files or another key another", async () => {
    const ids = async (key?: string) =>
      (
        await importRecipients(
          [exposed],
          { maxErrors: 10, breachId: "b", ...(key === undefined ? {} : { key }) },
          memoryStore().store,
        )
      ).importId;
    expect(await ids()).toBe(await ids());
    expect(await ids("Member No")).not.toBe(await ids());
  });
});
