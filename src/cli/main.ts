/** The `dpdesk` command line: wires each command to the functions that do the work. */
import { Command, CommanderError, Option } from "commander";
import { exitCodes, InputError } from "./input-error.js";
import { readJsonInput } from "./read-input.js";
import { registerImpactCommand } from "./impact-command.js";
import { registerRecipientsCommand } from "./recipients-command.js";
import { registerNoticeCommand } from "./notice-command.js";
import { DeliveryIncomplete, registerLettersCommand } from "./letters-command.js";
import { registerServerCommands } from "./server-commands.js";

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: NodeJS.ReadableStream;
  now: () => Date;
  /** Whether stderr is a terminal (progress is shown only there). */
  stderrIsTerminal?: boolean;
}

const defaultIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  stdin: process.stdin,
  now: () => new Date(),
  stderrIsTerminal: process.stderr.isTTY,
};

// The rule engine is loaded by the commands that use it, so that the others (impact) start quickly.
const loadLaw = () => import("../law/index.js");

const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

function parseAt(value: string | undefined, io: CliIo): Date {
  if (value === undefined) return io.now();
  if (!isoWithOffset.test(value) || Number.isNaN(Date.parse(value)))
    throw new InputError([
      "--at: must be an ISO 8601 date-time with a time zone offset, e.g. 2025-06-26T12:00:00Z",
    ]);
  return new Date(value);
}

function buildProgram(io: CliIo): Command {
  const program = new Command()
    .name("dpdesk")
    .description(
      "A data-protection desk for the UK, the Isle of Man, Jersey and Guernsey (with the EU GDPR as reference).",
    )
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  program
    .command("assess")
    .description("Assess a breach: the risk, and who must be told, by when, and why, in each jurisdiction")
    .argument("<file>", "incident JSON file, or - for standard input")
    .option("--json", "print the assessment as JSON")
    .option("--at <instant>", "assess as at this moment (ISO 8601 with offset; default: now)")
    .addHelpText(
      "after",
      "\nExit codes: 0 assessed; 2 bad input (one line per problem on stderr, naming the field); 1 internal failure.\nThe incident format: dpdesk schema incident",
    )
    .action(async (file: string, options: { json?: boolean; at?: string }) => {
      const at = parseAt(options.at, io);
      const { assessBreach, parseIncident } = await loadLaw();
      const { printAssessment } = await import("./print-assessment.js");
      const parsed = parseIncident(await readJsonInput(file, io.stdin));
      if (!parsed.ok)
        throw new InputError(parsed.problems.map((problem) => `${problem.field}: ${problem.message}`));
      if (at.getTime() < Date.parse(parsed.value.awareAt))
        throw new InputError([
          options.at === undefined
            ? `awareAt: is in the future (${parsed.value.awareAt}); pass --at to assess as at a later moment`
            : `--at: must not be before awareAt (${parsed.value.awareAt})`,
        ]);
      const assessment = assessBreach(parsed.value, { at });
      io.stdout(
        options.json === true
          ? `${JSON.stringify(assessment, null, 2)}\n`
          : printAssessment(parsed.value, assessment),
      );
    });

  program
    .command("schema")
    .description("Print a contract as JSON Schema")
    .addArgument(new Command().createArgument("<name>", "which schema").choices(["incident", "assessment"]))
    .action(async (name: string) => {
      const { assessmentJsonSchema, incidentJsonSchema } = await loadLaw();
      const schema = name === "incident" ? incidentJsonSchema() : assessmentJsonSchema();
      io.stdout(`${JSON.stringify(schema, null, 2)}\n`);
    });

  program
    .command("packs")
    .description("List the rule packs: regimes, versions, when they apply and their regulators")
    .addOption(new Option("--json", "print as JSON"))
    .action(async (options: { json?: boolean }) => {
      const { rulePacks } = await loadLaw();
      const list = rulePacks.map((pack) => ({
        id: pack.id,
        version: pack.version,
        title: pack.title,
        effectiveFrom: pack.effectiveFrom,
        effectiveTo: pack.effectiveTo,
        jurisdictions: Object.keys(pack.jurisdictions),
        regulators: [...new Set(Object.values(pack.regulators).map((regulator) => regulator.name))],
        rules: [...pack.regulatorRules, ...pack.subjectRules].map((rule) => ({
          id: rule.id,
          citation: rule.citation,
        })),
      }));
      if (options.json === true) {
        io.stdout(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      for (const pack of list) {
        const span = `${pack.effectiveFrom.slice(0, 10)} → ${pack.effectiveTo?.slice(0, 10) ?? "in force"}`;
        const where =
          pack.jurisdictions.length > 4
            ? `${pack.jurisdictions.length} jurisdictions`
            : pack.jurisdictions.join(", ");
        io.stdout(
          `${pack.id.padEnd(12)} ${pack.version}  ${span.padEnd(26)} ${where.padEnd(18)} ${pack.title}\n`,
        );
      }
    });

  registerImpactCommand(program, io, io.stderrIsTerminal === true);
  registerRecipientsCommand(program, io);
  registerNoticeCommand(program, io);
  registerLettersCommand(program, io);
  registerServerCommands(program, io, process.env);
  return program;
}

/** Runs the CLI with the given arguments (without `node` and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCodes.ok;
  } catch (error) {
    if (error instanceof InputError) {
      io.stderr(`${error.lines.join("\n")}\n`);
      return exitCodes.badInput;
    }
    if (error instanceof DeliveryIncomplete) return exitCodes.needsAttention;
    if (error instanceof Error && error.name === "DatabaseInUse") {
      io.stderr(`configuration: ${error.message}\n`);
      return exitCodes.badInput;
    }
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.badInput;
    }
    io.stderr(
      `dpdesk: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return exitCodes.failure;
  }
}
