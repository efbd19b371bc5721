/**
 * The incident: the facts of a personal data breach as the organisation knows them. This schema is the one
 * source for the TypeScript type, input validation, `dpdesk schema incident` (JSON Schema) and, later, the
 * API's OpenAPI description and the web form's hints.
 */
import { z } from "zod";
import { explainNotACountry, type Country } from "./countries.js";

import { article9Categories, dataCategories, type DataCategory } from "./vocabulary.js";

export { article9Categories, dataCategories, type DataCategory };

export const causes = [
  "cyber_attack",
  "lost_or_stolen_device",
  "misdirected",
  "unauthorised_access",
  "accidental_disclosure",
  "other",
] as const;
export type Cause = (typeof causes)[number];

export const natures = ["confidentiality", "integrity", "availability"] as const;
export type Nature = (typeof natures)[number];

const country = z
  .string()
  .superRefine((code, ctx) => {
    const problem = explainNotACountry(code);
    if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
  })
  .meta({ description: "ISO 3166-1 alpha-2 country code, e.g. GB, IM, JE, GG, FR", examples: ["GB", "IM"] });

const instant = z.iso
  .datetime({
    offset: true,
    error: "must be an ISO 8601 date-time with a time zone offset, e.g. 2025-06-25T09:30:00+01:00",
  })
  .meta({ description: "ISO 8601 date-time with a UTC offset or Z" });

function uniqueList<T extends z.ZodType>(item: T) {
  return z
    .array(item)
    .refine((list) => new Set(list).size === list.length, { message: "must not repeat a value" });
}

const statement = (description: string) =>
  z.string().trim().min(1, "must not be empty").max(20_000).optional().meta({ description });

/**
 * What the organisation has done and will say: the facts the notices and letters need beyond the breach itself
 * (GDPR Art 33(3)(b)–(d) and the regulators' forms). Every field is optional; a notice names what is missing.
 */
export const responseSchema = z
  .strictObject({
    contact: z
      .strictObject({
        name: z.string().trim().min(1, "must not be empty").max(500),
        role: z.string().trim().min(1, "must not be empty").max(500).optional(),
        email: z.email("must be an e-mail address").max(320).optional(),
        phone: z.string().trim().min(1, "must not be empty").max(100).optional(),
        address: z.string().trim().min(1, "must not be empty").max(2_000).optional(),
      })
      .optional()
      .meta({
        description: "The data protection officer or other contact point for the regulator and people",
      }),
    peopleConcerned: statement("Who the affected people are, e.g. 'members and former members'"),
    consequences: statement("The likely consequences of the breach for the people affected"),
    consequencesForPeople: statement(
      "The likely consequences in words for the people themselves (the letters); without it, the letters use consequences",
    ),
    listReveals: uniqueList(z.enum(dataCategories)).optional().meta({
      description:
        "Kinds of data that being on the exposed list itself reveals about everyone on it (a union's member list: trade_union_membership); every letter names them",
    }),
    measuresTaken: statement("What has been done to deal with the breach and limit its effects"),
    measuresProposed: statement("What will be done next"),
    adviceToPeople: statement("What the people affected can do to protect themselves"),
    othersInformed: statement("Who else has been told: other regulators, the police, banks, the people"),
    discovery: statement("How the organisation found out about the breach"),
    containment: statement("How the breach was contained"),
    investigation: statement("How the breach is being investigated"),
    prevention: statement("What is being done to stop it happening again, and by when"),
    delayReason: statement("Why the report is later than the deadline"),
    stillToCome: statement("What is not yet known, and when it will be given to the regulator"),
    otherInformation: statement("Anything else that may help the regulator"),
  })
  .meta({ title: "Response", description: "What the organisation has done and will say about the breach" });
export type BreachResponse = z.output<typeof responseSchema>;

export const incidentSchema = z
  .strictObject({
    title: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(500)
      .meta({ description: "A short name for the breach" }),
    description: z
      .string()
      .max(20_000)
      .optional()
      .meta({ description: "What happened, in the organisation's words" }),
    controller: z
      .strictObject({
        name: z.string().trim().min(1, "must not be empty").max(500),
        establishments: z
          .array(country)
          .min(1, "must name at least one country")
          .refine((list) => new Set(list).size === list.length, { message: "must not repeat a country" })
          .meta({ description: "Countries where the organisation is established" }),
        role: z.enum(["controller", "processor"]).default("controller").meta({
          description: "Whether the organisation is the controller of the data or a processor for one",
        }),
      })
      .meta({ description: "The organisation that suffered the breach" }),
    awareAt: instant.meta({
      description: "When the organisation became aware of the breach (the 72-hour clocks start here)",
    }),
    occurredAt: instant.optional().meta({ description: "When the breach happened, if known" }),
    discoveredAt: instant
      .optional()
      .meta({ description: "When the incident was first discovered, if known" }),
    nature: uniqueList(z.enum(natures)).default([]).meta({
      description: "Which security properties were breached (confidentiality, integrity, availability)",
    }),
    cause: z.enum(causes).default("other"),
    dataCategories: uniqueList(z.enum(dataCategories)).default([]),
    subjects: z
      .record(country, z.int().min(0, "must be 0 or more").max(10_000_000_000))
      .default({})
      .meta({ description: "Number of affected people by the country where they live" }),
    records: z
      .int()
      .min(0, "must be 0 or more")
      .optional()
      .meta({ description: "Number of records affected" }),
    protection: z
      .strictObject({
        encrypted: z.boolean().default(false),
        keyCompromised: z.boolean().default(false).meta({
          description:
            "The encryption key, or the information needed to reverse pseudonymisation, was compromised too",
        }),
        pseudonymised: z.boolean().default(false),
        publiclyAvailable: z.boolean().default(false),
      })
      .default({ encrypted: false, keyCompromised: false, pseudonymised: false, publiclyAvailable: false }),
    likelihood: z
      .int()
      .min(1)
      .max(3)
      .optional()
      .meta({ description: "Assessor's likelihood, 1–3 (wins over the engine's)" }),
    impact: z
      .int()
      .min(1)
      .max(3)
      .optional()
      .meta({ description: "Assessor's impact, 1–3 (wins over the engine's)" }),
    mitigation: z
      .strictObject({
        highRiskNoLongerLikely: z.boolean().default(false),
        disproportionateEffort: z.boolean().default(false),
      })
      .default({ highRiskNoLongerLikely: false, disproportionateEffort: false }),
    response: responseSchema.optional(),
  })
  .superRefine((incident, ctx) => {
    for (const problem of findInconsistencies(incident))
      ctx.addIssue({ code: "custom", path: problem.field.split("."), message: problem.message });
  })
  .meta({ title: "Incident", description: "The facts of a personal data breach, as dpdesk assesses them" });

/**
 * Facts that contradict each other (aware before the breach occurred, a compromised key without encryption or
 * pseudonymisation).
 * Works on raw input too, so that these are reported alongside type errors in one pass.
 */
function findInconsistencies(value: unknown): InputProblem[] {
  if (typeof value !== "object" || value === null) return [];
  const incident = value as Record<string, unknown>;
  // Only well-formed instants are compared: Date.parse would roll 30 February over into March.
  const instantAt = (field: string): number | undefined => {
    const raw = incident[field];
    if (typeof raw !== "string" || !instant.safeParse(raw).success) return undefined;
    return Date.parse(raw);
  };
  const aware = instantAt("awareAt");
  const occurred = instantAt("occurredAt");
  const discovered = instantAt("discoveredAt");
  const problems: InputProblem[] = [];
  if (occurred !== undefined && aware !== undefined && aware < occurred)
    problems.push({ field: "awareAt", message: "must not be before occurredAt" });
  if (occurred !== undefined && discovered !== undefined && discovered < occurred)
    problems.push({ field: "discoveredAt", message: "must not be before occurredAt" });
  if (discovered !== undefined && aware !== undefined && aware < discovered)
    problems.push({ field: "awareAt", message: "must not be before discoveredAt" });
  const protection = incident.protection;
  if (typeof protection === "object" && protection !== null) {
    const flags = protection as Record<string, unknown>;
    if (flags.keyCompromised === true && flags.encrypted !== true && flags.pseudonymised !== true)
      problems.push({
        field: "protection.keyCompromised",
        message: "can only be true when encrypted or pseudonymised is true",
      });
  }
  return problems;
}

/** An incident as written by a person or a program (defaults not yet applied). */
export type IncidentInput = z.input<typeof incidentSchema>;
/** A validated incident, with defaults applied. */
export type Incident = z.output<typeof incidentSchema>;

/** One problem with an input, naming the field by its path (e.g. `controller.establishments.0`). */
export interface InputProblem {
  field: string;
  message: string;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: InputProblem[] };

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.input === undefined) return "required";
  if (issue.code === "unrecognized_keys")
    return `unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`;
  // Zod's default wording for bounds ("Too big: expected number to be <=3") becomes plain English; custom
  // messages (e.g. "must not be empty") are kept.
  if (issue.code === "too_big" && issue.message.startsWith("Too "))
    return issue.origin === "array"
      ? `must have at most ${issue.maximum} items`
      : `must be at most ${issue.maximum}`;
  if (issue.code === "too_small" && issue.message.startsWith("Too "))
    return issue.origin === "array"
      ? `must have at least ${issue.minimum} items`
      : `must be at least ${issue.minimum}`;
  if (issue.code === "invalid_key") return issue.issues.map(describe).join("; ");
  if (issue.code === "invalid_type") return `must be ${article(issue.expected)}`;
  if (issue.code === "invalid_value")
    return `must be one of: ${issue.values.map((value) => String(value)).join(", ")}`;
  return issue.message;
}

function article(expected: string): string {
  if (expected === "int") return "an integer";
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** Turns validation issues into one problem per field, in a stable order. */
export function describeProblems(error: z.ZodError): InputProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length === 0 ? "(incident)" : issue.path.map(String).join("."),
    message: describe(issue),
  }));
}

/** Validates untrusted input (already parsed from JSON) as an incident. */
export function parseIncident(input: unknown): ParseResult<Incident> {
  const result = incidentSchema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  // The schema skips its cross-field checks when a field is invalid; run them here so one pass reports all.
  const problems = describeProblems(result.error);
  for (const extra of findInconsistencies(input))
    if (!problems.some((p) => p.field === extra.field && p.message === extra.message)) problems.push(extra);
  return { ok: false, problems };
}

/** The incident schema as JSON Schema (draft 2020-12), describing what a person may write. */
export function incidentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(incidentSchema, { io: "input", unrepresentable: "any" });
}

/** Every country the incident concerns: the controller's establishments, then where affected people live. */
export function jurisdictionsConcerned(incident: Incident): Country[] {
  const seen = new Set<Country>(incident.controller.establishments);
  const byCount = Object.entries(incident.subjects)
    .filter(([code, count]) => count > 0 && !seen.has(code))
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([code]) => code);
  return [...incident.controller.establishments, ...byCount];
}
