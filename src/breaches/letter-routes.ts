/**
 * Letters and the public statement over HTTP: the breach-wide context (for clients that render letters
 * themselves), one person's letter, all letters as one print-ready PDF (streamed), sending by e-mail with its
 * progress, and settling a letter whose delivery is uncertain.
 */
import { PassThrough } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../platform/http/server.js";
import {
  documentQuerySchema,
  sendLettersSchema,
  settleSchema,
  type LetterService,
} from "./letter-service.js";

const idParams = z.object({ id: z.string() });

export function registerLetterRoutes(server: FastifyInstance, letters: LetterService): void {
  const app = server.withTypeProvider<ZodTypeProvider>();

  app.get(
    "/api/v1/breaches/:id/letters/context",
    {
      schema: {
        tags: ["letters"],
        summary: "What every letter shares: facts, each jurisdiction's regulator, the organisation's wording",
        params: idParams,
      },
    },
    (request) => letters.letterContext(principalOf(request), request.params.id),
  );

  app.get(
    "/api/v1/breaches/:id/letters.pdf",
    {
      schema: {
        tags: ["letters"],
        summary: "Every person's letter in one print-ready PDF (streamed as it is made)",
        params: idParams,
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      // Checks (the breach, the caller's right to people's details) run before the response starts, so they
      // still answer 4xx; the export itself is recorded in the audit chain.
      await letters.recordExport(principal, request.params.id);
      const stream = new PassThrough();
      // Waits while the client is behind (memory stays bounded), and otherwise yields to other requests.
      const pause = async () => {
        if (stream.destroyed) throw new Error("the client closed the connection");
        if (stream.writableNeedDrain)
          await new Promise<void>((resolve) => {
            const done = () => {
              stream.off("drain", done);
              stream.off("close", done);
              resolve();
            };
            stream.on("drain", done);
            stream.on("close", done);
          });
        else await new Promise((resolve) => setImmediate(resolve));
      };
      void letters
        .renderAllLetters(principal, request.params.id, (chunk) => stream.write(chunk), pause)
        .then(
          () => stream.end(),
          (error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))),
        );
      return reply
        .header("content-type", "application/pdf")
        .header("content-disposition", `attachment; filename="letters-${request.params.id}.pdf"`)
        .send(stream);
    },
  );

  app.get(
    "/api/v1/breaches/:id/letters/:personId",
    {
      schema: {
        tags: ["letters"],
        summary: "One person's letter (by their id in the recipient list) as pdf, html or text",
        params: z.object({ id: z.string(), personId: z.string() }),
        querystring: documentQuerySchema,
      },
    },
    async (request, reply) => {
      const letter = await letters.renderLetter(
        principalOf(request),
        request.params.id,
        request.params.personId,
        request.query,
      );
      return reply.header("content-type", letter.contentType).send(letter.body);
    },
  );

  app.post(
    "/api/v1/breaches/:id/letters/send",
    {
      schema: {
        tags: ["letters"],
        summary:
          "Send every person with an e-mail address their letter, through the outbox (asking again sends nobody twice)",
        params: idParams,
        body: sendLettersSchema,
      },
    },
    async (request, reply) => {
      const sent = await letters.sendLetters(principalOf(request), request.params.id, request.body);
      return reply.status(202).send(sent);
    },
  );

  app.get(
    "/api/v1/breaches/:id/letters/delivery",
    {
      schema: {
        tags: ["letters"],
        summary:
          "How far sending has got: letters pending, sent, failed and uncertain, and those needing attention",
        params: idParams,
      },
    },
    (request) => letters.deliveryStatus(principalOf(request), request.params.id),
  );

  app.post(
    "/api/v1/breaches/:id/letters/:personId/settle",
    {
      schema: {
        tags: ["letters"],
        summary:
          "Settle a letter whose delivery is uncertain or failed: as sent (the mail log shows it arrived) or resend",
        params: z.object({ id: z.string(), personId: z.string() }),
        body: settleSchema,
      },
    },
    (request) =>
      letters.settleLetter(principalOf(request), request.params.id, request.params.personId, request.body),
  );

  app.get(
    "/api/v1/breaches/:id/statement",
    {
      schema: {
        tags: ["letters"],
        summary: "The public statement (when telling each person would take disproportionate effort)",
        params: idParams,
        querystring: documentQuerySchema,
      },
    },
    async (request, reply) => {
      const statement = await letters.renderStatement(principalOf(request), request.params.id, request.query);
      return reply.header("content-type", statement.contentType).send(statement.body);
    },
  );
}
