/** Identifiers: UUIDv7 (time-ordered, so keys stay clustered), and random secrets for tokens. */
import { createHash, randomBytes, randomFillSync } from "node:crypto";

/** Random bytes for ids, drawn from a pool refilled 4 kB at a time (one system call per 512 ids, not one each). */
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

function randomId16(): Buffer {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  // Each region is used once, so the id is written over its random bytes in place.
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;
  return bytes;
}

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7 for the given moment (RFC 9562): 48 bits of milliseconds, a 12-bit counter, then random bits. Ids
 * made in the same millisecond (or under a clock that stands still, as in tests) still sort in creation order
 * (RFC 9562 §6.2, method 1).
 */
export function newId(nowMs: number = Date.now()): string {
  if (nowMs > lastMs) {
    lastMs = nowMs;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    lastMs += 1;
    sequence = 0;
  }
  const bytes = randomId16();
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** A random secret, URL-safe. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
