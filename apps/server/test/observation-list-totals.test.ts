import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ObservationListQuery, ObservationsV2Query } from "@wick/contracts";
import { ObservationRollups } from "@wick/metrics";
import { ObservationRollupDayRepository } from "@wick/postgres";
import { type CleanRollupDays, TracingReads } from "@wick/tracing-reads";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { okCall } from "./support/reference-calls.ts";

/**
 * The totals of `GET /observations` come from the day rollups for the clean whole days of their
 * window and from the raw rows for the rest. Differential: every page, total included, must equal
 * the one read without rollups, over random data and lists, before any day is built, once they are,
 * and after each kind of change to a built day (a new observation, a start time moved to another
 * day, a renamed observation, a deleted trace, a trace's new user). Lists by user count from the
 * user rollups. Lists of both versions filtered by the group columns skip the clean days without
 * a match, and must find the same pages.
 */
const SEED = 20261207;
const RUNS = Number(process.env.WICK_PROPERTY_RUNS ?? 150);
/** Random lists per phase before the build and after it, each read both ways. */
const CASES = Math.max(10, Math.round(RUNS / 7));
/**
 * Random lists before and after each change's rebuild: ten phases in all, each narrower than the two
 * above, since a change touches one or two days and a list either reads them or not.
 */
const CHANGE_CASES = Math.ceil(CASES / 2);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BASE = Date.UTC(2025, 2, 3);
const SPAN_DAYS = 6;
const iso = (ms: number) => new Date(ms).toISOString();

const NAMES = ["llm-call", "retrieve", "Final answer"] as const;
const ENVIRONMENTS = ["default", "production", "staging"] as const;
const LEVELS = ["DEFAULT", "WARNING", "ERROR"] as const;
const TYPES = ["span", "generation", "event"] as const;
const USERS = ["u-1", "u-2"] as const;
/** The traces the observations name; the last ten have no trace row. */
const TRACES = 60;
/** A trace's first user: none for every third. */
const userOf = (n: number) => (n % 3 === 0 ? undefined : USERS[n % 2]);

const observationArb = fc.record({
  type: fc.constantFrom(...TYPES),
  at: fc.integer({ min: 0, max: SPAN_DAYS * DAY - 1 }),
  name: fc.constantFrom(...NAMES),
  environment: fc.constantFrom(...ENVIRONMENTS),
  level: fc.constantFrom(...LEVELS),
});

type Fact = ReturnType<(typeof observationArb)["generate"]>["value"];

const createEvent = (o: Fact, id: string, traceId: string) => ({
  id: randomUUID(),
  type: `${o.type}-create`,
  timestamp: iso(BASE + o.at),
  body: { id, traceId, name: o.name, startTime: iso(BASE + o.at), environment: o.environment, level: o.level },
});

/** A window edge: mostly midnight (whole days), sometimes inside a day, to the microsecond or with an offset. */
const edgeArb = fc.oneof(
  fc.integer({ min: -1, max: SPAN_DAYS + 1 }).map((day) => iso(BASE + day * DAY)),
  fc.integer({ min: -DAY, max: (SPAN_DAYS + 1) * DAY }).map((ms) => iso(BASE + ms)),
  fc.integer({ min: 0, max: SPAN_DAYS }).map((day) => iso(BASE + day * DAY).replace(".000Z", ".000400Z")),
  fc.integer({ min: 0, max: SPAN_DAYS }).map((day) => iso(BASE + day * DAY + 2 * HOUR).replace(".000Z", ".000+02:00")),
);

/** Conditions on the columns the rollups group by, each maybe absent; a name no observation has among them. */
const rolledUpColumnsArb = {
  name: fc.option(fc.constantFrom(...NAMES, "unknown"), { nil: undefined }),
  type: fc.option(fc.constantFrom("SPAN", "GENERATION", "EVENT"), { nil: undefined }),
  level: fc.option(fc.constantFrom(...LEVELS), { nil: undefined }),
  environment: fc.option(
    fc.subarray([...ENVIRONMENTS], { minLength: 1 }).map((environments) => environments.join(",")),
    { nil: undefined },
  ),
  limit: fc.constantFrom(1, 7, 50),
};

/** Mostly lists the rollups can count, some they cannot (a version, a parent, a filter). */
const listArb = fc
  .record({
    ...rolledUpColumnsArb,
    fromStartTime: fc.option(edgeArb, { freq: 2, nil: undefined }),
    toStartTime: fc.option(edgeArb, { freq: 2, nil: undefined }),
    page: fc.integer({ min: 1, max: 4 }),
    other: fc.oneof(
      { arbitrary: fc.constant(undefined), weight: 5 },
      {
        arbitrary: fc.constantFrom(
          { version: "v1" },
          { parentObservationId: "obs-1" },
          { filter: JSON.stringify([{ type: "string", column: "name", operator: "=", value: "retrieve" }]) },
        ),
        weight: 1,
      },
    ),
  })
  .map(({ other, ...list }) => ({ ...list, ...other }));

/** Lists by user (one no trace has, and the empty one, which counts raw), maybe by environment and window. */
const userListArb = fc.record({
  userId: fc.constantFrom(...USERS, "nobody", ""),
  environment: rolledUpColumnsArb.environment,
  fromStartTime: fc.option(edgeArb, { freq: 2, nil: undefined }),
  toStartTime: fc.option(edgeArb, { freq: 2, nil: undefined }),
  page: fc.integer({ min: 1, max: 3 }),
  limit: fc.constantFrom(1, 7, 50),
});

/** v2 lists filtered by the rolled-up columns, which skip the days without a match. */
const v2ListArb = fc.record(rolledUpColumnsArb).map((list) => ({ ...list, fields: "core,basic" }));

interface Readers {
  withRollups: TracingReads;
  raw: TracingReads;
  rollups: ObservationRollups;
  /** How many clean days each list's total was given. */
  used: number[];
}

function readers(t: TestApp): Readers {
  const client = t.stores.clickhouse.client;
  const rollups = new ObservationRollups(client, new ObservationRollupDayRepository(t.stores.postgres.db), t.services.rowDeletes);
  const used: number[] = [];
  const cleanDays: CleanRollupDays = async (projectId, firstDay, lastDay) => {
    const days = await rollups.cleanDays(projectId, firstDay, lastDay);
    used.push(days.length);
    return days;
  };
  return { withRollups: new TracingReads(client, undefined, cleanDays), raw: new TracingReads(client), rollups, used };
}

async function ingest(t: TestApp, project: TestProject, batch: object[]): Promise<void> {
  const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: project.basic }, payload: { batch } });
  expect(response.statusCode).toBe(207);
  expect(response.json().errors).toEqual([]);
}

/** Random lists read both ways agree; returns how many of them read some day from rollups. */
async function agree(r: Readers, projectId: string, seed: number, cases = CASES): Promise<number> {
  const before = r.used.length;
  for (const [arb, runs] of [
    [listArb, cases],
    [userListArb, Math.ceil(cases / 2)],
  ] as Array<[fc.Arbitrary<Record<string, unknown>>, number]>) {
    await fc.assert(
      fc.asyncProperty(arb, async (input) => {
        const query = ObservationListQuery.parse(input);
        const [rolled, raw] = [await r.withRollups.observations(projectId, query), await r.raw.observations(projectId, query)];
        expect(rolled, JSON.stringify(input)).toEqual(raw);
      }),
      { seed, numRuns: runs },
    );
  }
  await fc.assert(
    fc.asyncProperty(v2ListArb, async (input) => {
      // Two pages by cursor, each read both ways.
      let query = ObservationsV2Query.parse(input);
      for (let page = 0; page < 2; page++) {
        const [rolled, raw] = [await r.withRollups.observationsV2(projectId, query), await r.raw.observationsV2(projectId, query)];
        expect(rolled, JSON.stringify(query)).toEqual(raw);
        if (!raw.cursor) break;
        query = ObservationsV2Query.parse({ ...input, cursor: raw.cursor });
      }
    }),
    { seed, numRuns: cases },
  );
  return r.used.slice(before).filter((days) => days > 0).length;
}

describe.each(postgresModes())("GET /observations totals from day rollups (%s)", (mode) => {
  let t: TestApp;
  let r: Readers;
  let project: TestProject;
  let facts: Fact[];

  beforeAll(async () => {
    t = await createTestApp(mode);
    r = readers(t);
    project = await t.createProject();
    facts = fc.sample(fc.array(observationArb, { minLength: 300, maxLength: 300 }), { seed: SEED, numRuns: 1 })[0]!;
    await ingest(t, project, [
      ...facts.map((fact, n) => createEvent(fact, `obs-${n}`, `trace-${n % TRACES}`)),
      ...Array.from({ length: TRACES - 10 }, (_, n) => ({
        id: randomUUID(),
        type: "trace-create",
        timestamp: iso(BASE),
        body: { id: `trace-${n}`, timestamp: iso(BASE), userId: userOf(n) },
      })),
    ]);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it("agree with the raw rows before any day is built, once all are, and after each change to a built day", async () => {
    expect(await agree(r, project.id, SEED)).toBe(0);

    // The data spans SPAN_DAYS days; the day after BASE's last is empty but never read.
    expect(await r.rollups.catchUp(project.id)).toBe(SPAN_DAYS);
    expect(await r.rollups.catchUp(project.id)).toBe(0);
    // A differential test that never took the rollup path would prove nothing.
    expect(await agree(r, project.id, SEED + 1)).toBeGreaterThan(CASES / 3);

    const observation = (id: string) => r.raw.observation(project.id, id);
    // Events take no updates.
    const [moved, renamed] = facts.flatMap((fact, n) => (fact.type === "event" ? [] : [{ n, type: fact.type }]));
    const changes: Array<{ change: string; apply: () => Promise<void>; check: () => Promise<void> }> = [
      {
        change: "a new observation",
        apply: () => ingest(t, project, [createEvent({ type: "span", at: 2 * DAY + HOUR, name: "retrieve", environment: "default", level: "DEFAULT" }, "obs-new", "trace-new")]),
        check: async () => expect(await observation("obs-new")).toBeDefined(),
      },
      {
        change: "a start time moved to another day",
        // A row's start time is its first event's (in timestamp order).
        apply: () =>
          ingest(t, project, [
            {
              id: randomUUID(),
              type: `${moved!.type}-update`,
              timestamp: iso(BASE - DAY),
              body: { id: `obs-${moved!.n}`, traceId: `trace-${moved!.n % TRACES}`, startTime: iso(BASE + 4 * DAY + HOUR) },
            },
          ]),
        check: async () => expect((await observation(`obs-${moved!.n}`))?.startTime).toBe(iso(BASE + 4 * DAY + HOUR)),
      },
      {
        change: "a renamed observation",
        apply: () =>
          ingest(t, project, [
            {
              id: randomUUID(),
              type: `${renamed!.type}-update`,
              timestamp: iso(BASE + SPAN_DAYS * DAY),
              body: { id: `obs-${renamed!.n}`, traceId: `trace-${renamed!.n % TRACES}`, name: "retrieve-renamed" },
            },
          ]),
        check: async () => expect((await observation(`obs-${renamed!.n}`))?.name).toBe("retrieve-renamed"),
      },
      {
        change: "a trace's new user",
        apply: () => ingest(t, project, [{ id: randomUUID(), type: "trace-create", timestamp: iso(BASE + HOUR), body: { id: "trace-1", userId: "u-1" } }]),
        check: async () => {
          const trace = await t.app.inject({ method: "GET", url: "/api/public/traces/trace-1", headers: { authorization: project.basic } });
          expect(trace.json().userId).toBe("u-1");
        },
      },
      {
        change: "a deleted trace",
        apply: async () => {
          const deleted = await t.app.inject({ method: "DELETE", url: "/api/public/traces/trace-7", headers: { authorization: project.basic } });
          expect(deleted.statusCode).toBe(200);
        },
        check: async () => expect(await observation("obs-7")).toBeUndefined(),
      },
    ];
    for (const [n, { change, apply, check }] of changes.entries()) {
      await apply();
      await check();
      await agree(r, project.id, SEED + 10 + n, CHANGE_CASES);
      expect(await r.rollups.catchUp(project.id), change).toBeGreaterThan(0);
      expect(await agree(r, project.id, SEED + 20 + n, CHANGE_CASES), change).toBeGreaterThan(0);
    }
  }, 300_000);

  it("are built by the server's passes for every live project, and serve GET /observations", async () => {
    const other = await t.createProject();
    const generation = { type: "generation", name: "llm-call", environment: "production", level: "DEFAULT" } as const;
    await ingest(t, other, [createEvent({ ...generation, at: DAY + HOUR }, "first", "trace-first"), createEvent({ ...generation, at: 4 * DAY + HOUR }, "last", "trace-last")]);
    await t.services.rollupUpkeep.pass();
    const records = new ObservationRollupDayRepository(t.stores.postgres.db);
    // The days between, without observations, are not built.
    expect((await records.cleanDays(other.id)).map(({ day }) => day)).toEqual([iso(BASE + DAY).slice(0, 10), iso(BASE + 4 * DAY).slice(0, 10)]);
    for (const url of [
      "/observations",
      "/observations?limit=3&page=2&type=GENERATION",
      `/observations?fromStartTime=${iso(BASE + DAY)}&toStartTime=${iso(BASE + 3 * DAY)}&environment=default,staging`,
    ]) {
      const body = await okCall(t, { method: "GET", path: "/api/public/observations" }, url, { project });
      const params = Object.fromEntries(new URL(url, "http://wick").searchParams);
      const raw = await r.raw.observations(project.id, ObservationListQuery.parse(params));
      expect(body.meta.totalItems, url).toBe(raw.totalItems);
      expect(body.data.map((o: { id: string }) => o.id)).toEqual(raw.data.map((o) => o.id));
    }
  });
});
