/**
 * Organisations (tenants), their users and roles, API tokens and sign-in sessions. Tokens and session secrets
 * are shown once and stored only as SHA-256 hashes; passwords as argon2id hashes.
 *
 * A token reads `dpd_<orgId>_<secret>` and a session cookie `<orgId>.<sessionId>.<secret>`: the organisation
 * id lets every lookup use a key that leads with org_id.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import { appendAuditEvent } from "../platform/audit/audit-log.js";
import { actorOf, requirePermission, type Principal } from "../platform/auth/principal.js";
import type { Role, Schema } from "../platform/db/schema.js";
import { Conflict, NotFound, Unauthorised } from "../platform/errors.js";
import { isUuid, newId, newSecret, sha256Hex } from "../platform/ids.js";
import { validateInput } from "../platform/validate-input.js";
import {
  organisationStateHash,
  sessionStateHash,
  tokenStateHash,
  userStateHash,
} from "./organisation-state.js";
import { decoyHash, hashPassword, verifyPassword } from "./passwords.js";

export const roles = ["owner", "dpo", "handler", "viewer"] as const satisfies readonly Role[];

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "must be an e-mail address" }));
export const passwordSchema = z.string().min(12, "must be at least 12 characters").max(200);

export interface Clock {
  now(): Date;
}

export const sessionLifetimeMs = 12 * 3_600_000;

export interface OrganisationServiceDeps {
  db: Kysely<Schema>;
  clock: Clock;
}

/**
 * Valid tokens are remembered for a few seconds, so that each API request need not query the database to
 * authenticate (bench:api). Revoking a token or changing a role clears this process's cache at once; other
 * dpdesk processes notice within the cache lifetime.
 */
export const tokenCacheMs = 5_000;

export function createOrganisationService({ db, clock }: OrganisationServiceDeps) {
  const tokenCache = new Map<string, { principal: Principal; until: number }>();
  async function issueToken(orgId: string, userId: string, name: string, actor: string) {
    const secret = newSecret();
    const tokenId = newId(clock.now().getTime());
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto("api_tokens")
        .values({
          org_id: orgId,
          token_id: tokenId,
          user_id: userId,
          name,
          token_hash: sha256Hex(secret),
          created_at: now,
        })
        .execute();
      await appendAuditEvent(
        trx,
        orgId,
        {
          actor,
          action: "token.created",
          entityType: "token",
          entityId: tokenId,
          data: { userId, name, stateHash: await tokenStateHash(trx, orgId, tokenId) },
        },
        now,
      );
    });
    return { tokenId, token: `dpd_${orgId}_${secret}` };
  }

  return {
    async hasAnyOrganisation(): Promise<boolean> {
      const row = await db.selectFrom("organisations").select("org_id").limit(1).executeTakeFirst();
      return row !== undefined;
    },

    /** Creates an organisation with its first user, an owner, and returns an API token shown once. */
    async createOrganisation(input: {
      name: string;
      ownerEmail: string;
      ownerPassword?: string;
      ownerName?: string;
    }) {
      const name = validateInput(z.string().trim().min(1, "must not be empty").max(300), input.name, "name");
      const email = validateInput(emailSchema, input.ownerEmail, "ownerEmail");
      const password =
        input.ownerPassword === undefined
          ? null
          : validateInput(passwordSchema, input.ownerPassword, "ownerPassword");
      const now = clock.now();
      const orgId = newId(now.getTime());
      const userId = newId(now.getTime());
      const passwordHash = password === null ? null : await hashPassword(password);
      await db.transaction().execute(async (trx) => {
        await trx.insertInto("organisations").values({ org_id: orgId, name, created_at: now }).execute();
        await trx
          .insertInto("users")
          .values({
            org_id: orgId,
            user_id: userId,
            email,
            name: input.ownerName ?? "",
            role: "owner",
            password_hash: passwordHash,
            created_at: now,
          })
          .execute();
        await appendAuditEvent(
          trx,
          orgId,
          {
            actor: "system",
            action: "organisation.created",
            entityType: "organisation",
            entityId: orgId,
            data: { name, stateHash: await organisationStateHash(trx, orgId) },
          },
          now,
        );
        await appendAuditEvent(
          trx,
          orgId,
          {
            actor: "system",
            action: "user.created",
            entityType: "user",
            entityId: userId,
            data: { role: "owner", stateHash: await userStateHash(trx, orgId, userId) },
          },
          now,
        );
      });
      const { token } = await issueToken(orgId, userId, "initial owner token", "system");
      return { orgId, userId, token };
    },

    async authenticateToken(token: string): Promise<Principal> {
      const match = /^dpd_([0-9a-f-]{36})_([A-Za-z0-9_-]{20,})$/.exec(token);
      if (match === null || !isUuid(match[1] ?? "")) throw new Unauthorised("the API token is malformed");
      const cached = tokenCache.get(token);
      if (cached !== undefined && cached.until > clock.now().getTime()) return cached.principal;
      const [, orgId = "", secret = ""] = match;
      const row = await db
        .selectFrom("api_tokens")
        .innerJoin("users", (join) =>
          join
            .onRef("users.org_id", "=", "api_tokens.org_id")
            .onRef("users.user_id", "=", "api_tokens.user_id"),
        )
        .select(["users.user_id", "users.role", "api_tokens.revoked_at"])
        .where("api_tokens.org_id", "=", orgId)
        .where("api_tokens.token_hash", "=", sha256Hex(secret))
        .executeTakeFirst();
      if (row === undefined || row.revoked_at !== null) throw new Unauthorised("the API token is not valid");
      const principal: Principal = { orgId, userId: row.user_id, role: row.role, via: "token" };
      if (tokenCache.size > 10_000) tokenCache.clear();
      tokenCache.set(token, { principal, until: clock.now().getTime() + tokenCacheMs });
      return principal;
    },

    /** Signs in with e-mail and password; returns the cookie value and the CSRF token for the session. */
    async signIn(emailInput: unknown, password: unknown) {
      const email = validateInput(emailSchema, emailInput, "email");
      const secretPassword = validateInput(z.string().min(1, "required").max(200), password, "password");
      const candidates = await db
        .selectFrom("users")
        .select(["org_id", "user_id", "role", "password_hash"])
        .where("email", "=", email)
        .execute();
      let user: (typeof candidates)[number] | undefined;
      for (const candidate of candidates)
        if (
          candidate.password_hash !== null &&
          (await verifyPassword(candidate.password_hash, secretPassword))
        ) {
          user = candidate;
          break;
        }
      if (user === undefined) {
        // Spend one hash check whatever happened, so the time taken does not tell whether the account exists.
        if (!candidates.some((candidate) => candidate.password_hash !== null))
          await verifyPassword(decoyHash, secretPassword);
        throw new Unauthorised("the e-mail address or password is wrong");
      }
      const now = clock.now();
      const sessionId = newId(now.getTime());
      const secret = newSecret();
      const csrfToken = newSecret(24);
      const orgId = user.org_id;
      const userId = user.user_id;
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("sessions")
          .values({
            org_id: orgId,
            session_id: sessionId,
            user_id: userId,
            secret_hash: sha256Hex(secret),
            csrf_token: csrfToken,
            created_at: now,
            expires_at: new Date(now.getTime() + sessionLifetimeMs),
          })
          .execute();
        await appendAuditEvent(
          trx,
          orgId,
          {
            actor: `user:${userId}`,
            action: "session.started",
            entityType: "session",
            entityId: sessionId,
            data: { stateHash: await sessionStateHash(trx, orgId, sessionId) },
          },
          now,
        );
      });
      return {
        cookie: `${orgId}.${sessionId}.${secret}`,
        csrfToken,
        principal: { orgId, userId, role: user.role, via: "session" } satisfies Principal,
        expiresAt: new Date(now.getTime() + sessionLifetimeMs),
      };
    },

    async authenticateSession(
      cookie: string,
    ): Promise<{ principal: Principal; csrfToken: string; sessionId: string }> {
      const [orgId = "", sessionId = "", secret = ""] = cookie.split(".");
      if (!isUuid(orgId) || !isUuid(sessionId) || secret === "")
        throw new Unauthorised("the session is not valid");
      const row = await db
        .selectFrom("sessions")
        .innerJoin("users", (join) =>
          join.onRef("users.org_id", "=", "sessions.org_id").onRef("users.user_id", "=", "sessions.user_id"),
        )
        .select([
          "users.user_id",
          "users.role",
          "sessions.secret_hash",
          "sessions.csrf_token",
          "sessions.expires_at",
          "sessions.revoked_at",
        ])
        .where("sessions.org_id", "=", orgId)
        .where("sessions.session_id", "=", sessionId)
        .executeTakeFirst();
      if (
        row === undefined ||
        row.revoked_at !== null ||
        row.expires_at.getTime() <= clock.now().getTime() ||
        row.secret_hash !== sha256Hex(secret)
      )
        throw new Unauthorised("the session has expired or is not valid; sign in again");
      return {
        principal: { orgId, userId: row.user_id, role: row.role, via: "session" },
        csrfToken: row.csrf_token,
        sessionId,
      };
    },

    async signOut(principal: Principal, sessionId: string): Promise<void> {
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable("sessions")
          .set({ revoked_at: now })
          .where("org_id", "=", principal.orgId)
          .where("session_id", "=", sessionId)
          .execute();
        await appendAuditEvent(
          trx,
          principal.orgId,
          {
            actor: actorOf(principal),
            action: "session.ended",
            entityType: "session",
            entityId: sessionId,
            data: { stateHash: await sessionStateHash(trx, principal.orgId, sessionId) },
          },
          now,
        );
      });
    },

    async describe(principal: Principal) {
      requirePermission(principal, "read");
      const row = await db
        .selectFrom("users")
        .innerJoin("organisations", "organisations.org_id", "users.org_id")
        .select([
          "users.user_id",
          "users.email",
          "users.name",
          "users.role",
          "organisations.name as org_name",
        ])
        .where("users.org_id", "=", principal.orgId)
        .where("users.user_id", "=", principal.userId)
        .executeTakeFirstOrThrow();
      return {
        orgId: principal.orgId,
        organisation: row.org_name,
        userId: row.user_id,
        email: row.email,
        name: row.name,
        role: row.role,
      };
    },

    async listUsers(principal: Principal) {
      requirePermission(principal, "read");
      const rows = await db
        .selectFrom("users")
        .select(["user_id", "email", "name", "role", "created_at"])
        .where("org_id", "=", principal.orgId)
        .orderBy("created_at")
        .execute();
      return rows.map((row) => ({
        userId: row.user_id,
        email: row.email,
        name: row.name,
        role: row.role,
        createdAt: row.created_at.toISOString(),
      }));
    },

    async addUser(
      principal: Principal,
      input: { email: unknown; role: unknown; name?: unknown; password?: unknown },
    ) {
      requirePermission(principal, "manage_users");
      const email = validateInput(emailSchema, input.email, "email");
      const role = validateInput(z.enum(roles), input.role, "role");
      const name = validateInput(z.string().max(300).default(""), input.name, "name");
      const password =
        input.password === undefined ? null : validateInput(passwordSchema, input.password, "password");
      const now = clock.now();
      const userId = newId(now.getTime());
      const existing = await db
        .selectFrom("users")
        .select("user_id")
        .where("org_id", "=", principal.orgId)
        .where("email", "=", email)
        .executeTakeFirst();
      if (existing !== undefined) throw new Conflict("a user with that e-mail address already exists");
      const passwordHash = password === null ? null : await hashPassword(password);
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("users")
          .values({
            org_id: principal.orgId,
            user_id: userId,
            email,
            name,
            role,
            password_hash: passwordHash,
            created_at: now,
          })
          .execute();
        await appendAuditEvent(
          trx,
          principal.orgId,
          {
            actor: actorOf(principal),
            action: "user.created",
            entityType: "user",
            entityId: userId,
            data: { role, stateHash: await userStateHash(trx, principal.orgId, userId) },
          },
          now,
        );
      });
      return { userId, email, name, role };
    },

    async changeRole(principal: Principal, userId: string, roleInput: unknown) {
      requirePermission(principal, "manage_users");
      const role = validateInput(z.enum(roles), roleInput, "role");
      if (!isUuid(userId)) throw new NotFound("user");
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        // Lock the organisation first, so that two owners demoting themselves at once cannot both succeed.
        await trx
          .selectFrom("organisations")
          .select("org_id")
          .where("org_id", "=", principal.orgId)
          .forUpdate()
          .execute();
        const updated = await trx
          .updateTable("users")
          .set({ role })
          .where("org_id", "=", principal.orgId)
          .where("user_id", "=", userId)
          .executeTakeFirst();
        if (updated.numUpdatedRows === 0n) throw new NotFound("user");
        const owners = await trx
          .selectFrom("users")
          .select((eb) => eb.fn.countAll<number>().as("count"))
          .where("org_id", "=", principal.orgId)
          .where("role", "=", "owner")
          .executeTakeFirstOrThrow();
        if (owners.count === 0) throw new Conflict("an organisation must keep at least one owner");
        tokenCache.clear();
        await appendAuditEvent(
          trx,
          principal.orgId,
          {
            actor: actorOf(principal),
            action: "user.role_changed",
            entityType: "user",
            entityId: userId,
            data: { role, stateHash: await userStateHash(trx, principal.orgId, userId) },
          },
          now,
        );
      });
      return { userId, role };
    },

    async createToken(principal: Principal, name: unknown) {
      requirePermission(principal, "read");
      const tokenName = validateInput(z.string().trim().min(1, "must not be empty").max(200), name, "name");
      return issueToken(principal.orgId, principal.userId, tokenName, actorOf(principal));
    },

    async revokeToken(principal: Principal, tokenId: string) {
      requirePermission(principal, "read");
      if (!isUuid(tokenId)) throw new NotFound("token");
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        let query = trx
          .updateTable("api_tokens")
          .set({ revoked_at: now })
          .where("org_id", "=", principal.orgId)
          .where("token_id", "=", tokenId)
          .where("revoked_at", "is", null);
        // Owners may revoke anyone's token; others only their own.
        if (principal.role !== "owner") query = query.where("user_id", "=", principal.userId);
        const result = await query.executeTakeFirst();
        if (result.numUpdatedRows === 0n) throw new NotFound("token");
        tokenCache.clear();
        await appendAuditEvent(
          trx,
          principal.orgId,
          {
            actor: actorOf(principal),
            action: "token.revoked",
            entityType: "token",
            entityId: tokenId,
            data: { stateHash: await tokenStateHash(trx, principal.orgId, tokenId) },
          },
          now,
        );
      });
    },
  };
}

export type OrganisationService = ReturnType<typeof createOrganisationService>;
