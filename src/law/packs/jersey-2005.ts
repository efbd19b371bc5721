/**
 * Jersey before 25 May 2018: the Data Protection (Jersey) Law 2005 set no duty to report breaches. The
 * Commissioner's guidance GD20 asked for *serious* breaches to be reported, judged by the potential harm to
 * people, which depends on the volume and the sensitivity of the data (seeds/jersey-gd20-…txt; RULEBOOK §5.8).
 * Reports are therefore `recommended`, never `required`, and no deadline applies.
 *
 * Sensitivity is about harm, not a bare category list: GD20 would not expect a report of 50 people's trade
 * union subscription records lost with "no special circumstances", although union membership is sensitive
 * personal data, while it would expect one for 50 people's financial records.
 */
import type { RulePack } from "../rule-pack.js";
import type { DataCategory } from "../incident.js";
import { isProcessor, riskIsHigh } from "../conditions.js";
import { describeCategories, seed } from "../sources.js";
import type { Facts } from "../rule-pack.js";

/** Data whose release GD20 treats as likely to cause substantial harm whatever the circumstances. */
const particularlySensitive: ReadonlySet<DataCategory> = new Set<DataCategory>([
  "financial", // GD20: 50 individuals' financial records → report
  "government_id", // GD20: non-public identifiers such as passport numbers expose people to identity theft
  "credentials",
  "health",
  "sex_life_or_sexual_orientation",
  "criminal_offence",
  "genetic",
  "biometric",
  "children",
]);

/**
 * Sensitive personal data (2005 Law Art 2) whose harm depends on the circumstances: GD20's trade union example
 * needs "special circumstances" to be reported. A deliberate attack on the data is such a circumstance.
 */
const sensitiveInCircumstances: ReadonlySet<DataCategory> = new Set<DataCategory>([
  "trade_union_membership",
  "racial_or_ethnic_origin",
  "religious_or_philosophical_beliefs",
  "political_opinions",
]);

/**
 * GD20's sensitivity test counts records ("as few as 10 records"): every person has at least one, so the
 * larger of the people and records counts is used.
 */
function volume(facts: Facts): number {
  return Math.max(facts.totalSubjects, facts.incident.records ?? 0);
}

/**
 * GD20's volume test counts individuals ("1000 or more individuals"), not records. Only where nobody has been
 * counted yet does the number of records stand in for them, as an estimate.
 */
function individuals(facts: Facts): number {
  return facts.totalSubjects > 0 ? facts.totalSubjects : (facts.incident.records ?? 0);
}

/** GD20's trade union example: union membership the only sensitive data, and nothing making harm likely. */
function unionRecordsWithoutSpecialCircumstances(facts: Facts): boolean {
  // A likelihood of 3 (harm is likely) is a special circumstance, e.g. an assessor who knows the thief was after the list.
  const circumstantial = circumstantialData(facts);
  return (
    facts.risk.likelihood < 3 &&
    !facts.incident.dataCategories.some((category) => particularlySensitive.has(category)) &&
    circumstantial.length > 0 &&
    circumstantial.every((category) => category === "trade_union_membership")
  );
}

function deliberate(facts: Facts): boolean {
  return facts.incident.cause === "cyber_attack" || facts.incident.cause === "unauthorised_access";
}

function harmfulData(facts: Facts): DataCategory[] {
  return facts.incident.dataCategories.filter(
    (category) =>
      particularlySensitive.has(category) || (deliberate(facts) && sensitiveInCircumstances.has(category)),
  );
}

function circumstantialData(facts: Facts): DataCategory[] {
  return facts.incident.dataCategories.filter((category) => sensitiveInCircumstances.has(category));
}

const count = (facts: Facts): string =>
  facts.totalSubjects >= (facts.incident.records ?? 0)
    ? `${facts.totalSubjects.toLocaleString("en-GB")} people`
    : `${volume(facts).toLocaleString("en-GB")} records`;

export const jersey2005: RulePack = {
  id: "jersey-2005",
  version: "2026.1",
  title: "Data Protection (Jersey) Law 2005 and guidance GD20",
  // Commencement of the 2005 Law (1 December 2005) is not in the RULEBOOK: [U].
  effectiveFrom: "2005-12-01T00:00:00Z",
  effectiveTo: "2018-05-25T00:00:00+01:00",
  effectiveCitation:
    "[U: commencement of the Data Protection (Jersey) Law 2005 on 1 December 2005 is not in the RULEBOOK]; it gave way to the 2018 Law on 25 May 2018 (RULEBOOK §5)",
  jurisdictions: { JE: { timeZone: "Europe/Jersey" } },
  regulators: {
    JE: {
      name: "Data Protection Commissioner (Jersey)",
      howToReport:
        "Notify serious breaches to the Data Protection Commissioner's Office by e-mail to dataprotection@gov.je, or by post to Morier House, Halkett Place, St Helier, Jersey JE1 1DD.",
      contact: {
        email: "dataprotection@gov.je",
        phone: "01534 441064",
        address:
          "Office of the Data Protection Commissioner, Morier House, Halkett Place, St Helier, Jersey JE1 1DD",
      },
      citation: `${seed.gd20Reporting}; GD20 'Contact the Commissioner'`,
    },
  },
  specialCategories: [
    "racial_or_ethnic_origin",
    "political_opinions",
    "religious_or_philosophical_beliefs",
    "trade_union_membership",
    "health",
    "sex_life_or_sexual_orientation",
    "criminal_offence",
  ],
  specialCategoriesRule: {
    id: "jersey-2005.sensitive-personal-data",
    citation: `${seed.gd20Sensitivity} (sensitive personal data as defined in Art 2 of the 2005 Law)`,
    text: "GD20 weighs sensitive personal data by the harm its release could cause, not by category alone.",
  },
  regulatorRules: [
    {
      id: "jersey-2005.processor",
      citation: "GD20 'Introduction' (addressed to data controllers)",
      when: isProcessor,
      decision: "not_required",
      because: () =>
        "GD20 asks data controllers to report; as a processor, the organisation should tell its controller, who decides whether to report.",
    },
    {
      id: "jersey-2005.no-report.encrypted",
      citation: seed.gd20Harm,
      when: (facts) => facts.unintelligible,
      decision: "not_required",
      because: () =>
        "The data was properly encrypted and the key is safe, so there is little risk of significant harm and GD20 sees no need to report.",
    },
    {
      id: "jersey-2005.no-report.public",
      citation: seed.gd20Harm,
      when: (facts) => facts.incident.protection.publiclyAvailable,
      decision: "not_required",
      because: () =>
        "The information was already publicly available, so there is little risk of significant harm and GD20 sees no need to report.",
    },
    {
      id: "jersey-2005.report.sensitive-10-records",
      citation: seed.gd20Sensitivity,
      when: (facts) => volume(facts) >= 10 && harmfulData(facts).length > 0,
      decision: "recommended",
      because: (facts) =>
        `The data of ${count(facts)} includes ${describeCategories(harmfulData(facts))}, whose release could cause substantial harm, and GD20 presumes a report for as few as 10 records of particularly sensitive data.`,
    },
    {
      id: "jersey-2005.report.1000-individuals",
      citation: seed.gd20Volume,
      when: (facts) => individuals(facts) >= 1000,
      decision: "recommended",
      because: (facts) =>
        `The breach concerns ${facts.totalSubjects > 0 ? `${facts.totalSubjects.toLocaleString("en-GB")} people` : `${individuals(facts).toLocaleString("en-GB")} records (nobody counted yet, so the records stand in for people)`}, and GD20's rule of thumb presumes a report for a collection about 1,000 or more individuals where there is a real risk of some harm.`,
    },
    {
      id: "jersey-2005.no-report.union-records-no-special-circumstances",
      citation: `${seed.gd20Sensitivity} (worked example: trade union subscription records of 50 individuals)`,
      when: unionRecordsWithoutSpecialCircumstances,
      decision: "not_required",
      because: () =>
        "Trade union membership is sensitive personal data, but GD20 would not expect a report of a small number of union subscription records lost with no special circumstances.",
    },
    {
      id: "jersey-2005.report.if-unsure",
      citation: `${seed.gd20Volume} ('If the data controller is unsure whether to report or not, then the presumption should be to report')`,
      when: (facts) =>
        volume(facts) >= 10 &&
        (circumstantialData(facts).length > 0 || facts.incident.dataCategories.length === 0),
      decision: "recommended",
      because: (facts) =>
        facts.incident.dataCategories.length === 0
          ? "No data categories are given, so the harm cannot be judged, and GD20 says that if unsure, the presumption is to report."
          : `The data includes ${describeCategories(circumstantialData(facts))}, sensitive personal data whose harm depends on the circumstances, and GD20 says that if unsure, the presumption is to report.`,
    },
    {
      id: "jersey-2005.report.particularly-high-risk",
      citation: `${seed.gd20Volume} ('it may be appropriate to report much lower volumes … where the risk is particularly high')`,
      when: riskIsHigh,
      decision: "recommended",
      because: (facts) =>
        `Although fewer than 1,000 people are concerned, the risk is high (${facts.risk.score} of 9) because of the circumstances of the breach, and GD20 says much lower volumes may then be reported.`,
    },
    {
      id: "jersey-2005.no-report.sensitive-below-10-records",
      citation: `${seed.gd20Sensitivity}; ${seed.gd20Volume} ('if unsure … report')`,
      when: (facts) =>
        facts.incident.dataCategories.some(
          (category) => particularlySensitive.has(category) || sensitiveInCircumstances.has(category),
        ),
      decision: "not_required",
      because: (facts) =>
        `The data includes ${describeCategories(facts.incident.dataCategories.filter((category) => particularlySensitive.has(category) || sensitiveInCircumstances.has(category)))} but concerns only ${count(facts)}, below GD20's "as few as 10 records", so no report is presumed, though GD20 says to report if unsure.`,
    },
    {
      id: "jersey-2005.no-report.no-significant-harm",
      citation: `${seed.gd20Volume} (worked example: a marketing list of 500 names and addresses)`,
      when: () => true,
      decision: "not_required",
      because: (facts) =>
        `With ${count(facts)} and no particularly sensitive data, there is little risk of significant harm, and GD20 would not expect a report (as with its example of a lost marketing list of 500 names and addresses).`,
    },
  ],
  regulatorNotes: [],
  logRule: null,
  deadline: null,
  regulatorTiming: "No legal deadline: the 2005 Law sets no duty to report; report serious breaches promptly",
  noticeContents: [
    {
      id: "information_and_records",
      text: "The type of information and number of records.",
      citation: seed.gd20Reporting,
    },
    {
      id: "nature",
      text: "The circumstances of the loss, release or corruption.",
      citation: seed.gd20Reporting,
    },
    {
      id: "mitigation_and_people_informed",
      text: "Action taken to minimise or mitigate the effect on the people involved, including whether they have been informed.",
      citation: seed.gd20Reporting,
    },
    { id: "investigation", text: "How the breach is being investigated.", citation: seed.gd20Reporting },
    {
      id: "others_informed",
      text: "Whether any other regulatory body has been informed, and its response.",
      citation: seed.gd20Reporting,
    },
    {
      id: "prevention",
      text: "Remedial action taken to prevent a recurrence.",
      citation: seed.gd20Reporting,
    },
    {
      id: "other_information",
      text: "Any other information that may help the Commissioner assess the breach.",
      citation: seed.gd20Reporting,
    },
  ],
  delayReasonItem: null,
  subjectRules: [
    {
      id: "jersey-2005.subjects.processor",
      citation: "GD20 'Introduction' (addressed to data controllers)",
      when: isProcessor,
      decision: "not_required",
      because: () => "As a processor, the organisation leaves telling people to its controller.",
    },
    {
      id: "jersey-2005.subjects.union-records-no-special-circumstances",
      citation: `${seed.gd20Sensitivity} (worked example: trade union subscription records of 50 individuals)`,
      when: unionRecordsWithoutSpecialCircumstances,
      decision: "not_required",
      because: () =>
        "GD20 does not treat a loss of union subscription records with no special circumstances as serious, and no law requires telling people.",
    },
    {
      id: "jersey-2005.subjects.controller-decides",
      citation: seed.gd20Public,
      when: riskIsHigh,
      decision: "judgement",
      because: () =>
        "No law requires telling people; GD20 leaves it to the data controller, and the risk is high enough that they should be considered.",
      considerations: () => [
        "Telling people lets them protect themselves (for example against identity theft or fraud).",
        "The Commissioner may recommend making the breach public where that is clearly in the interests of the people concerned.",
        "Record the decision and its reasons.",
      ],
    },
    {
      id: "jersey-2005.subjects.not-required",
      citation: seed.gd20Public,
      when: () => true,
      decision: "not_required",
      because: () => "No law requires telling people, and the risk to them is not high.",
    },
  ],
  subjectTiming: "No legal duty; at the controller's discretion",
  subjectContents: [],
  regulatorMayRequireNotice: null,
  processorDuty: {
    timing: "At once, so that the controller can decide (no statutory deadline)",
    rule: {
      id: "jersey-2005.processor.tell-controller",
      citation:
        "GD20 'Introduction' (addressed to data controllers); [U: the 2005 Law sets no processor breach duty]",
      text: "A processor should tell its controller at once, so that the controller can decide whether to report; the 2005 Law sets no statutory breach duty.",
    },
  },
};
