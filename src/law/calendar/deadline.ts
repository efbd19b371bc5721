/**
 * Deadline arithmetic. Breach-reporting clocks run in clock hours from the moment of awareness: weekends and
 * public holidays do not extend them (RULEBOOK §8; [U] for the holiday point), and daylight-saving changes do
 * not shorten or lengthen them. So a deadline is an exact instant; the regime's time zone only shows it.
 *
 * The formatters here run for every obligation of every assessment (the wizard assesses on each keystroke), so
 * they avoid building Date and Temporal objects on the hot path: see bench/assess.ts.
 */
import { Temporal } from "temporal-polyfill";

const hourMs = 3_600_000;

/** The instant `hours` clock hours after `fromMs` (epoch milliseconds). */
export function addClockHours(fromMs: number, hours: number): number {
  return fromMs + hours * hourMs;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** Civil date and time of an epoch-millisecond count, in UTC (days-from-civil, inverted; H. Hinnant). */
function civil(epochMs: number): {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
} {
  const days = Math.floor(epochMs / 86_400_000);
  let rest = epochMs - days * 86_400_000;
  const h = Math.floor(rest / hourMs);
  rest -= h * hourMs;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const s = Math.floor(rest / 1000);
  const ms = rest - s * 1000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const mo = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (mo <= 2 ? 1 : 0);
  return { y, mo, d, h, mi, s, ms };
}

function wallClock(epochMs: number): string {
  const { y, mo, d, h, mi, s, ms } = civil(epochMs);
  const time = `${pad2(h)}:${pad2(mi)}:${pad2(s)}`;
  return `${y}-${pad2(mo)}-${pad2(d)}T${ms === 0 ? time : `${time}.${pad3(ms)}`}`;
}

/** An instant as ISO 8601 in UTC, without milliseconds when there are none: `2025-06-28T09:00:00Z`. */
export function formatInstant(epochMs: number): string {
  if (epochMs < 0 || epochMs >= 253_402_300_800_000) return new Date(epochMs).toISOString();
  return `${wallClock(epochMs)}Z`;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number | null>();
const slotMs = 15 * 60_000;

/** The zone's UTC offset in minutes at an instant, or null when it is not a whole number of minutes. */
function offsetMinutes(epochMs: number, timeZone: string): number | null {
  // Offsets change only on the hour or half hour, so a 15-minute slot has one offset.
  const key = `${timeZone}|${Math.floor(epochMs / slotMs)}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  let formatter = offsetFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetFormatters.set(timeZone, formatter);
  }
  const name = formatter.formatToParts(epochMs).find((part) => part.type === "timeZoneName")?.value ?? "";
  const match = /^GMT(?:([+-])(\d{2}):(\d{2}))?$/.exec(name);
  const minutes =
    match === null
      ? null
      : match[1] === undefined
        ? 0
        : (match[1] === "-" ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
  if (offsetCache.size > 50_000) offsetCache.clear();
  offsetCache.set(key, minutes);
  return minutes;
}

/** An instant shown in a time zone, e.g. `2025-06-28T10:00:00+01:00[Europe/London]` (Temporal's format). */
export function formatInZone(epochMs: number, timeZone: string): string {
  const minutes = offsetMinutes(epochMs, timeZone);
  if (minutes === null || epochMs < 0)
    return Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone).toString();
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${wallClock(epochMs + minutes * 60_000)}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}[${timeZone}]`;
}

/** Accepts the forms a caller may pass the current time in. */
export function toEpochMs(at: Date | string | number): number {
  const ms = at instanceof Date ? at.getTime() : typeof at === "number" ? at : Date.parse(at);
  if (!Number.isFinite(ms)) throw new RangeError(`not a valid instant: ${String(at)}`);
  return ms;
}
