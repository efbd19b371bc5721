/**
 * E-mail over SMTP, with a hook at the point of no return. The message is composed in full (nodemailer's
 * MailComposer), then sent over nodemailer's SMTPConnection, which pipes the message only once the server has
 * taken MAIL FROM, RCPT TO and DATA (its 354 reply). The message's bytes go out, and the final "." that asks the
 * server to accept it is held back until `beforeCommit` has resolved (the outbox records `committing` there).
 * So: a failure before that point certainly sent nothing; after it, a reply code from the server means the
 * message was refused, and anything else (a dropped connection, a timeout) means it might have been accepted.
 *
 * Connections are kept open and reused, up to `maxConnections`.
 */
import { Readable } from "node:stream";
import MailComposer from "nodemailer/lib/mail-composer";
import SMTPConnection from "nodemailer/lib/smtp-connection";
import { JobFailure } from "../outbox/outbox.js";

export interface OutgoingMail {
  /** An address, or "Name <address>". */
  from: string;
  to: string;
  /** The addressee's name, shown beside their address. */
  toName?: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  /** Fixed by the caller (e.g. per letter and person), so a delivery can be found in a mail server's log. */
  messageId: string;
  headers?: Record<string, string>;
}

export interface Delivery {
  messageId: string;
  /** The server's reply to the final ".", with any e-mail address in it taken out. */
  response: string;
}

export interface Mailer {
  send(mail: OutgoingMail, beforeCommit: () => Promise<void>): Promise<Delivery>;
  close(): void;
}

interface SmtpError extends Error {
  responseCode?: number;
  code?: string;
}

/** Server replies often quote the recipient's address: it is personal data, and stays out of logs and records. */
export function withoutAddresses(text: string): string {
  return text.replace(/<[^<>\s]*@[^<>\s]*>|[^\s<>"'()]+@[^\s<>"'()]+/g, "<address>");
}

/** The address of "Name <address>" (the SMTP envelope takes the address alone). */
export function bareAddress(from: string): string {
  return /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
}

/** A stream of the message that ends (sending the final ".") only once `gate` has resolved. */
function gatedStream(bytes: Buffer, gate: () => Promise<void>): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) return;
      sent = true;
      this.push(bytes);
      gate().then(
        () => this.push(null),
        (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
}

interface Target {
  host: string;
  port: number;
  secure: boolean;
  auth: { user: string; pass: string } | null;
}

function parseSmtpUrl(smtpUrl: string): Target {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  return {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port === "" ? (secure ? 465 : 587) : Number(url.port),
    secure,
    auth:
      url.username === ""
        ? null
        : { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
  };
}

export function createMailer(
  smtpUrl: string,
  options: { timeoutMs?: number; maxConnections?: number } = {},
): Mailer {
  const target = parseSmtpUrl(smtpUrl);
  const timeout = options.timeoutMs ?? 30_000;
  const max = options.maxConnections ?? 4;
  const idle: SMTPConnection[] = [];
  const waiting: ((connection: SMTPConnection | null) => void)[] = [];
  let open = 0;
  let closed = false;

  const connect = () =>
    new Promise<SMTPConnection>((resolve, reject) => {
      const connection = new SMTPConnection({
        host: target.host,
        port: target.port,
        secure: target.secure,
        connectionTimeout: timeout,
        greetingTimeout: timeout,
        socketTimeout: timeout,
      });
      connection.once("error", reject);
      connection.connect(() => {
        if (target.auth === null) {
          resolve(connection);
          return;
        }
        connection.login(target.auth, (error) => {
          if (error) reject(error);
          else resolve(connection);
        });
      });
    });

  async function acquire(): Promise<SMTPConnection> {
    const ready = idle.pop();
    if (ready !== undefined) return ready;
    if (open < max) {
      open++;
      try {
        const connection = await connect();
        // Later errors surface through send's callback; this keeps an idle drop from being unhandled.
        connection.on("error", () => {});
        return connection;
      } catch (error) {
        open--;
        throw error;
      }
    }
    const handed = await new Promise<SMTPConnection | null>((resolve) => waiting.push(resolve));
    return handed ?? acquire();
  }

  function release(connection: SMTPConnection) {
    const next = waiting.shift();
    if (next !== undefined) next(connection);
    else if (closed) connection.close();
    else idle.push(connection);
  }

  function discard(connection: SMTPConnection) {
    connection.close();
    open--;
    waiting.shift()?.(null);
  }

  return {
    async send(mail, beforeCommit) {
      const composed = await new MailComposer({
        from: mail.from,
        to:
          mail.toName === undefined || mail.toName === "" ? mail.to : { name: mail.toName, address: mail.to },
        replyTo: mail.replyTo,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: mail.headers,
      })
        .compile()
        .build();
      let connection: SMTPConnection;
      try {
        connection = await acquire();
      } catch (error) {
        throw new JobFailure(`cannot reach the mail server: ${withoutAddresses((error as Error).message)}`, {
          permanent: false,
          notDone: true,
        });
      }
      return new Promise<Delivery>((resolve, reject) => {
        connection.send(
          { from: bareAddress(mail.from), to: [mail.to] },
          gatedStream(composed, beforeCommit),
          (error, info) => {
            if (error === null) {
              release(connection);
              resolve({ messageId: mail.messageId, response: withoutAddresses(info.response) });
              return;
            }
            const smtp = error as SmtpError;
            const message = withoutAddresses(smtp.message);
            if (typeof smtp.responseCode === "number") {
              // The server's answer: the message was not accepted. 5xx will not change on retry; 421 closes.
              if (smtp.responseCode === 421) discard(connection);
              else
                connection.reset((resetError) => {
                  if (resetError) discard(connection);
                  else release(connection);
                });
              reject(
                new JobFailure(`SMTP ${String(smtp.responseCode)}: ${message}`, {
                  permanent: smtp.responseCode >= 500,
                  notDone: true,
                }),
              );
              return;
            }
            discard(connection);
            reject(new JobFailure(message, { permanent: false, notDone: false }));
          },
        );
      });
    },
    close() {
      closed = true;
      for (const connection of idle.splice(0)) connection.close();
      for (const wake of waiting.splice(0)) wake(null);
    },
  };
}
