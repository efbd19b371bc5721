/**
 * Where the rules come from. Citations name a RULEBOOK section and its source ids (../shared/RULEBOOK.md,
 * with [V] verified and [U] unverified facts) or a section of a seed document (../shared/seeds/).
 * A rule resting on an unverified fact says "[U]" in its citation.
 */
export const seed = {
  /** The Isle of Man organisation's data protection policy template: breach risk matrix and bands. */
  riskMatrix:
    "Policy template (seeds/isle-of-man-data-protection-policy-template.txt), personal data breach risk rating: likelihood × impact",
  riskBands:
    "Policy template, risk assessment criteria: 1–2 low, 3–4 medium (assess and decide), 6–9 high (notify)",
  templateNotice: "Policy template, personal data breach: what the notification to the IOM ICO must include",
  templateSubjects: "Policy template, personal data breach: conditions for not informing data subjects",
  gd20Harm:
    "GD20 (seeds/jersey-gd20-breach-notification-guidance.txt), 'The potential harm to data subjects'",
  gd20Volume:
    "GD20, 'The volume of personal data lost/released/corrupted' (rule of thumb: 1000 or more individuals)",
  gd20Sensitivity: "GD20, 'The sensitivity of the data' (as few as 10 records if particularly sensitive)",
  gd20Reporting:
    "GD20, 'Reporting' (by email to dataprotection@gov.je or by post; what the notification should include)",
  gd20Public: "GD20, 'Will a reported breach be made public?'",
} as const;

export function describeCategories(categories: readonly string[]): string {
  const words = categories.map((category) => category.replaceAll("_", " "));
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1) ?? ""}`;
}
