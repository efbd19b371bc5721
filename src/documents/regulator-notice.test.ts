import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { flatText, readPdfText } from "../../test/support/pdf-text.js";
import {
  assessBreach,
  countryName,
  parseIncident,
  rulePacks,
  type Incident,
  type Obligation,
} from "../law/index.js";
import { buildRegulatorNotice, type NoticeInput } from "./regulator-notice.js";
import { renderNoticeHtml, renderNoticePdf, renderNoticeText, toWinAnsi } from "./render-notice.js";

function prospect(change: (raw: Record<string, unknown>) => void = () => {}): Incident {
  const raw = JSON.parse(readFileSync("examples/prospect-union-2025.json", "utf8")) as Record<
    string,
    unknown
  >;
  change(raw);
  const parsed = parseIncident(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.value;
}

const zones: Record<string, string> = {
  GB: "Europe/London",
  IM: "Europe/Isle_of_Man",
  JE: "Europe/Jersey",
  GG: "Europe/Guernsey",
};

function noticeFor(incident: Incident, jurisdiction: string, at = "2025-06-26T12:00:00Z", assessedAt = at) {
  const assessment = assessBreach(incident, { at: new Date(assessedAt) });
  const obligation = assessment.obligations.find((o) => o.jurisdiction === jurisdiction) as Obligation;
  const input: NoticeInput = {
    breachId: "0197a000-0000-7000-8000-000000000001",
    incident,
    obligation,
    timeZone: zones[jurisdiction] ?? "UTC",
    specialCategories: ["racial_or_ethnic_origin", "health", "sex_life_or_sexual_orientation"],
    phase: "initial",
    version: null,
    preparedAt: at,
    given: [],
    delayReasonItem: rulePacks.find((pack) => pack.id === obligation.pack?.id)?.delayReasonItem ?? null,
    // As the notice service gives them: every country the incident names, and the islands for notices given.
    countryNames: Object.fromEntries(
      [...Object.keys(incident.subjects), ...incident.controller.establishments, ...Object.keys(zones)].map(
        (code) => [code, countryName(code)],
      ),
    ),
  };
  return { notice: buildRegulatorNotice(input), obligation, input };
}

describe("regulator notices", () => {
  it.each([
    ["GB", "Information Commissioner's Office (ICO)", ["discovery", "others_informed"]],
    ["IM", "Isle of Man Information Commissioner", ["phasing"]],
    [
      "JE",
      "Jersey Office of the Information Commissioner (JOIC)",
      ["special_category_flags", "containment", "prevention"],
    ],
    ["GG", "Office of the Data Protection Authority (ODPA), Guernsey", []],
  ])(
    "the notice to %s's regulator has one section per item its law and form ask for, in the pack's order",
    (jurisdiction, regulator, extras) => {
      const { notice, obligation } = noticeFor(prospect(), jurisdiction);
      expect(notice.regulator.name).toContain(regulator.split(" (")[0]);
      const asked = obligation.regulator.contents.map((c) => c.id);
      const extra = asked.includes("others_informed") ? [] : ["others_informed"];
      expect(notice.sections.map((s) => s.id)).toEqual([...asked, ...extra]);
      for (const id of [
        "nature",
        "subjects_concerned",
        "records_concerned",
        "contact_point",
        "likely_consequences",
        "measures",
        ...extras,
      ])
        expect(notice.sections.map((s) => s.id)).toContain(id);
      expect(notice.missing).toEqual([]);
      for (const section of notice.sections) expect(section.citation.length).toBeGreaterThan(5);
    },
  );

  it("an EU supervisory authority gets the GDPR Art 33(3) notice", () => {
    const incident = prospect((raw) => {
      raw.subjects = { GB: 154_800, FR: 40 };
    });
    const { notice } = noticeFor(incident, "FR");
    expect(notice.regulator.name).toContain("CNIL");
    expect(notice.sections.map((s) => s.id)).toEqual([
      "nature",
      "subjects_concerned",
      "records_concerned",
      "contact_point",
      "likely_consequences",
      "measures",
      "others_informed",
    ]);
    expect(notice.sections[0]?.citation).toContain("GDPR Art 33(3)");
    expect(notice.missing).toEqual([]);
  });

  it("an incident from before 25 May 2018 in Jersey gets GD20's notice to the Data Protection Commissioner", () => {
    const incident = prospect((raw) => {
      raw.occurredAt = "2017-03-01T09:00:00Z";
      raw.discoveredAt = "2017-03-02T09:00:00Z";
      raw.awareAt = "2017-03-02T10:00:00Z";
    });
    const { notice } = noticeFor(incident, "JE", "2017-03-03T12:00:00Z");
    expect(notice.law).toContain("2005");
    expect(notice.sections.map((s) => s.id)).toEqual([
      "information_and_records",
      "nature",
      "mitigation_and_people_informed",
      "investigation",
      "others_informed",
      "prevention",
      "other_information",
    ]);
    for (const section of notice.sections) expect(section.citation).toContain("GD20");
    expect(notice.deadline.at).toBeNull();
    expect(notice.missing).toEqual([]);
  });

  it("a notice without the response facts names every required item still missing", () => {
    const { notice } = noticeFor(
      prospect((raw) => delete raw.response),
      "GB",
    );
    expect(notice.missing.map((m) => m.id)).toEqual([
      "contact_point",
      "likely_consequences",
      "measures",
      "others_informed",
    ]);
    // The ICO asks when and how the breach was found: the time of discovery answers it until the story is told.
    expect(renderNoticeText(notice)).toContain("Incomplete: 4 required items still to follow");
  });

  it("the Isle of Man notice says what is still to come when items are missing (phased reporting)", () => {
    const { notice } = noticeFor(
      prospect((raw) => {
        const response = raw.response as Record<string, unknown>;
        delete response.consequences;
      }),
      "IM",
    );
    expect(notice.missing.map((m) => m.id)).toEqual(["likely_consequences", "phasing"]);
    const phasing = notice.missing.find((m) => m.id === "phasing");
    expect(phasing?.requirement).toContain("Still to come: likely consequences");
  });

  it("a late notice carries the reasons for the delay, and names the item when they are not given", () => {
    const late = noticeFor(prospect(), "GG", "2025-06-30T12:00:00Z");
    expect(late.notice.deadline.late).toBe(true);
    expect(late.notice.missing.map((m) => m.id)).toEqual(["delay_reason"]);
    const given = noticeFor(
      prospect((raw) => {
        (raw.response as Record<string, unknown>).delayReason = "Our systems were down over the weekend.";
      }),
      "GG",
      "2025-06-30T12:00:00Z",
    );
    expect(given.notice.missing).toEqual([]);
    expect(renderNoticeText(given.notice)).toContain("Our systems were down over the weekend.");
  });

  it("a notice prepared after the deadline owes the reasons for the delay, though assessed before it", () => {
    for (const jurisdiction of ["GB", "IM", "JE", "GG"]) {
      const { notice } = noticeFor(prospect(), jurisdiction, "2025-07-01T12:00:00Z", "2025-06-26T12:00:00Z");
      expect(notice.deadline.late, jurisdiction).toBe(true);
      expect(
        notice.sections.map((s) => s.id),
        jurisdiction,
      ).toContain("delay_reason");
      expect(
        notice.missing.map((m) => m.id),
        jurisdiction,
      ).toContain("delay_reason");
    }
  });

  it("the Isle of Man notice needs a timescale for what is still to come", () => {
    const withoutTimescale = noticeFor(
      prospect((raw) => delete (raw.response as Record<string, unknown>).consequences),
      "IM",
    ).notice;
    expect(withoutTimescale.missing.map((m) => m.id)).toEqual(["likely_consequences", "phasing"]);
    const withTimescale = noticeFor(
      prospect((raw) => {
        const response = raw.response as Record<string, unknown>;
        delete response.consequences;
        response.stillToCome = "The likely consequences, once the forensic report is in, by 4 July 2025.";
      }),
      "IM",
    ).notice;
    expect(withTimescale.missing.map((m) => m.id)).toEqual(["likely_consequences"]);
    expect(withTimescale.sections.find((s) => s.id === "phasing")?.answer).toEqual([
      "Still to come: likely consequences.",
      "The likely consequences, once the forensic report is in, by 4 July 2025.",
    ]);
  });

  it("every notice says who else has been told, where the form does not ask it is never missing", () => {
    const { notice } = noticeFor(
      prospect((raw) => delete (raw.response as Record<string, unknown>).othersInformed),
      "GG",
    );
    const others = notice.sections.find((s) => s.id === "others_informed");
    expect(others?.answer).toEqual(["Nobody else is recorded as told."]);
    expect(notice.missing).toEqual([]);
  });

  it("says the people have been told when dpdesk sent them letters, and puts containment and investigation under measures where the form has no place for them", () => {
    const { input } = noticeFor(prospect(), "GB");
    const notice = buildRegulatorNotice({
      ...input,
      lettersSent: { count: 3675, firstAt: "2025-06-27T09:00:00Z" },
    });
    const others = notice.sections.find((s) => s.id === "others_informed")?.answer?.join(" ");
    expect(others).toContain(
      "3,675 of the people affected have been sent a letter by e-mail, from 27 June 2025 at 10:00 BST.",
    );
    const measures = notice.sections.find((s) => s.id === "measures")?.answer?.join(" ");
    expect(measures).toContain("Containment: The attacker's access was blocked");
    expect(measures).toContain("Investigation: A specialist incident response firm");
    const jersey = noticeFor(prospect(), "JE")
      .notice.sections.find((s) => s.id === "measures")
      ?.answer?.join(" ");
    expect(jersey).not.toContain("Containment:"); // the JOIC form asks for it on its own
  });

  it("a follow-up quotes the regulator's own reference, and says 'the United Kingdom'", () => {
    const { input } = noticeFor(prospect(), "GB");
    const notice = buildRegulatorNotice({
      ...input,
      phase: "follow_up",
      given: [
        {
          jurisdiction: "GB",
          recipient: "regulator",
          givenAt: "2025-06-26T10:00:00Z",
          method: "online form",
          reference: "IC-123456-A1B2",
        },
      ],
    });
    expect(notice.regulatorReference).toBe("IC-123456-A1B2");
    const text = renderNoticeText(notice);
    expect(text).toContain("The regulator's reference: IC-123456-A1B2");
    expect(text).toContain("live in the United Kingdom");
    expect(text).toContain("Regulator's contact: https://ico.org.uk/");
  });

  it("others informed lists the notices already given to other regulators", () => {
    const { input } = noticeFor(prospect(), "GB");
    const notice = buildRegulatorNotice({
      ...input,
      given: [
        {
          jurisdiction: "IM",
          recipient: "regulator",
          givenAt: "2025-06-26T10:00:00Z",
          method: "online_form",
          regulatorName: "Isle of Man Information Commissioner",
        },
      ],
    });
    const others = notice.sections.find((s) => s.id === "others_informed");
    expect(others?.answer?.join(" ")).toContain(
      "Isle of Man Information Commissioner was notified on 26 June 2025 at 11:00 BST through the online form.",
    );
  });

  it("names the countries in words, never by their ISO codes", () => {
    const { input } = noticeFor(
      prospect((raw) => {
        raw.controller = { name: "Example Union", establishments: ["GB", "IM"], role: "controller" };
        raw.subjects = { GB: 3, IM: 3, FR: 1 };
      }),
      "GB",
    );
    const notice = buildRegulatorNotice({
      ...input,
      given: [
        { jurisdiction: "JE", recipient: "subjects", givenAt: "2025-06-26T10:00:00Z", method: "email" },
        { jurisdiction: "IM", recipient: "regulator", givenAt: "2025-06-26T11:00:00Z", method: "portal" },
      ],
    });
    const answers = notice.sections.flatMap((s) => s.answer ?? []).join("\n");
    expect(answers).toContain("By country: United Kingdom 3, Isle of Man 3, France 1.");
    expect(answers).toContain("of whom approximately 3 live in the United Kingdom.");
    expect(answers).toContain(
      "The people affected in Jersey were told on 26 June 2025 at 11:00 BST by e-mail.",
    );
    expect(answers).toContain(
      "The regulator for the Isle of Man was notified on 26 June 2025 at 12:00 BST through the regulator's portal.",
    );
    expect(notice.organisation.establishedIn).toBe("the United Kingdom and the Isle of Man");
    expect(notice.organisation.establishments).toEqual(["GB", "IM"]); // the data keeps the codes
    for (const code of ["GB", "IM", "JE", "GG", "FR"])
      expect(answers).not.toMatch(new RegExp(`\\b${code}\\b`));
    const text = renderNoticeText(notice);
    expect(text).toContain("By country: United Kingdom 3, Isle of Man 3, France 1.");
    expect(text).not.toContain(" GB ");
    expect(text).not.toContain(" JE ");
  });

  it("says how each notice was given in words, and leaves out a method it has no words for", () => {
    const { input } = noticeFor(prospect(), "GB");
    const given = (method: string, recipient = "regulator") => ({
      jurisdiction: "IM",
      recipient,
      givenAt: "2025-06-26T10:00:00Z",
      method,
      regulatorName: recipient === "regulator" ? "Isle of Man Information Commissioner" : undefined,
    });
    const notice = buildRegulatorNotice({
      ...input,
      given: [
        given("online_form"),
        given("phone"),
        given("post"),
        given("letter", "subjects"),
        given("public_statement", "public"),
        given("other"),
        given("carrier_pigeon"),
      ],
    });
    const answers = notice.sections.find((s) => s.id === "others_informed")?.answer ?? [];
    const on = "on 26 June 2025 at 11:00 BST";
    expect(answers).toEqual(
      expect.arrayContaining([
        `Isle of Man Information Commissioner was notified ${on} through the online form.`,
        `Isle of Man Information Commissioner was notified ${on} by phone.`,
        `Isle of Man Information Commissioner was notified ${on} by post.`,
        `The people affected in the Isle of Man were told ${on} by letter.`,
        `A public statement was made ${on}.`,
      ]),
    );
    expect(
      answers.filter((a) => a === `Isle of Man Information Commissioner was notified ${on}.`),
    ).toHaveLength(2);
    const text = renderNoticeText(notice);
    expect(text).not.toMatch(/\((online_form|phone|post|letter|public_statement|other|carrier_pigeon)\)/);
  });

  it("falls back to the code for a country it was given no name for", () => {
    const { input } = noticeFor(prospect(), "GB");
    const notice = buildRegulatorNotice({ ...input, countryNames: { GB: "United Kingdom" } });
    const people = notice.sections.find((s) => s.id === "subjects_concerned")?.answer?.join(" ");
    expect(people).toContain("By country: United Kingdom 154,800, IM 2,200, JE 1,700, GG 1,300.");
  });

  it("renders as text, escaped HTML and a PDF that reads back with the same answers", async () => {
    const { notice } = noticeFor(
      prospect((raw) => {
        (raw.response as Record<string, unknown>).containment =
          "Action Fraud <script>alert(1)</script> & the NCSC";
      }),
      "JE",
    );
    const text = renderNoticeText(notice);
    expect(text).toContain(
      "PERSONAL DATA BREACH REPORT TO THE JERSEY OFFICE OF THE INFORMATION COMMISSIONER",
    );
    expect(text).toContain(
      "Approximately 160,000 people are affected, of whom approximately 1,700 live in Jersey",
    );
    const html = renderNoticeHtml(notice);
    expect(html).not.toContain("<script>");
    expect(html).toContain("Action Fraud &lt;script&gt;alert(1)&lt;/script&gt; &amp; the NCSC");
    const pdf = await readPdfText(await renderNoticePdf(notice));
    const read = flatText(pdf);
    expect(read).toContain(
      "Personal data breach report to the Jersey Office of the Information Commissioner",
    );
    expect(read).toContain("Alex Morgan, Data Protection Officer");
    expect(read).toContain("Special category data involved: racial or ethnic origin");
    expect(read).toContain("Complete: every item the law and the form ask for is answered.");
    expect(pdf.info.Title).toBe(notice.title);
    expect(pdf.pages.at(-1)).toContain(`page ${String(pdf.pages.length)} of ${String(pdf.pages.length)}`);
  });

  it("writes characters the standard PDF fonts lack without their accents, never as a wrong glyph", () => {
    expect(toWinAnsi("Zoë Øster – café")).toBe("Zoë Øster – café");
    expect(toWinAnsi("Łukasz Świątek")).toBe("Lukasz Swiatek");
    expect(toWinAnsi("王")).toBe("?");
    expect(toWinAnsi("Zoe\u0301\tSmith\r")).toBe("Zoé Smith");
  });
});
