/**
 * Text PostgreSQL cannot store exactly: NUL characters, and UTF-16 surrogates without their pair (JSON allows
 * "\ud800", PostgreSQL would refuse it or store U+FFFD). Refused at the door with the field named, so that
 * what is stored is what was sent — and the audit chain's row hashes stay true.
 */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (key or value) that cannot be stored, or null. */
export function findUnstorableText(value: unknown, path: string[] = []): string[] | null {
  if (typeof value === "string") return unstorable.test(value) ? path : null;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findUnstorableText(value[index], [...path, String(index)]);
      if (found !== null) return found;
    }
    return null;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (unstorable.test(key)) return [...path, key.replace(unstorable, "?")];
      const found = findUnstorableText(item, [...path, key]);
      if (found !== null) return found;
    }
  }
  return null;
}
