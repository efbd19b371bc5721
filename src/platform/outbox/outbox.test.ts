// The outbox on the test database: claims, their tokens, recovery after a crash, and back-off.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOrganisation, startTestApp, type TestApp } from "../../../test/support/test-app.js";
import { backoffDelay, createOutboxWorker, enqueueJobs, JobFailure, type JobHandler } from "./outbox.js";

let t: TestApp;
let orgId: string;

beforeAll(async () => {
  t = await startTestApp();
  orgId = (await createOrganisation(t.app)).orgId;
});
afterAll(async () => t.close());

const db = () => t.app.services.database.db;

async function stateOf(dedupeKey: string) {
  return db()
    .selectFrom("outbox")
    .select(["state", "attempts", "last_error"])
    .where("dedupe_key", "=", dedupeKey)
    .executeTakeFirstOrThrow();
}

function worker(handler: JobHandler, leaseMs = 60_000) {
  return createOutboxWorker({
    db: db(),
    clock: t.clock,
    handlers: { test_job: handler },
    leaseMs,
    onError: () => {},
  });
}

const job = (dedupeKey: string) => ({
  orgId,
  kind: "test_job",
  dedupeKey,
  breachId: null,
  payload: { n: 1 },
});

describe("the outbox", () => {
  it("enqueues a job once, however often it is asked, and runs it once", async () => {
    expect(await enqueueJobs(db(), [job("once"), job("once")], t.clock.now())).toBe(1);
    expect(await enqueueJobs(db(), [job("once")], t.clock.now())).toBe(0);
    let runs = 0;
    await worker({
      async run(_job, control) {
        await control.commit();
        runs++;
        return { ok: true };
      },
    }).drain();
    expect(runs).toBe(1);
    expect(await stateOf("once")).toMatchObject({ state: "sent", attempts: 1 });
  });

  it("a worker that lost its claim cannot commit, so it sends nothing and settles nothing", async () => {
    await enqueueJobs(db(), [job("stolen")], t.clock.now());
    let sent = false;
    await worker({
      async run(claimed, control) {
        // Meanwhile the claim passed to another worker (after this one stalled past its lease).
        await sql`update outbox set claim_token = gen_random_uuid() where job_id = ${claimed.jobId}`.execute(
          db(),
        );
        await control.commit();
        sent = true;
        return {};
      },
    }).drain();
    expect(sent).toBe(false);
    expect((await stateOf("stolen")).state).toBe("sending"); // still the other worker's to settle
  });

  it("after a crash: a job cut off before its commit is retried, one cut off after it is held as uncertain", async () => {
    await enqueueJobs(db(), [job("before"), job("after")], t.clock.now());
    await sql`update outbox set state = 'sending', attempts = 1, claim_token = gen_random_uuid(), locked_until = ${new Date(t.clock.now().getTime() + 1000)} where dedupe_key = 'before'`.execute(
      db(),
    );
    await sql`update outbox set state = 'committing', attempts = 1, claim_token = gen_random_uuid(), locked_until = ${new Date(t.clock.now().getTime() + 1000)} where dedupe_key = 'after'`.execute(
      db(),
    );
    const recovering = worker({ run: () => Promise.resolve({}) });
    expect(await recovering.recover()).toEqual({ retried: 0, uncertain: 0 }); // leases still held
    t.clock.advance(2000);
    expect(await recovering.recover()).toEqual({ retried: 1, uncertain: 1 });
    expect(await stateOf("before")).toMatchObject({ state: "pending", attempts: 0 });
    expect(await stateOf("after")).toMatchObject({ state: "uncertain" });
    expect((await stateOf("after")).last_error).toContain("Message-ID");
  });

  it("retries a refusal after a back-off that doubles, and fails a permanent one at once", async () => {
    await enqueueJobs(db(), [job("flaky"), job("refused")], t.clock.now());
    let flakyRuns = 0;
    const flaky = worker({
      async run(claimed, control) {
        if (claimed.dedupeKey === "refused")
          throw new JobFailure("SMTP 550", { permanent: true, notDone: true });
        if (claimed.dedupeKey !== "flaky") return {}; // jobs the tests before left pending
        flakyRuns++;
        if (flakyRuns < 3) throw new JobFailure("SMTP 451", { permanent: false, notDone: true });
        await control.commit();
        return {};
      },
    });
    await flaky.drain();
    expect(await stateOf("refused")).toMatchObject({ state: "failed", attempts: 1 });
    expect(await stateOf("flaky")).toMatchObject({ state: "pending", attempts: 1 });
    await flaky.drain();
    expect(flakyRuns).toBe(1); // not due yet
    t.clock.advance(3_000);
    await flaky.drain();
    t.clock.advance(6_000);
    await flaky.drain();
    expect(await stateOf("flaky")).toMatchObject({ state: "sent", attempts: 3 });
    expect(backoffDelay(1, 2000, 600_000, () => 1)).toBe(2000);
    expect(backoffDelay(4, 2000, 600_000, () => 1)).toBe(16_000);
    expect(backoffDelay(20, 2000, 600_000, () => 1)).toBe(600_000);
  });
});
