/**
 * Deadline arithmetic. Breach-reporting clocks run in clock hours from the moment of awareness: weekends and
 * public holidays do not extend them (RULEBOOK §8; [U] for the holiday point), and daylight-saving changes do
 * not shorten or lengthen them. So a deadline is an exact instant; the regime's time zone only shows it.
 */
import { Temporal } from "temporal-polyfill";

const hourMs = 3_600_000;

/** The instant `hours` clock hours after `fromMs` (epoch milliseconds). */
export function addClockHours(fromMs: number, hours: number): number {
  return fromMs + hours * hourMs;
}

/** An instant as ISO 8601 in UTC, without milliseconds when there are none: `2025-06-28T09:00:00Z`. */
export function formatInstant(epochMs: number): string {
  const iso = new Date(epochMs).toISOString();
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso;
}

/** An instant shown in a time zone, e.g. `2025-06-28T10:00:00+01:00[Europe/London]`. */
export function formatInZone(epochMs: number, timeZone: string): string {
  return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).toString();
}

/** Accepts the forms a caller may pass the current time in. */
export function toEpochMs(at: Date | string | number): number {
  const ms = at instanceof Date ? at.getTime() : typeof at === "number" ? at : Date.parse(at);
  if (!Number.isFinite(ms)) throw new RangeError(`not a valid instant: ${String(at)}`);
  return ms;
}
