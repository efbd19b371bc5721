import { describe, expect, it } from "vitest";
import { formatInstant } from "./plain-language.js";

describe("times as people in each regime read them", () => {
  it.each([
    ["Europe/London", "25 June 2025 at 09:30 BST"],
    ["Europe/Isle_of_Man", "25 June 2025 at 09:30 BST"],
    ["Europe/Jersey", "25 June 2025 at 09:30 BST"],
    ["Europe/Guernsey", "25 June 2025 at 09:30 BST"],
    ["Europe/Paris", "25 June 2025 at 10:30 CEST"],
  ])("in %s, summer time is named as it is there: %s", (zone, text) => {
    expect(formatInstant("2025-06-25T08:30:00Z", zone)).toBe(text);
  });

  it("says GMT in the Crown Dependencies' winter", () => {
    expect(formatInstant("2025-12-25T08:30:00Z", "Europe/Jersey")).toBe("25 December 2025 at 08:30 GMT");
  });
});
