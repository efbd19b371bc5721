/**
 * United Kingdom: UK GDPR Art 33–34 and the Data Protection Act 2018, as amended by the Data (Use and Access)
 * Act 2025; regulator: the Information Commissioner's Office (RULEBOOK §3).
 *
 * From 25 May 2018 to 31 December 2020 the EU GDPR applied in the UK directly, with the DPA 2018 and the ICO as
 * regulator; the breach articles read the same, so this one pack covers both periods.
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
  pack: "uk-gdpr",
  reportingLaw: "UK GDPR Art 33(1)",
  subjectsLaw: "UK GDPR Art 34",
  regulator: "the ICO",
  citations: {
    reporting: "UK GDPR Art 33(1); RULEBOOK §3.1 [V U4, U6]",
    subjects: "UK GDPR Art 34(1); RULEBOOK §3.2 [V U7]",
    exemptions: "UK GDPR Art 34(3); RULEBOOK §3.2 [V U7]",
    processor: "UK GDPR Art 33(2); RULEBOOK §3.3 [V-inh E1]",
  },
};

export const ukGdpr: RulePack = {
  id: "uk-gdpr",
  version: "2026.1",
  title: "UK GDPR and Data Protection Act 2018",
  effectiveFrom: "2018-05-25T00:00:00+01:00",
  effectiveTo: null,
  effectiveCitation:
    "RULEBOOK §3 (the GDPR and DPA 2018 from 25 May 2018; UK GDPR from 1 January 2021, same breach articles) [U: commencement dates not in RULEBOOK]",
  jurisdictions: { GB: { timeZone: "Europe/London" } },
  regulators: {
    GB: {
      name: "Information Commissioner's Office (ICO)",
      howToReport:
        "Report online with the ICO's personal data breach form (about 30 minutes; it cannot be saved part-way; cyber incidents should be reported online), or phone the helpline on 0303 123 1113 (Monday to Friday, 9am to 5pm). Basic details may be sent first and more detail e-mailed later.",
      contact: {
        web: "https://ico.org.uk/for-organisations/report-a-breach/personal-data-breach/",
        phone: "0303 123 1113",
      },
      citation: "RULEBOOK §3.1 [V U1, U2]",
    },
  },
  specialCategories: article9Categories,
  specialCategoriesRule: {
    id: "uk-gdpr.special-categories",
    citation: "UK GDPR Art 9(1), Art 10, DPA 2018 s.11(2); RULEBOOK §3.5 [V U17]",
    text: "Under UK law, criminal offence data is not special category data but has its own protections (Art 10).",
  },
  regulatorRules: riskBasedReportingRules(law),
  regulatorNotes: [],
  logRule: {
    id: "uk-gdpr.log",
    citation: "UK GDPR Art 33(5); RULEBOOK §3.4 [V E10, U3]",
    text: "Every breach must be documented in the breach log with its facts, effects and remedial action, including any decision not to report and any reason for delay.",
  },
  deadline: {
    hours: 72,
    strict: false,
    rule: {
      id: "uk-gdpr.report.deadline",
      citation: "UK GDPR Art 33(1); RULEBOOK §3.1, §8 [V U4]",
      text: "The report is due without undue delay and, where feasible, within 72 hours of becoming aware of the breach.",
    },
    lateRule: {
      id: "uk-gdpr.report.late",
      citation: "UK GDPR Art 33(1); RULEBOOK §1 'Reasons for late notice' [V U3, U4]",
      text: "The 72 hours have passed, so the report must give the reasons for the delay.",
    },
  },
  regulatorTiming: "Without undue delay and, where feasible, within 72 hours of becoming aware",
  noticeContents: [
    ...article33Contents("UK GDPR Art 33(3); RULEBOOK §3.1 [V U3]"),
    {
      id: "discovery",
      text: "When and how the organisation found out about the breach.",
      citation: "ICO breach form; RULEBOOK §3.1 [V U2]",
    },
    {
      id: "others_informed",
      text: "Who else has been told (other regulators, the police, the people affected).",
      citation: "ICO breach form; RULEBOOK §3.1 [V U2]",
    },
  ],
  delayReasonItem: {
    id: "delay_reason",
    text: "The reasons for reporting after 72 hours.",
    citation: "UK GDPR Art 33(1); RULEBOOK §3.1 [V U3, U4]",
  },
  subjectRules: highRiskSubjectRules(law),
  subjectTiming: "Without undue delay, in clear and plain language",
  subjectContents: article34Contents("UK GDPR Art 34(2); RULEBOOK §3.2 [V U7]"),
  regulatorMayRequireNotice: {
    id: "uk-gdpr.subjects.ico-may-require-unverified",
    citation: "UK GDPR Art 34(4); RULEBOOK §3.2 [U: the ICO's power to require notice is not verified]",
    text: "The ICO may still require the people affected to be told (believed; not verified).",
  },
  processorDuty: {
    timing: "Without undue delay after becoming aware",
    rule: {
      id: "uk-gdpr.processor.notify-controller",
      citation: "UK GDPR Art 33(2); RULEBOOK §3.3 [V-inh E1]",
      text: "A processor must tell its controller without undue delay after becoming aware of the breach.",
    },
  },
};
