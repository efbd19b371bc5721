/** The tests rules apply, named so that a rule pack reads like the law it encodes. */
import type { Facts } from "./rule-pack.js";

export const isProcessor = (facts: Facts): boolean => facts.incident.controller.role === "processor";

/** Risk score 1–2: the breach is unlikely to result in a risk to the people concerned. */
export const riskIsUnlikely = (facts: Facts): boolean => facts.risk.score <= 2;

/**
 * Risk score 3–4, the policy template's medium band: "assess and decide whether the IOM ICO and data
 * subject(s) need to be notified". Whether the breach is "unlikely to result in a risk" is a matter for a person.
 */
export const riskIsMedium = (facts: Facts): boolean => facts.risk.level === "medium";

export const riskIsHigh = (facts: Facts): boolean => facts.risk.level === "high";

export const always = (): boolean => true;

export function describeRisk(facts: Facts): string {
  const { likelihood, impact, score, level } = facts.risk;
  return `likelihood ${likelihood} × impact ${impact} = ${score} (${level})`;
}
