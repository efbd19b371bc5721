/**
 * A notice to one regulator, shaped to what that regulator's law and form ask for: one section per required
 * item of the obligation (`regulator.contents`, in the pack's order, each citing its source), answered from the
 * breach's facts. An item the facts cannot answer is listed as missing, so a completeness check can name it.
 *
 * Pure: the breach, its obligation and the notices already given come in; the notice comes out.
 */
import type { Incident, NoticeItem, Obligation } from "../law/index.js";
import { englishList, formatCount, formatInstant, noticeCategoryPhrases } from "./plain-language.js";

export type NoticePhase = "initial" | "follow_up";

export interface NoticeGiven {
  jurisdiction: string;
  recipient: string;
  givenAt: string;
  method: string;
  /** The regulator's name, when the notice went to a regulator. */
  regulatorName?: string;
  /** The reference the recipient gave (a regulator's case number). */
  reference?: string | null;
}

export interface NoticeInput {
  breachId: string;
  incident: Incident;
  obligation: Obligation;
  /** The regime's time zone, for dates (e.g. Europe/Isle_of_Man). */
  timeZone: string;
  /** The data categories that are special category data under this obligation's law. */
  specialCategories: readonly string[];
  phase: NoticePhase;
  /** The kept version's number, or null for a draft. */
  version: number | null;
  preparedAt: string;
  /** Notices already given, to any regulator or to people (for "others informed"). */
  given: readonly NoticeGiven[];
  /** The law's item for the reasons for a late report (null where the law sets no deadline). */
  delayReasonItem: NoticeItem | null;
  /** Letters dpdesk has delivered to the people affected (by e-mail), and when the first went. */
  lettersSent?: { count: number; firstAt: string } | null;
  /**
   * The English name of every country the notice can mention (ISO code → name, e.g. IM → "Isle of Man"): where
   * people live, where the organisation is established, where notices were given. This room may not call the
   * law's `countryName`, so the caller looks them up; a code without a name is printed as the code.
   */
  countryNames: Readonly<Record<string, string>>;
}

export interface NoticeSection {
  id: string;
  heading: string;
  /** What the law or form asks for, in its own words. */
  requirement: string;
  citation: string;
  /** The answer, as paragraphs; null when the facts do not answer it yet. */
  answer: string[] | null;
}

export interface RegulatorNotice {
  kind: "regulator_notice";
  breachId: string;
  title: string;
  jurisdiction: string;
  jurisdictionName: string;
  law: string | null;
  regulator: { name: string; howToReport: string; contact: Obligation["regulator"]["contact"] };
  organisation: {
    name: string;
    role: string;
    /** ISO codes, as in the incident. */
    establishments: string[];
    /**
     * Where it is established, in words for "established in …" ("the United Kingdom and the Isle of Man").
     * Absent from versions kept before it was added.
     */
    establishedIn?: string;
  };
  phase: NoticePhase;
  version: number | null;
  preparedAt: string;
  timeZone: string;
  deadline: { at: string | null; local: string | null; strict: boolean; late: boolean };
  /** The case reference this regulator gave (the latest recorded), for follow-ups. */
  regulatorReference: string | null;
  sections: NoticeSection[];
  /** The required items still unanswered: the notice can be sent in phases, but these must follow. */
  missing: { id: string; heading: string; requirement: string }[];
}

const headings: Readonly<Record<string, string>> = {
  nature: "What happened",
  subjects_concerned: "People concerned",
  records_concerned: "Personal data and records concerned",
  contact_point: "Contact point",
  likely_consequences: "Likely consequences",
  measures: "Measures taken and proposed",
  delay_reason: "Reasons for the delay",
  others_informed: "Others informed",
  discovery: "How the breach was discovered",
  containment: "Containment",
  investigation: "Investigation",
  prevention: "Preventing a recurrence",
  information_and_records: "Information and records involved",
  mitigation_and_people_informed: "Mitigation, and whether the people involved have been told",
  other_information: "Other information",
  phasing: "Information still to come",
  special_category_flags: "Special category data",
};

/** Items that may honestly be answered "nothing further": they never count as missing. */
const optionalItems = new Set(["other_information", "phasing"]);

const causeWords: Readonly<Record<Incident["cause"], string>> = {
  cyber_attack: "a cyber attack",
  lost_or_stolen_device: "a lost or stolen device",
  misdirected: "information sent to the wrong recipient",
  unauthorised_access: "unauthorised access",
  accidental_disclosure: "an accidental disclosure",
  other: "another cause",
};

export function noticeHeading(id: string): string {
  return headings[id] ?? id.replaceAll("_", " ");
}

/**
 * Who else has been told matters to every regulator when several investigate one breach together (the news
 * seed: four regulators on one union breach); where a pack does not ask for it, it is added, and never missing.
 */
const othersInformedItem: NoticeItem = {
  id: "others_informed",
  text: "Who else has been told (other regulators, the police, the people affected).",
  citation:
    "seeds/news-joint-investigation-prospect.txt (the ICO, the Isle of Man, Jersey and Guernsey regulators investigating one breach jointly)",
};

export function buildRegulatorNotice(input: NoticeInput): RegulatorNotice {
  const { incident, obligation } = input;
  const nameOf = countryNamer(input);
  const answerOf = answerers(input);
  const deadline = obligation.regulator.deadline;
  const late = deadline !== null && Date.parse(input.preparedAt) > Date.parse(deadline);
  const items = [...obligation.regulator.contents];
  // The assessment was made before the deadline passed; the notice prepared after it owes the reasons.
  if (late && input.delayReasonItem !== null && !items.some((item) => item.id === "delay_reason"))
    items.push(input.delayReasonItem);
  const optional = new Set(optionalItems);
  if (!items.some((item) => item.id === "others_informed") && obligation.pack !== null) {
    items.push(othersInformedItem);
    optional.add("others_informed");
  }
  const sections = items.map((item: NoticeItem) => ({
    id: item.id,
    heading: noticeHeading(item.id),
    requirement: item.text,
    citation: item.citation,
    answer:
      optional.has(item.id) && item.id === "others_informed"
        ? (answerOf(item.id) ?? ["Nobody else is recorded as told."])
        : answerOf(item.id),
  }));
  const missing = sections
    .filter((section) => section.answer === null && !optional.has(section.id))
    .map(({ id, heading, requirement }) => ({ id, heading, requirement }));
  // The phasing item (Isle of Man) lists what is missing; when something is, the organisation must also say
  // when it will follow (RULEBOOK §4.1: "give an estimated timescale"), so without `stillToCome` it is missing.
  for (const section of sections)
    if (section.id === "phasing" && section.answer === null) {
      if (missing.length === 0)
        section.answer = [
          "Nothing is outstanding; anything material found later will be reported in a follow-up.",
        ];
      else
        missing.push({
          id: section.id,
          heading: section.heading,
          requirement: `${section.requirement} Still to come: ${englishList(missing.map((m) => m.heading.toLowerCase()))}.`,
        });
    } else if (section.id === "phasing" && missing.length > 0)
      section.answer = [
        `Still to come: ${englishList(missing.map((m) => m.heading.toLowerCase()))}.`,
        ...(section.answer ?? []),
      ];
  const reported = input.given.filter(
    (n) =>
      n.jurisdiction === obligation.jurisdiction && n.recipient === "regulator" && (n.reference ?? "") !== "",
  );
  return {
    kind: "regulator_notice",
    breachId: input.breachId,
    title: `Personal data breach ${input.phase === "initial" ? "report" : "follow-up report"} to the ${obligation.regulator.name}`,
    jurisdiction: obligation.jurisdiction,
    jurisdictionName: obligation.jurisdictionName,
    law: obligation.pack?.title ?? null,
    regulator: {
      name: obligation.regulator.name,
      howToReport: obligation.regulator.howToReport,
      contact: obligation.regulator.contact,
    },
    organisation: {
      name: incident.controller.name,
      role: incident.controller.role,
      establishments: [...incident.controller.establishments],
      establishedIn: englishList(incident.controller.establishments.map((code) => placeName(nameOf(code)))),
    },
    phase: input.phase,
    version: input.version,
    preparedAt: input.preparedAt,
    timeZone: input.timeZone,
    deadline: {
      at: deadline,
      local: obligation.regulator.deadlineLocal,
      strict: obligation.regulator.strict,
      late,
    },
    regulatorReference: reported.at(-1)?.reference ?? null,
    sections,
    missing,
  };
}

function answerers(input: NoticeInput): (id: string) => string[] | null {
  const { incident, timeZone } = input;
  const response = incident.response ?? {};
  const when = (iso: string) => formatInstant(iso, timeZone);
  const nameOf = countryNamer(input);
  const paragraphs = (...texts: (string | undefined)[]) => {
    const list = texts.filter((text): text is string => text !== undefined && text.length > 0);
    return list.length === 0 ? null : list;
  };
  const totalPeople = Object.values(incident.subjects).reduce((sum, count) => sum + count, 0);

  const nature = (): string[] | null => {
    if (incident.description === undefined && incident.cause === "other") return null;
    const facts: string[] = [];
    const natureWords = incident.nature.length > 0 ? ` (a breach of ${englishList(incident.nature)})` : "";
    facts.push(`The breach was caused by ${causeWords[incident.cause]}${natureWords}.`);
    const times = [
      incident.occurredAt === undefined ? undefined : `It happened on ${when(incident.occurredAt)}.`,
      incident.discoveredAt === undefined
        ? undefined
        : `It was discovered on ${when(incident.discoveredAt)}.`,
      `We became aware of it on ${when(incident.awareAt)}.`,
    ];
    return [
      ...(incident.description === undefined ? [] : [incident.description]),
      facts.join(" ") + " " + times.filter((t) => t !== undefined).join(" "),
    ];
  };

  const people = (): string[] | null => {
    if (totalPeople === 0 && response.peopleConcerned === undefined) return null;
    const here = incident.subjects[input.obligation.jurisdiction] ?? 0;
    const byCountry = Object.entries(incident.subjects)
      .filter(([, count]) => count > 0)
      .sort(([, a], [, b]) => b - a)
      .map(([code, count]) => `${nameOf(code)} ${formatCount(count)}`);
    return paragraphs(
      response.peopleConcerned,
      totalPeople === 0
        ? undefined
        : `Approximately ${formatCount(totalPeople)} people are affected, of whom approximately ${formatCount(here)} live in ${placeName(input.obligation.jurisdictionName)}. By country: ${byCountry.join(", ")}.`,
    );
  };

  const dataConcerned = (): string[] | null => {
    if (incident.dataCategories.length === 0 && incident.records === undefined) return null;
    return paragraphs(
      incident.dataCategories.length === 0
        ? undefined
        : `The data concerned: ${englishList(noticeCategoryPhrases(incident.dataCategories))}.`,
      incident.records === undefined
        ? "The number of records is not yet known."
        : `Approximately ${formatCount(incident.records)} records are concerned.`,
    );
  };

  const contactPoint = (): string[] | null => {
    const contact = response.contact;
    if (contact === undefined) return null;
    const lines = [contact.role === undefined ? contact.name : `${contact.name}, ${contact.role}`];
    if (contact.email !== undefined) lines.push(`E-mail: ${contact.email}`);
    if (contact.phone !== undefined) lines.push(`Phone: ${contact.phone}`);
    if (contact.address !== undefined) lines.push(`Address: ${contact.address}`);
    return [lines.join("\n")];
  };

  // Where the law's form has no items of their own for containment and investigation, they belong here.
  const asked = new Set(input.obligation.regulator.contents.map((item) => item.id));
  const measures = () =>
    paragraphs(
      response.measuresTaken === undefined ? undefined : `Taken: ${response.measuresTaken}`,
      response.measuresProposed === undefined ? undefined : `Proposed: ${response.measuresProposed}`,
      response.containment === undefined || asked.has("containment")
        ? undefined
        : `Containment: ${response.containment}`,
      response.investigation === undefined || asked.has("investigation")
        ? undefined
        : `Investigation: ${response.investigation}`,
    );

  const othersInformed = (): string[] | null => {
    const given = input.given
      .filter((n) => !(n.jurisdiction === input.obligation.jurisdiction && n.recipient === "regulator"))
      .map((n) => {
        const how = methodPhrase(n);
        return `${describeRecipient(n, nameOf)} on ${when(n.givenAt)}${how === undefined ? "" : ` ${how}`}.`;
      });
    return paragraphs(response.othersInformed, ...given, lettersLine());
  };

  const specialCategories = (): string[] => {
    const special = incident.dataCategories.filter((c) => input.specialCategories.includes(c));
    return [
      special.length === 0
        ? "No special category data is known to be involved."
        : `Special category data involved: ${englishList(noticeCategoryPhrases(special))}.`,
    ];
  };

  const lettersLine = (): string | undefined => {
    const sent = input.lettersSent;
    if (sent === undefined || sent === null || sent.count === 0) return undefined;
    return `${formatCount(sent.count)} of the people affected have been sent a letter by e-mail, from ${when(sent.firstAt)}.`;
  };

  const peopleInformed = (): string | undefined => {
    const told = input.given.filter((n) => n.recipient === "subjects" || n.recipient === "public");
    if (told.length === 0) return lettersLine();
    return `The people involved were told on ${when(told[0]?.givenAt ?? incident.awareAt)}.`;
  };

  return (id) => {
    switch (id) {
      case "nature":
        return nature();
      case "subjects_concerned":
        return people();
      case "records_concerned":
      case "information_and_records":
        return dataConcerned();
      case "contact_point":
        return contactPoint();
      case "likely_consequences":
        return paragraphs(response.consequences);
      case "measures":
        return measures();
      case "mitigation_and_people_informed":
        return paragraphs(response.measuresTaken, peopleInformed());
      case "delay_reason":
        return paragraphs(response.delayReason);
      case "others_informed":
        return othersInformed();
      case "discovery":
        return paragraphs(
          response.discovery,
          incident.discoveredAt === undefined ? undefined : `Discovered on ${when(incident.discoveredAt)}.`,
        );
      case "containment":
        return paragraphs(response.containment);
      case "investigation":
        return paragraphs(response.investigation);
      case "prevention":
        return paragraphs(response.prevention);
      case "special_category_flags":
        return specialCategories();
      case "other_information":
        return paragraphs(response.otherInformation) ?? ["None."];
      case "phasing":
        return paragraphs(response.stillToCome);
      default:
        return null;
    }
  };
}

/** Countries whose English names take "the" ("the United Kingdom", "the Isle of Man"; "Jersey", "Czechia"). */
const withThe = new Set([
  "United Kingdom",
  "Isle of Man",
  "Netherlands",
  "Faroe Islands",
  "Åland Islands",
  "Channel Islands",
  "Philippines",
  "Bahamas",
  "United States",
  "United Arab Emirates",
  "Czech Republic",
  "Dominican Republic",
  "Gambia",
  "Maldives",
  "Seychelles",
]);

function placeName(name: string): string {
  return withThe.has(name) ? `the ${name}` : name;
}

/** A country's English name from the input's `countryNames`, or its code when the caller gave none. */
function countryNamer(input: NoticeInput): (code: string) => string {
  const names = input.countryNames;
  return (code) => names[code] ?? code;
}

/**
 * How a notice was given, as the end of "… was notified on 26 June 2025 at 11:00 BST …". The keys are the
 * `method` values of `NotificationInput` (src/breaches/breach-inputs.ts), which this room may not import: a
 * method added there and not here, and `other`, are left unsaid rather than printed as a code.
 */
const methodWords: Readonly<Record<string, string>> = {
  online_form: "through the online form",
  email: "by e-mail",
  phone: "by phone",
  post: "by post",
  letter: "by letter",
  public_statement: "by a public statement",
  portal: "through the regulator's portal",
};

function methodPhrase(notice: NoticeGiven): string | undefined {
  // "A public statement was made … by a public statement" says it twice.
  if (notice.recipient === "public" && notice.method === "public_statement") return undefined;
  return Object.hasOwn(methodWords, notice.method) ? methodWords[notice.method] : undefined;
}

function describeRecipient(notice: NoticeGiven, nameOf: (code: string) => string): string {
  const place = placeName(nameOf(notice.jurisdiction));
  switch (notice.recipient) {
    case "regulator":
      return `${notice.regulatorName ?? `The regulator for ${place}`} was notified`;
    case "subjects":
      return `The people affected in ${place} were told`;
    case "public":
      return "A public statement was made";
    default:
      return `The ${notice.recipient} was told`;
  }
}
