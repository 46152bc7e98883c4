/** `2025-01-01 10:00:00.123` (ClickHouse, UTC) → `2025-01-01T10:00:00.123Z`. */
export function isoFromClickHouse(value: string): string;
export function isoFromClickHouse(value: string | null): string | null;
export function isoFromClickHouse(value: string | null): string | null {
  if (value === null) return null;
  return `${value.replace(" ", "T")}${value.includes(".") ? "" : ".000"}Z`;
}

/**
 * Stored text back to a value: JSON when it parses, the text itself otherwise. An integer that a
 * double cannot hold exactly is returned as its digits, so no precision is silently lost.
 */
export function parseStoredText(text: string | null): unknown {
  if (text === null || text === "") return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) return text.trim();
    return value;
  } catch {
    return text;
  }
}

export function parseStoredMetadata(metadata: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metadata).map(([key, value]) => [key, parseStoredText(value)]));
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

export const secondsBetween = (from: string | null, to: string | null): number | null =>
  from && to ? (Date.parse(to) - Date.parse(from)) / 1000 : null;
