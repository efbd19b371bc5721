/**
 * The breach log's use cases. Each starts with its access check, runs in one transaction with its audit
 * event, and leaves nothing half-written on failure. Breaches and evidence are kept indefinitely: there is no
 * delete.
 */
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from "kysely";
import {
  assessBreach,
  countryName,
  parseIncident,
  type Assessment,
  type Incident,
  type Obligation,
} from "../law/index.js";
import {
  appendAuditEvent,
  appendAuditEvents,
  rowToAuditEvent,
  type AuditEventInput,
} from "../platform/audit/audit-log.js";
import { actorOf, requirePermission, type Principal } from "../platform/auth/principal.js";
import type {
  AssessmentsTable,
  DecisionsTable,
  EvidenceTable,
  NotificationsTable,
  Schema,
} from "../platform/db/schema.js";
import { createGroupCommit } from "../platform/db/group-commit.js";
import {
  createGuidanceStore,
  guidanceHashes,
  loadGuidance,
  restoreGuidance,
  separateGuidance,
  type Guidance,
  type StoredAssessment,
} from "./assessment-guidance.js";
import { Conflict, InvalidInput, NotAllowed, NotFound } from "../platform/errors.js";
import { isUuid, newId, sha256Hex } from "../platform/ids.js";
import { validateInput } from "../platform/validate-input.js";
import {
  breachListQuerySchema,
  decisionInputSchema,
  notificationInputSchema,
  type BreachListQuery,
} from "./breach-inputs.js";
import { rowStateHash } from "../platform/audit/state-hash.js";
import { canonicalJson, canonicalJsonWith } from "../platform/audit/canonical-json.js";
import { assessmentEntityId, breachStateHash, type BreachRow, type ObligationRow } from "./breach-state.js";
import { renderDeadlineCalendar, type CalendarDuty } from "./deadlines-calendar.js";

export interface Clock {
  now(): Date;
}

export interface BreachServiceDeps {
  db: Kysely<Schema>;
  clock: Clock;
}

function validIncident(input: unknown): Incident {
  const parsed = parseIncident(input);
  if (!parsed.ok) throw new InvalidInput(parsed.problems);
  return parsed.value;
}

/** The obligations of an assessment as rows: one per jurisdiction and duty. */
function obligationRows(orgId: string, breachId: string, assessment: Assessment): ObligationRow[] {
  const rows: ObligationRow[] = [];
  for (const obligation of assessment.obligations) {
    const base = {
      org_id: orgId,
      breach_id: breachId,
      jurisdiction: obligation.jurisdiction,
      regulator_name: obligation.regulator.name,
    };
    rows.push({
      ...base,
      duty: "regulator",
      decision: obligation.regulator.decision,
      deadline: obligation.regulator.deadline === null ? null : new Date(obligation.regulator.deadline),
      strict: obligation.regulator.strict,
    });
    rows.push({
      ...base,
      duty: "subjects",
      decision: obligation.subjects.decision,
      deadline: null,
      strict: false,
    });
    if (obligation.processor !== null)
      rows.push({
        ...base,
        duty: "processor",
        decision: obligation.processor.decision,
        deadline: null,
        strict: false,
      });
  }
  return rows;
}

export interface ObligationChange {
  jurisdiction: string;
  duty: "regulator" | "subjects" | "processor";
  field: "decision" | "deadline" | "presence";
  from: string | null;
  to: string | null;
}

/** What changed between two assessments' obligations, duty by duty. */
export function diffObligations(
  before: readonly Obligation[],
  after: readonly Obligation[],
): ObligationChange[] {
  const flatten = (obligations: readonly Obligation[]) => {
    const map = new Map<string, { decision: string; deadline: string | null }>();
    for (const obligation of obligations) {
      map.set(`${obligation.jurisdiction}/regulator`, {
        decision: obligation.regulator.decision,
        deadline: obligation.regulator.deadline,
      });
      map.set(`${obligation.jurisdiction}/subjects`, {
        decision: obligation.subjects.decision,
        deadline: null,
      });
      if (obligation.processor !== null)
        map.set(`${obligation.jurisdiction}/processor`, {
          decision: obligation.processor.decision,
          deadline: null,
        });
    }
    return map;
  };
  const old = flatten(before);
  const now = flatten(after);
  const changes: ObligationChange[] = [];
  for (const key of new Set([...old.keys(), ...now.keys()])) {
    const [jurisdiction, duty] = key.split("/") as [string, ObligationChange["duty"]];
    const a = old.get(key);
    const b = now.get(key);
    if (a === undefined || b === undefined) {
      changes.push({
        jurisdiction,
        duty,
        field: "presence",
        from: a === undefined ? null : a.decision,
        to: b === undefined ? null : b.decision,
      });
      continue;
    }
    if (a.decision !== b.decision)
      changes.push({ jurisdiction, duty, field: "decision", from: a.decision, to: b.decision });
    if (a.deadline !== b.deadline)
      changes.push({ jurisdiction, duty, field: "deadline", from: a.deadline, to: b.deadline });
  }
  return changes;
}

/** RFC 7396 JSON merge patch: objects merge, null removes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return patch;
  const result: Record<string, unknown> =
    target !== null && typeof target === "object" && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) Reflect.deleteProperty(result, key);
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

const recipientForDuty = {
  regulator: ["regulator"],
  subjects: ["subjects", "public"],
  processor: ["controller"],
} as const;

/** A new breach ready to be written: its row, its first assessment and its audit events. */
interface Filing {
  breach: BreachRow;
  record: {
    insert: Insertable<AssessmentsTable>;
    guidance: Map<string, Guidance>;
    obligations: ObligationRow[];
  };
  events: AuditEventInput[];
}

export type DutyStatus = "met" | "decided" | "open" | "overdue" | "not_required";

/** The list's view of a breach's risk, from its latest assessment (null if it has none, which cannot happen). */
function riskOf(row: { level: string; score: string } | undefined): { level: string; score: number } | null {
  return row === undefined ? null : { level: row.level, score: Number(row.score) };
}

export function createBreachService({ db, clock }: BreachServiceDeps) {
  async function loadBreach(
    executor: Kysely<Schema>,
    orgId: string,
    breachId: string,
    lock = false,
  ): Promise<BreachRow> {
    if (!isUuid(breachId)) throw new NotFound("breach");
    let query = executor
      .selectFrom("breaches")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("breach_id", "=", breachId);
    if (lock) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (row === undefined) throw new NotFound("breach");
    return row;
  }

  async function latestAssessment(executor: Kysely<Schema>, orgId: string, breachId: string) {
    return executor
      .selectFrom("assessments")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("breach_id", "=", breachId)
      .orderBy("version", "desc")
      .limit(1)
      .executeTakeFirstOrThrow();
  }

  /**
   * The rows of an assessment version (the assessment and the breach's obligations), the audit event that
   * records it and the breach's new state hash. Pure: `storeAssessment` and the batched filing write the rows.
   */
  function assessmentRecord(
    principal: Principal,
    breach: BreachRow,
    incident: Incident,
    assessment: Assessment,
    now: Date,
  ) {
    const packs = assessment.obligations.flatMap((obligation) =>
      obligation.pack === null ? [] : [{ jurisdiction: obligation.jurisdiction, ...obligation.pack }],
    );
    const { stored, guidance } = separateGuidance(assessment);
    const row = {
      org_id: breach.org_id,
      breach_id: breach.breach_id,
      version: breach.version,
      assessed_at: now,
      packs,
      incident,
      result: stored,
      created_by: principal.userId,
    };
    const obligations = obligationRows(breach.org_id, breach.breach_id, assessment);
    // The canonical JSON of the large values is written once: it is what is hashed and what is stored (jsonb
    // keeps no key order, so any order is as good).
    const written = { incident: canonicalJson(incident), result: canonicalJson(stored) };
    const event: AuditEventInput = {
      actor: actorOf(principal),
      action: "assessment.recorded",
      entityType: "assessment",
      entityId: assessmentEntityId(row),
      data: { version: breach.version, packs, stateHash: sha256Hex(canonicalJsonWith(row, written)) },
    };
    return {
      insert: { ...row, packs: JSON.stringify(packs), ...written },
      guidance,
      obligations,
      stateHash: breachStateHash(breach, obligations),
      event,
      stored: { version: row.version, assessed_at: now, packs },
    };
  }

  /**
   * Stores a changed breach's new assessment version and replaces its obligations; returns its new state hash
   * and the audit event to append (the caller appends its events together, last, to hold the audit lock briefly).
   */
  async function storeAssessment(
    trx: Transaction<Schema>,
    principal: Principal,
    breach: BreachRow,
    incident: Incident,
    assessment: Assessment,
    now: Date,
  ) {
    const record = assessmentRecord(principal, breach, incident, assessment, now);
    await guidanceStore.insert(trx, breach.org_id, record.guidance);
    await trx.insertInto("assessments").values(record.insert).execute();
    await trx
      .deleteFrom("obligations")
      .where("org_id", "=", breach.org_id)
      .where("breach_id", "=", breach.breach_id)
      .execute();
    if (record.obligations.length > 0)
      await trx.insertInto("obligations").values(record.obligations).execute();
    return record;
  }

  async function updateBreachWithin(
    trx: Transaction<Schema>,
    principal: Principal,
    breachId: string,
    patch: unknown,
    expectedVersion?: number,
  ) {
    requirePermission(principal, "write");
    if (patch === null || typeof patch !== "object" || Array.isArray(patch))
      throw new InvalidInput([
        { field: "(body)", message: "must be a JSON object (a merge patch of the incident)" },
      ]);
    const { status, ...incidentPatch } = patch as Record<string, unknown>;
    if (status !== undefined && status !== "open" && status !== "closed")
      throw new InvalidInput([{ field: "status", message: "must be one of: open, closed" }]);
    const breach = await loadBreach(trx, principal.orgId, breachId, true);
    // If-Match: a change made against facts that have since moved on (another person's edit, an import) is
    // refused rather than silently undoing them. The row is locked, so the check cannot race.
    if (expectedVersion !== undefined && breach.version !== expectedVersion)
      throw new Conflict(
        `the breach has changed since version ${String(expectedVersion)} (it is now version ${String(breach.version)}): reload it, then make the change again`,
      );
    const previous = await latestAssessment(trx, principal.orgId, breachId);
    const incident = validIncident(mergePatch(breach.incident, incidentPatch));
    const now = clock.now();
    const updated: BreachRow = {
      ...breach,
      title: incident.title,
      status: status === "open" || status === "closed" ? status : breach.status,
      incident,
      aware_at: new Date(incident.awareAt),
      version: breach.version + 1,
      updated_at: now,
    };
    await trx
      .updateTable("breaches")
      .set({
        title: updated.title,
        status: updated.status,
        incident: JSON.stringify(incident),
        aware_at: updated.aware_at,
        version: updated.version,
        updated_at: now,
      })
      .where("org_id", "=", principal.orgId)
      .where("breach_id", "=", breachId)
      .execute();
    const assessment = assessBreach(incident, { at: now });
    const stored = await storeAssessment(trx, principal, updated, incident, assessment, now);
    const changes = diffObligations((previous.result as Assessment).obligations, assessment.obligations);
    const result = {
      breach: await view(trx, principal, updated),
      changes,
      previousVersion: breach.version,
    };
    await appendAuditEvents(
      trx,
      principal.orgId,
      [
        stored.event,
        {
          actor: actorOf(principal),
          action: "breach.updated",
          entityType: "breach",
          entityId: breachId,
          data: {
            version: updated.version,
            fields: Object.keys(incidentPatch),
            ...(status === undefined ? {} : { status }),
            obligationChanges: changes.length,
            stateHash: stored.stateHash,
          },
        },
      ],
      now,
    );
    return result;
  }

  /**
   * New breaches are written in batches per organisation (group commit): concurrent filings share one
   * transaction, one audit-chain append and one commit. Each is answered only once its batch has committed.
   */
  const guidanceStore = createGuidanceStore();
  const filings = createGroupCommit<Filing, Filing>(
    async (orgId, items) => {
      const guidance = guidanceStore.unstored(
        orgId,
        new Map(items.flatMap((item) => [...item.record.guidance])),
      );
      await db.transaction().execute(async (trx) => {
        await guidanceStore.insert(trx, orgId, guidance);
        // The breaches, their obligations and their assessments in one statement (one round trip).
        const obligations = items.flatMap((item) => item.record.obligations);
        const breaches = items.map((item) => ({
          ...item.breach,
          incident: item.record.insert.incident,
        }));
        const assessments = items.map((item) => item.record.insert);
        if (obligations.length > 0)
          await trx
            .with("filed", (cte) => cte.insertInto("breaches").values(breaches))
            .with("duties", (cte) => cte.insertInto("obligations").values(obligations))
            .insertInto("assessments")
            .values(assessments)
            .execute();
        else
          await trx
            .with("filed", (cte) => cte.insertInto("breaches").values(breaches))
            .insertInto("assessments")
            .values(assessments)
            .execute();
        await appendAuditEvents(
          trx,
          orgId,
          items.flatMap((item) => item.events),
          clock.now(),
        );
      });
      guidanceStore.markStored(orgId, guidance.keys());
      return items;
    },
    { maxBatch: 64, concurrency: 2 },
  );

  async function view(executor: Kysely<Schema>, principal: Principal, breach: BreachRow) {
    const { org_id: orgId, breach_id: breachId } = breach;
    const [assessment, decisions, notifications, evidence] = await Promise.all([
      latestAssessment(executor, orgId, breachId),
      executor
        .selectFrom("decisions")
        .selectAll()
        .where("org_id", "=", orgId)
        .where("breach_id", "=", breachId)
        .orderBy("decided_at")
        .execute(),
      executor
        .selectFrom("notifications")
        .selectAll()
        .where("org_id", "=", orgId)
        .where("breach_id", "=", breachId)
        .orderBy("given_at")
        .execute(),
      executor
        .selectFrom("evidence")
        .selectAll()
        .where("org_id", "=", orgId)
        .where("breach_id", "=", breachId)
        .orderBy("uploaded_at")
        .execute(),
    ]);
    const stored = assessment.result as StoredAssessment;
    return buildView(
      principal,
      breach,
      assessment,
      restoreGuidance(stored, await loadGuidance(executor, orgId, guidanceHashes(stored))),
      decisions,
      notifications,
      evidence,
    );
  }

  function buildView(
    principal: Principal,
    breach: BreachRow,
    stored: { version: number; assessed_at: Date; packs: unknown },
    result: Assessment,
    decisions: readonly Selectable<DecisionsTable>[],
    notifications: readonly Selectable<NotificationsTable>[],
    evidence: readonly Selectable<EvidenceTable>[],
  ) {
    const breachId = breach.breach_id;
    return {
      id: breachId,
      title: breach.title,
      status: breach.status,
      version: breach.version,
      awareAt: breach.aware_at.toISOString(),
      createdAt: breach.created_at.toISOString(),
      updatedAt: breach.updated_at.toISOString(),
      incident: breach.incident as Incident,
      assessment: result,
      assessedWith: {
        version: stored.version,
        at: stored.assessed_at.toISOString(),
        packs: stored.packs as unknown[],
      },
      duties: dutiesOf(result, decisions, notifications, clock.now()),
      decisions: decisions.map(decisionView),
      notifications: notifications.map(notificationView),
      evidence: evidence.map(evidenceView),
      retention: "Kept indefinitely: breaches, their decisions and evidence cannot be deleted.",
      links: { self: `/api/v1/breaches/${breachId}`, timeline: `/api/v1/breaches/${breachId}/timeline` },
      viewer: principal.role,
    };
  }

  return {
    /** Files a new breach: validates the incident, assesses it, and stores both with the rule-pack versions. */
    async fileBreach(principal: Principal, input: unknown) {
      requirePermission(principal, "write");
      const incident = validIncident(input);
      const now = clock.now();
      const assessment = assessBreach(incident, { at: now });
      const breachId = newId(now.getTime());
      const breach: BreachRow = {
        org_id: principal.orgId,
        breach_id: breachId,
        title: incident.title,
        status: "open",
        incident,
        aware_at: new Date(incident.awareAt),
        version: 1,
        created_by: principal.userId,
        created_at: now,
        updated_at: now,
      };
      const record = assessmentRecord(principal, breach, incident, assessment, now);
      const events: AuditEventInput[] = [
        record.event,
        {
          actor: actorOf(principal),
          action: "breach.filed",
          entityType: "breach",
          entityId: breachId,
          data: { title: incident.title, stateHash: record.stateHash },
        },
      ];
      await filings.submit(principal.orgId, { breach, record, events });
      // A new breach has no decisions, notices or evidence yet: its view is built without reading back.
      return buildView(principal, breach, record.stored, assessment, [], [], []);
    },

    async listBreaches(principal: Principal, queryInput: unknown) {
      requirePermission(principal, "read");
      const query: BreachListQuery = validateInput(breachListQuerySchema, queryInput, undefined, "(query)");
      const now = clock.now();
      let select = db
        .selectFrom("breaches")
        .select(["breach_id", "title", "status", "aware_at", "created_at", "updated_at", "version"])
        .where("org_id", "=", principal.orgId);
      if (query.status !== undefined) select = select.where("status", "=", query.status);
      if (query.jurisdiction !== undefined) {
        const jurisdiction = query.jurisdiction;
        select = select.where((eb) =>
          eb.exists(
            eb
              .selectFrom("obligations")
              .select("obligations.breach_id")
              .whereRef("obligations.org_id", "=", "breaches.org_id")
              .whereRef("obligations.breach_id", "=", "breaches.breach_id")
              .where("obligations.jurisdiction", "=", jurisdiction),
          ),
        );
      }
      if (query.overdue === true)
        // Overdue: a regulator duty past its deadline with neither a notice given nor a decision not to notify.
        select = select.where(
          sql<boolean>`exists (
            select 1 from obligations o
            where o.org_id = breaches.org_id and o.breach_id = breaches.breach_id
              and o.duty = 'regulator' and o.decision in ('required', 'judgement') and o.deadline < ${now}
              and not exists (select 1 from notifications n
                where n.org_id = o.org_id and n.breach_id = o.breach_id
                  and n.jurisdiction = o.jurisdiction and n.recipient = 'regulator')
              and not exists (select 1 from decisions d
                where d.org_id = o.org_id and d.breach_id = o.breach_id and d.jurisdiction = o.jurisdiction
                  and d.duty = 'regulator' and d.outcome = 'not_notify'))`,
        );
      if (query.cursor !== undefined) {
        const [createdAt = "", id = ""] = Buffer.from(query.cursor, "base64url").toString("utf8").split("|");
        const at = Date.parse(createdAt);
        if (!isUuid(id) || Number.isNaN(at) || at < 0 || at > Date.parse("9999-12-31T00:00:00Z"))
          throw new InvalidInput([{ field: "cursor", message: "is not a cursor this API gave" }]);
        select = select.where((eb) =>
          eb.or([
            eb("created_at", "<", new Date(createdAt)),
            eb.and([eb("created_at", "=", new Date(createdAt)), eb("breach_id", "<", id)]),
          ]),
        );
      }
      const rows = await select
        .orderBy("created_at", "desc")
        .orderBy("breach_id", "desc")
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit);
      const ids = page.map((row) => row.breach_id);
      const [obligations, risks] =
        ids.length === 0
          ? [[], []]
          : await Promise.all([
              db
                .selectFrom("obligations")
                .selectAll()
                .where("org_id", "=", principal.orgId)
                .where("breach_id", "in", ids)
                .execute(),
              // Each breach's latest risk, read out of its latest assessment (not the whole result).
              db
                .selectFrom("assessments")
                .select([
                  "breach_id",
                  sql<string>`result->'risk'->>'level'`.as("level"),
                  sql<string>`result->'risk'->>'score'`.as("score"),
                ])
                .distinctOn("breach_id")
                .where("org_id", "=", principal.orgId)
                .where("breach_id", "in", ids)
                .orderBy("breach_id")
                .orderBy("version", "desc")
                .execute(),
            ]);
      const last = page.at(-1);
      return {
        items: page.map((row) => ({
          id: row.breach_id,
          title: row.title,
          status: row.status,
          version: row.version,
          awareAt: row.aware_at.toISOString(),
          createdAt: row.created_at.toISOString(),
          risk: riskOf(risks.find((risk) => risk.breach_id === row.breach_id)),
          obligations: obligations
            .filter((o) => o.breach_id === row.breach_id && o.duty === "regulator")
            .map((o) => ({
              jurisdiction: o.jurisdiction,
              regulator: o.regulator_name,
              decision: o.decision,
              deadline: o.deadline?.toISOString() ?? null,
              strict: o.strict,
            })),
        })),
        nextCursor:
          rows.length > query.limit && last !== undefined
            ? Buffer.from(`${last.created_at.toISOString()}|${last.breach_id}`).toString("base64url")
            : null,
      };
    },

    async getBreach(principal: Principal, breachId: string) {
      requirePermission(principal, "read");
      return view(db, principal, await loadBreach(db, principal.orgId, breachId));
    },

    /** Changes facts (a JSON merge patch over the incident, plus `status`), re-assesses, and shows what changed. */
    /** `expectedVersion` (from If-Match) refuses the change with a Conflict if the breach has moved on. */
    async updateBreach(principal: Principal, breachId: string, patch: unknown, expectedVersion?: number) {
      return db
        .transaction()
        .execute((trx) => updateBreachWithin(trx, principal, breachId, patch, expectedVersion));
    },

    /**
     * `updateBreach` inside a transaction the caller holds (a recipient import's completion sets the breach's
     * counts in the same transaction that records it).
     */
    updateBreachWithin,

    async recordDecision(principal: Principal, breachId: string, input: unknown) {
      requirePermission(principal, "write");
      const decision = validateInput(decisionInputSchema, input);
      return db.transaction().execute(async (trx) => {
        const breach = await loadBreach(trx, principal.orgId, breachId);
        const concerned = await trx
          .selectFrom("obligations")
          .select("jurisdiction")
          .where("org_id", "=", principal.orgId)
          .where("breach_id", "=", breachId)
          .where("jurisdiction", "=", decision.jurisdiction)
          .where("duty", "=", decision.duty)
          .executeTakeFirst();
        if (concerned === undefined)
          throw new InvalidInput([
            {
              field: "jurisdiction",
              message: `the breach has no ${decision.duty} duty in ${decision.jurisdiction}`,
            },
          ]);
        const now = clock.now();
        const row: Selectable<DecisionsTable> = {
          org_id: principal.orgId,
          decision_id: newId(now.getTime()),
          breach_id: breach.breach_id,
          jurisdiction: decision.jurisdiction,
          duty: decision.duty,
          outcome: decision.outcome,
          rationale: decision.rationale,
          author_id: principal.userId,
          decided_at: decision.decidedAt === undefined ? now : new Date(decision.decidedAt),
        };
        await trx.insertInto("decisions").values(row).execute();
        await appendAuditEvent(
          trx,
          principal.orgId,
          {
            actor: actorOf(principal),
            action: "decision.recorded",
            entityType: "decision",
            entityId: row.decision_id,
            data: {
              breachId,
              jurisdiction: row.jurisdiction,
              duty: row.duty,
              outcome: row.outcome,
              stateHash: rowStateHash(row),
            },
          },
          now,
        );
        return decisionView(row);
      });
    },

    async recordNotification(principal: Principal, breachId: string, input: unknown) {
      requirePermission(principal, "write");
      const notice = validateInput(notificationInputSchema, input);
      return db.transaction().execute(async (trx) => {
        const breach = await loadBreach(trx, principal.orgId, breachId);
        const givenAt = new Date(notice.givenAt);
        const now = clock.now();
        if (givenAt.getTime() < breach.aware_at.getTime() - 365 * 86_400_000)
          throw new InvalidInput([
            { field: "givenAt", message: "is long before the organisation became aware of the breach" },
          ]);
        // A notice is recorded once given: a future date (beyond a few minutes of clock skew) would mark a duty met early.
        if (givenAt.getTime() > now.getTime() + 5 * 60_000)
          throw new InvalidInput([
            { field: "givenAt", message: "is in the future: record a notice once it has been given" },
          ]);
        const concerned = await trx
          .selectFrom("obligations")
          .select("jurisdiction")
          .where("org_id", "=", principal.orgId)
          .where("breach_id", "=", breachId)
          .where("jurisdiction", "=", notice.jurisdiction)
          .executeTakeFirst();
        if (concerned === undefined)
          throw new InvalidInput([
            { field: "jurisdiction", message: `the breach concerns no duty in ${notice.jurisdiction}` },
          ]);
        const obligation =
          notice.recipient === "regulator"
            ? await trx
                .selectFrom("obligations")
                .select(["deadline"])
                .where("org_id", "=", principal.orgId)
                .where("breach_id", "=", breachId)
                .where("jurisdiction", "=", notice.jurisdiction)
                .where("duty", "=", "regulator")
                .executeTakeFirst()
            : undefined;
        const deadline = obligation?.deadline ?? null;
        const late = deadline !== null && givenAt.getTime() > deadline.getTime();

        const row: Selectable<NotificationsTable> = {
          org_id: principal.orgId,
          notification_id: newId(now.getTime()),
          breach_id: breachId,
          jurisdiction: notice.jurisdiction,
          recipient: notice.recipient,
          phase: notice.phase,
          given_at: givenAt,
          method: notice.method,
          reference: notice.reference ?? null,
          // The reasons given in the breach's facts count, so they need not be written twice.
          delay_reason:
            notice.delayReason ??
            (late && notice.recipient === "regulator"
              ? ((breach.incident as Incident).response?.delayReason ?? null)
              : null),
          deadline,
          late,
          created_by: principal.userId,
          created_at: now,
        };
        await trx.insertInto("notifications").values(row).execute();
        await appendAuditEvent(
          trx,
          principal.orgId,
          {
            actor: actorOf(principal),
            action: "notification.recorded",
            entityType: "notification",
            entityId: row.notification_id,
            data: {
              breachId,
              jurisdiction: row.jurisdiction,
              recipient: row.recipient,
              phase: row.phase,
              late,
              stateHash: rowStateHash(row),
            },
          },
          now,
        );
        return notificationView(row);
      });
    },

    /** Checks, before an upload is read, that the principal may add to this breach (404 for another tenant's). */
    async assertCanAddEvidence(principal: Principal, breachId: string): Promise<void> {
      requirePermission(principal, "write");
      await loadBreach(db, principal.orgId, breachId);
    },

    async addEvidence(
      principal: Principal,
      breachId: string,
      file: { filename: string; contentType: string; content: Buffer; description?: string },
    ) {
      requirePermission(principal, "write");
      const filename = file.filename.trim();
      if (filename === "" || filename.length > 255)
        throw new InvalidInput([{ field: "file", message: "must have a file name of 1 to 255 characters" }]);
      return db.transaction().execute(async (trx) => {
        await loadBreach(trx, principal.orgId, breachId);
        const now = clock.now();
        const row: Selectable<EvidenceTable> = {
          org_id: principal.orgId,
          evidence_id: newId(now.getTime()),
          breach_id: breachId,
          filename,
          content_type: file.contentType,
          size_bytes: file.content.length,
          sha256: sha256Hex(file.content),
          description: file.description ?? null,
          uploaded_by: principal.userId,
          uploaded_at: now,
        };
        await trx.insertInto("evidence").values(row).execute();
        await trx
          .insertInto("evidence_blobs")
          .values({ org_id: principal.orgId, evidence_id: row.evidence_id, content: file.content })
          .execute();
        await appendAuditEvent(
          trx,
          principal.orgId,
          {
            actor: actorOf(principal),
            action: "evidence.added",
            entityType: "evidence",
            entityId: row.evidence_id,
            data: { breachId, sha256: row.sha256, size: row.size_bytes, stateHash: rowStateHash(row) },
          },
          now,
        );
        return evidenceView(row);
      });
    },

    async getEvidence(principal: Principal, breachId: string, evidenceId: string) {
      requirePermission(principal, "read");
      if (!isUuid(evidenceId)) throw new NotFound("evidence");
      await loadBreach(db, principal.orgId, breachId);
      const row = await db
        .selectFrom("evidence")
        .innerJoin("evidence_blobs", (join) =>
          join
            .onRef("evidence_blobs.org_id", "=", "evidence.org_id")
            .onRef("evidence_blobs.evidence_id", "=", "evidence.evidence_id"),
        )
        .selectAll("evidence")
        .select("evidence_blobs.content")
        .where("evidence.org_id", "=", principal.orgId)
        .where("evidence.breach_id", "=", breachId)
        .where("evidence.evidence_id", "=", evidenceId)
        .executeTakeFirst();
      if (row === undefined) throw new NotFound("evidence");
      return { ...evidenceView(row), content: Buffer.from(row.content) };
    },

    async timeline(principal: Principal, breachId: string) {
      requirePermission(principal, "read");
      await loadBreach(db, principal.orgId, breachId);
      // The breach's own events, its assessments' ("<breachId>:<version>") and those naming it in their data.
      const rows = await db
        .selectFrom("audit_events")
        .selectAll()
        .where("org_id", "=", principal.orgId)
        .where((eb) =>
          eb.or([
            eb("entity_id", "=", breachId),
            eb("entity_id", "like", `${breachId}:%`),
            eb(sql<string>`data->>'breachId'`, "=", breachId),
          ]),
        )
        .orderBy("seq")
        .execute();
      return rows.map(rowToAuditEvent).map((event) => ({
        seq: event.seq,
        at: event.at.toISOString(),
        actor: event.actor,
        action: event.action,
        entityType: event.entityType,
        entityId: event.entityId,
        data: event.data,
        hash: event.hash,
      }));
    },

    /** Duties with deadlines across all breaches: overdue first, then by deadline. */
    async deadlines(principal: Principal) {
      requirePermission(principal, "read");
      const now = clock.now();
      const rows = await db
        .selectFrom("obligations")
        .innerJoin("breaches", (join) =>
          join
            .onRef("breaches.org_id", "=", "obligations.org_id")
            .onRef("breaches.breach_id", "=", "obligations.breach_id"),
        )
        .select([
          "obligations.breach_id",
          "obligations.jurisdiction",
          "obligations.duty",
          "obligations.decision",
          "obligations.deadline",
          "obligations.strict",
          "obligations.regulator_name",
          "breaches.title",
          "breaches.status",
        ])
        .where("obligations.org_id", "=", principal.orgId)
        .where("obligations.deadline", "is not", null)
        .where("breaches.status", "=", "open")
        .execute();
      const ids = [...new Set(rows.map((row) => row.breach_id))];
      const [notifications, decisions] =
        ids.length === 0
          ? [[], []]
          : await Promise.all([
              db
                .selectFrom("notifications")
                .select(["breach_id", "jurisdiction", "recipient"])
                .where("org_id", "=", principal.orgId)
                .where("breach_id", "in", ids)
                .execute(),
              db
                .selectFrom("decisions")
                .select(["breach_id", "jurisdiction", "duty", "outcome"])
                .where("org_id", "=", principal.orgId)
                .where("breach_id", "in", ids)
                .execute(),
            ]);
      const items = rows.flatMap((row) => {
        const deadline = row.deadline;
        if (deadline === null) return [];
        const status = dutyStatus(
          row.duty,
          row.decision,
          deadline,
          row.jurisdiction,
          notifications.filter((n) => n.breach_id === row.breach_id),
          decisions.filter((d) => d.breach_id === row.breach_id),
          now,
        );
        if (status === "met" || status === "decided" || status === "not_required") return [];
        return [
          {
            breachId: row.breach_id,
            title: row.title,
            jurisdiction: row.jurisdiction,
            jurisdictionName: countryName(row.jurisdiction),
            duty: row.duty,
            decision: row.decision,
            regulator: row.regulator_name,
            deadline: deadline.toISOString(),
            strict: row.strict,
            status,
            secondsLeft: Math.round((deadline.getTime() - now.getTime()) / 1000),
          },
        ];
      });
      items.sort(
        (a, b) =>
          Number(b.status === "overdue") - Number(a.status === "overdue") ||
          a.deadline.localeCompare(b.deadline),
      );
      return { at: now.toISOString(), items };
    },

    async deadlinesCalendar(principal: Principal): Promise<string> {
      const { items } = await this.deadlines(principal);
      const duties: CalendarDuty[] = items.map((item) => ({
        uid: `${item.breachId}-${item.jurisdiction}-${item.duty}`,
        deadline: new Date(item.deadline),
        summary: `${item.status === "overdue" ? "OVERDUE: " : ""}Report "${item.title}" to ${item.regulator} (${item.jurisdiction})`,
        description: `Breach ${item.breachId}: ${item.decision === "judgement" ? "a person must decide whether to report" : "report required"} by ${item.deadline}${item.strict ? " (a hard limit)" : " (where feasible)"}.`,
      }));
      return renderDeadlineCalendar(duties, clock.now());
    },

    refuseDeletion(): never {
      throw new NotAllowed(
        "Breaches, their decisions, notifications and evidence are kept indefinitely and cannot be deleted: the breach log must show regulators every breach and every decision (RULEBOOK §1 'Breach log').",
      );
    },
  };
}

function dutyStatus(
  duty: "regulator" | "subjects" | "processor",
  decision: string,
  deadline: Date | null,
  jurisdiction: string,
  notifications: readonly { jurisdiction: string; recipient: string }[],
  decisions: readonly { jurisdiction: string; duty: string; outcome: string }[],
  now: Date,
): DutyStatus {
  if (decision === "not_required") return "not_required";
  const recipients: readonly string[] = recipientForDuty[duty];
  if (notifications.some((n) => n.jurisdiction === jurisdiction && recipients.includes(n.recipient)))
    return "met";
  if (decisions.some((d) => d.jurisdiction === jurisdiction && d.duty === duty && d.outcome === "not_notify"))
    return "decided";
  if (deadline !== null && deadline.getTime() < now.getTime()) return "overdue";
  return "open";
}

function dutiesOf(
  assessment: Assessment,
  decisions: readonly Selectable<DecisionsTable>[],
  notifications: readonly Selectable<NotificationsTable>[],
  now: Date,
) {
  return assessment.obligations.flatMap((obligation) => {
    const duties: {
      duty: "regulator" | "subjects" | "processor";
      decision: string;
      deadline: string | null;
    }[] = [
      { duty: "regulator", decision: obligation.regulator.decision, deadline: obligation.regulator.deadline },
      { duty: "subjects", decision: obligation.subjects.decision, deadline: null },
    ];
    if (obligation.processor !== null)
      duties.push({ duty: "processor", decision: obligation.processor.decision, deadline: null });
    return duties.map((duty) => ({
      jurisdiction: obligation.jurisdiction,
      ...duty,
      status: dutyStatus(
        duty.duty,
        duty.decision,
        duty.deadline === null ? null : new Date(duty.deadline),
        obligation.jurisdiction,
        notifications,
        decisions,
        now,
      ),
    }));
  });
}

function decisionView(row: Selectable<DecisionsTable>) {
  return {
    id: row.decision_id,
    jurisdiction: row.jurisdiction,
    duty: row.duty,
    outcome: row.outcome,
    rationale: row.rationale,
    authorId: row.author_id,
    decidedAt: row.decided_at.toISOString(),
  };
}

function notificationView(row: Selectable<NotificationsTable>) {
  return {
    id: row.notification_id,
    jurisdiction: row.jurisdiction,
    recipient: row.recipient,
    phase: row.phase,
    givenAt: row.given_at.toISOString(),
    method: row.method,
    reference: row.reference,
    delayReason: row.delay_reason,
    deadline: row.deadline?.toISOString() ?? null,
    late: row.late,
    lateBySeconds:
      row.deadline !== null && row.late
        ? Math.round((row.given_at.getTime() - row.deadline.getTime()) / 1000)
        : 0,
    delayReasonMissing: row.late && (row.delay_reason === null || row.delay_reason === ""),
  };
}

function evidenceView(row: Selectable<EvidenceTable>) {
  return {
    id: row.evidence_id,
    filename: row.filename,
    contentType: row.content_type,
    size: row.size_bytes,
    sha256: row.sha256,
    description: row.description,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at.toISOString(),
    download: `/api/v1/breaches/${row.breach_id}/evidence/${row.evidence_id}`,
  };
}

export type BreachService = ReturnType<typeof createBreachService>;
export type BreachView = Awaited<ReturnType<BreachService["getBreach"]>>;
