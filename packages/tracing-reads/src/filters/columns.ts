import { observationColumns } from "@wick/clickhouse";

/** Filter types a column declares; conditions of another type are refused (null checks excepted). */
export type DeclaredType = "string" | "stringOptions" | "arrayOptions" | "datetime" | "number" | "boolean" | "stringObject";

export interface FilterColumn {
  /** SQL over one row of the table named by `table`. */
  sql: string;
  table: "observations" | "traces" | "scores" | "trace_observations";
  declared?: DeclaredType;
  /** The query parameter an advanced condition on this column overrides (same underlying column). */
  overrides?: string[];
  /** Input/output: only `string` conditions, and at least one `=` or `matches` among them. */
  io?: boolean;
  /** '' counts as null for null checks and empty-string equality. */
  emptyIsNull?: boolean;
}

const entry = (map: string, key: string) => `if(mapContains(${map}, '${key}'), toFloat64(${map}['${key}']), NULL)`;

const OBSERVATION = observationColumns();

/** The columns the v2 observations `filter` accepts, by id. */
export const OBSERVATION_FILTER_COLUMNS: Record<string, FilterColumn> = {
  id: { sql: "id", table: "observations", declared: "stringOptions" },
  name: { sql: "ifNull(name, '')", table: "observations", declared: "stringOptions", overrides: ["name"] },
  type: { sql: "type", table: "observations", declared: "stringOptions", overrides: ["type"] },
  environment: { sql: "environment", table: "observations", declared: "stringOptions", overrides: ["environment"] },
  traceEnvironment: { sql: "environment", table: "observations", overrides: ["environment"] },
  level: { sql: "level", table: "observations", declared: "stringOptions", overrides: ["level"] },
  promptName: { sql: "ifNull(prompt_name, '')", table: "observations", declared: "stringOptions" },
  modelId: { sql: "ifNull(internal_model_id, '')", table: "observations", declared: "stringOptions" },
  providedModelName: { sql: "ifNull(provided_model_name, '')", table: "observations", declared: "stringOptions" },
  model: { sql: "ifNull(provided_model_name, '')", table: "observations" },
  traceId: { sql: "trace_id", table: "observations", declared: "string", overrides: ["traceId"] },
  version: { sql: "ifNull(version, '')", table: "observations", declared: "string", overrides: ["version"] },
  statusMessage: { sql: "ifNull(status_message, '')", table: "observations", declared: "string" },
  input: { sql: "ifNull(input, '')", table: "observations", declared: "string", io: true },
  output: { sql: "ifNull(output, '')", table: "observations", declared: "string", io: true },
  parentObservationId: { sql: "ifNull(parent_observation_id, '')", table: "observations", overrides: ["parentObservationId"], emptyIsNull: true },
  startTime: { sql: "start_time", table: "observations", declared: "datetime", overrides: ["fromStartTime", "toStartTime"] },
  endTime: { sql: "end_time", table: "observations", declared: "datetime" },
  latency: { sql: "dateDiff('millisecond', start_time, end_time) / 1000", table: "observations", declared: "number" },
  timeToFirstToken: { sql: "dateDiff('millisecond', start_time, completion_start_time) / 1000", table: "observations", declared: "number" },
  inputTokens: { sql: OBSERVATION.inputUsage, table: "observations", declared: "number" },
  outputTokens: { sql: OBSERVATION.outputUsage, table: "observations", declared: "number" },
  totalTokens: { sql: entry("usage_details", "total"), table: "observations", declared: "number" },
  tokens: { sql: entry("usage_details", "total"), table: "observations" },
  inputCost: { sql: OBSERVATION.inputCost, table: "observations", declared: "number" },
  outputCost: { sql: OBSERVATION.outputCost, table: "observations", declared: "number" },
  totalCost: { sql: entry("cost_details", "total"), table: "observations", declared: "number" },
  promptVersion: { sql: "prompt_version", table: "observations", declared: "number" },
  metadata: { sql: "metadata", table: "observations", declared: "stringObject" },
  isRootObservation: { sql: OBSERVATION.isRoot, table: "observations", declared: "boolean", overrides: ["isRootObservation"] },
  hasParentObservation: { sql: "parent_observation_id IS NOT NULL", table: "observations", declared: "boolean" },
  hasInput: { sql: "ifNull(input, '') != ''", table: "observations", declared: "boolean" },
  hasOutput: { sql: "ifNull(output, '') != ''", table: "observations", declared: "boolean" },
  toolNames: { sql: "mapKeys(tool_definitions)", table: "observations", declared: "arrayOptions" },
  calledToolNames: { sql: "tool_call_names", table: "observations", declared: "arrayOptions" },
  toolDefinitions: { sql: "length(mapKeys(tool_definitions))", table: "observations", declared: "number" },
  toolCalls: { sql: "length(tool_calls)", table: "observations", declared: "number" },
  experimentId: { sql: "experiment_id", table: "observations", declared: "stringOptions", emptyIsNull: true },
  experimentName: { sql: "experiment_name", table: "observations", declared: "stringOptions" },
  experimentDatasetId: { sql: "experiment_dataset_id", table: "observations", declared: "stringOptions" },
  isExperimentItemRootSpan: { sql: "experiment_item_root_span_id = id", table: "observations", declared: "boolean" },
  ingestionApiKey: { sql: "ingestion_public_key", table: "observations", declared: "stringOptions" },
  ingestionSdkName: { sql: "ingestion_sdk_name", table: "observations", declared: "stringOptions" },
  ingestionSdkVersion: { sql: "ingestion_sdk_version", table: "observations", declared: "stringOptions" },
  traceName: { sql: "ifNull(name, '')", table: "traces", declared: "stringOptions" },
  userId: { sql: "ifNull(user_id, '')", table: "traces", declared: "string", overrides: ["userId"] },
  sessionId: { sql: "ifNull(session_id, '')", table: "traces", declared: "string", overrides: ["sessionId"] },
  release: { sql: "ifNull(release, '')", table: "traces", declared: "string", emptyIsNull: true },
  traceTags: { sql: "tags", table: "traces", declared: "arrayOptions" },
  tags: { sql: "tags", table: "traces" },
};

const traceColumn = (sql: string, declared?: DeclaredType, overrides?: string[]): FilterColumn => ({ sql, table: "traces", declared, overrides });

/** The columns the `GET /traces` filter accepts: the trace's own fields (ids and display names). */
export const TRACE_FILTER_COLUMNS: Record<string, FilterColumn> = {
  id: traceColumn("id", "string"),
  traceId: traceColumn("id", "string"),
  name: traceColumn("ifNull(name, '')", "stringOptions", ["name"]),
  traceName: traceColumn("ifNull(name, '')", "stringOptions", ["name"]),
  timestamp: traceColumn("timestamp", "datetime", ["fromTimestamp", "toTimestamp"]),
  userId: traceColumn("ifNull(user_id, '')", "string", ["userId"]),
  sessionId: traceColumn("ifNull(session_id, '')", "string", ["sessionId"]),
  environment: traceColumn("environment", "stringOptions", ["environment"]),
  version: traceColumn("ifNull(version, '')", "string", ["version"]),
  release: { ...traceColumn("ifNull(release, '')", "string", ["release"]), emptyIsNull: true },
  tags: traceColumn("tags", "arrayOptions", ["tags"]),
  traceTags: traceColumn("tags", "arrayOptions", ["tags"]),
  bookmarked: traceColumn("bookmarked", "boolean"),
  metadata: traceColumn("metadata", "stringObject"),
};

const aggregate = (sql: string, declared?: DeclaredType): FilterColumn => ({ sql, table: "trace_observations", declared });

/**
 * Trace filter columns computed from the trace's observations (each observation's newest version).
 * The SQL is over one group of `observations` rows of a trace; a trace without observations has
 * the values of an empty group (counts and sums 0, no level).
 */
export const TRACE_OBSERVATION_AGGREGATES: Record<string, FilterColumn> = {
  level: aggregate(
    "multiIf(countIf(level = 'ERROR') > 0, 'ERROR', countIf(level = 'WARNING') > 0, 'WARNING', countIf(level = 'DEFAULT') > 0, 'DEFAULT', count() > 0, 'DEBUG', NULL)",
    "stringOptions",
  ),
  warningCount: aggregate("countIf(level = 'WARNING')", "number"),
  errorCount: aggregate("countIf(level = 'ERROR')", "number"),
  defaultCount: aggregate("countIf(level = 'DEFAULT')", "number"),
  debugCount: aggregate("countIf(level = 'DEBUG')", "number"),
  latency: aggregate(
    "if(count() = 0, 0, dateDiff('millisecond', min(least(start_time, ifNull(end_time, start_time))), max(greatest(start_time, ifNull(end_time, start_time)))) / 1000)",
    "number",
  ),
  inputTokens: aggregate(`sum(${OBSERVATION.inputUsage})`, "number"),
  outputTokens: aggregate(`sum(${OBSERVATION.outputUsage})`, "number"),
  totalTokens: aggregate("sum(usage_details['total'])", "number"),
  tokens: aggregate("sum(usage_details['total'])"),
  inputCost: aggregate(`sum(${OBSERVATION.inputCost})`, "number"),
  outputCost: aggregate(`sum(${OBSERVATION.outputCost})`, "number"),
  totalCost: aggregate("sum(cost_details['total'])", "number"),
};
