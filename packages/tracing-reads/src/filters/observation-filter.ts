import { FilterConditions, type FilterCondition } from "@wick/contracts";
import { OBSERVATION_FILTER_COLUMNS } from "./columns.ts";
import { inCurrentTraces } from "../current-traces.ts";
import type { ParamBag } from "@wick/clickhouse";
import { compileCondition, InvalidFilterError } from "./compile.ts";

export interface CompiledFilter {
  /** Conditions over `observations` rows, ANDed. */
  conditions: string[];
  /** Query parameters whose column an advanced condition already constrains: they are dropped. */
  overridden: Set<string>;
  /** Whether any condition reads input, output or metadata (then metadata is returned untruncated). */
  readsIoOrMetadata: boolean;
  params: Record<string, unknown>;
}

export function parseFilter(raw: string | undefined): FilterCondition[] {
  if (!raw) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidFilterError("Invalid JSON in filter parameter");
  }
  const result = FilterConditions.safeParse(parsed);
  if (!result.success) {
    throw new InvalidFilterError(`Invalid request data: ${result.error.issues.map((issue) => `filter.${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
  }
  return result.data;
}

/**
 * The advanced filter of the v2 observations endpoint as SQL. Conditions on trace columns become
 * `trace_id IN (…)` over the traces' current rows, so they follow a trace updated after its observations.
 */
export function compileObservationFilter(conditions: FilterCondition[], params: ParamBag): CompiledFilter {
  const compiled: CompiledFilter = { conditions: [], overridden: new Set(), readsIoOrMetadata: false, params: params.values };
  const ioConditions = conditions.filter((condition) => OBSERVATION_FILTER_COLUMNS[condition.column]?.io);
  if (ioConditions.length > 0 && !ioConditions.some((condition) => "operator" in condition && (condition.operator === "=" || condition.operator === "matches"))) {
    throw new InvalidFilterError("Input/output filters require at least one `matches` or `=` operator.");
  }
  for (const condition of conditions) {
    const column = Object.hasOwn(OBSERVATION_FILTER_COLUMNS, condition.column) ? OBSERVATION_FILTER_COLUMNS[condition.column] : undefined;
    if (!column) throw new InvalidFilterError(`Column ${condition.column} does not match a UI / CH table mapping.`);
    if (condition.column === "metadata" && condition.type !== "stringObject" && condition.type !== "null") {
      throw new InvalidFilterError(`Invalid filter type '${condition.type}' for column 'metadata'. Expected filter type 'stringObject'.`);
    }
    const sql = compileCondition(condition, column, params);
    if (!sql) continue;
    for (const parameter of column.overrides ?? []) compiled.overridden.add(parameter);
    if (column.io || condition.column === "metadata") compiled.readsIoOrMetadata = true;
    compiled.conditions.push(column.table === "traces" ? inCurrentTraces(sql) : sql);
  }
  return compiled;
}
