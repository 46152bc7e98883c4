import { randomUUID } from "node:crypto";
import { copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLICKHOUSE_MIGRATIONS_DIR, migrateClickHouse, openClickHouse, selectRows, type ClickHouseStore } from "@wick/clickhouse";
import { issueApiKey } from "../src/domain/api-keys.ts";
import { basicAuthHeader, createTestApp, openTestPostgres, type TestApp, type TestProject } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

/**
 * Reads of one trace's observations and scores (a trace's page, the traceId filters of both
 * observation lists, the aggregates of a trace list) read only the instants the event log's
 * entries give for the trace, and a trace delete only their days. Differential: over random
 * observations and scores spread over weeks, their times written in several forms, moved to other
 * days and other traces by later events, and partly deleted with their traces, each read must list
 * exactly what a full scan of the tables finds.
 */
const SEED = 20261207;
const DAY = 86_400_000;
const BASE = Date.UTC(2025, 5, 2);
const SPAN_DAYS = 40;
const TRACES = 64;
const iso = (ms: number) => new Date(ms).toISOString();
/**
 * The instant as a client may write it: in UTC to the millisecond, to the microsecond, or with an
 * offset. A row and its entry must land on the same stored instant whichever form was sent.
 */
function sentTime(ms: number, form: number): string {
  if (form % 3 === 0) return iso(ms);
  if (form % 3 === 1) return iso(ms).replace("Z", `${String(form % 1000).padStart(3, "0")}Z`);
  return `${iso(ms + 2 * 3_600_000).slice(0, -1)}+02:00`;
}

const observationArb = fc.record({
  trace: fc.nat(TRACES - 1),
  at: fc.integer({ min: 0, max: SPAN_DAYS * DAY - 1 }),
  /** A later round's event for the observation, naming another start and maybe another trace. */
  later: fc.option(
    fc.record({
      earlier: fc.boolean(),
      at: fc.integer({ min: 0, max: SPAN_DAYS * DAY - 1 }),
      trace: fc.option(fc.nat(TRACES - 1), { nil: undefined }),
    }),
    { nil: undefined },
  ),
});

const traceId = (n: number) => `trace-${n}`;

async function ingest(t: TestApp, project: TestProject, batch: object[]): Promise<void> {
  const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: project.basic }, payload: { batch } });
  expect(response.statusCode).toBe(207);
  expect(response.json().errors).toEqual([]);
}

/** Ids of the current observations or scores of each trace, from a scan of the whole table. */
async function scanned(store: ClickHouseStore, projectId: string, table: "observations" | "scores"): Promise<Map<string, string[]>> {
  const rows = await selectRows<{ trace_id: string; ids: string[] }>(store.client, {
    name: "test.rows-by-trace",
    sql: `SELECT assumeNotNull(trace_id) AS trace_id, arraySort(groupArray(id)) AS ids FROM ${table} FINAL
          WHERE project_id = {projectId:String} AND trace_id IS NOT NULL GROUP BY trace_id`,
    params: { projectId },
  });
  return new Map(rows.map((row) => [row.trace_id, row.ids]));
}

/** The migrations before `observation_trace_days`, in a directory of their own. */
async function migrationsBefore(dir: string, version: string): Promise<string> {
  const before = join(dir, "migrations-before");
  await mkdir(before);
  for (const file of await readdir(CLICKHOUSE_MIGRATIONS_DIR)) {
    if (/^\d{4}_/.test(file) && file < version) await copyFile(join(CLICKHOUSE_MIGRATIONS_DIR, file), join(before, file));
  }
  return before;
}

describe("observations and scores read by trace through the trace's entries", () => {
  let dir: string;
  let store: ClickHouseStore;
  let t: TestApp;

  beforeAll(async () => {
    // A store of its own, first migrated as before the log kept trace entries: the upgrade test
    // below writes a trace, observations and a score as an earlier version did.
    dir = await mkdtemp(join(tmpdir(), "wick-trace-days-"));
    store = await openClickHouse({ kind: "embedded", dataDir: join(dir, "clickhouse") });
    await migrateClickHouse(store.client, { dir: await migrationsBefore(dir, "0012_observation_trace_entries") });
    await store.client.insert({
      table: "observations",
      format: "JSONEachRow",
      values: ["2024-01-03 10:00:00.000", "2024-02-20 10:00:00.000"].map((start, n) => ({
        project_id: "project-upgraded",
        id: `old-${n}`,
        trace_id: "trace-old",
        type: "SPAN",
        start_time: start,
        created_at: start,
        updated_at: start,
        merge_version: 1,
      })),
    });
    const legacy = { project_id: "project-upgraded", created_at: "2024-01-03 09:00:00.000", updated_at: "2024-01-03 09:00:00.000", merge_version: 1 };
    await store.client.insert({ table: "traces", format: "JSONEachRow", values: [{ ...legacy, id: "trace-old", timestamp: "2024-01-03 09:00:00.000" }] });
    await store.client.insert({
      table: "scores",
      format: "JSONEachRow",
      values: [{ ...legacy, id: "old-score", trace_id: "trace-old", timestamp: "2024-03-09 10:00:00.000", name: "quality", value: 1, data_type: "NUMERIC", source: "API" }],
    });
    await migrateClickHouse(store.client);
    t = await createTestApp("embedded", { stores: { postgres: await openTestPostgres("embedded"), clickhouse: store } });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await t?.stores.postgres.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("lists exactly the observations and scores a full scan finds, from every read, after moves and deletes", async () => {
    const facts = fc.sample(fc.array(observationArb, { minLength: 160, maxLength: 160 }), { seed: SEED, numRuns: 1 })[0]!;
    // Scores are filed under traces the same way, by their timestamp.
    const scoreFacts = fc.sample(fc.array(observationArb, { minLength: 120, maxLength: 120 }), { seed: SEED + 1, numRuns: 1 })[0]!;
    const scoreEvent = (n: number, trace: number, at: number) => ({
      id: randomUUID(),
      type: "score-create",
      timestamp: sentTime(BASE + at, n + at),
      body: { id: `score-${n}`, traceId: traceId(trace), name: "quality", value: n, dataType: "NUMERIC" },
    });
    const traces = Array.from({ length: TRACES }, (_, n) => ({
      id: randomUUID(),
      type: "trace-create",
      timestamp: iso(BASE - DAY),
      body: { id: traceId(n), name: "days", timestamp: iso(BASE - DAY) },
    }));
    await ingest(t, t.project, [
      ...traces,
      ...facts.map((o, n) => ({
        id: randomUUID(),
        type: "span-create",
        timestamp: iso(BASE + o.at),
        body: { id: `obs-${n}`, traceId: traceId(o.trace), startTime: sentTime(BASE + o.at, n + o.at) },
      })),
      ...scoreFacts.map((score, n) => scoreEvent(n, score.trace, score.at)),
    ]);
    await ingest(
      t,
      t.project,
      facts.flatMap((o, n) =>
        o.later
          ? [
              {
                id: randomUUID(),
                type: "span-update",
                timestamp: iso(BASE + o.at + (o.later.earlier ? -1 : 1)),
                body: { id: `obs-${n}`, traceId: traceId(o.later.trace ?? o.trace), startTime: sentTime(BASE + o.later.at, n + o.later.at + 1) },
              },
            ]
          : [],
      ),
    );
    await ingest(
      t,
      t.project,
      scoreFacts.flatMap((score, n) => (score.later ? [scoreEvent(n, score.later.trace ?? score.trace, score.later.at)] : [])),
    );
    const deleted = [traceId(1), traceId(2)];
    expect((await t.app.inject({ method: "DELETE", url: "/api/public/traces", headers: { authorization: t.project.basic }, payload: { traceIds: deleted } })).statusCode).toBe(200);

    const truth = await scanned(store, t.project.id, "observations");
    const scoreTruth = await scanned(store, t.project.id, "scores");
    // A run without traces over several days, or without moves, would prove little.
    const days = await selectRows<{ trace_id: string; days: string }>(store.client, {
      name: "test.days-per-trace",
      sql: "SELECT trace_id, uniqExact(toDate(start_time)) AS days FROM observations FINAL WHERE project_id = {projectId:String} GROUP BY trace_id",
      params: { projectId: t.project.id },
    });
    expect(days.filter((row) => Number(row.days) > 1).length).toBeGreaterThan(TRACES / 4);
    const moved = facts.filter((o, n) => o.later && !truth.get(traceId(o.trace))?.includes(`obs-${n}`));
    expect(moved.length).toBeGreaterThan(5);
    const movedScores = scoreFacts.filter((score, n) => score.later && !scoreTruth.get(traceId(score.trace))?.includes(`score-${n}`));
    expect(movedScores.length).toBeGreaterThan(5);

    const auth = { authorization: t.project.basic };
    const list = await t.app.inject({ method: "GET", url: "/api/public/traces?limit=100", headers: auth });
    expectReferenceResponse({ method: "GET", path: "/api/public/traces" }, 200, list.json());
    const listed = new Map(
      (list.json().data as Array<{ id: string; observations: string[]; scores: string[] }>).map((trace) => [
        trace.id,
        { observations: [...trace.observations].sort(), scores: [...trace.scores].sort() },
      ]),
    );

    for (let n = 0; n < TRACES; n += 1) {
      const id = traceId(n);
      const expected = truth.get(id) ?? [];
      const expectedScores = scoreTruth.get(id) ?? [];
      if (deleted.includes(id)) {
        expect([...expected, ...expectedScores]).toEqual([]);
      } else {
        expect(listed.get(id), id).toEqual({ observations: expected, scores: expectedScores });
        const one = await t.app.inject({ method: "GET", url: `/api/public/traces/${id}`, headers: auth });
        expectReferenceResponse({ method: "GET", path: "/api/public/traces/{traceId}" }, 200, one.json());
        expect((one.json().observations as Array<{ id: string }>).map((o) => o.id).sort(), id).toEqual(expected);
        expect((one.json().scores as Array<{ id: string }>).map((score) => score.id).sort(), id).toEqual(expectedScores);
      }
      const v2 = await t.app.inject({ method: "GET", url: `/api/public/v2/observations?traceId=${id}&limit=1000&fields=core`, headers: auth });
      expectReferenceResponse({ method: "GET", path: "/api/public/v2/observations" }, 200, v2.json());
      expect((v2.json().data as Array<{ id: string }>).map((o) => o.id).sort(), id).toEqual(expected);
      const v1 = await t.app.inject({ method: "GET", url: `/api/public/observations?traceId=${id}&limit=100`, headers: auth });
      expectReferenceResponse({ method: "GET", path: "/api/public/observations" }, 200, v1.json());
      expect((v1.json().data as Array<{ id: string }>).map((o) => o.id).sort(), id).toEqual(expected);
    }
  });

  it("finds observations and scores stored before the log kept trace entries, once the upgrade's migration ran", async () => {
    const orgId = `org-${randomUUID()}`;
    await t.services.repositories.organizations.create({ id: orgId, name: "Upgraded" });
    await t.services.repositories.projects.ensure({ id: "project-upgraded", orgId, name: "upgraded" });
    const key = await issueApiKey(t.services.repositories.apiKeys, t.services.salt, { scope: "PROJECT", projectId: "project-upgraded" });
    const found = await t.app.inject({
      method: "GET",
      url: "/api/public/v2/observations?traceId=trace-old&fields=core",
      headers: { authorization: basicAuthHeader(key.publicKey, key.secretKey) },
    });
    expect((found.json().data as Array<{ id: string }>).map((o) => o.id)).toEqual(["old-1", "old-0"]);
    const trace = await t.app.inject({ method: "GET", url: "/api/public/traces/trace-old", headers: { authorization: basicAuthHeader(key.publicKey, key.secretKey) } });
    expect((trace.json().observations as Array<{ id: string }>).map((o) => o.id).sort()).toEqual(["old-0", "old-1"]);
    expect((trace.json().scores as Array<{ id: string }>).map((score) => score.id)).toEqual(["old-score"]);
  });
});
