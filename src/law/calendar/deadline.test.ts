// Deadlines are exact instants; the suite runs under TZ=UTC and again under TZ=Europe/London (npm run test:dst)
// so that a computation that leaned on the machine's local time would show up.
import { describe, expect, it } from "vitest";
import { assessBreach } from "../assess-breach.js";
import { incident } from "../../../test/incident-fixtures.js";
import { Temporal } from "temporal-polyfill";
import { addClockHours, formatInstant, formatInZone } from "./deadline.js";

function gbDeadline(awareAt: string) {
  const assessment = assessBreach(
    incident({ awareAt, cause: "cyber_attack", dataCategories: ["financial"], subjects: { GB: 50 } }),
    { at: awareAt },
  );
  const gb = assessment.obligations[0];
  if (gb === undefined) throw new Error("no obligation");
  return { utc: gb.regulator.deadline, local: gb.regulator.deadlineLocal };
}

describe("72-hour deadlines across daylight-saving changes (RULEBOOK §8: clock hours)", () => {
  it("spring forward: aware Saturday 09:00 GMT, due Tuesday 10:00 BST — 72 real hours", () => {
    // UK clocks went forward at 01:00 GMT on Sunday 29 March 2026.
    expect(gbDeadline("2026-03-28T09:00:00+00:00")).toEqual({
      utc: "2026-03-31T09:00:00Z",
      local: "2026-03-31T10:00:00+01:00[Europe/London]",
    });
  });

  it("fall back: aware Saturday 09:00 BST, due Tuesday 08:00 GMT — 72 real hours", () => {
    // UK clocks went back at 02:00 BST on Sunday 25 October 2026.
    expect(gbDeadline("2026-10-24T09:00:00+01:00")).toEqual({
      utc: "2026-10-27T08:00:00Z",
      local: "2026-10-27T08:00:00+00:00[Europe/London]",
    });
  });

  it("weekends and bank holidays do not extend the clock (Christmas 2025)", () => {
    expect(gbDeadline("2025-12-24T17:30:00Z").utc).toBe("2025-12-27T17:30:00Z");
  });

  it("an offset other than the regime's is honoured as the same instant", () => {
    expect(gbDeadline("2025-06-25T18:00:00+09:00").utc).toBe("2025-06-28T09:00:00Z");
  });
});

describe("deadline arithmetic", () => {
  it("adds clock hours exactly", () => {
    expect(addClockHours(Date.parse("2024-02-28T12:00:00Z"), 48)).toBe(Date.parse("2024-03-01T12:00:00Z"));
  });

  it("formats instants without spurious milliseconds, and keeps real ones", () => {
    expect(formatInstant(Date.parse("2025-01-01T00:00:00Z"))).toBe("2025-01-01T00:00:00Z");
    expect(formatInstant(Date.parse("2025-01-01T00:00:00.250Z"))).toBe("2025-01-01T00:00:00.250Z");
  });

  it("shows an instant in the Isle of Man's and Jersey's zones", () => {
    const ms = Date.parse("2025-01-10T12:00:00Z");
    expect(formatInZone(ms, "Europe/Isle_of_Man")).toBe("2025-01-10T12:00:00+00:00[Europe/Isle_of_Man]");
    expect(formatInZone(ms, "Europe/Jersey")).toBe("2025-01-10T12:00:00+00:00[Europe/Jersey]");
  });
});

describe("the fast formatters agree with Temporal and Date", () => {
  it("formats every quarter hour around the UK, Isle of Man and EU clock changes exactly as Temporal does", () => {
    const zones = [
      "Europe/London",
      "Europe/Isle_of_Man",
      "Europe/Jersey",
      "Europe/Guernsey",
      "Europe/Athens",
      "America/Cayenne",
      "Asia/Kolkata",
    ];
    const starts = [
      "2026-03-29T00:00:00Z",
      "2026-10-25T00:00:00Z",
      "2018-05-24T20:00:00Z",
      "2005-12-01T00:00:00Z",
    ];
    for (const zone of zones)
      for (const start of starts)
        for (let step = 0; step < 24 * 4; step++) {
          const ms = Date.parse(start) + step * 15 * 60_000 + 123;
          expect(formatInZone(ms, zone)).toBe(
            Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toString(),
          );
        }
  });

  it("formats instants as Date does, over centuries", () => {
    for (
      let ms = Date.parse("1970-01-01T00:00:00Z");
      ms < Date.parse("2200-01-01T00:00:00Z");
      ms += 86_400_000 * 37 + 3_723_456
    )
      expect(formatInstant(ms)).toBe(new Date(ms).toISOString().replace(".000Z", "Z"));
  });
});
