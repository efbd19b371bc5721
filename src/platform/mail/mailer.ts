/**
 * E-mail over SMTP (nodemailer), with a hook at the point of no return: the message is composed in full, its
 * bytes are streamed into SMTP DATA, and the final "." that asks the server to accept it is held back until
 * `beforeCommit` has resolved (the outbox records `committing` there). A refusal from the server (a reply code)
 * means the message was certainly not accepted; anything else after that point might have been.
 */
import { Readable } from "node:stream";
import { createTransport } from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer";
import { JobFailure } from "../outbox/outbox.js";

export interface OutgoingMail {
  from: string;
  to: string;
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
  response: string;
  accepted: string[];
}

export interface Mailer {
  send(mail: OutgoingMail, beforeCommit: () => Promise<void>): Promise<Delivery>;
  close(): void;
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

interface SmtpError extends Error {
  responseCode?: number;
  code?: string;
}

export function createMailer(smtpUrl: string, options: { timeoutMs?: number } = {}): Mailer {
  const timeout = options.timeoutMs ?? 30_000;
  const transport = createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 4,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  } as Parameters<typeof createTransport>[0]);
  return {
    async send(mail, beforeCommit) {
      const composed = await new MailComposer({
        from: mail.from,
        to: mail.to,
        replyTo: mail.replyTo,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        headers: mail.headers,
      })
        .compile()
        .build();
      try {
        const info = (await transport.sendMail({
          envelope: { from: mail.from, to: [mail.to] },
          raw: gatedStream(composed, beforeCommit),
        })) as { response?: string; accepted?: unknown[] };
        return {
          messageId: mail.messageId,
          response: info.response ?? "",
          accepted: (info.accepted ?? []).map(String),
        };
      } catch (error) {
        const smtp = error as SmtpError;
        // A reply code is the server's answer: the message was not accepted. 5xx will not change on retry.
        if (typeof smtp.responseCode === "number")
          throw new JobFailure(`SMTP ${String(smtp.responseCode)}: ${smtp.message}`, {
            permanent: smtp.responseCode >= 500,
            notDone: true,
          });
        throw new JobFailure(smtp.message, { permanent: false, notDone: false });
      }
    },
    close() {
      transport.close();
    },
  };
}
