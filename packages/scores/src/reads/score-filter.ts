import type { FilterCondition } from "@wick/contracts";
import { ParamBag } from "@wick/clickhouse";
import { compileCondition, InvalidFilterError, type FilterColumn } from "@wick/tracing-reads";

const column = (sql: string, declared: FilterColumn["declared"], overrides?: string[]): FilterColumn => ({ sql, table: "scores", declared, overrides });
/** A nullable column read as '' when unset, so NOT IN and "does not contain" keep the unset rows. */
const optional = (name: string, declared: FilterColumn["declared"], overrides?: string[]): FilterColumn => ({
  ...column(`ifNull(${name}, '')`, declared, overrides),
  emptyIsNull: true,
});

/** The score columns `filter` accepts, by id, with the query parameters a condition on each replaces. */
const SCORE_FILTER_COLUMNS: Record<string, FilterColumn> = {
  id: column("id", "stringOptions", ["scoreIds"]),
  name: column("name", "stringOptions", ["name"]),
  source: column("source", "stringOptions", ["source"]),
  dataType: column("data_type", "stringOptions", ["dataType"]),
  environment: column("environment", "stringOptions", ["environment"]),
  configId: optional("config_id", "stringOptions", ["configId"]),
  queueId: optional("queue_id", "stringOptions", ["queueId"]),
  authorUserId: optional("author_user_id", "stringOptions"),
  traceId: optional("trace_id", "string", ["traceId"]),
  observationId: optional("observation_id", "string", ["observationId"]),
  sessionId: optional("session_id", "string", ["sessionId"]),
  datasetRunId: optional("dataset_run_id", "string", ["datasetRunId"]),
  comment: optional("comment", "string"),
  stringValue: optional("string_value", "string"),
  value: column("value", "number", ["value"]),
  timestamp: column("timestamp", "datetime", ["fromTimestamp", "toTimestamp"]),
  metadata: column("metadata", "stringObject"),
};

export interface CompiledScoreFilter {
  /** Conditions over `scores` rows, ANDed. */
  conditions: string[];
  params: Record<string, unknown>;
  /** Query parameters on a column a condition already constrains: upstream drops them. */
  overridden: Set<string>;
}

export function compileScoreFilter(conditions: FilterCondition[]): CompiledScoreFilter {
  const params = new ParamBag();
  const compiled: CompiledScoreFilter = { conditions: [], params: params.values, overridden: new Set() };
  for (const condition of conditions) {
    const target = Object.hasOwn(SCORE_FILTER_COLUMNS, condition.column) ? SCORE_FILTER_COLUMNS[condition.column] : undefined;
    if (!target) throw new InvalidFilterError(`Column ${condition.column} does not match a UI / CH table mapping.`);
    // ClickHouse would fail the whole query on an unreadable date: refuse it as the client's mistake.
    if (condition.type === "datetime" && Number.isNaN(Date.parse(condition.value))) {
      throw new InvalidFilterError(`Invalid date ${condition.value} in the filter on ${condition.column}`);
    }
    const sql = compileCondition(condition, target, params);
    if (!sql) continue;
    compiled.conditions.push(sql);
    for (const parameter of target.overrides ?? []) compiled.overridden.add(parameter);
  }
  return compiled;
}
