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

/** How each data category reads inside a sentence. */
const categoryPhrases: Readonly<Record<string, string>> = {
  name: "names",
  contact: "contact details",
  address: "addresses",
  date_of_birth: "dates of birth",
  government_id: "government identifiers",
  financial: "financial data",
  credentials: "login credentials",
  location: "location data",
  online_identifiers: "online identifiers",
  employment: "employment details",
  children: "children's data",
  criminal_offence: "criminal offence data",
  racial_or_ethnic_origin: "racial or ethnic origin",
  political_opinions: "political opinions",
  religious_or_philosophical_beliefs: "religious or philosophical beliefs",
  trade_union_membership: "trade union membership",
  genetic: "genetic data",
  biometric: "biometric data",
  health: "health data",
  sex_life_or_sexual_orientation: "data about sex life or sexual orientation",
};

/** A list of words as English: "a", "a and b", "a, b and c". */
export function describeList(words: readonly string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words.at(-1) ?? ""}`;
}

/** Data categories as English: "financial data, health data and addresses". */
export function describeCategories(categories: readonly string[]): string {
  return describeList(
    categories.map((category) => categoryPhrases[category] ?? category.replaceAll("_", " ")),
  );
}
