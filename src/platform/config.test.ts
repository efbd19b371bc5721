import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

function problems(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe("configuration from the environment", () => {
  it("needs nothing: 127.0.0.1:8080 on embedded PGlite in ./dpdesk-data", () => {
    expect(loadConfig({})).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      database: { kind: "pglite", dataDir: "./dpdesk-data" },
      publicUrl: "http://127.0.0.1:8080",
      secureCookies: false,
      maxUploadBytes: 25 * 1024 * 1024,
    });
  });

  it("uses PostgreSQL when DATABASE_URL is set, and secure cookies behind an https public URL", () => {
    expect(
      loadConfig({
        DATABASE_URL: "postgres://dpdesk@db/dpdesk",
        DPDESK_PUBLIC_URL: "https://dpdesk.example.org/",
      }),
    ).toMatchObject({
      database: { kind: "postgres", url: "postgres://dpdesk@db/dpdesk", poolSize: 8 },
      publicUrl: "https://dpdesk.example.org",
      secureCookies: true,
    });
  });

  it("sends letters through SMTP_URL, from DPDESK_MAIL_FROM, which must then be set", () => {
    expect(
      loadConfig({ SMTP_URL: "smtp://mail.example.org:587", DPDESK_MAIL_FROM: "dpo@example.org" }).mail,
    ).toEqual({
      smtpUrl: "smtp://mail.example.org:587",
      from: "dpo@example.org",
    });
    expect(problems({ SMTP_URL: "smtp://mail.example.org:587" })[0]).toContain(
      "DPDESK_MAIL_FROM: must be set",
    );
    expect(problems({ SMTP_URL: "http://mail.example.org" })[0]).toContain("SMTP_URL: must be an smtp://");
    expect(
      loadConfig({ SMTP_URL: "smtp://m:25", DPDESK_MAIL_FROM: "Example Union DPO <dpo@example.org>" }).mail
        .from,
    ).toBe("Example Union DPO <dpo@example.org>");
    expect(problems({ SMTP_URL: "smtp://m:25", DPDESK_MAIL_FROM: "dpo at example" })[0]).toContain(
      "DPDESK_MAIL_FROM: must be an e-mail address",
    );
  });

  it("names each bad variable with what it got", () => {
    expect(problems({ PORT: "eighty", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud" })).toEqual([
      'PORT: must be a whole number from 1 to 65535 (got "eighty")',
      'DATABASE_URL: must be a postgres:// or postgresql:// URL (got "mysql://x")',
      'LOG_LEVEL: must be one of: fatal, error, warn, info, debug, trace, silent (got "loud")',
    ]);
    expect(problems({ PORT: "70000" })).toEqual([
      'PORT: must be a whole number from 1 to 65535 (got "70000")',
    ]);
  });
});
