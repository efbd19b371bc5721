import { describe, expect, it } from "vitest";
import { findUnstorableText } from "./storable-text.js";

describe("findUnstorableText", () => {
  it("names the first field holding a NUL or an unpaired surrogate", () => {
    expect(findUnstorableText({ a: "fine", b: { c: ["ok", "bad\u0000"] } })).toEqual(["b", "c", "1"]);
    expect(findUnstorableText({ rationale: "because \ud800 of things" })).toEqual(["rationale"]);
    expect(findUnstorableText({ x: "\udc00" })).toEqual(["x"]);
  });

  it("accepts paired surrogates (emoji) and ordinary text", () => {
    expect(findUnstorableText({ title: "Breach 🔓 at Žilina", n: 3, list: [null, true] })).toBeNull();
  });
});
