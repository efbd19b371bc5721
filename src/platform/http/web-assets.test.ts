// The web desk served by `dpdesk serve`: its page for the UI's routes, its hashed assets, and the API beside it.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, startTestApp, type TestApp } from "../../../test/support/test-app.js";
import { chooseEncoding } from "./web-assets.js";

const indexHtml =
  '<!doctype html><html lang="en"><head><script type="module" src="/assets/app-abc123.js"></script></head>' +
  '<body><div id="root"></div></body></html>\n';
const appJs = Array.from({ length: 200 }, (_, i) => `export const line${i} = "the breach desk ${i}";\n`).join(
  "",
);
const logoSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';
const browser = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };

let webDir: string;

beforeAll(async () => {
  webDir = await mkdtemp(join(tmpdir(), "dpdesk-web-"));
  await mkdir(join(webDir, "assets", "images"), { recursive: true });
  await writeFile(join(webDir, "index.html"), indexHtml);
  await writeFile(join(webDir, "assets", "app-abc123.js"), appJs);
  await writeFile(join(webDir, "assets", "images", "logo-def456.svg"), logoSvg);
});
afterAll(async () => rm(webDir, { recursive: true, force: true }));

describe("with a built web desk", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ webDir });
  });
  afterAll(async () => t.close());

  it("serves its page for / and for the UI's own routes, never cached and under the content security policy", async () => {
    const web = client(t.app);
    for (const url of ["/", "/breaches/123", "/setup", "/breaches/new?from=calendar", "/calendar"]) {
      const response = await web.get(url, browser);
      expect(response.status, url).toBe(200);
      expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(response.body).toBe(indexHtml);
      expect(response.headers["cache-control"]).toBe("no-cache");
      expect(response.headers["content-security-policy"]).toContain("script-src 'self'");
    }
    expect((await web.get("/")).body).toBe(indexHtml);
  });

  it("answers HEAD / like GET, without the body", async () => {
    const response = await t.app.server.inject({ method: "HEAD", url: "/" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(response.body).toBe("");
  });

  it("serves an asset with its content type, cached for a year, and compressed when the client accepts it", async () => {
    const web = client(t.app);
    const plain = await web.get("/assets/app-abc123.js");
    expect(plain.status).toBe(200);
    expect(plain.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toContain("accept-encoding");
    expect(plain.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(plain.body).toBe(appJs);

    const gzipped = await web.get("/assets/app-abc123.js", { "accept-encoding": "gzip" });
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    expect(gzipped.bytes.length).toBeLessThan(appJs.length);
    expect(gunzipSync(gzipped.bytes).toString("utf8")).toBe(appJs);

    const brotli = await web.get("/assets/app-abc123.js", { "accept-encoding": "gzip, deflate, br" });
    expect(brotli.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(brotli.bytes).toString("utf8")).toBe(appJs);
    expect(new Set([plain.headers.etag, gzipped.headers.etag, brotli.headers.etag]).size).toBe(3);
  });

  it("answers a request for an asset the client already has with 304", async () => {
    const web = client(t.app);
    const first = await web.get("/assets/app-abc123.js", { "accept-encoding": "gzip" });
    const again = await web.get("/assets/app-abc123.js", {
      "accept-encoding": "gzip",
      "if-none-match": String(first.headers.etag),
    });
    expect(again.status).toBe(304);
    expect(again.body).toBe("");
  });

  it("serves assets in folders under assets/", async () => {
    const response = await client(t.app).get("/assets/images/logo-def456.svg");
    expect(response.status).toBe(200);
    expect(response.headers["content-type"]).toBe("image/svg+xml");
    expect(response.body).toBe(logoSvg);
  });

  it("answers an unknown asset or API path with a problem+json 404, even to a browser", async () => {
    const web = client(t.app);
    for (const url of ["/assets/missing.js", "/api/v1/nope", "/api", "/docs/extra", "/healthz/x"]) {
      const response = await web.get(url, browser);
      expect(response.status, url).toBe(404);
      expect(response.headers["content-type"]).toContain("application/problem+json");
      expect(response.json.status).toBe(404);
    }
  });

  it("answers an unknown page with a 404 to anything but a browser", async () => {
    const web = client(t.app);
    const json = await web.get("/breaches/123", { accept: "application/json" });
    expect(json.status).toBe(404);
    expect(json.headers["content-type"]).toContain("application/problem+json");
    expect((await web.get("/breaches/123")).status).toBe(404);
    expect((await web.post("/breaches/123", {}, browser)).status).toBe(404);
  });

  it("answers a path with a broken percent-encoding with a 400 problem, under the security headers", async () => {
    const response = await client(t.app).get("/breaches/%E0%A4%A", browser);
    expect(response.status).toBe(400);
    expect(response.headers["content-type"]).toContain("application/problem+json");
    expect(response.headers["content-security-policy"]).toContain("script-src 'self'");
  });

  it("still authenticates the API and serves its documents", async () => {
    const web = client(t.app);
    expect((await web.get("/api/v1/breaches", browser)).status).toBe(401);
    expect((await web.get("/healthz")).json).toEqual({ ok: true });
    expect((await web.get("/openapi.json")).json.openapi).toBe("3.1.0");
  });
});

describe("without a built web desk", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ webDir: join(webDir, "not-built") });
  });
  afterAll(async () => t.close());

  it("says so on / with a 503 while the API works", async () => {
    const web = client(t.app);
    const home = await web.get("/");
    expect(home.status).toBe(503);
    expect(home.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(home.body).toContain("npm run build");
    expect(home.headers["content-security-policy"]).toContain("script-src 'self'");
    expect((await web.get("/setup", browser)).status).toBe(503);
    expect((await web.get("/assets/app-abc123.js")).status).toBe(404);
    expect((await web.get("/healthz")).json).toEqual({ ok: true });
    expect((await web.get("/api/v1/breaches")).status).toBe(401);
  });
});

describe("choosing a content encoding", () => {
  it("prefers brotli, honours q-values and refuses what the client refuses", () => {
    expect(chooseEncoding(undefined, ["br", "gzip"])).toBeNull();
    expect(chooseEncoding("gzip, br", ["br", "gzip"])).toBe("br");
    expect(chooseEncoding("br;q=0.5, gzip", ["br", "gzip"])).toBe("gzip");
    expect(chooseEncoding("br;q=0, *", ["br", "gzip"])).toBe("gzip");
    expect(chooseEncoding("identity", ["br", "gzip"])).toBeNull();
    expect(chooseEncoding("br", ["gzip"])).toBeNull();
  });
});
