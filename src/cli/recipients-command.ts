/** `dpdesk recipients BREACH`: a breach's recipient list through the API — its counts, or the people themselves. */
import type { Command } from "commander";
import type { RecipientDetails } from "../impact/recipients.js";
import { callApi, withApiOptions, type ApiTarget } from "./api-client.js";
import { InputError } from "./input-error.js";
import { csvField } from "./csv-field.js";
import type { CliIo } from "./main.js";

const number = new Intl.NumberFormat("en-GB");

interface Summary {
  people: number;
  byJurisdiction: Record<string, number>;
  categories: Record<string, number>;
  reachable: { byPost: number; byEmailOnly: number; neither: number };
  imports: {
    importId: string;
    sources: { file: string }[];
    completedAt: string | null;
    rows: number | null;
  }[];
}

/** A person of the list, as the API gives them. */
interface Person extends RecipientDetails {
  id: string;
  jurisdiction: string;
  categories: string[];
}

function printSummary(breachId: string, summary: Summary): string {
  const lines = [`Recipient list of breach ${breachId}: ${number.format(summary.people)} people`, ""];
  lines.push("Where they live:");
  for (const [code, count] of Object.entries(summary.byJurisdiction))
    lines.push(`  ${code.padEnd(8)} ${number.format(count).padStart(12)}`);
  lines.push("", "Their data (people with each kind):");
  for (const [category, count] of Object.entries(summary.categories).sort((a, b) => b[1] - a[1]))
    lines.push(`  ${category.padEnd(36)} ${number.format(count).padStart(12)}`);
  const reach = summary.reachable;
  lines.push(
    "",
    `Reachable: ${number.format(reach.byPost)} by post, ${number.format(reach.byEmailOnly)} by e-mail only, ${number.format(reach.neither)} neither`,
    "",
    "Imports:",
  );
  for (const entry of summary.imports)
    lines.push(
      `  ${entry.importId}  ${entry.sources.map((source) => source.file).join(", ")}  ${entry.completedAt === null ? "NOT COMPLETE: run the same import again to resume it" : `completed ${entry.completedAt}, ${number.format(entry.rows ?? 0)} rows`}`,
    );
  if (summary.imports.length === 0) lines.push("  none yet: dpdesk impact FILE... --breach " + breachId);
  return `${lines.join("\n")}\n`;
}

const csvHeader = [
  "name",
  "email",
  "address",
  "postcode",
  "country",
  "phone",
  "jurisdiction",
  "categories",
  "source_file",
  "source_line",
];

function csvRow(person: Person): string {
  return [
    person.name,
    person.email,
    person.address.join(", "),
    person.postcode,
    person.country,
    person.phone,
    person.jurisdiction,
    person.categories.join(" "),
    person.source.file,
    String(person.source.line),
  ]
    .map(csvField)
    .join(",");
}

export function registerRecipientsCommand(program: Command, io: CliIo): void {
  const command = program.command("recipients");
  withApiOptions(command, "the list");
  command
    .description(
      "A breach's recipient list (from dpdesk impact --breach): its counts, or with --csv / --json the people themselves",
    )
    .argument("<breach>", "the breach's id")
    .option(
      "--jurisdiction <code>",
      "only the people attributed to this jurisdiction (IM, JE, GG, GB, …, unknown)",
    )
    .option(
      "--csv",
      "print the people as CSV (for a mail merge): name, e-mail, address, … source file and line",
    )
    .option("--json", "print the people as JSON Lines, one person per line")
    .addHelpText(
      "after",
      "\nThe people's details are personal data: owners, DPOs and handlers may read them; viewers see the counts.\nExit codes: 0 done; 2 the API refused or cannot be reached (one line saying why); 1 internal failure.",
    )
    .action(
      async (
        breachId: string,
        options: { jurisdiction?: string; csv?: boolean; json?: boolean; api: string; token?: string },
      ) => {
        if (options.token === undefined)
          throw new InputError(["--token: give an API token with --token or DPDESK_TOKEN"]);
        if (options.csv === true && options.json === true)
          throw new InputError(["--csv, --json: choose one"]);
        const target: ApiTarget = { api: options.api, token: options.token };
        const what = `breach ${breachId}`;
        const base = `/breaches/${encodeURIComponent(breachId)}/recipients`;
        if (options.csv !== true && options.json !== true) {
          const summary = (await callApi(target, what, "GET", `${base}/summary`)) as unknown as Summary;
          io.stdout(printSummary(breachId, summary));
          return;
        }
        if (options.csv === true) io.stdout(`${csvHeader.join(",")}\n`);
        let after: string | null = null;
        do {
          const query = new URLSearchParams({ limit: "1000" });
          if (options.jurisdiction !== undefined) query.set("jurisdiction", options.jurisdiction);
          if (after !== null) query.set("after", after);
          const page = (await callApi(target, what, "GET", `${base}?${query.toString()}`)) as unknown as {
            recipients: Person[];
            next: string | null;
          };
          io.stdout(
            page.recipients
              .map((person) => `${options.csv === true ? csvRow(person) : JSON.stringify(person)}\n`)
              .join(""),
          );
          after = page.next;
        } while (after !== null);
      },
    );
}
