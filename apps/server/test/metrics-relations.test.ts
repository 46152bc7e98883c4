import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, postgresModes, type TestApp } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

// Relations join one partner row (a trace, an observation) to many base rows (its observations, its
// scores). Every base row must survive the join: two traces with 5 and 3 generations, several scores
// on one observation and on one trace.

const AT = Date.UTC(2025, 4, 10, 12);
const FROM = "2025-05-10T00:00:00Z";
const TO = "2025-05-11T00:00:00Z";
const iso = (ms: number) => new Date(ms).toISOString();
const COST = 0.25;
const GENERATIONS: Record<string, number> = { alpha: 5, beta: 3 };

function batch(): unknown[] {
  const events: unknown[] = [];
  const event = (type: string, body: object) => events.push({ id: randomUUID(), type, timestamp: iso(AT), body });
  for (const [name, count] of Object.entries(GENERATIONS)) {
    event("trace-create", { id: `t-${name}`, name, timestamp: iso(AT) });
    for (let i = 0; i < count; i += 1) {
      event("generation-create", {
        id: `g-${name}-${i}`,
        traceId: `t-${name}`,
        name,
        model: "m",
        startTime: iso(AT + i * 1000),
        endTime: iso(AT + i * 1000 + 500),
        usageDetails: { input: 10, output: 5 },
        costDetails: { total: COST },
      });
    }
  }
  // Four scores on one generation and two more on its trace only.
  for (let i = 0; i < 4; i += 1)
    event("score-create", { id: `s-obs-${i}`, traceId: "t-alpha", observationId: "g-alpha-0", name: "quality", value: i, timestamp: iso(AT + 60_000) });
  for (let i = 0; i < 2; i += 1) event("score-create", { id: `s-trace-${i}`, traceId: "t-alpha", name: "quality", value: 10 + i, timestamp: iso(AT + 60_000) });
  return events;
}

describe.each(postgresModes())("metrics relations keep every base row (%s Postgres)", (mode) => {
  let t: TestApp;

  const metrics = async (version: "v1" | "v2", query: object) => {
    const path = version === "v2" ? "/api/public/v2/metrics" : "/api/public/metrics";
    const response = await t.app.inject({
      method: "GET",
      url: `${path}?query=${encodeURIComponent(JSON.stringify({ fromTimestamp: FROM, toTimestamp: TO, ...query }))}`,
      headers: { authorization: t.project.basic },
    });
    expect(response.statusCode, response.body).toBe(200);
    expectReferenceResponse({ method: "GET", path }, 200, response.json());
    return response.json().data as Array<Record<string, unknown>>;
  };

  beforeAll(async () => {
    t = await createTestApp(mode);
    const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: t.project.basic }, payload: { batch: batch() } });
    expect(response.json().errors).toEqual([]);
  });
  afterAll(async () => t?.close());

  it.each(["v1", "v2"] as const)("%s observations: every generation of a trace counts, by its own name and by its trace's", async (version) => {
    for (const field of ["name", "traceName"]) {
      const data = await metrics(version, {
        view: "observations",
        dimensions: [{ field }],
        metrics: [
          { measure: "count", aggregation: "count" },
          { measure: "totalCost", aggregation: "sum" },
        ],
        orderBy: [{ field, direction: "asc" }],
      });
      expect(data, field).toEqual(Object.entries(GENERATIONS).map(([name, count]) => ({ [field]: name, count_count: count, sum_totalCost: count * COST })));
    }
  });

  it.each(["v1", "v2"] as const)("%s score views: every score of an observation and of a trace counts", async (version) => {
    const byObservation = await metrics(version, {
      view: "scores-numeric",
      dimensions: [{ field: "observationName" }],
      metrics: [
        { measure: "count", aggregation: "count" },
        { measure: "value", aggregation: "sum" },
      ],
    });
    expect(byObservation).toEqual([{ observationName: "alpha", count_count: 4, sum_value: 0 + 1 + 2 + 3 }]);
    const byTrace = await metrics(version, {
      view: "scores-numeric",
      dimensions: [{ field: "traceName" }],
      metrics: [
        { measure: "count", aggregation: "count" },
        { measure: "value", aggregation: "sum" },
      ],
    });
    expect(byTrace).toEqual([{ traceName: "alpha", count_count: 6, sum_value: 0 + 1 + 2 + 3 + 10 + 11 }]);
  });
});
