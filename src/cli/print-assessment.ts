/** The readable summary `dpdesk assess` prints: the risk, then each jurisdiction's duties with their reasons. */
import type { Assessment, Obligation, Reason } from "../law/index.js";
import type { Incident } from "../law/index.js";

const decisionWords: Readonly<Record<string, string>> = {
  required: "REQUIRED",
  not_required: "not required",
  recommended: "RECOMMENDED (no legal duty)",
  judgement: "JUDGEMENT NEEDED",
  public_communication: "PUBLIC COMMUNICATION instead of individual notices",
};

function formatLocal(instant: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(instant));
}

function describeRemaining(deadline: string, assessedAt: string): string {
  const minutes = Math.round((Date.parse(deadline) - Date.parse(assessedAt)) / 60_000);
  const span = (m: number): string =>
    m >= 48 * 60
      ? `${Math.floor(m / 1440)} d ${Math.floor((m % 1440) / 60)} h`
      : `${Math.floor(m / 60)} h ${m % 60} min`;
  return minutes >= 0 ? `${span(minutes)} left` : `OVERDUE by ${span(-minutes)}`;
}

function zoneOf(deadlineLocal: string): string {
  const match = /\[(.+)\]$/.exec(deadlineLocal);
  return match?.[1] ?? "UTC";
}

function reasonLines(reasons: readonly Reason[], indent: string): string[] {
  return reasons.map((reason) => `${indent}- ${reason.text} [${reason.citation}]`);
}

function obligationLines(obligation: Obligation, assessedAt: string): string[] {
  const { regulator, subjects, processor } = obligation;
  const pack =
    obligation.pack === null
      ? "no rule pack"
      : `${obligation.pack.title} (${obligation.pack.id} ${obligation.pack.version})`;
  const lines = [`${obligation.jurisdiction}  ${obligation.jurisdictionName} — ${pack}`];
  if (processor !== null) {
    lines.push(
      `  Tell the controller: ${decisionWords[processor.decision] ?? processor.decision} — ${processor.timing}`,
    );
    lines.push(...reasonLines(processor.reasons, "    "));
  }
  lines.push(`  Report to ${regulator.name}: ${decisionWords[regulator.decision] ?? regulator.decision}`);
  if (regulator.deadline !== null && regulator.deadlineLocal !== null) {
    const kind = regulator.strict ? "hard limit" : "where feasible";
    lines.push(
      `    Deadline: ${formatLocal(regulator.deadline, zoneOf(regulator.deadlineLocal))} (${regulator.deadline}), ${kind} — ${describeRemaining(regulator.deadline, assessedAt)}`,
    );
  } else {
    lines.push(`    When: ${regulator.timing}`);
  }
  if (regulator.delayReasonOwed)
    lines.push("    The notice is late: it must give the reasons for the delay.");
  lines.push("    Why:", ...reasonLines(regulator.reasons, "      "));
  if (regulator.considerations.length > 0)
    lines.push("    Weigh:", ...regulator.considerations.map((text) => `      - ${text}`));
  if (regulator.decision !== "not_required") {
    lines.push(`    How: ${regulator.howToReport}`);
    if (regulator.contents.length > 0)
      lines.push("    The notice must hold:", ...regulator.contents.map((item) => `      - ${item.text}`));
  }
  lines.push(
    `  Tell the people affected: ${decisionWords[subjects.decision] ?? subjects.decision} — ${subjects.timing}`,
  );
  lines.push(...reasonLines(subjects.reasons, "    "));
  if (subjects.considerations.length > 0)
    lines.push("    Weigh:", ...subjects.considerations.map((text) => `      - ${text}`));
  return lines;
}

export function printAssessment(incident: Incident, assessment: Assessment): string {
  const { risk } = assessment;
  const people = Object.values(incident.subjects).reduce((sum, count) => sum + count, 0);
  const lines = [
    incident.title,
    `Aware ${incident.awareAt} · ${people.toLocaleString("en-GB")} people · assessed ${assessment.assessedAt}`,
    "",
    `Risk: ${risk.level.toUpperCase()} — likelihood ${risk.likelihood} × impact ${risk.impact} = ${risk.score}`,
    ...reasonLines(risk.reasons, "  "),
  ];
  for (const obligation of assessment.obligations)
    lines.push("", ...obligationLines(obligation, assessment.assessedAt));
  return `${lines.join("\n")}\n`;
}
