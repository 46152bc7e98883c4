import { observationColumns } from "@wick/clickhouse";
import type { Dimension, Measure } from "./types.ts";

const OBSERVATION = observationColumns("o");

/**
 * Measures of one observation (alias `o`) that both API versions share. `date_diff` counts unit
 * boundaries crossed, as the reference's: a sub-second generation has no per-second throughput.
 */
export const observationMeasures: Record<string, Measure> = {
  count: { sql: "1", type: "integer" },
  latency: { sql: "date_diff('millisecond', o.start_time, o.end_time)", type: "integer" },
  streamingLatency: { sql: "date_diff('millisecond', o.completion_start_time, o.end_time)", type: "integer" },
  timeToFirstToken: { sql: "date_diff('millisecond', o.start_time, o.completion_start_time)", type: "integer" },
  inputTokens: { sql: OBSERVATION.inputUsage, type: "integer" },
  outputTokens: { sql: OBSERVATION.outputUsage, type: "integer" },
  totalTokens: { sql: "o.usage_details['total']", type: "integer" },
  outputTokensPerSecond: { sql: `${OBSERVATION.outputUsage} / nullIf(date_diff('second', o.completion_start_time, o.end_time), 0)`, type: "decimal" },
  tokensPerSecond: { sql: "o.usage_details['total'] / nullIf(date_diff('second', o.start_time, o.end_time), 0)", type: "decimal" },
  inputCost: { sql: OBSERVATION.inputCost, type: "decimal" },
  outputCost: { sql: OBSERVATION.outputCost, type: "decimal" },
  countScores: { sql: "sc.scores", type: "integer", relation: "scores" },
  // NULL, not 0, without tools: `count` and `avg` then only see observations that have them.
  toolDefinitions: { sql: "nullIf(length(mapKeys(o.tool_definitions)), 0)", type: "integer" },
  toolCalls: { sql: "nullIf(length(o.tool_calls), 0)", type: "integer" },
};

/**
 * Tool names as dimensions, one result row per name: an observation counts once under each of its
 * tools, and one without tools drops out of the whole query. Filters test the whole list.
 */
export const toolDimensions: Record<string, Dimension> = {
  toolNames: { sql: "arrayJoin(mapKeys(o.tool_definitions))", filterSql: "mapKeys(o.tool_definitions)", type: "string[]" },
  calledToolNames: { sql: "arrayJoin(o.tool_call_names)", filterSql: "o.tool_call_names", type: "string[]" },
};
