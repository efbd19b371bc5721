/** The hash of a stored row in canonical form, recorded in audit events and recomputed by verification. */
import { sha256Hex } from "../ids.js";
import { canonicalJson } from "./canonical-json.js";

export function rowStateHash(row: object): string {
  return sha256Hex(canonicalJson(row));
}
