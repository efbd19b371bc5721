/**
 * A breach's recipient list: the people its exposed files name, kept for the letters. Contact details are
 * sealed at rest with the data key; each person is one row, found by a keyed hash of who they are.
 *
 * An import is started (its id chosen by the client from the files, so that running it again resumes it),
 * sent in numbered batches of distinct people, and completed. Every batch merges into the list in one
 * transaction: a batch sent twice, a person named in two batches, or an import run again changes nothing
 * twice and loses nobody. Completing checks that every batch arrived, records the import in the audit chain,
 * and sets the breach's counts (people by jurisdiction, kinds of data, records) from the whole list, which
 * re-assesses the breach.
 */
import { sql, type Kysely } from "kysely";
import { dataCategories, type DataCategory } from "../law/vocabulary.js";
import { appendAuditEvent } from "../platform/audit/audit-log.js";
import { actorOf, requirePermission, type Principal } from "../platform/auth/principal.js";
import { DataKeyError, type DataKey } from "../platform/crypto/data-key.js";
import type { Schema } from "../platform/db/schema.js";
import { Conflict, InvalidInput, Misconfigured, NotFound } from "../platform/errors.js";
import { isUuid, newId, sha256Hex } from "../platform/ids.js";
import { rowStateHash } from "../platform/audit/state-hash.js";
import { validateInput } from "../platform/validate-input.js";
import { contactRank, mergeRecipient, type RecipientDetails } from "../impact/recipients.js";
import type { BreachService, Clock } from "./breach-service.js";
import {
  batchNumberSchema,
  batchSchema,
  importCompleteSchema,
  importStartSchema,
  recipientListQuerySchema,
  type RecipientInput,
} from "./recipient-inputs.js";

export interface RecipientServiceDeps {
  db: Kysely<Schema>;
  clock: Clock;
  /** Absent in commands that never touch recipient lists: using them then fails with a clear message. */
  dataKey: DataKey | undefined;
  breaches: BreachService;
}

const placeOf = (orgId: string, breachId: string, hash: string) => `${orgId}/${breachId}/${hash}`;

export function createRecipientService({ db, clock, dataKey: givenKey, breaches }: RecipientServiceDeps) {
  const key = (): DataKey => {
    if (givenKey === undefined)
      throw new Error("recipient lists need the data key (openServices({ dataKey }))");
    return givenKey;
  };
  /** Throws NotFound unless the breach is this organisation's; `lock` holds its row to the transaction's end. */
  async function breachExists(
    executor: Kysely<Schema>,
    orgId: string,
    breachId: string,
    lock = false,
  ): Promise<void> {
    if (!isUuid(breachId)) throw new NotFound("breach");
    let query = executor
      .selectFrom("breaches")
      .select("breach_id")
      .where("org_id", "=", orgId)
      .where("breach_id", "=", breachId);
    if (lock) query = query.forUpdate();
    const found = await query.executeTakeFirst();
    if (found === undefined) throw new NotFound("breach");
  }

  /** An import of this breach; `lock` holds its row (share: batches; update: completing) to the transaction's end. */
  async function loadImport(
    executor: Kysely<Schema>,
    orgId: string,
    breachId: string,
    importId: string,
    lock: "share" | "update" | null = null,
  ) {
    if (!isUuid(importId)) throw new NotFound("recipient import");
    let query = executor
      .selectFrom("recipient_imports")
      .selectAll()
      .where("org_id", "=", orgId)
      .where("import_id", "=", importId);
    if (lock === "share") query = query.forShare();
    if (lock === "update") query = query.forUpdate();
    const row = await query.executeTakeFirst();
    if (row?.breach_id !== breachId) throw new NotFound("recipient import");
    return row;
  }

  async function storedBatches(executor: Kysely<Schema>, orgId: string, importId: string) {
    const rows = await executor
      .selectFrom("recipient_import_batches")
      .select("batch")
      .where("org_id", "=", orgId)
      .where("import_id", "=", importId)
      .orderBy("batch")
      .execute();
    return rows.map((row) => row.batch);
  }

  async function importView(
    executor: Kysely<Schema>,
    orgId: string,
    row: Awaited<ReturnType<typeof loadImport>>,
  ) {
    return {
      importId: row.import_id,
      breachId: row.breach_id,
      sources: row.sources,
      batchSize: row.batch_size,
      startedAt: row.started_at.toISOString(),
      completedAt: row.completed_at?.toISOString() ?? null,
      rows: row.row_count,
      people: row.people,
      batchesStored: await storedBatches(executor, orgId, row.import_id),
    };
  }

  /** The list's counts: people by jurisdiction and kind of data, how they can be reached. */
  async function listSummary(executor: Kysely<Schema>, orgId: string, breachId: string) {
    const byJurisdiction = await executor
      .selectFrom("recipients")
      .select(["jurisdiction", sql<number>`count(*)::int`.as("people")])
      .where("org_id", "=", orgId)
      .where("breach_id", "=", breachId)
      .groupBy("jurisdiction")
      .orderBy("jurisdiction")
      .execute();
    const byCategory = await sql<{ category: string; people: number }>`
      select category, count(*)::int as people
      from recipients, unnest(categories) as category
      where org_id = ${orgId} and breach_id = ${breachId}
      group by category`.execute(executor);
    const reach = await executor
      .selectFrom("recipients")
      .select([
        sql<number>`count(*) filter (where contact_rank >= 4)::int`.as("post"),
        sql<number>`count(*) filter (where contact_rank < 4 and contact_rank >= 2)::int`.as("emailOnly"),
        sql<number>`count(*) filter (where contact_rank < 2)::int`.as("neither"),
      ])
      .where("org_id", "=", orgId)
      .where("breach_id", "=", breachId)
      .executeTakeFirstOrThrow();
    const people = byJurisdiction.reduce((sum, row) => sum + row.people, 0);
    const categories: Partial<Record<DataCategory, number>> = {};
    for (const category of dataCategories) {
      const found = byCategory.rows.find((row) => row.category === category);
      if (found !== undefined) categories[category] = found.people;
    }
    return {
      people,
      byJurisdiction: Object.fromEntries(byJurisdiction.map((row) => [row.jurisdiction, row.people])),
      categories,
      reachable: { byPost: reach.post, byEmailOnly: reach.emailOnly, neither: reach.neither },
    };
  }

  /** Refuses to seal with a key other than the one this organisation's lists were sealed with. */
  async function sealingKeyCheck(trx: Kysely<Schema>, orgId: string): Promise<void> {
    const current = key().id;
    await trx
      .insertInto("sealing_keys")
      .values({ org_id: orgId, key_id: current, first_used_at: clock.now() })
      .onConflict((conflict) => conflict.columns(["org_id", "key_id"]).doNothing())
      .execute();
    const other = await trx
      .selectFrom("sealing_keys")
      .select("key_id")
      .where("org_id", "=", orgId)
      .where("key_id", "<>", current)
      .executeTakeFirst();
    if (other !== undefined)
      throw new Misconfigured(
        `this organisation's recipient lists are sealed with data key ${other.key_id}, but this server has data key ${current}: set DPDESK_DATA_KEY (or DPDESK_KEY_FILE) to the key the lists were sealed with`,
      );
  }

  return {
    /**
     * The data keys recipient lists were sealed with that are not this server's (the server refuses to start
     * when there is one: it could not open those lists, and would list their people twice).
     */
    async foreignSealingKeys(): Promise<string[]> {
      const rows = await db
        .selectFrom("sealing_keys")
        .select("key_id")
        .distinct()
        .where("key_id", "<>", key().id)
        .execute();
      return rows.map((row) => row.key_id);
    },

    /** Checks, before an upload is read, that the principal may import into this breach (404 for another tenant's). */
    async assertCanImport(principal: Principal, breachId: string): Promise<void> {
      requirePermission(principal, "write");
      await breachExists(db, principal.orgId, breachId);
    },

    /** Starts an import, or finds the one with this id (to resume it): says which batches are already stored. */
    async startImport(principal: Principal, breachId: string, input: unknown) {
      requirePermission(principal, "write");
      const body = validateInput(importStartSchema, input);
      return db.transaction().execute(async (trx) => {
        await breachExists(trx, principal.orgId, breachId);
        const importId = body.importId ?? newId(clock.now().getTime());
        const now = clock.now();
        const inserted = await trx
          .insertInto("recipient_imports")
          .values({
            org_id: principal.orgId,
            import_id: importId,
            breach_id: breachId,
            sources: JSON.stringify(body.sources),
            batch_size: body.batchSize,
            started_by: principal.userId,
            started_at: now,
            completed_at: null,
            row_count: null,
            people: null,
          })
          .onConflict((conflict) => conflict.columns(["org_id", "import_id"]).doNothing())
          .returningAll()
          .executeTakeFirst();
        // Started before (or just now, by a run racing this one): the stored import, as it was started.
        const row =
          inserted ??
          (await trx
            .selectFrom("recipient_imports")
            .selectAll()
            .where("org_id", "=", principal.orgId)
            .where("import_id", "=", importId)
            .executeTakeFirstOrThrow());
        if (row.breach_id !== breachId) throw new Conflict(`import ${importId} belongs to another breach`);
        if (inserted === undefined) {
          const hashes = (sources: readonly { sha256?: string | undefined }[]) =>
            sources.map((source) => source.sha256 ?? "").join(",");
          if (hashes(row.sources) !== hashes(body.sources))
            throw new Conflict(
              `import ${importId} was started with other files (by their SHA-256): it cannot be resumed with these`,
            );
        } else
          await appendAuditEvent(
            trx,
            principal.orgId,
            {
              actor: actorOf(principal),
              action: "recipients.import_started",
              entityType: "recipient_import",
              entityId: importId,
              data: { breachId, sources: body.sources, batchSize: body.batchSize },
            },
            now,
          );
        return { resumed: inserted === undefined, ...(await importView(trx, principal.orgId, row)) };
      });
    },

    /** Stores batch `batch` of an import: each person sealed and merged into the list, in one transaction. */
    async storeBatch(
      principal: Principal,
      breachId: string,
      importId: string,
      batchInput: unknown,
      input: unknown,
    ) {
      requirePermission(principal, "write");
      const batch = validateInput(batchNumberSchema, batchInput, "batch");
      const { recipients } = validateInput(batchSchema, input);
      const orgId = principal.orgId;
      // One row per person (a statement cannot merge into the same row twice).
      const people = new Map<string, RecipientInput>();
      for (const given of recipients) {
        // A known jurisdiction rests on something (a client that does not say what counts as the weakest).
        const recipient = {
          ...given,
          strength: given.jurisdiction === "unknown" ? 0 : Math.max(1, given.strength),
          categories: [...given.categories],
        };
        const hash = key().personHash(`${orgId}/${breachId}`, recipient.key).toString("hex");
        const known = people.get(hash);
        if (known === undefined) people.set(hash, recipient);
        else mergeRecipient(known, recipient);
      }
      const rows = [...people].map(([hash, person]) => {
        const details: RecipientDetails = {
          name: person.name,
          email: person.email,
          address: person.address,
          postcode: person.postcode,
          country: person.country,
          phone: person.phone,
          source: person.source,
        };
        const { nonce, sealed } = key().seal(JSON.stringify(details), placeOf(orgId, breachId, hash));
        return {
          person_hash: hash,
          jurisdiction: person.jurisdiction,
          strength: person.strength,
          categories: [...person.categories].sort(),
          contact_rank: contactRank(person),
          key_id: key().id,
          nonce: Buffer.from(nonce).toString("base64"),
          sealed: Buffer.from(sealed).toString("base64"),
        };
      });
      return db.transaction().execute(async (trx) => {
        const target = await loadImport(trx, orgId, breachId, importId, "share");
        // A completed import is in the audit chain as it was: it takes no more people.
        if (target.completed_at !== null)
          throw new Conflict(`import ${importId} is complete: it takes no more batches (start a new import)`);
        if (recipients.length > target.batch_size)
          throw new InvalidInput([
            {
              field: "recipients",
              message: `this import's batches hold at most ${String(target.batch_size)} people (got ${String(recipients.length)})`,
            },
          ]);
        await sealingKeyCheck(trx, orgId);
        const stored = await sql<{ inserted: boolean }>`
          insert into recipients as r
            (org_id, breach_id, person_hash, jurisdiction, jurisdiction_strength, categories, contact_rank, key_id,
             nonce, sealed, import_id)
          select ${orgId}::uuid, ${breachId}::uuid, decode(x.person_hash, 'hex'), x.jurisdiction, x.strength, x.categories,
                 x.contact_rank, x.key_id, decode(x.nonce, 'base64'), decode(x.sealed, 'base64'), ${importId}::uuid
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x (
            person_hash text, jurisdiction text, strength smallint, categories text[], contact_rank smallint, key_id text,
            nonce text, sealed text)
          order by x.person_hash
          on conflict (org_id, breach_id, person_hash) do update set
            jurisdiction = case when excluded.jurisdiction_strength > r.jurisdiction_strength
                                then excluded.jurisdiction else r.jurisdiction end,
            jurisdiction_strength = greatest(r.jurisdiction_strength, excluded.jurisdiction_strength),
            categories = array(select distinct c from unnest(r.categories || excluded.categories) as c order by c),
            contact_rank = greatest(r.contact_rank, excluded.contact_rank),
            key_id = case when excluded.contact_rank > r.contact_rank then excluded.key_id else r.key_id end,
            nonce = case when excluded.contact_rank > r.contact_rank then excluded.nonce else r.nonce end,
            sealed = case when excluded.contact_rank > r.contact_rank then excluded.sealed else r.sealed end
          returning (xmax = 0) as inserted`.execute(trx);
        const now = clock.now();
        await trx
          .insertInto("recipient_import_batches")
          .values({ org_id: orgId, import_id: importId, batch, people: rows.length, stored_at: now })
          .onConflict((conflict) =>
            conflict.columns(["org_id", "import_id", "batch"]).doUpdateSet({ people: rows.length }),
          )
          .execute();
        const added = stored.rows.filter((row) => row.inserted).length;
        // Recorded: who stored which people (by their keyed hashes, never their details).
        await appendAuditEvent(
          trx,
          orgId,
          {
            actor: actorOf(principal),
            action: "recipients.batch_stored",
            entityType: "recipient_import",
            entityId: importId,
            data: {
              breachId,
              batch,
              people: rows.length,
              added,
              people_sha256: sha256Hex(
                rows
                  .map((row) => row.person_hash)
                  .sort()
                  .join(","),
              ),
            },
          },
          now,
        );
        return { batch, people: rows.length, added, merged: rows.length - added };
      });
    },

    /**
     * Completes an import once every batch is stored: records it in the audit chain and, in the same
     * transaction (the breach locked first), sets the breach's counts from the whole list, which re-assesses it.
     * Completing again changes nothing.
     */
    async completeImport(principal: Principal, breachId: string, importId: string, input: unknown) {
      requirePermission(principal, "write");
      const body = validateInput(importCompleteSchema, input);
      const orgId = principal.orgId;
      return db.transaction().execute(async (trx) => {
        // The breach first: completions of two imports, or an edit of the breach, wait for each other.
        await breachExists(trx, orgId, breachId, true);
        const row = await loadImport(trx, orgId, breachId, importId, "update");
        const stored = await storedBatches(trx, orgId, importId);
        const missing: number[] = [];
        for (let batch = 1; batch <= body.batches; batch++) if (!stored.includes(batch)) missing.push(batch);
        if (missing.length > 0)
          throw new Conflict(
            `batches ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ` and ${String(missing.length - 10)} more` : ""} of import ${importId} are not stored: send them, then complete it`,
          );
        const highest = stored[stored.length - 1] ?? 0;
        if (highest > body.batches)
          throw new InvalidInput([
            {
              field: "batches",
              message: `batch ${String(highest)} of this import is stored: it has at least ${String(highest)} batches`,
            },
          ]);
        const summary = await listSummary(trx, orgId, breachId);
        if (row.completed_at === null) {
          const now = clock.now();
          await trx
            .updateTable("recipient_imports")
            .set({ completed_at: now, row_count: body.rows, people: body.people })
            .where("org_id", "=", orgId)
            .where("import_id", "=", importId)
            .execute();
          await appendAuditEvent(
            trx,
            orgId,
            {
              actor: actorOf(principal),
              action: "recipients.imported",
              entityType: "recipient_import",
              entityId: importId,
              data: {
                breachId,
                sources: row.sources,
                batches: body.batches,
                rows: body.rows,
                people: body.people,
                list: { people: summary.people, byJurisdiction: summary.byJurisdiction },
                stateHash: rowStateHash({
                  ...row,
                  completed_at: now,
                  row_count: body.rows,
                  people: body.people,
                }),
              },
            },
            now,
          );
        }
        // Records: the rows of each distinct file (by SHA-256) of the completed imports, counted once.
        const records = await sql<{ rows: number | null }>`
          select sum(rows)::bigint as rows from (
            select distinct on (coalesce(s->>'sha256', i.import_id::text || (s->>'file')))
              coalesce((s->>'rows')::bigint, 0) as rows
            from recipient_imports i, jsonb_array_elements(i.sources) as s
            where i.org_id = ${orgId} and i.breach_id = ${breachId} and i.completed_at is not null
          ) as distinct_files`.execute(trx);
        const recordCount = records.rows[0]?.rows ?? 0;
        // The breach's counts follow the whole list (several imports add up); unchanged counts are left alone.
        const breach = await trx
          .selectFrom("breaches")
          .select("incident")
          .where("org_id", "=", orgId)
          .where("breach_id", "=", breachId)
          .executeTakeFirstOrThrow();
        const current = breach.incident as {
          subjects?: Record<string, number>;
          dataCategories?: string[];
          records?: number;
        };
        const subjects: Record<string, number | null> = {};
        for (const code of Object.keys(current.subjects ?? {})) subjects[code] = null;
        for (const [code, count] of Object.entries(summary.byJurisdiction))
          if (code !== "unknown" && count > 0) subjects[code] = count;
        const categories = [
          ...new Set([...(current.dataCategories ?? []), ...Object.keys(summary.categories)]),
        ];
        const sameSubjects =
          Object.entries(subjects).every(
            ([code, count]) => (current.subjects ?? {})[code] === (count ?? undefined),
          ) && Object.keys(current.subjects ?? {}).every((code) => subjects[code] !== null);
        const unchanged =
          sameSubjects &&
          categories.length === (current.dataCategories ?? []).length &&
          current.records === recordCount;
        const update = unchanged
          ? null
          : await breaches.updateBreachWithin(trx, principal, breachId, {
              subjects,
              dataCategories: categories,
              records: recordCount,
            });
        return {
          import: await importView(trx, orgId, await loadImport(trx, orgId, breachId, importId)),
          recipients: summary,
          breach:
            update === null
              ? { updated: false, changes: [] }
              : { updated: true, version: update.breach.version, changes: update.changes },
        };
      });
    },

    async summary(principal: Principal, breachId: string) {
      requirePermission(principal, "read");
      await breachExists(db, principal.orgId, breachId);
      const imports = await db
        .selectFrom("recipient_imports")
        .selectAll()
        .where("org_id", "=", principal.orgId)
        .where("breach_id", "=", breachId)
        .orderBy("started_at")
        .execute();
      return {
        ...(await listSummary(db, principal.orgId, breachId)),
        imports: await Promise.all(imports.map((row) => importView(db, principal.orgId, row))),
      };
    },

    /** A page of the list, opened (owners, DPOs and handlers only), in a stable order (by the keyed hash). */
    async list(principal: Principal, breachId: string, queryInput: unknown) {
      requirePermission(principal, "personal_data");
      const query = validateInput(recipientListQuerySchema, queryInput, undefined, "(query)");
      await breachExists(db, principal.orgId, breachId);
      return readPage(principal.orgId, breachId, query);
    },

    /**
     * A page of the list, opened, for the letters (which check the caller's permission themselves, or run as
     * the outbox on the organisation's behalf). `ids` picks people by their hex hash instead of paging.
     */
    readPage,
  };

  async function readPage(
    orgId: string,
    breachId: string,
    query: { jurisdiction?: string; after?: string; limit: number; ids?: readonly string[] },
  ) {
    let select = db
      .selectFrom("recipients")
      .select(["person_hash", "jurisdiction", "categories", "contact_rank", "key_id", "nonce", "sealed"])
      .where("org_id", "=", orgId)
      .where("breach_id", "=", breachId);
    if (query.jurisdiction !== undefined) select = select.where("jurisdiction", "=", query.jurisdiction);
    if (query.after !== undefined) select = select.where("person_hash", ">", Buffer.from(query.after, "hex"));
    if (query.ids !== undefined) {
      if (query.ids.length === 0) return { recipients: [], next: null };
      select = select.where(
        "person_hash",
        "in",
        query.ids.map((id) => Buffer.from(id, "hex")),
      );
    }
    const rows = await select
      .orderBy("person_hash")
      .limit(query.limit + 1)
      .execute();
    const page = rows.slice(0, query.limit);
    return {
      recipients: page.map((row) => {
        const hash = Buffer.from(row.person_hash).toString("hex");
        let opened: string;
        try {
          opened = key().open(
            { keyId: row.key_id, nonce: row.nonce, sealed: row.sealed },
            placeOf(orgId, breachId, hash),
          );
        } catch (error) {
          if (error instanceof DataKeyError) throw new Misconfigured(error.message);
          throw error;
        }
        const details = JSON.parse(opened) as RecipientDetails;
        return { id: hash, jurisdiction: row.jurisdiction, categories: row.categories, ...details };
      }),
      next:
        rows.length > query.limit
          ? Buffer.from(page[page.length - 1]?.person_hash ?? []).toString("hex")
          : null,
    };
  }
}

export type RecipientService = ReturnType<typeof createRecipientService>;
