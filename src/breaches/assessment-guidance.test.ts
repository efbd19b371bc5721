// Guidance kept apart from stored assessments: split and put back without loss, addressed by content.
import { describe, expect, it } from "vitest";
import { assessBreach, parseIncident } from "../law/index.js";
import { unionIncident } from "../../test/support/test-app.js";
import { guidanceHashes, restoreGuidance, separateGuidance } from "./assessment-guidance.js";

function assess(overrides: Record<string, unknown> = {}, at = "2025-06-26T12:00:00Z") {
  const parsed = parseIncident(unionIncident(overrides));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return assessBreach(parsed.value, { at: new Date(at) });
}

describe("assessment guidance", () => {
  it("splits an assessment into what is stored and its guidance, and puts it back unchanged", () => {
    for (const assessment of [
      assess(),
      assess({ subjects: { FR: 10, DE: 20, NZ: 5 } }),
      assess({}, "2025-07-30T00:00:00Z"), // late: the notice must also give the reason for the delay
      assess({ controller: { name: "Payroll Ltd", establishments: ["GB"], role: "processor" } }),
    ]) {
      const { stored, guidance } = separateGuidance(assessment);
      expect(JSON.stringify(stored).length).toBeLessThan(JSON.stringify(assessment).length * 0.7);
      expect(guidanceHashes(stored)).toHaveLength(assessment.obligations.length);
      expect(restoreGuidance(stored, guidance)).toEqual(assessment);
    }
  });

  it("gives the same guidance the same hash in every breach, and different guidance a different one", () => {
    const a = separateGuidance(assess({ title: "One" })).stored;
    const b = separateGuidance(assess({ title: "Two", records: 12 })).stored;
    expect(guidanceHashes(a)).toEqual(guidanceHashes(b));
    expect(new Set(guidanceHashes(a)).size).toBe(4); // GB, IM, JE and GG each have their own regulator
    const late = separateGuidance(assess({}, "2025-07-30T00:00:00Z")).stored;
    expect(guidanceHashes(late)).not.toEqual(guidanceHashes(a));
  });

  it("reads an assessment stored with its guidance inline (before guidance was kept apart) as it is", () => {
    const assessment = assess();
    expect(restoreGuidance(assessment, new Map())).toEqual(assessment);
  });

  it("refuses to put back guidance it does not have", () => {
    const { stored } = separateGuidance(assess());
    expect(() => restoreGuidance(stored, new Map())).toThrow(/guidance .* is missing/);
  });
});
