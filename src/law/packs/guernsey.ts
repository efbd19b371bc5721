/**
 * Guernsey (the Bailiwick): the Data Protection (Bailiwick of Guernsey) Law, 2017, s.42–43; regulator: the
 * Office of the Data Protection Authority (ODPA) (RULEBOOK §6).
 *
 * Two things set Guernsey apart. The threshold is a risk to the "significant interests" of the people
 * concerned, and a report is needed unless the breach is unlikely to result in *any* such risk. The 72 hours
 * are a hard limit: "as soon as practicable and in any event no later than 72 hours", with no "where feasible".
 * It is not an all-breaches rule, although the ODPA encourages reporting every incident [V G1, G3].
 */
import { article9Categories } from "../incident.js";
import type { RulePack } from "../rule-pack.js";
import { always, describeRisk, isProcessor, riskIsMedium, riskIsUnlikely } from "../conditions.js";
import { article33Contents, article34Contents, highRiskSubjectRules } from "../gdpr-family.js";

const threshold = "Guernsey Law 2017 s.42; RULEBOOK §6.1 [V G1 (secondary), G2]";

export const guernsey: RulePack = {
  id: "guernsey",
  version: "2026.1",
  title: "Data Protection (Bailiwick of Guernsey) Law, 2017",
  effectiveFrom: "2018-05-25T00:00:00+01:00",
  effectiveTo: null,
  effectiveCitation: "RULEBOOK §6.1: breaches coming to attention after 25 May 2018 [V G2]",
  jurisdictions: { GG: { timeZone: "Europe/Guernsey" } },
  regulators: {
    GG: {
      name: "Office of the Data Protection Authority (ODPA), Guernsey",
      howToReport:
        "Report in writing through the ODPA's secure online self-reporting form (about 15 minutes; mandatory fields; up to 20 attachments of 2 MB each).",
      contact: { web: "https://odpa.gg/breach-reporting/" },
      citation: "RULEBOOK §6.1 [V G3]",
    },
  },
  specialCategories: [...article9Categories, "criminal_offence"],
  specialCategoriesRule: {
    id: "guernsey.special-categories-criminal-unverified",
    citation:
      "Guernsey Law 2017 s.111; RULEBOOK §6.5 [V G7 'criminal data' defined; U: its inclusion in special category data]",
    text: "Under Guernsey law, criminal data is believed to be special category data (not verified against s.111).",
  },
  regulatorRules: [
    {
      id: "guernsey.report.processor",
      citation: "Guernsey Law 2017 s.42(1); RULEBOOK §6.3 [V G2]",
      when: isProcessor,
      decision: "not_required",
      because: () =>
        "As a processor, the organisation must tell its controller as soon as it becomes aware of the breach; the controller reports to the ODPA.",
    },
    {
      id: "guernsey.report.no-risk-to-significant-interests",
      citation: `${threshold}; ODPA encourages reporting all incidents [V G3]`,
      when: riskIsUnlikely,
      decision: "not_required",
      because: (facts) =>
        `With ${describeRisk(facts)}, the breach is unlikely to result in any risk to the significant interests of the people concerned, so s.42 does not require a report, though the ODPA encourages reporting every incident.`,
    },
    {
      id: "guernsey.report.medium-risk-any-risk",
      citation: `${threshold}; [U: reading "any risk" as a lower bar than GDPR's "a risk" is an interpretation]`,
      when: riskIsMedium,
      decision: "required",
      because: (facts) =>
        `With ${describeRisk(facts)}, some risk to people's significant interests cannot be ruled out, and dpdesk reads s.42's "unlikely to result in any risk" as a lower bar than the GDPR's (an interpretation, not verified), so it treats the report as required.`,
    },
    {
      id: "guernsey.report.risk-to-significant-interests",
      citation: threshold,
      when: always,
      decision: "required",
      because: (facts) =>
        `With ${describeRisk(facts)}, the breach is likely to result in a risk to the significant interests of the people concerned, so s.42 requires a written report to the ODPA.`,
    },
  ],
  regulatorNotes: [],
  logRule: {
    id: "guernsey.log",
    citation: "RULEBOOK §6.4 [V G2]",
    text: "Guernsey requires an internal log of breaches, whether or not they are reported.",
  },
  deadline: {
    hours: 72,
    strict: true,
    rule: {
      id: "guernsey.report.deadline-hard",
      citation: "Guernsey Law 2017 s.42; RULEBOOK §6.1 [V G1, G2]",
      text: "The report is due as soon as practicable and in any event no later than 72 hours after becoming aware: a hard limit with no 'where feasible'.",
    },
    lateRule: {
      id: "guernsey.report.late",
      citation: "Guernsey Law 2017 s.42; RULEBOOK §6.1 [V G1]",
      text: "The 72-hour limit has been missed, which Guernsey law does not excuse; the report must explain the delay.",
    },
  },
  regulatorTiming: "As soon as practicable and in any event no later than 72 hours after becoming aware",
  noticeContents: [
    ...article33Contents(
      "Guernsey Law 2017 s.42; RULEBOOK §6.1 [V G1: nature, contact, consequences, measures; U: categories and approximate numbers of people and records]",
    ),
  ],
  delayReasonItem: {
    id: "delay_reason",
    text: "An explanation of the delay.",
    citation: "Guernsey Law 2017 s.42; RULEBOOK §6.1 [V G1]",
  },
  subjectRules: highRiskSubjectRules({
    pack: "guernsey",
    reportingLaw: "s.42",
    subjectsLaw: "the Guernsey Law",
    regulator: "the ODPA",
    riskTo: "the significant interests of the people concerned",
    tellPeople: "as soon as practicable",
    citations: {
      reporting: threshold,
      subjects: "Guernsey Law 2017; RULEBOOK §6.2 [V G2]",
      exemptions:
        "Guernsey Law 2017 s.43; RULEBOOK §6.2 [U: exemptions believed similar to GDPR Art 34(3); not verified]",
      processor: "Guernsey Law 2017 s.42(1); RULEBOOK §6.3 [V G2]",
    },
  }),
  subjectTiming: "As soon as practicable, in clear and plain language",
  subjectContents: article34Contents(
    "RULEBOOK §6.2 [V G2]: the nature of the breach, the contact point, likely consequences and measures taken or proposed",
  ),
  regulatorMayRequireNotice: null,
  processorDuty: {
    timing: "As soon as the processor becomes aware",
    rule: {
      id: "guernsey.processor.notify-controller",
      citation: "Guernsey Law 2017 s.42(1); RULEBOOK §6.3 [V G2]",
      text: "A processor must tell its controller as soon as it becomes aware of the breach.",
    },
  },
};
