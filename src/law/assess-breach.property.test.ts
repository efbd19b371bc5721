// Invariants of the assessment, checked on generated incidents (fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assessBreach } from "./assess-breach.js";
import {
  assessmentSchema,
  type Assessment,
  type RegulatorDecision,
  type SubjectDecision,
} from "./assessment.js";
import {
  causes,
  dataCategories,
  jurisdictionsConcerned,
  natures,
  parseIncident,
  type Incident,
} from "./incident.js";

const regulatorRank: Record<RegulatorDecision, number> = {
  not_required: 0,
  judgement: 1,
  recommended: 2,
  required: 3,
};
const subjectRank: Record<SubjectDecision, number> = {
  not_required: 0,
  judgement: 1,
  public_communication: 2,
  required: 3,
};

const countries = ["GB", "IM", "JE", "GG", "FR", "IE", "DE", "US"] as const;
const offsets = ["Z", "+01:00", "+00:00", "-05:00", "+09:30"];

const awareAt = fc
  .tuple(
    fc.integer({ min: Date.parse("2006-01-01T00:00:00Z"), max: Date.parse("2027-12-31T00:00:00Z") }),
    fc.constantFrom(...offsets),
  )
  .map(([ms, offset]) => {
    const sign = offset === "Z" ? 0 : offset.startsWith("-") ? -1 : 1;
    const minutes =
      offset === "Z" ? 0 : sign * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4, 6)));
    const local = new Date(Math.floor(ms / 1000) * 1000 + minutes * 60_000).toISOString().slice(0, 19);
    return `${local}${offset}`;
  });

const incidentInput = fc.record({
  title: fc.constant("generated"),
  controller: fc.record({
    name: fc.constant("Org"),
    establishments: fc.uniqueArray(fc.constantFrom(...countries), { minLength: 1, maxLength: 2 }),
    role: fc.constantFrom("controller" as const, "processor" as const),
  }),
  awareAt,
  nature: fc.uniqueArray(fc.constantFrom(...natures), { maxLength: 3 }),
  cause: fc.constantFrom(...causes),
  dataCategories: fc.uniqueArray(fc.constantFrom(...dataCategories), { minLength: 1, maxLength: 6 }),
  subjects: fc.dictionary(fc.constantFrom(...countries), fc.integer({ min: 0, max: 50_000 }), { maxKeys: 4 }),
  records: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
  protection: fc
    .record({
      encrypted: fc.boolean(),
      keyCompromised: fc.boolean(),
      pseudonymised: fc.boolean(),
      publiclyAvailable: fc.boolean(),
    })
    .map((protection) => ({
      ...protection,
      keyCompromised: protection.encrypted && protection.keyCompromised,
    })),
  likelihood: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 4 }),
  impact: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 4 }),
  mitigation: fc.record({ highRiskNoLongerLikely: fc.boolean(), disproportionateEffort: fc.boolean() }),
});

function valid(input: unknown): Incident {
  const parsed = parseIncident(input);
  if (!parsed.ok) throw new Error(`generated an invalid incident: ${JSON.stringify(parsed.problems)}`);
  return parsed.value;
}

const at = "2026-01-01T00:00:00Z";

/** Asserts that no decision in `after` ranks below the same jurisdiction's decision in `before`. */
function expectNoLowerDecisions(before: Assessment, after: Assessment): void {
  for (const old of before.obligations) {
    const now = after.obligations.find((obligation) => obligation.jurisdiction === old.jurisdiction);
    expect(now, `obligation for ${old.jurisdiction} kept`).toBeDefined();
    if (now === undefined) return;
    expect(regulatorRank[now.regulator.decision], `${old.jurisdiction} regulator`).toBeGreaterThanOrEqual(
      regulatorRank[old.regulator.decision],
    );
    expect(subjectRank[now.subjects.decision], `${old.jurisdiction} subjects`).toBeGreaterThanOrEqual(
      subjectRank[old.subjects.decision],
    );
  }
}

function expectNoHigherDecisions(before: Assessment, after: Assessment): void {
  expectNoLowerDecisions(after, before);
}

describe("assessment invariants", () => {
  it("never drops a jurisdiction concerned, and explains every decision", () => {
    fc.assert(
      fc.property(incidentInput, (input) => {
        const incident = valid(input);
        const assessment = assessBreach(incident, { at });
        expect(assessment.obligations.map((obligation) => obligation.jurisdiction)).toEqual(
          jurisdictionsConcerned(incident),
        );
        for (const obligation of assessment.obligations) {
          expect(obligation.regulator.reasons.length).toBeGreaterThan(0);
          expect(obligation.subjects.reasons.length).toBeGreaterThan(0);
          if (obligation.regulator.decision === "judgement")
            expect(obligation.regulator.considerations.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("keeps to the published output contract", () => {
    fc.assert(
      fc.property(incidentInput, (input) => {
        const assessment = assessBreach(valid(input), { at });
        expect(assessmentSchema.safeParse(assessment).success).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("gives every reason as one readable sentence with a citation", () => {
    fc.assert(
      fc.property(incidentInput, (input) => {
        const assessment = assessBreach(valid(input), { at });
        const reasons = [
          ...assessment.risk.reasons,
          ...assessment.obligations.flatMap((obligation) => [
            ...obligation.regulator.reasons,
            ...obligation.subjects.reasons,
            ...(obligation.processor?.reasons ?? []),
          ]),
        ];
        for (const reason of reasons) {
          expect(reason.text).toMatch(/^[A-Z].*[.)]$/s);
          expect(reason.text).not.toMatch(/\n/);
          // No second sentence: a full stop followed by a capitalised word.
          expect(reason.text.slice(0, -1)).not.toMatch(/[.!?] [A-Z][a-z]/);
          expect(reason.citation.length).toBeGreaterThan(0);
          expect(reason.rule).toMatch(/^[a-z0-9-]+(\.[a-z0-9_-]+)+$/);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("more people never lower a decision", () => {
    // Starting from a count of people: going from "nobody counted yet" to a first count is new knowledge, not more people.
    const counted = incidentInput.filter((input) => Object.values(input.subjects).some((count) => count > 0));
    fc.assert(
      fc.property(
        counted,
        fc.constantFrom(...countries),
        fc.integer({ min: 1, max: 200_000 }),
        (input, country, extra) => {
          const before = valid(input);
          const after = valid({
            ...input,
            subjects: { ...input.subjects, [country]: (input.subjects[country] ?? 0) + extra },
          });
          expectNoLowerDecisions(assessBreach(before, { at }), assessBreach(after, { at }));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("more sensitive data never lowers a decision", () => {
    fc.assert(
      fc.property(
        incidentInput,
        fc.uniqueArray(fc.constantFrom(...dataCategories), { minLength: 1 }),
        (input, added) => {
          const before = valid(input);
          const after = valid({
            ...input,
            dataCategories: [...new Set([...input.dataCategories, ...added])],
          });
          expectNoLowerDecisions(assessBreach(before, { at }), assessBreach(after, { at }));
        },
      ),
      { numRuns: 400 },
    );
  });

  it("encryption without a compromised key never raises a decision", () => {
    fc.assert(
      fc.property(incidentInput, (input) => {
        const before = valid(input);
        const after = valid({
          ...input,
          protection: { ...input.protection, encrypted: true, keyCompromised: false },
        });
        expectNoHigherDecisions(assessBreach(before, { at }), assessBreach(after, { at }));
      }),
      { numRuns: 400 },
    );
  });

  it("a 72-hour deadline is exactly 72 hours after awareness, whatever the offset written", () => {
    fc.assert(
      fc.property(incidentInput, (input) => {
        const incident = valid(input);
        for (const obligation of assessBreach(incident, { at }).obligations) {
          if (obligation.regulator.deadline === null) continue;
          expect(Date.parse(obligation.regulator.deadline) - Date.parse(incident.awareAt)).toBe(
            72 * 3_600_000,
          );
          expect(obligation.regulator.strict).toBe(obligation.jurisdiction === "GG");
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a reason for delay is owed exactly when the assessment falls after a deadline", () => {
    fc.assert(
      fc.property(incidentInput, fc.integer({ min: 0, max: 200 }), (input, hoursLater) => {
        const incident = valid(input);
        const moment = Date.parse(incident.awareAt) + hoursLater * 3_600_000;
        for (const obligation of assessBreach(incident, { at: moment }).obligations) {
          const due = obligation.regulator.deadline;
          expect(obligation.regulator.delayReasonOwed).toBe(due !== null && moment > Date.parse(due));
        }
      }),
      { numRuns: 300 },
    );
  });
});
