/** The breach log over HTTP: thin handlers that pass the principal and the request to the service. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { assessBreach, assessmentSchema, incidentSchema, parseIncident } from "../law/index.js";
import type { Clock } from "./breach-service.js";
import { principalOf } from "../platform/http/server.js";
import { requirePermission } from "../platform/auth/principal.js";
import { InvalidInput } from "../platform/errors.js";
import { breachListQuerySchema, decisionInputSchema, notificationInputSchema } from "./breach-inputs.js";
import type { BreachService } from "./breach-service.js";

const idParams = z.object({ id: z.string() });

/** If-Match: "3" (the breach's version, as its ETag gives it); absent means "whatever it is now". */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === "*") return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (match?.[1] === undefined)
    throw new InvalidInput([
      { field: "If-Match", message: 'must be the breach\'s version in quotes, e.g. "3"' },
    ]);
  return Number(match[1]);
}

export function registerBreachRoutes(server: FastifyInstance, breaches: BreachService, clock: Clock): void {
  const app = server.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/api/v1/assess",
    {
      schema: {
        tags: ["assessment"],
        summary: "Assess an incident without storing it",
        body: incidentSchema,
        response: { 200: assessmentSchema },
      },
    },
    (request) => {
      requirePermission(principalOf(request), "read");
      const parsed = parseIncident(request.body);
      if (!parsed.ok) throw new InvalidInput(parsed.problems);
      return assessBreach(parsed.value, { at: clock.now() });
    },
  );

  app.post(
    "/api/v1/breaches",
    {
      schema: {
        tags: ["breaches"],
        summary: "File a breach: stored with its assessment and rule-pack versions",
        body: incidentSchema,
      },
    },
    async (request, reply) =>
      reply.status(201).send(await breaches.fileBreach(principalOf(request), request.body)),
  );

  app.get(
    "/api/v1/breaches",
    {
      schema: {
        tags: ["breaches"],
        summary: "List breaches (filter by status, jurisdiction, overdue; paginated by cursor)",
        querystring: breachListQuerySchema,
      },
    },
    (request) => breaches.listBreaches(principalOf(request), request.query),
  );

  app.get(
    "/api/v1/breaches/:id",
    {
      schema: {
        tags: ["breaches"],
        summary: "A breach: facts, assessment, duties, decisions, notices, evidence",
        params: idParams,
      },
    },
    async (request, reply) => {
      const breach = await breaches.getBreach(principalOf(request), request.params.id);
      // The version as an ETag, for If-Match on PATCH.
      return reply.header("etag", `"${String(breach.version)}"`).send(breach);
    },
  );

  app.patch(
    "/api/v1/breaches/:id",
    {
      schema: {
        tags: ["breaches"],
        summary:
          'Change facts (JSON merge patch of the incident, plus status); re-assesses and shows what changed. With If-Match: "<version>" (the ETag of GET), refused with 409 if the breach has changed since',
        params: idParams,
        body: z.record(z.string(), z.unknown()).meta({
          description:
            'A JSON merge patch (RFC 7396) of the incident, e.g. {"subjects":{"JE":1800}}, plus an optional status (open, closed)',
        }),
      },
    },
    (request) =>
      breaches.updateBreach(
        principalOf(request),
        request.params.id,
        request.body,
        expectedVersion(request.headers["if-match"]),
      ),
  );

  app.delete(
    "/api/v1/breaches/:id",
    { schema: { tags: ["breaches"], summary: "Refused: breaches are kept indefinitely", params: idParams } },
    (request) => {
      principalOf(request);
      return breaches.refuseDeletion();
    },
  );

  app.post(
    "/api/v1/breaches/:id/decisions",
    {
      schema: {
        tags: ["breaches"],
        summary: "Record a person's decision on a duty, with its rationale",
        params: idParams,
        body: decisionInputSchema,
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await breaches.recordDecision(principalOf(request), request.params.id, request.body)),
  );

  app.post(
    "/api/v1/breaches/:id/notifications",
    {
      schema: {
        tags: ["breaches"],
        summary: "Record a notice given; lateness is computed and a missing delay reason flagged",
        params: idParams,
        body: notificationInputSchema,
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await breaches.recordNotification(principalOf(request), request.params.id, request.body)),
  );

  app.post(
    "/api/v1/breaches/:id/evidence",
    {
      schema: {
        tags: ["evidence"],
        summary:
          "Upload evidence (multipart/form-data, field 'file'; optional 'description'); SHA-256 recorded",
        params: idParams,
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      await breaches.assertCanAddEvidence(principal, request.params.id);
      if (!request.isMultipart())
        throw new InvalidInput([{ field: "file", message: "send multipart/form-data with a 'file' field" }]);
      let part: Awaited<ReturnType<typeof request.file>>;
      let content: Buffer;
      try {
        part = await request.file();
        if (part === undefined) throw new InvalidInput([{ field: "file", message: "required" }]);
        content = await part.toBuffer();
      } catch (error) {
        // Size limits keep their 413; a body that is not well-formed multipart is bad input, not a failure.
        if (error instanceof InvalidInput || (error as { statusCode?: number }).statusCode === 413)
          throw error;
        throw new InvalidInput([
          { field: "file", message: "is not a well-formed multipart/form-data upload" },
        ]);
      }
      if (part.file.truncated)
        throw Object.assign(new Error("the file is larger than the upload limit"), { statusCode: 413 });
      const description = part.fields.description;
      const describedAs =
        description !== undefined && !Array.isArray(description) && description.type === "field"
          ? String(description.value)
          : undefined;
      const stored = await breaches.addEvidence(principal, request.params.id, {
        filename: part.filename,
        contentType: part.mimetype,
        content,
        ...(describedAs === undefined ? {} : { description: describedAs }),
      });
      return reply.status(201).send(stored);
    },
  );

  app.get(
    "/api/v1/breaches/:id/evidence/:evidenceId",
    {
      schema: {
        tags: ["evidence"],
        summary: "Download evidence as uploaded",
        params: z.object({ id: z.string(), evidenceId: z.string() }),
      },
    },
    async (request, reply) => {
      const file = await breaches.getEvidence(
        principalOf(request),
        request.params.id,
        request.params.evidenceId,
      );
      return reply
        .header("content-type", "application/octet-stream")
        .header("content-disposition", `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`)
        .header("x-content-sha256", file.sha256)
        .send(file.content);
    },
  );

  app.get(
    "/api/v1/breaches/:id/timeline",
    { schema: { tags: ["breaches"], summary: "The breach's audit events, oldest first", params: idParams } },
    (request) => breaches.timeline(principalOf(request), request.params.id),
  );

  app.get(
    "/api/v1/deadlines",
    { schema: { tags: ["deadlines"], summary: "Upcoming and overdue duties across all open breaches" } },
    (request) => breaches.deadlines(principalOf(request)),
  );

  app.get(
    "/api/v1/deadlines.ics",
    { schema: { tags: ["deadlines"], summary: "The same duties as an iCalendar feed" } },
    async (request, reply) =>
      reply.type("text/calendar; charset=utf-8").send(await breaches.deadlinesCalendar(principalOf(request))),
  );
}
