/**
 * The key that seals personal data of affected people (recipient lists) at rest. The database holds only
 * ciphertext: AES-256-GCM, with the row's place (organisation, breach, person) as additional data, so a sealed
 * value copied into another row does not open. People are found again by a keyed hash (HMAC-SHA-256) of who
 * they are, so that the same person imported twice is one row, and the hash cannot be reversed by guessing
 * e-mail addresses without the key.
 *
 * The key comes from DPDESK_DATA_KEY (32 bytes, base64 or hex) or from a key file (by default
 * `<DPDESK_DATA_DIR>/data.key`, made with mode 0600 on first start). Keep it apart from database backups:
 * without it the recipient lists cannot be read, and with it alone they cannot be found.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  randomFillSync,
} from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export class DataKeyError extends Error {
  override readonly name = "DataKeyError";
}

export interface Sealed {
  nonce: Uint8Array;
  sealed: Uint8Array;
}

/** Nonces drawn from a 12 kB pool of randomness (one system call per 1,024 sealed values, not one each). */
const noncePool = Buffer.alloc(12 * 1024);
let nonceOffset = noncePool.length;

function freshNonce(): Buffer {
  if (nonceOffset + 12 > noncePool.length) {
    randomFillSync(noncePool);
    nonceOffset = 0;
  }
  // Each region is used once: a copy, so that refilling the pool never changes a nonce already given.
  const nonce = Buffer.from(noncePool.subarray(nonceOffset, nonceOffset + 12));
  nonceOffset += 12;
  return nonce;
}

export class DataKey {
  /** The first 16 hex digits of the key's SHA-256: stored beside each sealed value, to name a wrong key. */
  readonly id: string;
  private readonly sealKey: Buffer;
  private readonly hashKey: Buffer;

  constructor(master: Uint8Array) {
    if (master.length !== 32) throw new DataKeyError(`a data key is 32 bytes (got ${String(master.length)})`);
    this.id = createHash("sha256").update(master).digest("hex").slice(0, 16);
    this.sealKey = Buffer.from(hkdfSync("sha256", master, "dpdesk", "seal personal data", 32));
    this.hashKey = Buffer.from(hkdfSync("sha256", master, "dpdesk", "hash person keys", 32));
  }

  /** A new random key (tests, and the key file on first start). */
  static generate(): DataKey {
    return new DataKey(randomBytes(32));
  }

  seal(plain: string, place: string): Sealed {
    const nonce = freshNonce();
    const cipher = createCipheriv("aes-256-gcm", this.sealKey, nonce);
    cipher.setAAD(Buffer.from(place));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return { nonce, sealed: body };
  }

  /** The plain text of a sealed value; throws DataKeyError when the key or the place is wrong. */
  open(value: Sealed & { keyId: string }, place: string): string {
    if (value.keyId !== this.id)
      throw new DataKeyError(
        `sealed with data key ${value.keyId}, but this server has data key ${this.id}: set DPDESK_DATA_KEY (or DPDESK_KEY_FILE) to the key the data was sealed with`,
      );
    const body = Buffer.from(value.sealed);
    const decipher = createDecipheriv("aes-256-gcm", this.sealKey, value.nonce);
    decipher.setAAD(Buffer.from(place));
    decipher.setAuthTag(body.subarray(body.length - 16));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString(
        "utf8",
      );
    } catch {
      throw new DataKeyError(`a sealed value at ${place} does not open: it was changed or moved`);
    }
  }

  /** The keyed hash that finds a person again (32 bytes). */
  personHash(scope: string, personKey: string): Buffer {
    return createHmac("sha256", this.hashKey).update(scope).update("\u0000").update(personKey).digest();
  }
}

/** Reads 32 bytes written as base64 or hex (64 digits); null when the text is neither. */
function decodeKey(text: string): Buffer | null {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (bytes.length === 32) return bytes;
  }
  return null;
}

/**
 * The data key: from `fromEnv` (DPDESK_DATA_KEY) when given, else from `keyFile`, made (mode 0600) when it
 * does not exist yet. Every problem names the variable or the file.
 */
export function loadDataKey(source: { fromEnv?: string; keyFile: string }): DataKey {
  if (source.fromEnv !== undefined) {
    const bytes = decodeKey(source.fromEnv);
    if (bytes === null)
      throw new DataKeyError(
        "DPDESK_DATA_KEY: must be 32 bytes written as base64 (44 characters) or hex (64 digits); make one with: openssl rand -base64 32",
      );
    return new DataKey(bytes);
  }
  let text: string;
  try {
    text = readFileSync(source.keyFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT")
      throw new DataKeyError(
        `${source.keyFile}: the data key file cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    const fresh = randomBytes(32);
    mkdirSync(dirname(source.keyFile), { recursive: true });
    try {
      // "wx": two servers starting at once cannot both write a key; the second reads the first's.
      writeFileSync(source.keyFile, `${fresh.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
      return new DataKey(fresh);
    } catch (writeError) {
      if ((writeError as NodeJS.ErrnoException).code !== "EEXIST")
        throw new DataKeyError(
          `${source.keyFile}: the data key file cannot be written (${(writeError as NodeJS.ErrnoException).code ?? (writeError as Error).message})`,
        );
      text = readFileSync(source.keyFile, "utf8");
    }
  }
  const bytes = decodeKey(text);
  if (bytes === null)
    throw new DataKeyError(
      `${source.keyFile}: not a data key (32 bytes as base64 or hex); restore the file from where you keep it`,
    );
  return new DataKey(bytes);
}
