import { millisecondsBetween, observationColumns } from "@wick/clickhouse";
import { monthOf } from "./months.ts";
import type { Dimension, Measure } from "./types.ts";

const OBSERVATION = observationColumns("o");

/** `amount` per second between two instants; NULL within one second, as whole seconds crossed count. */
const perSecond = (amount: string, from: string, to: string) => `${amount} / nullIf(date_diff('second', ${from}, ${to}), 0)`;

/**
 * Measures of one observation (alias `o`) that both API versions share. `date_diff` counts unit
 * boundaries crossed, as the reference's: a sub-second generation has no per-second throughput.
 */
export const observationMeasures: Record<string, Measure> = {
  count: { sql: "1", type: "integer" },
  latency: { sql: OBSERVATION.latencyMs, type: "integer" },
  streamingLatency: { sql: millisecondsBetween("o.completion_start_time", "o.end_time"), type: "integer" },
  timeToFirstToken: { sql: OBSERVATION.timeToFirstTokenMs, type: "integer" },
  inputTokens: { sql: OBSERVATION.inputUsage, type: "integer" },
  outputTokens: { sql: OBSERVATION.outputUsage, type: "integer" },
  totalTokens: { sql: OBSERVATION.totalUsage, type: "integer" },
  outputTokensPerSecond: { sql: perSecond(OBSERVATION.outputUsage, "o.completion_start_time", "o.end_time"), type: "decimal" },
  tokensPerSecond: { sql: perSecond(OBSERVATION.totalUsage, "o.start_time", "o.end_time"), type: "decimal" },
  inputCost: { sql: OBSERVATION.inputCost, type: "decimal" },
  outputCost: { sql: OBSERVATION.outputCost, type: "decimal" },
  countScores: { sql: "sc.scores", type: "integer", relation: "scores" },
  // NULL, not 0, without tools: `count` and `avg` then only see observations that have them.
  toolDefinitions: { sql: `nullIf(${OBSERVATION.toolDefinitionCount}, 0)`, type: "integer" },
  toolCalls: { sql: `nullIf(${OBSERVATION.toolCallCount}, 0)`, type: "integer" },
};

/** Dimensions of one observation that both API versions share, after its prompt name. */
export const promptVersionAndMonth: Record<string, Dimension> = {
  promptVersion: { sql: "o.prompt_version", type: "string", filterSql: OBSERVATION.promptVersionText },
  startTimeMonth: { sql: monthOf("o.start_time"), type: "string" },
};

/**
 * Tool names as dimensions, one result row per name: an observation counts once under each of its
 * tools, and one without tools drops out of the whole query. Filters test the whole list.
 */
export const toolDimensions: Record<string, Dimension> = {
  toolNames: { sql: `arrayJoin(${OBSERVATION.toolNames})`, filterSql: OBSERVATION.toolNames, type: "string[]" },
  calledToolNames: { sql: "arrayJoin(o.tool_call_names)", filterSql: "o.tool_call_names", type: "string[]" },
};
