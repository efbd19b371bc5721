/** A readable page of the API, rendered on the server from the OpenAPI document (no scripts). */
interface OpenApiLike {
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, { summary?: string; description?: string; tags?: string[] }>>;
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char] ?? char,
  );
}

export function renderApiDocs(document: unknown): string {
  const spec = document as OpenApiLike;
  const rows: string[] = [];
  for (const [path, operations] of Object.entries(spec.paths ?? {}))
    for (const [method, operation] of Object.entries(operations))
      rows.push(
        `<tr><td><code class="m ${escapeHtml(method)}">${escapeHtml(method.toUpperCase())}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(operation.summary ?? "")}${operation.description === undefined ? "" : `<br><small>${escapeHtml(operation.description)}</small>`}</td></tr>`,
      );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(spec.info?.title ?? "API")}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
table{border-collapse:collapse;width:100%}td{border-top:1px solid #d0d7de;padding:.5rem;vertical-align:top}
code{font:14px ui-monospace,monospace}.m{font-weight:700}.get{color:#0969da}.post{color:#1a7f37}.patch{color:#9a6700}.delete{color:#cf222e}</style></head>
<body><h1>${escapeHtml(spec.info?.title ?? "API")} <small>${escapeHtml(spec.info?.version ?? "")}</small></h1>
<p>${escapeHtml(spec.info?.description ?? "")}</p>
<p>Authenticate with <code>Authorization: Bearer &lt;token&gt;</code> or a session cookie from <code>POST /api/v1/session</code> (writes then need <code>X-CSRF-Token</code>). Errors are <code>application/problem+json</code> naming each field. The machine-readable document is <a href="/openapi.json">/openapi.json</a>.</p>
<table><tbody>${rows.join("\n")}</tbody></table></body></html>`;
}
