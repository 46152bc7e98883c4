import type { MetricsQueryV2Input } from "@wick/contracts";
import { numberOf } from "../dashboard/metrics.ts";

/**
 * What the trace list shows that `GET /traces` does not return: each listed trace's token total
 * and its worst observation level, from one `GET /v2/metrics` query over the page's trace ids.
 */

export interface TraceLine {
  tokens: number;
  /** The most severe level of its observations, when one is above DEFAULT. */
  level: "ERROR" | "WARNING" | null;
}

const DAY_MS = 86_400_000;

/** Grouped by trace and level: at most four rows per trace, which the top-N rule needs spelled out. */
export function pageMetricsQuery(traces: Array<{ id: string; timestamp: string }>, now: Date): MetricsQueryV2Input {
  const earliest = Math.min(...traces.map((trace) => Date.parse(trace.timestamp)));
  return {
    view: "observations",
    dimensions: [{ field: "traceId" }, { field: "level" }],
    metrics: [
      { measure: "count", aggregation: "count" },
      { measure: "totalTokens", aggregation: "sum" },
    ],
    filters: [{ type: "stringOptions", column: "traceId", operator: "any of", value: traces.map((trace) => trace.id) }],
    // Observations may start a little before their trace's timestamp, and run long after it.
    fromTimestamp: new Date(earliest - DAY_MS).toISOString(),
    toTimestamp: new Date(now.getTime() + DAY_MS).toISOString(),
    orderBy: [{ field: "count_count", direction: "desc" }],
    config: { row_limit: Math.min(1000, traces.length * 4) },
  };
}

export function traceLines(rows: Array<Record<string, unknown>>): Map<string, TraceLine> {
  const lines = new Map<string, TraceLine>();
  for (const row of rows) {
    if (typeof row.traceId !== "string") continue;
    const line = lines.get(row.traceId) ?? { tokens: 0, level: null };
    line.tokens += numberOf(row.sum_totalTokens);
    if (row.level === "ERROR") line.level = "ERROR";
    else if (row.level === "WARNING" && line.level !== "ERROR") line.level = "WARNING";
    lines.set(row.traceId, line);
  }
  return lines;
}
