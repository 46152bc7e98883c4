import { MetricsQueryError } from "../errors.ts";

/** ClickHouse's DateTime64 range; instants outside it would not survive the round trip. */
const EARLIEST = Date.UTC(1900, 0, 1);
const LATEST = Date.UTC(2300, 0, 1);

/** A bound `DateTime64(3, 'UTC')` value: `YYYY-MM-DD HH:MM:SS.mmm` in UTC. */
export function clickhouseDateTime(instant: Date, what: string): string {
  const ms = instant.getTime();
  if (!(ms >= EARLIEST && ms < LATEST)) throw new MetricsQueryError(`${what} must lie between 1900-01-01 and 2299-12-31`);
  return instant.toISOString().replace("T", " ").replace("Z", "");
}
