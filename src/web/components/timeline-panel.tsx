/** The breach's audit events, oldest first: who did what, when, each sealed into the organisation's hash chain. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { api } from "../api.js";
import type { BreachView, DutyKind, TimelineEvent, UserView } from "../api-types.js";
import { countryLabel, dutyLabels, outcomeLabels, recipientWords } from "../labels.js";
import { formatInstant } from "../time-left.js";
import { ErrorNote, Loading } from "./status.js";

const actionWords: Record<string, string> = {
  "breach.filed": "Breach filed",
  "breach.updated": "Facts changed",
  "breach.closed": "Breach closed",
  "breach.reopened": "Breach reopened",
  "assessment.recorded": "Assessed",
  "decision.recorded": "Decision recorded",
  "notification.recorded": "Notice given recorded",
  "evidence.added": "Evidence added",
  "recipients.imported": "Recipient list imported",
  "notice.kept": "Regulator notice kept",
  "letters.exported": "Letters exported",
  "letters.queued": "Letters queued for sending",
  "recipients.import_started": "Import of the exposed files started",
  "recipients.batch_stored": "A batch of people stored",
  "recipients.import_completed": "Recipient list imported",
};

export function describeAction(action: string): string {
  return actionWords[action] ?? action.replaceAll(".", " ").replaceAll("_", " ");
}

/** What an event was about, in a few words from its data: "Jersey · tell the regulator · we will notify". */
function eventDetail(event: TimelineEvent): string {
  const data = event.data;
  const parts: string[] = [];
  if (typeof data.jurisdiction === "string") parts.push(countryLabel(data.jurisdiction));
  if (typeof data.duty === "string" && data.duty in dutyLabels)
    parts.push(dutyLabels[data.duty as DutyKind].toLowerCase());
  if (typeof data.outcome === "string" && data.outcome in outcomeLabels)
    parts.push(outcomeLabels[data.outcome as keyof typeof outcomeLabels].toLowerCase());
  if (typeof data.recipient === "string" && data.recipient in recipientWords)
    parts.push(`told ${recipientWords[data.recipient as keyof typeof recipientWords]}`);
  if (data.late === true) parts.push("late");
  if (typeof data.version === "number" && event.action === "notice.kept")
    parts.push(`version ${String(data.version)}`);
  if (typeof data.sha256 === "string" && event.action === "evidence.added")
    parts.push(`SHA-256 ${data.sha256.slice(0, 12)}…`);
  return parts.join(" · ");
}

/**
 * The chain's order, except that within one instant a change reads before the assessment it caused ("Facts
 * changed", then "Assessed"): both are written in one transaction, the assessment first.
 */
function inReadingOrder(events: TimelineEvent[]): TimelineEvent[] {
  const rank = (event: TimelineEvent) => (event.action === "assessment.recorded" ? 1 : 0);
  return [...events].sort((a, b) => a.at.localeCompare(b.at) || rank(a) - rank(b) || a.seq - b.seq);
}

export function useTimeline(breachId: string) {
  return useQuery({
    queryKey: ["timeline", breachId],
    queryFn: async () => inReadingOrder(await api<TimelineEvent[]>(`/api/v1/breaches/${breachId}/timeline`)),
  });
}

/** "user:ID" as the person's name or e-mail, where the organisation's user list says. */
function useActorName(): (actor: string) => string {
  const users = useQuery({ queryKey: ["users"], queryFn: () => api<UserView[]>("/api/v1/users") });
  return (actor) => {
    const user = users.data?.find((each) => `user:${each.userId}` === actor);
    if (user !== undefined) return user.name !== null && user.name !== "" ? user.name : user.email;
    if (actor.startsWith("token:")) return "an API token";
    if (actor === "system" || actor.startsWith("system")) return "dpdesk";
    return actor;
  };
}

export function TimelinePanel({ breach }: { breach: BreachView }) {
  const timeline = useTimeline(breach.id);
  const actorName = useActorName();
  if (timeline.isPending) return <Loading label="Loading the timeline" />;
  if (timeline.isError) return <ErrorNote error={timeline.error} />;
  return (
    <>
      <h2>Timeline</h2>
      <p className="meta">
        Every change to this breach, in order. Each event is sealed into the organisation's audit chain, each
        to the one before: the button re-walks the whole chain.
      </p>
      <ChainCheckButton />
      <ol className="timeline">
        {timeline.data.map((event) => (
          <li key={event.seq}>
            <time dateTime={event.at}>{formatInstant(event.at)}</time>
            <div>
              <strong>{describeAction(event.action)}</strong>
              {eventDetail(event) !== "" && <span className="block">{eventDetail(event)}</span>}
              <span className="meta block">
                by {actorName(event.actor)} · event {event.seq} ·{" "}
                <code title={event.hash}>{event.hash.slice(0, 12)}</code>
              </span>
            </div>
          </li>
        ))}
      </ol>
    </>
  );
}

interface ChainCheck {
  ok: boolean;
  events: number;
  entitiesChecked: number;
  head: { seq: number; hash: string } | null;
  firstBroken: { seq: number | null; problem: string } | null;
}

/** Re-walks the organisation's audit chain on the server (GET /api/v1/audit/verify) and says what it found. */
function ChainCheckButton() {
  const [result, setResult] = useState<ChainCheck | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const check = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await api<ChainCheck>("/api/v1/audit/verify"));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="chain-check">
      <button type="button" onClick={() => void check()} disabled={busy}>
        {busy ? "Checking…" : "Check the audit chain"}
      </button>
      <p role="status" className={result === null ? undefined : result.ok ? "ok" : "field-error"}>
        {result === null
          ? ""
          : result.ok
            ? `Intact: ${result.events.toLocaleString("en-GB")} events, each sealed to the one before; ${result.entitiesChecked.toLocaleString("en-GB")} records match their last event. Head ${String(result.head?.seq ?? 0)}, ${result.head?.hash.slice(0, 16) ?? ""}…`
            : `Broken${result.firstBroken?.seq == null ? "" : ` at event ${String(result.firstBroken.seq)}`}: ${result.firstBroken?.problem ?? "unknown"}. Keep a copy of the database and tell whoever runs dpdesk.`}
      </p>
      {error !== null && <ErrorNote error={error} />}
    </div>
  );
}
