/**
 * Regulator notices over HTTP: the list with each draft's completeness, keeping a version, and any version
 * (or the draft) as PDF, HTML, text or JSON.
 */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../platform/http/server.js";
import { noticeKeepSchema, noticeQuerySchema, type NoticeService } from "./notice-service.js";

export function registerNoticeRoutes(server: FastifyInstance, notices: NoticeService): void {
  const app = server.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/api/v1/breaches/:id/notices",
    {
      schema: {
        tags: ["notices"],
        summary:
          "Each regulator notice the breach owes: the kept versions, and what the current draft still lacks",
        params: z.object({ id: z.string() }),
      },
    },
    (request) => notices.listNotices(principalOf(request), request.params.id),
  );

  app.post(
    "/api/v1/breaches/:id/notices",
    {
      schema: {
        tags: ["notices"],
        summary:
          "Keep the current draft of a regulator's notice as the next version (initial, then follow-ups); unchanged drafts are not kept twice",
        params: z.object({ id: z.string() }),
        body: noticeKeepSchema,
      },
    },
    async (request, reply) => {
      const result = await notices.keepNotice(principalOf(request), request.params.id, request.body);
      return reply.status(result.kept ? 201 : 200).send(result);
    },
  );

  app.get(
    "/api/v1/breaches/:id/notices/:jurisdiction",
    {
      schema: {
        tags: ["notices"],
        summary:
          "A regulator notice as pdf, html, text (to paste into the regulator's form) or json: version=draft, latest (default) or a number",
        params: z.object({ id: z.string(), jurisdiction: z.string() }),
        querystring: noticeQuerySchema,
      },
    },
    async (request, reply) => {
      const rendered = await notices.renderNotice(
        principalOf(request),
        request.params.id,
        request.params.jurisdiction,
        request.query,
      );
      return reply
        .header("content-type", rendered.contentType)
        .header("content-disposition", `inline; filename="${rendered.filename}"`)
        .header("x-dpdesk-missing", rendered.notice.missing.map((m) => m.id).join(",") || "none")
        .send(rendered.body);
    },
  );
}
