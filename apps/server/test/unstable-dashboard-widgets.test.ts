import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { expectUnstableError, type UnstableMethod, unstableCalls } from "./support/unstable-calls.ts";

const LIST = { method: "GET", path: "/api/public/unstable/dashboard-widgets" };
const CREATE = { method: "POST", path: "/api/public/unstable/dashboard-widgets" };
const GET = { method: "GET", path: "/api/public/unstable/dashboard-widgets/{widgetId}" };
const UPDATE = { method: "PATCH", path: "/api/public/unstable/dashboard-widgets/{widgetId}" };
const DELETE = { method: "DELETE", path: "/api/public/unstable/dashboard-widgets/{widgetId}" };
const METRICS_V2 = { method: "GET", path: "/api/public/v2/metrics" };

const costByModel = {
  name: "Cost by model",
  view: "observations",
  dimensions: [{ field: "providedModelName" }],
  metrics: [{ measure: "totalCost", agg: "sum" }],
  filters: [],
  chartType: "HORIZONTAL_BAR",
};

describe.each(postgresModes())("unstable dashboard widgets API (%s Postgres)", (mode) => {
  let t: TestApp;
  let project: TestProject;
  let other: TestProject;

  const { call, ok } = unstableCalls(
    () => t,
    () => project,
  );

  const failure = expectUnstableError;
  const refused = async (method: UnstableMethod, url: string, body: unknown, code = "invalid_request") => failure(await call(method, url, { body }), 400, code);

  beforeAll(async () => {
    t = await createTestApp(mode);
    project = await t.createProject();
    other = await t.createProject();
    const at = (minute: number) => new Date(Date.UTC(2026, 10, 3, 10, minute)).toISOString();
    const generation = (model: string, cost: number, minute: number) => ({
      id: randomUUID(),
      type: "generation-create",
      timestamp: at(minute),
      body: { id: randomUUID(), traceId: `trace-${minute}`, name: "chat", model, startTime: at(minute), endTime: at(minute + 1), costDetails: { total: cost } },
    });
    const ingested = await call("POST", "/ingestion", {
      prefix: "/api/public",
      body: {
        batch: [
          ...[1, 2, 3].map((minute) => ({ id: randomUUID(), type: "trace-create", timestamp: at(minute), body: { id: `trace-${minute}`, userId: `user-${minute}` } })),
          generation("gpt-4o", 0.5, 1),
          generation("gpt-4o", 0.25, 2),
          generation("claude-sonnet", 1.5, 3),
          generation("claude-sonnet", 0.125, 40),
        ],
      },
    });
    expect(ingested.json().errors).toEqual([]);
  });
  afterAll(async () => t?.close());

  it("creates a widget with the defaults, reads, lists and updates it", async () => {
    const created = await ok(CREATE, "POST", "/dashboard-widgets", costByModel);
    expect(created).toEqual({
      ...costByModel,
      id: expect.stringMatching(/^c[0-9a-z]{24}$/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      description: "",
      chartConfig: { type: "HORIZONTAL_BAR" },
    });
    expect(await ok(GET, "GET", `/dashboard-widgets/${created.id}`)).toEqual(created);
    const listed = await ok(LIST, "GET", "/dashboard-widgets?limit=50");
    expect(listed.data.map((widget: { id: string }) => widget.id)).toContain(created.id);
    expect(listed.meta).toMatchObject({ page: 1, limit: 50 });

    const renamed = await ok(UPDATE, "PATCH", `/dashboard-widgets/${created.id}`, { name: "Spend", chartConfig: { row_limit: 5, show_value_labels: true } });
    expect(renamed).toMatchObject({ name: "Spend", dimensions: costByModel.dimensions, chartConfig: { type: "HORIZONTAL_BAR", row_limit: 5, show_value_labels: true } });
    // A new chart type without a config starts from that type's defaults.
    const histogram = await ok(UPDATE, "PATCH", `/dashboard-widgets/${created.id}`, { chartType: "HISTOGRAM", dimensions: [] });
    expect(histogram.chartConfig).toEqual({ type: "HISTOGRAM", bins: 10 });
  });

  it("keeps each chart option only for the chart types that use it", async () => {
    const pie = await ok(CREATE, "POST", "/dashboard-widgets", { ...costByModel, chartType: "PIE", chartConfig: { row_limit: 3, show_value_labels: true, bins: 4 } });
    expect(pie.chartConfig).toEqual({ type: "PIE", row_limit: 3 });
    const series = await ok(CREATE, "POST", "/dashboard-widgets", { ...costByModel, chartType: "LINE_TIME_SERIES", chartConfig: { type: "LINE_TIME_SERIES", row_limit: 3 } });
    expect(series.chartConfig).toEqual({ type: "LINE_TIME_SERIES" });
    const pivot = await ok(CREATE, "POST", "/dashboard-widgets", {
      ...costByModel,
      dimensions: [{ field: "providedModelName" }, { field: "name" }],
      chartType: "PIVOT_TABLE",
      chartConfig: { defaultSort: { column: "sum_totalCost", order: "DESC" } },
    });
    expect(pivot.chartConfig).toEqual({ type: "PIVOT_TABLE", defaultSort: { column: "sum_totalCost", order: "DESC" } });
    const mismatch = await refused("POST", "/dashboard-widgets", { ...costByModel, chartConfig: { type: "PIE" } });
    expect(mismatch.details).toMatchObject({ field: "chartConfig.type", allowedValues: ["HORIZONTAL_BAR"] });
    await refused("POST", "/dashboard-widgets", { ...costByModel, chartConfig: { row_limit: 1001 } }, "invalid_body");
    await refused("POST", "/dashboard-widgets", { ...costByModel, chartType: "HISTOGRAM", chartConfig: { bins: 0 } }, "invalid_body");
  });

  it("accepts a query exactly when the metrics engine's model takes it, naming what it refuses", async () => {
    const dimension = await refused("POST", "/dashboard-widgets", { ...costByModel, dimensions: [{ field: "colour" }] });
    expect(dimension.details).toMatchObject({ field: "dimensions[0].field", invalidValues: ["colour"] });
    expect(dimension.details.allowedValues).toEqual(expect.arrayContaining(["name", "providedModelName", "environment", "traceName"]));
    const measure = await refused("POST", "/dashboard-widgets", {
      ...costByModel,
      metrics: [
        { measure: "count", agg: "count" },
        { measure: "happiness", agg: "sum" },
      ],
    });
    expect(measure.details).toMatchObject({ field: "metrics[1].measure", invalidValues: ["happiness"] });
    expect(measure.details.allowedValues).toEqual(expect.arrayContaining(["count", "latency", "totalCost", "totalTokens"]));
    const aggregation = await refused("POST", "/dashboard-widgets", { ...costByModel, metrics: [{ measure: "traceId", agg: "p95" }] });
    expect(aggregation.details).toEqual({ field: "metrics[0].agg", invalidValues: ["p95"], allowedValues: ["count", "uniq"] });
    await ok(CREATE, "POST", "/dashboard-widgets", { ...costByModel, metrics: [{ measure: "traceId", agg: "uniq" }] });

    const filter = await refused("POST", "/dashboard-widgets", { ...costByModel, filters: [{ type: "string", column: "colour", operator: "=", value: "red" }] });
    expect(filter.message).toMatch(/colour/);
    await ok(CREATE, "POST", "/dashboard-widgets", {
      ...costByModel,
      filters: [
        { type: "stringOptions", column: "environment", operator: "any of", value: ["default"] },
        { type: "datetime", column: "start_time", operator: ">=", value: "2026-01-01T00:00:00.000Z" },
      ],
    });

    expect((await refused("POST", "/dashboard-widgets", { ...costByModel, dimensions: [{ field: "name" }, { field: "type" }] })).details).toEqual({ field: "dimensions" });
    const pivot = { ...costByModel, chartType: "PIVOT_TABLE" };
    await refused("POST", "/dashboard-widgets", { ...pivot, dimensions: [{ field: "name" }, { field: "type" }, { field: "level" }] });
    await refused("POST", "/dashboard-widgets", { ...pivot, metrics: Array.from({ length: 11 }, () => ({ measure: "count", agg: "count" })) });
    await refused("POST", "/dashboard-widgets", { ...costByModel, metrics: [] }, "invalid_body");
    await refused("POST", "/dashboard-widgets", { ...costByModel, view: "traces" }, "invalid_body");
    await refused("POST", "/dashboard-widgets", { ...costByModel, colour: "red" }, "invalid_body");
    const { filters: _, ...withoutFilters } = costByModel;
    expect((await refused("POST", "/dashboard-widgets", withoutFilters, "invalid_body")).details.issues[0].path).toEqual(["filters"]);

    // A PATCH is checked whole, over the stored widget; a refused one changes nothing.
    const widget = await ok(CREATE, "POST", "/dashboard-widgets", costByModel);
    await refused("PATCH", `/dashboard-widgets/${widget.id}`, { view: "scores-numeric" });
    await refused("PATCH", `/dashboard-widgets/${widget.id}`, {}, "invalid_body");
    expect(await ok(GET, "GET", `/dashboard-widgets/${widget.id}`)).toEqual(widget);
  });

  it("refuses to delete a widget a dashboard places, and deletes it once no dashboard does", async () => {
    const widget = await ok(CREATE, "POST", "/dashboard-widgets", costByModel);
    const dashboard = (await call("POST", "/dashboards", { body: { name: "Ops" } })).json();
    const placed = await call("POST", `/dashboards/${dashboard.id}/placements`, { body: { type: "widget", id: "tile", widgetId: widget.id } });
    expect(placed.statusCode, placed.body).toBe(200);
    const conflict = await failure(await call("DELETE", `/dashboard-widgets/${widget.id}`), 409, "conflict", /Ops/);
    expectReferenceResponse(DELETE, 409, conflict);
    expect((await call("DELETE", `/dashboards/${dashboard.id}/placements/tile`)).statusCode).toBe(200);
    expect(await ok(DELETE, "DELETE", `/dashboard-widgets/${widget.id}`)).toEqual({ message: "Dashboard widget successfully deleted" });
    await failure(await call("GET", `/dashboard-widgets/${widget.id}`), 404, "resource_not_found", `Dashboard widget ${widget.id} not found`);
    await failure(await call("DELETE", `/dashboard-widgets/${widget.id}`), 404, "resource_not_found");
  });

  it("runs a widget to the rows the v2 metrics API gives for the same query", async () => {
    const window = { fromTimestamp: "2026-11-03T00:00:00.000Z", toTimestamp: "2026-11-04T00:00:00.000Z" };
    const cases = [
      {
        widget: { ...costByModel, chartConfig: { row_limit: 10 } },
        query: {
          view: "observations",
          dimensions: [{ field: "providedModelName" }],
          metrics: [{ measure: "totalCost", aggregation: "sum" }],
          filters: [],
          orderBy: [{ field: "sum_totalCost", direction: "desc" }],
          config: { row_limit: 10 },
        },
      },
      {
        widget: { ...costByModel, name: "Over time", dimensions: [], metrics: [{ measure: "count", agg: "count" }], chartType: "LINE_TIME_SERIES" },
        query: { view: "observations", dimensions: [], metrics: [{ measure: "count", aggregation: "count" }], filters: [], timeDimension: { granularity: "auto" } },
      },
      {
        widget: {
          ...costByModel,
          name: "Claude latency",
          metrics: [{ measure: "latency", agg: "p95" }],
          filters: [{ type: "string", column: "providedModelName", operator: "starts with", value: "claude" }],
          chartType: "NUMBER",
          dimensions: [],
        },
        query: {
          view: "observations",
          dimensions: [],
          metrics: [{ measure: "latency", aggregation: "p95" }],
          filters: [{ type: "string", column: "providedModelName", operator: "starts with", value: "claude" }],
        },
      },
    ];
    for (const { widget, query } of cases) {
      const created = await ok(CREATE, "POST", "/dashboard-widgets", widget);
      const ran = await call("GET", `/dashboard-widgets/${created.id}/data?${new URLSearchParams(window)}`);
      expect(ran.statusCode, ran.body).toBe(200);
      const metrics = await call("GET", `/v2/metrics?${new URLSearchParams({ query: JSON.stringify({ ...query, ...window }) })}`, { prefix: "/api/public" });
      expect(metrics.statusCode, metrics.body).toBe(200);
      expectReferenceResponse(METRICS_V2, 200, metrics.json());
      expect(ran.json()).toEqual(metrics.json());
      expect(ran.json().data.length).toBeGreaterThan(0);
    }
    const byModel = (await call("GET", `/dashboard-widgets/${(await ok(CREATE, "POST", "/dashboard-widgets", costByModel)).id}/data?${new URLSearchParams(window)}`)).json();
    expect(byModel.data).toEqual([
      { providedModelName: "claude-sonnet", sum_totalCost: 1.625 },
      { providedModelName: "gpt-4o", sum_totalCost: 0.75 },
    ]);
    await failure(await call("GET", `/dashboard-widgets/nothing/data?${new URLSearchParams(window)}`), 404, "resource_not_found");
    await failure(await call("GET", "/dashboard-widgets/nothing/data"), 400, "invalid_query");
  });

  it("keeps projects apart", async () => {
    const mine = await ok(CREATE, "POST", "/dashboard-widgets", costByModel);
    await failure(await call("GET", `/dashboard-widgets/${mine.id}`, { project: other }), 404, "resource_not_found");
    await failure(await call("PATCH", `/dashboard-widgets/${mine.id}`, { body: { name: "x" }, project: other }), 404, "resource_not_found");
    await failure(await call("DELETE", `/dashboard-widgets/${mine.id}`, { project: other }), 404, "resource_not_found");
    const theirs = await ok(LIST, "GET", "/dashboard-widgets", undefined, other);
    expect(theirs.data).toEqual([]);
  });
});
