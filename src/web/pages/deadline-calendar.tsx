/**
 * The deadlines as a month calendar: each open duty on the day it falls due (in the reader's zone), coloured by
 * urgency, with the overdue listed first. The same duties are an iCalendar feed for the person's own calendar.
 */
import { useState } from "react";
import type { DeadlineItem } from "../api-types.js";
import { Countdown, useNow } from "../components/countdown.js";
import { ErrorNote, Loading } from "../components/status.js";
import { useDeadlines } from "../components/breach-queries.js";
import { Link, useTitle } from "../router.js";
import { formatInstant, timeLeft } from "../time-left.js";

function dayKey(date: Date): string {
  return `${String(date.getFullYear())}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;
}

const weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

export function DeadlineCalendar() {
  useTitle("Calendar");
  const now = useNow();
  const deadlines = useDeadlines();
  const [month, setMonth] = useState(() => new Date(now.getFullYear(), now.getMonth(), 1));

  const items = deadlines.data?.items ?? [];
  const byDay = new Map<string, DeadlineItem[]>();
  for (const item of items) {
    const key = dayKey(new Date(item.deadline));
    byDay.set(key, [...(byDay.get(key) ?? []), item]);
  }
  // Weeks start on Monday; the grid runs from the Monday on or before the 1st to the Sunday after the last day.
  const first = new Date(month);
  const start = new Date(first);
  start.setDate(1 - ((first.getDay() + 6) % 7));
  const last = new Date(month.getFullYear(), month.getMonth() + 1, 0);
  const days: Date[] = [];
  for (const day = new Date(start); day <= last || days.length % 7 !== 0; day.setDate(day.getDate() + 1))
    days.push(new Date(day));
  const title = month.toLocaleDateString("en-GB", { month: "long", year: "numeric" });
  const overdue = items.filter((item) => item.status === "overdue");
  const inMonth = items
    .filter((item) => {
      const at = new Date(item.deadline);
      return at.getFullYear() === month.getFullYear() && at.getMonth() === month.getMonth();
    })
    .sort((a, b) => a.deadline.localeCompare(b.deadline));
  const shift = (by: number) => {
    setMonth(new Date(month.getFullYear(), month.getMonth() + by, 1));
  };

  return (
    <section>
      <div className="page-head">
        <h1>Deadlines</h1>
        <a className="button" href="/api/v1/deadlines.ics" download="dpdesk-deadlines.ics">
          Add to your calendar (.ics)
        </a>
      </div>
      {deadlines.isPending && <Loading label="Loading the deadlines" />}
      {deadlines.isError && <ErrorNote error={deadlines.error} />}
      {overdue.length > 0 && (
        <div className="alert overdue">
          <strong>Overdue</strong>
          <ul>
            {overdue.map((item) => (
              <li key={`${item.breachId}/${item.jurisdiction}/${item.duty}`}>
                <Link href={`/breaches/${item.breachId}`}>{item.title}</Link>: {item.regulator},{" "}
                <Countdown deadline={item.deadline} />
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="calendar-head">
        <button type="button" onClick={() => shift(-1)} aria-label="Previous month">
          ‹
        </button>
        <h2 aria-live="polite">{title}</h2>
        <button type="button" onClick={() => shift(1)} aria-label="Next month">
          ›
        </button>
        <button type="button" onClick={() => setMonth(new Date(now.getFullYear(), now.getMonth(), 1))}>
          Today
        </button>
      </div>
      <table className="calendar">
        <caption className="visually-hidden">Deadlines in {title}</caption>
        <thead>
          <tr>
            {weekdays.map((day) => (
              <th key={day} scope="col">
                {day}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {Array.from({ length: days.length / 7 }, (_, week) => (
            <tr key={week}>
              {days.slice(week * 7, week * 7 + 7).map((day) => {
                const due = byDay.get(dayKey(day)) ?? [];
                const other = day.getMonth() !== month.getMonth();
                const today = dayKey(day) === dayKey(now);
                return (
                  <td
                    key={dayKey(day)}
                    className={
                      [other ? "other-month" : "", today ? "today" : ""].join(" ").trim() || undefined
                    }
                  >
                    <span className="day-number">
                      {day.getDate()}
                      {today && <span className="visually-hidden"> (today)</span>}
                    </span>
                    {due.map((item) => (
                      <Link
                        key={`${item.breachId}/${item.jurisdiction}/${item.duty}`}
                        href={`/breaches/${item.breachId}`}
                        className={`due urgency-${timeLeft(new Date(item.deadline), now).urgency}`}
                        title={`${item.title}: report to ${item.regulator}`}
                      >
                        <strong>{item.jurisdiction}</strong>{" "}
                        <span className="due-time">
                          {new Date(item.deadline).toLocaleTimeString("en-GB", {
                            hour: "2-digit",
                            minute: "2-digit",
                          })}
                        </span>{" "}
                        <span className="due-title">{item.title}</span>
                      </Link>
                    ))}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 && deadlines.isSuccess && <p className="meta">No open duties with a deadline.</p>}
      {/* The month as a list too: on a phone the grid has room only for times. */}
      {inMonth.length > 0 && (
        <>
          <h2>Due in {title}</h2>
          <ul className="agenda">
            {inMonth.map((item) => (
              <li key={`${item.breachId}/${item.jurisdiction}/${item.duty}`}>
                <time dateTime={item.deadline}>{formatInstant(item.deadline)}</time>{" "}
                <Link href={`/breaches/${item.breachId}`}>{item.title}</Link>: report to {item.regulator}{" "}
                <Countdown deadline={item.deadline} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
