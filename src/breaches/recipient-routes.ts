/**
 * A breach's recipient list over HTTP: imports in numbered batches (what `dpdesk impact --breach` sends), the
 * list's counts, the list itself (owners, DPOs and handlers), and an upload of exposed files that the server
 * analyses and imports in one request.
 */
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { ImpactInputError } from "../impact/analyse.js";
import { importRecipients } from "../impact/recipient-import.js";
import { InvalidInput } from "../platform/errors.js";
import { principalOf } from "../platform/http/server.js";
import {
  batchSchema,
  importCompleteSchema,
  importStartSchema,
  recipientListQuerySchema,
} from "./recipient-inputs.js";
import type { RecipientService } from "./recipient-service.js";

const idParams = z.object({ id: z.string() });
const importParams = z.object({ id: z.string(), importId: z.string() });

export function registerRecipientRoutes(
  server: FastifyInstance,
  recipients: RecipientService,
  options: { maxUploadBytes: number },
): void {
  const app = server.withTypeProvider<ZodTypeProvider>();

  app.post(
    "/api/v1/breaches/:id/recipient-imports",
    {
      schema: {
        tags: ["recipients"],
        summary:
          "Start an import into the recipient list, or find it again by its importId to resume it (says which batches are stored)",
        params: idParams,
        body: importStartSchema,
      },
    },
    async (request, reply) => {
      const started = await recipients.startImport(principalOf(request), request.params.id, request.body);
      return reply.status(started.resumed ? 200 : 201).send(started);
    },
  );

  app.put(
    "/api/v1/breaches/:id/recipient-imports/:importId/batches/:batch",
    {
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ["recipients"],
        summary:
          "Store batch N (from 1) of an import: up to 5,000 people, sealed and merged into the list (sending a batch again changes nothing)",
        params: importParams.extend({
          batch: z.coerce.number().int("must be a whole number").min(1, "batches are numbered from 1"),
        }),
        body: batchSchema,
      },
    },
    (request) =>
      recipients.storeBatch(
        principalOf(request),
        request.params.id,
        request.params.importId,
        request.params.batch,
        request.body,
      ),
  );

  app.post(
    "/api/v1/breaches/:id/recipient-imports/:importId/complete",
    {
      schema: {
        tags: ["recipients"],
        summary:
          "Complete an import once all its batches are stored: audited, and the breach's counts are set from the list and re-assessed",
        params: importParams,
        body: importCompleteSchema,
      },
    },
    (request) =>
      recipients.completeImport(
        principalOf(request),
        request.params.id,
        request.params.importId,
        request.body,
      ),
  );

  app.get(
    "/api/v1/breaches/:id/recipients/summary",
    {
      schema: {
        tags: ["recipients"],
        summary:
          "The recipient list's counts: people by jurisdiction and kind of data, how they can be reached, the imports",
        params: idParams,
      },
    },
    (request) => recipients.summary(principalOf(request), request.params.id),
  );

  app.get(
    "/api/v1/breaches/:id/recipients",
    {
      schema: {
        tags: ["recipients"],
        summary:
          "A page of the recipient list with contact details (owners, DPOs and handlers; filter by jurisdiction)",
        params: idParams,
        querystring: recipientListQuerySchema,
      },
    },
    (request) => recipients.list(principalOf(request), request.params.id, request.query),
  );

  app.post(
    "/api/v1/breaches/:id/impact",
    {
      schema: {
        tags: ["recipients"],
        summary:
          "Upload exposed files (multipart/form-data, one or more 'file' parts; optional 'key' field naming the column that identifies a person): analysed, imported into the recipient list, and the breach re-assessed. Uploading the same files again resumes or repeats the import without duplicates.",
        params: idParams,
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const breachId = request.params.id;
      // Refused before the upload is read: another tenant's breach (404), or a role that cannot write (403).
      await recipients.assertCanImport(principal, breachId);
      if (!request.isMultipart())
        throw new InvalidInput([
          { field: "file", message: "send multipart/form-data with one or more 'file' parts" },
        ]);
      const dir = await mkdtemp(join(tmpdir(), "dpdesk-impact-"));
      try {
        const files: { path: string; name: string }[] = [];
        let key: string | undefined;
        try {
          for await (const part of request.parts({
            limits: { files: 50, fileSize: options.maxUploadBytes },
          })) {
            if (part.type === "field") {
              if (part.fieldname === "key" && typeof part.value === "string" && part.value.trim() !== "")
                key = part.value;
              continue;
            }
            // Each file in a folder of its own, under its own name: results and problems name it as uploaded.
            const name = basename(part.filename || `file-${String(files.length + 1)}`).slice(0, 200);
            const folder = join(dir, String(files.length + 1));
            await mkdir(folder);
            const path = join(folder, name);
            await pipeline(part.file, createWriteStream(path));
            if (part.file.truncated)
              throw Object.assign(new Error(`${name} is larger than the upload limit`), { statusCode: 413 });
            files.push({ path, name });
          }
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode === 413) throw error;
          throw new InvalidInput([
            { field: "file", message: "is not a well-formed multipart/form-data upload" },
          ]);
        }
        if (files.length === 0) throw new InvalidInput([{ field: "file", message: "required" }]);
        try {
          const imported = await importRecipients(
            files.map((file) => file.path),
            {
              maxErrors: 1_000,
              ...(key === undefined ? {} : { key }),
              breachId,
              // Named as uploaded (numbered where two share a name), in results, problems and each person's source.
              names: files.map((file, index) =>
                files.filter((other) => other.name === file.name).length > 1
                  ? `${String(index + 1)}/${file.name}`
                  : file.name,
              ),
            },
            {
              start: async (id, sources, batchSize) => {
                const started = await recipients.startImport(principal, breachId, {
                  importId: id,
                  sources,
                  batchSize,
                });
                return { ...started, completed: started.completedAt !== null };
              },
              store: async (id, batch, people) => {
                await recipients.storeBatch(principal, breachId, id, batch, { recipients: people });
              },
              complete: (id, totals) => recipients.completeImport(principal, breachId, id, totals),
            },
          );
          return {
            impact: imported.result,
            importId: imported.importId,
            batches: imported.batches,
            skipped: imported.skipped,
            ...imported.completion,
          };
        } catch (error) {
          // Named as uploaded ("2/members.csv" when two share a name), not by this server's temporary folder.
          if (error instanceof ImpactInputError)
            throw new InvalidInput([{ field: "file", message: error.message.replaceAll(`${dir}/`, "") }]);
          throw error;
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
}
