/**
 * An organisation's own wording for letters and public statements. Parts left out use dpdesk's defaults; a
 * template that uses an unknown placeholder, unescaped output or partials is refused with the part named.
 */
import type { Kysely } from "kysely";
import {
  checkTemplates,
  defaultLetterTemplates,
  defaultStatementTemplates,
  placeholders,
  templatesSchema,
  type TemplateOverrides,
} from "../documents/letter-templates.js";
import { appendAuditEvent } from "../platform/audit/audit-log.js";
import { actorOf, requirePermission, type Principal } from "../platform/auth/principal.js";
import type { Schema } from "../platform/db/schema.js";
import { InvalidInput } from "../platform/errors.js";
import { sha256Hex } from "../platform/ids.js";
import { validateInput } from "../platform/validate-input.js";
import { canonicalJson } from "../platform/audit/canonical-json.js";
import type { Clock } from "./organisation-service.js";

export function createTemplateService({ db, clock }: { db: Kysely<Schema>; clock: Clock }) {
  async function overridesOf(orgId: string): Promise<TemplateOverrides | null> {
    const row = await db
      .selectFrom("organisation_templates")
      .select("templates")
      .where("org_id", "=", orgId)
      .executeTakeFirst();
    return row === undefined ? null : (row.templates as TemplateOverrides);
  }

  return {
    /** The organisation's overrides (null: none), as the letters use them. */
    overridesOf,

    async getTemplates(principal: Principal) {
      requirePermission(principal, "read");
      return {
        overrides: (await overridesOf(principal.orgId)) ?? {},
        defaults: { letter: defaultLetterTemplates, statement: defaultStatementTemplates },
        placeholders,
      };
    },

    /** Replaces the organisation's overrides; `{}` goes back to the defaults. */
    async setTemplates(principal: Principal, input: unknown) {
      requirePermission(principal, "write");
      const overrides = validateInput(templatesSchema, input);
      const problems = checkTemplates(overrides);
      if (problems.length > 0) throw new InvalidInput(problems);
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto("organisation_templates")
          .values({
            org_id: principal.orgId,
            templates: overrides,
            updated_by: principal.userId,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc
              .column("org_id")
              .doUpdateSet({ templates: overrides, updated_by: principal.userId, updated_at: now }),
          )
          .execute();
        await appendAuditEvent(
          trx,
          principal.orgId,
          {
            actor: actorOf(principal),
            action: "templates.updated",
            entityType: "organisation",
            entityId: principal.orgId,
            data: { sha256: sha256Hex(canonicalJson(overrides)) },
          },
          now,
        );
      });
      return { overrides };
    },
  };
}

export type TemplateService = ReturnType<typeof createTemplateService>;
