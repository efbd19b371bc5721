/**
 * An assessment as a person reads it: the risk, then per jurisdiction what is owed to the regulator and to the
 * people, by when, and the one-sentence reasons with their sources.
 */
import type { Assessment, Obligation, Reason } from "../api-types.js";
import { countryLabel } from "../labels.js";
import { formatInstant, zoneOf } from "../time-left.js";
import { Countdown, DecisionBadge } from "./countdown.js";

function Reasons({ reasons, summary = "Why" }: { reasons: readonly Reason[]; summary?: string }) {
  if (reasons.length === 0) return null;
  return (
    <details className="reasons">
      <summary>{summary}</summary>
      <ul>
        {reasons.map((reason) => (
          <li key={reason.rule}>
            {reason.text} <cite title={reason.rule}>{reason.citation}</cite>
          </li>
        ))}
      </ul>
    </details>
  );
}

export function RiskSummary({ risk }: { risk: Assessment["risk"] }) {
  return (
    <div className={`risk risk-${risk.level}`}>
      <span className="risk-score" aria-hidden="true">
        {risk.score}
      </span>
      <div>
        <strong>{risk.level === "high" ? "High" : risk.level === "medium" ? "Medium" : "Low"} risk</strong>{" "}
        <span className="meta">
          likelihood {risk.likelihood} × impact {risk.impact} = {risk.score} of 9
        </span>
        <Reasons reasons={risk.reasons} summary="How the risk was rated" />
      </div>
    </div>
  );
}

export function ObligationCard({ obligation, live = true }: { obligation: Obligation; live?: boolean }) {
  const { regulator, subjects } = obligation;
  const zone = zoneOf(regulator.deadlineLocal);
  return (
    <article
      className={`obligation decision-${regulator.decision}`}
      aria-labelledby={`ob-${obligation.jurisdiction}`}
    >
      <header>
        <h3 id={`ob-${obligation.jurisdiction}`}>
          <span className="code">{obligation.jurisdiction}</span> {obligation.jurisdictionName}
        </h3>
        <p className="meta">{obligation.pack?.title ?? "No rule pack for this jurisdiction"}</p>
      </header>
      <dl>
        <dt>{regulator.name}</dt>
        <dd>
          <DecisionBadge decision={regulator.decision} />
          {regulator.deadline !== null && (
            <>
              {" "}
              by <time dateTime={regulator.deadline}>{formatInstant(regulator.deadline, zone)}</time>
              {regulator.strict && <span className="strict"> (a hard limit)</span>}
              {live && (
                <>
                  {" · "}
                  <Countdown deadline={regulator.deadline} zone={zone} />
                </>
              )}
            </>
          )}
          <p className="timing">{regulator.timing}</p>
          {regulator.considerations.length > 0 && (
            <ul className="considerations">
              {regulator.considerations.map((text) => (
                <li key={text}>{text}</li>
              ))}
            </ul>
          )}
          <Reasons reasons={regulator.reasons} />
        </dd>
        <dt>The people affected</dt>
        <dd>
          <DecisionBadge decision={subjects.decision} /> <span className="timing">{subjects.timing}</span>
          {subjects.considerations.length > 0 && (
            <ul className="considerations">
              {subjects.considerations.map((text) => (
                <li key={text}>{text}</li>
              ))}
            </ul>
          )}
          <Reasons reasons={subjects.reasons} />
        </dd>
        {obligation.processor !== null && (
          <>
            <dt>The controller</dt>
            <dd>
              <DecisionBadge decision={obligation.processor.decision} /> {obligation.processor.timing}
              <Reasons reasons={obligation.processor.reasons} />
            </dd>
          </>
        )}
      </dl>
    </article>
  );
}

/** One line for a screen reader after each re-assessment: "4 regulators must be told: ICO, …". */
export function summariseAssessment(assessment: Assessment): string {
  const required = assessment.obligations.filter((o) => o.regulator.decision === "required");
  const judgement = assessment.obligations.filter((o) => o.regulator.decision === "judgement");
  const parts = [`${assessment.risk.level} risk`];
  parts.push(
    required.length === 0
      ? "no regulator must be told"
      : `${String(required.length)} ${required.length === 1 ? "regulator must" : "regulators must"} be told (${required.map((o) => countryLabel(o.jurisdiction)).join(", ")})`,
  );
  if (judgement.length > 0) parts.push(`${String(judgement.length)} need your judgement`);
  const first = [...required, ...judgement]
    .map((o) => ({ deadline: o.regulator.deadline, zone: zoneOf(o.regulator.deadlineLocal) }))
    .filter((d): d is { deadline: string; zone: string | undefined } => d.deadline !== null)
    .sort((a, b) => a.deadline.localeCompare(b.deadline))[0];
  if (first !== undefined) parts.push(`the first by ${formatInstant(first.deadline, first.zone)}`);
  const sentence = parts.join("; ");
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
}
