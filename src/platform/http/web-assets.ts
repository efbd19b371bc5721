/**
 * The web desk (the React UI Vite builds into dist/web): index.html for the UI's pages, and its hashed files
 * under /assets/. The folder is read once at start into memory, with gzip and brotli copies made then, so a
 * request is a map look-up; a rebuilt UI needs a restart.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { brotliCompress, constants as zlibConstants, gzip } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** The repository's dist/web, the same from src/platform/http (tsx, tests) and dist/platform/http (built). */
export const defaultWebDir = new URL("../../../dist/web/", import.meta.url);

/** Content type, and whether compressing it is worth it (PNG and WOFF2 are compressed already). */
const types: Readonly<Record<string, readonly [string, boolean]>> = {
  ".html": ["text/html; charset=utf-8", true],
  ".js": ["text/javascript; charset=utf-8", true],
  ".mjs": ["text/javascript; charset=utf-8", true],
  ".css": ["text/css; charset=utf-8", true],
  ".map": ["application/json; charset=utf-8", true],
  ".json": ["application/json; charset=utf-8", true],
  ".webmanifest": ["application/manifest+json; charset=utf-8", true],
  ".txt": ["text/plain; charset=utf-8", true],
  ".svg": ["image/svg+xml", true],
  ".ico": ["image/x-icon", true],
  ".wasm": ["application/wasm", true],
  ".png": ["image/png", false],
  ".jpg": ["image/jpeg", false],
  ".jpeg": ["image/jpeg", false],
  ".gif": ["image/gif", false],
  ".webp": ["image/webp", false],
  ".avif": ["image/avif", false],
  ".woff2": ["font/woff2", false],
  ".woff": ["font/woff", false],
  ".ttf": ["font/ttf", true],
  ".otf": ["font/otf", true],
};

type Coding = "br" | "gzip";

interface Representation {
  body: Buffer;
  etag: string;
}

interface WebFile {
  type: string;
  cacheControl: string;
  identity: Representation;
  encoded: Partial<Record<Coding, Representation>>;
}

const immutable = "public, max-age=31536000, immutable";

async function webFile(name: string, body: Buffer, cacheControl: string): Promise<WebFile> {
  const [type, compressible] = types[extname(name).toLowerCase()] ?? ["application/octet-stream", false];
  const hash = createHash("sha256").update(body).digest("base64url").slice(0, 27);
  const file: WebFile = { type, cacheControl, identity: { body, etag: `"${hash}"` }, encoded: {} };
  if (!compressible) return file;
  const [gzipped, brotli] = await Promise.all([
    gzipAsync(body, { level: 9 }),
    brotliAsync(body, {
      params: {
        [zlibConstants.BROTLI_PARAM_QUALITY]: zlibConstants.BROTLI_MAX_QUALITY,
        [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
        ...(type.startsWith("font/")
          ? {}
          : { [zlibConstants.BROTLI_PARAM_MODE]: zlibConstants.BROTLI_MODE_TEXT }),
      },
    }),
  ]);
  // Each encoding is its own representation, so each has its own strong ETag.
  if (gzipped.length < body.length) file.encoded.gzip = { body: gzipped, etag: `"${hash}-gzip"` };
  if (brotli.length < body.length) file.encoded.br = { body: brotli, etag: `"${hash}-br"` };
  return file;
}

/** Every regular file under `dir`, as paths relative to it with "/" separators (symbolic links are skipped). */
async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const found: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory())
      found.push(...(await listFiles(`${dir}/${entry.name}`, `${prefix}${entry.name}/`)));
    else if (entry.isFile()) found.push(`${prefix}${entry.name}`);
  }
  return found;
}

interface WebDesk {
  index: WebFile | null;
  assets: ReadonlyMap<string, WebFile>;
}

async function loadWebDesk(dir: string | URL): Promise<WebDesk> {
  const root = (typeof dir === "string" ? dir : fileURLToPath(dir)).replace(/[/\\]+$/, "");
  let indexBody: Buffer;
  try {
    indexBody = await readFile(`${root}/index.html`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { index: null, assets: new Map() };
    throw error;
  }
  const names = await listFiles(`${root}/assets`);
  const [index, assets] = await Promise.all([
    webFile("index.html", indexBody, "no-cache"),
    Promise.all(
      names.map(
        async (name) =>
          [name, await webFile(name, await readFile(`${root}/assets/${name}`), immutable)] as const,
      ),
    ),
  ]);
  return { index, assets: new Map(assets) };
}

/** The client's preferred encoding we have a copy in, by Accept-Encoding's q-values (brotli on a tie). */
export function chooseEncoding(header: string | undefined, available: readonly Coding[]): Coding | null {
  if (header === undefined || available.length === 0) return null;
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [coding = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (coding === "") continue;
    const weight = params.find((p) => p.startsWith("q="));
    const value = weight === undefined ? 1 : Number(weight.slice(2));
    q.set(coding === "x-gzip" ? "gzip" : coding, Number.isFinite(value) ? value : 0);
  }
  let best: Coding | null = null;
  let bestQ = 0;
  for (const coding of ["br", "gzip"] as const) {
    const weight = q.get(coding) ?? q.get("*") ?? 0;
    if (available.includes(coding) && weight > bestQ) {
      best = coding;
      bestQ = weight;
    }
  }
  return best;
}

function acceptsHtml(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(",").some((part) => {
    const [type = "", ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    return type === "text/html" && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

function ifNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === etag;
  });
}

function send(request: FastifyRequest, reply: FastifyReply, file: WebFile, vary: string): FastifyReply {
  const codings = Object.keys(file.encoded) as Coding[];
  const coding = chooseEncoding(request.headers["accept-encoding"], codings);
  const chosen = coding === null ? file.identity : (file.encoded[coding] ?? file.identity);
  void reply.header("cache-control", file.cacheControl).header("etag", chosen.etag);
  if (codings.length > 0) vary = vary === "" ? "accept-encoding" : `${vary}, accept-encoding`;
  if (vary !== "") void reply.header("vary", vary);
  if (ifNoneMatch(request.headers["if-none-match"], chosen.etag)) return reply.status(304).send();
  if (coding !== null) void reply.header("content-encoding", coding);
  return reply.type(file.type).send(chosen.body);
}

const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>dpdesk: the web desk is not built</title></head>
<body><h1>The web desk is not built</h1>
<p>Run <code>npm run build</code>, then start dpdesk again. The API works without it: see <a href="/docs">/docs</a>.</p>
</body></html>
`;

/** Paths that belong to the server, never to the UI's router: an unknown one there is a 404, not the UI. */
const serverPaths = ["/api", "/assets", "/docs", "/openapi.json", "/healthz"];

export interface WebAssetsOptions {
  /** The built UI: index.html and assets/. Default: the repository's dist/web. */
  dir?: string | URL;
}

/**
 * Serves the web desk: /assets/* from memory, and index.html for `/` and for any other page a browser asks for
 * (the UI routes in the browser). Without a built UI those pages say so with a 503; the API is unaffected.
 */
export async function registerWebAssets(
  app: FastifyInstance,
  { dir = defaultWebDir }: WebAssetsOptions = {},
): Promise<{ built: boolean }> {
  const desk = await loadWebDesk(dir);
  if (desk.index === null) app.log.warn("the web desk is not built (npm run build): / answers 503");

  const page = (request: FastifyRequest, reply: FastifyReply, vary: string) =>
    desk.index === null
      ? reply
          .status(503)
          .header("cache-control", "no-store")
          .type("text/html; charset=utf-8")
          .send(notBuiltPage)
      : send(request, reply, desk.index, vary);

  app.get("/assets/*", { schema: { hide: true } }, (request, reply) => {
    const file = desk.assets.get((request.params as { "*": string })["*"]);
    if (file !== undefined) return send(request, reply, file, "");
    reply.callNotFound();
    return reply;
  });
  app.get("/", { schema: { hide: true } }, (request, reply) => page(request, reply, ""));
  // GET routes no other route took. The route, not a not-found handler, so that the API's 404s stay as they are.
  app.get("/*", { schema: { hide: true } }, (request, reply) => {
    const path = `/${(request.params as { "*": string })["*"]}`.replace(/^\/+/, "/");
    const ours = serverPaths.some((p) => path === p || path.startsWith(`${p}/`));
    if (!ours && acceptsHtml(request.headers.accept)) return page(request, reply, "accept");
    // The same URL is the UI for a browser and a 404 for anything else.
    if (!ours) void reply.header("vary", "accept");
    reply.callNotFound();
    return reply;
  });
  return { built: desk.index !== null };
}
