/**
 * The wording of letters, e-mails and public statements: Mustache templates, one per paragraph, with defaults
 * good enough to send. An organisation may override any of them.
 *
 * Safe by construction: a template may only use the placeholders listed below, as `{{name}}` (escaped in HTML)
 * or as a section `{{#name}}…{{/name}}` / `{{^name}}…{{/name}}`. Unescaped output (`{{{x}}}`, `{{& x}}`),
 * partials and delimiter changes are refused, because the values come from exposed files and are not trusted.
 */
import Mustache from "mustache";
import { z } from "zod";

/** Every placeholder a template may use, with what it holds. */
export const placeholders = {
  organisation: "The organisation's name",
  date: "The letter's date, e.g. 26 June 2025",
  "person.name": "The person's name as found in the exposed files (may be empty)",
  greeting: "'Dear <name>', or 'Dear Sir or Madam' when no name is known",
  whatHappened: "The organisation's description of what happened",
  awareDate: "The day the organisation became aware of the breach",
  yourData: "The person's own kinds of data involved, as an English list",
  hasSpecialData: "True when the person's data includes special category data",
  consequences: "The likely consequences, in the organisation's words",
  measuresTaken: "What has been done",
  measuresProposed: "What will be done",
  advice: "What the person can do (the organisation's advice and advice for their kinds of data)",
  "contact.name": "The contact point's name",
  "contact.role": "The contact point's role",
  "contact.email": "The contact point's e-mail",
  "contact.phone": "The contact point's phone number",
  "contact.address": "The contact point's postal address",
  "regulator.name": "The person's own regulator (for the jurisdiction they were attributed to)",
  regulators: "Every regulator the breach concerns, as an English list (for the public statement)",
  reference: "The breach's reference",
} as const;
export type Placeholder = keyof typeof placeholders;

/** The parts of a letter in reading order, each a template. */
export const letterParts = [
  "subject",
  "greeting",
  "opening",
  "whatHappened",
  "yourData",
  "consequences",
  "whatWeHaveDone",
  "whatYouCanDo",
  "contact",
  "complaint",
  "closing",
  "signature",
] as const;
export type LetterPart = (typeof letterParts)[number];

export const statementParts = ["title", "body", "whatYouCanDo", "contact", "complaint"] as const;
export type StatementPart = (typeof statementParts)[number];

/** Headings shown above parts in a letter (the others are unheaded). */
export const letterHeadings: Partial<Record<LetterPart, string>> = {
  whatHappened: "What happened",
  yourData: "Your information involved",
  consequences: "What this could mean for you",
  whatWeHaveDone: "What we have done",
  whatYouCanDo: "What you can do",
  contact: "Contact us",
  complaint: "Your right to complain",
};

export const defaultLetterTemplates: Record<LetterPart, string> = {
  subject: "Important: a data breach involving your personal information",
  greeting: "{{greeting}},",
  opening:
    "We are writing to tell you that some of your personal information held by {{organisation}} was involved in a data breach. We are sorry that this has happened. This letter explains what happened, what it could mean for you, what we are doing about it and what you can do.",
  whatHappened: "{{whatHappened}} We became aware of the breach on {{awareDate}}.",
  yourData:
    "The information about you that was involved includes {{yourData}}.{{#hasSpecialData}} Some of this information is especially sensitive, and we understand this may be worrying.{{/hasSpecialData}}",
  consequences: "{{consequences}}",
  whatWeHaveDone: "{{measuresTaken}}{{#measuresProposed}} {{measuresProposed}}{{/measuresProposed}}",
  whatYouCanDo: "{{advice}}",
  contact:
    "If you have any questions, please contact {{contact.name}}{{#contact.role}}, our {{contact.role}}{{/contact.role}}{{#contact.email}}, by e-mail at {{contact.email}}{{/contact.email}}{{#contact.phone}}, by phone on {{contact.phone}}{{/contact.phone}}{{#contact.address}}, or by post at {{contact.address}}{{/contact.address}}. Please quote reference {{reference}}.",
  complaint:
    "You have the right to complain about how we have handled your personal information to the {{regulator.name}}.",
  closing: "We are very sorry for any concern this may cause you.",
  signature: "Yours sincerely,\n{{contact.name}}\n{{organisation}}",
};

export const defaultStatementTemplates: Record<StatementPart, string> = {
  title: "{{organisation}}: statement about a data breach",
  body: "{{organisation}} has found that personal information it holds was involved in a data breach. {{whatHappened}} We became aware of the breach on {{awareDate}}. The information involved includes {{yourData}}. {{consequences}} {{measuresTaken}}{{#measuresProposed}} {{measuresProposed}}{{/measuresProposed}}",
  whatYouCanDo: "{{advice}}",
  contact:
    "If you think you may be affected, please contact {{contact.name}}{{#contact.email}} at {{contact.email}}{{/contact.email}}{{#contact.phone}} or on {{contact.phone}}{{/contact.phone}}, quoting reference {{reference}}.",
  complaint:
    "You have the right to complain to the data protection regulator where you live: {{regulators}}.",
};

const templateText = z.string().max(10_000, "must be at most 10,000 characters");

export const templatesSchema = z
  .strictObject({
    letter: z
      .strictObject(Object.fromEntries(letterParts.map((part) => [part, templateText.optional()])))
      .optional(),
    statement: z
      .strictObject(Object.fromEntries(statementParts.map((part) => [part, templateText.optional()])))
      .optional(),
  })
  .meta({
    title: "Templates",
    description:
      "An organisation's wording for letters and public statements; parts left out use the defaults",
  });
export type TemplateOverrides = z.infer<typeof templatesSchema>;

export interface TemplateProblem {
  field: string;
  message: string;
}

const allowedNames = new Set<string>(Object.keys(placeholders));

/** Problems with an organisation's templates, each naming the part (e.g. `letter.opening`). */
export function checkTemplates(overrides: TemplateOverrides): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const [kind, parts] of Object.entries(overrides))
    for (const [part, template] of Object.entries((parts as Record<string, unknown> | undefined) ?? {}))
      if (typeof template === "string") {
        const field = `${kind}.${part}`;
        for (const message of checkTemplate(template)) problems.push({ field, message });
        for (const message of requiredOf(kind, part, template)) problems.push({ field, message });
      }
  return problems;
}

/** What a part must keep, whatever its wording: the law's content of a letter cannot be templated away. */
function requiredOf(kind: string, part: string, template: string): string[] {
  const uses = (name: string) => template.includes(`{{${name}}}`);
  if (kind === "letter" && part === "complaint" && !uses("regulator.name"))
    return [
      "must name the person's regulator ({{regulator.name}}): every letter tells people they may complain",
    ];
  if (
    kind === "letter" &&
    part === "contact" &&
    !["contact.email", "contact.phone", "contact.address"].some(uses)
  )
    return [
      "must give a way to reach the contact point ({{contact.email}}, {{contact.phone}} or {{contact.address}})",
    ];
  if (kind === "statement" && ["person.name", "greeting", "regulator.name"].some(uses))
    return [
      "a public statement is addressed to no one: {{person.name}}, {{greeting}} and {{regulator.name}} are for letters ({{regulators}} lists them all)",
    ];
  return [];
}

function checkTemplate(template: string): string[] {
  let tokens: unknown[];
  try {
    tokens = Mustache.parse(template);
  } catch (error) {
    return [`is not a valid template: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const visit = (list: unknown[]) => {
    for (const token of list as [string, string, number, number, unknown[]?][]) {
      const [type, value] = token;
      if (type === "text") continue;
      if (type === "&" || type === "{")
        problems.push(`must not use unescaped output ({{{${value}}}} or {{& ${value}}}); use {{${value}}}`);
      else if (type === ">") problems.push(`must not use partials ({{> ${value}}})`);
      else if (type === "=") problems.push("must not change the delimiters");
      else if (type !== "!" && !allowedNames.has(value))
        problems.push(`uses an unknown placeholder {{${value}}}; known: ${[...allowedNames].join(", ")}`);
      const children = token[4];
      if (Array.isArray(children)) visit(children);
    }
  };
  visit(tokens);
  return problems;
}

export type Escape = (text: string) => string;

const asIs: Escape = (text) => text;

/** One template filled in. `escape` is identity for text and PDF, HTML escaping for HTML. */
export function fillTemplate(template: string, view: object, escape: Escape = asIs): string {
  return Mustache.render(template, view, undefined, { escape });
}

export function letterTemplates(overrides: TemplateOverrides | null | undefined): Record<LetterPart, string> {
  return { ...defaultLetterTemplates, ...definedOnly(overrides?.letter) };
}

export function statementTemplates(
  overrides: TemplateOverrides | null | undefined,
): Record<StatementPart, string> {
  return { ...defaultStatementTemplates, ...definedOnly(overrides?.statement) };
}

function definedOnly(parts: Record<string, string | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parts ?? {})) if (value !== undefined) out[key] = value;
  return out;
}
