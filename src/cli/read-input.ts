/** Reads a JSON document from a file or standard input ("-") for a CLI command. */
import { readFile } from "node:fs/promises";
import { InputError } from "./input-error.js";

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}

export async function readJsonInput(path: string, stdin: NodeJS.ReadableStream): Promise<unknown> {
  const label = path === "-" ? "(stdin)" : path;
  let text: string;
  try {
    text = path === "-" ? await readStdin(stdin) : await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : (code ?? "cannot read");
    throw new InputError([`${label}: cannot read (${why})`]);
  }
  if (text.trim() === "") throw new InputError([`${label}: empty input, expected a JSON incident`]);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InputError([`${label}: not valid JSON (${(error as Error).message})`]);
  }
}
