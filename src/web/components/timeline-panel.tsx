/** The breach's audit events, oldest first: who did what, when, each sealed into the organisation's hash chain. */
import { useQuery } from "@tanstack/react-query";
import { api } from "../api.js";
import type { BreachView, TimelineEvent } from "../api-types.js";
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
};

export function describeAction(action: string): string {
  return actionWords[action] ?? action.replaceAll(".", " ").replaceAll("_", " ");
}

export function useTimeline(breachId: string) {
  return useQuery({
    queryKey: ["timeline", breachId],
    queryFn: () => api<TimelineEvent[]>(`/api/v1/breaches/${breachId}/timeline`),
  });
}

export function TimelinePanel({ breach }: { breach: BreachView }) {
  const timeline = useTimeline(breach.id);
  if (timeline.isPending) return <Loading label="Loading the timeline" />;
  if (timeline.isError) return <ErrorNote error={timeline.error} />;
  return (
    <>
      <h2>Timeline</h2>
      <p className="meta">
        Every change to this breach, in order. Each event is sealed into the organisation's audit chain ({" "}
        <code>dpdesk audit verify</code> re-walks it).
      </p>
      <ol className="timeline">
        {timeline.data.map((event) => (
          <li key={event.seq}>
            <time dateTime={event.at}>{formatInstant(event.at)}</time>
            <div>
              <strong>{describeAction(event.action)}</strong>
              <span className="meta block">
                by {event.actor} · event {event.seq} ·{" "}
                <code title={event.hash}>{event.hash.slice(0, 12)}</code>
              </span>
            </div>
          </li>
        ))}
      </ol>
    </>
  );
}
