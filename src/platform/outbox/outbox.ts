/**
 * The outbox: work that must happen once, outside the database (sending an e-mail), recorded in the database
 * first so that nothing is lost or done twice when a process dies.
 *
 * A job goes `pending` → `sending` (claimed, under a lease) → `committing` → `sent`. `committing` is written
 * just before the point of no return (for e-mail: before the final "." of SMTP DATA, after which the server
 * may have accepted the message). So after a crash:
 * - a job left `sending` was never delivered: it goes back to `pending` and is retried;
 * - a job left `committing` may or may not have been delivered: it becomes `uncertain` and is held for a
 *   person to settle (the mail server's log has its Message-ID), because sending it again could send it twice.
 * A failure with a definite answer (the server refused) is retried with exponential back-off, up to
 * `maxAttempts`, then `failed`. Claims use `FOR UPDATE SKIP LOCKED`, so several servers can share the work.
 */
import { sql, type Kysely } from "kysely";
import { appendAuditEvents, type AuditEventInput } from "../audit/audit-log.js";
import { createGroupCommit } from "../db/group-commit.js";
import type { OutboxState, Schema } from "../db/schema.js";
import { newId } from "../ids.js";

export interface Clock {
  now(): Date;
}

export interface NewJob {
  orgId: string;
  kind: string;
  /** Jobs with the same org, kind and key are one job: enqueuing again adds nothing. */
  dedupeKey: string;
  breachId: string | null;
  payload: unknown;
}

export interface ClaimedJob {
  orgId: string;
  jobId: string;
  kind: string;
  dedupeKey: string;
  breachId: string | null;
  payload: unknown;
  attempts: number;
  /** This claim's token: only its holder may commit or settle the job, so a worker that lost it does nothing. */
  token: string;
}

/** An error that says whether the work certainly did not happen (the server answered with a refusal). */
export class JobFailure extends Error {
  override readonly name = "JobFailure";
  constructor(
    message: string,
    readonly options: { permanent: boolean; notDone: boolean },
  ) {
    super(message);
  }
}

export type Outcome =
  | { state: "sent"; result: unknown }
  | { state: "pending"; error: string; nextAttemptAt: Date }
  | { state: "failed"; error: string }
  | { state: "uncertain"; error: string };

export interface JobHandler {
  /**
   * Does the work. Must call `control.commit()` just before the point after which the work may have happened,
   * and give up (throw) if it rejects: the lease was lost, and another worker owns the job.
   */
  run(job: ClaimedJob, control: { commit(): Promise<void> }): Promise<unknown>;
  /** Called with each claimed batch before its jobs run: a place to read what they need in one query. */
  prepare?(jobs: readonly ClaimedJob[]): Promise<void>;
  /** The audit event recording an outcome, appended in the transaction that settles the job (none: null). */
  auditEvent?(job: ClaimedJob, outcome: Outcome): AuditEventInput | null;
}

export interface OutboxOptions {
  db: Kysely<Schema>;
  clock: Clock;
  handlers: Readonly<Record<string, JobHandler>>;
  /** How long a claim holds before another worker may recover it. */
  leaseMs?: number;
  /** Jobs claimed at a time, and run at once. */
  batch?: number;
  concurrency?: number;
  pollMs?: number;
  maxAttempts?: number;
  backoffMs?: { first: number; max: number };
  onError?: (error: unknown) => void;
}

/** Adds jobs; those already there (same org, kind and key) are left as they are. Returns how many were new. */
export async function enqueueJobs(
  executor: Kysely<Schema>,
  jobs: readonly NewJob[],
  now: Date,
): Promise<number> {
  let added = 0;
  for (let start = 0; start < jobs.length; start += 1000) {
    const slice = jobs.slice(start, start + 1000);
    const rows = await executor
      .insertInto("outbox")
      .values(
        slice.map((job) => ({
          org_id: job.orgId,
          job_id: newId(now.getTime()),
          kind: job.kind,
          dedupe_key: job.dedupeKey,
          breach_id: job.breachId,
          payload: JSON.stringify(job.payload),
          state: "pending" as const,
          next_attempt_at: now,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(["org_id", "kind", "dedupe_key"]).doNothing())
      .returning("job_id")
      .execute();
    added += rows.length;
  }
  return added;
}

/** Delay before attempt `attempts + 1`: doubling from `first`, capped at `max`, with up to 20% jitter. */
export function backoffDelay(attempts: number, first: number, max: number, random = Math.random): number {
  const base = Math.min(max, first * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.2 * random()));
}

export function createOutboxWorker(options: OutboxOptions) {
  const { db, clock, handlers } = options;
  const leaseMs = options.leaseMs ?? 60_000;
  const concurrency = options.concurrency ?? 8;
  // No more than can run at once: a claimed job waiting its turn would hold a claim it is not using.
  const batch = options.batch ?? concurrency;
  const pollMs = options.pollMs ?? 1_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const backoff = options.backoffMs ?? { first: 2_000, max: 10 * 60_000 };
  const kinds = Object.keys(handlers);
  let onError =
    options.onError ??
    ((error: unknown) => {
      process.stderr.write(`dpdesk outbox: ${error instanceof Error ? error.message : String(error)}\n`);
    });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  let stopped = true;
  let stopping = false;
  let wakeAgain = false;

  /** Leases that ran out: `sending` goes back to `pending`; `committing` becomes `uncertain`. */
  async function recover(): Promise<{ retried: number; uncertain: number }> {
    const now = clock.now();
    const retried = await db
      .updateTable("outbox")
      // The attempt was cut off before it could send anything: it does not count against the job.
      .set({
        state: "pending",
        locked_until: null,
        claim_token: null,
        next_attempt_at: now,
        updated_at: now,
        attempts: sql<number>`greatest(attempts - 1, 0)`,
      })
      .where("state", "=", "sending")
      .where("locked_until", "<", now)
      .returning("job_id")
      .execute();
    const uncertain = await db
      .updateTable("outbox")
      .set({
        state: "uncertain",
        locked_until: null,
        claim_token: null,
        updated_at: now,
        last_error:
          "The process stopped after the message was handed to the mail server and before its answer was recorded: it may have been delivered. Check the mail server's log for its Message-ID, then settle it as sent or to be sent again.",
      })
      .where("state", "=", "committing")
      .where("locked_until", "<", now)
      .returning("job_id")
      .execute();
    return { retried: retried.length, uncertain: uncertain.length };
  }

  async function claim(): Promise<ClaimedJob[]> {
    if (kinds.length === 0) return [];
    const now = clock.now();
    const until = new Date(now.getTime() + leaseMs);
    const result = await sql<{
      org_id: string;
      job_id: string;
      kind: string;
      dedupe_key: string;
      breach_id: string | null;
      payload: unknown;
      attempts: number;
      claim_token: string;
    }>`
      update outbox set state = 'sending', attempts = attempts + 1, locked_until = ${until}, updated_at = ${now},
        claim_token = gen_random_uuid()
      where (org_id, job_id) in (
        select org_id, job_id from outbox
        where state = 'pending' and next_attempt_at <= ${now} and kind in (${sql.join(kinds)})
        order by next_attempt_at, job_id
        limit ${batch}
        for update skip locked
      )
      returning org_id, job_id, kind, dedupe_key, breach_id, payload, attempts, claim_token`.execute(db);
    return result.rows.map((row) => ({
      orgId: row.org_id,
      jobId: row.job_id,
      kind: row.kind,
      dedupeKey: row.dedupe_key,
      breachId: row.breach_id,
      payload: typeof row.payload === "string" ? (JSON.parse(row.payload) as unknown) : row.payload,
      attempts: row.attempts,
      token: row.claim_token,
    }));
  }

  interface Settlement {
    job: ClaimedJob;
    handler: JobHandler;
    outcome: Outcome;
    from: OutboxState[];
  }

  /**
   * Settles jobs of one organisation in one transaction (group commit: jobs finishing while the last group is
   * written form the next), with their audit events appended in one go.
   */
  async function settleGroup(orgId: string, items: readonly Settlement[]): Promise<null[]> {
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      const events: AuditEventInput[] = [];
      for (const { job, handler, outcome, from } of items) {
        const updated = await trx
          .updateTable("outbox")
          .set({
            state: outcome.state,
            locked_until: null,
            updated_at: now,
            ...(outcome.state === "sent"
              ? { result: JSON.stringify(outcome.result), last_error: null }
              : { last_error: outcome.error }),
            ...(outcome.state === "pending" ? { next_attempt_at: outcome.nextAttemptAt } : {}),
          })
          .where("org_id", "=", orgId)
          .where("job_id", "=", job.jobId)
          .where("state", "in", from)
          .where("claim_token", "=", job.token)
          .returning("job_id")
          .execute();
        // A job recovered by another worker meanwhile is no longer ours to settle.
        const event = updated.length === 1 ? (handler.auditEvent?.(job, outcome) ?? null) : null;
        if (event !== null) events.push(event);
      }
      await appendAuditEvents(trx, orgId, events, now);
    });
    return items.map(() => null);
  }

  const settlements = createGroupCommit<Settlement, null>((orgId, items) => settleGroup(orgId, items), {
    maxBatch: 64,
    concurrency: 1,
  });

  async function settle(job: ClaimedJob, handler: JobHandler, outcome: Outcome, from: OutboxState[]) {
    await settlements.submit(job.orgId, { job, handler, outcome, from });
  }

  async function runJob(job: ClaimedJob): Promise<void> {
    const handler = handlers[job.kind];
    if (handler === undefined) return;
    // Set by `commit` (inside the handler's run), read after it: an object, so the type checker sees it change.
    const progress = { committed: false };
    const commit = async () => {
      const now = clock.now();
      const rows = await db
        .updateTable("outbox")
        .set({ state: "committing", updated_at: now })
        .where("org_id", "=", job.orgId)
        .where("job_id", "=", job.jobId)
        .where("state", "=", "sending")
        .where("claim_token", "=", job.token)
        .returning("job_id")
        .execute();
      if (rows.length !== 1) throw new Error("the job's claim was lost: another worker may own it now");
      progress.committed = true;
    };
    try {
      const result = await handler.run(job, { commit });
      await settle(
        job,
        handler,
        { state: "sent", result },
        progress.committed ? ["committing"] : ["sending"],
      );
    } catch (error) {
      const failure = error instanceof JobFailure ? error : null;
      const message = error instanceof Error ? error.message : String(error);
      const from: OutboxState[] = progress.committed ? ["committing"] : ["sending"];
      if (progress.committed && failure?.options.notDone !== true) {
        await settle(job, handler, { state: "uncertain", error: message }, from);
        return;
      }
      if (failure?.options.permanent === true || job.attempts >= maxAttempts) {
        await settle(job, handler, { state: "failed", error: message }, from);
        return;
      }
      const delay = backoffDelay(job.attempts, backoff.first, backoff.max);
      await settle(
        job,
        handler,
        { state: "pending", error: message, nextAttemptAt: new Date(clock.now().getTime() + delay) },
        from,
      );
    }
  }

  /** Claims and runs due jobs until none are due; returns how many ran. */
  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      await recover();
      const jobs = await claim();
      if (jobs.length === 0) return total;
      for (const [kind, handler] of Object.entries(handlers)) {
        const mine = jobs.filter((job) => job.kind === kind);
        if (mine.length > 0 && handler.prepare !== undefined)
          await handler.prepare(mine).catch((error: unknown) => {
            onError(error);
          });
      }
      const queue = [...jobs];
      // The claims are renewed while their jobs run, so a slow mail server never makes a job look abandoned.
      const heartbeat = setInterval(
        () => {
          const now = clock.now();
          db.updateTable("outbox")
            .set({ locked_until: new Date(now.getTime() + leaseMs) })
            .where(
              "claim_token",
              "in",
              jobs.map((job) => job.token),
            )
            .where("state", "in", ["sending", "committing"])
            .execute()
            .catch((error: unknown) => {
              onError(error);
            });
        },
        Math.max(250, Math.floor(leaseMs / 3)),
      );
      try {
        const lanes = await Promise.allSettled(
          Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
            for (let job = queue.shift(); job !== undefined; job = queue.shift()) await runJob(job);
          }),
        );
        for (const lane of lanes) if (lane.status === "rejected") onError(lane.reason);
      } finally {
        clearInterval(heartbeat);
      }
      total += jobs.length;
      if (stopping) return total;
    }
  }

  function schedule(ms: number) {
    if (stopped) return;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      tick();
    }, ms);
    timer.unref();
  }

  function tick() {
    if (running !== null) {
      wakeAgain = true;
      return;
    }
    running = drain()
      .then(() => undefined)
      .catch((error: unknown) => {
        onError(error);
      })
      .finally(() => {
        running = null;
        if (wakeAgain) {
          wakeAgain = false;
          tick();
        } else schedule(pollMs);
      });
  }

  return {
    recover,
    drain,
    /** Where errors of the background work go (the server's log); by default standard error. */
    reportErrorsTo(handler: (error: unknown) => void) {
      onError = handler;
    },
    /** Runs in the background: polls every `pollMs`, and at once after `wake()`. */
    start() {
      stopped = false;
      stopping = false;
      tick();
    },
    /** New work is waiting: look now rather than at the next poll. */
    wake() {
      if (!stopped) tick();
    },
    /** Stops polling and waits for the jobs in hand to settle. */
    async stop() {
      stopped = true;
      stopping = true;
      if (timer !== null) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
