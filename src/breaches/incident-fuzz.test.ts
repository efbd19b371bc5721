// Property-based fuzz of the incident endpoint: whatever JSON arrives, the answer is 201 for a valid incident
// and a 400 naming fields otherwise — never a 500, and never a stored breach for bad input.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseIncident } from "../law/index.js";
import {
  createOrganisation,
  startTestApp,
  unionIncident,
  type TestApp,
} from "../../test/support/test-app.js";

let t: TestApp;
let org: Awaited<ReturnType<typeof createOrganisation>>;

beforeAll(async () => {
  t = await startTestApp();
  org = await createOrganisation(t.app, "Fuzzed");
});
afterAll(async () => t.close());

/** Valid incidents with one field replaced by arbitrary JSON, and wholly arbitrary JSON. */
const mutated = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(
        "title",
        "controller",
        "awareAt",
        "occurredAt",
        "nature",
        "cause",
        "dataCategories",
        "subjects",
        "records",
        "protection",
        "likelihood",
        "impact",
        "mitigation",
        "extra",
      ),
      fc.jsonValue(),
    )
    .map(([field, value]) => ({ ...unionIncident(), [field]: value })),
  fc.jsonValue(),
  fc
    .record({ subjects: fc.dictionary(fc.string({ maxLength: 3 }), fc.jsonValue()) })
    .map((patch) => ({ ...unionIncident(), ...patch })),
);

describe("POST /api/v1/breaches under fuzzing", () => {
  it("never answers 500, and stores exactly the valid incidents", async () => {
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(mutated, async (body) => {
        const response = await org.api.post("/api/v1/breaches", body);
        const valid = parseIncident(body).ok;
        expect(response.status, response.body).toBe(valid ? 201 : 400);
        if (valid) stored += 1;
        else {
          expect(response.headers["content-type"]).toContain("application/problem+json");
          expect(response.json.errors.length).toBeGreaterThan(0);
          for (const error of response.json.errors as { field: string; message: string }[]) {
            expect(error.field.length).toBeGreaterThan(0);
            expect(error.message.length).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 150 },
    );
    const listed = await org.api.get("/api/v1/breaches?limit=200");
    expect(listed.json.items).toHaveLength(stored);
  });
});
