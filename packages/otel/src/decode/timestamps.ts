import { readInt64 } from "./int64.ts";

/** What ClickHouse's DateTime64 columns can hold: a span outside it cannot be stored as sent. */
const EARLIEST_MS = Date.UTC(1900, 0, 1);
const LATEST_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999);

/** Whether a time in milliseconds fits the DateTime64 columns. */
export const isStorable = (ms: number) => ms >= EARLIEST_MS && ms <= LATEST_MS;

/** Nanoseconds since the epoch → whole milliseconds (sub-millisecond digits are truncated). */
export function nanosToMillis(value: unknown): number | undefined {
  const nanos = readInt64(value);
  return nanos === undefined ? undefined : Number(nanos / 1_000_000n);
}

export interface SpanTimes {
  startMs: number;
  endMs: number;
}

/**
 * Start and end of a span: a missing or unreadable edge is copied from the other one, and both
 * fall back to `now`. Undefined when a time is outside what storage can represent.
 */
export function spanTimes(start: unknown, end: unknown, now: number): SpanTimes | undefined {
  const startMs = nanosToMillis(start);
  const endMs = nanosToMillis(end);
  const times = { startMs: startMs ?? endMs ?? now, endMs: endMs ?? startMs ?? now };
  return isStorable(times.startMs) && isStorable(times.endMs) ? times : undefined;
}

export const isoOf = (ms: number) => new Date(ms).toISOString();
