import { isPlainObject } from "./object.ts";
import { parseStoredText } from "./values.ts";

const TRUNCATED_LENGTH = 200;

function leafText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Metadata as the v2 endpoint shows it: nested objects flattened to dot paths, arrays kept as
 * values, null leaves as "", and — unless `full` — each leaf cut to 200 characters before parsing.
 */
export function flattenedMetadata(stored: Record<string, string>, full: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const visit = (path: string, value: unknown) => {
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) visit(`${path}.${key}`, child);
      return;
    }
    if (path in out) return;
    if (value === null) {
      out[path] = "";
      return;
    }
    const text = leafText(value);
    out[path] = full ? value : parseStoredText(text.slice(0, TRUNCATED_LENGTH));
  };
  for (const [key, text] of Object.entries(stored)) visit(key, parseStoredText(text));
  return out;
}
