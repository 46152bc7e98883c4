import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ExperimentSpan, exportExperimentSpans, hexId } from "./support/experiment-spans.ts";
import { createTestApp, type TestApp } from "./support/harness.ts";

// A random set of experiments, exported over OTLP; the expected experiments list and item list
// for random windows are computed here from the spans alone and compared with the API's pages.

const T0 = Date.UTC(2025, 8, 1, 0, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

/** A small seeded generator (mulberry32), so a failure reproduces. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Odd seeds put every span in two hours; even ones spread them over twenty days, so a page's experiments lie days apart. */
const rangeOf = (seed: number) => (seed % 2 ? 7_200_000 : 20 * 86_400_000);

function dataSet(seed: number): ExperimentSpan[] {
  const next = random(seed);
  const int = (max: number) => Math.floor(next() * max);
  // Distinct start instants, so the order never depends on ClickHouse's trace-id hash.
  const used = new Set<number>();
  const instant = () => {
    let ms: number;
    do ms = T0 + int(rangeOf(seed));
    while (used.has(ms));
    used.add(ms);
    return ms;
  };
  const spans: ExperimentSpan[] = [];
  for (let e = 0; e < 9; e += 1) {
    const experiment = { id: `exp-${e}`, name: `Experiment ${e % 4}`, ...(e % 3 === 0 ? {} : { datasetId: `ds-${e % 2}` }), ...(e % 2 ? { description: `d${e}` } : {}) };
    for (let i = 0; i < 1 + int(4); i += 1) {
      const traceId = hexId(16);
      const rootSpanId = hexId(8);
      const attributes = { ...experiment, itemId: `item-${e}-${i}`, rootSpanId };
      const start = instant();
      spans.push({ traceId, spanId: rootSpanId, name: "item", start, end: start + int(5000), experiment: attributes });
      for (let c = 0; c < int(3); c += 1) {
        const childStart = instant();
        // Children may start before their item (clock skew) and may end after it.
        spans.push({
          traceId,
          spanId: hexId(8),
          parentSpanId: rootSpanId,
          name: "task",
          start: childStart,
          end: childStart + int(9000),
          experiment: { ...attributes, description: undefined },
        });
      }
    }
  }
  // Spans of no experiment, which nothing counts.
  for (let n = 0; n < 10; n += 1) {
    const start = instant();
    spans.push({ traceId: hexId(16), spanId: hexId(8), name: "chat", start, end: start + 100 });
  }
  return spans;
}

function expectedExperiments(spans: ExperimentSpan[], from: number, to: number) {
  const groups = new Map<string, ExperimentSpan[]>();
  for (const span of spans) {
    if (!span.experiment || span.start < from || span.start >= to) continue;
    groups.set(span.experiment.id, [...(groups.get(span.experiment.id) ?? []), span]);
  }
  return [...groups.entries()]
    .map(([id, events]) => ({
      latest: Math.max(...events.map((event) => event.start)),
      view: {
        id,
        name: events[0]!.experiment!.name,
        description: events.find((event) => event.experiment!.description)?.experiment?.description ?? "",
        startTime: iso(Math.min(...events.map((event) => event.start))),
        endTime: iso(Math.max(...events.map((event) => Math.max(event.start, event.end)))),
        itemCount: new Set(events.filter((event) => event.spanId === event.experiment!.rootSpanId).map((event) => event.spanId)).size,
        datasetId: events[0]!.experiment!.datasetId ?? null,
      },
    }))
    .sort((a, b) => b.latest - a.latest || (a.view.id < b.view.id ? 1 : -1))
    .map((entry) => entry.view);
}

function expectedItems(spans: ExperimentSpan[], from: number, to: number) {
  return spans
    .filter((span) => span.experiment && span.spanId === span.experiment.rootSpanId && span.start >= from && span.start < to)
    .sort((a, b) => b.start - a.start)
    .map((span) => span.spanId);
}

describe("experiments and experiment items against a model computed from the spans", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("embedded");
  });
  afterAll(async () => t?.close());

  async function pages(path: string, query: string, authorization: string): Promise<Array<Record<string, unknown>>> {
    const rows: Array<Record<string, unknown>> = [];
    let cursor: string | undefined;
    do {
      const response = await t.app.inject({ method: "GET", url: `${path}?${query}${cursor ? `&cursor=${cursor}` : ""}`, headers: { authorization } });
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json();
      rows.push(...body.data);
      cursor = body.meta.cursor;
    } while (cursor);
    return rows;
  }

  it.each([1, 2, 3, 4])("agrees with the model for seed %i over random windows and page sizes", async (seed) => {
    const project = await t.createProject();
    const spans = dataSet(seed);
    await exportExperimentSpans(t, spans, project);
    const next = random(seed * 7919);
    for (let round = 0; round < 4; round += 1) {
      const from = T0 + Math.floor(next() * (rangeOf(seed) / 2)) * (round === 0 ? 0 : 1);
      const to = round % 2 ? from + Math.floor(next() * rangeOf(seed)) : undefined;
      const limit = 1 + Math.floor(next() * 4);
      const window = `fromStartTime=${iso(from)}${to ? `&toStartTime=${iso(to)}` : ""}&limit=${limit}`;
      const experiments = await pages("/api/public/experiments", window, project.basic);
      expect(experiments, window).toEqual(expectedExperiments(spans, from, to ?? Number.POSITIVE_INFINITY));
      const items = await pages("/api/public/experiment-items", window, project.basic);
      expect(
        items.map((item) => item.id),
        window,
      ).toEqual(expectedItems(spans, from, to ?? Number.POSITIVE_INFINITY));
    }
  });
});
