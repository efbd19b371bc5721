/** Validates a request value with its zod schema, or throws InvalidInput naming each field. */
import type { z } from "zod";
import { InvalidInput } from "./errors.js";

/**
 * @param under a field name to put in front of the paths (e.g. "email" for a bare string), or none for a body.
 * @param root how to name the whole input in a message: "(body)" or "(query)".
 */
export function validateInput<T>(schema: z.ZodType<T>, input: unknown, under?: string, root = "(body)"): T {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new InvalidInput(
    result.error.issues.map((issue) => {
      const path = [...(under === undefined ? [] : [under]), ...issue.path.map(String)];
      return {
        field: path.length === 0 ? root : path.join("."),
        message: issue.code === "invalid_type" && issue.input === undefined ? "required" : issue.message,
      };
    }),
  );
}
