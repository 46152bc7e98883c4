import type { FilterCondition } from "@wick/contracts";
import { TRACE_FILTER_COLUMNS, TRACE_OBSERVATION_AGGREGATES } from "./columns.ts";
import { float64Param, IN_PROJECT, observations, scores, type ParamBag } from "@wick/clickhouse";
import { compileCondition, InvalidFilterError } from "./compile.ts";

const COMPARISON: Record<string, string> = { "=": "=", ">": ">", "<": "<", ">=": ">=", "<=": "<=" };

/** Each observation's newest version, for the observation aggregates of a project's traces. */
const OBSERVATIONS = `(${observations.newestPerId("*", IN_PROJECT)})`;
/** Each score's newest version, trace scores only. */
const SCORES = `(${scores.newestPerId("*", `${IN_PROJECT} AND trace_id IS NOT NULL`)})`;

/**
 * A condition on an aggregate of the trace's observations. Traces with observations match through
 * their group; traces without match when the condition holds for an empty group, which ClickHouse
 * decides by evaluating it over `observations` filtered to nothing.
 */
function observationAggregateCondition(sql: string): string {
  return `(id IN (SELECT trace_id FROM ${OBSERVATIONS} GROUP BY trace_id HAVING ${sql})
           OR (id NOT IN (SELECT DISTINCT trace_id FROM ${OBSERVATIONS})
               AND ifNull((SELECT ${sql} FROM ${observations.name} WHERE 0), false)))`;
}

/** Conditions on the trace's scores by name: average of numeric scores, categorical values, booleans. */
function scoreCondition(condition: FilterCondition, params: ParamBag): string {
  if (!("key" in condition) || typeof condition.key !== "string") throw new InvalidFilterError(`Filter on ${condition.column} needs a key: the score name`);
  const name = params.bind(condition.key, "String");
  /** Traces with a score of this name satisfying `where`. */
  const scored = (where: string) => `id IN (SELECT trace_id FROM ${SCORES} WHERE name = ${name} AND ${where})`;
  if (condition.column === "scores_avg" && condition.type === "numberObject") {
    return scored(`data_type = 'NUMERIC' GROUP BY trace_id HAVING avg(value) ${COMPARISON[condition.operator]} ${params.bind(float64Param(condition.value), "Float64")}`);
  }
  if (condition.column === "score_categories" && condition.type === "categoryOptions") {
    const matching = scored(`data_type = 'CATEGORICAL' AND string_value IN ${params.bind(condition.value, "Array(String)")}`);
    return condition.operator === "any of" ? matching : `NOT ${matching}`;
  }
  if (condition.column === "score_booleans" && condition.type === "booleanObject") {
    const wanted = condition.operator === "=" ? condition.value : !condition.value;
    return scored(`data_type = 'BOOLEAN' AND value = ${wanted ? 1 : 0}`);
  }
  const expected = { scores_avg: "numberObject", score_categories: "categoryOptions", score_booleans: "booleanObject" }[condition.column];
  throw new InvalidFilterError(`Invalid filter type '${condition.type}' for column '${condition.column}'. Expected filter type '${expected}'.`);
}

/** The `GET /traces` filter as SQL over `traces` rows, and the simple parameters it overrides. */
export function compileTraceFilter(conditions: FilterCondition[], params: ParamBag): { conditions: string[]; overridden: Set<string> } {
  const compiled = { conditions: [] as string[], overridden: new Set<string>() };
  for (const condition of conditions) {
    if ("operator" in condition && condition.operator === "matches") throw new InvalidFilterError("`matches` is only supported on GET /api/public/v2/observations.");
    if (condition.column === "scores_avg" || condition.column === "score_categories" || condition.column === "score_booleans") {
      compiled.conditions.push(scoreCondition(condition, params));
      continue;
    }
    const aggregate = Object.hasOwn(TRACE_OBSERVATION_AGGREGATES, condition.column) ? TRACE_OBSERVATION_AGGREGATES[condition.column] : undefined;
    const column = aggregate ?? (Object.hasOwn(TRACE_FILTER_COLUMNS, condition.column) ? TRACE_FILTER_COLUMNS[condition.column] : undefined);
    if (!column) throw new InvalidFilterError(`Column ${condition.column} does not match a UI / CH table mapping.`);
    const sql = compileCondition(condition, column, params);
    if (!sql) continue;
    for (const parameter of column.overrides ?? []) compiled.overridden.add(parameter);
    compiled.conditions.push(aggregate ? observationAggregateCondition(sql) : sql);
  }
  return compiled;
}
