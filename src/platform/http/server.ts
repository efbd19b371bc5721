/**
 * The HTTP server: Fastify with security headers, cookies, uploads, a login rate limit, the OpenAPI document
 * (/openapi.json, /docs), problem+json errors, and authentication of /api/v1 by bearer token or session cookie
 * (with a CSRF header for cookie-authenticated writes).
 */
import { timingSafeEqual } from "node:crypto";
import cookie from "@fastify/cookie";
import multipart from "@fastify/multipart";
import rateLimit from "@fastify/rate-limit";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance, type FastifyRequest } from "fastify";
import { jsonSchemaTransform, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { Principal } from "../auth/principal.js";
import { Forbidden, InvalidInput, Unauthorised } from "../errors.js";
import { renderApiDocs } from "./api-docs.js";
import { securityHeaders } from "./security-headers.js";
import { sendProblem } from "./problem.js";
import { findUnstorableText } from "./storable-text.js";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
    sessionId: string | null;
    /** The session's CSRF token, when the request was authenticated by the session cookie. */
    csrfToken: string | null;
  }
}

export const sessionCookie = "dpdesk_session";

export interface Authenticator {
  authenticateToken(token: string): Promise<Principal>;
  authenticateSession(
    cookie: string,
  ): Promise<{ principal: Principal; csrfToken: string; sessionId: string }>;
}

export interface ServerOptions {
  logLevel: string;
  maxUploadBytes: number;
  authenticator: Authenticator;
  version: string;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function authenticate(request: FastifyRequest, authenticator: Authenticator): Promise<void> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (match?.[1] === undefined) throw new Unauthorised("use 'Authorization: Bearer <token>'");
    request.principal = await authenticator.authenticateToken(match[1]);
    return;
  }
  const value = request.cookies[sessionCookie];
  if (value === undefined) throw new Unauthorised("sign in, or send 'Authorization: Bearer <token>'");
  const session = await authenticator.authenticateSession(value);
  if (!["GET", "HEAD", "OPTIONS"].includes(request.method)) {
    const sent = request.headers["x-csrf-token"];
    if (typeof sent !== "string" || !safeEqual(sent, session.csrfToken))
      throw new Forbidden("a signed-in change needs the X-CSRF-Token header given at sign-in");
  }
  request.principal = session.principal;
  request.sessionId = session.sessionId;
  request.csrfToken = session.csrfToken;
}

/** Routes reachable without signing in. */
const publicApi = new Set(["POST /api/v1/session", "POST /api/v1/setup"]);

export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const headers = securityHeaders({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        frameAncestors: ["'none'"],
        // Not helmet's upgrade-insecure-requests: served over plain HTTP on a LAN name, the desk's own scripts
        // would be asked for over HTTPS and never load. HTTPS deployments set it at their proxy.
        upgradeInsecureRequests: null,
      },
    },
  });
  const app = Fastify({
    logger:
      options.logLevel === "silent"
        ? false
        : { level: options.logLevel, redact: ["req.headers.authorization", "req.headers.cookie"] },
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // A malformed percent-encoding in a path (FST_ERR_BAD_URL) is a 400 problem like any other bad input.
    frameworkErrors: (error, request, reply) => {
      void sendProblem(reply.headers(headers), error, request);
    },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();

  // Route schemas (zod) document the API; the services validate, so that every message names its field the same way.
  app.setValidatorCompiler(() => (data: unknown) => ({ value: data }));
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.decorateRequest("principal", null);
  app.decorateRequest("sessionId", null);
  app.decorateRequest("csrfToken", null);

  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: options.maxUploadBytes, files: 1, fields: 5 } });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "dpdesk API",
        version: options.version,
        description: "The breach desk: assess, log, decide, notify, keep evidence.",
      },
      components: {
        securitySchemes: {
          bearer: {
            type: "http",
            scheme: "bearer",
            description: "An API token: dpd_<organisation>_<secret>",
          },
          session: {
            type: "apiKey",
            in: "cookie",
            name: sessionCookie,
            description: "A session from POST /api/v1/session; writes also need X-CSRF-Token",
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });

  app.setErrorHandler((error, request, reply) => sendProblem(reply, error, request));
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type("application/problem+json")
      .send({
        type: "about:blank",
        title: "Not found",
        status: 404,
        detail: `no route for ${request.method} ${request.url.split("?")[0] ?? ""}`,
      }),
  );

  // Authentication is decided by the route that matched, not the raw URL, so encodings such as /%61pi/v1
  // cannot route around it. Unmatched URLs fall through to the 404 handler.
  app.addHook("onRequest", async (request) => {
    const route = request.routeOptions.url;
    if (route === undefined || !route.startsWith("/api/v1/") || publicApi.has(`${request.method} ${route}`))
      return;
    await authenticate(request, options.authenticator);
  });

  app.addHook("preValidation", async (request) => {
    for (const [where, value] of [
      ["(body)", request.body],
      ["(query)", request.query],
    ] as const) {
      const path = findUnstorableText(value);
      if (path !== null)
        throw new InvalidInput([
          {
            field: path.length === 0 ? where : path.join("."),
            message: "must be text without NUL characters or unpaired UTF-16 surrogates",
          },
        ]);
    }
    return Promise.resolve();
  });

  app.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());
  app.get("/docs", { schema: { hide: true } }, (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(renderApiDocs(app.swagger())),
  );
  app.get("/healthz", { schema: { hide: true } }, () => ({ ok: true }));
  return app;
}

/** The authenticated principal of a request to /api/v1 (set by the onRequest hook). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new Unauthorised("sign in, or send 'Authorization: Bearer <token>'");
  return request.principal;
}
