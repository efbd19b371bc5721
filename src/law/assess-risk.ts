/**
 * The risk of a breach to the people concerned: the policy template's matrix, likelihood (1–3) × impact (1–3),
 * banded 1–2 low, 3–4 medium, 6–9 high. Where the assessor gives no likelihood or impact, the engine proposes
 * one from the facts and says why; the assessor's values win when given.
 */
import type { Reason, Risk, RiskLevel } from "./assessment.js";
import { article9Categories, type Cause, type DataCategory, type Incident } from "./incident.js";
import { describeCategories, describeList, seed } from "./sources.js";

/**
 * Data whose exposure is likely to cause significant harm: the special categories (GDPR Art 9(1), RULEBOOK
 * §2.5), criminal-offence data, and the identifiers and financial data that expose people to fraud and
 * identity theft (GD20 'The potential harm to data subjects'; the policy template's list of damage).
 */
export const highHarmCategories: ReadonlySet<DataCategory> = new Set<DataCategory>([
  ...article9Categories,
  "criminal_offence",
  "financial",
  "government_id",
  "credentials",
  "children",
]);

/** The special categories of GDPR Art 9(1) (RULEBOOK §2.5 [V U17]). */
const article9: ReadonlySet<DataCategory> = new Set<DataCategory>(article9Categories);

/** Facts that can single a person out once combined with other data, despite pseudonymisation. */
const quasiIdentifiers: ReadonlySet<DataCategory> = new Set<DataCategory>([
  "date_of_birth",
  "location",
  "online_identifiers",
  "government_id",
]);

/** Where the harm of each kind of high-harm data is written down. */
function harmCitation(harmful: readonly DataCategory[]): string {
  const sources: string[] = [seed.riskMatrix];
  if (harmful.some((category) => article9.has(category)))
    sources.push("RULEBOOK §2.5 (special categories) [V U17]");
  if (harmful.includes("criminal_offence"))
    sources.push("RULEBOOK §3.5, §5.5 (criminal offence data) [V U17, J2]");
  if (harmful.some((category) => ["financial", "government_id", "credentials"].includes(category)))
    sources.push(`${seed.gd20Harm} (identity theft, financial circumstances)`);
  if (harmful.includes("children"))
    sources.push("[U: rating children's data as high harm is dpdesk's policy; not in the RULEBOOK]");
  return sources.join("; ");
}

/** Categories that name or single out a person directly. */
const directIdentifiers: ReadonlySet<DataCategory> = new Set<DataCategory>(["name", "contact", "address"]);

/** How likely a cause is to reach people who would misuse the data (policy template, likelihood column). */
const likelihoodByCause: Readonly<Record<Cause, { value: 2 | 3; why: string }>> = {
  cyber_attack: {
    value: 3,
    why: "a cyber attack puts the data in the hands of someone who set out to take it",
  },
  unauthorised_access: { value: 3, why: "someone without authority deliberately accessed the data" },
  lost_or_stolen_device: {
    value: 2,
    why: "a lost or stolen device may or may not be opened by whoever holds it",
  },
  misdirected: { value: 2, why: "a misdirected message reaches a recipient who may not misuse it" },
  accidental_disclosure: { value: 2, why: "an accidental disclosure may or may not be seen and misused" },
  other: { value: 2, why: "nothing in the cause makes harm either likely or unlikely" },
};

/** People affected from which the engine treats harm to some of them as likely. */
export const largeScaleSubjects = 1000;

export function totalSubjects(incident: Incident): number {
  let total = 0;
  for (const count of Object.values(incident.subjects)) total += count;
  return total;
}

/** Encrypted with a key that was not compromised: the data is unintelligible to whoever has it. */
export function isUnintelligible(incident: Incident): boolean {
  return incident.protection.encrypted && !incident.protection.keyCompromised;
}

export function riskLevel(score: number): RiskLevel {
  if (score <= 2) return "low";
  if (score <= 4) return "medium";
  return "high";
}

function reason(rule: string, text: string, citation: string = seed.riskMatrix): Reason {
  return { rule, citation, text };
}

function proposeLikelihood(incident: Incident): { value: number; reasons: Reason[] } {
  if (isUnintelligible(incident))
    return {
      value: 1,
      reasons: [
        reason(
          "risk.likelihood.unintelligible",
          "Likelihood 1 (unlikely): the data was encrypted and the key was not compromised, so whoever has it cannot read it.",
        ),
      ],
    };
  const reasons: Reason[] = [];
  const base = likelihoodByCause[incident.cause];
  let value: number = base.value;
  const label = value === 3 ? "likely" : "could occur";
  reasons.push(
    reason(`risk.likelihood.cause.${incident.cause}`, `Likelihood ${value} (${label}): ${base.why}.`),
  );
  if (incident.protection.encrypted && incident.protection.keyCompromised)
    reasons.push(
      reason(
        "risk.likelihood.key-compromised",
        "The data was encrypted but the key was compromised too, so the encryption gives no protection.",
      ),
    );
  if (incident.nature.length > 0 && !incident.nature.includes("confidentiality") && value > 1) {
    value -= 1;
    reasons.push(
      reason(
        "risk.likelihood.not-disclosed",
        `Likelihood lowered to ${value}: the breach affected only the ${describeList(incident.nature)} of the data, not its confidentiality, so nobody is known to have seen it.`,
      ),
    );
  }
  const people = totalSubjects(incident);
  if (people >= largeScaleSubjects && value < 3) {
    value += 1;
    reasons.push(
      reason(
        "risk.likelihood.large-scale",
        `Likelihood raised to ${value}: with ${people.toLocaleString("en-GB")} people affected, harm to some of them becomes likely.`,
      ),
    );
  }
  return { value, reasons };
}

function proposeImpact(incident: Incident): { value: number; reasons: Reason[] } {
  const categories = incident.dataCategories;
  if (isUnintelligible(incident))
    return {
      value: 1,
      reasons: [
        reason(
          "risk.impact.unintelligible",
          "Impact 1 (little or none): the personal data was encrypted, which the policy template rates as little or no impact.",
        ),
      ],
    };
  const harmful = categories.filter((category) => highHarmCategories.has(category));
  if (incident.protection.publiclyAvailable)
    return {
      value: 1,
      reasons: [
        reason(
          "risk.impact.public",
          "Impact 1 (little or none): the information was already publicly available, so its release adds little harm.",
          `${seed.riskMatrix}; ${seed.gd20Harm}`,
        ),
      ],
    };
  const reasons: Reason[] = [];
  let value = harmful.length > 0 ? 3 : 2;
  if (harmful.length > 0)
    reasons.push(
      reason(
        "risk.impact.harmful-data",
        `Impact 3 (significant): the data includes ${describeCategories(harmful)}, whose exposure can lead to discrimination, fraud or distress.`,
        harmCitation(harmful),
      ),
    );
  else if (categories.length === 0)
    reasons.push(
      reason(
        "risk.impact.categories-unknown",
        "Impact 2 (medium): no data categories were given, so the engine assumes ordinary identifiable personal data; list the categories to refine this.",
      ),
    );
  else
    reasons.push(
      reason(
        "risk.impact.identifiable-data",
        `Impact 2 (medium): the data (${describeCategories(categories)}) identifies people but is not of a kind whose exposure usually causes serious harm.`,
      ),
    );
  if (incident.protection.pseudonymised) {
    const identifying = categories.filter(
      (category) => directIdentifiers.has(category) || quasiIdentifiers.has(category),
    );
    if (incident.protection.keyCompromised)
      reasons.push(
        reason(
          "risk.impact.pseudonymisation-reversed",
          "Pseudonymisation does not lower the impact: the key or the additional information needed to re-identify people was compromised too.",
        ),
      );
    else if (identifying.length > 0)
      reasons.push(
        reason(
          "risk.impact.pseudonymised-but-identifiable",
          `Pseudonymisation does not lower the impact here: the data still holds ${describeCategories(identifying)}, which can single people out.`,
        ),
      );
    else {
      value -= 1;
      reasons.push(
        reason(
          "risk.impact.pseudonymised",
          `Impact lowered to ${value}: the data was pseudonymised and holds nothing that singles people out, though pseudonymised data is still personal data and not unintelligible (Art 34(3)(a)).`,
          `${seed.riskMatrix} (impact 1: 'encrypted/pseudonymised'); ${seed.templateSubjects} ('would be unintelligible'); RULEBOOK §2.2 [V E2]`,
        ),
      );
    }
  }
  return { value, reasons };
}
/** Rates the risk of a breach to the people concerned, proposing what the assessor has not given. */
export function assessRisk(incident: Incident): Risk {
  const likelihood =
    incident.likelihood !== undefined
      ? {
          value: incident.likelihood,
          reasons: [
            reason("risk.likelihood.assessor", `Likelihood ${incident.likelihood}: set by the assessor.`),
          ],
        }
      : proposeLikelihood(incident);
  const impact =
    incident.impact !== undefined
      ? {
          value: incident.impact,
          reasons: [reason("risk.impact.assessor", `Impact ${incident.impact}: set by the assessor.`)],
        }
      : proposeImpact(incident);
  const score = likelihood.value * impact.value;
  const level = riskLevel(score);
  const band = { low: "1–2 (low)", medium: "3–4 (medium)", high: "6–9 (high)" }[level];
  return {
    likelihood: likelihood.value,
    impact: impact.value,
    score,
    level,
    proposed: { likelihood: incident.likelihood === undefined, impact: incident.impact === undefined },
    reasons: [
      ...likelihood.reasons,
      ...impact.reasons,
      reason(
        "risk.score",
        `Risk ${likelihood.value} × ${impact.value} = ${score}, in the ${band} band.`,
        seed.riskBands,
      ),
    ],
  };
}
