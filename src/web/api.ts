import { humaniseMessage } from "./labels.js";

/**
 * The web desk's only way to the server: the public HTTP API (/api/v1), signed in by the session cookie. Writes
 * carry the CSRF token the API gave at sign-in (or, after a reload, in GET /api/v1/session).
 */

/** One problem with an input, as the API names it (problem+json `problems`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** A refusal or failure from the API, with its problem+json detail and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly problems: readonly FieldProblem[],
  ) {
    super(detail === "" ? title : detail);
  }

  /** The message for one field (by its path, e.g. `controller.name`), if the API named it. */
  forField(field: string): string | undefined {
    return this.problems.find((problem) => problem.field === field)?.message;
  }
}

let csrfToken: string | null = null;
const signedOutListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session has ended (401), so the desk can show the sign-in page. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

async function problemOf(response: Response): Promise<ApiError> {
  let body: { title?: string; detail?: string; errors?: FieldProblem[] } = {};
  try {
    body = (await response.json()) as typeof body;
  } catch {
    // Not problem+json (a proxy's error page): the status says enough.
  }
  return new ApiError(
    response.status,
    body.title ?? response.statusText,
    body.detail ?? body.title ?? `The server answered ${String(response.status)}`,
    (body.errors ?? []).map((problem) => ({ ...problem, message: humaniseMessage(problem.message) })),
  );
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
  /** The version a change was made against (If-Match): the API refuses it with 409 if the record moved on. */
  ifMatch?: number;
}

/** A JSON request to the API; throws ApiError on a refusal. */
export async function api<T>(
  path: string,
  { method = "GET", body, signal, ifMatch }: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (ifMatch !== undefined) headers["if-match"] = `"${String(ifMatch)}"`;
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken !== null) headers["x-csrf-token"] = csrfToken;
  const response = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal === undefined ? {} : { signal }),
  });
  if (response.status === 401 && path !== "/api/v1/session")
    for (const listener of signedOutListeners) listener();
  if (!response.ok) throw await problemOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/**
 * A multipart upload with progress (fetch cannot report upload progress): `onProgress` gets the fraction sent,
 * then `null` while the server works on what it received.
 */
export function upload<T>(
  path: string,
  form: FormData,
  onProgress: (fraction: number | null) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", path);
    request.setRequestHeader("accept", "application/json");
    if (csrfToken !== null) request.setRequestHeader("x-csrf-token", csrfToken);
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    request.upload.addEventListener("load", () => {
      onProgress(null);
    });
    request.addEventListener("error", () => {
      reject(new ApiError(0, "Network error", "The upload did not reach the server; try again.", []));
    });
    request.addEventListener("load", () => {
      const response = new Response(request.responseText, {
        status: request.status,
        headers: { "content-type": request.getResponseHeader("content-type") ?? "" },
      });
      if (request.status >= 200 && request.status < 300) resolve(JSON.parse(request.responseText) as T);
      else void problemOf(response).then(reject);
    });
    request.send(form);
  });
}
