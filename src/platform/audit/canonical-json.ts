/** JSON with object keys sorted at every level, so the same value always hashes the same (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) sorted[key] = sortKeys(item);
    }
    return sorted;
  }
  return value;
}

/**
 * `canonicalJson(record)` when some of its values are already at hand in canonical form (`written`, by key):
 * the same text, without writing those values again.
 */
export function canonicalJsonWith(record: Record<string, unknown>, written: Record<string, string>): string {
  // Keys in the order canonicalJson writes them: sorted, as an object re-orders them (integer-like keys first).
  const order: Record<string, true> = {};
  for (const key of Object.keys(record).sort()) if (record[key] !== undefined) order[key] = true;
  const parts: string[] = [];
  for (const key of Object.keys(order))
    parts.push(
      `${JSON.stringify(key)}:${Object.hasOwn(written, key) ? String(written[key]) : canonicalJson(record[key])}`,
    );
  return `{${parts.join(",")}}`;
}
