/**
 * One breach: its duties and the decisions taken, its facts and their history, the people in its exposed files,
 * its notices and letters, its evidence and its timeline, each on a tab (the tab is kept in the address).
 */
import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState, type KeyboardEvent } from "react";
import { api } from "../api.js";
import type { BreachView } from "../api-types.js";
import { RiskSummary } from "../components/assessment-view.js";
import { refreshBreach, useBreach } from "../components/breach-queries.js";
import { ErrorNote, Loading } from "../components/status.js";
import { DutiesPanel } from "../components/duties-panel.js";
import { FactsPanel } from "../components/facts-panel.js";
import { PeoplePanel } from "../components/people-panel.js";
import { DocumentsPanel } from "../components/documents-panel.js";
import { EvidencePanel } from "../components/evidence-panel.js";
import { TimelinePanel } from "../components/timeline-panel.js";
import { useTitle } from "../router.js";
import { formatInstant } from "../time-left.js";

const tabs = [
  ["duties", "Duties and decisions"],
  ["facts", "Facts"],
  ["people", "People affected"],
  ["documents", "Notices and letters"],
  ["evidence", "Evidence"],
  ["timeline", "Timeline"],
] as const;
type Tab = (typeof tabs)[number][0];

function tabFromHash(): Tab {
  const wanted = location.hash.slice(1);
  return tabs.find(([id]) => id === wanted)?.[0] ?? "duties";
}

export function BreachPage({ id }: { id: string }) {
  const breach = useBreach(id);
  const [tab, setTab] = useState<Tab>(tabFromHash);
  const [visited, setVisited] = useState<ReadonlySet<Tab>>(() => new Set([tab]));
  const tabRefs = useRef(new Map<Tab, HTMLButtonElement>());
  useTitle(breach.data?.title ?? "Breach");

  const choose = (next: Tab, focus = false) => {
    setTab(next);
    setVisited((before) => (before.has(next) ? before : new Set([...before, next])));
    history.replaceState(null, "", `#${next}`);
    if (focus) tabRefs.current.get(next)?.focus();
  };
  // The tab list's keys (WAI-ARIA tabs pattern): arrows move between tabs, Home and End to the ends.
  const onKey = (event: KeyboardEvent) => {
    const index = tabs.findIndex(([name]) => name === tab);
    const move = { ArrowRight: 1, ArrowLeft: -1, Home: -index, End: tabs.length - 1 - index }[event.key];
    if (move === undefined) return;
    event.preventDefault();
    const next = tabs[(index + move + tabs.length) % tabs.length];
    if (next !== undefined) choose(next[0], true);
  };

  if (breach.isPending) return <Loading label="Loading the breach" />;
  if (breach.isError) return <ErrorNote error={breach.error} />;
  const view = breach.data;
  const overdue = view.duties.filter((duty) => duty.status === "overdue").length;
  const open = view.duties.filter((duty) => duty.status === "open").length;

  return (
    <article className="breach">
      <header className="breach-head">
        <h1>{view.title}</h1>
        <p className="meta">
          {view.status === "open" ? "Open" : "Closed"} · aware {formatInstant(view.awareAt)} · filed{" "}
          {formatInstant(view.createdAt)} · facts version {view.version}
        </p>
        <div className="head-row">
          <RiskSummary risk={view.assessment.risk} />
          <p className={overdue > 0 ? "duty-count overdue" : "duty-count"}>
            {overdue > 0
              ? `${String(overdue)} overdue`
              : open > 0
                ? `${String(open)} to do`
                : "Every duty done or decided"}
            {overdue > 0 && open > 0 && `, ${String(open)} more to do`}
          </p>
          {view.viewer !== "viewer" && <StatusButton breach={view} openDuties={overdue + open} />}
        </div>
      </header>
      <div role="tablist" aria-label="Parts of the breach" className="tabs" onKeyDown={onKey}>
        {tabs.map(([name, label]) => (
          <button
            key={name}
            type="button"
            role="tab"
            id={`tab-${name}`}
            aria-selected={tab === name}
            aria-controls={`panel-${name}`}
            tabIndex={tab === name ? 0 : -1}
            ref={(element) => {
              if (element !== null) tabRefs.current.set(name, element);
            }}
            onClick={() => {
              choose(name);
            }}
          >
            {label}
          </button>
        ))}
      </div>
      {/* A panel once opened stays mounted (hidden) so that an upload in progress, or its result, survives a
          look at another tab. */}
      {tabs
        .filter(([name]) => visited.has(name))
        .map(([name]) => (
          <div
            key={name}
            role="tabpanel"
            id={`panel-${name}`}
            aria-labelledby={`tab-${name}`}
            tabIndex={0}
            className="tab-panel"
            hidden={tab !== name}
          >
            {name === "duties" && <DutiesPanel breach={view} />}
            {name === "facts" && <FactsPanel breach={view} />}
            {name === "people" && <PeoplePanel breach={view} />}
            {name === "documents" && <DocumentsPanel breach={view} />}
            {name === "evidence" && <EvidencePanel breach={view} />}
            {name === "timeline" && <TimelinePanel breach={view} />}
          </div>
        ))}
    </article>
  );
}

/** Closing a breach takes it off the deadlines; it stays kept, and can be reopened when something new comes up. */
function StatusButton({ breach, openDuties }: { breach: BreachView; openDuties: number }) {
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const closing = breach.status === "open";
  const change = async () => {
    if (
      closing &&
      !window.confirm(
        openDuties > 0
          ? `${String(openDuties)} ${openDuties === 1 ? "duty is" : "duties are"} neither done nor decided. Close the breach anyway? Its deadlines leave the calendar.`
          : "Close the breach? It is kept, with everything recorded, and can be reopened.",
      )
    )
      return;
    setError(null);
    setBusy(true);
    try {
      await api(`/api/v1/breaches/${breach.id}`, {
        method: "PATCH",
        body: { status: closing ? "closed" : "open" },
      });
      await refreshBreach(client, breach.id);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div>
      <button type="button" disabled={busy} onClick={() => void change()}>
        {closing ? "Close the breach" : "Reopen the breach"}
      </button>
      {error !== null && <ErrorNote error={error} />}
    </div>
  );
}
