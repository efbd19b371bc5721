/**
 * Maps errors to RFC 9457 problem details (application/problem+json), in one place. Bad input is a 400 naming
 * each field; another organisation's ids are a 404, never a 403; a database outage is a 503 with Retry-After.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import {
  Conflict,
  Forbidden,
  InvalidInput,
  NotAllowed,
  NotFound,
  Unauthorised,
  Misconfigured,
} from "../errors.js";
import { isDatabaseUnavailable } from "../db/unavailable.js";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

function problem(status: number, title: string, detail?: string, errors?: Problem["errors"]): Problem {
  return {
    type: status === 400 ? "https://dpdesk.dev/problems/invalid-input" : "about:blank",
    title,
    status,
    ...(detail === undefined ? {} : { detail }),
    ...(errors === undefined ? {} : { errors }),
  };
}

export function toProblem(error: unknown): { problem: Problem; headers: Record<string, string> } {
  if (error instanceof InvalidInput)
    return {
      problem: problem(
        400,
        "Invalid input",
        error.problems.map((p) => `${p.field}: ${p.message}`).join("; "),
        [...error.problems],
      ),
      headers: {},
    };
  if (error instanceof NotFound) return { problem: problem(404, "Not found", error.message), headers: {} };
  if (error instanceof Unauthorised)
    return {
      problem: problem(401, "Not signed in", error.message),
      headers: { "www-authenticate": 'Bearer realm="dpdesk"' },
    };
  if (error instanceof Forbidden) return { problem: problem(403, "Forbidden", error.message), headers: {} };
  if (error instanceof Conflict) return { problem: problem(409, "Conflict", error.message), headers: {} };
  if (error instanceof Misconfigured)
    return { problem: problem(500, "Server misconfigured", error.message), headers: {} };
  if (error instanceof NotAllowed)
    return { problem: problem(405, "Not allowed", error.message), headers: { allow: "GET, PATCH" } };
  if ((error as { code?: unknown }).code === "23505")
    return { problem: problem(409, "Conflict", "that already exists"), headers: {} };
  if (isDatabaseUnavailable(error))
    return {
      problem: problem(503, "Temporarily unavailable", "The database cannot be reached; retry shortly."),
      headers: { "retry-after": "5" },
    };
  const fastifyError = error as Partial<FastifyError>;
  const status = fastifyError.statusCode;
  if (typeof status === "number" && status >= 400 && status < 500) {
    const code = fastifyError.code ?? "";
    if (
      code === "FST_ERR_CTP_INVALID_JSON_BODY" ||
      code === "FST_ERR_CTP_EMPTY_JSON_BODY" ||
      /JSON/.test(fastifyError.message ?? "")
    )
      return {
        problem: problem(400, "Invalid input", "the body is not valid JSON", [
          { field: "(body)", message: "is not valid JSON" },
        ]),
        headers: {},
      };
    if (status === 413)
      return { problem: problem(413, "Payload too large", fastifyError.message), headers: {} };
    if (status === 415)
      return {
        problem: problem(
          415,
          "Unsupported media type",
          "send application/json (or multipart/form-data for evidence)",
        ),
        headers: {},
      };
    if (status === 429)
      return { problem: problem(429, "Too many requests", fastifyError.message), headers: {} };
    return { problem: problem(status, "Bad request", fastifyError.message), headers: {} };
  }
  return {
    problem: problem(500, "Internal error", "Something went wrong inside dpdesk; it has been logged."),
    headers: {},
  };
}

/**
 * What may be logged of an error. Database errors carry the offending values in `detail`, `where` and even
 * `message` (a duplicate e-mail address, a line of an incident), so only their codes are kept.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { error: String(error) };
  const fields = error as Error & {
    code?: unknown;
    severity?: unknown;
    constraint?: unknown;
    table?: unknown;
    routine?: unknown;
  };
  if (typeof fields.severity === "string")
    return {
      type: "database",
      code: fields.code,
      constraint: fields.constraint,
      table: fields.table,
      routine: fields.routine,
    };
  return { type: error.name, message: error.message, stack: error.stack };
}

export function sendProblem(reply: FastifyReply, error: unknown, request?: FastifyRequest): FastifyReply {
  const { problem: body, headers } = toProblem(error);
  if (body.status >= 500 && body.status !== 503) request?.log.error(loggableError(error), "request failed");
  else if (body.status === 503) request?.log.warn({ err: (error as Error).message }, "database unavailable");
  return reply.status(body.status).headers(headers).type("application/problem+json").send(body);
}
