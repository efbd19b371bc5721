/**
 * The breaches: each with its regulators and a live countdown to each deadline, coloured by urgency; breaches with
 * overdue duties first, then the nearest deadline.
 */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api.js";
import type { BreachListItem, DeadlineItem } from "../api-types.js";
import { Countdown, DecisionBadge } from "../components/countdown.js";
import { ErrorNote, Loading } from "../components/status.js";
import { countryLabel } from "../labels.js";
import { useDeadlines } from "../components/breach-queries.js";
import { Link, useTitle } from "../router.js";
import { formatInstant } from "../time-left.js";

type Filter = "open" | "closed" | "all";

export function BreachList() {
  useTitle("Breaches");
  const [filter, setFilter] = useState<Filter>("open");
  const breaches = useQuery({
    queryKey: ["breaches", filter],
    queryFn: () =>
      api<{ items: BreachListItem[]; nextCursor: string | null }>(
        `/api/v1/breaches?limit=200${filter === "all" ? "" : `&status=${filter}`}`,
      ),
  });
  const deadlines = useDeadlines();

  const open = new Map<string, DeadlineItem>();
  for (const item of deadlines.data?.items ?? [])
    if (item.duty === "regulator") open.set(`${item.breachId}/${item.jurisdiction}`, item);
  const overdue = (deadlines.data?.items ?? []).filter((item) => item.status === "overdue");
  const rank = (breach: BreachListItem) => {
    const duties = breach.obligations
      .map((o) => open.get(`${breach.id}/${o.jurisdiction}`))
      .filter((d) => d !== undefined);
    const late = duties.some((d) => d.status === "overdue");
    const next = Math.min(...duties.map((d) => Date.parse(d.deadline)));
    return { late, next };
  };
  const items = [...(breaches.data?.items ?? [])].sort((a, b) => {
    const x = rank(a);
    const y = rank(b);
    return Number(y.late) - Number(x.late) || x.next - y.next || b.createdAt.localeCompare(a.createdAt);
  });

  return (
    <section>
      <div className="page-head">
        <h1>Breaches</h1>
        <Link href="/breaches/new" className="button primary">
          File a new breach
        </Link>
      </div>
      {overdue.length > 0 && (
        <div className="alert overdue">
          <strong>
            {overdue.length} overdue {overdue.length === 1 ? "duty" : "duties"}
          </strong>
          <ul>
            {overdue.map((item) => (
              <li key={`${item.breachId}/${item.jurisdiction}/${item.duty}`}>
                <Link href={`/breaches/${item.breachId}`}>{item.title}</Link>: report to {item.regulator},{" "}
                <Countdown deadline={item.deadline} />
              </li>
            ))}
          </ul>
        </div>
      )}
      <fieldset className="segmented">
        <legend className="visually-hidden">Show</legend>
        {(["open", "closed", "all"] as const).map((value) => (
          <label key={value}>
            <input
              type="radio"
              name="filter"
              value={value}
              checked={filter === value}
              onChange={() => setFilter(value)}
            />
            {value === "all" ? "All" : value === "open" ? "Open" : "Closed"}
          </label>
        ))}
      </fieldset>
      {breaches.isPending && <Loading label="Loading the breaches" />}
      {breaches.isError && <ErrorNote error={breaches.error} />}
      {deadlines.isError && <ErrorNote error={deadlines.error} title="The deadlines could not be loaded" />}
      {breaches.isSuccess && items.length === 0 && (
        <div className="empty card">
          <h2>No {filter === "all" ? "" : filter} breaches</h2>
          <p>When something goes wrong, file it here: dpdesk tells you who must be told, by when, and why.</p>
          <Link href="/breaches/new" className="button primary">
            File a new breach
          </Link>
        </div>
      )}
      <ul className="breach-list">
        {items.map((breach) => (
          <li key={breach.id} className="card breach-card">
            <h2>
              <Link href={`/breaches/${breach.id}`}>{breach.title}</Link>
            </h2>
            <p className="meta">
              {breach.risk !== null && (
                <span className={`badge risk-badge risk-${breach.risk.level}`}>
                  {breach.risk.level === "high" ? "High" : breach.risk.level === "medium" ? "Medium" : "Low"}{" "}
                  risk {breach.risk.score}
                </span>
              )}{" "}
              Aware {formatInstant(breach.awareAt)} · {breach.status === "open" ? "Open" : "Closed"}
            </p>
            <table className="duties compact">
              <caption className="visually-hidden">Reports to regulators for {breach.title}</caption>
              <thead>
                <tr>
                  <th scope="col">Where</th>
                  <th scope="col">Regulator</th>
                  <th scope="col">Report</th>
                  <th scope="col">Deadline</th>
                </tr>
              </thead>
              <tbody>
                {breach.obligations.map((obligation) => {
                  const duty = open.get(`${breach.id}/${obligation.jurisdiction}`);
                  return (
                    <tr
                      key={obligation.jurisdiction}
                      className={duty?.status === "overdue" ? "row-overdue" : undefined}
                    >
                      <td>
                        <abbr title={countryLabel(obligation.jurisdiction)}>{obligation.jurisdiction}</abbr>
                      </td>
                      <td>{obligation.regulator}</td>
                      <td>
                        <DecisionBadge decision={obligation.decision} />
                      </td>
                      <td>
                        {obligation.deadline === null ? (
                          "—"
                        ) : duty !== undefined ? (
                          <Countdown deadline={obligation.deadline} />
                        ) : obligation.decision === "not_required" ? (
                          "—"
                        ) : !deadlines.isSuccess ? (
                          <span className="meta">{deadlines.isError ? "unknown" : "…"}</span>
                        ) : (
                          <span className="done">Reported or decided</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </li>
        ))}
      </ul>
      {breaches.data?.nextCursor != null && <p className="hint">Showing the newest 200 breaches.</p>}
    </section>
  );
}
