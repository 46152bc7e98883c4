/** JavaScript truthiness, the reference's test for "set": not undefined, null, "", 0, false or NaN. */
export const isTruthy = (value: unknown): boolean => Boolean(value);

/** Set and not empty: not null/undefined/"", not an empty array or object. */
export function isNonEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** A string as it is, anything else as its JSON text. */
export const asText = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/** Characters a JSON text can start with; checking first spares a thrown error for plain text. */
const JSON_START = /^\s*[[{"\d\-tfn]/;

/** The JSON a string holds, or undefined when it is not a string or not JSON. */
export function parseJson(value: unknown): unknown {
  if (typeof value !== "string" || !JSON_START.test(value)) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);
