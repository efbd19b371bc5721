/**
 * The web desk's JavaScript budget: what a browser must download before the first page shows (the entry chunk and
 * every chunk it imports statically), gzipped, must stay under 250 KB (README, "The web desk"). Pages and the
 * chart library load later, when visited; they are listed too, for the record.
 *
 *   npm run budget:web        # builds the desk into a temporary folder and measures it; exit 1 over budget
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type Manifest } from "vite";

const budgetBytes = 250 * 1000;
const outDir = mkdtempSync(join(tmpdir(), "dpdesk-web-budget-"));

try {
  await build({ logLevel: "warn", build: { outDir, emptyOutDir: true, manifest: true } });
  const manifest = JSON.parse(readFileSync(join(outDir, ".vite", "manifest.json"), "utf8")) as Manifest;
  const gz = (file: string) => gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length;

  const entry = Object.values(manifest).find((chunk) => chunk.isEntry === true);
  if (entry === undefined) throw new Error("the build has no entry chunk");
  // The first page: the entry, its static imports (transitively) and its CSS.
  const first = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (chunk === undefined || first.has(chunk.file)) return;
    first.add(chunk.file);
    for (const css of chunk.css ?? []) first.add(css);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  const entryKey = Object.keys(manifest).find((key) => manifest[key] === entry) ?? "";
  visit(entryKey);

  const kb = (bytes: number) => `${(bytes / 1000).toFixed(1)} KB`;
  const firstJs = [...first].filter((file) => file.endsWith(".js"));
  const firstBytes = firstJs.reduce((sum, file) => sum + gz(file), 0);
  console.log("First page (loaded before anything shows), gzipped:");
  for (const file of first) console.log(`  ${file.padEnd(44)} ${kb(gz(file)).padStart(9)}`);
  console.log("Loaded when a page needs them, gzipped:");
  const later = Object.values(manifest)
    .map((chunk) => chunk.file)
    .filter((file, index, all) => !first.has(file) && all.indexOf(file) === index && file.endsWith(".js"));
  for (const file of later) console.log(`  ${file.padEnd(44)} ${kb(gz(file)).padStart(9)}`);
  const verdict = firstBytes <= budgetBytes ? "within" : "OVER";
  console.log(
    `\nFirst-page JavaScript: ${kb(firstBytes)} gzipped, ${verdict} the ${kb(budgetBytes)} budget (${((firstBytes / budgetBytes) * 100).toFixed(0)}%).`,
  );
  if (firstBytes > budgetBytes) process.exitCode = 1;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
