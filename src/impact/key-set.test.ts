// The compact key set: exact, in order of first sight, across growth.
import { describe, expect, it } from "vitest";
import { KeySet } from "./key-set.js";

const encoder = new TextEncoder();

describe("the key set", () => {
  it("gives each distinct key one index, in order of first sight, through many rehashes", () => {
    const keys = new KeySet(4);
    const seen = new Map<string, number>();
    for (let round = 0; round < 3; round++)
      for (let n = 0; n < 50_000; n++) {
        const key = `person-${String((n * 7919) % 30_011)}@example.org`;
        const bytes = encoder.encode(`xx${key}`);
        const index = keys.intern(bytes, 2, bytes.length);
        const expected = seen.get(key);
        if (expected === undefined) {
          expect(keys.lastWasNew).toBe(true);
          expect(index).toBe(seen.size);
          seen.set(key, index);
        } else {
          expect(keys.lastWasNew).toBe(false);
          expect(index).toBe(expected);
        }
      }
    expect(keys.size).toBe(30_011);
  });

  it("tells apart keys that differ in one byte or only in length", () => {
    const keys = new KeySet();
    const a = keys.intern(encoder.encode("abc"), 0, 3);
    const b = keys.intern(encoder.encode("abd"), 0, 3);
    const c = keys.intern(encoder.encode("ab"), 0, 2);
    const d = keys.intern(encoder.encode(""), 0, 0);
    expect(new Set([a, b, c, d]).size).toBe(4);
    expect(keys.intern(encoder.encode("zabc"), 1, 4)).toBe(a);
  });
});
