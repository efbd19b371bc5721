/**
 * Security headers (helmet's), worked out once at start and added to every response. @fastify/helmet builds
 * helmet's middleware again for every request, which cost more than the rest of a small request's handling.
 */
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import helmet, { type HelmetOptions } from "helmet";

/** The headers helmet sets for these options (names in lower case). */
export function securityHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  let failure: unknown = null;
  helmet(options)(request, response, (error?: unknown) => {
    failure = error ?? null;
  });
  if (failure !== null) throw failure instanceof Error ? failure : new Error("helmet refused its options");
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.getHeaders()))
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : String(value);
  if (Object.keys(headers).length === 0) throw new Error("helmet set no headers");
  return Object.freeze(headers);
}
