import { describe, expect, it } from "vitest";
import { incidentJsonSchema, jurisdictionsConcerned, parseIncident } from "./incident.js";
import { baseIncident, incident } from "../../test/incident-fixtures.js";

function problemsOf(input: unknown): string[] {
  const result = parseIncident(input);
  return result.ok ? [] : result.problems.map((problem) => `${problem.field}: ${problem.message}`);
}

describe("parseIncident", () => {
  it("accepts the minimal incident and applies defaults", () => {
    const result = parseIncident({
      title: "x",
      controller: { name: "Org", establishments: ["GB"] },
      awareAt: "2025-06-25T09:00:00Z",
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.controller.role).toBe("controller");
    expect(result.value.cause).toBe("other");
    expect(result.value.subjects).toEqual({});
    expect(result.value.protection).toEqual({
      encrypted: false,
      keyCompromised: false,
      pseudonymised: false,
      publiclyAvailable: false,
    });
  });

  it("names a missing awareAt as required", () => {
    const withoutAwareAt: Record<string, unknown> = { ...baseIncident };
    delete withoutAwareAt.awareAt;
    expect(problemsOf(withoutAwareAt)).toEqual(["awareAt: required"]);
  });

  it("rejects a date-time without a time zone offset", () => {
    expect(problemsOf({ ...baseIncident, awareAt: "2025-06-25T09:00:00" })).toEqual([
      "awareAt: must be an ISO 8601 date-time with a time zone offset, e.g. 2025-06-25T09:30:00+01:00",
    ]);
  });

  it("rejects UK as a country and suggests GB", () => {
    expect(problemsOf({ ...baseIncident, subjects: { UK: 5 } })).toEqual([
      'subjects.UK: "UK" is not an ISO 3166-1 alpha-2 code (did you mean "GB"?)',
    ]);
  });

  it("rejects an invalid establishment code by its position", () => {
    expect(
      problemsOf({ ...baseIncident, controller: { name: "Org", establishments: ["GB", "XX"] } }),
    ).toEqual(['controller.establishments.1: "XX" is not an ISO 3166-1 alpha-2 country code']);
  });

  it("accepts Guernsey, Jersey and the Isle of Man by their own codes", () => {
    expect(problemsOf({ ...baseIncident, subjects: { GG: 1, JE: 2, IM: 3 } })).toEqual([]);
  });

  it("rejects unknown fields, naming them", () => {
    expect(problemsOf({ ...baseIncident, severity: "high" })).toEqual([
      "(incident): unknown field: severity",
    ]);
    expect(problemsOf({ ...baseIncident, protection: { encrypted: true, salted: true } })).toEqual([
      "protection: unknown field: salted",
    ]);
  });

  it("rejects awareness before the breach occurred, with the type errors in the same pass", () => {
    expect(
      problemsOf({
        ...baseIncident,
        occurredAt: "2025-06-26T00:00:00Z",
        likelihood: 4,
      }),
    ).toEqual(["likelihood: must be at most 3", "awareAt: must not be before occurredAt"]);
  });

  it("rejects a compromised key for data that was neither encrypted nor pseudonymised", () => {
    expect(problemsOf({ ...baseIncident, protection: { keyCompromised: true } })).toEqual([
      "protection.keyCompromised: can only be true when encrypted or pseudonymised is true",
    ]);
    expect(
      problemsOf({ ...baseIncident, protection: { pseudonymised: true, keyCompromised: true } }),
    ).toEqual([]);
  });

  it("rejects values outside the vocabularies and wrong types", () => {
    expect(
      problemsOf({
        ...baseIncident,
        cause: "hack",
        dataCategories: ["name", "shoe_size"],
        subjects: { GB: -1 },
        records: 1.5,
        title: 7,
      }),
    ).toEqual([
      "title: must be a string",
      "cause: must be one of: cyber_attack, lost_or_stolen_device, misdirected, unauthorised_access, accidental_disclosure, other",
      "dataCategories.1: must be one of: name, contact, address, date_of_birth, government_id, financial, credentials, location, online_identifiers, employment, children, criminal_offence, racial_or_ethnic_origin, political_opinions, religious_or_philosophical_beliefs, trade_union_membership, genetic, biometric, health, sex_life_or_sexual_orientation",
      "subjects.GB: must be 0 or more",
      "records: must be an integer",
    ]);
  });

  it("rejects something that is not an object", () => {
    expect(problemsOf([1, 2])).toEqual(["(incident): must be an object"]);
    expect(problemsOf(null)).toEqual(["(incident): must be an object"]);
  });
});

describe("jurisdictionsConcerned", () => {
  it("lists establishments first, then where people live by number, without repeats or empty countries", () => {
    const facts = incident({
      controller: { establishments: ["JE", "GB"] },
      subjects: { GB: 10, FR: 3, IM: 50, DE: 0, JE: 1 },
    });
    expect(jurisdictionsConcerned(facts)).toEqual(["JE", "GB", "IM", "FR"]);
  });
});

describe("incidentJsonSchema", () => {
  it("describes the input with awareAt required and unknown fields refused", () => {
    const schema = incidentJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, unknown>;
    };
    expect(schema.required).toEqual(expect.arrayContaining(["title", "controller", "awareAt"]));
    expect(schema.required).not.toContain("cause");
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining([
        "subjects",
        "dataCategories",
        "protection",
        "mitigation",
        "likelihood",
        "impact",
      ]),
    );
  });
});
