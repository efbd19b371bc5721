/**
 * `dpdesk letters --breach ID --out DIR [--email]`: every affected person's letter, written on this machine
 * from the breach's recipient list (read through the API), and with --email sent by the server's outbox, with
 * progress until every letter is delivered or needs attention.
 */
import { existsSync, statSync } from "node:fs";
import { Option, type Command } from "commander";
import type { LetterContextInput, LetterRecipient } from "../documents/subject-letter.js";
import type { RecipientDetails } from "../impact/recipients.js";
import { apiTarget, callApi, withApiOptions, type ApiTarget } from "./api-client.js";
import { InputError } from "./input-error.js";
import type { CliIo } from "./main.js";

const number = new Intl.NumberFormat("en-GB");

/** How long sending may make no progress before the command stops watching (the server carries on). */
const stallMs = 10 * 60_000;

/** Some letters failed or are uncertain (listed on standard output), or sending stalled: exit code 3. */
export class DeliveryIncomplete extends Error {
  override readonly name = "DeliveryIncomplete";
  constructor() {
    super("not every letter was delivered");
  }
}

interface LettersOptions {
  breach: string;
  out?: string;
  single: boolean;
  duplex: boolean;
  email?: boolean;
  followUp?: boolean;
  workers?: string;
  api: string;
  token?: string;
}

interface Person extends RecipientDetails {
  id: string;
  jurisdiction: string;
  categories: string[];
}

interface Delivery {
  total: number;
  pending: number;
  sending: number;
  committing: number;
  sent: number;
  failed: number;
  uncertain: number;
  done: boolean;
  retrying: { count: number; lastError: string | null };
  attention: { personId: string; state: string; error: string | null; messageId: string }[];
}

async function* recipientPages(target: ApiTarget, breachId: string): AsyncIterable<LetterRecipient[]> {
  let after: string | null = null;
  do {
    const query = new URLSearchParams({ limit: "1000" });
    if (after !== null) query.set("after", after);
    const page = (await callApi(
      target,
      "--breach",
      "GET",
      `/breaches/${encodeURIComponent(breachId)}/recipients?${query.toString()}`,
    )) as unknown as { recipients: Person[]; next: string | null };
    yield page.recipients.map((person) => ({
      personId: person.id,
      ...(person.name === "" ? {} : { name: person.name }),
      ...(person.email === "" ? {} : { email: person.email }),
      addressLines: person.address,
      ...(person.postcode === "" ? {} : { postcode: person.postcode }),
      ...(person.country === "" ? {} : { country: person.country }),
      jurisdiction: person.jurisdiction,
      categories: person.categories,
    }));
    after = page.next;
  } while (after !== null);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function registerLettersCommand(program: Command, io: CliIo): void {
  const command = program.command("letters");
  withApiOptions(command, "the breach");
  command
    .description(
      "Write every affected person's letter (one PDF each, one merged PDF for printing); with --email, send them",
    )
    .requiredOption("--breach <id>", "the breach's id")
    .option("--out <dir>", "the folder for letters.pdf, letters/ID.pdf and manifest.csv")
    .option("--no-single", "write only the merged PDF, not one PDF per person")
    .option(
      "--no-duplex",
      "do not pad letters to an even number of pages in the merged PDF (single-sided printing)",
    )
    .option("--email", "send each person with an e-mail address their letter through the server (SMTP_URL)")
    .option("--follow-up", "with --email: send a second letter after the facts or wording changed")
    .addOption(new Option("--workers <n>", "threads laying out letters (default: up to 2)"))
    .addHelpText(
      "after",
      '\nLetters name each person\'s own data and their own regulator (the one for the jurisdiction they were\nattributed to). E-mail goes through the server\'s outbox: asking again sends nobody twice, also after a crash;\na letter whose delivery cannot be known is held as uncertain, to settle with\nPOST /api/v1/breaches/ID/letters/PERSON/settle {"as": "sent" | "resend"}.\nExit codes: 0 done; 3 some letters failed or are uncertain (listed), or sending stalled; 2 bad input or the API\nrefused (one line saying why); 1 internal failure.',
    )
    .action(async (options: LettersOptions) => {
      const target = apiTarget(options);
      if (options.out === undefined && options.email !== true)
        throw new InputError(["--out: say where the letters go (--out DIR), or send them with --email"]);
      let workers: number | undefined;
      if (options.workers !== undefined) {
        if (!/^[1-9]\d?$/.test(options.workers))
          throw new InputError([`--workers: must be a whole number from 1 to 99 (got "${options.workers}")`]);
        workers = Number(options.workers);
      }
      const base = `/breaches/${encodeURIComponent(options.breach)}`;
      if (options.out !== undefined && existsSync(options.out) && !statSync(options.out).isDirectory())
        throw new InputError([
          `--out: ${options.out} is a file; give a folder for the letters (it is made if missing)`,
        ]);
      if (options.out !== undefined) {
        const context = (await callApi(
          target,
          "--breach",
          "GET",
          `${base}/letters/context`,
        )) as unknown as LetterContextInput;
        const summary = (await callApi(target, "--breach", "GET", `${base}/recipients/summary`)) as {
          people: number;
        };
        if (summary.people === 0)
          throw new InputError([
            `--breach: its recipient list is empty: import the exposed files first (dpdesk impact FILE --breach ${options.breach})`,
          ]);
        const { writeLetterFiles } = await import("./write-letter-files.js");
        const started = performance.now();
        let shown = 0;
        const result = await writeLetterFiles({
          context,
          recipients: recipientPages(target, options.breach),
          outDir: options.out,
          single: options.single,
          duplex: options.duplex,
          workers,
          onProgress: (letters) => {
            if (io.stderrIsTerminal === true)
              io.stderr(`\rLetters: ${number.format(letters)} of ${number.format(summary.people)}   `);
            else if (letters - shown >= Math.max(1000, summary.people / 10)) {
              shown = letters;
              io.stderr(`Letters: ${number.format(letters)} of ${number.format(summary.people)}\n`);
            }
          },
        });
        const seconds = (performance.now() - started) / 1000;
        if (io.stderrIsTerminal === true) io.stderr("\n");
        const where = Object.entries(result.byJurisdiction)
          .sort((a, b) => b[1] - a[1])
          .map(([code, count]) => `${code} ${number.format(count)}`)
          .join(", ");
        io.stdout(
          `Wrote ${number.format(result.letters)} letters (${number.format(result.pages)} pages) to ${options.out} in ${seconds.toFixed(1)} s: letters.pdf (${(result.mergedBytes / 1048576).toFixed(1)} MiB, merged for printing)${options.single ? ", letters/ID.pdf (one per person)" : ""}, manifest.csv.\nBy jurisdiction: ${where}.\n${options.duplex ? "Each letter in letters.pdf starts on a new sheet when printed on both sides (padded with blank pages; --no-duplex to not).\n" : ""}`,
        );
        if (result.simplified > 0)
          io.stderr(
            `${number.format(result.simplified)} letters have characters no font dpdesk embeds can show (Chinese or Japanese, say): they are printed as "?" (manifest.csv column "simplified"). Their e-mails show them as written.\n`,
          );
      }
      if (options.email !== true) return;
      const sent = (await callApi(target, "--breach", "POST", `${base}/letters/send`, {
        followUp: options.followUp === true,
      })) as { queued: number; withoutEmail: number; editionId: string };
      io.stderr(
        `Queued ${number.format(sent.queued)} e-mails (edition ${sent.editionId}); ${number.format(sent.withoutEmail)} people have no e-mail address and need the printed letter.\n`,
      );
      let status: Delivery;
      let lastProgress = -1;
      let lastRetry = "";
      let stalledSince = Date.now();
      for (;;) {
        try {
          status = (await callApi(
            target,
            "--breach",
            "GET",
            `${base}/letters/delivery`,
          )) as unknown as Delivery;
        } catch (error) {
          if (
            !(error instanceof InputError) ||
            !error.lines.some((line) => line.startsWith("--api: cannot reach"))
          )
            throw error;
          // The letters are queued: this is not bad input, and nothing was lost.
          io.stderr(
            `${error.lines.join("\n")}\nThe letters are queued in the server's outbox: it goes on sending them when it is running again (nobody is sent a letter twice). Run this command again to follow it.\n`,
          );
          throw new DeliveryIncomplete();
        }
        const line = `E-mail: ${number.format(status.sent)} sent, ${number.format(status.pending + status.sending + status.committing)} to go, ${number.format(status.failed)} failed, ${number.format(status.uncertain)} uncertain (of ${number.format(status.total)})`;
        if (status.done) {
          if (io.stderrIsTerminal === true) io.stderr("\r");
          io.stderr(`${line}\n`);
          break;
        }
        const progress = status.sent + status.failed + status.uncertain;
        if (progress !== lastProgress) {
          lastProgress = progress;
          stalledSince = Date.now();
        } else if (Date.now() - stalledSince > stallMs) {
          io.stderr(
            `${line}\nNo progress for ${String(Math.round(stallMs / 60_000))} minutes: the server goes on sending (retrying with back-off); check again with dpdesk letters --breach ${options.breach} --email.\n`,
          );
          throw new DeliveryIncomplete();
        }
        const retry =
          status.retrying.count > 0
            ? ` — ${number.format(status.retrying.count)} waiting to be tried again: ${status.retrying.lastError ?? ""}`
            : "";
        if (io.stderrIsTerminal === true) io.stderr(`\r${line}${retry}   `);
        else if (retry !== "" && retry !== lastRetry) io.stderr(`${line}${retry}\n`);
        lastRetry = retry;
        await sleep(1000);
      }
      for (const item of status.attention)
        io.stdout(`${item.state.toUpperCase()} ${item.personId} ${item.messageId}: ${item.error ?? ""}\n`);
      if (status.failed + status.uncertain > 0) throw new DeliveryIncomplete();
    });
}
