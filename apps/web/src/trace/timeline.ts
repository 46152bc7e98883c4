/** Places observations on the trace's time axis, as fractions of the whole span. */

export interface Timed {
  startTime: string;
  endTime: string | null;
}

export interface TimeSpan {
  start: number;
  end: number;
}

/** From the earliest start to the latest end (an unfinished observation ends where it starts). */
export function timeSpan(items: readonly Timed[], traceTimestamp?: string): TimeSpan {
  let start = traceTimestamp ? Date.parse(traceTimestamp) : Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const item of items) {
    const from = Date.parse(item.startTime);
    const to = item.endTime ? Date.parse(item.endTime) : from;
    if (from < start) start = from;
    if (Math.max(from, to) > end) end = Math.max(from, to);
  }
  if (!Number.isFinite(start)) return { start: 0, end: 0 };
  return { start, end: Math.max(start, end) };
}

export interface Bar {
  /** Fractions of the span, 0 to 1. */
  offset: number;
  width: number;
  durationMs: number | null;
}

/** A bar never vanishes: a zero-length or unfinished observation still gets `minWidth` of the axis. */
export function barFor(item: Timed, span: TimeSpan, minWidth = 0.002): Bar {
  const length = span.end - span.start;
  const from = Date.parse(item.startTime);
  const to = item.endTime ? Date.parse(item.endTime) : null;
  const durationMs = to === null ? null : Math.max(0, to - from);
  if (length <= 0) return { offset: 0, width: 1, durationMs };
  const offset = Math.min(1, Math.max(0, (from - span.start) / length));
  const width = Math.max(minWidth, Math.min(1 - offset, (durationMs ?? 0) / length));
  return { offset: Math.min(offset, 1 - minWidth), width, durationMs };
}

/** Evenly spaced axis labels in milliseconds from the start. */
export function axisTicks(span: TimeSpan, count = 4): number[] {
  const length = span.end - span.start;
  return Array.from({ length: count + 1 }, (_, i) => (length * i) / count);
}
