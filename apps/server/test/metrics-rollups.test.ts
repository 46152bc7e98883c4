import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { deleteExpiredRows } from "@wick/clickhouse";
import { MetricsQueryV2, type MetricsQueryV2Input } from "@wick/contracts";
import { MetricsEngine, ObservationRollups } from "@wick/metrics";
import { ObservationRollupDayRepository } from "@wick/postgres";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";

/**
 * The metrics engine answers the queries the observation day rollups can serve (v2 observations,
 * rollup dimensions and filters, sums and counts, latency quantiles, whole-day buckets) partly from
 * them. Below 8,192 latencies per group ClickHouse's quantile is exact, so here too: differential:
 * every answer must equal the raw rows' answer, over random data and queries and after every kind of
 * write and delete that can change a day already rolled up.
 */
const SEED = 20261206;
const CASES = Number(process.env.WICK_PROPERTY_RUNS ?? 150);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A Wednesday: weeks and a month start inside the data. */
const BASE = Date.UTC(2025, 0, 29);
const SPAN_DAYS = 9;
const iso = (ms: number) => new Date(ms).toISOString();

const ENVIRONMENTS = ["default", "production", "staging"] as const;
const NAMES = ["llm-call", "retrieve", "", "Final answer"] as const;
const MODELS = ["model-a", "model-b", ""] as const;
const LEVELS = ["DEFAULT", "WARNING", "ERROR"] as const;
const TYPES = ["generation", "span", "event"] as const;

const observationArb = fc.record({
  type: fc.constantFrom(...TYPES),
  at: fc.integer({ min: 0, max: SPAN_DAYS * DAY - 1 }),
  name: fc.option(fc.constantFrom(...NAMES), { nil: undefined }),
  environment: fc.constantFrom(...ENVIRONMENTS),
  level: fc.constantFrom(...LEVELS),
  model: fc.option(fc.constantFrom(...MODELS), { nil: undefined }),
  /** Milliseconds to the end; none for an observation that has not ended. */
  duration: fc.option(fc.nat(20_000), { nil: undefined }),
  usage: fc.option(fc.dictionary(fc.constantFrom("input", "output", "total", "input_cached"), fc.nat(4000), { maxKeys: 3 }), { nil: undefined }),
  cost: fc.option(
    fc.dictionary(
      fc.constantFrom("input", "output", "total"),
      fc.nat(90_000).map((n) => n / 1e6),
      { maxKeys: 3 },
    ),
    { nil: undefined },
  ),
  /** A later update of the generation: a new model and new costs. */
  update: fc.option(fc.record({ model: fc.constantFrom(...MODELS), cost: fc.nat(90_000).map((n) => n / 1e6) }), { nil: undefined }),
});

type ObservationFact = ReturnType<(typeof observationArb)["generate"]>["value"] & { id: string; traceId: string };

function events(facts: ObservationFact[]): object[] {
  const batch: object[] = [];
  for (const o of facts) {
    const generation = o.type === "generation";
    batch.push({
      id: randomUUID(),
      type: `${o.type}-create`,
      timestamp: iso(BASE + o.at),
      body: {
        id: o.id,
        traceId: o.traceId,
        name: o.name,
        startTime: iso(BASE + o.at),
        ...(o.duration === undefined ? {} : { endTime: iso(BASE + o.at + o.duration) }),
        environment: o.environment,
        level: o.level,
        ...(generation ? { model: o.model, usageDetails: o.usage, costDetails: o.cost } : {}),
      },
    });
    if (generation && o.update) {
      batch.push({
        id: randomUUID(),
        type: "generation-update",
        timestamp: iso(BASE + o.at + 1),
        body: { id: o.id, traceId: o.traceId, model: o.update.model, costDetails: { total: o.update.cost } },
      });
    }
  }
  return batch;
}

/** The users of the traces: `trace-${n}` has USERS[n % USERS.length], and the last traces have no trace row. */
const USERS = ["user-a", "user-b", undefined, "user-c", "", "user-a"] as const;
const TRACES = 90;
const TRACES_WITH_ROWS = 80;

function traceEvents(count: number): object[] {
  return Array.from({ length: count }, (_, n) => ({
    id: randomUUID(),
    type: "trace-create",
    timestamp: iso(BASE + n * HOUR),
    body: { id: `trace-${n}`, name: `trace ${n}`, userId: USERS[n % USERS.length] },
  }));
}

const ROLLUP_DIMENSIONS = ["environment", "type", "name", "level", "providedModelName"] as const;
const SUMMED = ["count", "totalCost", "inputTokens", "outputTokens", "totalTokens", "inputCost", "outputCost"] as const;

const filterArb = fc.oneof(
  fc.record({
    column: fc.constantFrom(...ROLLUP_DIMENSIONS),
    operator: fc.constantFrom("any of", "none of"),
    value: fc.subarray(["default", "production", "GENERATION", "SPAN", "llm-call", "", "model-a", "WARNING"], { minLength: 1 }),
    type: fc.constant("stringOptions"),
  }),
  fc.record({
    column: fc.constantFrom(...ROLLUP_DIMENSIONS, "traceName"),
    operator: fc.constantFrom("=", "contains", "does not contain", "starts with"),
    value: fc.constantFrom("model", "llm-call", "prod", "", "E"),
    type: fc.constant("string"),
  }),
  fc.record({ column: fc.constantFrom(...ROLLUP_DIMENSIONS), operator: fc.constantFrom("is null", "is not null"), value: fc.constant(""), type: fc.constant("null") }),
);

/**
 * Mostly queries the rollups can serve, with some that they cannot (a quantile of tokens, an
 * average latency, a trace filter, hours).
 */
const queryArb = fc
  .record({
    dimensions: fc.subarray([...ROLLUP_DIMENSIONS], { maxLength: 2 }),
    metrics: fc.array(
      fc.oneof(
        fc.record({ measure: fc.constantFrom(...SUMMED), aggregation: fc.constantFrom("sum", "count", "sum", "p50") }),
        fc.record({ measure: fc.constant("latency"), aggregation: fc.constantFrom("p50", "p75", "p90", "p95", "p99", "p95", "avg") }),
      ),
      { maxLength: 3 },
    ),
    filters: fc.array(filterArb, { maxLength: 2 }),
    granularity: fc.option(fc.constantFrom("day", "week", "month", "auto", "hour"), { nil: undefined }),
    from: fc.integer({ min: -2 * DAY, max: (SPAN_DAYS - 1) * DAY }),
    length: fc.integer({ min: HOUR, max: (SPAN_DAYS + 2) * DAY }),
  })
  .map(
    (q): MetricsQueryV2Input => ({
      view: "observations",
      dimensions: q.dimensions.map((field) => ({ field })),
      metrics: q.metrics.map((m) => (m.aggregation === "p50" && m.measure === "count" ? { ...m, aggregation: "sum" as const } : m)),
      filters: q.filters,
      timeDimension: q.granularity && (q.granularity !== "hour" || q.length <= 3 * DAY) ? { granularity: q.granularity } : null,
      fromTimestamp: iso(BASE + q.from),
      toTimestamp: iso(BASE + q.from + q.length),
      config: { row_limit: 1000 },
    }),
  );

const userFilterArb = fc.oneof(
  fc.record({
    column: fc.constantFrom("userId", "environment"),
    operator: fc.constantFrom("any of", "none of"),
    value: fc.subarray(["user-a", "user-c", "", "production", "default"], { minLength: 1 }),
    type: fc.constant("stringOptions"),
  }),
  fc.record({
    column: fc.constant("userId"),
    operator: fc.constantFrom("=", "contains", "starts with"),
    value: fc.constantFrom("user-a", "user", "", "b"),
    type: fc.constant("string"),
  }),
  fc.record({ column: fc.constant("userId"), operator: fc.constantFrom("is null", "is not null"), value: fc.constant(""), type: fc.constant("null") }),
);

/**
 * Queries of the user rollups' shapes: top users by a sum (a high-cardinality dimension takes no
 * time buckets), or any shape filtered by user; some ask what only raw rows answer (a quantile).
 */
const byUserQueryArb = fc
  .record({
    byUser: fc.boolean(),
    byEnvironment: fc.boolean(),
    metric: fc.oneof(fc.record({ measure: fc.constantFrom(...SUMMED), aggregation: fc.constantFrom("sum", "count") }), fc.constant({ measure: "latency", aggregation: "p95" })),
    filters: fc.array(userFilterArb, { maxLength: 2 }),
    granularity: fc.option(fc.constantFrom("day", "week"), { nil: undefined }),
    from: fc.integer({ min: -2 * DAY, max: (SPAN_DAYS - 1) * DAY }),
    length: fc.integer({ min: HOUR, max: (SPAN_DAYS + 2) * DAY }),
  })
  .map(({ byUser, byEnvironment, metric, filters, granularity, from, length }): MetricsQueryV2Input => {
    const key = `${metric.aggregation}_${metric.measure}`;
    return {
      view: "observations",
      dimensions: [...(byUser ? ["userId"] : []), ...(byEnvironment ? ["environment"] : [])].map((field) => ({ field })),
      metrics: [metric as MetricsQueryV2Input["metrics"][number]],
      filters,
      timeDimension: !byUser && granularity ? { granularity } : null,
      // Ties in the order come back in any order: the users and environments break them.
      orderBy: byUser
        ? [{ field: key, direction: "desc" }, { field: "userId", direction: "asc" }, ...(byEnvironment ? [{ field: "environment", direction: "asc" as const }] : [])]
        : null,
      fromTimestamp: iso(BASE + from),
      toTimestamp: iso(BASE + from + length),
      config: { row_limit: 1000 },
    };
  });

interface Engines {
  t: TestApp;
  project: TestProject;
  raw: MetricsEngine;
  withRollups: MetricsEngine;
  records: ObservationRollupDayRepository;
  /** Days each query read from rollups. */
  rolledUp: string[][];
  builds: () => number;
}

async function engines(t: TestApp, project: TestProject): Promise<Engines> {
  const client = t.stores.clickhouse.client;
  const records = new ObservationRollupDayRepository(t.stores.postgres.db);
  const rollups = new ObservationRollups(client, records, t.services.rowDeletes);
  const rolledUp: string[][] = [];
  const usable = rollups.usableDays.bind(rollups);
  vi.spyOn(rollups, "usableDays").mockImplementation(async (projectId, days) => {
    const used = await usable(projectId, days);
    rolledUp.push(used.map(({ day }) => day));
    return used;
  });
  const startBuild = vi.spyOn(records, "startBuild");
  return { t, project, records, raw: new MetricsEngine(client), withRollups: new MetricsEngine(client, rollups), rolledUp, builds: () => startBuild.mock.calls.length };
}

async function ingest(t: TestApp, project: TestProject, batch: object[]): Promise<void> {
  for (let i = 0; i < batch.length; i += 500) {
    const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: project.basic }, payload: { batch: batch.slice(i, i + 500) } });
    expect(response.statusCode).toBe(207);
    expect(response.json().errors).toEqual([]);
  }
}

/** Both answers of a query; they must agree. */
async function bothWays(e: Engines, input: MetricsQueryV2Input) {
  const query = MetricsQueryV2.parse(input);
  const [raw, rolled] = [await e.raw.query(e.project.id, "v2", query), await e.withRollups.query(e.project.id, "v2", query)];
  expect(rolled, JSON.stringify(input)).toEqual(raw);
  return rolled;
}

describe("metrics from day rollups agree with the raw rows", () => {
  let e: Engines;

  beforeAll(async () => {
    const t = await createTestApp("embedded");
    const facts = fc.sample(fc.array(observationArb, { minLength: 400, maxLength: 400 }), { seed: SEED, numRuns: 1 })[0]!;
    await ingest(t, t.project, [...traceEvents(TRACES_WITH_ROWS), ...events(facts.map((fact, n) => ({ ...fact, id: `obs-${n}`, traceId: `trace-${n % TRACES}` })))]);
    e = await engines(t, t.project);
  }, 120_000);

  afterAll(async () => {
    await e?.t.close();
  });

  it("for random queries over random data, and reads most whole days from rollups", async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, async (query) => {
        await bothWays(e, query);
      }),
      { seed: SEED, numRuns: CASES },
    );
    const used = e.rolledUp.filter((days) => days.length > 0);
    // A differential test that never took the rollup path would prove nothing.
    expect(used.length).toBeGreaterThan(CASES / 4);
    // Each day is built once, then read from its rollup by every later query.
    expect(e.builds()).toBeLessThan(used.length / 4);
  });

  it("for random queries by or over the trace's user, reading whole days from the user rollups", async () => {
    await fc.assert(
      fc.asyncProperty(byUserQueryArb, async (query) => {
        await bothWays(e, query);
      }),
      { seed: SEED, numRuns: CASES },
    );
    // Only the user rollups group by the user: each query that read days from rollups read them.
    expect(e.rolledUp.slice(-CASES).filter((days) => days.length > 0).length).toBeGreaterThan(CASES / 4);
  });

  it("for every latency quantile by name, read from rollups, with values where observations ended", async () => {
    const levels = ["p50", "p75", "p90", "p95", "p99"] as const;
    const rows = await bothWays(e, {
      view: "observations",
      dimensions: [{ field: "name" }],
      metrics: levels.map((aggregation) => ({ measure: "latency", aggregation })),
      fromTimestamp: iso(BASE),
      toTimestamp: iso(BASE + SPAN_DAYS * DAY - 1),
      config: { row_limit: 1000 },
    });
    expect(e.rolledUp.at(-1)).toHaveLength(SPAN_DAYS);
    expect(rows.map((row) => row.name).sort()).toEqual([...new Set(NAMES)].sort());
    for (const row of rows) {
      const values = levels.map((level) => row[`${level}_latency`] as number);
      expect(values.every((value) => typeof value === "number" && value >= 0 && value <= 20_000)).toBe(true);
      expect([...values].sort((a, b) => a - b)).toEqual(values);
    }
  });
});

/** Daily cost and count by model over the whole data set: every day of it is whole. */
const DAILY_BY_MODEL: MetricsQueryV2Input = {
  view: "observations",
  dimensions: [{ field: "providedModelName" }],
  metrics: [
    { measure: "totalCost", aggregation: "sum" },
    { measure: "count", aggregation: "count" },
    { measure: "latency", aggregation: "p95" },
  ],
  timeDimension: { granularity: "day" },
  fromTimestamp: iso(BASE - DAY),
  toTimestamp: iso(BASE + (SPAN_DAYS + 1) * DAY),
};

/** Observations and cost per user of their trace, over the same window. */
const BY_USER: MetricsQueryV2Input = {
  view: "observations",
  dimensions: [{ field: "userId" }],
  metrics: [
    { measure: "count", aggregation: "count" },
    { measure: "totalCost", aggregation: "sum" },
  ],
  orderBy: [
    { field: "count_count", direction: "desc" },
    { field: "userId", direction: "asc" },
  ],
  fromTimestamp: DAILY_BY_MODEL.fromTimestamp,
  toTimestamp: DAILY_BY_MODEL.toTimestamp,
  config: { row_limit: 100 },
};

/** The whole days of DAILY_BY_MODEL's window. */
const ALL_DAYS = Array.from({ length: SPAN_DAYS + 2 }, (_, n) => iso(BASE + (n - 1) * DAY).slice(0, 10));

describe.each(postgresModes())("metrics from day rollups follow every change to a rolled-up day (%s)", (mode) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp(mode);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  /** A project with a generation per day, its rollups built by a first query. */
  async function rolledUpProject(): Promise<Engines & { before: unknown }> {
    const project = await t.createProject();
    const facts = Array.from(
      { length: SPAN_DAYS },
      (_, day): ObservationFact => ({
        type: "generation",
        at: day * DAY + 6 * HOUR,
        name: "llm-call",
        environment: "default",
        level: "DEFAULT",
        model: "model-a",
        duration: 1_000 + day,
        usage: { input: 10, output: 5 },
        cost: { total: 0.25 },
        update: undefined,
        id: `gen-${day}`,
        traceId: `trace-${day}`,
      }),
    );
    await ingest(t, project, events(facts));
    const e = await engines(t, project);
    const before = await bothWays(e, DAILY_BY_MODEL);
    expect(e.rolledUp.at(-1)).toHaveLength(SPAN_DAYS + 2);
    return { ...e, before };
  }

  /** After `change`, the rollup answer is the raw one, and differs from the answer before. */
  async function expectFollowed(e: Engines & { before: unknown }): Promise<void> {
    const after = await bothWays(e, DAILY_BY_MODEL);
    expect(after).not.toEqual(e.before);
  }

  it("an update of an observation's model and cost", async () => {
    const e = await rolledUpProject();
    await ingest(t, e.project, [
      { id: randomUUID(), type: "generation-update", timestamp: iso(BASE + 3 * DAY + 7 * HOUR), body: { id: "gen-3", model: "model-b", costDetails: { total: 2 } } },
    ]);
    await expectFollowed(e);
  });

  it("a late observation on an old day", async () => {
    const e = await rolledUpProject();
    await ingest(t, e.project, [
      {
        id: randomUUID(),
        type: "generation-create",
        timestamp: iso(BASE + DAY + HOUR),
        body: { id: "late", traceId: "trace-1", startTime: iso(BASE + DAY + HOUR), model: "model-a", costDetails: { total: 1 } },
      },
    ]);
    await expectFollowed(e);
  });

  it("an event that moves an observation to another day, which leaves the other days' rollups clean", async () => {
    const e = await rolledUpProject();
    // A create stamped a day earlier than the stored one: the observation now starts that day.
    await ingest(t, e.project, [
      { id: randomUUID(), type: "generation-create", timestamp: iso(BASE + 4 * DAY), body: { id: "gen-5", traceId: "trace-5", startTime: iso(BASE + 4 * DAY), model: "model-b" } },
    ]);
    const states = await e.records.states(e.project.id, ALL_DAYS);
    expect(ALL_DAYS.filter((day) => states.get(day)?.cleanBuild === undefined)).toEqual([iso(BASE + 4 * DAY).slice(0, 10), iso(BASE + 5 * DAY).slice(0, 10)]);
    await expectFollowed(e);
  });

  it("a trace delete, which leaves the rollups of the days its observations are not on clean", async () => {
    const e = await rolledUpProject();
    const response = await t.app.inject({ method: "DELETE", url: "/api/public/traces/trace-2", headers: { authorization: e.project.basic } });
    expect(response.statusCode).toBe(200);
    const states = await e.records.states(e.project.id, ALL_DAYS);
    expect(ALL_DAYS.filter((day) => states.get(day)?.cleanBuild === undefined)).toEqual([iso(BASE + 2 * DAY).slice(0, 10)]);
    await expectFollowed(e);
  });

  it("retention, which leaves the rollups of the days after its cutoff clean", async () => {
    const e = await rolledUpProject();
    const cutoff = BASE + 4 * DAY;
    await t.services.ingestion.exclusive(e.project.id, () => deleteExpiredRows(t.stores.clickhouse.client, t.services.rowDeletes, e.project.id, new Date(cutoff)));
    const states = await e.records.states(e.project.id, ALL_DAYS);
    const clean = ALL_DAYS.filter((day) => states.get(day)?.cleanBuild !== undefined);
    expect(clean).toEqual(ALL_DAYS.filter((day) => Date.parse(`${day}T00:00:00Z`) >= cutoff));
    await expectFollowed(e);
  });

  // The user rollups also follow a trace's user, which changes without any observation written.
  const day = (n: number) => iso(BASE + n * DAY).slice(0, 10);
  const dirtyDays = async (e: Engines) => {
    const states = await e.records.states(e.project.id, ALL_DAYS);
    return ALL_DAYS.filter((d) => states.get(d)?.cleanBuild === undefined);
  };

  /** A project whose observations per user were read from its rollups, as first answered. */
  async function byUserProject(extra: object[] = []) {
    const project = await t.createProject();
    const facts = Array.from({ length: SPAN_DAYS }, (_, n) => ({ id: `gen-${n}`, traceId: `trace-${n}`, at: n * DAY + 6 * HOUR }));
    await ingest(t, project, [
      ...facts.map(({ traceId, at }) => ({ id: randomUUID(), type: "trace-create", timestamp: iso(BASE + at), body: { id: traceId, userId: "user-a" } })),
      ...facts.map(({ id, traceId, at }) => ({
        id: randomUUID(),
        type: "generation-create",
        timestamp: iso(BASE + at),
        body: { id, traceId, startTime: iso(BASE + at), costDetails: { total: 1 } },
      })),
      ...extra,
    ]);
    const e = await engines(t, project);
    const before = await bothWays(e, BY_USER);
    expect(e.rolledUp.at(-1)).toHaveLength(SPAN_DAYS + 2);
    expect(await dirtyDays(e)).toEqual([]);
    return { e, before };
  }

  it("for random writes of observations, trace users and trace deletes between queries by user", async () => {
    const step = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant("observation" as const),
          id: fc.nat(5),
          trace: fc.nat(3),
          day: fc.nat(3),
          environment: fc.constantFrom("default", "production"),
        }),
      },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant("trace" as const), trace: fc.nat(3), user: fc.constantFrom("user-a", "user-b", "", undefined) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete" as const), trace: fc.nat(3) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("query" as const), byEnvironment: fc.boolean() }) },
    );
    const byUser = (byEnvironment: boolean): MetricsQueryV2Input => ({
      ...BY_USER,
      dimensions: [{ field: "userId" }, ...(byEnvironment ? [{ field: "environment" }] : [])],
      orderBy: [...BY_USER.orderBy!, ...(byEnvironment ? [{ field: "environment", direction: "asc" as const }] : [])],
    });
    let rolledUpQueries = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 4, maxLength: 12 }), async (steps) => {
        const project = await t.createProject();
        const e = await engines(t, project);
        // Each event sorts after the ones before it, so the last write of a field wins.
        const stamp = (n: number) => iso(BASE + 5 * DAY + n * 60_000);
        for (const [n, s] of [...steps, { kind: "query" as const, byEnvironment: true }].entries()) {
          if (s.kind === "observation") {
            const body = {
              id: `obs-${s.id}`,
              traceId: `trace-${s.trace}`,
              startTime: iso(BASE + s.day * DAY + s.id * HOUR),
              environment: s.environment,
              costDetails: { total: 1 },
            };
            await ingest(t, project, [{ id: randomUUID(), type: "generation-create", timestamp: stamp(n), body }]);
          } else if (s.kind === "trace") {
            await ingest(t, project, [{ id: randomUUID(), type: "trace-create", timestamp: stamp(n), body: { id: `trace-${s.trace}`, userId: s.user } }]);
          } else if (s.kind === "delete") {
            const response = await t.app.inject({ method: "DELETE", url: `/api/public/traces/trace-${s.trace}`, headers: { authorization: project.basic } });
            expect(response.statusCode).toBe(200);
          } else {
            await bothWays(e, byUser(s.byEnvironment));
            if (e.rolledUp.at(-1)!.length > 0) rolledUpQueries++;
          }
        }
      }),
      { seed: SEED, numRuns: 12 },
    );
    expect(rolledUpQueries).toBeGreaterThan(12);
  });

  it("a trace's new user, written days after its observations: only their day is rebuilt", async () => {
    const { e, before } = await byUserProject();
    expect(before).toEqual([{ userId: "user-a", count_count: SPAN_DAYS, sum_totalCost: SPAN_DAYS }]);
    await ingest(t, e.project, [{ id: randomUUID(), type: "trace-create", timestamp: iso(BASE + 3 * DAY + 7 * HOUR), body: { id: "trace-3", userId: "user-b" } }]);
    expect(await dirtyDays(e)).toEqual([day(3)]);
    expect(await bothWays(e, BY_USER)).toEqual([
      { userId: "user-a", count_count: SPAN_DAYS - 1, sum_totalCost: SPAN_DAYS - 1 },
      { userId: "user-b", count_count: 1, sum_totalCost: 1 },
    ]);
  });

  it("the first row of a trace whose observation was rolled up without one", async () => {
    const { e } = await byUserProject([
      { id: randomUUID(), type: "span-create", timestamp: iso(BASE + 5 * DAY), body: { id: "orphan", traceId: "late-trace", startTime: iso(BASE + 5 * DAY) } },
    ]);
    await ingest(t, e.project, [{ id: randomUUID(), type: "trace-create", timestamp: iso(BASE + 7 * DAY), body: { id: "late-trace", userId: "user-late" } }]);
    expect(await dirtyDays(e)).toEqual([day(5)]);
    expect(await bothWays(e, BY_USER)).toContainEqual({ userId: "user-late", count_count: 1, sum_totalCost: 0 });
  });

  it("retention of a trace whose observation outlives it, past the cutoff", async () => {
    const { e } = await byUserProject([
      { id: randomUUID(), type: "trace-create", timestamp: iso(BASE + HOUR), body: { id: "early", userId: "user-early" } },
      { id: randomUUID(), type: "span-create", timestamp: iso(BASE + 6 * DAY), body: { id: "outliving", traceId: "early", startTime: iso(BASE + 6 * DAY) } },
    ]);
    const cutoff = BASE + 4 * DAY;
    await t.services.ingestion.exclusive(e.project.id, () => deleteExpiredRows(t.stores.clickhouse.client, t.services.rowDeletes, e.project.id, new Date(cutoff)));
    expect(await dirtyDays(e)).toEqual([...ALL_DAYS.filter((d) => Date.parse(`${d}T00:00:00Z`) < cutoff), day(6)]);
    const after = await bothWays(e, BY_USER);
    expect(after.map((row) => row.userId)).toEqual(["user-a", null]);
  });
});

describe("metrics over a day still settling after a write", () => {
  it("read that day's rows, and never build it", async () => {
    const t = await createTestApp("embedded", { rollupSettleMs: 3_600_000 });
    try {
      const fact = fc.sample(observationArb, { seed: SEED, numRuns: 1 })[0]!;
      await ingest(t, t.project, events([{ ...fact, id: "obs", traceId: "trace" }]));
      const settling = iso(BASE + fact.at).slice(0, 10);
      const e = await engines(t, t.project);
      const accept = vi.spyOn(e.records, "accept");
      await bothWays(e, DAILY_BY_MODEL);
      expect(e.rolledUp).toEqual([ALL_DAYS.filter((day) => day !== settling)]);
      expect(accept.mock.calls.flatMap(([, days]) => days)).not.toContain(settling);
    } finally {
      await t.close();
    }
  });
});
