/** An organisation's wording for letters and statements over HTTP. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { templatesSchema } from "../documents/letter-templates.js";
import { principalOf } from "../platform/http/server.js";
import type { TemplateService } from "./template-service.js";

export function registerTemplateRoutes(server: FastifyInstance, templates: TemplateService): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  app.get(
    "/api/v1/templates",
    {
      schema: {
        tags: ["templates"],
        summary:
          "The organisation's wording for letters and statements, dpdesk's defaults and the placeholders",
      },
    },
    (request) => templates.getTemplates(principalOf(request)),
  );
  app.put(
    "/api/v1/templates",
    {
      schema: {
        tags: ["templates"],
        summary: "Replace the organisation's wording (parts left out use the defaults; {} restores them all)",
        body: templatesSchema,
      },
    },
    (request) => templates.setTemplates(principalOf(request), request.body),
  );
}
