// Canonical JSON: key order never changes the text, and values given pre-written give the same text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalJson, canonicalJsonWith } from "./canonical-json.js";

describe("canonical JSON", () => {
  it("writes the same text whatever order the keys were added in", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 3, e: 4 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [2, { e: 4, f: 3 }] }, b: 1 }),
    );
    expect(canonicalJson({ at: new Date("2025-06-25T08:00:00Z"), gone: undefined })).toBe(
      '{"at":"2025-06-25T08:00:00.000Z"}',
    );
  });

  it("gives the same text when some values are handed in already written", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.integer({ min: 0 }), (record, pick) => {
        const keys = Object.keys(record);
        const written: Record<string, string> = {};
        keys.forEach((key, index) => {
          if ((pick >> index) & 1) written[key] = canonicalJson(record[key]);
        });
        expect(canonicalJsonWith(record, written)).toBe(canonicalJson(record));
      }),
    );
  });
});
