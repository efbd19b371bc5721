/** The facts as last recorded, and their history: every version, with what changed in the duties. */
import type { BreachView } from "../api-types.js";
import { categoryLabels, causeLabels, countryLabel, natureLabels } from "../labels.js";
import { Link } from "../router.js";
import { formatInstant } from "../time-left.js";
import { ErrorNote, Loading } from "./status.js";
import { describeAction, useTimeline } from "./timeline-panel.js";

const factNames: Record<string, string> = {
  title: "name",
  description: "description",
  awareAt: "awareness time",
  occurredAt: "when it happened",
  discoveredAt: "discovery time",
  controller: "organisation",
  cause: "cause",
  nature: "what happened to the data",
  dataCategories: "kinds of data",
  subjects: "people by jurisdiction",
  records: "records",
  protection: "protection",
  mitigation: "mitigation",
  likelihood: "likelihood",
  impact: "impact",
  response: "what the notices say",
};

function factName(field: string): string {
  return factNames[field] ?? field;
}

export function FactsPanel({ breach }: { breach: BreachView }) {
  const incident = breach.incident;
  const timeline = useTimeline(breach.id);
  const people = Object.values(incident.subjects).reduce((sum, count) => sum + count, 0);
  const history = (timeline.data ?? []).filter((event) =>
    ["breach.filed", "breach.updated", "assessment.recorded", "recipients.imported"].includes(event.action),
  );
  return (
    <>
      <h2>Facts (version {breach.version})</h2>
      <dl className="facts">
        <dt>What happened</dt>
        <dd>{incident.description ?? <span className="meta">not described</span>}</dd>
        <dt>How</dt>
        <dd>{causeLabels[incident.cause]}</dd>
        <dt>To the data</dt>
        <dd>{incident.nature.map((nature) => natureLabels[nature]).join("; ") || "—"}</dd>
        <dt>Aware</dt>
        <dd>{formatInstant(incident.awareAt)}</dd>
        {incident.occurredAt !== undefined && (
          <>
            <dt>Happened</dt>
            <dd>{formatInstant(incident.occurredAt)}</dd>
          </>
        )}
        <dt>Organisation</dt>
        <dd>
          {incident.controller.name} (
          {incident.controller.role === "controller" ? "the controller" : "a processor for the controller"}),
          established in {incident.controller.establishments.map(countryLabel).join(", ")}
        </dd>
        <dt>People ({people.toLocaleString("en-GB")})</dt>
        <dd>
          <ul className="inline-list">
            {Object.entries(incident.subjects).map(([code, count]) => (
              <li key={code}>
                {countryLabel(code)}: {count.toLocaleString("en-GB")}
              </li>
            ))}
          </ul>
        </dd>
        {incident.records !== undefined && (
          <>
            <dt>Records</dt>
            <dd>{incident.records.toLocaleString("en-GB")}</dd>
          </>
        )}
        <dt>Data</dt>
        <dd>{incident.dataCategories.map((category) => categoryLabels[category]).join(", ") || "—"}</dd>
        <dt>Protection</dt>
        <dd>
          {[
            incident.protection.encrypted && "encrypted",
            incident.protection.pseudonymised && "pseudonymised",
            incident.protection.keyCompromised && "key compromised",
            incident.protection.publiclyAvailable && "already public",
          ]
            .filter(Boolean)
            .join(", ") || "none"}
        </dd>
      </dl>
      <p className="actions">
        {breach.viewer !== "viewer" && (
          <Link href={`/breaches/${breach.id}/edit`} className="button primary">
            Change the facts
          </Link>
        )}
        <span className="meta">
          Each change is re-assessed and kept; so is uploading the exposed files (on “People affected”).
        </span>
      </p>
      <h2>History</h2>
      {timeline.isPending && <Loading label="Loading the history" />}
      {timeline.isError && <ErrorNote error={timeline.error} />}
      <ol className="timeline">
        {history.map((event) => {
          const fields = Array.isArray(event.data.fields) ? (event.data.fields as unknown[]).map(String) : [];
          const changes =
            typeof event.data.obligationChanges === "number" ? event.data.obligationChanges : null;
          return (
            <li key={event.seq}>
              <time dateTime={event.at}>{formatInstant(event.at)}</time>
              <div>
                <strong>
                  {fields.length === 0 && event.data.status === "closed"
                    ? "Breach closed"
                    : fields.length === 0 && event.data.status === "open"
                      ? "Breach reopened"
                      : describeAction(event.action)}
                </strong>
                {typeof event.data.version === "number" && ` (version ${String(event.data.version)})`}
                {fields.length > 0 && `: ${fields.map(factName).join(", ")}`}
                {fields.length > 0 && event.data.status === "closed" && " · the breach was closed"}
                {fields.length > 0 && event.data.status === "open" && " · the breach was reopened"}
                {changes !== null &&
                  ` · ${changes === 0 ? "no duty changed" : `${String(changes)} ${changes === 1 ? "duty" : "duties"} changed`}`}
              </div>
            </li>
          );
        })}
      </ol>
    </>
  );
}
