/** `dpdesk impact FILE...`: who was exposed in these files, where they live and what of theirs. */
import { Option, type Command } from "commander";
import { analyseFiles, ImpactInputError, type ImpactProgress, type ImpactResult } from "../impact/analyse.js";
import { importRecipients, type RecipientImport, type RecipientStore } from "../impact/recipient-import.js";
import { withApiOptions, callApi, type ApiTarget } from "./api-client.js";
import { InputError } from "./input-error.js";
import type { CliIo } from "./main.js";

const number = new Intl.NumberFormat("en-GB");

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function progressLine(progress: ImpactProgress, startedAt: number): string {
  const seconds = (performance.now() - startedAt) / 1000;
  const rate = progress.rows / Math.max(seconds, 0.001);
  const share = progress.fileBytes > 0 ? Math.min(progress.bytesRead / progress.fileBytes, 1) : 0;
  const eta = share > 0 ? (seconds / share) * (1 - share) : 0;
  return `\r${progress.file}: ${number.format(progress.rows)} rows, ${number.format(Math.round(rate))} rows/s, ${String(Math.round(share * 100))}% of ${megabytes(progress.fileBytes)}, about ${eta.toFixed(0)} s left   `;
}

/** The readable summary. */
export function printImpact(result: ImpactResult, seconds: number): string {
  const lines: string[] = [];
  const bytes = result.files.reduce((sum, file) => sum + file.bytes, 0);
  lines.push(
    `Impact of ${String(result.files.length)} file${result.files.length === 1 ? "" : "s"} (${megabytes(bytes)}, ${number.format(result.rows)} rows) in ${seconds.toFixed(1)} s`,
  );
  for (const file of result.files)
    lines.push(`  ${file.file}: ${file.format}, ${number.format(file.rows)} rows`);
  lines.push("");
  lines.push(`People: ${number.format(result.subjects)}, told apart by ${result.identity}`);
  if (result.emptyRows > 0)
    lines.push(`  ${number.format(result.emptyRows)} empty rows (only delimiters) were skipped`);
  if (result.rowsWithoutPersonalData > 0)
    lines.push(
      `  ${number.format(result.rowsWithoutPersonalData)} rows name no one and hold no personal data (totals, notes): not people`,
    );
  if (result.rowsWithoutIdentity > 0)
    lines.push(
      `  ${number.format(result.rowsWithoutIdentity)} rows name nobody identifiable: each is counted as a person of its own`,
    );
  lines.push("");
  lines.push("Where they live:");
  for (const [code, count] of Object.entries(result.subjectsByJurisdiction))
    lines.push(`  ${code.padEnd(8)} ${number.format(count).padStart(12)}`);
  lines.push("");
  lines.push("Their data (people with each kind):");
  const categories = Object.entries(result.categories).sort((a, b) => b[1] - a[1]);
  if (categories.length === 0) lines.push("  (no column recognised as personal data)");
  for (const [category, count] of categories)
    lines.push(`  ${category.padEnd(36)} ${number.format(count).padStart(12)}`);
  lines.push("");
  lines.push("Columns:");
  for (const column of result.columns) {
    const what =
      column.category === null && column.role === "other"
        ? "not personal data recognised"
        : `${column.category ?? column.role}${column.detector === null ? "" : ` (${column.detector})`}`;
    const examples = column.examples.length > 0 ? `  e.g. ${column.examples.join(", ")}` : "";
    const file = result.files.length > 1 ? `${column.file}: ` : "";
    lines.push(
      `  ${`${file}${column.name}`.padEnd(28)} ${what.padEnd(42)} ${String(Math.round(column.confidence * 100)).padStart(3)}%${examples}`,
    );
  }
  lines.push("");
  if (result.problems.length === 0) lines.push("Problems: none");
  else {
    lines.push(`Problems (${String(result.problems.length)}):`);
    for (const problem of result.problems.slice(0, 20))
      lines.push(
        `  ${problem.file}${problem.line === null ? "" : `:${String(problem.line)}`}: ${problem.message}`,
      );
    if (result.problems.length > 20)
      lines.push(`  … and ${String(result.problems.length - 20)} more (--json lists them all)`);
  }
  return `${lines.join("\n")}\n`;
}

interface BreachTarget extends ApiTarget {
  breachId: string;
}

interface Completion {
  recipients: { people: number; byJurisdiction: Record<string, number> };
  breach: {
    updated: boolean;
    version?: number;
    changes: { jurisdiction: string; duty: string; field: string; from: unknown; to: unknown }[];
  };
}

/** The recipient-list endpoints of a breach, called over HTTP with the token. */
function breachStore(target: BreachTarget): RecipientStore<Completion> {
  const base = `/breaches/${encodeURIComponent(target.breachId)}/recipient-imports`;
  const what = `--breach ${target.breachId}`;
  return {
    async start(importId, sources, batchSize) {
      const started = await callApi(target, what, "POST", base, { importId, sources, batchSize });
      return {
        batchesStored: (started.batchesStored ?? []) as number[],
        batchSize: typeof started.batchSize === "number" ? started.batchSize : batchSize,
        completed: typeof started.completedAt === "string",
      };
    },
    async store(importId, batch, recipients) {
      await callApi(target, what, "PUT", `${base}/${importId}/batches/${String(batch)}`, { recipients });
    },
    async complete(importId, totals) {
      return (await callApi(
        target,
        what,
        "POST",
        `${base}/${importId}/complete`,
        totals,
      )) as unknown as Completion;
    },
  };
}

/** What to print once the list is stored and the breach re-assessed. */
function printImport(imported: RecipientImport<Completion>, breachId: string): string {
  const { completion } = imported;
  const lines = [
    `Recipient list of breach ${breachId}: ${number.format(completion.recipients.people)} people, sealed at rest (import ${imported.importId}, ${String(imported.batches)} batch${imported.batches === 1 ? "" : "es"}${imported.skipped > 0 ? `, ${String(imported.skipped)} already stored by an earlier run` : ""}).`,
  ];
  if (completion.breach.updated) {
    lines.push(
      `Breach ${breachId} updated and re-assessed (version ${String(completion.breach.version ?? "?")}).`,
    );
    for (const change of completion.breach.changes)
      lines.push(
        change.field === "presence"
          ? change.to === null
            ? `  ${change.jurisdiction} ${change.duty}: no longer owed`
            : `  ${change.jurisdiction} ${change.duty}: newly owed (${typeof change.to === "string" ? change.to.replaceAll("_", " ") : JSON.stringify(change.to)})`
          : `  ${change.jurisdiction} ${change.duty}: ${change.field} ${String(change.from)} → ${String(change.to)}`,
      );
    if (completion.breach.changes.length === 0) lines.push("  No duty changed.");
  } else lines.push(`Breach ${breachId}: its counts already match the list; not changed.`);
  const unknown = completion.recipients.byJurisdiction.unknown ?? 0;
  if (unknown > 0)
    lines.push(
      `  ${number.format(unknown)} ${unknown === 1 ? "person whose jurisdiction is unknown is" : "people whose jurisdiction is unknown are"} not in the breach's counts: find where they live.`,
    );
  return `${lines.join("\n")}\n`;
}

export function registerImpactCommand(program: Command, io: CliIo, progressToTerminal: boolean): void {
  const command = program.command("impact");
  withApiOptions(command, "--breach");
  command
    .description(
      "Who was exposed in these files, where they live and what of theirs (CSV, TSV, JSON Lines, XLSX; gzip too)",
    )
    .argument("<files...>", "exposed files, read as one population")
    .option("--json", "print the result as JSON")
    .option(
      "--key <column>",
      "the column that identifies a person (default: e-mail, else name + birth date + postcode)",
    )
    .option(
      "--breach <id>",
      "store the people found as this breach's recipient list (sealed), set its counts from the list and re-assess it; run again to resume",
    )
    .addOption(
      new Option("--workers <n>", "threads for a large plain file (default: one per core)").argParser(
        (value) => {
          if (!/^[1-9]\d*$/.test(value))
            throw new InputError([`--workers: must be a whole number from 1 (got "${value}")`]);
          return value;
        },
      ),
    )
    .addOption(
      new Option("--batch-size <n>", "people per request to the API with --breach")
        .default("2000")
        .argParser((value) => {
          if (!/^[1-9]\d*$/.test(value) || Number(value) > 5000)
            throw new InputError([`--batch-size: must be a whole number from 1 to 5000 (got "${value}")`]);
          return value;
        }),
    )
    .addOption(
      new Option("--max-errors <n>", "give up after this many problems")
        .default("1000")
        .argParser((value) => {
          if (!/^\d+$/.test(value))
            throw new InputError([`--max-errors: must be a whole number (got "${value}")`]);
          return value;
        }),
    )
    .addHelpText(
      "after",
      "\nExit codes: 0 analysed (problems found in rows are listed); 2 the input cannot be analysed (a file missing, empty, not a table, or more problems than --max-errors); 1 internal failure.",
    )
    .action(
      async (
        files: string[],
        options: {
          json?: boolean;
          key?: string;
          maxErrors: string;
          workers?: string;
          breach?: string;
          api: string;
          token?: string;
          batchSize: string;
        },
      ) => {
        if (options.breach !== undefined && options.token === undefined)
          throw new InputError(["--breach: give an API token with --token or DPDESK_TOKEN"]);
        const startedAt = performance.now();
        const showProgress = progressToTerminal && options.json !== true;
        const terminal = { shown: false };
        try {
          const analysis = {
            ...(options.key === undefined ? {} : { key: options.key }),
            maxErrors: Number(options.maxErrors),
            ...(options.workers === undefined ? {} : { workers: Number(options.workers) }),
            ...(showProgress
              ? {
                  onProgress: (progress: ImpactProgress) => {
                    terminal.shown = true;
                    io.stderr(progressLine(progress, startedAt));
                  },
                }
              : {}),
          };
          const print = (result: ImpactResult) => {
            if (terminal.shown) io.stderr("\r\x1b[2K");
            terminal.shown = false;
            const seconds = (performance.now() - startedAt) / 1000;
            io.stdout(
              options.json === true ? `${JSON.stringify(result, null, 2)}\n` : printImpact(result, seconds),
            );
          };
          if (options.breach === undefined || options.token === undefined) {
            print(await analyseFiles(files, analysis));
            return;
          }
          const imported = await importRecipients(
            files,
            {
              ...analysis,
              breachId: options.breach,
              batchSize: Number(options.batchSize),
            },
            breachStore({
              breachId: options.breach,
              api: options.api,
              token: options.token,
            }),
          );
          print(imported.result);
          (options.json === true ? io.stderr : io.stdout)(printImport(imported, options.breach));
        } catch (error) {
          if (terminal.shown) io.stderr("\n");
          if (error instanceof ImpactInputError) throw new InputError([error.message]);
          throw error;
        }
      },
    );
}
