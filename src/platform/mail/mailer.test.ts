// The mailer against a real SMTP server (smtp-server) on loopback: the commit hook runs only once the server
// is taking the message's data, and a failure says whether the message could have been accepted.
import { afterEach, describe, expect, it } from "vitest";
import { SMTPServer } from "smtp-server";
import { JobFailure } from "../outbox/outbox.js";
import { bareAddress, createMailer, withoutAddresses } from "./mailer.js";

type Stage = "rcpt" | "data-end" | null;

let server: SMTPServer | null = null;

/** A server that drops the connection at `dropAt`, or refuses at the end of data with `refuse`. */
async function smtp(options: { dropAt?: Stage; refuse?: number } = {}) {
  const accepted: string[] = [];
  const dropAll = () => {
    const connections = (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> })
      .connections;
    for (const connection of connections) connection._socket.destroy();
  };
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (options.dropAt === "rcpt") dropAll();
      else callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (options.dropAt === "data-end") {
          accepted.push(Buffer.concat(chunks).toString());
          dropAll();
          return;
        }
        if (options.refuse !== undefined) {
          callback(
            Object.assign(new Error("550 5.1.1 <ann@example.org>: no such user"), {
              responseCode: options.refuse,
            }),
          );
          return;
        }
        accepted.push(Buffer.concat(chunks).toString());
        callback();
      });
    },
  });
  server.on("error", () => {});
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { url: `smtp://127.0.0.1:${String(address.port)}`, accepted };
}

afterEach(async () => {
  await new Promise<void>((resolve) => {
    if (server === null) resolve();
    else
      server.close(() => {
        resolve();
      });
  });
  server = null;
});

const mail = (n: number) => ({
  from: "letters@example.org",
  to: `person${String(n)}@example.org`,
  subject: "A letter",
  text: "Text",
  html: "<p>Text</p>",
  messageId: `<m${String(n)}@test>`,
});

async function failureOf(promise: Promise<unknown>): Promise<JobFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof JobFailure) return error;
    throw error;
  }
  throw new Error("expected a failure");
}

describe("the mailer", () => {
  it("sends messages over reused connections, committing each once its data is being taken", async () => {
    const { url, accepted } = await smtp();
    const mailer = createMailer(url, { maxConnections: 2 });
    let commits = 0;
    const sent = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        mailer.send(mail(n), () => {
          commits++;
          return Promise.resolve();
        }),
      ),
    );
    mailer.close();
    expect(commits).toBe(6);
    expect(accepted).toHaveLength(6);
    expect(sent.map((s) => s.messageId)).toEqual(Array.from({ length: 6 }, (_, n) => `<m${String(n)}@test>`));
  });

  it("does not commit when the connection drops before the data (nothing can have been sent)", async () => {
    const { url, accepted } = await smtp({ dropAt: "rcpt" });
    const mailer = createMailer(url);
    let committed = false;
    const failure = await failureOf(
      mailer.send(mail(1), () => {
        committed = true;
        return Promise.resolve();
      }),
    );
    mailer.close();
    expect(committed).toBe(false);
    expect(failure.options.notDone).toBe(false);
    expect(accepted).toHaveLength(0);
  });

  it("after the commit, a refusal is certain (not delivered), a dropped connection is not", async () => {
    const refusing = await smtp({ refuse: 550 });
    const mailer = createMailer(refusing.url);
    const refused = await failureOf(mailer.send(mail(1), () => Promise.resolve()));
    mailer.close();
    expect(refused.options).toEqual({ permanent: true, notDone: true });
    expect(refused.message).toContain("SMTP 550");
    expect(refused.message).not.toContain("ann@example.org");
    await new Promise<void>((resolve) =>
      server?.close(() => {
        resolve();
      }),
    );

    const dropping = await smtp({ dropAt: "data-end" });
    const second = createMailer(dropping.url);
    const dropped = await failureOf(second.send(mail(2), () => Promise.resolve()));
    second.close();
    expect(dropped.options.notDone).toBe(false);
    expect(dropping.accepted).toHaveLength(1);
  });

  it("sends from a name and address, with the bare address in the envelope", async () => {
    const { url, accepted } = await smtp();
    const mailer = createMailer(url);
    await mailer.send(
      { ...mail(9), from: "Example Union DPO <dpo@example.org>", toName: "Zoë O'Brien" },
      () => Promise.resolve(),
    );
    mailer.close();
    expect(bareAddress("Example Union DPO <dpo@example.org>")).toBe("dpo@example.org");
    expect(accepted[0]).toContain("From: Example Union DPO <dpo@example.org>");
    expect(accepted[0]).toMatch(/To: .*<person9@example\.org>/);
  });

  it("keeps e-mail addresses out of what it reports", () => {
    expect(withoutAddresses("550 5.1.1 <ann@example.org>: Recipient address rejected; bob@x.org too")).toBe(
      "550 5.1.1 <address>: Recipient address rejected; <address> too",
    );
  });
});
