/**
 * Stored input, output or model parameters back to a value: null when empty (as the reference,
 * which never stores an empty input), otherwise as `parseStoredValue`.
 */
export function parseStoredText(text: string | null): unknown {
  return text === null || text === "" ? null : parseStoredValue(text);
}

/** What JSON text can start with: its whitespace, then the first character of a value. */
const MAYBE_JSON = /^[ \t\n\r]*[[{"0-9tfn-]/;

/** Only a number token with 16 or more digits or a three-digit exponent can be inexact as a double. */
const MAYBE_INEXACT_NUMBER = /\d[\d.]{15}|\d[eE][+-]?\d{3}/;
const NUMBER_TOKEN = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function significantDigits(numberText: string): string {
  return numberText
    .replace(/^-/, "")
    .replace(/[eE].*$/, "")
    .replace(".", "")
    .replace(/^0+/, "")
    .replace(/0+$/, "");
}

/** Whether the double nearest to a JSON number token prints with the same significant digits. */
function isExactAsDouble(token: string): boolean {
  return significantDigits(token) === significantDigits(String(Number(token)));
}

/** Valid JSON text with every number a double would change replaced by a JSON string of its token. */
function quoteInexactNumbers(json: string): string | undefined {
  let out = "";
  let copiedTo = 0;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code === 0x22) {
      for (i++; json.charCodeAt(i) !== 0x22; i++) if (json.charCodeAt(i) === 0x5c) i++;
    } else if (code === 0x2d || (code >= 0x30 && code <= 0x39)) {
      NUMBER_TOKEN.lastIndex = i;
      const token = NUMBER_TOKEN.exec(json)![0];
      if (!isExactAsDouble(token)) {
        out += `${json.slice(copiedTo, i)}"${token}"`;
        copiedTo = i + token.length;
      }
      i += token.length - 1;
    }
  }
  return copiedTo === 0 ? undefined : out + json.slice(copiedTo);
}

/**
 * Stored text back to a value as the reference reads it: JSON when it parses, the text itself
 * otherwise (so an empty metadata value stays ""). A number, at any depth, that a double cannot
 * hold exactly (`9007199254740993`, `1e400`) is returned as its source text, so nothing is silently
 * changed.
 */
export function parseStoredValue(text: string): unknown {
  // Most stored strings that are not JSON (plain text outputs) fail here, not in JSON.parse: a
  // thrown SyntaxError costs microseconds, which a 10,000-observation trace read felt as 10 % of its CPU.
  if (!MAYBE_JSON.test(text)) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  if (!MAYBE_INEXACT_NUMBER.test(text)) return value;
  const exact = quoteInexactNumbers(text);
  return exact === undefined ? value : JSON.parse(exact);
}

export function parseStoredMetadata(metadata: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, parseStoredValue(value)]));
}

/** Sums the entries whose key contains `part` (how the reference derives input/output totals). */
export function sumWhereKeyContains(details: Record<string, number>, part: string): number | null {
  const values = Object.entries(details)
    .filter(([key]) => key.includes(part))
    .map(([, value]) => Number(value));
  return values.length > 0 ? values.reduce((a, b) => a + b, 0) : null;
}

export function numericMap(details: Record<string, number | string>): Record<string, number> {
  return Object.fromEntries(Object.entries(details).map(([key, value]) => [key, Number(value)]));
}

export const secondsBetween = (from: string | null, to: string | null): number | null => (from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : null);
