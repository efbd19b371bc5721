import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DataKey, DataKeyError, loadDataKey } from "./data-key.js";

const dir = mkdtempSync(join(tmpdir(), "dpdesk-key-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("the data key", () => {
  it("seals and opens; a value moved to another place, changed, or opened with another key does not open", () => {
    const key = DataKey.generate();
    const sealed = key.seal('{"email":"ann@example.org"}', "org/breach/p1");
    expect(Buffer.from(sealed.sealed).toString("latin1")).not.toContain("ann@");
    expect(key.open({ ...sealed, keyId: key.id }, "org/breach/p1")).toBe('{"email":"ann@example.org"}');
    expect(() => key.open({ ...sealed, keyId: key.id }, "org/breach/p2")).toThrow(/changed or moved/);
    const changed = Buffer.from(sealed.sealed);
    changed[0] = (changed[0] ?? 0) ^ 1;
    expect(() => key.open({ nonce: sealed.nonce, sealed: changed, keyId: key.id }, "org/breach/p1")).toThrow(
      DataKeyError,
    );
    const other = DataKey.generate();
    expect(() => other.open({ ...sealed, keyId: key.id }, "org/breach/p1")).toThrow(
      new RegExp(`sealed with data key ${key.id}, but this server has data key ${other.id}`),
    );
  });

  it("hashes a person the same way each time, differently per scope and per key", () => {
    const master = Buffer.alloc(32, 7);
    const a = new DataKey(master);
    const b = new DataKey(master);
    expect(
      a.personHash("org/b1", "eann@example.org").equals(b.personHash("org/b1", "eann@example.org")),
    ).toBe(true);
    expect(
      a.personHash("org/b1", "eann@example.org").equals(a.personHash("org/b2", "eann@example.org")),
    ).toBe(false);
    expect(a.personHash("org/b1", "x").equals(DataKey.generate().personHash("org/b1", "x"))).toBe(false);
  });

  it("makes a key file (mode 0600) on first use and reads the same key after", () => {
    const file = join(dir, "sub", "data.key");
    const first = loadDataKey({ keyFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadDataKey({ keyFile: file }).id).toBe(first.id);
    expect(readFileSync(file, "utf8").trim()).toHaveLength(44);
  });

  it("takes DPDESK_DATA_KEY as base64 or hex, and names the variable or file when it is wrong", () => {
    const bytes = Buffer.alloc(32, 9);
    const fromBase64 = loadDataKey({ fromEnv: bytes.toString("base64"), keyFile: join(dir, "unused") });
    expect(loadDataKey({ fromEnv: bytes.toString("hex"), keyFile: join(dir, "unused") }).id).toBe(
      fromBase64.id,
    );
    expect(() => loadDataKey({ fromEnv: "short", keyFile: join(dir, "unused") })).toThrow(
      /^DPDESK_DATA_KEY: must be 32 bytes/,
    );
    const bad = join(dir, "bad.key");
    writeFileSync(bad, "not a key\n");
    expect(() => loadDataKey({ keyFile: bad })).toThrow(`${bad}: not a data key`);
  });
});
