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

async function send(
  target: ApiTarget,
  what: string,
  method: "GET" | "POST" | "PUT",
  path: string,
  body?: unknown,
): Promise<globalThis.Response> {
  let response: globalThis.Response;
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
  if (!response.ok) {
    const json = (await response.json().catch(() => null)) as Record<string, unknown> | null;
    throw new InputError([
      `${what}: the API answered ${String(response.status)} (${typeof json?.detail === "string" ? json.detail : response.statusText})`,
    ]);
  }
  return response;
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
  const response = await send(target, what, method, path, body);
  return ((await response.json().catch(() => null)) as Record<string, unknown> | null) ?? {};
}

/** Like `callApi`, for a document: its bytes and headers. */
export async function fetchDocument(
  target: ApiTarget,
  what: string,
  path: string,
): Promise<{ bytes: Buffer; headers: Headers }> {
  const response = await send(target, what, "GET", path);
  return { bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
}

/** The token, or the one-line error every API-backed command gives without it. */
export function apiTarget(options: { api: string; token?: string }): ApiTarget {
  if (options.token === undefined)
    throw new InputError(["--token: give an API token with --token or DPDESK_TOKEN"]);
  return { api: options.api, token: options.token };
}
