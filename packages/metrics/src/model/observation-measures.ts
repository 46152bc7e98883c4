import type { Measure } from "./types.ts";

/** Sum of the map's values whose key contains `part`, case-insensitively (`input`, `output`). */
const sumWhereKeyContains = (map: string, part: "input" | "output") =>
  `arraySum(mapValues(mapFilter((k, v) -> positionCaseInsensitive(k, '${part}') > 0, ${map})))`;

const outputTokens = sumWhereKeyContains("o.usage_details", "output");

/**
 * Measures of one observation (alias `o`) that both API versions share. `date_diff` counts unit
 * boundaries crossed, as the reference's: a sub-second generation has no per-second throughput.
 */
export const observationMeasures: Record<string, Measure> = {
  count: { sql: "1", type: "integer" },
  latency: { sql: "date_diff('millisecond', o.start_time, o.end_time)", type: "integer" },
  streamingLatency: { sql: "date_diff('millisecond', o.completion_start_time, o.end_time)", type: "integer" },
  timeToFirstToken: { sql: "date_diff('millisecond', o.start_time, o.completion_start_time)", type: "integer" },
  inputTokens: { sql: sumWhereKeyContains("o.usage_details", "input"), type: "integer" },
  outputTokens: { sql: outputTokens, type: "integer" },
  totalTokens: { sql: "o.usage_details['total']", type: "integer" },
  outputTokensPerSecond: { sql: `${outputTokens} / nullIf(date_diff('second', o.completion_start_time, o.end_time), 0)`, type: "decimal" },
  tokensPerSecond: { sql: "o.usage_details['total'] / nullIf(date_diff('second', o.start_time, o.end_time), 0)", type: "decimal" },
  inputCost: { sql: sumWhereKeyContains("o.cost_details", "input"), type: "decimal" },
  outputCost: { sql: sumWhereKeyContains("o.cost_details", "output"), type: "decimal" },
  countScores: { sql: "sc.scores", type: "integer", relation: "scores" },
};
