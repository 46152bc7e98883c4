import { clickHouseInstant, DATETIME64, storableInstant, type ParamBag } from "@wick/clickhouse";
import { MetricsQueryError } from "../errors.ts";

/** Binds an instant as a DateTime64 parameter, refused as the client's mistake outside what ClickHouse holds. */
export function bindInstant(params: ParamBag, instant: Date, what: string): string {
  if (!storableInstant(instant.getTime())) throw new MetricsQueryError(`${what} must lie between 1900-01-01 and 2299-12-31`);
  return params.bind(clickHouseInstant(instant), DATETIME64);
}
