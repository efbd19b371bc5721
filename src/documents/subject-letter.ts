/**
 * The letter to one person affected by a breach (GDPR Art 34(2) and its island equivalents: the nature of the
 * breach in clear and plain language, the contact point, the likely consequences and the measures taken), made
 * personal: their name and address, which of *their* data was involved, what they can do, and their right to
 * complain to *their* regulator, the one for the jurisdiction dpdesk attributed them to.
 *
 * Pure: a breach-wide context is prepared once, then each recipient becomes a letter in microseconds.
 */
import type { DataCategory, Incident } from "../law/index.js";
import { escapeHtml } from "./html-escape.js";
import {
  fillTemplate,
  letterHeadings,
  letterParts,
  letterTemplates,
  type LetterPart,
  type TemplateOverrides,
} from "./letter-templates.js";
import { adviceFor, englishList, formatDay, letterCategoryPhrases } from "./plain-language.js";

export interface RegulatorContact {
  name: string;
  web?: string;
  phone?: string;
  email?: string;
  address?: string;
}

export interface LetterContextInput {
  breachId: string;
  incident: Incident;
  /** Each jurisdiction's regulator, for the complaint paragraph. */
  regulators: Readonly<Record<string, RegulatorContact>>;
  /** Where people whose jurisdiction is unknown (or has no regulator here) complain: the lead establishment. */
  leadJurisdiction: string;
  /** Special category data under any of the laws concerned. */
  specialCategories: readonly string[];
  timeZone: string;
  preparedAt: string;
  templates?: TemplateOverrides | null;
}

export interface LetterRecipient {
  /** The person's keyed hash, hex: stable, and never their details. */
  personId: string;
  name?: string;
  email?: string;
  addressLines?: string[];
  postcode?: string;
  country?: string;
  jurisdiction: string;
  categories: readonly string[];
}

export interface LetterParagraph {
  heading: string | null;
  text: string;
}

export interface SubjectLetter {
  personId: string;
  jurisdiction: string;
  regulator: RegulatorContact;
  date: string;
  organisation: string;
  /** The address block: name, then the postal lines. Empty when the person has no postal address. */
  address: string[];
  email: string | null;
  subject: string;
  paragraphs: LetterParagraph[];
}

export interface LetterContext {
  input: LetterContextInput;
  templates: Record<LetterPart, string>;
  shared: ReturnType<typeof letterContent>["shared"] & { date: string };
}

/**
 * What every letter of a run says, whoever it is for: the edition's content. Two runs with the same content
 * send the same letter (the date on it aside), so this is what an edition's hash covers.
 */
export function letterContent(input: LetterContextInput) {
  const { incident } = input;
  const response = incident.response ?? {};
  const contact = response.contact;
  return {
    templates: letterTemplates(input.templates),
    // What the templates' placeholders read, the same for every person.
    shared: {
      organisation: incident.controller.name,
      whatHappened: incident.description ?? incident.title,
      awareDate: formatDay(incident.awareAt, input.timeZone),
      consequences: response.consequencesForPeople ?? response.consequences ?? "",
      measuresTaken: response.measuresTaken ?? "",
      measuresProposed: response.measuresProposed ?? "",
      contact: {
        name: contact?.name ?? incident.controller.name,
        role: contact?.role ?? "",
        email: contact?.email ?? "",
        phone: contact?.phone ?? "",
        address: contact?.address ?? "",
      },
      reference: input.breachId.slice(0, 8).toUpperCase(),
    },
    adviceToPeople: response.adviceToPeople ?? "",
    regulators: Object.fromEntries(
      Object.entries(input.regulators).map(([code, regulator]) => [code, regulator.name]),
    ),
    leadJurisdiction: input.leadJurisdiction,
    specialCategories: input.specialCategories,
    listReveals: response.listReveals ?? [],
  };
}

/**
 * What GDPR Art 34(2) (and the islands' equivalents) require of a letter that the facts do not give yet: each
 * names the incident field to fill in. Letters can be drafted without them; they should not be sent.
 */
export function missingFromLetters(input: LetterContextInput): { field: string; message: string }[] {
  const response = input.incident.response ?? {};
  const missing: { field: string; message: string }[] = [];
  const contact = response.contact;
  if (contact === undefined || (contact.email ?? contact.phone ?? contact.address) === undefined)
    missing.push({
      field: "response.contact",
      message:
        "the letter must give a contact point with an e-mail, phone or address (GDPR Art 34(2), 33(3)(b))",
    });
  if (response.consequences === undefined)
    missing.push({
      field: "response.consequences",
      message: "the letter must describe the likely consequences (GDPR Art 34(2), 33(3)(c))",
    });
  if (response.measuresTaken === undefined && response.measuresProposed === undefined)
    missing.push({
      field: "response.measuresTaken",
      message: "the letter must describe the measures taken or proposed (GDPR Art 34(2), 33(3)(d))",
    });
  return missing;
}

/**
 * The kinds of data in the law's vocabulary order, for the letters' lists: a copy of `dataCategories` in
 * src/law/vocabulary.ts, because this room may import only the law's types. A kind added there and not here
 * still appears in letters, after these.
 */
const categoryOrder: readonly string[] = [
  "name",
  "contact",
  "address",
  "date_of_birth",
  "government_id",
  "financial",
  "credentials",
  "location",
  "online_identifiers",
  "employment",
  "children",
  "criminal_offence",
  "racial_or_ethnic_origin",
  "political_opinions",
  "religious_or_philosophical_beliefs",
  "trade_union_membership",
  "genetic",
  "biometric",
  "health",
  "sex_life_or_sexual_orientation",
] satisfies readonly DataCategory[];

/** Everything about the letters that is the same for every person, prepared once per run. */
export function prepareLetters(input: LetterContextInput): LetterContext {
  const { templates, shared } = letterContent(input);
  return { input, templates, shared: { ...shared, date: formatDay(input.preparedAt, input.timeZone) } };
}

/**
 * The person's own regulator. Where dpdesk could not tell where they live (or their country's regulator is not
 * one dpdesk knows), the letter names the organisation's lead regulator and says that theirs may be another.
 */
function regulatorFor(context: LetterContext, jurisdiction: string): RegulatorContact {
  const { regulators, leadJurisdiction } = context.input;
  const own = regulators[jurisdiction];
  if (own !== undefined) return own;
  const lead = regulators[leadJurisdiction];
  if (lead === undefined) return { name: "data protection regulator where you live" };
  return { ...lead, name: `${lead.name}, or to the data protection regulator where you live` };
}

function viewFor(context: LetterContext, recipient: LetterRecipient, regulator: RegulatorContact) {
  const response = context.input.incident.response ?? {};
  // The person's own kinds of data, with what being on the list reveals about everyone on it, in the order
  // the law's vocabulary lists them (identity first, special categories after).
  const own = recipient.categories.length > 0 ? recipient.categories : context.input.incident.dataCategories;
  const revealed: readonly string[] = context.input.incident.response?.listReveals ?? [];
  const categories = categoryOrder.filter(
    (category) => own.includes(category) || revealed.includes(category),
  );
  for (const category of own) if (!categories.includes(category)) categories.push(category);
  const advice = [response.adviceToPeople, ...adviceFor(categories)].filter(
    (text): text is string => text !== undefined && text.length > 0,
  );
  const name = recipient.name?.trim() ?? "";
  return {
    ...context.shared,
    person: { name },
    greeting: name.length > 0 ? `Dear ${name}` : "Dear Sir or Madam",
    yourData: englishList(letterCategoryPhrases(categories)),
    hasSpecialData: categories.some((c) => context.input.specialCategories.includes(c)),
    advice:
      advice.length > 0
        ? advice.join(" ")
        : "Be wary of unexpected messages that mention this incident or ask for your personal details.",
    regulator: { name: regulator.name },
  };
}

/**
 * One person's letter, as plain text: the wording is filled in as text, and HTML output escapes the whole of
 * it (the organisation's template text and the values from the exposed files alike).
 */
export function buildSubjectLetter(context: LetterContext, recipient: LetterRecipient): SubjectLetter {
  const regulator = regulatorFor(context, recipient.jurisdiction);
  const view = viewFor(context, recipient, regulator);
  const fill = (part: LetterPart) => fillTemplate(context.templates[part], view).trim();
  const paragraphs: LetterParagraph[] = [];
  for (const part of letterParts) {
    if (part === "subject") continue;
    const text = fill(part);
    if (text.length === 0) continue;
    paragraphs.push({ heading: letterHeadings[part] ?? null, text });
  }
  const address = [
    ...(view.person.name.length > 0 ? [view.person.name] : []),
    ...(recipient.addressLines ?? []),
  ];
  if (recipient.postcode !== undefined && !address.some((line) => line.includes(recipient.postcode ?? "")))
    address.push(recipient.postcode);
  const hasPostal = (recipient.addressLines?.length ?? 0) > 0;
  return {
    personId: recipient.personId,
    jurisdiction: recipient.jurisdiction,
    regulator,
    date: context.shared.date,
    organisation: context.shared.organisation,
    address: hasPostal ? address : [],
    email: recipient.email ?? null,
    subject: fill("subject"),
    paragraphs,
  };
}

/** The letter as plain text (the e-mail's text part). */
export function renderLetterText(letter: SubjectLetter): string {
  const out: string[] = [];
  for (const paragraph of letter.paragraphs) {
    if (paragraph.heading !== null) out.push(paragraph.heading);
    out.push(paragraph.text, "");
  }
  return out.join("\n");
}

/** A paragraph of plain text as HTML: escaped, line breaks kept. */
export function htmlParagraph(text: string): string {
  return escapeHtml(text).replaceAll("\n", "<br>");
}

/** The letter as an HTML e-mail body: every piece of text escaped. */
export function renderLetterHtml(letter: SubjectLetter): string {
  const body = letter.paragraphs
    .map(
      (p) =>
        (p.heading === null
          ? ""
          : `<h2 style="font-size:16px;margin:20px 0 4px">${escapeHtml(p.heading)}</h2>`) +
        `<p style="margin:0 0 12px">${htmlParagraph(p.text)}</p>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(letter.subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#111;max-width:640px;margin:0 auto;padding:16px">
<p style="color:#555;margin:0 0 16px">${escapeHtml(letter.organisation)} · ${escapeHtml(letter.date)}</p>
${body}
</body></html>
`;
}
