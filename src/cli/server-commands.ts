/** `dpdesk serve`, `migrate`, `org create` and `audit verify`: the server and its database from the command line. */
import { mkdirSync } from "node:fs";
import type { Command } from "commander";
import { isUuid } from "../platform/ids.js";
import type { Config } from "../platform/config.js";
import type { DatabaseLocation } from "../platform/db/database.js";
import { InvalidInput } from "../platform/errors.js";
import { InputError } from "./input-error.js";
import type { CliIo } from "./main.js";

// The server and its database are loaded only by the commands that use them, so that the other commands
// (assess, impact) start quickly.
const loadApp = () => import("../app.js");

/** The configuration, validated (zod is loaded only by the commands that need it). */
async function config(env: NodeJS.ProcessEnv): Promise<Config> {
  const { ConfigError, loadConfig } = await import("../platform/config.js");
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError)
      throw new InputError(error.problems.map((problem) => `configuration: ${problem}`));
    throw error;
  }
}

/** The key that seals recipient lists: a bad one stops the server from starting, naming the variable or file. */
async function loadKey(cfg: Config) {
  const { loadDataKey, DataKeyError } = await import("../platform/crypto/data-key.js");
  try {
    return loadDataKey(cfg.dataKey);
  } catch (error) {
    if (error instanceof DataKeyError) throw new InputError([`configuration: ${error.message}`]);
    throw error;
  }
}

function location(cfg: Config): DatabaseLocation {
  if (cfg.database.kind === "postgres")
    return { kind: "postgres", url: cfg.database.url, poolSize: cfg.database.poolSize };
  mkdirSync(cfg.database.dataDir, { recursive: true });
  return { kind: "pglite", dataDir: cfg.database.dataDir };
}

function describeDatabase(cfg: Config): string {
  return cfg.database.kind === "postgres"
    ? "PostgreSQL (DATABASE_URL)"
    : `embedded PGlite in ${cfg.database.dataDir}`;
}

export function registerServerCommands(program: Command, io: CliIo, env: NodeJS.ProcessEnv): void {
  program
    .command("serve")
    .description(
      "Serve the HTTP API on HOST:PORT (default 127.0.0.1:8080), on PGlite in DPDESK_DATA_DIR or PostgreSQL at DATABASE_URL",
    )
    .action(async () => {
      const cfg = await config(env);
      const dataKey = await loadKey(cfg);
      const { openServices, buildApp } = await loadApp();
      const services = await openServices(location(cfg), {
        dataKey,
        mail: cfg.mail,
        outbox: { leaseMs: cfg.outboxLeaseMs },
      });
      const foreign = await services.recipients.foreignSealingKeys();
      if (foreign.length > 0) {
        await services.database.close();
        throw new InputError([
          `configuration: recipient lists in this database are sealed with data key ${foreign.join(", ")}, but this server has data key ${dataKey.id} (${cfg.dataKey.fromEnv === undefined ? cfg.dataKey.keyFile : "DPDESK_DATA_KEY"}): set DPDESK_DATA_KEY or DPDESK_KEY_FILE to that key`,
        ]);
      }
      const app = await buildApp(services, {
        logLevel: cfg.logLevel,
        maxUploadBytes: cfg.maxUploadBytes,
        secureCookies: cfg.secureCookies,
      });
      await app.server.listen({ host: cfg.host, port: cfg.port });
      io.stderr(
        `dpdesk ${cfg.publicUrl} — ${describeDatabase(cfg)}; API docs at ${cfg.publicUrl}/docs; letters by e-mail ${cfg.mail.smtpUrl === undefined ? "off (set SMTP_URL)" : `through ${new URL(cfg.mail.smtpUrl).host}`}\n`,
      );
      if (!(await services.organisations.hasAnyOrganisation()))
        io.stderr(
          `No organisation yet. Set one up (this link works once, until the server restarts):\n  ${cfg.publicUrl}/setup#token=${app.setup.token}\nor from the shell${cfg.database.kind === "pglite" ? ", with this server stopped (the embedded database is one process's)" : ""}: dpdesk org create --name NAME --owner-email EMAIL\n`,
        );
      await new Promise<void>((resolve) => {
        const stop = () => {
          resolve();
        };
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
      io.stderr("dpdesk: shutting down\n");
      await app.close();
    });

  program
    .command("migrate")
    .description("Apply database migrations (serve does this on start too)")
    .action(async () => {
      const cfg = await config(env);
      const { openServices } = await loadApp();
      const services = await openServices(location(cfg));
      await services.database.close();
      io.stdout(`database is up to date (${describeDatabase(cfg)})\n`);
    });

  const org = program.command("org").description("Organisations (tenants)");
  org
    .command("create")
    .description("Create an organisation and its owner; prints an API token, shown once")
    .requiredOption("--name <name>", "the organisation's name")
    .requiredOption("--owner-email <email>", "the owner's e-mail address")
    .option("--json", "print { orgId, token } as JSON")
    .action(async (options: { name: string; ownerEmail: string; json?: boolean }) => {
      const cfg = await config(env);
      const { openServices } = await loadApp();
      const services = await openServices(location(cfg));
      try {
        const created = await services.organisations.createOrganisation({
          name: options.name,
          ownerEmail: options.ownerEmail,
        });
        io.stdout(
          options.json === true
            ? `${JSON.stringify({ orgId: created.orgId, token: created.token })}\n`
            : `Organisation ${created.orgId} created.\nAPI token (shown once, keep it safe): ${created.token}\n`,
        );
      } catch (error) {
        if (error instanceof InvalidInput)
          throw new InputError(
            error.problems.map(
              (problem) =>
                `--${problem.field === "ownerEmail" ? "owner-email" : problem.field}: ${problem.message}`,
            ),
          );
        throw error;
      } finally {
        await services.database.close();
      }
    });

  const audit = program.command("audit").description("The audit log");
  audit
    .command("verify")
    .description("Re-walk each organisation's audit chain; exit 3 and name the first broken event if any")
    .option("--org <id>", "only this organisation")
    .option("--json", "print the results as JSON")
    .action(async (options: { org?: string; json?: boolean }) => {
      if (options.org !== undefined && !isUuid(options.org))
        throw new InputError([`--org: "${options.org}" is not an organisation id`]);
      const cfg = await config(env);
      const { openServices, auditStateSources } = await loadApp();
      const { verifyAuditChain } = await import("../platform/audit/verify-audit-chain.js");
      const services = await openServices(location(cfg));
      try {
        const { db } = services.database;
        let query = db.selectFrom("organisations").select(["org_id", "name"]).orderBy("created_at");
        if (options.org !== undefined) query = query.where("org_id", "=", options.org);
        const orgs = await query.execute();
        if (options.org !== undefined && orgs.length === 0)
          throw new InputError([`--org: no organisation ${options.org}`]);
        const results = [];
        for (const row of orgs)
          results.push({
            orgId: row.org_id,
            name: row.name,
            ...(await verifyAuditChain(db, row.org_id, auditStateSources)),
          });
        if (options.json === true) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
        else
          for (const result of results)
            io.stdout(
              result.ok
                ? `ok      ${result.orgId} ${result.name}: ${result.events} events, ${result.entitiesChecked} records checked\n`
                : `BROKEN  ${result.orgId} ${result.name}: ${result.firstBroken?.problem ?? "unknown"}\n`,
            );
        if (results.some((result) => !result.ok)) process.exitCode = 3;
      } finally {
        await services.database.close();
      }
    });
}
