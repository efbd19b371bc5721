import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseIncident, type Incident } from "../law/index.js";
import {
  buildSubjectLetter,
  missingFromLetters,
  prepareLetters,
  renderLetterHtml,
  renderLetterText,
  type LetterContextInput,
} from "./subject-letter.js";

const incident = (
  parseIncident(JSON.parse(readFileSync("examples/prospect-union-2025.json", "utf8"))) as { value: Incident }
).value;

const input: LetterContextInput = {
  breachId: "0197a000-0000-7000-8000-000000000001",
  incident,
  regulators: {
    GB: { name: "Information Commissioner's Office (ICO)" },
    IM: { name: "Isle of Man Information Commissioner" },
  },
  leadJurisdiction: "GB",
  specialCategories: ["health", "sex_life_or_sexual_orientation"],
  timeZone: "Europe/London",
  preparedAt: "2025-06-27T10:00:00Z",
};
const context = prepareLetters(input);
const complaintOf = (jurisdiction: string) =>
  renderLetterText(buildSubjectLetter(context, { personId: "ab", jurisdiction, categories: ["name"] }))
    .split("\n")
    .find((line) => line.startsWith("You have the right to complain"));

describe("a letter to a person affected", () => {
  it("names the person's own regulator, or says theirs may be another when dpdesk cannot tell", () => {
    expect(complaintOf("IM")).toBe(
      "You have the right to complain about how we have handled your personal information to the Isle of Man Information Commissioner.",
    );
    expect(complaintOf("unknown")).toContain(
      "to the Information Commissioner's Office (ICO), or to the data protection regulator where you live.",
    );
    expect(complaintOf("US")).toContain("or to the data protection regulator where you live.");
  });

  it("tells people about their own data, with advice that fits it, and is sensitive about special data", () => {
    const text = renderLetterText(
      buildSubjectLetter(context, {
        personId: "ab",
        name: "Ann",
        jurisdiction: "GB",
        categories: ["name", "financial", "health"],
      }),
    );
    expect(text).toContain(
      "includes your name, your bank, card or other financial details, your trade union membership and information about your health.",
    );
    expect(text).toContain("Some of this information is especially sensitive");
    expect(text).toContain("Check your bank and card statements");
    const plain = renderLetterText(
      buildSubjectLetter(context, { personId: "ab", jurisdiction: "GB", categories: ["name"] }),
    );
    expect(plain).toContain("Dear Sir or Madam,");
    expect(plain).not.toContain("especially sensitive");
  });

  it("names what being on the list reveals about everyone on it, in the vocabulary's order", () => {
    const union = prepareLetters({
      ...input,
      incident: { ...incident, response: { ...incident.response, listReveals: ["trade_union_membership"] } },
    });
    const text = renderLetterText(
      buildSubjectLetter(union, {
        personId: "ab",
        name: "Ann",
        jurisdiction: "GB",
        categories: ["health", "name"],
      }),
    );
    expect(text).toContain(
      "includes your name, your trade union membership and information about your health.",
    );
  });

  it("escapes everything in its HTML", () => {
    const html = renderLetterHtml(
      buildSubjectLetter(context, {
        personId: "ab",
        name: "<script>x</script>",
        jurisdiction: "GB",
        categories: [],
      }),
    );
    expect(html).toContain("Dear &lt;script&gt;x&lt;/script&gt;,");
    expect(html).not.toContain("<script>");
  });

  it("names what GDPR Art 34(2) asks of a letter that the facts do not give", () => {
    expect(missingFromLetters(input)).toEqual([]);
    const bare = { ...input, incident: { ...incident, response: undefined } };
    expect(missingFromLetters(bare).map((m) => m.field)).toEqual([
      "response.contact",
      "response.consequences",
      "response.measuresTaken",
    ]);
  });
});
