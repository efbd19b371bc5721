/**
 * The people in the exposed files: upload them (POST …/impact, with upload progress, then the server's analysis),
 * see what was found column by column, and the recipient list's counts by jurisdiction and kind of data.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useMemo, useState, type SyntheticEvent } from "react";
import { api, upload } from "../api.js";
import type { BreachView, ImpactUploadResult, ObligationChange, RecipientSummary } from "../api-types.js";
import type { DataCategory } from "../../law/vocabulary.js";
import { categoryLabels, countryLabel, decisionLabel, dutyLabels, specialCategories } from "../labels.js";
import { formatInstant } from "../time-left.js";
import type { Bar } from "./bar-chart.js";
import { Field, formText } from "./field.js";
import { refreshBreach } from "./breach-queries.js";
import { ErrorNote, Loading } from "./status.js";

// The chart library loads with the first chart; only its types are imported here.
const BarChart = lazy(() => import("./bar-chart.js"));

type Phase = { kind: "idle" } | { kind: "sending"; fraction: number } | { kind: "analysing" };

export function PeoplePanel({ breach }: { breach: BreachView }) {
  const client = useQueryClient();
  const summary = useQuery({
    queryKey: ["recipients", breach.id],
    queryFn: () => api<RecipientSummary>(`/api/v1/breaches/${breach.id}/recipients/summary`),
  });
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [result, setResult] = useState<{ upload: ImpactUploadResult; before: Record<string, number> } | null>(
    null,
  );
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: SyntheticEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.getAll("file").every((file) => !(file instanceof File) || file.name === "")) {
      setError(new Error("Choose one or more exposed files (CSV, spreadsheet or JSON lines) first."));
      return;
    }
    if (formText(form, "key") === "") form.delete("key");
    const estimate = Object.values(breach.incident.subjects).reduce((sum, count) => sum + count, 0);
    if (
      estimate > 0 &&
      summary.data?.people === 0 &&
      !window.confirm(
        `The breach's facts now estimate ${estimate.toLocaleString("en-GB")} people. After the upload they count the people found in the exposed files instead, and the breach is re-assessed. Upload every exposed file (more can follow later). Go on?`,
      )
    )
      return;
    setError(null);
    setResult(null);
    setPhase({ kind: "sending", fraction: 0 });
    try {
      const done = await upload<ImpactUploadResult>(
        `/api/v1/breaches/${breach.id}/impact`,
        form,
        (fraction) => {
          setPhase(fraction === null ? { kind: "analysing" } : { kind: "sending", fraction });
        },
      );
      setResult({ upload: done, before: breach.incident.subjects });
      await refreshBreach(client, breach.id);
    } catch (failure) {
      setError(failure);
    } finally {
      setPhase({ kind: "idle" });
    }
  };

  const canWrite = breach.viewer !== "viewer";
  return (
    <>
      <h2>People affected</h2>
      {canWrite && (
        <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="upload-heading">
          <h3 id="upload-heading">Upload the exposed files</h3>
          <p className="hint">
            dpdesk reads them here on your server, finds who is in them and where they live, and keeps a
            sealed list for the letters. The breach's counts are then set from the list and re-assessed.
            Uploading the same files again changes nothing.
          </p>
          <Field
            label="Exposed files"
            hint="CSV, Excel (.xlsx) or JSON lines; several at once if the data was in several"
          >
            <input name="file" type="file" multiple accept=".csv,.tsv,.txt,.xlsx,.json,.jsonl,.ndjson" />
          </Field>
          <Field
            label="Column that identifies a person (optional)"
            hint="e.g. Member No; otherwise dpdesk uses e-mail, or name and date of birth"
          >
            <input name="key" />
          </Field>
          <button type="submit" className="primary" disabled={phase.kind !== "idle"}>
            Upload and analyse
          </button>
          {phase.kind !== "idle" && (
            <div className="progress">
              {/* Only the phase is announced; the bar itself says how far the upload is. */}
              <p role="status" className="progress-phase">
                {phase.kind === "sending"
                  ? "Uploading the files…"
                  : "Analysing the files and importing the people…"}
              </p>
              {phase.kind === "sending" ? (
                <progress aria-label="Upload" max={1} value={phase.fraction}>
                  {Math.round(phase.fraction * 100)}%
                </progress>
              ) : (
                <progress aria-label="Analysis" />
              )}
            </div>
          )}
        </form>
      )}
      {error !== null && <ErrorNote error={error} title="The files were not imported" />}
      {result !== null && <ImpactResult result={result.upload} before={result.before} />}
      {summary.isPending && <Loading label="Loading the counts" />}
      {summary.isError && <ErrorNote error={summary.error} />}
      {summary.isSuccess && <Counts summary={summary.data} />}
    </>
  );
}

/** "France: telling the regulator is now owed (required)". */
function describeChange(change: ObligationChange): string {
  const where = countryLabel(change.jurisdiction);
  const duty = dutyLabels[change.duty].toLowerCase();
  if (change.field === "presence")
    return change.from === null
      ? `${where}: ${duty} is now owed (${decisionLabel(change.to ?? "").toLowerCase()})`
      : `${where}: ${duty} is no longer owed`;
  if (change.field === "decision")
    return `${where}: ${duty} was ${decisionLabel(change.from ?? "").toLowerCase()}, now ${decisionLabel(change.to ?? "").toLowerCase()}`;
  return `${where}: the deadline to ${duty} moved to ${change.to === null ? "none" : formatInstant(change.to)}`;
}

/** "United Kingdom 150,000 → 2" for each place whose count the upload changed. */
function countChanges(before: Record<string, number>, after: Record<string, number>): string[] {
  const places = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (code) => code !== "unknown",
  );
  return places
    .filter((code) => (before[code] ?? 0) !== (after[code] ?? 0))
    .map(
      (code) =>
        `${countryLabel(code)} ${(before[code] ?? 0).toLocaleString("en-GB")} → ${(after[code] ?? 0).toLocaleString("en-GB")}`,
    );
}

function ImpactResult({ result, before }: { result: ImpactUploadResult; before: Record<string, number> }) {
  const { impact } = result;
  return (
    <section className="card result" aria-labelledby="result-heading">
      <h3 id="result-heading">
        Found {impact.subjects.toLocaleString("en-GB")} people in {impact.rows.toLocaleString("en-GB")} rows
      </h3>
      <p role="status">
        {Object.entries(impact.subjectsByJurisdiction)
          .map(([code, count]) => `${countryLabel(code)} ${count.toLocaleString("en-GB")}`)
          .join(" · ")}
      </p>
      {(impact.subjectsByJurisdiction.unknown ?? 0) > 0 && (
        <p className="meta">
          Where {impact.subjectsByJurisdiction.unknown} of them{" "}
          {impact.subjectsByJurisdiction.unknown === 1 ? "lives" : "live"} is not known: they are on the list
          for the letters, but counted under no jurisdiction in the facts.
        </p>
      )}
      {result.breach?.updated === true && (
        <div className={result.breach.changes.length > 0 ? "notice-missing" : undefined}>
          <p>
            The breach's counts of people now come from the list
            {countChanges(before, result.recipients?.byJurisdiction ?? result.impact.subjectsByJurisdiction)
              .length > 0 &&
              ` (${countChanges(before, result.recipients?.byJurisdiction ?? result.impact.subjectsByJurisdiction).join(", ")})`}
            , and it was re-assessed
            {result.breach.changes.length === 0 ? ": no duty changed." : ". What changed:"}
          </p>
          {result.breach.changes.length > 0 && (
            <ul>
              {result.breach.changes.map((change) => (
                <li key={`${change.jurisdiction}/${change.duty}/${change.field}`}>
                  {describeChange(change)}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <details>
        <summary>What each column holds ({impact.columns.length} columns)</summary>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">Found</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {impact.columns.map((column) => (
                <tr key={`${column.file}/${column.name}`}>
                  <td>{column.name}</td>
                  <td>
                    {column.category === null ? column.role : categoryLabels[column.category as DataCategory]}
                  </td>
                  <td className="meta">{column.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}

function Counts({ summary }: { summary: RecipientSummary }) {
  // Kept between renders, so the charts are not destroyed and redrawn each time the page updates.
  const { places, categories } = useMemo(
    () => ({ places: placesOf(summary), categories: categoriesOf(summary) }),
    [summary],
  );
  if (summary.people === 0)
    return (
      <p className="meta">
        No recipient list yet. Upload the exposed files to find who was affected and where they live.
      </p>
    );
  return <CountsView summary={summary} places={places} categories={categories} />;
}

function placesOf(summary: RecipientSummary) {
  return Object.entries(summary.byJurisdiction)
    .sort(([, a], [, b]) => b - a)
    .map(([code, value]) => ({ label: countryLabel(code), value }));
}

function categoriesOf(summary: RecipientSummary) {
  return Object.entries(summary.categories)
    .sort(([, a], [, b]) => b - a)
    .map(([category, value]) => ({
      label: categoryLabels[category as DataCategory],
      value,
      // Special category data stands out: it is what makes a breach high risk.
      ...(specialCategories.includes(category as DataCategory) ? { colour: "#b3261e" } : {}),
    }));
}

function CountsView({
  summary,
  places,
  categories,
}: {
  summary: RecipientSummary;
  places: Bar[];
  categories: Bar[];
}) {
  return (
    <section aria-labelledby="counts-heading">
      <h3 id="counts-heading">The recipient list: {summary.people.toLocaleString("en-GB")} people</h3>
      <p className="meta">
        Reachable by post {summary.reachable.byPost.toLocaleString("en-GB")} · by e-mail only{" "}
        {summary.reachable.byEmailOnly.toLocaleString("en-GB")} · not reachable{" "}
        {summary.reachable.neither.toLocaleString("en-GB")}
      </p>
      <div className="two-columns">
        <figure>
          <figcaption>People by where they live</figcaption>
          <Suspense fallback={<Loading label="Drawing the chart" />}>
            <BarChart bars={places} label="People by where they live" />
          </Suspense>
          <CountTable rows={places} header="Where" testId="people-by-jurisdiction" />
        </figure>
        <figure>
          <figcaption>
            People by kind of data <span className="legend-special">special category</span>
          </figcaption>
          <Suspense fallback={<Loading label="Drawing the chart" />}>
            <BarChart bars={categories} label="People by kind of data" />
          </Suspense>
          <CountTable rows={categories} header="Data" testId="people-by-category" />
        </figure>
      </div>
    </section>
  );
}

function CountTable({
  rows,
  header,
  testId,
}: {
  rows: { label: string; value: number }[];
  header: string;
  testId: string;
}) {
  return (
    <details>
      <summary>As a table</summary>
      <table data-testid={testId}>
        <thead>
          <tr>
            <th scope="col">{header}</th>
            <th scope="col">People</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <td>{row.label}</td>
              <td className="number">{row.value.toLocaleString("en-GB")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
