import { isPlainObject } from "./object.ts";
import { parseStoredValue } from "./values.ts";

const TRUNCATED_LENGTH = 200;

/** How a nested leaf is stored in a flattened map: strings as they are, null as "", the rest as JSON. */
function leafText(value: unknown): string {
  if (value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Metadata as the v2 endpoint shows it: nested objects flattened to dot paths, arrays kept as
 * values, null leaves as "". Each leaf is parsed once from the text a flattened map stores for it
 * (a top-level value's own stored text), cut to 200 characters first unless `full`.
 */
export function flattenedMetadata(stored: Record<string, string>, full: boolean): Record<string, unknown> {
  // No prototype: keys such as "constructor" or "__proto__" are data like any other.
  const out: Record<string, unknown> = Object.create(null);
  const leaf = (path: string, text: string) => {
    if (!Object.hasOwn(out, path)) out[path] = parseStoredValue(full ? text : text.slice(0, TRUNCATED_LENGTH));
  };
  const visit = (path: string, value: unknown) => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) visit(`${path}.${key}`, child);
    } else {
      leaf(path, leafText(value));
    }
  };
  for (const [key, text] of Object.entries(stored)) {
    const value = parseStoredValue(text);
    if (isPlainObject(value) && Object.keys(value).length > 0) visit(key, value);
    else leaf(key, value === null ? "" : text);
  }
  return out;
}
