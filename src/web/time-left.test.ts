import { describe, expect, it } from "vitest";
import { formatInstant, timeLeft, zoneOf } from "./time-left.js";

const deadline = new Date("2025-06-28T08:00:00Z");
const at = (iso: string) => timeLeft(deadline, new Date(iso));

describe("the countdown to a deadline", () => {
  it.each([
    ["2025-06-25T08:00:00Z", "3 days left", "day"],
    ["2025-06-24T07:00:00Z", "4 days 1 hour left", "later"],
    ["2025-06-27T08:00:00Z", "1 day left", "day"],
    ["2025-06-27T08:00:01Z", "23 hours 59 minutes left", "hours"],
    ["2025-06-28T07:15:00Z", "45 minutes left", "hours"],
    ["2025-06-28T07:59:30Z", "30 seconds left", "hours"],
    ["2025-06-28T08:00:00Z", "overdue by 0 seconds", "overdue"],
    ["2025-07-01T10:00:00Z", "overdue by 3 days 2 hours", "overdue"],
  ] as const)("at %s it reads '%s' (%s)", (now, text, urgency) => {
    expect(at(now)).toMatchObject({ text, urgency });
  });

  it("says the short form in days and hours, with a minus sign once overdue", () => {
    expect(at("2025-06-26T06:30:00Z").short).toBe("2 d 1 h");
    expect(at("2025-06-28T10:30:00Z").short).toBe("−2 h 30 m");
  });

  it("names the time zone of a deadline the law computed in its own zone", () => {
    expect(zoneOf("2025-06-28T09:00:00+01:00[Europe/London]")).toBe("Europe/London");
    expect(zoneOf(null)).toBeUndefined();
    expect(formatInstant("2025-06-28T08:00:00Z", "Europe/London")).toBe("Sat, 28 Jun 2025, 09:00 BST");
  });
});
