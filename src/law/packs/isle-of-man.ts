/**
 * Isle of Man: the Data Protection Act 2018 and the Applied GDPR (Data Protection (Application of GDPR) Order
 * 2018, with the GDPR and LED Implementing Regulations 2018); regulator: the Isle of Man Information
 * Commissioner (RULEBOOK §4). The Applied GDPR reads as the EU GDPR unless locally modified [V-inh M13].
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
import { seed } from "../sources.js";

const law: GdprFamilyLaw = {
  pack: "isle-of-man",
  reportingLaw: "Applied GDPR Art 33(1)",
  subjectsLaw: "Applied GDPR Art 34",
  regulator: "the Isle of Man Information Commissioner",
  citations: {
    reporting: "Applied GDPR Art 33(1); RULEBOOK §4.1 [V M1]",
    subjects: "Applied GDPR Art 34; RULEBOOK §4.2 [V M4]",
    exemptions: `Applied GDPR Art 34(3); RULEBOOK §4.2 [V-inh]; ${seed.templateSubjects}`,
    processor: "Applied GDPR Art 33(2); RULEBOOK §4.3 [V-inh]",
  },
};

export const isleOfMan: RulePack = {
  id: "isle-of-man",
  version: "2026.1",
  title: "Isle of Man Data Protection Act 2018 and Applied GDPR",
  // Commencement 1 August 2018 is not in the RULEBOOK: [U].
  effectiveFrom: "2018-08-01T00:00:00+01:00",
  effectiveTo: null,
  effectiveCitation:
    "[U: commencement of the Isle of Man Data Protection Act 2018 and Applied GDPR on 1 August 2018 is not in the RULEBOOK]",
  jurisdictions: { IM: { timeZone: "Europe/Isle_of_Man" } },
  regulators: {
    IM: {
      name: "Isle of Man Information Commissioner",
      howToReport:
        "Complete the Personal Data Breach Report Form on the Information Commissioner's portal. If the report is late, say why; if it is incomplete, say so and give an estimated timescale for the rest.",
      contact: {
        web: "https://infocomm.powerappsportals.com/Personal-Data-Breach-Form",
      },
      citation: "RULEBOOK §4.1 [V M1, M2]",
    },
  },
  specialCategories: article9Categories,
  specialCategoriesRule: {
    id: "isle-of-man.special-categories",
    citation: "Applied GDPR Art 9(1), Art 10; RULEBOOK §4.5 [V M6]",
    text: "Under Isle of Man law, criminal convictions and offences data is not special category data but is handled under Art 10.",
  },
  regulatorRules: riskBasedReportingRules(law),
  regulatorNotes: [],
  logRule: {
    id: "isle-of-man.log",
    citation: `Applied GDPR Art 33(5); RULEBOOK §4.4 [V-inh]; ${seed.templateSubjects}`,
    text: "Every breach must be documented in the breach log, and all information about it, evidence and correspondence included, kept indefinitely.",
  },
  deadline: {
    hours: 72,
    strict: false,
    rule: {
      id: "isle-of-man.report.deadline",
      citation: `Applied GDPR Art 33(1); RULEBOOK §4.1 [V M1]; ${seed.templateNotice}`,
      text: "The report is due without undue delay and, where feasible, within 72 hours of becoming aware of the breach.",
    },
    lateRule: {
      id: "isle-of-man.report.late",
      citation: "Applied GDPR Art 33(1); RULEBOOK §4.1 [V M1, M2]",
      text: "The 72 hours have passed, so the report (or its covering e-mail) must give the reasons for the delay.",
    },
  },
  regulatorTiming: "Without undue delay and, where feasible, within 72 hours of becoming aware",
  noticeContents: [
    ...article33Contents(`Applied GDPR Art 33(3); RULEBOOK §4.1 [V M1]; ${seed.templateNotice}`),
    {
      id: "phasing",
      text: "If not everything is known yet, what is still missing and an estimated timescale for providing it.",
      citation: "RULEBOOK §1 'Phased reporting', §4.1 [V M1, M2]",
    },
  ],
  delayReasonItem: {
    id: "delay_reason",
    text: "The reasons for reporting after 72 hours.",
    citation: `Applied GDPR Art 33(1); RULEBOOK §4.1 [V M1, M2]; ${seed.templateNotice}`,
  },
  subjectRules: highRiskSubjectRules(law),
  subjectTiming: "As soon as possible, without undue delay; the Commissioner can require it",
  subjectContents: article34Contents(
    `Applied GDPR Art 34(2); RULEBOOK §4.2 [V M4]; ${seed.templateSubjects}`,
  ),
  regulatorMayRequireNotice: {
    id: "isle-of-man.subjects.commissioner-may-require",
    citation: `RULEBOOK §4.2 [V M4]; ${seed.templateSubjects} ('The IOM ICO may also require us to communicate the breach')`,
    text: "The Information Commissioner may still require the people affected to be told, even at low risk.",
  },
  processorDuty: {
    timing: "Without undue delay after becoming aware",
    rule: {
      id: "isle-of-man.processor.notify-controller",
      citation: "Applied GDPR Art 33(2); RULEBOOK §4.3 [V-inh]",
      text: "A processor must tell its controller without undue delay after becoming aware of the breach.",
    },
  },
};
