import { describe, expect, it } from "vitest";
import { assessBreach } from "./assess-breach.js";
import type { Obligation } from "./assessment.js";
import type { DataCategory } from "./incident.js";
import { incident } from "../../test/incident-fixtures.js";

const at = "2025-06-26T12:00:00Z";

function obligationFor(obligations: Obligation[], jurisdiction: string): Obligation {
  const found = obligations.find((obligation) => obligation.jurisdiction === jurisdiction);
  if (found === undefined) throw new Error(`no obligation for ${jurisdiction}`);
  return found;
}

/** The union breach of the news seed: four jurisdictions, special category and bank data, a cyber attack. */
const prospect = incident({
  title: "Union member records exfiltrated",
  awareAt: "2025-06-25T09:00:00+01:00",
  cause: "cyber_attack",
  dataCategories: [
    "name",
    "contact",
    "address",
    "financial",
    "trade_union_membership",
    "racial_or_ethnic_origin",
    "sex_life_or_sexual_orientation",
    "health",
    "religious_or_philosophical_beliefs",
  ],
  subjects: { GB: 154_800, IM: 2_200, JE: 1_700, GG: 1_300 },
});

describe("assessBreach on a Prospect-sized breach (seeds/news-joint-investigation-prospect.txt; RULEBOOK §7)", () => {
  const assessment = assessBreach(prospect, { at });

  it("a Prospect-sized breach owes notices to four regulators", () => {
    expect(
      assessment.obligations.map((obligation) => [obligation.jurisdiction, obligation.regulator.name]),
    ).toEqual([
      ["GB", "Information Commissioner's Office (ICO)"],
      ["IM", "Isle of Man Information Commissioner"],
      ["JE", "Jersey Office of the Information Commissioner (JOIC)"],
      ["GG", "Office of the Data Protection Authority (ODPA), Guernsey"],
    ]);
    for (const obligation of assessment.obligations) {
      expect(obligation.regulator.decision).toBe("required");
      expect(obligation.subjects.decision).toBe("required");
      expect(obligation.regulator.deadline).toBe("2025-06-28T08:00:00Z");
    }
  });

  it("rates the risk high from the facts, saying why", () => {
    expect(assessment.risk).toMatchObject({ likelihood: 3, impact: 3, score: 9, level: "high" });
    expect(assessment.risk.proposed).toEqual({ likelihood: true, impact: true });
    expect(assessment.risk.reasons.map((reason) => reason.rule)).toEqual([
      "risk.likelihood.cause.cyber_attack",
      "risk.impact.harmful-data",
      "risk.score",
    ]);
  });

  it("only Guernsey's deadline is a hard limit (RULEBOOK §6.1 [V G1, G2])", () => {
    const strict = assessment.obligations.filter((obligation) => obligation.regulator.strict);
    expect(strict.map((obligation) => obligation.jurisdiction)).toEqual(["GG"]);
  });

  it("uses each jurisdiction's pack and records its version", () => {
    expect(assessment.obligations.map((obligation) => obligation.pack?.id)).toEqual([
      "uk-gdpr",
      "isle-of-man",
      "jersey-2018",
      "guernsey",
    ]);
    expect(assessment.obligations.every((obligation) => obligation.pack?.version === "2026.1")).toBe(true);
  });

  it("shows the deadline in each regime's own time zone", () => {
    expect(obligationFor(assessment.obligations, "GB").regulator.deadlineLocal).toBe(
      "2025-06-28T09:00:00+01:00[Europe/London]",
    );
    expect(obligationFor(assessment.obligations, "GG").regulator.deadlineLocal).toBe(
      "2025-06-28T09:00:00+01:00[Europe/Guernsey]",
    );
  });
});

interface Case {
  name: string;
  source: string;
  facts: Parameters<typeof incident>[0];
  at?: string;
  expect: Record<string, { regulator?: string; subjects?: string; deadline?: string | null; late?: boolean }>;
  rule?: string;
}

const cases: Case[] = [
  {
    name: "a misdirected e-mail with one person's contact details is a judgement for the ICO report, and no letter is owed",
    source: "UK GDPR Art 33(1), 34; policy template bands (3–4: assess and decide); RULEBOOK §3.1–3.2",
    facts: { cause: "misdirected", dataCategories: ["name", "contact"], subjects: { GB: 1 } },
    expect: { GB: { regulator: "judgement", subjects: "not_required", deadline: "2025-06-28T08:00:00Z" } },
  },
  {
    name: "a lost encrypted laptop with a safe key needs no report and no letters",
    source: "Art 34(3)(a); policy template impact 1 'encrypted/pseudonymised'; RULEBOOK §3.2 [V U7]",
    facts: {
      cause: "lost_or_stolen_device",
      dataCategories: ["name", "health"],
      subjects: { GB: 5000 },
      protection: { encrypted: true },
    },
    expect: { GB: { regulator: "not_required", subjects: "not_required", deadline: null } },
    rule: "uk-gdpr.report.risk-unlikely",
  },
  {
    name: "an encrypted laptop whose key went with it is treated as unencrypted",
    source: "Art 34(3)(a) requires the data to be unintelligible; RULEBOOK §2.2 [V E2]",
    facts: {
      cause: "lost_or_stolen_device",
      dataCategories: ["name", "health"],
      subjects: { GB: 5000 },
      protection: { encrypted: true, keyCompromised: true },
    },
    expect: { GB: { regulator: "required", subjects: "required" } },
  },
  {
    name: "subsequent measures remove the duty to tell people but not the report",
    source: "UK GDPR Art 34(3)(b); RULEBOOK §3.2 [V U7]",
    facts: {
      cause: "cyber_attack",
      dataCategories: ["name", "credentials"],
      subjects: { GB: 300 },
      mitigation: { highRiskNoLongerLikely: true },
    },
    expect: { GB: { regulator: "required", subjects: "not_required" } },
  },
  {
    name: "disproportionate effort turns letters into a public communication",
    source: "UK GDPR Art 34(3)(c); policy template 'data subjects concerned are numerous' → public message",
    facts: {
      cause: "cyber_attack",
      dataCategories: ["name", "financial"],
      subjects: { GB: 90_000 },
      mitigation: { disproportionateEffort: true },
    },
    expect: { GB: { regulator: "required", subjects: "public_communication" } },
  },
  {
    name: "a processor tells its controller and leaves the report to the controller",
    source: "UK GDPR Art 33(2); Guernsey s.42(1) 'as soon as it becomes aware'; RULEBOOK §3.3, §6.3",
    facts: {
      controller: { establishments: ["GB"], role: "processor" },
      cause: "cyber_attack",
      dataCategories: ["name", "health"],
      subjects: { GB: 10, GG: 10 },
    },
    expect: {
      GB: { regulator: "not_required", subjects: "not_required", deadline: null },
      GG: { regulator: "not_required", subjects: "not_required", deadline: null },
    },
  },
  {
    name: "Guernsey requires a report where the UK leaves it to judgement ('unless unlikely to result in any risk')",
    source: "Guernsey Law 2017 s.42; RULEBOOK §6.1 [V G1; U interpretation of 'any risk']",
    facts: {
      nature: ["availability"],
      cause: "other",
      dataCategories: ["name", "health"],
      subjects: { GB: 20, GG: 20 },
    },
    expect: { GB: { regulator: "judgement" }, GG: { regulator: "required" } },
  },
  {
    name: "a report assessed after 72 hours owes the reasons for the delay",
    source: "UK GDPR Art 33(1) 'accompanied by reasons for the delay'; RULEBOOK §1 [V U3, U4]",
    at: "2025-06-28T08:00:01Z",
    facts: { cause: "cyber_attack", dataCategories: ["name", "financial"], subjects: { GB: 20 } },
    expect: { GB: { regulator: "required", late: true, deadline: "2025-06-28T08:00:00Z" } },
  },
  {
    name: "exactly at the deadline the report is not yet late",
    source: "UK GDPR Art 33(1): within 72 hours",
    at: "2025-06-28T08:00:00Z",
    facts: { cause: "cyber_attack", dataCategories: ["name", "financial"], subjects: { GB: 20 } },
    expect: { GB: { regulator: "required", late: false } },
  },
  {
    name: "people in an EU member state owe a notice to that state's authority under the GDPR",
    source: "GDPR Art 33(1); RULEBOOK §2.1 [V E1]",
    facts: {
      cause: "cyber_attack",
      dataCategories: ["name", "financial"],
      subjects: { GB: 100, FR: 3, IE: 9 },
    },
    expect: {
      GB: { regulator: "required" },
      IE: { regulator: "required", deadline: "2025-06-28T08:00:00Z" },
      FR: { regulator: "required" },
    },
  },
  {
    name: "Jersey before 25 May 2018 falls under GD20: recommended, no deadline",
    source: "GD20 'Introduction' (no legal obligation); RULEBOOK §5.8 [V J11]",
    facts: {
      awareAt: "2018-05-24T22:59:59Z",
      controller: { establishments: ["JE"] },
      cause: "lost_or_stolen_device",
      dataCategories: ["name", "financial"],
      subjects: { JE: 50 },
    },
    expect: { JE: { regulator: "recommended", deadline: null } },
  },
  {
    name: "Jersey from 25 May 2018 falls under the 2018 Law",
    source: "DPJL 2018; RULEBOOK §5.1",
    facts: {
      awareAt: "2018-05-24T23:00:00Z",
      controller: { establishments: ["JE"] },
      cause: "lost_or_stolen_device",
      dataCategories: ["name", "financial"],
      subjects: { JE: 50 },
    },
    expect: { JE: { regulator: "required", deadline: "2018-05-27T23:00:00Z" } },
  },
];

describe("assessBreach, case by case", () => {
  it.each(cases)("$name ($source)", (testCase) => {
    const assessment = assessBreach(incident(testCase.facts), { at: testCase.at ?? at });
    for (const [jurisdiction, expected] of Object.entries(testCase.expect)) {
      const obligation = obligationFor(assessment.obligations, jurisdiction);
      if (expected.regulator !== undefined) expect(obligation.regulator.decision).toBe(expected.regulator);
      if (expected.subjects !== undefined) expect(obligation.subjects.decision).toBe(expected.subjects);
      if (expected.deadline !== undefined) expect(obligation.regulator.deadline).toBe(expected.deadline);
      if (expected.late !== undefined) expect(obligation.regulator.delayReasonOwed).toBe(expected.late);
    }
    if (testCase.rule !== undefined)
      expect(assessment.obligations.flatMap((o) => o.regulator.reasons.map((r) => r.rule))).toContain(
        testCase.rule,
      );
  });
});

describe("assessBreach, details", () => {
  it("a late notice must add the reasons for the delay to its contents", () => {
    const assessment = assessBreach(
      incident({ cause: "cyber_attack", dataCategories: ["financial"], subjects: { GB: 20 } }),
      { at: "2025-07-01T00:00:00Z" },
    );
    const gb = obligationFor(assessment.obligations, "GB");
    expect(gb.regulator.contents.map((item) => item.id)).toContain("delay_reason");
    expect(gb.regulator.reasons.map((reason) => reason.rule)).toContain("uk-gdpr.report.late");
  });

  it("a processor's obligation names its duty to the controller and its timing (Guernsey: as soon as aware)", () => {
    const assessment = assessBreach(
      incident({ controller: { establishments: ["GG"], role: "processor" }, subjects: { GG: 3 } }),
      { at },
    );
    const gg = obligationFor(assessment.obligations, "GG");
    expect(gg.processor).toMatchObject({
      decision: "required",
      notify: "controller",
      timing: "As soon as the processor becomes aware",
    });
    expect(gg.processor?.reasons[0]?.citation).toContain("s.42(1)");
  });

  it("a country with no rule pack yields a judgement, never a silent gap", () => {
    const assessment = assessBreach(incident({ subjects: { GB: 5, US: 40 } }), { at });
    const us = obligationFor(assessment.obligations, "US");
    expect(us.pack).toBeNull();
    expect(us.regulator.decision).toBe("judgement");
    expect(us.subjects.decision).toBe("judgement");
    expect(us.regulator.reasons[0]?.text).toContain("no rule pack for US");
  });

  it("the Isle of Man before its 2018 law commenced yields a judgement naming the date", () => {
    const assessment = assessBreach(
      incident({ awareAt: "2018-06-01T09:00:00+01:00", subjects: { IM: 40 } }),
      { at },
    );
    const im = obligationFor(assessment.obligations, "IM");
    expect(im.regulator.decision).toBe("judgement");
    expect(im.regulator.reasons[0]?.text).toContain("no rule pack for IM in force on 2018-06-01");
  });

  it("Jersey counts criminal data as special category data, the UK does not", () => {
    const assessment = assessBreach(
      incident({ dataCategories: ["name", "criminal_offence"], subjects: { GB: 5, JE: 5 } }),
      { at },
    );
    const rules = (jurisdiction: string) =>
      obligationFor(assessment.obligations, jurisdiction).regulator.reasons.map((reason) => reason.rule);
    expect(rules("JE")).toContain("jersey-2018.special-categories");
    expect(rules("GB")).toContain("uk-gdpr.special-categories");
    const je = obligationFor(assessment.obligations, "JE").regulator.reasons.find(
      (reason) => reason.rule === "jersey-2018.special-categories",
    );
    expect(je?.text).toContain("includes criminal records");
  });

  it("a judgement lists what to weigh", () => {
    const assessment = assessBreach(
      incident({
        nature: ["availability"],
        cause: "other",
        dataCategories: ["health"],
        subjects: { GB: 20 },
      }),
      { at },
    );
    const gb = obligationFor(assessment.obligations, "GB");
    expect(gb.regulator.decision).toBe("judgement");
    expect(gb.regulator.considerations.length).toBeGreaterThan(1);
    expect(gb.regulator.deadline).toBe("2025-06-28T08:00:00Z");
  });

  it("rules resting on unverified facts say so in their citation", () => {
    const assessment = assessBreach(
      incident({
        controller: { establishments: ["JE"], role: "processor" },
        cause: "cyber_attack",
        dataCategories: ["financial"],
        subjects: { JE: 5 },
      }),
      { at },
    );
    const je = obligationFor(assessment.obligations, "JE");
    expect(je.processor?.reasons[0]?.rule).toBe("jersey-2018.processor.notify-controller-unverified");
    expect(je.processor?.reasons[0]?.citation).toContain("[U");
  });

  it("is pure: the same input and moment give the same output", () => {
    expect(assessBreach(prospect, { at })).toEqual(assessBreach(prospect, { at }));
  });

  it("accepts the moment as a Date, a string or epoch milliseconds, and refuses nonsense", () => {
    const asString = assessBreach(prospect, { at });
    expect(assessBreach(prospect, { at: new Date(at) })).toEqual(asString);
    expect(assessBreach(prospect, { at: Date.parse(at) })).toEqual(asString);
    expect(() => assessBreach(prospect, { at: "yesterday" })).toThrow(RangeError);
  });

  it("every pack of a law with a breach-log duty says so, whatever the decision", () => {
    const assessment = assessBreach(
      incident({ protection: { encrypted: true }, subjects: { GB: 1, IM: 1, JE: 1, GG: 1, FR: 1 } }),
      { at },
    );
    for (const obligation of assessment.obligations) {
      expect(obligation.regulator.decision).toBe("not_required");
      expect(obligation.regulator.reasons.some((reason) => /\.log/.test(reason.rule))).toBe(true);
    }
    const je = obligationFor(assessment.obligations, "JE").regulator.reasons.find((reason) =>
      reason.rule.includes("log"),
    );
    expect(je?.text).toContain("all breaches");
  });

  it("tells an EU-established controller about the one-stop shop, and others about territorial scope, both as [U]", () => {
    const fromFrance = assessBreach(
      incident({
        controller: { establishments: ["FR"] },
        cause: "cyber_attack",
        dataCategories: ["health"],
        subjects: { FR: 50, DE: 30 },
      }),
      { at },
    );
    for (const obligation of fromFrance.obligations) {
      const note = obligation.regulator.reasons.find(
        (reason) => reason.rule === "eu-gdpr.one-stop-shop-unverified",
      );
      expect(note?.citation).toContain("[U");
    }
    const fromBritain = assessBreach(
      incident({ cause: "cyber_attack", dataCategories: ["health"], subjects: { GB: 50, FR: 20 } }),
      { at },
    );
    expect(
      obligationFor(fromBritain.obligations, "FR").regulator.reasons.map((reason) => reason.rule),
    ).toContain("eu-gdpr.territorial-scope-unverified");
  });

  it("applies the GDPR from local midnight on 25 May 2018 in every member state", () => {
    const assessment = assessBreach(
      incident({
        controller: { establishments: ["GR"] },
        awareAt: "2018-05-25T00:30:00+03:00",
        subjects: { GR: 5 },
      }),
      { at },
    );
    expect(assessment.obligations[0]?.pack?.id).toBe("eu-gdpr");
  });

  it("pseudonymisation lowers the impact only when nothing left can single people out", () => {
    const risk = (dataCategories: DataCategory[], keyCompromised = false) =>
      assessBreach(
        incident({
          cause: "cyber_attack",
          dataCategories,
          subjects: { GB: 100 },
          protection: { pseudonymised: true, keyCompromised },
        }),
        { at },
      ).risk.impact;
    expect(risk(["health"])).toBe(2);
    expect(risk(["health", "date_of_birth"])).toBe(3);
    expect(risk(["health"], true)).toBe(3);
    expect(risk(["employment"])).toBe(1);
  });

  it("lists what a notice to the people affected must hold", () => {
    const assessment = assessBreach(prospect, { at });
    expect(obligationFor(assessment.obligations, "GB").subjects.contents.map((item) => item.id)).toEqual([
      "nature",
      "contact_point",
      "likely_consequences",
      "measures",
    ]);
  });

  it("writes data categories as English in its reasons", () => {
    const text = assessBreach(prospect, { at })
      .risk.reasons.map((reason) => reason.text)
      .join(" ");
    expect(text).toContain("financial data");
    expect(text).toContain("health data");
    expect(text).not.toContain("_");
  });

  it("says an unverified regulator power is unverified", () => {
    const assessment = assessBreach(incident({ subjects: { GB: 1, IM: 1 } }), { at });
    const gb = obligationFor(assessment.obligations, "GB")
      .subjects.reasons.map((reason) => reason.citation)
      .join(" ");
    expect(gb).toContain("[U");
    const im = obligationFor(assessment.obligations, "IM").subjects.reasons.map((reason) => reason.rule);
    expect(im).toContain("isle-of-man.subjects.commissioner-may-require");
  });
});
