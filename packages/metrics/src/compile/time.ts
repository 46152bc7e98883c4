import type { MetricsGranularity } from "@wick/contracts";
import { MetricsQueryError } from "../errors.ts";

export type Granularity = Exclude<MetricsGranularity, "auto">;

const HOUR_MS = 3_600_000;

/** Bucket function (applied to the time column and to the fill bounds alike) and fill step. */
const BUCKETS: Record<Granularity, { fn: string; step: string; approxMs: number }> = {
  minute: { fn: "toStartOfMinute", step: "INTERVAL 1 MINUTE", approxMs: 60_000 },
  hour: { fn: "toStartOfHour", step: "INTERVAL 1 HOUR", approxMs: HOUR_MS },
  day: { fn: "toDate", step: "INTERVAL 1 DAY", approxMs: 24 * HOUR_MS },
  week: { fn: "toMonday", step: "INTERVAL 1 WEEK", approxMs: 7 * 24 * HOUR_MS },
  month: { fn: "toStartOfMonth", step: "INTERVAL 1 MONTH", approxMs: 30 * 24 * HOUR_MS },
};

/**
 * Most buckets gap filling may synthesize. The reference has no cap, but a minute series over
 * years would stream millions of empty rows; this allows a month of minutes.
 */
const MAX_FILLED_BUCKETS = 50_000;

// Date buckets hold 1970–2149 and DateTime buckets 1970–2106: outside, ClickHouse wraps around.
const BUCKETABLE_FROM = Date.UTC(1970, 0, 1);
const BUCKETABLE_TO = Date.UTC(2106, 0, 1);

/** `auto`: fixed thresholds on the window length, as the reference's (not "about 50 buckets"). */
export function resolveGranularity(granularity: MetricsGranularity, fromMs: number, toMs: number): Granularity {
  if (granularity !== "auto") return granularity;
  const hours = (toMs - fromMs) / HOUR_MS;
  if (hours < 2) return "minute";
  if (hours < 72) return "hour";
  if (hours < 1440) return "day";
  if (hours < 8760) return "week";
  return "month";
}

export function assertBucketable(fromMs: number, toMs: number): void {
  if (fromMs < BUCKETABLE_FROM || toMs >= BUCKETABLE_TO) {
    throw new MetricsQueryError("With a timeDimension, fromTimestamp and toTimestamp must lie between 1970-01-01 and 2105-12-31");
  }
}

/** Refuses windows whose gap filling would synthesize more than MAX_FILLED_BUCKETS rows. */
export function assertFillable(granularity: Granularity, fromMs: number, toMs: number): void {
  const buckets = Math.ceil((toMs - fromMs) / BUCKETS[granularity].approxMs);
  if (buckets > MAX_FILLED_BUCKETS) {
    throw new MetricsQueryError(
      `The time range spans about ${buckets} '${granularity}' buckets; gap filling allows at most ${MAX_FILLED_BUCKETS}. ` +
        "Choose a coarser granularity, a shorter range, or an explicit orderBy (which turns gap filling off).",
    );
  }
}

/** The bucket of a time expression: ISO date-times for minute/hour, dates for day/week/month, in UTC. */
export function bucketSql(granularity: Granularity, time: string): string {
  return `${BUCKETS[granularity].fn}(${time})`;
}

/** Fills missing buckets from the window's first bucket (inclusive) to its last (exclusive), as the reference's. */
export function withFillSql(granularity: Granularity, from: string, to: string): string {
  const { fn, step } = BUCKETS[granularity];
  return `WITH FILL FROM ${fn}(${from}) TO ${fn}(${to}) STEP ${step}`;
}
