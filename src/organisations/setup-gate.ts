/** The one-time set-up token printed at first start, when no organisation exists yet. Held in memory only. */
import { timingSafeEqual } from "node:crypto";
import { newSecret } from "../platform/ids.js";

export interface SetupGate {
  token: string;
  consume(candidate: string): boolean;
}

export function createSetupGate(): SetupGate {
  let token: string | null = newSecret(18);
  const issued = token;
  return {
    token: issued,
    consume(candidate) {
      if (token === null) return false;
      const a = Buffer.from(candidate);
      const b = Buffer.from(token);
      if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
      token = null;
      return true;
    },
  };
}
