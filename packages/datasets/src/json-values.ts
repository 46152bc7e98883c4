/**
 * How item values (input, expected output, metadata) are stored: a string that parses as JSON is
 * stored as the value it denotes, keeping integers beyond a double's precision digit for digit,
 * `""` as null, and C0/C1 control characters leave every string except tab, line feed and return.
 */

/** An integer written in a JSON string that a double cannot hold exactly, kept as its digits. */
class ExactInteger {
  constructor(readonly digits: string) {}
}

/** A value ready to store: its JSON text for Postgres, and its JavaScript value for checks. */
export interface StoredValue {
  json: string;
  value: unknown;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters stripped from stored strings, as the reference does.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;
/** Integer digits no double can hold exactly start at 16 digits. */
const LONG_DIGIT_RUN = /\d{16}/;
const NUMBER_TOKEN = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * The JSON text with every integer token beyond a double's precision written as a string holding
 * a marker (NUL, then `nonce`) and its digits, so that `JSON.parse` hands them over untouched.
 */
function markLongIntegers(text: string, nonce: string): string {
  let out = "";
  let copiedUpTo = 0;
  for (let i = 0; i < text.length; ) {
    const char = text[i]!;
    if (char === '"') {
      // Skip the string, escapes included: digits inside it are text, not numbers.
      for (i += 1; i < text.length && text[i] !== '"'; i += text[i] === "\\" ? 2 : 1);
      i += 1;
      continue;
    }
    if (char !== "-" && (char < "0" || char > "9")) {
      i += 1;
      continue;
    }
    NUMBER_TOKEN.lastIndex = i;
    const match = NUMBER_TOKEN.exec(text);
    if (!match) {
      i += 1;
      continue;
    }
    const token = match[0];
    const isInteger = match[1] === undefined && match[2] === undefined;
    if (isInteger && !Number.isSafeInteger(Number(token))) {
      out += `${text.slice(copiedUpTo, i)}"\\u0000${nonce}${token}"`;
      copiedUpTo = i + token.length;
    }
    i += token.length;
  }
  return out + text.slice(copiedUpTo);
}

function withoutControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, "");
}

/** Strips control characters from every string (keys stay as sent) and restores marked integers. */
function cleaned(value: unknown, marker: string | undefined): unknown {
  if (typeof value === "string") {
    if (marker !== undefined && value.startsWith(marker)) return new ExactInteger(value.slice(marker.length));
    return withoutControlCharacters(value);
  }
  if (Array.isArray(value)) return value.map((item) => cleaned(item, marker));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = cleaned(item, marker);
    return out;
  }
  return value;
}

function hasExactIntegers(value: unknown): boolean {
  if (value instanceof ExactInteger) return true;
  if (Array.isArray(value)) return value.some(hasExactIntegers);
  if (isPlainObject(value)) return Object.values(value).some(hasExactIntegers);
  return false;
}

function jsonText(value: unknown): string {
  if (value instanceof ExactInteger) return value.digits;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(",")}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${jsonText(item)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The value as a double-based JavaScript value, which schema checks and responses work with. */
function approximated(value: unknown): unknown {
  if (value instanceof ExactInteger) return Number(value.digits);
  if (Array.isArray(value)) return value.map(approximated);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = approximated(item);
    return out;
  }
  return value;
}

/** The JSON value a string denotes, or undefined when it is not JSON. */
function parsedJson(text: string): { value: unknown; exact: boolean } | undefined {
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!LONG_DIGIT_RUN.test(text)) return { value: cleaned(plain, undefined), exact: false };
  // A marker no string keeps: it starts with NUL, which every string loses.
  const nonce = `${Math.random().toString(36).slice(2)}:`;
  const value = cleaned(JSON.parse(markLongIntegers(text, nonce)), `\u0000${nonce}`);
  return { value, exact: hasExactIntegers(value) };
}

/**
 * What an item field stores for a value sent in a request: undefined for absent or null (the
 * field keeps its value), null for `""` or a string that is JSON `null`, otherwise the value.
 */
export function storedValue(sent: unknown): StoredValue | null | undefined {
  if (sent === undefined || sent === null) return undefined;
  if (sent === "") return null;
  const parsed = typeof sent === "string" ? (parsedJson(sent) ?? { value: withoutControlCharacters(sent), exact: false }) : { value: cleaned(sent, undefined), exact: false };
  if (parsed.value === null) return null;
  if (!parsed.exact) return { json: JSON.stringify(parsed.value), value: parsed.value };
  return { json: jsonText(parsed.value), value: approximated(parsed.value) };
}
