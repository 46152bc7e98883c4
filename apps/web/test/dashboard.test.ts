import { describe, expect, it } from "vitest";
import { barsOf, bucketsOf, numberOf, seriesByDimension, seriesOfMetrics } from "../src/dashboard/metrics.ts";
import { DEFAULT_RANGE, rangeFromSearch, rangeToSearch, windowOf } from "../src/dashboard/range.ts";

describe("the dashboard's time range", () => {
  it("round-trips quick and custom ranges through the URL, the default as a plain URL", () => {
    expect(rangeToSearch(DEFAULT_RANGE)).toBe("");
    expect(rangeFromSearch("")).toEqual(DEFAULT_RANGE);
    expect(rangeFromSearch(rangeToSearch({ kind: "quick", range: "90d" }))).toEqual({ kind: "quick", range: "90d" });
    const custom = { kind: "custom" as const, from: "2026-03-01T00:00:00.000Z", to: "2026-03-04T12:00:00.000Z" };
    expect(rangeFromSearch(rangeToSearch(custom))).toEqual(custom);
  });

  it("falls back to the default for unknown, incomplete or backwards ranges", () => {
    for (const search of ["?range=2y", "?range=custom&from=2026-03-01T00:00:00Z", "?range=custom&from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "?range=toString"]) {
      expect(rangeFromSearch(search), search).toEqual(DEFAULT_RANGE);
    }
  });

  it("buckets by hour up to three days, by day up to half a year, by week beyond", () => {
    const now = new Date("2026-03-10T12:30:00Z");
    expect(windowOf({ kind: "quick", range: "24h" }, now)).toEqual({ from: new Date("2026-03-09T12:30:00Z"), to: now, granularity: "hour" });
    expect(windowOf({ kind: "quick", range: "7d" }, now).granularity).toBe("day");
    expect(windowOf({ kind: "custom", from: "2026-01-01T00:00:00Z", to: "2026-01-04T00:00:00Z" }, now).granularity).toBe("hour");
    expect(windowOf({ kind: "custom", from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }, now).granularity).toBe("week");
  });
});

describe("the dashboard's buckets and series", () => {
  it("lists every bucket of the window in the API's spelling, the partial first and last included", () => {
    expect(bucketsOf({ from: new Date("2026-03-09T22:30:00Z"), to: new Date("2026-03-10T01:10:00Z"), granularity: "hour" })).toEqual([
      "2026-03-09T22:00:00Z",
      "2026-03-09T23:00:00Z",
      "2026-03-10T00:00:00Z",
      "2026-03-10T01:00:00Z",
    ]);
    expect(bucketsOf({ from: new Date("2026-03-08T18:00:00Z"), to: new Date("2026-03-10T01:00:00Z"), granularity: "day" })).toEqual(["2026-03-08", "2026-03-09", "2026-03-10"]);
    // 2026-03-11 is a Wednesday: its week starts on Monday the 9th.
    expect(bucketsOf({ from: new Date("2026-03-11T10:00:00Z"), to: new Date("2026-03-23T00:00:00Z"), granularity: "week" })).toEqual(["2026-03-09", "2026-03-16", "2026-03-23"]);
  });

  it("spreads dimension × bucket rows into series, zero where a bucket has no row, largest first", () => {
    const buckets = ["2026-03-08", "2026-03-09", "2026-03-10"];
    const rows = [
      { providedModelName: "gpt-4o-mini", time_dimension: "2026-03-08", sum_totalCost: 0.5 },
      { providedModelName: "gpt-4o", time_dimension: "2026-03-09", sum_totalCost: 2 },
      { providedModelName: "gpt-4o-mini", time_dimension: "2026-03-10T00:00:00Z", sum_totalCost: "0.25" },
      // A gap-filling row, and spans without a model: neither is a series.
      { providedModelName: null, time_dimension: "2026-03-10", sum_totalCost: null },
      { providedModelName: "", time_dimension: "2026-03-09", sum_totalCost: 0 },
      // Outside the window: dropped rather than misplaced.
      { providedModelName: "gpt-4o", time_dimension: "2026-03-11", sum_totalCost: 9 },
    ];
    expect(seriesByDimension(rows, "providedModelName", "sum_totalCost", buckets, "day")).toEqual([
      { name: "gpt-4o", values: [0, 2, 0] },
      { name: "gpt-4o-mini", values: [0.5, 0, 0.25] },
    ]);
  });

  it("turns several metrics into series, and rows into bars in the API's order", () => {
    const buckets = ["2026-03-09T23:00:00Z", "2026-03-10T00:00:00Z"];
    const rows = [{ time_dimension: "2026-03-10T00:00:00.000Z", uniq_traceId: "3", count_count: 12 }];
    expect(
      seriesOfMetrics(
        rows,
        [
          { key: "uniq_traceId", name: "Traces" },
          { key: "count_count", name: "Observations" },
        ],
        buckets,
        "hour",
      ),
    ).toEqual([
      { name: "Traces", values: [0, 3] },
      { name: "Observations", values: [0, 12] },
    ]);
    expect(
      barsOf(
        [
          { name: "answer", p50_latency: 800, p95_latency: 1900 },
          { name: null, p50_latency: 1, p95_latency: 1 },
          { name: "classify", p50_latency: "120", p95_latency: null },
        ],
        "name",
        ["p50_latency", "p95_latency"],
      ),
    ).toEqual([
      { label: "answer", values: [800, 1900] },
      { label: "classify", values: [120, 0] },
    ]);
  });

  it("reads numbers and quoted integers, and nothing else, as values", () => {
    expect([numberOf(3), numberOf("42"), numberOf(null), numberOf("n/a"), numberOf(Number.NaN), numberOf(""), numberOf(undefined)]).toEqual([3, 42, 0, 0, 0, 0, 0]);
  });
});
