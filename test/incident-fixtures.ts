/** Incidents for tests: a plain base case and a way to vary it, validated like real input. */
import { parseIncident, type Incident, type IncidentInput } from "../src/law/index.js";

export const baseIncident: IncidentInput = {
  title: "Test breach",
  controller: { name: "Test Ltd", establishments: ["GB"], role: "controller" },
  awareAt: "2025-06-25T09:00:00+01:00",
  nature: ["confidentiality"],
  cause: "misdirected",
  dataCategories: ["name", "contact"],
  subjects: { GB: 1 },
};

type Overrides = Omit<Partial<IncidentInput>, "controller"> & {
  controller?: Partial<IncidentInput["controller"]>;
};

/** The base incident with some facts changed; throws if the result is not valid input. */
export function incident(overrides: Overrides = {}): Incident {
  const input = {
    ...baseIncident,
    ...overrides,
    controller: { ...baseIncident.controller, ...overrides.controller },
  };
  const parsed = parseIncident(input);
  if (!parsed.ok) throw new Error(`test incident is invalid: ${JSON.stringify(parsed.problems)}`);
  return parsed.value;
}
