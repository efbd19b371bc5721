/**
 * `dpdesk notice --breach ID --jurisdiction JE --format pdf --out FILE`: a regulator's notice through the API.
 * By default the current draft is kept as the next version first (an unchanged draft is not kept twice), so
 * what is filed is what the breach record holds; `--draft` previews without keeping.
 */
import { writeFile } from "node:fs/promises";
import { Option, type Command } from "commander";
import { apiTarget, callApi, fetchDocument, withApiOptions } from "./api-client.js";
import { InputError } from "./input-error.js";
import type { CliIo } from "./main.js";

interface NoticeOptions {
  breach: string;
  jurisdiction: string;
  format: "pdf" | "html" | "text" | "json";
  out?: string;
  draft?: boolean;
  kept?: string;
  annotate?: boolean;
  api: string;
  token?: string;
}

export function registerNoticeCommand(program: Command, io: CliIo): void {
  const command = program.command("notice");
  withApiOptions(command, "the breach");
  command
    .description("Write a regulator's breach notice (PDF, HTML, or text to paste into the regulator's form)")
    .requiredOption("--breach <id>", "the breach's id")
    .requiredOption("--jurisdiction <code>", "whose regulator: GB, IM, JE, GG, or an EU country")
    .addOption(
      new Option("--format <format>", "pdf, html, text or json")
        .choices(["pdf", "html", "text", "json"])
        .default("pdf"),
    )
    .option(
      "--out <file>",
      "write the notice to this file (default: standard output for text, html and json)",
    )
    .option("--draft", "preview the current draft without keeping it as a version")
    .option("--kept <n>", "an earlier kept version (its number) instead of keeping the current draft")
    .option(
      "--annotate",
      "show under each heading what the law asks and its source (drafts have them; the copy to file does not)",
    )
    .addHelpText(
      "after",
      '\nEach kept version is evidence (an audit event with its SHA-256). The first is the initial report, later ones\nfollow-ups. Items the law or form asks for that the facts do not answer yet are named on standard error;\nadd them with PATCH /api/v1/breaches/ID {"response": {...}}.\nExit codes: 0 written; 2 bad input or the API refused (one line saying why); 1 internal failure.',
    )
    .action(async (options: NoticeOptions) => {
      const target = apiTarget(options);
      const jurisdiction = options.jurisdiction.toUpperCase();
      if (options.format === "pdf" && options.out === undefined)
        throw new InputError(["--out: a PDF needs a file to go to (--out notice.pdf)"]);
      if (options.draft === true && options.kept !== undefined)
        throw new InputError(["--draft, --kept: choose one"]);
      if (options.kept !== undefined && !/^[1-9]\d*$/.test(options.kept))
        throw new InputError([`--kept: must be a version number such as 2 (got "${options.kept}")`]);
      const base = `/breaches/${encodeURIComponent(options.breach)}/notices`;
      let version = options.kept ?? (options.draft === true ? "draft" : "latest");
      if (options.draft !== true && options.kept === undefined) {
        const kept = (await callApi(target, "--breach/--jurisdiction", "POST", base, { jurisdiction })) as {
          kept: boolean;
          notice: { version: number; phase: string };
        };
        version = String(kept.notice.version);
        io.stderr(
          kept.kept
            ? `Kept version ${version} (${kept.notice.phase === "initial" ? "initial report" : "follow-up"}).\n`
            : `Unchanged since version ${version}: not kept again.\n`,
        );
      }
      const document = await fetchDocument(
        target,
        "--breach/--jurisdiction",
        `${base}/${encodeURIComponent(jurisdiction)}?version=${version}&format=${options.format}${options.annotate === true ? "&annotate=true" : ""}`,
      );
      const missing = document.headers.get("x-dpdesk-missing") ?? "none";
      if (options.out === undefined) io.stdout(document.bytes.toString("utf8"));
      else {
        await writeFile(options.out, document.bytes);
        io.stderr(
          `Wrote ${options.out} (${new Intl.NumberFormat("en-GB").format(document.bytes.length)} bytes).\n`,
        );
      }
      if (missing === "none") {
        io.stderr("Complete: every item the law and the form ask for is answered.\n");
        return;
      }
      const described = (await callApi(
        target,
        "--breach/--jurisdiction",
        "GET",
        `${base}/${encodeURIComponent(jurisdiction)}?version=${version}&format=json`,
      )) as { missing: { id: string; heading: string }[] };
      io.stderr(
        `Still missing: ${described.missing.map((m) => m.heading).join("; ")}. Add them to the breach's facts (its "response"), then keep a follow-up.\n`,
      );
    });
}
