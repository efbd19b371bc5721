/**
 * The breach-notification rules that the UK GDPR, the Isle of Man's Applied GDPR, the Data Protection (Jersey)
 * Law 2018 and the EU GDPR share: GDPR Art 33 (report to the regulator unless the breach is unlikely to result
 * in a risk, within 72 hours where feasible) and Art 34 (tell people when the risk is high, with three
 * exemptions). Each pack passes its own law's name and citations, including [U] where the local text has not
 * been verified.
 */
import type { NoticeItem, RegulatorDecision, SubjectDecision } from "./assessment.js";
import { always, describeRisk, isProcessor, riskIsMedium, riskIsHigh, riskIsUnlikely } from "./conditions.js";
import type { DecisionRule, Facts, PackId } from "./rule-pack.js";
import { describeCategories, seed } from "./sources.js";

export interface GdprFamilyLaw {
  pack: PackId;
  /** The article that imposes the duty to report, e.g. "UK GDPR Art 33(1)". */
  reportingLaw: string;
  /** The article on telling people, e.g. "UK GDPR Art 34". */
  subjectsLaw: string;
  /** The regulator as named in a sentence, e.g. "the ICO". */
  regulator: string;
  /** Whose interests the risk test protects; Guernsey's law speaks of "significant interests". */
  riskTo?: string;
  /** When people must be told; Guernsey says "as soon as practicable". */
  tellPeople?: string;
  citations: {
    reporting: string;
    subjects: string;
    /** Art 34(3)-style exemptions; Jersey's and Guernsey's are [U]. */
    exemptions: string;
    processor: string;
  };
}

export function riskBasedReportingRules(law: GdprFamilyLaw): DecisionRule<RegulatorDecision>[] {
  const { pack, reportingLaw, regulator, citations } = law;
  return [
    {
      id: `${pack}.report.processor`,
      citation: citations.processor,
      when: isProcessor,
      decision: "not_required",
      because: () =>
        `As a processor, the organisation reports to its controller, not to ${regulator}; the controller decides whether ${reportingLaw} requires a report.`,
    },
    {
      id: `${pack}.report.risk-unlikely`,
      citation: `${citations.reporting}; ${seed.riskBands}`,
      when: riskIsUnlikely,
      decision: "not_required",
      because: (facts) =>
        `With ${describeRisk(facts)}, the breach is unlikely to result in a risk to people's rights and freedoms, so ${reportingLaw} does not require a report to ${regulator}.`,
    },
    {
      id: `${pack}.report.risk-medium`,
      citation: `${citations.reporting}; ${seed.riskBands}`,
      when: riskIsMedium,
      decision: "judgement",
      because: (facts) =>
        `With ${describeRisk(facts)}, a person must decide whether the breach is unlikely to result in a risk; if it is not, ${reportingLaw} requires a report to ${regulator}.`,
      considerations: (facts) => mediumRiskConsiderations(facts, regulator),
    },
    {
      id: `${pack}.report.risk-likely`,
      citation: citations.reporting,
      when: always,
      decision: "required",
      because: (facts) =>
        `With ${describeRisk(facts)}, the breach is likely to result in a risk to people's rights and freedoms, so ${reportingLaw} requires a report to ${regulator}.`,
    },
  ];
}

export function mediumRiskConsiderations(facts: Facts, regulator: string): string[] {
  const { likelihood, impact } = facts.risk;
  const list: string[] = [
    `If a risk to people is likely but not high, the duty is to report to ${regulator} without telling the people affected (the ICO's self-assessment reads GDPR Art 33–34 this way: RULEBOOK §3.1 [V U6]).`,
  ];
  if (likelihood === 1)
    list.push(
      `Likelihood is rated 1: be sure nobody who should not have the data can read or use it before relying on that.`,
    );
  if (impact === 1)
    list.push(`Impact is rated 1: be sure the data could not be combined with other data to harm people.`);
  if (facts.specialCategories.length > 0)
    list.push(`The data includes special category data (${describeCategories(facts.specialCategories)}).`);
  list.push(
    `Record the decision and its reasons in the breach log either way; if in doubt, report to ${regulator}: a report can be followed up or withdrawn, a missed deadline cannot.`,
  );
  return list;
}

export function highRiskSubjectRules(law: GdprFamilyLaw): DecisionRule<SubjectDecision>[] {
  const { pack, subjectsLaw, citations } = law;
  const riskTo = law.riskTo ?? "people's rights and freedoms";
  const tellPeople = law.tellPeople ?? "without undue delay";
  return [
    {
      id: `${pack}.subjects.processor`,
      citation: citations.processor,
      when: isProcessor,
      decision: "not_required",
      because: () =>
        "As a processor, the organisation does not tell the people affected itself; that is the controller's duty.",
    },
    {
      id: `${pack}.subjects.not-high-risk`,
      citation: citations.subjects,
      when: (facts) => !riskIsHigh(facts),
      decision: "not_required",
      because: (facts) =>
        `With ${describeRisk(facts)}, the risk to ${riskTo} is not high, so ${subjectsLaw} does not require telling people.`,
    },
    {
      id: `${pack}.subjects.exemption.unintelligible`,
      citation: citations.exemptions,
      when: (facts) => facts.unintelligible,
      decision: "not_required",
      because: () =>
        `The data was encrypted and the key is safe, so it is unintelligible to anyone not authorised, and ${subjectsLaw} does not require telling people.`,
    },
    {
      id: `${pack}.subjects.exemption.subsequent-measures`,
      citation: citations.exemptions,
      when: (facts) => facts.incident.mitigation.highRiskNoLongerLikely,
      decision: "not_required",
      because: () =>
        `Measures taken since the breach mean the high risk is no longer likely to materialise, so ${subjectsLaw} does not require telling people.`,
    },
    {
      id: `${pack}.subjects.exemption.disproportionate-effort`,
      citation: citations.exemptions,
      when: (facts) => facts.incident.mitigation.disproportionateEffort,
      decision: "public_communication",
      because: () =>
        `Telling each person would involve disproportionate effort, so ${subjectsLaw} requires a public communication or an equally effective measure instead.`,
    },
    {
      id: `${pack}.subjects.high-risk`,
      citation: citations.subjects,
      when: always,
      decision: "required",
      because: (facts) =>
        `With ${describeRisk(facts)}, the breach is likely to result in a high risk to ${riskTo}, so ${subjectsLaw} requires telling the people affected ${tellPeople}.`,
    },
  ];
}

const contactPoint = "The name and contact details of the data protection officer or other contact point.";
const likelyConsequences = "The likely consequences of the breach.";
const measures =
  "The measures taken or proposed to deal with the breach, including measures to mitigate its possible adverse effects.";

/** What a notice to the people affected must hold: GDPR Art 34(2), by reference to Art 33(3)(b)–(d). */
export function article34Contents(citation: string): NoticeItem[] {
  return [
    {
      id: "nature",
      text: "A description, in clear and plain language, of the nature of the breach.",
      citation,
    },
    { id: "contact_point", text: contactPoint, citation },
    { id: "likely_consequences", text: likelyConsequences, citation },
    { id: "measures", text: measures, citation },
  ];
}

/** The content GDPR Art 33(3) requires of a notice to the regulator. */
export function article33Contents(citation: string): NoticeItem[] {
  return [
    { id: "nature", text: "The nature of the breach: what happened and when.", citation },
    {
      id: "subjects_concerned",
      text: "The categories and approximate number of people concerned.",
      citation,
    },
    {
      id: "records_concerned",
      text: "The categories and approximate number of personal data records concerned.",
      citation,
    },
    { id: "contact_point", text: contactPoint, citation },
    { id: "likely_consequences", text: likelyConsequences, citation },
    { id: "measures", text: measures, citation },
  ];
}
