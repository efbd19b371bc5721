/** The request bodies of the breach log, beyond the incident itself (law/incident.ts). One schema each. */
import { z } from "zod";

const instant = z.iso.datetime({
  offset: true,
  error: "must be an ISO 8601 date-time with a time zone offset",
});
const country = z.string().regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 country code");

export const decisionInputSchema = z
  .strictObject({
    jurisdiction: country,
    duty: z.enum(["regulator", "subjects", "processor"]),
    outcome: z.enum(["notify", "not_notify", "public_communication", "defer"]),
    rationale: z.string().trim().min(10, "must explain the decision (at least 10 characters)").max(20_000),
    decidedAt: instant.optional(),
  })
  .meta({
    title: "DecisionInput",
    description: "A person's decision on one duty, e.g. not notifying JE because …",
  });
export type DecisionInput = z.infer<typeof decisionInputSchema>;

export const notificationInputSchema = z
  .strictObject({
    jurisdiction: country,
    recipient: z.enum(["regulator", "subjects", "controller", "public"]),
    phase: z.enum(["initial", "follow_up"]).default("initial"),
    givenAt: instant,
    method: z.enum([
      "online_form",
      "email",
      "phone",
      "post",
      "letter",
      "public_statement",
      "portal",
      "other",
    ]),
    reference: z.string().trim().max(500).optional(),
    delayReason: z.string().trim().max(20_000).optional(),
  })
  .meta({ title: "NotificationInput", description: "A notice actually given" });
export type NotificationInput = z.infer<typeof notificationInputSchema>;

export const breachListQuerySchema = z.strictObject({
  status: z.enum(["open", "closed"]).optional(),
  jurisdiction: country.optional(),
  overdue: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional(),
  limit: z.coerce
    .number({ error: "must be a whole number from 1 to 200" })
    .int("must be a whole number from 1 to 200")
    .min(1, "must be a whole number from 1 to 200")
    .max(200, "must be a whole number from 1 to 200")
    .default(50),
  cursor: z.string().max(200).optional(),
});
export type BreachListQuery = z.infer<typeof breachListQuerySchema>;
