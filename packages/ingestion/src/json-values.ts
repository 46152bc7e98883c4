export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Metadata as an object, whatever shape it was sent in: objects as they are, scalars and arrays
 * under a `metadata` key, and nothing for absent or falsy values.
 */
export function metadataObject(value: unknown): JsonObject {
  if (isPlainObject(value)) return value;
  if (Array.isArray(value)) return { metadata: JSON.stringify(value) };
  if (value === undefined || value === null || value === false || value === 0 || value === "") return {};
  return { metadata: String(value) };
}

/**
 * Deep merge within one fold: objects merge key by key, arrays by index, anything else is replaced.
 * Keys are never removed.
 */
export function deepMerge(target: unknown, source: unknown): unknown {
  if (Array.isArray(target) && Array.isArray(source)) {
    const merged = [...target];
    source.forEach((item, index) => {
      merged[index] = index < target.length ? deepMerge(target[index], item) : item;
    });
    return merged;
  }
  if (isPlainObject(target) && isPlainObject(source)) {
    const merged: JsonObject = { ...target };
    for (const [key, value] of Object.entries(source)) {
      merged[key] = key in target ? deepMerge(target[key], value) : value;
    }
    return merged;
  }
  return source;
}

/** Top-level metadata as stored in ClickHouse: strings as they are, everything else as JSON text. */
export function storedMetadata(metadata: JsonObject): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, storedText(value)]));
}

/** Input/output and metadata values as text: a string unchanged, anything else as its JSON. */
export function storedText(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value === undefined ? null : value);
}

/** Input/output count only when truthy: `null`, `""`, `0` and `false` never overwrite. */
export function isTruthy(value: unknown): boolean {
  return Boolean(value);
}
