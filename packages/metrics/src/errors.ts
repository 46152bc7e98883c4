import { InvalidRequestError, TooExpensiveError } from "@wick/errors";
import type { ApiVersion } from "./model/index.ts";

/** A query the engine cannot run as asked: the client's to fix (400), with a message naming the problem. */
export class MetricsQueryError extends InvalidRequestError {}

const NARROW_YOUR_QUERY = "Your query could not be completed. Please narrow your request by adding more specific filters (e.g., a shorter date range).";
const TRY_V2 = "\nConsider using the v2 metrics endpoint (GET /api/public/v2/metrics), which is optimized for large projects.";

/**
 * ClickHouse gave up on a valid query (memory or time limit): the client should narrow it (422).
 * The message is the reference's, which points v1 callers at v2; ClickHouse's own words are the cause.
 */
export class MetricsResourceError extends TooExpensiveError {
  constructor(version: ApiVersion, options: ErrorOptions) {
    super(version === "v1" ? NARROW_YOUR_QUERY + TRY_V2 : NARROW_YOUR_QUERY, options);
  }
}
