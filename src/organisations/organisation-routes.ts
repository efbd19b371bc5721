/** Sign-in, first-run set-up, users and tokens over HTTP. */
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, sessionCookie } from "../platform/http/server.js";
import { verifyAuditChain, type EntityStateSource } from "../platform/audit/verify-audit-chain.js";
import { requirePermission } from "../platform/auth/principal.js";
import type { Kysely } from "kysely";
import type { Schema } from "../platform/db/schema.js";
import { Conflict, InvalidInput, Unauthorised } from "../platform/errors.js";
import { emailSchema, passwordSchema, type OrganisationService } from "./organisation-service.js";
import { validateInput } from "../platform/validate-input.js";
import type { SetupGate } from "./setup-gate.js";

export interface OrganisationRouteDeps {
  organisations: OrganisationService;
  setup: SetupGate;
  db: Kysely<Schema>;
  stateSources: readonly EntityStateSource[];
  secureCookies: boolean;
}

const setupSchema = z.object({
  token: z.string().min(1, "required"),
  organisation: z.string().trim().min(1, "must not be empty").max(300),
  email: emailSchema,
  password: passwordSchema,
  name: z.string().max(300).optional(),
});

export function registerOrganisationRoutes(server: FastifyInstance, deps: OrganisationRouteDeps): void {
  const app = server.withTypeProvider<ZodTypeProvider>();
  const { organisations, setup } = deps;
  const cookieOptions = (expires: Date) => ({
    path: "/",
    httpOnly: true,
    sameSite: "strict" as const,
    secure: deps.secureCookies,
    expires,
  });

  app.post(
    "/api/v1/session",
    {
      config: { rateLimit: { max: 10, timeWindow: "1 minute" } },
      schema: {
        tags: ["session"],
        summary: "Sign in with e-mail and password (sets an httpOnly cookie; returns the CSRF token)",
        body: z.object({ email: z.string(), password: z.string() }),
      },
    },
    async (request, reply) => {
      const body = request.body as { email?: unknown; password?: unknown };
      const session = await organisations.signIn(body.email, body.password);
      void reply.setCookie(sessionCookie, session.cookie, cookieOptions(session.expiresAt));
      return {
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt.toISOString(),
        ...(await organisations.describe(session.principal)),
      };
    },
  );

  app.get(
    "/api/v1/session",
    {
      schema: {
        tags: ["session"],
        summary: "Who is signed in (with the session cookie: also its CSRF token, for a reloaded page)",
      },
    },
    async (request) => ({
      ...(await organisations.describe(principalOf(request))),
      ...(request.csrfToken === null ? {} : { csrfToken: request.csrfToken }),
    }),
  );

  app.delete(
    "/api/v1/session",
    { schema: { tags: ["session"], summary: "Sign out" } },
    async (request, reply) => {
      const principal = principalOf(request);
      if (request.sessionId === null)
        throw new InvalidInput([{ field: "(session)", message: "token requests have no session to end" }]);
      await organisations.signOut(principal, request.sessionId);
      void reply.clearCookie(sessionCookie, { path: "/" });
      return reply.status(204).send();
    },
  );

  app.post(
    "/api/v1/setup",
    {
      config: { rateLimit: { max: 10, timeWindow: "1 minute" } },
      schema: {
        tags: ["session"],
        summary:
          "First run: create the organisation and its owner with the one-time set-up token printed at start",
        body: z.object({
          token: z.string(),
          organisation: z.string(),
          email: z.string(),
          password: z.string(),
          name: z.string().optional(),
        }),
      },
    },
    async (request, reply) => {
      // Validate before spending the one-time token, so a mistyped form can be corrected and sent again.
      const body = validateInput(setupSchema, request.body);
      if (await organisations.hasAnyOrganisation())
        throw new Conflict("dpdesk is already set up; sign in instead");
      if (!setup.consume(body.token))
        throw new Unauthorised("the set-up link is not valid (use the one printed when the server started)");
      const created = await organisations.createOrganisation({
        name: body.organisation,
        ownerEmail: body.email,
        ownerPassword: body.password,
        ...(body.name === undefined ? {} : { ownerName: body.name }),
      });
      const session = await organisations.signIn(body.email, body.password);
      void reply.setCookie(sessionCookie, session.cookie, cookieOptions(session.expiresAt));
      return reply
        .status(201)
        .send({ orgId: created.orgId, token: created.token, csrfToken: session.csrfToken });
    },
  );

  app.get(
    "/api/v1/users",
    { schema: { tags: ["users"], summary: "The organisation's users and roles" } },
    (request) => organisations.listUsers(principalOf(request)),
  );

  app.post(
    "/api/v1/users",
    {
      schema: {
        tags: ["users"],
        summary: "Add a user (owners only)",
        body: z.object({
          email: z.string(),
          role: z.enum(["owner", "dpo", "handler", "viewer"]),
          name: z.string().optional(),
          password: z.string().optional(),
        }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await organisations.addUser(
            principalOf(request),
            request.body as { email: unknown; role: unknown },
          ),
        ),
  );

  app.patch(
    "/api/v1/users/:id",
    {
      schema: {
        tags: ["users"],
        summary: "Change a user's role (owners only)",
        params: z.object({ id: z.string() }),
        body: z.object({ role: z.enum(["owner", "dpo", "handler", "viewer"]) }),
      },
    },
    (request) =>
      organisations.changeRole(
        principalOf(request),
        request.params.id,
        (request.body as { role?: unknown } | undefined)?.role,
      ),
  );

  app.post(
    "/api/v1/tokens",
    {
      schema: {
        tags: ["users"],
        summary: "Create an API token for yourself (shown once)",
        body: z.object({ name: z.string() }),
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await organisations.createToken(
            principalOf(request),
            (request.body as { name?: unknown } | undefined)?.name,
          ),
        ),
  );

  app.delete(
    "/api/v1/tokens/:id",
    {
      schema: {
        tags: ["users"],
        summary: "Revoke a token (yours; owners: anyone's)",
        params: z.object({ id: z.string() }),
      },
    },
    async (request, reply) => {
      await organisations.revokeToken(principalOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    "/api/v1/audit/verify",
    { schema: { tags: ["audit"], summary: "Re-walk the audit chain and name the first broken event" } },
    (request) => {
      const principal = principalOf(request);
      requirePermission(principal, "read");
      return verifyAuditChain(deps.db, principal.orgId, deps.stateSources);
    },
  );
}
