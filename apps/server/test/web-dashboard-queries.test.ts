import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import {
  barsOf,
  bucketsOf,
  dashboardQueries,
  type DashboardQuery,
  type MetricsRow,
  numberOf,
  seriesByDimension,
  seriesOfMetrics,
  type Window,
} from "../../web/src/dashboard/metrics.ts";

/**
 * The dashboard's queries against a real Wick: each is accepted, answers in the reference's shape,
 * and, shaped as the charts draw it, adds up to what was ingested.
 */

const DAY = 86_400_000;
const BASE = Date.UTC(2026, 2, 9);
const period: Window = { from: new Date(BASE), to: new Date(BASE + 3 * DAY), granularity: "day" };
const MODELS = ["gpt-4o", "gpt-4o-mini"];

interface Generation {
  traceId: string;
  day: number;
  model: string;
  name: string;
  userId: string;
  input: number;
  output: number;
  cost: number;
  latencyMs: number;
}

const generations: Generation[] = Array.from({ length: 9 }, (_, i) => ({
  traceId: `dash-t-${i}`,
  day: i % 3,
  model: MODELS[i % 2]!,
  name: i % 3 === 0 ? "draft" : "answer",
  userId: `user-${i % 4}`,
  input: 100 + i * 10,
  output: 20 + i,
  cost: 0.001 * (i + 1),
  latencyMs: 500 + i * 100,
}));

function eventsOf(generation: Generation, index: number) {
  const start = BASE + generation.day * DAY + index * 60_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  return [
    {
      id: `${generation.traceId}-e1`,
      type: "trace-create",
      timestamp: iso(start),
      body: { id: generation.traceId, name: "chat", userId: generation.userId, timestamp: iso(start) },
    },
    {
      id: `${generation.traceId}-e2`,
      type: "generation-create",
      timestamp: iso(start),
      body: {
        id: `${generation.traceId}-gen`,
        traceId: generation.traceId,
        name: generation.name,
        model: generation.model,
        startTime: iso(start),
        endTime: iso(start + generation.latencyMs),
        usageDetails: { input: generation.input, output: generation.output },
        costDetails: { total: generation.cost },
      },
    },
    {
      id: `${generation.traceId}-e3`,
      type: "span-create",
      timestamp: iso(start),
      body: { id: `${generation.traceId}-span`, traceId: generation.traceId, name: "retrieve", startTime: iso(start), endTime: iso(start + 50) },
    },
  ];
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

describe("the dashboard's metrics queries", () => {
  let t: TestApp;
  const rows: Partial<Record<DashboardQuery, MetricsRow[]>> = {};

  beforeAll(async () => {
    t = await createTestApp("embedded");
    const response = await t.app.inject({
      method: "POST",
      url: "/api/public/ingestion",
      headers: { authorization: t.project.basic },
      payload: { batch: generations.flatMap(eventsOf) },
    });
    expect(response.statusCode).toBe(207);
    expect(response.json().errors).toEqual([]);
    for (const name of Object.keys(dashboardQueries) as DashboardQuery[]) {
      const answer = await t.app.inject({
        method: "GET",
        url: "/api/public/v2/metrics",
        headers: { authorization: t.project.basic },
        query: { query: JSON.stringify(dashboardQueries[name](period)) },
      });
      expect(answer.statusCode, `${name}: ${answer.body}`).toBe(200);
      expectReferenceResponse({ method: "GET", path: "/api/public/v2/metrics" }, 200, answer.json());
      rows[name] = answer.json().data;
    }
  });
  afterAll(async () => t?.close());

  it("totals what was ingested", () => {
    const [total] = rows.totals!;
    expect(numberOf(total!.sum_totalCost)).toBeCloseTo(sum(generations.map((g) => g.cost)), 9);
    expect(numberOf(total!.uniq_traceId)).toBe(generations.length);
    expect(numberOf(total!.count_count)).toBe(2 * generations.length);
    expect(numberOf(total!.sum_totalTokens)).toBe(sum(generations.map((g) => g.input + g.output)));
  });

  it("draws the cost of each model on its day, and the traces and observations of each day", () => {
    const buckets = bucketsOf(period);
    const costs = seriesByDimension(rows.costByModel!, "providedModelName", "sum_totalCost", buckets, "day");
    expect(costs.map((series) => series.name).sort()).toEqual([...MODELS].sort());
    for (const { name, values } of costs) {
      buckets.forEach((_, day) => {
        expect(values[day], `${name} on day ${day}`).toBeCloseTo(sum(generations.filter((g) => g.model === name && g.day === day).map((g) => g.cost)), 9);
      });
    }
    const [traces, observations] = seriesOfMetrics(
      rows.activity!,
      [
        { key: "uniq_traceId", name: "Traces" },
        { key: "count_count", name: "Observations" },
      ],
      buckets,
      "day",
    );
    expect(traces!.values).toEqual(buckets.map((_, day) => generations.filter((g) => g.day === day).length));
    expect(observations!.values).toEqual(buckets.map((_, day) => 2 * generations.filter((g) => g.day === day).length));
  });

  it("ranks generation latency, tokens by model and users by cost as the bars show them", () => {
    const latency = barsOf(rows.latencyByName!, "name", ["p50_latency", "p95_latency"]);
    expect(latency.map((bar) => bar.label).sort()).toEqual(["answer", "draft"]);
    for (const bar of latency) {
      const own = generations.filter((g) => g.name === bar.label).map((g) => g.latencyMs);
      expect(bar.values[1]).toBeLessThanOrEqual(Math.max(...own));
      expect(bar.values[0]).toBeGreaterThanOrEqual(Math.min(...own));
      expect(bar.values[0]).toBeLessThanOrEqual(bar.values[1]!);
    }
    const tokens = barsOf(rows.tokensByModel!, "providedModelName", ["sum_inputTokens", "sum_outputTokens"]);
    expect(Object.fromEntries(tokens.map((bar) => [bar.label, bar.values]))).toEqual(
      Object.fromEntries(
        MODELS.map((model) => [
          model,
          [sum(generations.filter((g) => g.model === model).map((g) => g.input)), sum(generations.filter((g) => g.model === model).map((g) => g.output))],
        ]),
      ),
    );
    const users = barsOf(rows.topUsers!, "userId", ["sum_totalCost"]);
    const expected = [...new Set(generations.map((g) => g.userId))]
      .map((userId) => ({ userId, cost: sum(generations.filter((g) => g.userId === userId).map((g) => g.cost)) }))
      .sort((a, b) => b.cost - a.cost);
    expect(users.map((bar) => bar.label)).toEqual(expected.map((user) => user.userId));
    for (const [index, bar] of users.entries()) expect(bar.values[0]).toBeCloseTo(expected[index]!.cost, 9);
  });
});
