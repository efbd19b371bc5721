/** Passwords are stored as argon2id hashes (RFC 9106 parameters: 19 MiB, 2 passes). */
import { hash, verify } from "@node-rs/argon2";

const options = { algorithm: 2 /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of a random password, compared against when no user matches, so timing does not reveal accounts. */
export const decoyHash = await hashPassword("decoy-password-that-no-one-has");
