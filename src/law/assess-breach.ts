/**
 * `assessBreach`: from the facts of a breach to the risk and one obligation per jurisdiction concerned. Pure:
 * no I/O, no clock — the moment of assessment is passed in — so it runs on every keystroke and in bulk.
 */
import type { Assessment, Obligation, Reason } from "./assessment.js";
import { assessRisk, isUnintelligible, totalSubjects } from "./assess-risk.js";
import { addClockHours, formatInstant, formatInZone, toEpochMs } from "./calendar/deadline.js";
import { countryName, isCountry, type Country } from "./countries.js";
import { jurisdictionsConcerned, type Incident } from "./incident.js";
import { packInForce, packsFor } from "./packs/index.js";
import type { DecisionRule, Facts, RulePack, StatedRule } from "./rule-pack.js";

export interface AssessOptions {
  /** The moment of assessment (decides whether a reason for delay is owed). */
  at: Date | string | number;
}

function decide<D>(rules: readonly DecisionRule<D>[], facts: Facts): DecisionRule<D> {
  for (const rule of rules) if (rule.when(facts)) return rule;
  // Every pack ends its lists with a rule that always applies; reaching here is a defect in a pack.
  throw new Error(`no rule applied (first rule: ${rules[0]?.id ?? "none"})`);
}

function reasonFrom<D>(rule: DecisionRule<D>, facts: Facts): Reason {
  return { rule: rule.id, citation: rule.citation, text: rule.because(facts) };
}

function stated(rule: StatedRule): Reason {
  return { rule: rule.id, citation: rule.citation, text: rule.text };
}

function assessUnderPack(pack: RulePack, facts: Facts, awareMs: number, atMs: number): Obligation {
  const { country, incident } = facts;
  const regulator = pack.regulators[country];
  const zone = pack.jurisdictions[country];
  if (regulator === undefined || zone === undefined)
    throw new Error(`pack ${pack.id} does not cover ${country}`);

  const reportRule = decide(pack.regulatorRules, facts);
  const reasons = [reasonFrom(reportRule, facts)];
  for (const note of pack.regulatorNotes)
    if (note.when(facts)) reasons.push({ rule: note.id, citation: note.citation, text: note.because(facts) });
  if (incident.dataCategories.includes("criminal_offence")) reasons.push(stated(pack.specialCategoriesRule));

  const clockRuns =
    pack.deadline !== null && (reportRule.decision === "required" || reportRule.decision === "judgement");
  const deadlineMs = clockRuns && pack.deadline !== null ? addClockHours(awareMs, pack.deadline.hours) : null;
  const late = deadlineMs !== null && atMs > deadlineMs;
  if (clockRuns && pack.deadline !== null) {
    reasons.push(stated(pack.deadline.rule));
    if (late) reasons.push(stated(pack.deadline.lateRule));
  }
  if (pack.logRule !== null) reasons.push(stated(pack.logRule));
  const contents =
    late && pack.delayReasonItem !== null
      ? [...pack.noticeContents, pack.delayReasonItem]
      : [...pack.noticeContents];

  const subjectRule = decide(pack.subjectRules, facts);
  const processor = incident.controller.role === "processor";
  const subjectReasons = [reasonFrom(subjectRule, facts)];
  if (subjectRule.decision === "not_required" && !processor && pack.regulatorMayRequireNotice !== null)
    subjectReasons.push(stated(pack.regulatorMayRequireNotice));

  return {
    jurisdiction: country,
    jurisdictionName: countryName(country),
    pack: { id: pack.id, version: pack.version, title: pack.title },
    regulator: {
      name: regulator.name,
      decision: reportRule.decision,
      deadline: deadlineMs === null ? null : formatInstant(deadlineMs),
      deadlineLocal: deadlineMs === null ? null : formatInZone(deadlineMs, zone.timeZone),
      strict: clockRuns && pack.deadline !== null && pack.deadline.strict,
      timing: processor ? "Not the processor's duty: its controller reports" : pack.regulatorTiming,
      delayReasonOwed: late,
      howToReport: regulator.howToReport,
      contact: { ...regulator.contact },
      contents,
      considerations: reportRule.considerations?.(facts) ?? [],
      reasons,
    },
    subjects: {
      decision: subjectRule.decision,
      timing: processor ? "Not the processor's duty: its controller tells people" : pack.subjectTiming,
      contents: [...pack.subjectContents],
      considerations: subjectRule.considerations?.(facts) ?? [],
      reasons: subjectReasons,
    },
    processor: processor
      ? {
          decision: "required",
          notify: "controller",
          timing: pack.processorDuty.timing,
          reasons: [stated(pack.processorDuty.rule)],
        }
      : null,
  };
}

/** What the engine says where no pack applies; the parts that depend only on the country are built once. */
const noPackCitations = new Map<Country, string>();
function noPackCitation(country: Country, packs: readonly RulePack[]): string {
  let citation = noPackCitations.get(country);
  if (citation === undefined) {
    const coverage = packs.map(
      (pack) =>
        `${pack.id} applies from ${pack.effectiveFrom.slice(0, 10)}${pack.effectiveTo === null ? "" : ` to ${pack.effectiveTo.slice(0, 10)}`} (${pack.effectiveCitation})`,
    );
    citation = ["dpdesk rule-pack registry (src/law/packs/index.ts)", ...coverage].join("; ");
    noPackCitations.set(country, citation);
  }
  return citation;
}

function noPackObligation(country: Country, incident: Incident, packs: readonly RulePack[]): Obligation {
  const name = countryName(country);
  // The date as the user wrote it, in their own offset.
  const when = packs.length > 0 ? ` in force on ${incident.awareAt.slice(0, 10)}` : "";
  const reason: Reason = {
    rule: "engine.no-rule-pack",
    citation: noPackCitation(country, packs),
    text: `There is no rule pack for ${country}${when} (${name}), so a person must decide what the law there requires.`,
  };
  const processor = incident.controller.role === "processor";
  return {
    jurisdiction: country,
    jurisdictionName: name,
    pack: null,
    regulator: {
      name: `The data protection authority for ${name}`,
      decision: "judgement",
      deadline: null,
      deadlineLocal: null,
      strict: false,
      timing: "Unknown: check the local law (many laws set 72 hours from awareness)",
      delayReasonOwed: false,
      howToReport: `dpdesk has no rule pack for ${country}; check the local law and its regulator's guidance.`,
      contact: {},
      contents: [],
      considerations: [
        `Find out whether ${name} has a breach-notification law that covers these people or this establishment.`,
        "Many such laws require a report within 72 hours of awareness unless the breach is unlikely to result in a risk.",
        "Record the decision and its reasons in the breach log.",
      ],
      reasons: [reason],
    },
    subjects: {
      decision: "judgement",
      timing: "Unknown: check the local law",
      contents: [],
      considerations: [
        "Consider telling the people affected if the risk to them is high, whatever the law requires.",
      ],
      reasons: [reason],
    },
    processor: processor
      ? {
          decision: "required",
          notify: "controller",
          timing:
            "Promptly, as the contract with the controller requires (no rule pack: check the local law)",
          reasons: [reason],
        }
      : null,
  };
}

/**
 * Assesses a validated incident (see `parseIncident`) at a given moment.
 *
 * @example
 * const parsed = parseIncident(JSON.parse(text));
 * if (parsed.ok) console.log(assessBreach(parsed.value, { at: new Date() }).obligations);
 */
export function assessBreach(incident: Incident, options: AssessOptions): Assessment {
  const atMs = toEpochMs(options.at);
  const awareMs = toEpochMs(incident.awareAt);
  const risk = assessRisk(incident);
  const total = totalSubjects(incident);
  const unintelligible = isUnintelligible(incident);

  const obligations = jurisdictionsConcerned(incident).map((country): Obligation => {
    if (!isCountry(country)) throw new RangeError(`${country} is not an ISO 3166-1 alpha-2 country code`);
    const pack = packInForce(country, awareMs);
    if (pack === null) return noPackObligation(country, incident, packsFor(country));
    const facts: Facts = {
      incident,
      risk,
      country,
      totalSubjects: total,
      subjectsHere: incident.subjects[country] ?? 0,
      unintelligible,
      specialCategories: incident.dataCategories.filter((category) =>
        pack.specialCategories.includes(category),
      ),
    };
    return assessUnderPack(pack, facts, awareMs, atMs);
  });

  return { assessedAt: formatInstant(atMs), risk, obligations };
}
