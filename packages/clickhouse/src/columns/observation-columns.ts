import { millisecondsBetween } from "../query/time.ts";

/**
 * Quantities of one `observations` row as SQL, shared by the read filters, the trace list and the
 * metrics model so that each has one definition. `alias` qualifies the columns when the row comes
 * from a join.
 */
export function observationColumns(alias?: string) {
  const column = (name: string) => (alias ? `${alias}.${name}` : name);
  const start = column("start_time");
  const end = column("end_time");
  const toolNames = `mapKeys(${column("tool_definitions")})`;
  /**
   * The sum of a details map's values whose key contains `part`, case-insensitively: 0 when no key
   * does, as a sum of nothing (metrics.md §3.1; read-apis.md §2.5 gives NULL only to the `total` entry).
   */
  const sumOfKeysContaining = (map: "usage_details" | "cost_details", part: "input" | "output") =>
    `arraySum(mapValues(mapFilter((k, v) -> positionCaseInsensitive(k, '${part}') > 0, ${column(map)})))`;
  const entry = (map: "usage_details" | "cost_details") => `${column(map)}['total']`;
  const entryIfSet = (map: "usage_details" | "cost_details") => `if(mapContains(${column(map)}, 'total'), toFloat64(${entry(map)}), NULL)`;
  return {
    /**
     * A logical root: no parent, or the SDK's app root, which may have an external parent. The
     * reference stores a root's parent as '' (read-apis.md §7.2, metrics.md §3), and the
     * ingestion API stores a parent sent as "" as it came, so '' and NULL both mean none.
     */
    isRoot: `toBool((ifNull(${column("parent_observation_id")}, '') = '' OR ${column("is_app_root")}))`,
    /** Milliseconds from start to end; NULL until the observation ends. */
    latencyMs: millisecondsBetween(start, end),
    /** Milliseconds from start to the first token; NULL without a completion start. */
    timeToFirstTokenMs: millisecondsBetween(start, column("completion_start_time")),
    /** The earliest and the latest of start and end: an observation that has not ended is an instant. */
    firstInstant: `least(${start}, ifNull(${end}, ${start}))`,
    lastInstant: `greatest(${start}, ifNull(${end}, ${start}))`,
    inputUsage: sumOfKeysContaining("usage_details", "input"),
    outputUsage: sumOfKeysContaining("usage_details", "output"),
    inputCost: sumOfKeysContaining("cost_details", "input"),
    outputCost: sumOfKeysContaining("cost_details", "output"),
    /** The `total` entries, 0 when absent. */
    totalUsage: entry("usage_details"),
    totalCost: entry("cost_details"),
    /** The `total` entries, NULL when absent (read-apis.md §2.5). */
    totalUsageIfSet: entryIfSet("usage_details"),
    totalCostIfSet: entryIfSet("cost_details"),
    /**
     * `totalCost` from the scalar column, which reads far faster than the map: ingestion keeps
     * `total_cost` equal to the `total` entry, NULL exactly when the entry is absent.
     */
    totalCostFromColumn: `ifNull(${column("total_cost")}, 0)`,
    toolNames,
    toolDefinitionCount: `length(${toolNames})`,
    toolCallCount: `length(${column("tool_calls")})`,
    /** The prompt version as the string-typed dimension's filters compare it. */
    promptVersionText: `toString(${column("prompt_version")})`,
  };
}
