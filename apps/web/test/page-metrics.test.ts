import { describe, expect, it } from "vitest";
import { pageMetricsQuery, traceLines } from "../src/traces/page-metrics.ts";

describe("the trace list's tokens and levels", () => {
  it("asks for the page's traces only, as a top-N the API accepts for a high-cardinality dimension", () => {
    const query = pageMetricsQuery(
      [
        { id: "a", timestamp: "2026-03-02T00:00:00Z" },
        { id: "b", timestamp: "2026-03-01T00:00:00Z" },
      ],
      new Date("2026-03-05T00:00:00Z"),
    );
    expect(query.filters).toEqual([{ type: "stringOptions", column: "traceId", operator: "any of", value: ["a", "b"] }]);
    expect(query.fromTimestamp).toBe("2026-02-28T00:00:00.000Z");
    expect(query.toTimestamp).toBe("2026-03-06T00:00:00.000Z");
    expect(query.orderBy).toEqual([{ field: "count_count", direction: "desc" }]);
    expect(query.config).toEqual({ row_limit: 8 });
  });

  it("adds tokens over levels and keeps the most severe level", () => {
    const lines = traceLines([
      { traceId: "a", level: "DEFAULT", count_count: 3, sum_totalTokens: 100 },
      { traceId: "a", level: "WARNING", count_count: 1, sum_totalTokens: "20" },
      { traceId: "a", level: "ERROR", count_count: 1, sum_totalTokens: null },
      { traceId: "b", level: "WARNING", count_count: 1, sum_totalTokens: 5 },
      { traceId: "b", level: "DEBUG", count_count: 2, sum_totalTokens: 0 },
      { traceId: null, level: "ERROR", count_count: 1, sum_totalTokens: 9 },
    ]);
    expect(Object.fromEntries(lines)).toEqual({ a: { tokens: 120, level: "ERROR" }, b: { tokens: 5, level: "WARNING" } });
  });
});
