import { millisecondsBetween, observationColumns } from "@wick/clickhouse";

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

const OBSERVATION = observationColumns();

/** A nullable string column read as '' when unset, so NOT IN and "does not contain" keep the unset rows. */
const orEmpty = (column: string) => `ifNull(${column}, '')`;
const INPUT = orEmpty("input");
const OUTPUT = orEmpty("output");
const PROVIDED_MODEL = orEmpty("provided_model_name");
/** Trace columns both filters read, the v2 observations filter through the observation's trace. */
const TRACE = { name: orEmpty("name"), userId: orEmpty("user_id"), sessionId: orEmpty("session_id"), version: orEmpty("version"), release: orEmpty("release") };

/** The columns the v2 observations `filter` accepts, by id. */
export const OBSERVATION_FILTER_COLUMNS: Record<string, FilterColumn> = {
  id: { sql: "id", table: "observations", declared: "stringOptions" },
  name: { sql: orEmpty("name"), table: "observations", declared: "stringOptions", overrides: ["name"] },
  type: { sql: "type", table: "observations", declared: "stringOptions", overrides: ["type"] },
  environment: { sql: "environment", table: "observations", declared: "stringOptions", overrides: ["environment"] },
  traceEnvironment: { sql: "environment", table: "observations", overrides: ["environment"] },
  level: { sql: "level", table: "observations", declared: "stringOptions", overrides: ["level"] },
  promptName: { sql: orEmpty("prompt_name"), table: "observations", declared: "stringOptions" },
  modelId: { sql: orEmpty("internal_model_id"), table: "observations", declared: "stringOptions" },
  providedModelName: { sql: PROVIDED_MODEL, table: "observations", declared: "stringOptions" },
  model: { sql: PROVIDED_MODEL, table: "observations" },
  traceId: { sql: "trace_id", table: "observations", declared: "string", overrides: ["traceId"] },
  version: { sql: orEmpty("version"), table: "observations", declared: "string", overrides: ["version"] },
  statusMessage: { sql: orEmpty("status_message"), table: "observations", declared: "string" },
  input: { sql: INPUT, table: "observations", declared: "string", io: true },
  output: { sql: OUTPUT, table: "observations", declared: "string", io: true },
  parentObservationId: { sql: orEmpty("parent_observation_id"), table: "observations", overrides: ["parentObservationId"], emptyIsNull: true },
  startTime: { sql: "start_time", table: "observations", declared: "datetime", overrides: ["fromStartTime", "toStartTime"] },
  endTime: { sql: "end_time", table: "observations", declared: "datetime" },
  latency: { sql: `${OBSERVATION.latencyMs} / 1000`, table: "observations", declared: "number" },
  timeToFirstToken: { sql: `${OBSERVATION.timeToFirstTokenMs} / 1000`, table: "observations", declared: "number" },
  inputTokens: { sql: OBSERVATION.inputUsage, table: "observations", declared: "number" },
  outputTokens: { sql: OBSERVATION.outputUsage, table: "observations", declared: "number" },
  totalTokens: { sql: OBSERVATION.totalUsageIfSet, table: "observations", declared: "number" },
  tokens: { sql: OBSERVATION.totalUsageIfSet, table: "observations" },
  inputCost: { sql: OBSERVATION.inputCost, table: "observations", declared: "number" },
  outputCost: { sql: OBSERVATION.outputCost, table: "observations", declared: "number" },
  totalCost: { sql: OBSERVATION.totalCostIfSet, table: "observations", declared: "number" },
  promptVersion: { sql: "prompt_version", table: "observations", declared: "number" },
  metadata: { sql: "metadata", table: "observations", declared: "stringObject" },
  isRootObservation: { sql: OBSERVATION.isRoot, table: "observations", declared: "boolean", overrides: ["isRootObservation"] },
  hasParentObservation: { sql: "parent_observation_id IS NOT NULL", table: "observations", declared: "boolean" },
  hasInput: { sql: `${INPUT} != ''`, table: "observations", declared: "boolean" },
  hasOutput: { sql: `${OUTPUT} != ''`, table: "observations", declared: "boolean" },
  toolNames: { sql: OBSERVATION.toolNames, table: "observations", declared: "arrayOptions" },
  calledToolNames: { sql: "tool_call_names", table: "observations", declared: "arrayOptions" },
  toolDefinitions: { sql: OBSERVATION.toolDefinitionCount, table: "observations", declared: "number" },
  toolCalls: { sql: OBSERVATION.toolCallCount, table: "observations", declared: "number" },
  experimentId: { sql: "experiment_id", table: "observations", declared: "stringOptions", emptyIsNull: true },
  experimentName: { sql: "experiment_name", table: "observations", declared: "stringOptions" },
  experimentDatasetId: { sql: "experiment_dataset_id", table: "observations", declared: "stringOptions" },
  isExperimentItemRootSpan: { sql: "experiment_item_root_span_id = id", table: "observations", declared: "boolean" },
  ingestionApiKey: { sql: "ingestion_public_key", table: "observations", declared: "stringOptions" },
  ingestionSdkName: { sql: "ingestion_sdk_name", table: "observations", declared: "stringOptions" },
  ingestionSdkVersion: { sql: "ingestion_sdk_version", table: "observations", declared: "stringOptions" },
  traceName: { sql: TRACE.name, table: "traces", declared: "stringOptions" },
  userId: { sql: TRACE.userId, table: "traces", declared: "string", overrides: ["userId"] },
  sessionId: { sql: TRACE.sessionId, table: "traces", declared: "string", overrides: ["sessionId"] },
  release: { sql: TRACE.release, table: "traces", declared: "string", emptyIsNull: true },
  traceTags: { sql: "tags", table: "traces", declared: "arrayOptions" },
  tags: { sql: "tags", table: "traces" },
};

const traceColumn = (sql: string, declared?: DeclaredType, overrides?: string[]): FilterColumn => ({ sql, table: "traces", declared, overrides });

/** The columns the `GET /traces` filter accepts: the trace's own fields (ids and display names). */
export const TRACE_FILTER_COLUMNS: Record<string, FilterColumn> = {
  id: traceColumn("id", "string"),
  traceId: traceColumn("id", "string"),
  name: traceColumn(TRACE.name, "stringOptions", ["name"]),
  traceName: traceColumn(TRACE.name, "stringOptions", ["name"]),
  timestamp: traceColumn("timestamp", "datetime", ["fromTimestamp", "toTimestamp"]),
  userId: traceColumn(TRACE.userId, "string", ["userId"]),
  sessionId: traceColumn(TRACE.sessionId, "string", ["sessionId"]),
  environment: traceColumn("environment", "stringOptions", ["environment"]),
  version: traceColumn(TRACE.version, "string", ["version"]),
  release: { ...traceColumn(TRACE.release, "string", ["release"]), emptyIsNull: true },
  tags: traceColumn("tags", "arrayOptions", ["tags"]),
  traceTags: traceColumn("tags", "arrayOptions", ["tags"]),
  bookmarked: traceColumn("bookmarked", "boolean"),
  metadata: traceColumn("metadata", "stringObject"),
};

const aggregate = (sql: string, declared?: DeclaredType): FilterColumn => ({ sql, table: "trace_observations", declared });
const levelCount = (level: "ERROR" | "WARNING" | "DEFAULT" | "DEBUG") => `countIf(level = '${level}')`;
const TOTAL_USAGE = `sum(${OBSERVATION.totalUsage})`;

/**
 * Trace filter columns computed from the trace's observations (each observation's current row).
 * The SQL is over one group of `observations` rows of a trace; a trace without observations has
 * the values of an empty group (counts and sums 0, no level).
 */
export const TRACE_OBSERVATION_AGGREGATES: Record<string, FilterColumn> = {
  level: aggregate(
    `multiIf(${levelCount("ERROR")} > 0, 'ERROR', ${levelCount("WARNING")} > 0, 'WARNING', ${levelCount("DEFAULT")} > 0, 'DEFAULT', count() > 0, 'DEBUG', NULL)`,
    "stringOptions",
  ),
  warningCount: aggregate(levelCount("WARNING"), "number"),
  errorCount: aggregate(levelCount("ERROR"), "number"),
  defaultCount: aggregate(levelCount("DEFAULT"), "number"),
  debugCount: aggregate(levelCount("DEBUG"), "number"),
  latency: aggregate(`if(count() = 0, 0, ${millisecondsBetween(`min(${OBSERVATION.firstInstant})`, `max(${OBSERVATION.lastInstant})`)} / 1000)`, "number"),
  inputTokens: aggregate(`sum(${OBSERVATION.inputUsage})`, "number"),
  outputTokens: aggregate(`sum(${OBSERVATION.outputUsage})`, "number"),
  totalTokens: aggregate(TOTAL_USAGE, "number"),
  tokens: aggregate(TOTAL_USAGE),
  inputCost: aggregate(`sum(${OBSERVATION.inputCost})`, "number"),
  outputCost: aggregate(`sum(${OBSERVATION.outputCost})`, "number"),
  totalCost: aggregate(`sum(${OBSERVATION.totalCost})`, "number"),
};
