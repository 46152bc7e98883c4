/**
 * A merged row as it is sent to ClickHouse: without its nulls and empty maps and arrays. A column
 * left out of a JSONEachRow row takes its default, and in Wick's tables that default is exactly
 * this: NULL for Nullable columns (none has another default), an empty Map or Array otherwise. The
 * stored row is the same, and an observation row shrinks from about 50 keys to under 30, which
 * spares both serialising and parsing them (about 8 µs of CPU per 2 KB row measured on chDB).
 */
export function withoutDefaults(row: object): Record<string, unknown> {
  const fields = row as Record<string, unknown>;
  const sent: Record<string, unknown> = {};
  // Rows are plain objects built by the folds: every enumerable key is an own column.
  for (const key in fields) {
    const value = fields[key];
    if (value === null || value === undefined || isEmptyCollection(value)) continue;
    sent[key] = value;
  }
  return sent;
}

function isEmptyCollection(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value !== "object" || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const _ in value) return false;
  return true;
}
