import type { FilterCondition } from "@wick/contracts";
import { TRACE_AGGREGATE_COLUMNS, TRACE_FILTER_COLUMNS } from "./columns.ts";
import { compileCondition, InvalidFilterError, type ParamBag } from "./compile.ts";

/** The `GET /traces` filter as SQL over `traces` rows, and the simple parameters it overrides. */
export function compileTraceFilter(conditions: FilterCondition[], params: ParamBag): { conditions: string[]; overridden: Set<string> } {
  const compiled = { conditions: [] as string[], overridden: new Set<string>() };
  for (const condition of conditions) {
    if (TRACE_AGGREGATE_COLUMNS.has(condition.column)) {
      throw new InvalidFilterError(`Filtering traces by ${condition.column} is not supported yet; filter the observations instead.`);
    }
    const column = Object.hasOwn(TRACE_FILTER_COLUMNS, condition.column) ? TRACE_FILTER_COLUMNS[condition.column] : undefined;
    if (!column) throw new InvalidFilterError(`Column ${condition.column} does not match a UI / CH table mapping.`);
    if ("operator" in condition && condition.operator === "matches") throw new InvalidFilterError("`matches` is only supported on GET /api/public/v2/observations.");
    const sql = compileCondition(condition, column, params);
    if (!sql) continue;
    column.overrides?.forEach((parameter) => compiled.overridden.add(parameter));
    compiled.conditions.push(sql);
  }
  return compiled;
}
