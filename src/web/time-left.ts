/**
 * How long is left before a deadline, in words a person under pressure reads at a glance, and how urgent it is.
 * Pure (the time is passed in), so the countdowns and their colours are tested at fixed instants.
 */

export type Urgency = "overdue" | "hours" | "day" | "later";

export interface TimeLeft {
  /** "2 days 4 hours left", "45 minutes left", "overdue by 3 days 2 hours" */
  text: string;
  /** The same without "left" or "overdue by", for tight spaces: "2 d 4 h" */
  short: string;
  urgency: Urgency;
}

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

function plural(count: number, unit: string): string {
  return `${String(count)} ${unit}${count === 1 ? "" : "s"}`;
}

/** The two largest units of a span: "3 days 2 hours", "5 hours 12 minutes", "40 seconds". */
function span(ms: number): { long: string; short: string } {
  const days = Math.floor(ms / day);
  const hours = Math.floor((ms % day) / hour);
  const minutes = Math.floor((ms % hour) / minute);
  const seconds = Math.floor((ms % minute) / 1000);
  if (days > 0)
    return {
      long: hours > 0 ? `${plural(days, "day")} ${plural(hours, "hour")}` : plural(days, "day"),
      short: `${String(days)} d ${String(hours)} h`,
    };
  if (hours > 0)
    return {
      long: minutes > 0 ? `${plural(hours, "hour")} ${plural(minutes, "minute")}` : plural(hours, "hour"),
      short: `${String(hours)} h ${String(minutes)} m`,
    };
  if (minutes > 0)
    return { long: plural(minutes, "minute"), short: `${String(minutes)} m ${String(seconds)} s` };
  return { long: plural(seconds, "second"), short: `${String(seconds)} s` };
}

/**
 * Overdue once the deadline has passed; "hours" inside the last 24 hours (GDPR's 72-hour clock has a day to
 * run); "day" inside the last 72 hours; "later" beyond.
 */
export function timeLeft(deadline: Date, now: Date): TimeLeft {
  const ms = deadline.getTime() - now.getTime();
  if (ms <= 0) {
    const late = span(-ms);
    return { text: `overdue by ${late.long}`, short: `−${late.short}`, urgency: "overdue" };
  }
  const left = span(ms);
  const urgency: Urgency = ms < day ? "hours" : ms <= 3 * day ? "day" : "later";
  return { text: `${left.long} left`, short: left.short, urgency };
}

/** A date and time in the reader's own time zone, with the zone named: "Sat, 28 Jun 2025, 09:00 BST". */
export function formatInstant(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
    ...(timeZone === undefined ? {} : { timeZone }),
  }).format(new Date(iso));
}

/** The local wall-clock part of a deadline the law computed in its own zone: "2025-06-28T09:00:00+01:00[Europe/London]". */
export function zoneOf(deadlineLocal: string | null): string | undefined {
  const match = deadlineLocal === null ? null : /\[([^\]]+)\]$/.exec(deadlineLocal);
  return match?.[1];
}

/** A datetime-local value ("2025-06-25T09:30") for now, in the browser's zone: a form's "when" as it opens. */
export function localNow(): string {
  const now = new Date();
  now.setSeconds(0, 0);
  return new Date(now.getTime() - now.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}
