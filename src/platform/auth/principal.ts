/** Who is acting: a user of one organisation, with a role. Every service call takes one and checks it first. */
import type { Role } from "../db/schema.js";
import { Forbidden } from "../errors.js";

export interface Principal {
  orgId: string;
  userId: string;
  role: Role;
  /** How the request was authenticated: cookie sessions must also pass the CSRF check. */
  via: "token" | "session" | "system";
}

/** `personal_data`: reading the contact details of affected people (recipient lists); viewers see counts only. */
export type Permission = "read" | "write" | "manage_users" | "personal_data";

const allowed: Readonly<Record<Role, readonly Permission[]>> = {
  owner: ["read", "write", "manage_users", "personal_data"],
  dpo: ["read", "write", "personal_data"],
  handler: ["read", "write", "personal_data"],
  viewer: ["read"],
};

export function can(principal: Principal, permission: Permission): boolean {
  return allowed[principal.role].includes(permission);
}

/** Throws Forbidden unless the principal holds the permission. Services call this before anything else. */
export function requirePermission(principal: Principal, permission: Permission): void {
  if (!can(principal, permission))
    throw new Forbidden(
      permission === "manage_users"
        ? "only an owner can manage users and tokens"
        : `the ${principal.role} role cannot ${permission === "write" ? "make changes" : permission === "personal_data" ? "read the personal data of affected people" : "read this"}`,
    );
}

/** The actor string recorded in audit events. */
export function actorOf(principal: Principal): string {
  return principal.via === "system" ? "system" : `user:${principal.userId}`;
}
