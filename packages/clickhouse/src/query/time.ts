/** The parameter type of an instant: every time column of the tracing tables is one. */
export const DATETIME64 = "DateTime64(3, 'UTC')";

/**
 * An ISO 8601 text parameter (any offset, as clients send it) read as a UTC instant. `placeholder`
 * is a bound `{name:String}`.
 */
export const instantFromText = (placeholder: string) => `parseDateTime64BestEffort(${placeholder}, 3, 'UTC')`;

/** Milliseconds from one instant to another, NULL when either is; ClickHouse counts unit boundaries crossed. */
export const millisecondsBetween = (from: string, to: string) => `date_diff('millisecond', ${from}, ${to})`;

/** DateTime64's range: instants outside it would not survive the round trip. */
const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(2300, 0, 1);

export const storableInstant = (ms: number) => ms >= EARLIEST && ms < LATEST;

/** `2025-01-01T10:00:00.123Z` → `2025-01-01 10:00:00.123`, the text of a DateTime64(3, 'UTC') parameter. */
/** The UTC day (`YYYY-MM-DD`, a Date32 as text) of an instant: ISO text, milliseconds or a Date. */
export const utcDayOf = (instant: string | number | Date) => new Date(instant).toISOString().slice(0, 10);

export const clickHouseInstant = (instant: Date) => instant.toISOString().replace("T", " ").replace("Z", "");

/** `2025-01-01 10:00:00.123` (ClickHouse, UTC) → `2025-01-01T10:00:00.123Z`. */
export function isoFromClickHouse(value: string): string;
export function isoFromClickHouse(value: string | null): string | null;
export function isoFromClickHouse(value: string | null): string | null {
  if (value === null) return null;
  return `${value.replace(" ", "T")}${value.includes(".") ? "" : ".000"}Z`;
}
