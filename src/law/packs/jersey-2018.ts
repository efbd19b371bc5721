/**
 * Jersey from 25 May 2018: the Data Protection (Jersey) Law 2018 (DPJL) Art 20 and the Data Protection
 * Authority (Jersey) Law 2018; regulator: the Jersey Office of the Information Commissioner (JOIC) for the
 * Jersey Data Protection Authority (RULEBOOK §5). Breaches before that date fall under the 2005 Law and
 * guidance GD20 (`jersey-2005`).
 */
import {
  article33Contents,
  article34Contents,
  highRiskSubjectRules,
  riskBasedReportingRules,
  type GdprFamilyLaw,
} from "../gdpr-family.js";
import { article9Categories } from "../incident.js";
import type { RulePack } from "../rule-pack.js";

const law: GdprFamilyLaw = {
  pack: "jersey-2018",
  reportingLaw: "DPJL 2018 Art 20",
  subjectsLaw: "DPJL 2018",
  regulator: "the JOIC",
  citations: {
    reporting: "DPJL 2018 Art 20; RULEBOOK §5.1 [V J1, J2, J3]",
    subjects: "DPJL 2018; RULEBOOK §5.2 [V J1]",
    exemptions:
      "RULEBOOK §5.2 [U: Jersey's exemptions are believed to mirror GDPR Art 34(3); the statutory text was not seen]",
    processor:
      "DPJL 2018 Art 20; RULEBOOK §5.3 [U: the processor's duty is believed to be 'without undue delay'; the text was not seen]",
  },
};

export const jersey2018: RulePack = {
  id: "jersey-2018",
  version: "2026.1",
  title: "Data Protection (Jersey) Law 2018",
  effectiveFrom: "2018-05-25T00:00:00+01:00",
  effectiveTo: null,
  effectiveCitation: "DPJL 2018 in force from 25 May 2018; RULEBOOK §5 [V J8]",
  jurisdictions: { JE: { timeZone: "Europe/Jersey" } },
  regulators: {
    JE: {
      name: "Jersey Office of the Information Commissioner (JOIC)",
      howToReport:
        "Report through the JOIC's secure online portal form; report within 72 hours, not after investigating, and keep the JOIC updated as more is found.",
      contact: { web: "https://portal.jerseyoic.org/report-a-breach" },
      citation: "RULEBOOK §5.1 [V J1, J2, J3]",
    },
  },
  specialCategories: [...article9Categories, "criminal_offence"],
  specialCategoriesRule: {
    id: "jersey-2018.special-categories",
    citation: "DPJL 2018; RULEBOOK §5.5 [V J2, J10]",
    text: "Under Jersey law, special category data includes criminal records and alleged criminal activity.",
  },
  regulatorRules: riskBasedReportingRules(law),
  regulatorNotes: [],
  logRule: {
    id: "jersey-2018.log-all-breaches",
    citation: "RULEBOOK §5.4 [V J3]",
    text: "Jersey requires a detailed log of all breaches, not only those reported to the JOIC.",
  },
  deadline: {
    hours: 72,
    strict: false,
    rule: {
      id: "jersey-2018.report.deadline",
      citation: "DPJL 2018 Art 20; RULEBOOK §5.1 [V J1, J2]",
      text: "The report is due without undue delay and, where feasible, within 72 hours of becoming aware of the breach, not after the investigation.",
    },
    lateRule: {
      id: "jersey-2018.report.late",
      citation: "RULEBOOK §1 'Reasons for late notice' [U: Art 20 text not seen]",
      text: "The 72 hours have passed, so the report must give the reasons for the delay.",
    },
  },
  regulatorTiming:
    "Without undue delay and, where feasible, within 72 hours of becoming aware (not after investigation)",
  noticeContents: [
    ...article33Contents(
      "DPJL 2018 Art 20; RULEBOOK §5.1 [U: the statutory list is believed to mirror GDPR Art 33(3)]",
    ),
    {
      id: "special_category_flags",
      text: "Which special categories of data were involved (the JOIC form has a checklist, criminal records included).",
      citation: "JOIC breach form; RULEBOOK §5.1 [V J2]",
    },
    {
      id: "containment",
      text: "The containment actions taken (for example asking a wrong recipient to delete the data).",
      citation: "JOIC breach form; RULEBOOK §5.1 [V J2]",
    },
    {
      id: "prevention",
      text: "The actions taken to prevent a recurrence, with their timeframes.",
      citation: "JOIC breach form; RULEBOOK §5.1 [V J2]",
    },
  ],
  delayReasonItem: {
    id: "delay_reason",
    text: "The reasons for reporting after 72 hours.",
    citation: "RULEBOOK §1 'Reasons for late notice' [U: Art 20 text not seen]",
  },
  subjectRules: highRiskSubjectRules(law),
  subjectTiming: "Without undue delay",
  subjectContents: article34Contents(
    "RULEBOOK §5.2 [U: the content of a notice to individuals is believed to mirror GDPR Art 34(2)]",
  ),
  regulatorMayRequireNotice: null,
  processorDuty: {
    timing: "Without undue delay after becoming aware (believed; not verified)",
    rule: {
      id: "jersey-2018.processor.notify-controller-unverified",
      citation: "RULEBOOK §5.3 [U: believed 'without undue delay'; Art 20 text not seen]",
      text: "A processor must tell its controller without undue delay after becoming aware of the breach (believed; the Jersey text has not been verified).",
    },
  },
};
