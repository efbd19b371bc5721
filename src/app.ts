/**
 * The composition root: opens the database, applies migrations, builds the services and the HTTP server.
 * `dpdesk serve`, the CLI commands and the tests all start here.
 */
import type { FastifyInstance } from "fastify";
import { createBreachService, type BreachService } from "./breaches/breach-service.js";
import { breachStateSources } from "./breaches/breach-state.js";
import { organisationStateSources } from "./organisations/organisation-state.js";
import type { EntityStateSource } from "./platform/audit/verify-audit-chain.js";
import { registerBreachRoutes } from "./breaches/breach-routes.js";
import { createRecipientService, type RecipientService } from "./breaches/recipient-service.js";
import { registerRecipientRoutes } from "./breaches/recipient-routes.js";
import type { DataKey } from "./platform/crypto/data-key.js";
import {
  createOrganisationService,
  type Clock,
  type OrganisationService,
} from "./organisations/organisation-service.js";
import { registerOrganisationRoutes } from "./organisations/organisation-routes.js";
import { createSetupGate, type SetupGate } from "./organisations/setup-gate.js";
import { openDatabase, type Database, type DatabaseLocation } from "./platform/db/database.js";
import { migrateToLatest } from "./platform/db/migrate.js";
import { buildServer } from "./platform/http/server.js";

export const version = "0.1.0";

export const systemClock: Clock = { now: () => new Date() };

/** Every kind of record whose rows `audit verify` checks against the hashes in the audit chain. */
export const auditStateSources: readonly EntityStateSource[] = [
  ...organisationStateSources,
  ...breachStateSources,
];

export interface Services {
  database: Database;
  organisations: OrganisationService;
  breaches: BreachService;
  recipients: RecipientService;
}

export interface ServiceOptions {
  clock?: Clock;
  /** Seals recipient lists; without it (commands that never touch them) they cannot be imported or read. */
  dataKey?: DataKey;
}

export async function openServices(
  location: DatabaseLocation,
  { clock = systemClock, dataKey }: ServiceOptions = {},
): Promise<Services> {
  const database = await openDatabase(location);
  try {
    await migrateToLatest(database.db, location.kind === "postgres" ? location.searchPath : undefined);
  } catch (error) {
    await database.close();
    throw error;
  }
  const breaches = createBreachService({ db: database.db, clock });
  return {
    database,
    organisations: createOrganisationService({ db: database.db, clock }),
    breaches,
    recipients: createRecipientService({ db: database.db, clock, dataKey, breaches }),
  };
}

export interface AppOptions {
  logLevel: string;
  maxUploadBytes: number;
  secureCookies: boolean;
  clock?: Clock;
}

export interface App {
  server: FastifyInstance;
  services: Services;
  setup: SetupGate;
  close(): Promise<void>;
}

export async function buildApp(services: Services, options: AppOptions): Promise<App> {
  const clock = options.clock ?? systemClock;
  const setup = createSetupGate();
  const server = await buildServer({
    logLevel: options.logLevel,
    maxUploadBytes: options.maxUploadBytes,
    authenticator: services.organisations,
    version,
  });
  registerOrganisationRoutes(server, {
    organisations: services.organisations,
    setup,
    db: services.database.db,
    stateSources: auditStateSources,
    secureCookies: options.secureCookies,
  });
  registerBreachRoutes(server, services.breaches, clock);
  registerRecipientRoutes(server, services.recipients, { maxUploadBytes: options.maxUploadBytes });
  await server.ready();
  return {
    server,
    services,
    setup,
    async close() {
      await server.close();
      await services.database.close();
    },
  };
}
