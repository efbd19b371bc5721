/** The shapes of recipient-list requests, validated by zod (field-named errors and the OpenAPI description). */
import { z } from "zod";
import { recipientLimits as limits } from "../impact/recipients.js";
import { dataCategories, isCountry } from "../law/vocabulary.js";

const text = (max: number) => z.string().max(max, `must be at most ${String(max)} characters`);

export const MAX_BATCH = 5_000;

export const recipientInputSchema = z.object({
  key: z
    .string()
    .min(1, "required")
    .max(limits.key, `must be at most ${String(limits.key)} characters (longer keys are sent hashed)`),
  jurisdiction: z
    .string()
    .refine((code) => code === "unknown" || isCountry(code), "must be an ISO 3166-1 alpha-2 code or unknown"),
  /** What the jurisdiction rests on: a postcode 3, a country 2, a phone 1, nothing 0 (stronger evidence wins). */
  strength: z.number().int().min(0).max(3).default(0),
  categories: z.array(z.enum(dataCategories)).max(dataCategories.length),
  // The same limits the impact collector cuts details to, so that whatever it sends is stored.
  name: text(limits.name).default(""),
  email: text(limits.email).default(""),
  address: z
    .array(text(limits.addressLine))
    .max(limits.addressLines, `must have at most ${String(limits.addressLines)} lines`)
    .default([]),
  postcode: text(limits.postcode).default(""),
  country: text(limits.country).default(""),
  phone: text(limits.phone).default(""),
  source: z.object({ file: text(limits.file), line: z.number().int().min(0) }),
});

export type RecipientInput = z.infer<typeof recipientInputSchema>;

export const importStartSchema = z.object({
  /** Chosen by the client from the files, so that running the same import again resumes it. */
  importId: z.uuid({ error: "must be a UUID" }).optional(),
  sources: z
    .array(
      z.object({
        file: text(1_000).min(1, "required"),
        bytes: z.number().int().min(0),
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits")
          .optional(),
        /** Rows found in the file: a breach's records count each file once, however many imports name it. */
        rows: z.number().int().min(0).optional(),
      }),
    )
    .min(1, "name at least one file")
    .max(1_000),
  /** People per batch. A resumed import keeps the size it started with (the answer says which). */
  batchSize: z.number().int().min(1).max(MAX_BATCH).default(2_000),
});

/** A batch's number, from the URL: 1, 2, 3… */
export const batchNumberSchema = z.coerce
  .number({ error: "must be a whole number from 1" })
  .int("must be a whole number from 1")
  .min(1, "batches are numbered from 1")
  .max(2_147_483_647, "must be at most 2147483647");

export const batchSchema = z.object({
  recipients: z.array(recipientInputSchema).min(1, "send at least one person").max(MAX_BATCH),
});

export const importCompleteSchema = z.object({
  /** How many batches were sent (numbered from 1): each must be stored before the import is complete. */
  batches: z.number().int().min(0),
  rows: z.number().int().min(0),
  people: z.number().int().min(0),
});

export const recipientListQuerySchema = z.object({
  jurisdiction: z
    .string()
    .refine((code) => code === "unknown" || isCountry(code), "must be an ISO 3166-1 alpha-2 code or unknown")
    .optional(),
  after: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be the `next` value of a previous page")
    .optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});
