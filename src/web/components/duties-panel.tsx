/**
 * What is owed and what was done: each duty with its countdown and status, the decisions taken with their
 * rationale, the notices given, and forms to record both (POST …/decisions, POST …/notifications).
 */
import { useQueryClient } from "@tanstack/react-query";
import { useState, type SyntheticEvent } from "react";
import { api, ApiError } from "../api.js";
import type { BreachView, Decision, DutyKind } from "../api-types.js";
import { countryLabel, dutyLabels, outcomeLabels, recipientWords, statusLabels } from "../labels.js";
import { formatInstant, localNow, zoneOf } from "../time-left.js";
import { ObligationCard } from "./assessment-view.js";
import { Countdown, DecisionBadge } from "./countdown.js";
import { Field, formText } from "./field.js";
import type { NotificationInput } from "../../breaches/breach-inputs.js";
import { refreshBreach } from "./breach-queries.js";
import { ErrorNote } from "./status.js";
import { useSubmission } from "./use-submission.js";

// Typed against the API's own input schema: a new method fails the type check here until it has words.
const methodLabels: Record<NotificationInput["method"], string> = {
  online_form: "Online form",
  email: "E-mail",
  phone: "Phone",
  post: "Post",
  letter: "Letter",
  public_statement: "Public statement",
  portal: "Portal",
  other: "Other",
};
const methods = Object.keys(methodLabels) as NotificationInput["method"][];

function JurisdictionField({
  jurisdictions,
  error,
}: {
  jurisdictions: readonly string[];
  error: string | undefined;
}) {
  return (
    <Field label="Jurisdiction" error={error}>
      <select name="jurisdiction" defaultValue={jurisdictions[0]}>
        {jurisdictions.map((code) => (
          <option key={code} value={code}>
            {countryLabel(code)}
          </option>
        ))}
      </select>
    </Field>
  );
}

function methodLabel(method: string): string {
  return (methodLabels as Record<string, string | undefined>)[method] ?? method;
}

export function DutiesPanel({ breach }: { breach: BreachView }) {
  const canWrite = breach.viewer !== "viewer";
  const zones = new Map(
    breach.assessment.obligations.map((o) => [o.jurisdiction, zoneOf(o.regulator.deadlineLocal)]),
  );
  const regulatorOf = new Map(breach.assessment.obligations.map((o) => [o.jurisdiction, o.regulator.name]));
  return (
    <>
      <h2>Duties</h2>
      <div className="table-scroll">
        <table className="duties">
          <thead>
            <tr>
              <th scope="col">Where</th>
              <th scope="col">Duty</th>
              <th scope="col">The law says</th>
              <th scope="col">Deadline</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {breach.duties.map((duty) => (
              <tr
                key={`${duty.jurisdiction}/${duty.duty}`}
                className={duty.status === "overdue" ? "row-overdue" : undefined}
              >
                <td>{countryLabel(duty.jurisdiction)}</td>
                <td>
                  {dutyLabels[duty.duty]}
                  {duty.duty === "regulator" && (
                    <span className="meta block">{regulatorOf.get(duty.jurisdiction)}</span>
                  )}
                </td>
                <td>
                  <DecisionBadge decision={duty.decision} />
                </td>
                <td>
                  {duty.deadline === null ? (
                    <span className="meta">no fixed deadline</span>
                  ) : duty.status === "open" || duty.status === "overdue" ? (
                    <Countdown deadline={duty.deadline} zone={zones.get(duty.jurisdiction)} />
                  ) : (
                    <time dateTime={duty.deadline}>
                      {formatInstant(duty.deadline, zones.get(duty.jurisdiction))}
                    </time>
                  )}
                </td>
                <td>
                  <span className={`badge status-${duty.status}`}>{statusLabels[duty.status]}</span>
                  {/* A decision not to notify a required duty stays visible as such. */}
                  {duty.status === "decided" && duty.decision === "required" && (
                    <span className="badge decision-judgement">not notifying a required duty</span>
                  )}
                  {duty.status === "met" &&
                    duty.duty === "regulator" &&
                    breach.notifications.some(
                      (n) => n.jurisdiction === duty.jurisdiction && n.recipient === "regulator" && n.late,
                    ) && <span className="badge status-overdue">late</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="two-columns">
        <section aria-labelledby="decisions-heading">
          <h2 id="decisions-heading">Decisions</h2>
          {breach.decisions.length === 0 ? (
            <p className="meta">
              No decisions recorded yet. A decision not to notify must be recorded with its reasons.
            </p>
          ) : (
            <ul className="decisions">
              {breach.decisions.map((decision) => (
                <DecisionItem key={decision.id} decision={decision} />
              ))}
            </ul>
          )}
          {canWrite && breach.assessment.obligations.length > 0 && <DecisionForm breach={breach} />}
        </section>
        <section aria-labelledby="notices-heading">
          <h2 id="notices-heading">Notices given</h2>
          {breach.notifications.length === 0 ? (
            <p className="meta">No notices recorded yet.</p>
          ) : (
            <ul className="decisions">
              {breach.notifications.map((notice) => (
                <li key={notice.id}>
                  <strong>
                    {countryLabel(notice.jurisdiction)}:{" "}
                    {notice.recipient === "regulator"
                      ? (regulatorOf.get(notice.jurisdiction) ?? "the regulator")
                      : recipientWords[notice.recipient]}
                  </strong>{" "}
                  ({notice.phase === "initial" ? "initial" : "follow-up"}, {methodLabel(notice.method)})
                  <span className="meta block">
                    {formatInstant(notice.givenAt)}
                    {notice.reference !== null && ` · ref ${notice.reference}`}
                    {notice.late && " · late"}
                  </span>
                  {notice.delayReasonMissing && (
                    <span className="badge status-overdue">No reason for the delay given</span>
                  )}
                </li>
              ))}
            </ul>
          )}
          {canWrite && breach.assessment.obligations.length > 0 && <NotificationForm breach={breach} />}
        </section>
      </div>

      <h2>What the law says, jurisdiction by jurisdiction</h2>
      <p className="meta">
        Assessed {formatInstant(breach.assessment.assessedAt)} with the rule packs in force then. Open “Why”
        for the reasons and their sources.
      </p>
      <div className="obligations">
        {breach.assessment.obligations.map((obligation) => (
          <ObligationCard key={obligation.jurisdiction} obligation={obligation} live={false} />
        ))}
      </div>
    </>
  );
}

function DecisionItem({ decision }: { decision: Decision }) {
  return (
    <li>
      <strong>
        {countryLabel(decision.jurisdiction)}, {dutyLabels[decision.duty].toLowerCase()}:{" "}
        {outcomeLabels[decision.outcome]}
      </strong>
      <blockquote>{decision.rationale}</blockquote>
      <span className="meta">{formatInstant(decision.decidedAt)}</span>
    </li>
  );
}

function useRefresh(breachId: string) {
  const client = useQueryClient();
  return () => refreshBreach(client, breachId);
}

function DecisionForm({ breach }: { breach: BreachView }) {
  const refresh = useRefresh(breach.id);
  const { busy, error, saved, run, fieldError } = useSubmission();
  const jurisdictions = breach.assessment.obligations.map((o) => o.jurisdiction);
  const [choice, setChoice] = useState({
    jurisdiction: jurisdictions[0] ?? "",
    duty: "regulator",
    outcome: "notify",
  });
  const lawSays = breach.duties.find(
    (d) => d.jurisdiction === choice.jurisdiction && d.duty === choice.duty,
  )?.decision;
  const duties: DutyKind[] =
    breach.incident.controller.role === "processor"
      ? ["regulator", "subjects", "processor"]
      : ["regulator", "subjects"];

  const submit = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    // Not notifying a duty the law says is required is asked about once more: it is the decision a regulator
    // is most likely to question.
    if (
      form.get("outcome") === "not_notify" &&
      lawSays === "required" &&
      !window.confirm(
        `The law says ${countryLabel(formText(form, "jurisdiction"))}'s duty to ${dutyLabels[formText(form, "duty") as DutyKind].toLowerCase()} is required. Record a decision not to notify?`,
      )
    )
      return;
    await run(async () => {
      await api(`/api/v1/breaches/${breach.id}/decisions`, {
        method: "POST",
        body: {
          jurisdiction: form.get("jurisdiction"),
          duty: form.get("duty"),
          outcome: form.get("outcome"),
          rationale: form.get("rationale"),
        },
      });
      formElement.reset();
      setChoice({ jurisdiction: jurisdictions[0] ?? "", duty: "regulator", outcome: "notify" });
      await refresh();
      return "Decision recorded.";
    });
  };
  return (
    <form
      className="card"
      onSubmit={(event) => void submit(event)}
      onChange={(event) => {
        const form = new FormData(event.currentTarget);
        setChoice({
          jurisdiction: formText(form, "jurisdiction"),
          duty: formText(form, "duty"),
          outcome: formText(form, "outcome"),
        });
      }}
      aria-labelledby="decision-form-heading"
    >
      <h3 id="decision-form-heading">Record a decision</h3>
      {error !== null && <ErrorNote error={error} title="The decision was not recorded" />}
      <div className="row">
        <JurisdictionField jurisdictions={jurisdictions} error={fieldError("jurisdiction")} />
        <Field label="Duty" error={fieldError("duty")}>
          <select name="duty" defaultValue="regulator">
            {duties.map((duty) => (
              <option key={duty} value={duty}>
                {dutyLabels[duty]}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="Decision" error={fieldError("outcome")}>
        <select name="outcome" defaultValue="notify">
          {Object.entries(outcomeLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </Field>
      {choice.outcome === "not_notify" && lawSays === "required" && (
        <p className="notice-missing" role="note">
          The law says this duty is <strong>required</strong>. Not notifying needs strong reasons (for example
          a mitigation that removes the risk); they are kept for ever and the regulator may ask for them.
        </p>
      )}
      <Field
        label="Why"
        hint="The reasons, as you would give them to the regulator. Kept for ever."
        error={fieldError("rationale")}
      >
        <textarea name="rationale" rows={3} required minLength={10} />
      </Field>
      <button type="submit" className="primary" aria-disabled={busy}>
        {busy ? "Recording…" : "Record the decision"}
      </button>
      <p role="status" className="saved">
        {saved}
      </p>
    </form>
  );
}

function NotificationForm({ breach }: { breach: BreachView }) {
  const refresh = useRefresh(breach.id);
  const { busy, error, saved, run, fieldError, setError, setSaved } = useSubmission();
  const jurisdictions = breach.assessment.obligations.map((o) => o.jurisdiction);

  const submit = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const given = formText(form, "givenAt", { trim: false });
    const reference = formText(form, "reference");
    const delayReason = formText(form, "delayReason");
    // Checked here as well as by the law's rules: a notice before the breach was known is a typo, and a late
    // report owes its reasons (GDPR Art 33(1); RULEBOOK §3).
    const at = given === "" ? null : new Date(given);
    const deadline = breach.assessment.obligations.find((o) => o.jurisdiction === form.get("jurisdiction"))
      ?.regulator.deadline;
    const problems = [];
    if (at !== null && at < new Date(breach.awareAt))
      problems.push({ field: "givenAt", message: "is before you became aware of the breach" });
    if (
      at !== null &&
      form.get("recipient") === "regulator" &&
      deadline != null &&
      at > new Date(deadline) &&
      delayReason === ""
    )
      problems.push({ field: "delayReason", message: "is needed: this report is after the deadline" });
    if (problems.length > 0) {
      setSaved(null);
      setError(new ApiError(400, "Check the notice", "", problems));
      return;
    }
    await run(async () => {
      await api(`/api/v1/breaches/${breach.id}/notifications`, {
        method: "POST",
        body: {
          jurisdiction: form.get("jurisdiction"),
          recipient: form.get("recipient"),
          phase: form.get("phase"),
          givenAt: given === "" ? "" : new Date(given).toISOString(),
          method: form.get("method"),
          ...(reference === "" ? {} : { reference }),
          ...(delayReason === "" ? {} : { delayReason }),
        },
      });
      formElement.reset();
      await refresh();
      return "Notice recorded.";
    });
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="notice-form-heading">
      <h3 id="notice-form-heading">Record a notice given</h3>
      {error !== null && <ErrorNote error={error} title="The notice was not recorded" />}
      <div className="row">
        <JurisdictionField jurisdictions={jurisdictions} error={fieldError("jurisdiction")} />
        <Field label="Told" error={fieldError("recipient")}>
          <select name="recipient" defaultValue="regulator">
            <option value="regulator">The regulator</option>
            <option value="subjects">The people affected</option>
            <option value="public">The public</option>
            <option value="controller">The controller</option>
          </select>
        </Field>
      </div>
      <div className="row">
        <Field
          label="When"
          hint={`In your time (${Intl.DateTimeFormat().resolvedOptions().timeZone})`}
          error={fieldError("givenAt")}
        >
          <input name="givenAt" type="datetime-local" required defaultValue={localNow()} />
        </Field>
        <Field label="How" error={fieldError("method")}>
          <select name="method" defaultValue="online_form">
            {methods.map((method) => (
              <option key={method} value={method}>
                {methodLabels[method]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Report" error={fieldError("phase")}>
          <select name="phase" defaultValue="initial">
            <option value="initial">Initial</option>
            <option value="follow_up">Follow-up</option>
          </select>
        </Field>
      </div>
      <Field label="Reference" hint="The regulator's case number, if given" error={fieldError("reference")}>
        <input name="reference" />
      </Field>
      <Field
        label="Reason for any delay"
        hint="Needed when the notice is given after the deadline"
        error={fieldError("delayReason")}
      >
        <textarea name="delayReason" rows={2} />
      </Field>
      <button type="submit" className="primary" aria-disabled={busy}>
        {busy ? "Recording…" : "Record the notice"}
      </button>
      <p role="status" className="saved">
        {saved}
      </p>
    </form>
  );
}
