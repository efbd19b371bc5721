/** Calls a running dpdesk's API with a token, for the commands that work through it (impact --breach, recipients). */
import { Option, type Command } from "commander";
import { InputError } from "./input-error.js";

export interface ApiTarget {
  api: string;
  token: string;
}

/** Adds `--api` (or DPDESK_URL) and `--token` (or DPDESK_TOKEN), as every API-backed command takes them. */
export function withApiOptions(command: Command, purpose: string): Command {
  return command
    .addOption(
      new Option("--api <url>", `the dpdesk server for ${purpose}`)
        .env("DPDESK_URL")
        .default("http://127.0.0.1:8080"),
    )
    .addOption(new Option("--token <token>", `an API token for ${purpose}`).env("DPDESK_TOKEN"));
}

/**
 * Sends one request under `/api/v1` and returns its JSON. An unreachable server or a refusal is bad input (exit
 * 2) with one line: `what` (the option at fault), the status and the API's own words.
 */
export async function callApi(
  target: ApiTarget,
  what: string,
  method: "GET" | "POST" | "PUT",
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(`${target.api.replace(/\/+$/, "")}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new InputError([`--api: cannot reach ${target.api} (${(error as Error).message})`]);
  }
  const json = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  if (!response.ok)
    throw new InputError([
      `${what}: the API answered ${String(response.status)} (${typeof json?.detail === "string" ? json.detail : response.statusText})`,
    ]);
  return json ?? {};
}
