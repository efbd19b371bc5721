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
import { createNoticeService, type NoticeService } from "./breaches/notice-service.js";
import { registerNoticeRoutes } from "./breaches/notice-routes.js";
import { createLetterService, letterEmailKind, type LetterService } from "./breaches/letter-service.js";
import { registerLetterRoutes } from "./breaches/letter-routes.js";
import { createTemplateService, type TemplateService } from "./organisations/template-service.js";
import { registerTemplateRoutes } from "./organisations/template-routes.js";
import { createMailer, type Mailer } from "./platform/mail/mailer.js";
import { createOutboxWorker, type OutboxWorker } from "./platform/outbox/outbox.js";
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
import { registerWebAssets } from "./platform/http/web-assets.js";

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
  notices: NoticeService;
  templates: TemplateService;
  letters: LetterService;
  /** Sends what the outbox holds (letters by e-mail); `buildApp` starts it, `App.close` stops it. */
  outbox: OutboxWorker;
  mailer: Mailer | null;
}

export interface ServiceOptions {
  clock?: Clock;
  /** Seals recipient lists; without it (commands that never touch them) they cannot be imported or read. */
  dataKey?: DataKey;
  /** Letters by e-mail: without `smtpUrl`, letters can be written but not sent. */
  mail?: { smtpUrl?: string; from: string };
  outbox?: {
    leaseMs?: number;
    pollMs?: number;
    backoffMs?: { first: number; max: number };
    maxAttempts?: number;
  };
}

export async function openServices(
  location: DatabaseLocation,
  { clock = systemClock, dataKey, mail, outbox: outboxOptions }: ServiceOptions = {},
): Promise<Services> {
  const database = await openDatabase(location);
  try {
    await migrateToLatest(database.db, location.kind === "postgres" ? location.searchPath : undefined);
  } catch (error) {
    await database.close();
    throw error;
  }
  const db = database.db;
  const breaches = createBreachService({ db, clock });
  const recipients = createRecipientService({ db, clock, dataKey, breaches });
  const templates = createTemplateService({ db, clock });
  const mailer = mail?.smtpUrl === undefined ? null : createMailer(mail.smtpUrl);
  let outbox: OutboxWorker | null = null;
  const letters = createLetterService({
    db,
    clock,
    breaches,
    recipients,
    templates,
    mailFrom: mail?.from ?? "dpdesk@localhost",
    canSend: mailer !== null,
    wakeOutbox: () => outbox?.wake(),
  });
  outbox = createOutboxWorker({
    db,
    clock,
    // Without a mail server letters stay queued (sending is refused anyway) rather than fail one by one.
    handlers: mailer === null ? {} : { [letterEmailKind]: letters.emailHandler(mailer) },
    ...outboxOptions,
  });
  return {
    database,
    organisations: createOrganisationService({ db, clock }),
    breaches,
    recipients,
    notices: createNoticeService({ db, clock, breaches }),
    templates,
    letters,
    outbox,
    mailer,
  };
}

export interface AppOptions {
  logLevel: string;
  maxUploadBytes: number;
  secureCookies: boolean;
  clock?: Clock;
  /** Start the outbox (e-mail sending) with the server; default true. */
  sendMail?: boolean;
  /** The built web UI (index.html and assets/); default the repository's dist/web. */
  webDir?: string;
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
  registerNoticeRoutes(server, services.notices);
  registerLetterRoutes(server, services.letters);
  registerTemplateRoutes(server, services.templates);
  await registerWebAssets(server, { dir: options.webDir });
  await server.ready();
  services.outbox.reportErrorsTo((error) => {
    server.log.error({ err: error }, "outbox");
  });
  if (options.sendMail !== false) services.outbox.start();
  return {
    server,
    services,
    setup,
    async close() {
      await server.close();
      await services.outbox.stop();
      services.mailer?.close();
      await services.database.close();
    },
  };
}
