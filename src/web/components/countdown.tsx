/** Live countdowns: one shared clock ticks every second for every countdown on the page. */
import { useSyncExternalStore } from "react";
import { decisionLabel } from "../labels.js";
import { formatInstant, timeLeft } from "../time-left.js";

let now = new Date();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (timer === null) now = new Date();
  timer ??= setInterval(() => {
    now = new Date();
    for (const each of listeners) each();
  }, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export function useNow(): Date {
  return useSyncExternalStore(subscribe, () => now);
}

/** "2 days 4 hours left", coloured by urgency; the deadline itself in the reader's zone on hover and for readers. */
export function Countdown({ deadline, zone }: { deadline: string; zone?: string | undefined }) {
  const current = useNow();
  const left = timeLeft(new Date(deadline), current);
  const when = formatInstant(deadline, zone);
  return (
    <span className={`countdown urgency-${left.urgency}`} title={when}>
      <time dateTime={deadline}>{left.text}</time>
      <span className="visually-hidden"> (deadline {when})</span>
    </span>
  );
}

export function DecisionBadge({ decision }: { decision: string }) {
  return <span className={`badge decision-${decision}`}>{decisionLabel(decision)}</span>;
}
