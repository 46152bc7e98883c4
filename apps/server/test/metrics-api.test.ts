import { randomUUID } from "node:crypto";
import { LangfuseClient } from "@langfuse/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MetricsAggregations, MetricsGranularities } from "@wick/contracts";
import { viewFor, type ApiVersion } from "@wick/metrics";
import { createTestApp, listen, type TestApp, type TestProject } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

// ---- The data set, as the test knows it ---------------------------------------------------------
// Twelve traces on 2025-03-01 and 2025-03-03 (03-02 and 03-04 stay empty), each with a root span, a
// generation under it and an event; scores on them; one trace and observation outside the window.

const DAY = 86_400_000;
const BASE = Date.UTC(2025, 2, 1);
const FROM = "2025-03-01T00:00:00Z";
const TO = "2025-03-05T00:00:00Z";
const iso = (ms: number) => new Date(ms).toISOString();
const NAMES = ["checkout", "search", "chat"];

interface TraceFact {
  id: string;
  ts: number;
  name: string;
  userId?: string;
  sessionId?: string;
  tags: string[];
  environment: string;
  customer: string;
}
interface ObservationFact {
  id: string;
  traceId: string;
  type: "SPAN" | "GENERATION" | "EVENT";
  name: string;
  start: number;
  end?: number;
  completionStart?: number;
  model?: string;
  input?: number;
  output?: number;
  cost?: number;
  customer: string;
  level: string;
  environment: string;
}
interface ScoreFact {
  id: string;
  traceId: string;
  observationId?: string;
  name: string;
  dataType: "NUMERIC" | "BOOLEAN" | "CATEGORICAL";
  value: number | string;
  ts: number;
}

const traces: TraceFact[] = [];
const observations: ObservationFact[] = [];
const scores: ScoreFact[] = [];
for (let i = 0; i < 12; i += 1) {
  const ts = BASE + (i % 2 === 0 ? 0 : 2 * DAY) + i * 600_000;
  const trace: TraceFact = {
    id: `t-${i}`,
    ts,
    name: NAMES[i % 3]!,
    userId: i % 4 === 3 ? undefined : `user-${i % 3}`,
    sessionId: i % 2 ? `s-${i % 3}` : undefined,
    tags: i % 2 ? ["prod", "web"] : ["prod"],
    environment: i % 5 === 0 ? "staging" : "production",
    customer: i % 2 ? "acme" : "globex",
  };
  traces.push(trace);
  const shared = { traceId: trace.id, customer: trace.customer, environment: trace.environment };
  observations.push({ ...shared, id: `${trace.id}-span`, type: "SPAN", name: "handle", start: ts, end: ts + 1000 + i * 100, level: "DEFAULT" });
  const genStart = ts + 100;
  observations.push({
    ...shared,
    id: `${trace.id}-gen`,
    type: "GENERATION",
    name: i % 3 === 0 ? "draft" : "answer",
    start: genStart,
    completionStart: genStart + 200,
    end: genStart + 500 + i * 137,
    model: i % 2 ? "model-a" : "model-b",
    input: 100 + i * 10,
    output: 20 + i * 5,
    cost: Number(((i + 1) * 0.0015).toFixed(4)),
    level: "DEFAULT",
  });
  observations.push({ ...shared, id: `${trace.id}-evt`, type: "EVENT", name: "log", start: ts + 50, level: i % 4 === 0 ? "ERROR" : "DEFAULT" });
  scores.push({
    id: `q-${i}`,
    traceId: trace.id,
    observationId: i % 2 === 0 ? `${trace.id}-gen` : undefined,
    name: "quality",
    dataType: "NUMERIC",
    value: i / 10,
    ts: ts + 60_000,
  });
  if (i % 3 !== 2) scores.push({ id: `p-${i}`, traceId: trace.id, name: "passed", dataType: "BOOLEAN", value: i % 2, ts: ts + 60_000 });
  scores.push({ id: `c-${i}`, traceId: trace.id, name: "tone", dataType: "CATEGORICAL", value: i % 3 === 0 ? "warm" : "cold", ts: ts + 60_000 });
}
/** Trace 0's generation is updated later: only the update's usage may count. */
const updatedGeneration = observations.find((o) => o.id === "t-0-gen")!;
Object.assign(updatedGeneration, { input: 999, output: 1 });

function events(): unknown[] {
  const batch: unknown[] = [];
  for (const trace of traces) {
    batch.push({
      id: randomUUID(),
      type: "trace-create",
      timestamp: iso(trace.ts),
      body: {
        id: trace.id,
        timestamp: iso(trace.ts),
        name: trace.name,
        userId: trace.userId,
        sessionId: trace.sessionId,
        tags: trace.tags,
        environment: trace.environment,
        release: "r1",
        metadata: { customer: trace.customer },
      },
    });
  }
  for (const o of observations) {
    const type = { SPAN: "span-create", GENERATION: "generation-create", EVENT: "event-create" }[o.type];
    const generation =
      o.type === "GENERATION"
        ? {
            model: o.model,
            completionStartTime: iso(o.completionStart!),
            usageDetails: o.id === "t-0-gen" ? { input: 5, output: 5 } : { input: o.input, output: o.output },
            costDetails: { input: o.cost! / 2, output: o.cost! / 2 },
            parentObservationId: `${o.traceId}-span`,
          }
        : {};
    batch.push({
      id: randomUUID(),
      type,
      timestamp: iso(o.start),
      body: {
        id: o.id,
        traceId: o.traceId,
        name: o.name,
        startTime: iso(o.start),
        endTime: o.end === undefined ? undefined : iso(o.end),
        level: o.level,
        environment: o.environment,
        metadata: { customer: o.customer, nested: { deep: true } },
        ...generation,
      },
    });
  }
  for (const s of scores) {
    batch.push({
      id: randomUUID(),
      type: "score-create",
      timestamp: iso(s.ts),
      body: { id: s.id, traceId: s.traceId, observationId: s.observationId, name: s.name, dataType: s.dataType, value: s.value, environment: "production" },
    });
  }
  // Outside the window: never counted.
  batch.push({ id: randomUUID(), type: "trace-create", timestamp: iso(BASE + 10 * DAY), body: { id: "t-late", timestamp: iso(BASE + 10 * DAY), name: "late", userId: "user-0" } });
  batch.push({ id: randomUUID(), type: "span-create", timestamp: iso(BASE + 10 * DAY), body: { id: "late-span", traceId: "t-late", startTime: iso(BASE + 10 * DAY) } });
  return batch;
}

/** Another project with the same ids and its own values: nothing of it may ever appear. */
const INTRUDER = "intruder";
function otherProjectEvents(): unknown[] {
  return traces.slice(0, 4).flatMap((trace) => [
    { id: randomUUID(), type: "trace-create", timestamp: iso(trace.ts), body: { id: trace.id, timestamp: iso(trace.ts), name: INTRUDER, userId: INTRUDER, tags: [INTRUDER] } },
    {
      id: randomUUID(),
      type: "generation-create",
      timestamp: iso(trace.ts),
      body: {
        id: `${trace.id}-gen`,
        traceId: trace.id,
        name: INTRUDER,
        model: INTRUDER,
        startTime: iso(trace.ts),
        endTime: iso(trace.ts + 5000),
        usageDetails: { input: 77777, output: 1 },
        costDetails: { input: 777 },
      },
    },
    { id: randomUUID(), type: "score-create", timestamp: iso(trace.ts), body: { id: `q-${trace.id}`, traceId: trace.id, name: INTRUDER, value: 777 } },
  ]);
}

// ---- What the test expects, computed from the facts ---------------------------------------------

const generations = observations.filter((o) => o.type === "GENERATION");
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const groupBy = <T>(items: T[], key: (item: T) => string) => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};
/** ClickHouse's `quantile` below its reservoir size: linear interpolation at level·(n−1). */
function quantile(values: number[], level: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = level * (sorted.length - 1);
  const low = Math.floor(index);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (index - low);
}
const latency = (o: ObservationFact) => o.end! - o.start;

type Row = Record<string, unknown>;
const byKey = (rows: Row[], key: string) => new Map(rows.map((row) => [String(row[key]), row]));

// ---- Tests ---------------------------------------------------------------------------------------

describe("metrics API", () => {
  let t: TestApp;
  let project: TestProject;
  let other: TestProject;

  const ingest = async (batch: unknown[], authorization: string) => {
    const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization }, payload: { batch } });
    expect(response.json().errors).toEqual([]);
  };
  const request = (path: string, query: unknown, authorization = project.basic) =>
    t.app.inject({ method: "GET", url: `/api/public${path}?query=${encodeURIComponent(typeof query === "string" ? query : JSON.stringify(query))}`, headers: { authorization } });
  const v2 = (query: object) => request("/v2/metrics", { fromTimestamp: FROM, toTimestamp: TO, ...query });
  const v1 = (query: object) => request("/metrics", { fromTimestamp: FROM, toTimestamp: TO, ...query });
  const rows = async (call: Promise<{ statusCode: number; body: string; json(): { data: Row[] } }>) => {
    const response = await call;
    expect(response.statusCode, response.body).toBe(200);
    return response.json().data;
  };

  beforeAll(async () => {
    t = await createTestApp("embedded");
    project = await t.createProject();
    other = await t.createProject();
    await ingest(events(), project.basic);
    await ingest(
      [{ id: randomUUID(), type: "generation-update", timestamp: iso(BASE + DAY), body: { id: "t-0-gen", traceId: "t-0", usageDetails: { input: 999, output: 1 } } }],
      project.basic,
    );
    await ingest(otherProjectEvents(), other.basic);
  });
  afterAll(async () => t?.close());

  it("answers the documented example (v2 sum of totalCost by providedModelName) in the reference's shape", async () => {
    const response = await v2({ view: "observations", metrics: [{ measure: "totalCost", aggregation: "sum" }], dimensions: [{ field: "providedModelName" }], filters: [] });
    expect(response.statusCode).toBe(200);
    expectReferenceResponse({ method: "GET", path: "/api/public/v2/metrics" }, 200, response.json());
    const data: Row[] = response.json().data;
    const expected = [...groupBy(generations, (o) => o.model!)].map(([model, group]) => ({ providedModelName: model, sum_totalCost: sum(group.map((o) => o.cost!)) }));
    expected.push({ providedModelName: null as unknown as string, sum_totalCost: 0 });
    expected.sort((a, b) => b.sum_totalCost - a.sum_totalCost);
    expect(data.map((row) => row.providedModelName)).toEqual(expected.map((row) => row.providedModelName));
    for (const [index, row] of data.entries()) expect(row.sum_totalCost).toBeCloseTo(expected[index]!.sum_totalCost, 10);
    expect(Object.keys(data[0]!)).toEqual(["providedModelName", "sum_totalCost"]);
  });

  it("counts, sums tokens and cost, and takes latency percentiles per group", async () => {
    const data = await rows(
      v2({
        view: "observations",
        dimensions: [{ field: "name" }],
        metrics: [
          { measure: "count", aggregation: "count" },
          { measure: "inputTokens", aggregation: "sum" },
          { measure: "outputTokens", aggregation: "sum" },
          { measure: "totalTokens", aggregation: "sum" },
          { measure: "totalCost", aggregation: "sum" },
          { measure: "latency", aggregation: "p50" },
          { measure: "latency", aggregation: "p95" },
          { measure: "latency", aggregation: "max" },
          { measure: "latency", aggregation: "count" },
          { measure: "timeToFirstToken", aggregation: "avg" },
        ],
        filters: [{ column: "type", operator: "=", value: "GENERATION", type: "string" }],
      }),
    );
    const expected = groupBy(generations, (o) => o.name);
    expect(data.map((row) => row.name).sort()).toEqual([...expected.keys()].sort());
    for (const row of data) {
      const group = expected.get(row.name as string)!;
      expect(row.count_count).toBe(group.length);
      expect(row.sum_inputTokens).toBe(sum(group.map((o) => o.input!)));
      expect(row.sum_outputTokens).toBe(sum(group.map((o) => o.output!)));
      expect(row.sum_totalTokens).toBe(sum(group.map((o) => o.input! + o.output!)));
      expect(row.sum_totalCost).toBeCloseTo(sum(group.map((o) => o.cost!)), 10);
      expect(row.p50_latency).toBeCloseTo(quantile(group.map(latency), 0.5), 6);
      expect(row.p95_latency).toBeCloseTo(quantile(group.map(latency), 0.95), 6);
      expect(row.max_latency).toBe(Math.max(...group.map(latency)));
      expect(row.count_latency).toBe(group.length);
      expect(row.avg_timeToFirstToken).toBe(200);
    }
    // Default order: the first metric, descending.
    expect(data.map((row) => row.count_count)).toEqual([...data.map((row) => row.count_count as number)].sort((a, b) => b - a));
  });

  it("counts only non-NULL values of a measure with `count`, and rows with an empty metrics list", async () => {
    const [row] = await rows(
      v2({
        view: "observations",
        metrics: [
          { measure: "count", aggregation: "count" },
          { measure: "latency", aggregation: "count" },
        ],
      }),
    );
    expect(row).toEqual({ count_count: observations.length, count_latency: observations.filter((o) => o.end !== undefined).length });
    expect(await rows(v2({ view: "observations", metrics: [], dimensions: [{ field: "type" }] }))).toEqual([
      { type: "EVENT", count: 12 },
      { type: "GENERATION", count: 12 },
      { type: "SPAN", count: 12 },
    ]);
  });

  it("answers one row without grouping even when nothing matches, and no rows with grouping", async () => {
    const none = [{ column: "name", operator: "=", value: "no-such-name", type: "string" }];
    expect(
      await rows(
        v2({
          view: "observations",
          metrics: [
            { measure: "count", aggregation: "count" },
            { measure: "latency", aggregation: "avg" },
          ],
          filters: none,
        }),
      ),
    ).toEqual([{ count_count: 0, avg_latency: null }]);
    expect(await rows(v2({ view: "observations", dimensions: [{ field: "name" }], metrics: [{ measure: "count", aggregation: "count" }], filters: none }))).toEqual([]);
  });

  it("builds histograms whose bins hold every value", async () => {
    const [row] = await rows(
      v2({
        view: "observations",
        metrics: [{ measure: "latency", aggregation: "histogram" }],
        filters: [{ column: "type", operator: "any of", value: ["GENERATION"], type: "stringOptions" }],
        config: { bins: 4 },
      }),
    );
    const bins = row!.histogram_latency as Array<[number, number, number]>;
    const values = generations.map(latency);
    expect(bins.length).toBeLessThanOrEqual(4);
    expect(sum(bins.map((bin) => bin[2]))).toBeCloseTo(values.length, 6);
    expect(bins[0]![0]).toBe(Math.min(...values));
    expect(bins.at(-1)![1]).toBe(Math.max(...values));
  });

  it("buckets by day with the empty days filled, and by `auto` granularity", async () => {
    const query = {
      view: "observations",
      metrics: [
        { measure: "count", aggregation: "count" },
        { measure: "totalCost", aggregation: "sum" },
      ],
      timeDimension: { granularity: "day" },
    };
    const data = await rows(v2(query));
    const perDay = (day: number) => observations.filter((o) => o.start >= BASE + day * DAY && o.start < BASE + (day + 1) * DAY);
    expect(data.map((row) => row.time_dimension)).toEqual(["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04"]);
    expect(data.map((row) => row.count_count)).toEqual([0, 1, 2, 3].map((day) => perDay(day).length));
    expect(data[1]).toEqual({ time_dimension: "2025-03-02", count_count: 0, sum_totalCost: null });
    expect(data[2]!.sum_totalCost).toBeCloseTo(sum(perDay(2).map((o) => o.cost ?? 0)), 10);
    // 96 hours resolve to days; 3 hours to hours, buckets as ISO date-times.
    expect(await rows(v2({ ...query, timeDimension: { granularity: "auto" } }))).toEqual(data);
    const hours = await rows(v2({ ...query, timeDimension: { granularity: "auto" }, toTimestamp: "2025-03-01T03:00:00Z" }));
    expect(hours.map((row) => row.time_dimension)).toEqual(["2025-03-01T00:00:00Z", "2025-03-01T01:00:00Z", "2025-03-01T02:00:00Z"]);
    // An explicit order turns filling off; the limit applies after filling.
    const ordered = await rows(v2({ ...query, orderBy: [{ field: "time_dimension", direction: "desc" }] }));
    expect(ordered.map((row) => row.time_dimension)).toEqual(["2025-03-03", "2025-03-01"]);
    expect((await rows(v2({ ...query, config: { row_limit: 2 } }))).map((row) => row.time_dimension)).toEqual(["2025-03-01", "2025-03-02"]);
  });

  it("fills buckets per time, not per dimension value, with type defaults", async () => {
    const data = await rows(
      v2({
        view: "observations",
        dimensions: [{ field: "providedModelName" }],
        metrics: [{ measure: "totalTokens", aggregation: "sum" }],
        timeDimension: { granularity: "day" },
        filters: [{ column: "type", operator: "=", value: "GENERATION", type: "string" }],
      }),
    );
    expect(data.filter((row) => row.time_dimension === "2025-03-02")).toEqual([{ providedModelName: null, time_dimension: "2025-03-02", sum_totalTokens: 0 }]);
    expect(data.filter((row) => row.time_dimension === "2025-03-01").map((row) => row.providedModelName)).toEqual(["model-b"]);
    expect(data.find((row) => row.time_dimension === "2025-03-03")).toMatchObject({ providedModelName: "model-a" });
  });

  it("filters on metadata keys (which must exist), trace attributes, tags, times and empty-as-null columns", async () => {
    const count = async (filters: unknown[], view = "observations", version: ApiVersion = "v2") =>
      (await rows((version === "v2" ? v2 : v1)({ view, metrics: [{ measure: "count", aggregation: "count" }], filters })))[0]!.count_count;
    expect(await count([{ column: "metadata", type: "stringObject", key: "customer", operator: "=", value: "acme" }])).toBe(
      observations.filter((o) => o.customer === "acme").length,
    );
    expect(await count([{ column: "metadata", type: "stringObject", key: "customer", operator: "does not contain", value: "acme" }])).toBe(
      observations.filter((o) => o.customer !== "acme").length,
    );
    expect(await count([{ column: "metadata", type: "stringObject", key: "absent", operator: "does not contain", value: "x" }])).toBe(0);
    expect(await count([{ column: "metadata", type: "stringObject", key: "nested", operator: "contains", value: '"deep":true' }])).toBe(observations.length);
    const tracesOf = (predicate: (trace: TraceFact) => boolean) => new Set(traces.filter(predicate).map((trace) => trace.id));
    const alice = tracesOf((trace) => trace.userId === "user-1");
    expect(await count([{ column: "userId", type: "string", operator: "=", value: "user-1" }])).toBe(observations.filter((o) => alice.has(o.traceId)).length);
    const noUser = tracesOf((trace) => trace.userId === undefined);
    expect(await count([{ column: "userId", type: "null", operator: "is null", value: "" }])).toBe(observations.filter((o) => noUser.has(o.traceId)).length);
    expect(await count([{ column: "userId", type: "string", operator: "=", value: "" }])).toBe(observations.filter((o) => noUser.has(o.traceId)).length);
    const web = tracesOf((trace) => trace.tags.includes("web"));
    expect(await count([{ column: "tags", type: "arrayOptions", operator: "any of", value: ["web", "nope"] }])).toBe(observations.filter((o) => web.has(o.traceId)).length);
    expect(await count([{ column: "tags", type: "arrayOptions", operator: "none of", value: ["web"] }])).toBe(observations.filter((o) => !web.has(o.traceId)).length);
    expect(await count([{ column: "start_time", type: "datetime", operator: ">=", value: "2025-03-02T00:00:00Z" }])).toBe(observations.filter((o) => o.start >= BASE + DAY).length);
    expect(await count([{ column: "isRootObservation", type: "boolean", operator: "=", value: true }])).toBe(observations.filter((o) => o.type !== "GENERATION").length);
    expect(await count([{ column: "traceName", type: "stringOptions", operator: "none of", value: ["chat"] }])).toBe(
      observations.filter((o) => traces.find((x) => x.id === o.traceId)!.name !== "chat").length,
    );
    // `*Name` columns fall back to the view's name.
    expect(await count([{ column: "scoreName", type: "string", operator: "=", value: "quality" }], "scores-numeric")).toBe(scores.filter((s) => s.name === "quality").length);
    expect(await count([{ column: "metadata", type: "stringObject", key: "customer", operator: "starts with", value: "glob" }], "traces", "v1")).toBe(
      tracesOf((trace) => trace.customer === "globex").size,
    );
  });

  it("counts each observation once, in its newest version", async () => {
    const [row] = await rows(
      v2({
        view: "observations",
        metrics: [
          { measure: "inputTokens", aggregation: "sum" },
          { measure: "count", aggregation: "count" },
        ],
        filters: [{ column: "id", type: "string", operator: "=", value: "t-0-gen" }],
      }),
    );
    expect(row).toEqual({ sum_inputTokens: 999, count_count: 1 });
  });

  it("aggregates the score views", async () => {
    const numeric = await rows(
      v2({
        view: "scores-numeric",
        dimensions: [{ field: "name" }],
        metrics: [
          { measure: "value", aggregation: "avg" },
          { measure: "count", aggregation: "count" },
        ],
      }),
    );
    const numericScores = scores.filter((s) => s.dataType !== "CATEGORICAL");
    const byName = groupBy(numericScores, (s) => s.name);
    expect(numeric.length).toBe(byName.size);
    for (const row of numeric) {
      const group = byName.get(row.name as string)!;
      expect(row.count_count).toBe(group.length);
      expect(row.avg_value).toBeCloseTo(sum(group.map((s) => s.value as number)) / group.length, 10);
    }
    const categorical = await rows(v2({ view: "scores-categorical", dimensions: [{ field: "stringValue" }], metrics: [{ measure: "count", aggregation: "count" }] }));
    const tones = groupBy(
      scores.filter((s) => s.dataType === "CATEGORICAL"),
      (s) => s.value as string,
    );
    expect(categorical).toEqual([...tones].map(([value, group]) => ({ stringValue: value, count_count: group.length })).sort((a, b) => b.count_count - a.count_count));
    const passed = scores.filter((s) => s.dataType === "BOOLEAN");
    expect(
      await rows(
        v2({
          view: "scores-boolean",
          dimensions: [{ field: "booleanValue" }],
          metrics: [{ measure: "count", aggregation: "count" }],
          orderBy: [{ field: "booleanValue", direction: "asc" }],
        }),
      ),
    ).toEqual([
      { booleanValue: false, count_count: passed.filter((s) => s.value === 0).length },
      { booleanValue: true, count_count: passed.filter((s) => s.value === 1).length },
    ]);
    // Trace and observation attributes come through joins.
    const byTraceName = await rows(
      v2({
        view: "scores-numeric",
        dimensions: [{ field: "traceName" }, { field: "observationModelName" }],
        metrics: [{ measure: "value", aggregation: "sum" }],
        filters: [{ column: "name", type: "string", operator: "=", value: "quality" }],
      }),
    );
    const attached = scores.filter((s) => s.name === "quality" && s.observationId);
    const expected = groupBy(attached, (s) => `${traces.find((x) => x.id === s.traceId)!.name}|${observations.find((o) => o.id === s.observationId)!.model}`);
    expect(new Map(byTraceName.map((row) => [`${row.traceName}|${row.observationModelName}`, row.sum_value]))).toEqual(
      new Map([...expected].map(([key, group]) => [key, sum(group.map((s) => s.value as number))])),
    );
  });

  it("answers v1 and v2 side by side, differing where the reference's versions do", async () => {
    const query = {
      view: "observations",
      dimensions: [{ field: "providedModelName" }],
      metrics: [
        { measure: "count", aggregation: "count" },
        { measure: "totalCost", aggregation: "sum" },
      ],
    };
    const [a, b] = await Promise.all([rows(v1(query)), rows(v2(query))]);
    expect(a).toEqual(b.map((row) => (row.providedModelName === null ? { ...row, sum_totalCost: null } : row)));
    expectReferenceResponse({ method: "GET", path: "/api/public/metrics" }, 200, { data: a });
    // v2 has no traces view; v1 aggregates per trace first.
    expect((await v2({ view: "traces", metrics: [{ measure: "count", aggregation: "count" }] })).statusCode).toBe(400);
    const perTrace = await rows(
      v1({
        view: "traces",
        dimensions: [{ field: "name" }],
        metrics: [
          { measure: "count", aggregation: "count" },
          { measure: "totalCost", aggregation: "sum" },
          { measure: "observationsCount", aggregation: "avg" },
        ],
      }),
    );
    const traceGroups = groupBy(traces, (trace) => trace.name);
    for (const row of perTrace) {
      const group = traceGroups.get(row.name as string)!;
      const ids = new Set(group.map((trace) => trace.id));
      expect(row.count_count).toBe(group.length);
      expect(row.sum_totalCost).toBeCloseTo(sum(generations.filter((o) => ids.has(o.traceId)).map((o) => o.cost!)), 10);
      expect(row.avg_observationsCount).toBe(3);
    }
    // v1's per-trace uniqueUserIds: `sum` counts traces that have a user.
    const [users] = await rows(v1({ view: "traces", metrics: [{ measure: "uniqueUserIds", aggregation: "sum" }] }));
    expect(users).toEqual({ sum_uniqueUserIds: traces.filter((trace) => trace.userId).length });
    // v2's string measure takes uniq: distinct users.
    const [distinct] = await rows(v2({ view: "observations", metrics: [{ measure: "uniqueUserIds", aggregation: "uniq" }] }));
    expect(distinct).toEqual({ uniq_uniqueUserIds: new Set(traces.map((trace) => trace.userId).filter(Boolean)).size });
  });

  it("keeps v2's default limit of 100 and v1's absence of one", async () => {
    const query = { view: "observations", metrics: [], timeDimension: { granularity: "hour" } };
    expect((await rows(v2(query))).length).toBe(96);
    const week = { ...query, toTimestamp: "2025-03-08T00:00:00Z" };
    expect((await rows(v2(week))).length).toBe(100);
    expect((await rows(v1(week))).length).toBe(7 * 24);
  });

  it("runs every dimension and every valid aggregation of every measure of every view", async () => {
    const views: Array<[ApiVersion, string]> = [
      ["v1", "traces"],
      ["v1", "observations"],
      ["v2", "observations"],
      ...["scores-numeric", "scores-categorical", "scores-boolean"].flatMap(
        (view) =>
          [
            ["v1", view],
            ["v2", view],
          ] as Array<[ApiVersion, string]>,
      ),
    ];
    for (const [version, name] of views) {
      const view = viewFor(version, name as "observations")!;
      const call = version === "v2" ? v2 : v1;
      for (const [field, dimension] of view.dimensions) {
        const topN = dimension.highCardinality && version === "v2" ? { config: { row_limit: 10 }, orderBy: [{ field: "count_count", direction: "desc" }] } : {};
        const response = await call({ view: name, dimensions: [{ field }], metrics: [{ measure: "count", aggregation: "count" }], ...topN });
        expect(response.statusCode, `${version} ${name} ${field}: ${response.body}`).toBe(200);
      }
      for (const [measure, declared] of view.measures) {
        const aggregations = declared.type === "string" ? ["count", "uniq"] : MetricsAggregations;
        const response = await call({ view: name, metrics: aggregations.map((aggregation) => ({ measure, aggregation })), timeDimension: { granularity: "day" } });
        expect(response.statusCode, `${version} ${name} ${measure}: ${response.body}`).toBe(200);
      }
    }
  });

  it.each([
    ["invalid JSON", "{", "Invalid JSON in query parameter"],
    ["an unknown dimension", { view: "observations", dimensions: [{ field: "nope" }], metrics: [] }, "Invalid dimension nope. Must be one of"],
    ["an unknown measure", { view: "observations", metrics: [{ measure: "nope", aggregation: "sum" }] }, "Invalid metric nope. Must be one of"],
    [
      "a string measure summed",
      { view: "observations", metrics: [{ measure: "traceId", aggregation: "sum" }] },
      'Aggregation "sum" is not valid for measure "traceId" (type: string). Valid aggregations: count, uniq',
    ],
    ["a histogram of a string measure", { view: "observations", metrics: [{ measure: "traceId", aggregation: "histogram" }] }, 'Aggregation "histogram" is not valid'],
    [
      "ordering by a histogram",
      { view: "observations", metrics: [{ measure: "latency", aggregation: "histogram" }], orderBy: [{ field: "histogram_latency", direction: "desc" }] },
      "Invalid orderBy field: histogram_latency.",
    ],
    ["an unknown filter column", { view: "observations", metrics: [], filters: [{ column: "nope", type: "string", operator: "=", value: "x" }] }, "Invalid filter column nope."],
    [
      "a wrong filter type",
      { view: "observations", metrics: [], filters: [{ column: "name", type: "number", operator: "=", value: 1 }] },
      "Invalid filter for field 'name': Filter type 'number' is not supported for dimension type 'string'. Expected 'string' or 'stringOptions'.",
    ],
    [
      "stringOptions on tags",
      { view: "observations", metrics: [], filters: [{ column: "tags", type: "stringOptions", operator: "any of", value: ["x"] }] },
      "Expected 'arrayOptions'.",
    ],
    [
      "a non-datetime filter on the time column",
      { view: "observations", metrics: [], filters: [{ column: "start_time", type: "string", operator: "=", value: "x" }] },
      "Filter type 'string' is not supported for time dimension 'start_time'. Expected 'datetime'.",
    ],
    [
      "a metadata filter without stringObject",
      { view: "observations", metrics: [], filters: [{ column: "metadata", type: "string", operator: "=", value: "x" }] },
      "Metadata filters require type 'stringObject'",
    ],
    [
      "two map expansions",
      { view: "observations", dimensions: [{ field: "costType" }, { field: "usageType" }], metrics: [] },
      "Only one pairExpand dimension is supported per query. Found: costType, usageType",
    ],
    [
      "a high-cardinality dimension with a time dimension",
      { view: "observations", dimensions: [{ field: "userId" }], metrics: [], timeDimension: { granularity: "day" } },
      "High cardinality dimension(s) 'userId' cannot be used with timeDimension.",
    ],
    [
      "a high-cardinality dimension without a limit",
      { view: "observations", dimensions: [{ field: "traceId" }], metrics: [{ measure: "count", aggregation: "count" }], orderBy: [{ field: "count_count", direction: "desc" }] },
      "require both 'config.row_limit' and 'orderBy'",
    ],
    [
      "a high-cardinality order on a non-measure",
      {
        view: "observations",
        dimensions: [{ field: "id" }],
        metrics: [{ measure: "count", aggregation: "count" }],
        orderBy: [{ field: "id", direction: "desc" }],
        config: { row_limit: 5 },
      },
      "'id' is not a measure in this query.",
    ],
    [
      "a bare measure name in orderBy",
      {
        view: "observations",
        dimensions: [{ field: "id" }],
        metrics: [{ measure: "totalCost", aggregation: "sum" }],
        orderBy: [{ field: "totalCost", direction: "desc" }],
        config: { row_limit: 5 },
      },
      "Invalid orderBy field: totalCost.",
    ],
    [
      "a minute series over a year",
      { view: "observations", metrics: [], timeDimension: { granularity: "minute" }, toTimestamp: "2026-03-01T00:00:00Z" },
      "gap filling allows at most",
    ],
    [
      "a time series before 1970",
      { view: "observations", metrics: [], timeDimension: { granularity: "month" }, fromTimestamp: "1960-01-01T00:00:00Z" },
      "must lie between 1970-01-01",
    ],
    ["a window before 1900", { view: "observations", metrics: [], fromTimestamp: "0001-01-01T00:00:00Z" }, "fromTimestamp must lie between 1900-01-01"],
  ])("answers 400 naming the problem for %s", async (_, query, message) => {
    const response = await (typeof query === "string" ? request("/v2/metrics", query) : v2(query));
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toContain(message);
    expect(response.json().error).toBe("InvalidRequestError");
  });

  it("takes project keys only", async () => {
    expect((await request("/v2/metrics", { view: "observations", metrics: [], fromTimestamp: FROM, toTimestamp: TO }, "Basic bm9wZTpub3Bl")).statusCode).toBe(401);
    expect((await t.app.inject({ method: "POST", url: "/api/public/v2/metrics", headers: { authorization: project.basic } })).statusCode).toBe(405);
  });

  it.each([
    ["an unknown view", { view: "sessions", metrics: [] }, ["query", "view"]],
    ["an unknown aggregation", { view: "observations", metrics: [{ measure: "count", aggregation: "median" }] }, ["query", "metrics", 0, "aggregation"]],
    [
      "an unknown operator",
      { view: "observations", metrics: [], filters: [{ column: "name", type: "string", operator: "like", value: "x" }] },
      ["query", "filters", 0, "operator"],
    ],
    ["too many bins", { view: "observations", metrics: [], config: { bins: 101 } }, ["query", "config", "bins"]],
    ["a date without a time", { view: "observations", metrics: [], fromTimestamp: "2025-03-01" }, ["query", "fromTimestamp"]],
    ["an empty window", { view: "observations", metrics: [], toTimestamp: FROM }, ["query", "fromTimestamp"]],
  ])("answers zod's 400 for %s", async (_, query, path) => {
    const response = await v2(query);
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.message).toBe("Invalid request data");
    expect(body.error.map((issue: { path: unknown[] }) => issue.path)).toContainEqual(path);
  });

  it("serves /metrics/daily: per day, newest first, usage per model", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/public/metrics/daily?traceName=checkout", headers: { authorization: project.basic } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    const checkout = traces.filter((trace) => trace.name === "checkout");
    const days = groupBy(checkout, (trace) => iso(trace.ts).slice(0, 10));
    expect(body.meta).toEqual({ page: 1, limit: 50, totalItems: days.size, totalPages: 1 });
    expect(body.data.map((day: { date: string }) => day.date)).toEqual([...days.keys()].sort().reverse());
    for (const day of body.data) {
      const ids = new Set(days.get(day.date)!.map((trace) => trace.id));
      const dayObservations = observations.filter((o) => ids.has(o.traceId));
      expect(day.countTraces).toBe(ids.size);
      expect(day.countObservations).toBe(dayObservations.length);
      expect(day.totalCost).toBeCloseTo(sum(dayObservations.map((o) => o.cost ?? 0)), 10);
      const models = byKey(day.usage, "model");
      for (const [model, group] of groupBy(dayObservations, (o) => String(o.model ?? null))) {
        expect(models.get(model)).toMatchObject({
          countObservations: group.length,
          countTraces: new Set(group.map((o) => o.traceId)).size,
          inputUsage: sum(group.map((o) => o.input ?? 0)),
          outputUsage: sum(group.map((o) => o.output ?? 0)),
          totalUsage: sum(group.map((o) => (o.input ?? 0) + (o.output ?? 0))),
        });
      }
    }
    const daily = (query: string) => t.app.inject({ method: "GET", url: `/api/public/metrics/daily?${query}`, headers: { authorization: project.basic } });
    // Days with observations but no traces in the window still appear; only trace days are counted.
    const paged = (await daily("limit=1&page=2")).json();
    expect(paged.meta).toEqual({ page: 2, limit: 1, totalItems: 3, totalPages: 3 });
    expect(paged.data.map((day: { date: string }) => day.date)).toEqual(["2025-03-03"]);
    expect((await daily("fromTimestamp=0001-01-01T00:00:00Z")).json()).toEqual({
      message: "fromTimestamp must lie between 1900-01-01 and 2299-12-31",
      error: "InvalidRequestError",
    });
    expect((await daily("limit=101")).statusCode).toBe(400);
  });

  it("answers the real @langfuse/client's api.metrics.get and legacy metricsV1 call", async () => {
    const baseUrl = await listen(t.app);
    const langfuse = new LangfuseClient({ publicKey: project.publicKey, secretKey: project.secretKey, baseUrl });
    const query = {
      view: "observations",
      metrics: [{ measure: "totalCost", aggregation: "sum" }],
      dimensions: [{ field: "providedModelName" }],
      filters: [],
      fromTimestamp: FROM,
      toTimestamp: TO,
    };
    // The SDK names the v2 call `metrics` (its docs say `get`).
    const result = await langfuse.api.metrics.metrics({ query: JSON.stringify(query) });
    const modelA = result.data.find((row) => row.providedModelName === "model-a");
    expect(modelA?.sum_totalCost).toBeCloseTo(sum(generations.filter((o) => o.model === "model-a").map((o) => o.cost!)), 10);
    const legacy = await langfuse.api.legacy.metricsV1.metrics({
      query: JSON.stringify({ ...query, view: "traces", dimensions: [{ field: "userId" }], metrics: [{ measure: "count", aggregation: "count" }] }),
    });
    expect(byKey(legacy.data, "userId").get("user-1")?.count_count).toBe(traces.filter((trace) => trace.userId === "user-1").length);
  });

  it("survives thousands of random and hostile queries: no 5xx, nothing from another project", async () => {
    const random = seededRandom(7);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 2000; i += 1) {
      const version = random() < 0.5 ? "v2" : "v1";
      const query = random() < 0.5 ? wellFormedQuery(random, version) : hostileQuery(random);
      const path = version === "v2" ? "/v2/metrics" : "/metrics";
      const response = await request(path, query);
      statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
      expect(response.statusCode, `${path} ${typeof query === "string" ? query : JSON.stringify(query)}\n${response.body}`).toBeLessThan(500);
      expect(response.body).not.toContain(INTRUDER);
      expect(response.body).not.toContain("77777");
    }
    // The generator reaches the engine often enough to mean something.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(500);
  });
});

// ---- The fuzzer ------------------------------------------------------------------------------------

/** mulberry32: a small seeded generator, so a failing query can be reproduced. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

const HOSTILE = [
  "'",
  "\\",
  "\\'",
  "'; DROP TABLE traces; --",
  "') OR 1=1 --",
  "{projectId:String}",
  "{f0:String}",
  "` OR 1=1",
  '" OR ""="',
  "\u0000",
  "name) FROM system.tables --",
  "__proto__",
  "constructor",
  "x".repeat(5000),
  "🙂",
  "%s%n",
  "NULL",
  "",
];

const pickFrom =
  (random: () => number) =>
  <T>(items: readonly T[]) =>
    items[Math.floor(random() * items.length)]!;

/** Filter types that fit a dimension type, with a hostile value of that type. */
function filterFor(random: () => number, column: string, dimensionType: string): object {
  const pick = pickFrom(random);
  const hostile = () => pick(HOSTILE);
  const options = () => Array.from({ length: 1 + (random() < 0.05 ? 2000 : Math.floor(random() * 3)) }, hostile);
  const byType: Record<string, () => object> = {
    string: () =>
      random() < 0.5
        ? { type: "string", operator: pick(["=", "contains", "does not contain", "starts with", "ends with"]), value: hostile() }
        : { type: "stringOptions", operator: pick(["any of", "none of"]), value: options() },
    "string[]": () => ({ type: "arrayOptions", operator: pick(["any of", "none of", "all of"]), value: options() }),
    number: () => ({ type: "number", operator: pick(["=", ">", "<", ">=", "<="]), value: pick([1e308, -1e308, 0, -0.5, 2 ** 60, Number.MIN_VALUE]) }),
    boolean: () => ({ type: "boolean", operator: pick(["=", "<>"]), value: random() < 0.5 }),
    datetime: () => ({ type: "datetime", operator: pick([">", "<="]), value: pick(["2025-03-02T00:00:00Z", "1900-01-01T00:00:00Z", "2025", "2299-12-31T00:00:00Z"]) }),
    metadata: () => ({ type: "stringObject", key: hostile(), operator: pick(["=", "contains", "does not contain", "starts with", "ends with"]), value: hostile() }),
  };
  const filter = random() < 0.15 ? { type: "null", operator: pick(["is null", "is not null"]), value: "" } : byType[dimensionType]!();
  return { column, ...filter };
}

/** A query the view's declarations allow, with hostile strings and extreme numbers in every value position. */
function wellFormedQuery(random: () => number, version: ApiVersion): unknown {
  const pick = pickFrom(random);
  const names =
    version === "v2"
      ? ["observations", "scores-numeric", "scores-categorical", "scores-boolean"]
      : ["traces", "observations", "scores-numeric", "scores-categorical", "scores-boolean"];
  const name = pick(names);
  const view = viewFor(version, name as "observations")!;
  const dimensions = [...view.dimensions].filter(([, d]) => !d.highCardinality || version === "v1");
  const measures = [...view.measures];
  const metrics = Array.from({ length: Math.floor(random() * 4) }, () => {
    const [measure, declared] = pick(measures);
    return { measure, aggregation: declared.type === "string" ? pick(["count", "uniq"]) : pick(MetricsAggregations) };
  });
  const filters = Array.from({ length: Math.floor(random() * 4) }, () => {
    const roll = random();
    if (roll < 0.15) return filterFor(random, "metadata", "metadata");
    if (roll < 0.25) return filterFor(random, view.timeColumn, "datetime");
    const [column, dimension] = pick(dimensions.filter(([, d]) => !d.pairExpansion));
    return filterFor(random, column, dimension.type);
  });
  const grouped = Array.from({ length: Math.floor(random() * 3) }, () => ({ field: pick(dimensions)[0] }));
  const orderable = [...grouped.map((d) => d.field), ...metrics.filter((m) => m.aggregation !== "histogram").map((m) => `${m.aggregation}_${m.measure}`)];
  return {
    view: name,
    dimensions: grouped,
    metrics,
    filters,
    timeDimension: random() < 0.3 ? { granularity: pick(MetricsGranularities) } : null,
    orderBy: random() < 0.3 && orderable.length > 0 ? [{ field: pick(orderable), direction: pick(["asc", "desc"]) }] : null,
    config: random() < 0.3 ? { bins: pick([1, 10, 100]), row_limit: pick([1, 5, 1000]) } : undefined,
    // The widest window the time buckets allow, now and then: filling it costs a few hundred ms.
    ...(random() < 0.1
      ? { fromTimestamp: "1970-01-01T00:00:00Z", toTimestamp: "2105-12-31T23:59:59+05:30" }
      : pick([
          { fromTimestamp: FROM, toTimestamp: TO },
          { fromTimestamp: FROM, toTimestamp: "2025-03-01T00:30Z" },
        ])),
  };
}

/** Malformed and hostile input anywhere: wrong types, unknown names, SQL fragments, huge and deep values. */
function hostileQuery(random: () => number): unknown {
  const pick = pickFrom(random);
  const wild = <T>(valid: readonly T[]) => (random() < 0.6 ? pick(valid) : random() < 0.5 ? pick(HOSTILE) : nested(3));
  const nested = (depth: number): unknown => (depth === 0 ? pick(HOSTILE) : random() < 0.5 ? [nested(depth - 1)] : { a: nested(depth - 1) });
  const list = <T>(make: () => T, max: number) => Array.from({ length: random() < 0.05 ? 500 : Math.floor(random() * max) }, make);
  const fields = ["name", "type", "userId", "traceId", "tags", "value", "costType", "fooName", "metadata", "start_time", "timestamp", ...HOSTILE];
  const measures = ["count", "latency", "totalCost", "value", "traceId", "costByType", "observationsCount", ...HOSTILE];

  if (random() < 0.1) return pick(["{", "[", "null", "1", '"x"', '{"view":', pick(HOSTILE), JSON.stringify(nested(500))]);
  return {
    view: wild(["observations", "traces", "scores-numeric"]),
    dimensions: wild([list(() => ({ field: pick(fields) }), 3)]),
    metrics: wild([list(() => ({ measure: pick(measures), aggregation: wild(MetricsAggregations) }), 4)]),
    filters: wild([
      list(
        () => ({
          column: pick(fields),
          type: wild(["string", "stringOptions", "arrayOptions", "number", "boolean", "null", "datetime", "stringObject", "numberObject", "categoryOptions", "positionInTrace"]),
          operator: wild(["=", "contains", "any of", "none of", "all of", ">", "<>", "is null"]),
          value: random() < 0.5 ? pick(HOSTILE) : nested(Math.floor(random() * 300)),
          key: pick(HOSTILE),
        }),
        4,
      ),
    ]),
    timeDimension: random() < 0.3 ? { granularity: wild(MetricsGranularities) } : wild([null]),
    orderBy: random() < 0.3 ? list(() => ({ field: pick([...fields, "count_count", "time_dimension"]), direction: wild(["asc", "desc"]) }), 3) : null,
    config: random() < 0.3 ? { bins: wild([1, 10, 100, 0, 1e9, -1, 2.5]), row_limit: wild([1, 5, 1000, 0, 1e9]) } : undefined,
    fromTimestamp: wild([FROM, "0001-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z"]),
    toTimestamp: wild([TO, "9999-12-31T23:59:59Z", "2025-03-01T00:00:00.001+14:00"]),
  };
}
