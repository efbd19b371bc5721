/**
 * A real SMTP server on loopback (smtp-server, from the nodemailer project) that keeps every message it
 * accepts, parsed with mailparser. `decide` may refuse a message with a reply code, or act (kill a process)
 * before the server answers, to test delivery when things go wrong.
 */
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";

export interface Received {
  to: string[];
  messageId: string;
  subject: string;
  text: string;
  html: string;
  raw: Buffer;
}

export interface SmtpSink {
  url: string;
  received: Received[];
  /** Messages by Message-ID, with how many times each arrived. */
  counts(): Map<string, number>;
  close(): Promise<void>;
}

/** What to do with the n-th message (from 1) once its data has arrived, before the server answers. */
export type Decision =
  { refuse: number; message: string } | { accept: true; afterwards?: () => void } | undefined;

export async function startSmtpSink(
  decide: (index: number, mail: ParsedMail) => Decision | Promise<Decision> = () => undefined,
  /** Called as the n-th message's data starts to arrive; "drop" forgets the message (its client is killed). */
  onDataStart: (index: number) => "drop" | undefined = () => undefined,
): Promise<SmtpSink> {
  const received: Received[] = [];
  let index = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(
      stream: SMTPServerDataStream,
      session: SMTPServerSession,
      callback: (error?: Error | null) => void,
    ) {
      const chunks: Buffer[] = [];
      index += 1;
      const mine = index;
      const dropped = onDataStart(mine) === "drop";
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks);
        if (dropped) {
          callback(new Error("dropped"));
          return;
        }
        void (async () => {
          const mail = await simpleParser(raw);
          const decision = await decide(mine, mail);
          if (decision !== undefined && "refuse" in decision) {
            const error = new Error(decision.message) as Error & { responseCode: number };
            error.responseCode = decision.refuse;
            callback(error);
            return;
          }
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            messageId: mail.messageId ?? "",
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            html: typeof mail.html === "string" ? mail.html : "",
            raw,
          });
          if (decision !== undefined && "afterwards" in decision && decision.afterwards !== undefined) {
            decision.afterwards();
            return; // the client is gone: no answer
          }
          callback();
        })();
      });
    },
  });
  // A client killed mid-session resets its connection: expected here, not a failure of the sink.
  server.on("error", () => {});
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  if (address === null || typeof address === "string") throw new Error("the SMTP sink has no port");
  return {
    url: `smtp://127.0.0.1:${String(address.port)}`,
    received,
    counts() {
      const counts = new Map<string, number>();
      for (const mail of received) counts.set(mail.messageId, (counts.get(mail.messageId) ?? 0) + 1);
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
