// The embedded database is one process's: a second process is refused while the first lives.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DatabaseInUse, openDatabase } from "./database.js";

const dir = mkdtempSync(join(tmpdir(), "dpdesk-lock-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("the embedded database's lock", () => {
  it("is held while open, refuses a living owner, takes over from a dead one, and goes on close", async () => {
    const dataDir = join(dir, "data");
    const lock = `${dataDir}.lock`;
    // Another process (the test runner's parent, which is alive) holds it.
    writeFileSync(lock, String(process.ppid));
    await expect(openDatabase({ kind: "pglite", dataDir })).rejects.toThrow(DatabaseInUse);
    await expect(openDatabase({ kind: "pglite", dataDir })).rejects.toThrow(`pid ${String(process.ppid)}`);
    // A process that died without closing: its lock is taken over.
    writeFileSync(lock, "999999999");
    const database = await openDatabase({ kind: "pglite", dataDir });
    expect(readFileSync(lock, "utf8")).toBe(String(process.pid));
    // A second open in the same process is refused too, and does not take the first one's lock away.
    await expect(openDatabase({ kind: "pglite", dataDir: `${dataDir}/` })).rejects.toThrow(DatabaseInUse);
    expect(readFileSync(lock, "utf8")).toBe(String(process.pid));
    await database.close();
    expect(existsSync(lock)).toBe(false);
    // Junk in the lock file is not a dpdesk process: taken over.
    writeFileSync(lock, "");
    await (await openDatabase({ kind: "pglite", dataDir })).close();
  });
});
