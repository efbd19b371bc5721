/**
 * A rule pack is one regime's breach-notification law at one version, as data: who the regulator is, the
 * ordered rules that decide each duty (the first rule whose test holds decides), what a notice must contain,
 * and where each rule comes from.
 */
import type { NoticeItem, RegulatorDecision, Risk, SubjectDecision } from "./assessment.js";
import type { Country } from "./countries.js";
import type { DataCategory, Incident } from "./incident.js";

export type PackId = "uk-gdpr" | "isle-of-man" | "jersey-2018" | "jersey-2005" | "guernsey" | "eu-gdpr";

export interface Regulator {
  name: string;
  howToReport: string;
  contact: { web?: string; phone?: string; email?: string; address?: string };
  citation: string;
}

/** What the rules look at: the incident, the risk, and the facts derived from them for one jurisdiction. */
export interface Facts {
  incident: Incident;
  risk: Risk;
  /** The jurisdiction this obligation is for. */
  country: Country;
  /** Everyone affected, wherever they live. */
  totalSubjects: number;
  /** People affected who live in this jurisdiction. */
  subjectsHere: number;
  /** Encrypted with a key that was not compromised. */
  unintelligible: boolean;
  /** The data categories that this law calls special category data. */
  specialCategories: DataCategory[];
}

export interface DecisionRule<Decision> {
  id: string;
  citation: string;
  /** The test; the first rule in the list whose test holds decides. */
  when: (facts: Facts) => boolean;
  decision: Decision;
  /** The reason, in one readable sentence. */
  because: (facts: Facts) => string;
  /** For a `judgement`: what the person deciding should weigh. */
  considerations?: (facts: Facts) => string[];
}

/** A point that applies whenever its test holds, alongside the rule that decides. */
export interface NoteRule {
  id: string;
  citation: string;
  when: (facts: Facts) => boolean;
  because: (facts: Facts) => string;
}

export interface StatedRule {
  id: string;
  citation: string;
  text: string;
}

export interface RulePack {
  id: PackId;
  version: string;
  title: string;
  /** First instant (inclusive) at which the pack's law applies to a breach, by the time of awareness. */
  effectiveFrom: string;
  /** First instant at which it no longer applies (exclusive), or null while in force. */
  effectiveTo: string | null;
  /** The source of the dates the pack is in force (commencement of the law). */
  effectiveCitation: string;
  /** Where the pack applies, with the time zone its deadlines are shown in. */
  jurisdictions: Readonly<Record<Country, { timeZone: string }>>;
  regulators: Readonly<Record<Country, Regulator>>;
  /** What this law calls special category data (e.g. Jersey counts criminal records in). */
  specialCategories: readonly DataCategory[];
  specialCategoriesRule: StatedRule;
  regulatorRules: readonly DecisionRule<RegulatorDecision>[];
  /** Further points the regulator decision must mention when their test holds (e.g. the EU one-stop shop). */
  regulatorNotes: readonly NoteRule[];
  /** The duty to log every breach, whatever the decision; null where the law sets none. */
  logRule: StatedRule | null;
  /** The reporting deadline in clock hours from awareness, or null where no law sets one. */
  deadline: { hours: number; strict: boolean; rule: StatedRule; lateRule: StatedRule } | null;
  regulatorTiming: string;
  noticeContents: readonly NoticeItem[];
  /** The item a late notice must add (the reasons for the delay), or null. */
  delayReasonItem: NoticeItem | null;
  subjectRules: readonly DecisionRule<SubjectDecision>[];
  subjectTiming: string;
  /** What a notice to the people affected must contain; empty where no law says. */
  subjectContents: readonly NoticeItem[];
  /** That the regulator may order the people to be told even when the engine says not required. */
  regulatorMayRequireNotice: StatedRule | null;
  /** A processor's duty to its controller. */
  processorDuty: { timing: string; rule: StatedRule };
}
