/** The tests rules apply, named so that a rule pack reads like the law it encodes. */
import type { Facts } from "./rule-pack.js";

export const isProcessor = (facts: Facts): boolean => facts.incident.controller.role === "processor";

/** Risk score 1–2: the breach is unlikely to result in a risk to the people concerned. */
export const riskIsUnlikely = (facts: Facts): boolean => facts.risk.score <= 2;

/**
 * Risk score 3: one of likelihood or impact sits at its floor (1) while the other is at its top (3). Whether
 * the breach is "unlikely to result in a risk" is then a matter for a person (policy template: medium band,
 * "assess and decide").
 */
export const riskIsBorderline = (facts: Facts): boolean => facts.risk.score === 3;

export const riskIsHigh = (facts: Facts): boolean => facts.risk.level === "high";

export const always = (): boolean => true;

export function describeRisk(facts: Facts): string {
  const { likelihood, impact, score, level } = facts.risk;
  return `likelihood ${likelihood} × impact ${impact} = ${score} (${level})`;
}
