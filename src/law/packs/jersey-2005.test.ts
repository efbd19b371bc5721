import { describe, expect, it } from "vitest";
import { assessBreach } from "../assess-breach.js";
import { incident } from "../../../test/incident-fixtures.js";

/** A Jersey controller's breach before 25 May 2018, under the 2005 Law and GD20. */
function gd20(facts: Parameters<typeof incident>[0]) {
  const assessment = assessBreach(
    incident({
      controller: { establishments: ["JE"] },
      awareAt: "2012-03-14T10:00:00Z",
      nature: ["confidentiality"],
      ...facts,
    }),
    { at: "2012-03-15T10:00:00Z" },
  );
  const je = assessment.obligations.find((obligation) => obligation.jurisdiction === "JE");
  if (je === undefined) throw new Error("no Jersey obligation");
  expect(je.pack?.id).toBe("jersey-2005");
  return { decision: je.regulator.decision, rule: je.regulator.reasons[0]?.rule, obligation: je };
}

describe("GD20's worked examples (seeds/jersey-gd20-breach-notification-guidance.txt)", () => {
  it("1. an unencrypted laptop with names, addresses, dates of birth and ID numbers of 1,000 people: report", () => {
    const result = gd20({
      cause: "lost_or_stolen_device",
      dataCategories: ["name", "address", "date_of_birth", "government_id"],
      subjects: { JE: 1000 },
    });
    expect(result.decision).toBe("recommended");
  });

  it("2. a marketing list of 500 names and addresses, nothing sensitive: no report", () => {
    const result = gd20({
      cause: "lost_or_stolen_device",
      dataCategories: ["name", "address"],
      subjects: { JE: 500 },
    });
    expect(result).toMatchObject({
      decision: "not_required",
      rule: "jersey-2005.no-report.no-significant-harm",
    });
  });

  it("3. a paper file with 50 named people and their financial records: report", () => {
    const result = gd20({
      cause: "lost_or_stolen_device",
      dataCategories: ["name", "financial"],
      subjects: { JE: 50 },
    });
    expect(result).toMatchObject({
      decision: "recommended",
      rule: "jersey-2005.report.sensitive-10-records",
    });
  });

  it("4. the same with 50 people's trade union subscription records, no special circumstances: no report", () => {
    const result = gd20({
      cause: "lost_or_stolen_device",
      dataCategories: ["name", "address", "trade_union_membership"],
      subjects: { JE: 50 },
    });
    expect(result).toMatchObject({
      decision: "not_required",
      rule: "jersey-2005.no-report.union-records-no-special-circumstances",
    });
  });

  it("5. a stolen laptop that is properly encrypted: no report", () => {
    const result = gd20({
      cause: "lost_or_stolen_device",
      dataCategories: ["name", "address", "date_of_birth", "government_id"],
      subjects: { JE: 5000 },
      protection: { encrypted: true },
    });
    expect(result).toMatchObject({ decision: "not_required", rule: "jersey-2005.no-report.encrypted" });
  });

  it("6. information that is publicly available: no report", () => {
    const result = gd20({
      cause: "accidental_disclosure",
      dataCategories: ["name", "address", "employment"],
      subjects: { JE: 5000 },
      protection: { publiclyAvailable: true },
    });
    expect(result).toMatchObject({ decision: "not_required", rule: "jersey-2005.no-report.public" });
  });
});

describe("GD20's thresholds and presumptions", () => {
  it("presumes a report from 1,000 individuals, not at 999 (rule of thumb)", () => {
    const facts = {
      cause: "lost_or_stolen_device" as const,
      dataCategories: ["name" as const, "address" as const],
    };
    expect(gd20({ ...facts, subjects: { JE: 999 } }).decision).toBe("not_required");
    expect(gd20({ ...facts, subjects: { JE: 1000 } })).toMatchObject({
      decision: "recommended",
      rule: "jersey-2005.report.1000-individuals",
    });
  });

  it("as few as 10 records of particularly sensitive data trigger a report, 9 do not", () => {
    const facts = { cause: "misdirected" as const, dataCategories: ["name" as const, "health" as const] };
    expect(gd20({ ...facts, subjects: { JE: 10 } }).rule).toBe("jersey-2005.report.sensitive-10-records");
    expect(gd20({ ...facts, subjects: { JE: 9 } }).rule).not.toBe("jersey-2005.report.sensitive-10-records");
  });

  it("union records taken deliberately are a special circumstance: report (sensitivity is about harm)", () => {
    const result = gd20({
      cause: "cyber_attack",
      dataCategories: ["name", "address", "trade_union_membership"],
      subjects: { JE: 50 },
    });
    expect(result).toMatchObject({
      decision: "recommended",
      rule: "jersey-2005.report.sensitive-10-records",
    });
  });

  it("if unsure, report: circumstance-dependent sensitive data other than the union example", () => {
    const result = gd20({
      cause: "lost_or_stolen_device",
      dataCategories: ["name", "religious_or_philosophical_beliefs"],
      subjects: { JE: 40 },
    });
    expect(result).toMatchObject({ decision: "recommended", rule: "jersey-2005.report.if-unsure" });
  });

  it("never says a report is required, and sets no deadline: there was no legal duty", () => {
    const result = gd20({
      cause: "cyber_attack",
      dataCategories: ["financial", "health"],
      subjects: { JE: 90_000 },
    });
    expect(result.decision).toBe("recommended");
    expect(result.obligation.regulator.deadline).toBeNull();
    expect(result.obligation.regulator.delayReasonOwed).toBe(false);
  });

  it("notices go to the Data Protection Commissioner by e-mail or post, with GD20's list of contents", () => {
    const { obligation } = gd20({
      cause: "cyber_attack",
      dataCategories: ["financial"],
      subjects: { JE: 50 },
    });
    expect(obligation.regulator.name).toBe("Data Protection Commissioner (Jersey)");
    expect(obligation.regulator.contact.email).toBe("dataprotection@gov.je");
    expect(obligation.regulator.contents.map((item) => item.id)).toEqual([
      "information_and_records",
      "nature",
      "mitigation_and_people_informed",
      "investigation",
      "others_informed",
      "prevention",
      "other_information",
    ]);
  });

  it("counts individuals, not records, for the 1,000 rule of thumb", () => {
    const result = gd20({
      cause: "misdirected",
      dataCategories: ["name", "contact"],
      subjects: { JE: 3 },
      records: 1000,
    });
    expect(result.decision).toBe("not_required");
    const uncounted = gd20({
      cause: "misdirected",
      dataCategories: ["name", "contact"],
      subjects: {},
      records: 1000,
    });
    expect(uncounted.rule).toBe("jersey-2005.report.1000-individuals");
    expect(uncounted.obligation.regulator.reasons[0]?.text).toContain("the records stand in for people");
  });

  it("below 10 records of sensitive data, says so rather than calling the data ordinary", () => {
    const result = gd20({
      cause: "misdirected",
      dataCategories: ["name", "health"],
      subjects: { JE: 9 },
      likelihood: 1,
    });
    expect(result).toMatchObject({
      decision: "not_required",
      rule: "jersey-2005.no-report.sensitive-below-10-records",
    });
    expect(result.obligation.regulator.reasons[0]?.text).toContain("health data");
    expect(result.obligation.regulator.reasons[0]?.text).toContain('"as few as 10 records"');
  });

  it("does not ask for people to be told about the union example either", () => {
    const result = gd20({
      cause: "lost_or_stolen_device",
      dataCategories: ["name", "trade_union_membership"],
      subjects: { JE: 50 },
    });
    expect(result.decision).toBe("not_required");
    expect(result.obligation.subjects.decision).toBe("not_required");
    expect(result.obligation.subjects.reasons[0]?.rule).toBe(
      "jersey-2005.subjects.union-records-no-special-circumstances",
    );
  });
});
