/**
 * The assessment: what `assessBreach` returns. Key names are a stable contract shared by the CLI (`--json`),
 * the HTTP API and the web UI; `dpdesk schema assessment` prints it as JSON Schema.
 */
import { z } from "zod";

/** Why the engine decided something: the rule that applied, its source, and one readable sentence. */
export const reasonSchema = z.strictObject({
  rule: z.string().meta({ description: "Rule id, e.g. uk-gdpr.art33.risk-likely" }),
  citation: z.string().meta({ description: "Source: RULEBOOK section and source ids, or a seed section" }),
  text: z.string().meta({ description: "One readable sentence" }),
});
export type Reason = z.infer<typeof reasonSchema>;

export const riskLevels = ["low", "medium", "high"] as const;
export type RiskLevel = (typeof riskLevels)[number];

export const riskSchema = z.strictObject({
  likelihood: z.int().min(1).max(3),
  impact: z.int().min(1).max(3),
  score: z.int().min(1).max(9),
  level: z.enum(riskLevels),
  proposed: z
    .strictObject({ likelihood: z.boolean(), impact: z.boolean() })
    .meta({ description: "Which values the engine proposed from the facts (false: given by the assessor)" }),
  reasons: z.array(reasonSchema),
});
export type Risk = z.infer<typeof riskSchema>;

/**
 * A duty to the regulator. `recommended`: no legal duty, but the regulator's guidance presumes a report.
 * `judgement`: a person must decide; `considerations` says what to weigh.
 */
export const regulatorDecisions = ["required", "not_required", "recommended", "judgement"] as const;
export type RegulatorDecision = (typeof regulatorDecisions)[number];

export const subjectDecisions = ["required", "not_required", "public_communication", "judgement"] as const;
export type SubjectDecision = (typeof subjectDecisions)[number];

export const noticeItemSchema = z.strictObject({
  id: z.string().meta({ description: "Stable item id, e.g. nature, contact_point, delay_reason" }),
  text: z.string(),
  citation: z.string(),
});
export type NoticeItem = z.infer<typeof noticeItemSchema>;

const contactSchema = z.strictObject({
  web: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  address: z.string().optional(),
});

export const obligationSchema = z.strictObject({
  jurisdiction: z.string().meta({ description: "ISO 3166-1 alpha-2 code" }),
  jurisdictionName: z.string(),
  pack: z.strictObject({ id: z.string(), version: z.string(), title: z.string() }).nullable(),
  regulator: z.strictObject({
    name: z.string(),
    decision: z.enum(regulatorDecisions),
    deadline: z.iso.datetime().nullable().meta({ description: "UTC instant, or null where no law sets one" }),
    deadlineLocal: z.string().nullable().meta({
      description: "The deadline in the regime's time zone, e.g. 2025-06-28T10:00:00+01:00[Europe/London]",
    }),
    strict: z
      .boolean()
      .meta({ description: "True where the deadline is a hard limit (Guernsey: 'in any event')" }),
    timing: z.string(),
    delayReasonOwed: z
      .boolean()
      .meta({ description: "True when the deadline has passed: the notice must say why" }),
    howToReport: z.string(),
    contact: contactSchema,
    contents: z.array(noticeItemSchema),
    considerations: z.array(z.string()),
    reasons: z.array(reasonSchema),
  }),
  subjects: z.strictObject({
    decision: z.enum(subjectDecisions),
    timing: z.string(),
    contents: z
      .array(noticeItemSchema)
      .meta({ description: "What the notice to the people affected must hold" }),
    considerations: z.array(z.string()),
    reasons: z.array(reasonSchema),
  }),
  processor: z
    .strictObject({
      decision: z.literal("required"),
      notify: z.literal("controller"),
      timing: z.string(),
      reasons: z.array(reasonSchema),
    })
    .nullable()
    .meta({
      description: "A processor's duty to tell its controller; null when the organisation is the controller",
    }),
});
export type Obligation = z.infer<typeof obligationSchema>;

export const assessmentSchema = z
  .strictObject({
    assessedAt: z.iso.datetime(),
    risk: riskSchema,
    obligations: z.array(obligationSchema),
  })
  .meta({ title: "Assessment", description: "dpdesk's assessment of a personal data breach" });
export type Assessment = z.infer<typeof assessmentSchema>;

export function assessmentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(assessmentSchema, { io: "output" });
}
