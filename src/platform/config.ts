/** Configuration from environment variables, validated at start: each problem names its variable. */
import { z } from "zod";

const portMessage = "must be a whole number from 1 to 65535";
const port = z.coerce
  .number({ error: portMessage })
  .int(portMessage)
  .min(1, portMessage)
  .max(65_535, portMessage);
const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const envSchema = z.object({
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: port.default(8080),
  DPDESK_DATA_DIR: z.string().min(1).default("./dpdesk-data"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  DPDESK_DB_POOL: z.coerce
    .number({ error: "must be a whole number from 1 to 200" })
    .int("must be a whole number from 1 to 200")
    .min(1, "must be a whole number from 1 to 200")
    .max(200, "must be a whole number from 1 to 200")
    .default(8),
  DPDESK_MAX_UPLOAD_MB: z.coerce
    .number({ error: "must be a whole number of megabytes from 1 to 1024" })
    .int("must be a whole number of megabytes from 1 to 1024")
    .min(1, "must be a whole number of megabytes from 1 to 1024")
    .max(1024, "must be a whole number of megabytes from 1 to 1024")
    .default(25),
  DPDESK_PUBLIC_URL: z.url("must be a URL such as https://dpdesk.example.org").optional(),
  DPDESK_SECURE_COOKIES: z
    .enum(["true", "false", "auto"], { error: "must be one of: true, false, auto" })
    .default("auto"),
  DPDESK_DATA_KEY: z.string().min(1).optional(),
  DPDESK_KEY_FILE: z.string().min(1).optional(),
  SMTP_URL: z
    .string()
    .regex(
      /^smtps?:\/\/[^\s]+$/,
      "must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.org:587",
    )
    .optional(),
  DPDESK_MAIL_FROM: z
    .string()
    .regex(
      /^(?:[^<>@\r\n]+<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>|[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+)$/,
      'must be an e-mail address, or a name and one: "Example Union DPO <dpo@example.org>"',
    )
    .optional(),
  DPDESK_OUTBOX_LEASE_SECONDS: z.coerce
    .number({ error: "must be a whole number of seconds from 1 to 3600" })
    .int("must be a whole number of seconds from 1 to 3600")
    .min(1, "must be a whole number of seconds from 1 to 3600")
    .max(3600, "must be a whole number of seconds from 1 to 3600")
    .default(60),
  LOG_LEVEL: z.enum(logLevels, { error: `must be one of: ${logLevels.join(", ")}` }).default("info"),
});

export interface Config {
  host: string;
  port: number;
  database: { kind: "pglite"; dataDir: string } | { kind: "postgres"; url: string; poolSize: number };
  maxUploadBytes: number;
  publicUrl: string;
  secureCookies: boolean;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  /** Where the key that seals recipient lists comes from: DPDESK_DATA_KEY, else a key file. */
  dataKey: { fromEnv?: string; keyFile: string };
  /** Letters by e-mail: the SMTP server (none: e-mail is not sent) and the From address. */
  mail: { smtpUrl?: string; from: string };
  /** How long a claimed outbox job (an e-mail being sent) holds before a restarted server recovers it. */
  outboxLeaseMs: number;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
  }
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const result = envSchema.safeParse(env);
  if (!result.success)
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "environment");
        const value = env[name];
        return `${name}: ${issue.message}${value === undefined ? "" : ` (got "${value}")`}`;
      }),
    );
  const e = result.data;
  if (e.SMTP_URL !== undefined && e.DPDESK_MAIL_FROM === undefined)
    throw new ConfigError([
      "DPDESK_MAIL_FROM: must be set when SMTP_URL is: the address letters are sent from, e.g. dpo@example.org",
    ]);
  const publicUrl =
    e.DPDESK_PUBLIC_URL ?? `http://${e.HOST.includes(":") ? `[${e.HOST}]` : e.HOST}:${e.PORT}`;
  return {
    host: e.HOST,
    port: e.PORT,
    database:
      e.DATABASE_URL === undefined
        ? { kind: "pglite", dataDir: e.DPDESK_DATA_DIR }
        : { kind: "postgres", url: e.DATABASE_URL, poolSize: e.DPDESK_DB_POOL },
    maxUploadBytes: e.DPDESK_MAX_UPLOAD_MB * 1024 * 1024,
    publicUrl: publicUrl.replace(/\/$/, ""),
    secureCookies:
      e.DPDESK_SECURE_COOKIES === "auto"
        ? publicUrl.startsWith("https://")
        : e.DPDESK_SECURE_COOKIES === "true",
    logLevel: e.LOG_LEVEL,
    dataKey: {
      ...(e.DPDESK_DATA_KEY === undefined ? {} : { fromEnv: e.DPDESK_DATA_KEY }),
      // Beside the data directory, not in it: a copy of the directory (a backup) does not carry the key.
      keyFile: e.DPDESK_KEY_FILE ?? `${e.DPDESK_DATA_DIR.replace(/[/\\]+$/, "")}.key`,
    },
    mail: {
      ...(e.SMTP_URL === undefined ? {} : { smtpUrl: e.SMTP_URL }),
      from: e.DPDESK_MAIL_FROM ?? "dpdesk@localhost",
    },
    outboxLeaseMs: e.DPDESK_OUTBOX_LEASE_SECONDS * 1000,
  };
}
