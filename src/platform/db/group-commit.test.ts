// The batching rules of group commit: batches form while one is in flight, a failed batch is retried write by
// write (unless the database is down), and results reach the right callers.
import { describe, expect, it } from "vitest";
import { Unavailable } from "../errors.js";
import { createGroupCommit } from "./group-commit.js";

function deferred() {
  let release = () => {};
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe("group commit", () => {
  it("writes the first item at once and the ones that arrive meanwhile as one batch", async () => {
    const batches: number[][] = [];
    const gate = deferred();
    const commit = createGroupCommit<number, string>(
      async (_key, items) => {
        batches.push([...items]);
        if (batches.length === 1) await gate.promise;
        return items.map((item) => `done ${String(item)}`);
      },
      { maxBatch: 3, concurrency: 1 },
    );
    const results = [1, 2, 3, 4, 5].map((item) => commit.submit("org", item));
    gate.release();
    expect(await Promise.all(results)).toEqual(["done 1", "done 2", "done 3", "done 4", "done 5"]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it("lets a second batch of the same organisation start while the first is in flight, and no more", async () => {
    const batches: number[][] = [];
    const gates = [deferred(), deferred()];
    const commit = createGroupCommit<number, number>(
      async (_key, items) => {
        const index = batches.push([...items]) - 1;
        await gates[index]?.promise;
        return items;
      },
      { maxBatch: 10, concurrency: 2 },
    );
    const results = [1, 2, 3, 4].map((item) => commit.submit("org", item));
    await Promise.resolve();
    expect(batches).toEqual([[1], [2]]); // 3 and 4 wait for a free slot
    gates[1]?.release();
    expect(await results[1]).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the freed slot is taken once the batch settles
    expect(batches).toEqual([[1], [2], [3, 4]]);
    gates[0]?.release();
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4]);
  });

  it("keeps organisations apart: one organisation's batch does not wait for another's", async () => {
    const gate = deferred();
    const commit = createGroupCommit<string, string>(
      async (key, items) => {
        if (key === "slow") await gate.promise;
        return items.map((item) => `${key}:${item}`);
      },
      { maxBatch: 10, concurrency: 1 },
    );
    const slow = commit.submit("slow", "a");
    expect(await commit.submit("fast", "b")).toBe("fast:b");
    gate.release();
    expect(await slow).toBe("slow:a");
  });

  it("retries a failed batch write by write, so only the bad write fails", async () => {
    const gate = deferred();
    let calls = 0;
    const commit = createGroupCommit<number, number>(
      async (_key, items) => {
        calls += 1;
        if (calls === 1) await gate.promise;
        if (items.includes(13)) throw new Error("value 13 violates a check constraint");
        return items.map((item) => item * 2);
      },
      { maxBatch: 10, concurrency: 1 },
    );
    const first = commit.submit("org", 1);
    const rest = [2, 13, 4].map((item) => commit.submit("org", item));
    gate.release();
    expect(await first).toBe(2);
    const settled = await Promise.allSettled(rest);
    expect(settled.map((result) => (result.status === "fulfilled" ? result.value : "failed"))).toEqual([
      4,
      "failed",
      8,
    ]);
  });

  it("fails the whole batch at once when the database is unreachable, without retrying each write", async () => {
    const gate = deferred();
    let calls = 0;
    const commit = createGroupCommit<number, number>(
      async (_key, items) => {
        calls += 1;
        if (calls === 1) {
          await gate.promise;
          return items;
        }
        throw new Unavailable("database down");
      },
      { maxBatch: 10, concurrency: 1 },
    );
    const first = commit.submit("org", 1);
    const rest = [2, 3, 4].map((item) => commit.submit("org", item));
    gate.release();
    await first;
    const settled = await Promise.allSettled(rest);
    expect(settled.every((result) => result.status === "rejected")).toBe(true);
    expect(calls).toBe(2);
    // The queue recovers: a later write goes through once the database is back.
    calls = 0;
    expect(await commit.submit("org", 7)).toBe(7);
  });
});
