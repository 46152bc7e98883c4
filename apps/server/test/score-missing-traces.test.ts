import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { ScoreListQuery } from "@wick/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLICKHOUSE_MIGRATIONS_DIR, missingScoreTraces, runCommand, selectRows, splitStatements } from "@wick/clickhouse";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { listScorePage } from "../../../packages/scores/src/reads/page-list.ts";
import { MissingScoreTraceUpkeep } from "../src/domain/missing-score-trace-upkeep.ts";

const SEED = 20261207;
const CASES = Math.ceil(Number(process.env.WICK_PROPERTY_RUNS ?? 150) / 10);
const DAY_MS = 86_400_000;

const V2_LIST = { method: "GET", path: "/api/public/v2/scores" };

const TRACES = ["t-a", "t-b", "t-c"] as const;
const SCORES = ["s-1", "s-2", "s-3", "s-4"] as const;

/** What a user does that can change whether a score's trace exists, and the server's pass forgetting the traces that arrived. */
type Step =
  | { kind: "score"; id: string; traceId: string | null }
  | { kind: "trace"; id: string }
  | { kind: "delete-trace"; id: string }
  | { kind: "delete-score"; id: string }
  | { kind: "forget-arrived" };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("score" as const), id: fc.constantFrom(...SCORES), traceId: fc.option(fc.constantFrom(...TRACES), { nil: null, freq: 5 }) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("trace" as const), id: fc.constantFrom(...TRACES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete-trace" as const), id: fc.constantFrom(...TRACES) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("delete-score" as const), id: fc.constantFrom(...SCORES) }) },
  { weight: 2, arbitrary: fc.constant({ kind: "forget-arrived" as const }) },
);

/**
 * The v1 and v2 score lists leave out scores whose trace does not exist; they find those traces
 * among the ones noted missing (`missingScoreTraces`) instead of among all of a project's traces.
 * Each answer must equal the one the whole set of trace ids gives.
 */
describe.each(postgresModes())("score lists and missing traces (%s Postgres)", (mode) => {
  let t: TestApp;
  let clock = Date.UTC(2025, 4, 1);
  const next = () => {
    clock += 1000;
    return new Date(clock).toISOString();
  };

  const call = (project: TestProject, method: "GET" | "POST" | "DELETE", url: string, body?: object) =>
    t.app.inject({ method, url: `/api/public${url}`, headers: { authorization: project.basic }, payload: body });
  const ingest = async (project: TestProject, batch: object[]) => {
    const response = await call(project, "POST", "/ingestion", { batch });
    expect(response.json().errors).toEqual([]);
  };
  const scoreEvent = (id: string, traceId: string | null, timestamp = next()) => ({
    id: randomUUID(),
    type: "score-create",
    timestamp,
    body: { id, name: "quality", value: 1, timestamp, ...(traceId ? { traceId } : { sessionId: "session-1" }) },
  });
  /** Traces other than `t-c` have a user. */
  const traceEvent = (id: string, timestamp = next()) => ({
    id: randomUUID(),
    type: "trace-create",
    timestamp,
    body: { id, timestamp, ...(id === "t-c" ? {} : { userId: "u-1" }) },
  });

  /** Every page of a list at `limit`, each response checked against the reference where it has one. */
  async function listed(project: TestProject, path: "/v2/scores" | "/scores", limit: number): Promise<{ ids: string[]; totals: number[] }> {
    const ids: string[] = [];
    const totals: number[] = [];
    for (let page = 1; ; page++) {
      const response = await call(project, "GET", `${path}?limit=${limit}&page=${page}`);
      expect(response.statusCode).toBe(200);
      const body = response.json() as { data: Array<{ id: string }>; meta: { totalItems: number } };
      if (path === "/v2/scores") expectReferenceResponse(V2_LIST, 200, body);
      totals.push(body.meta.totalItems);
      if (body.data.length === 0) return { ids, totals };
      ids.push(...body.data.map((score) => score.id));
    }
  }

  /** The list as the whole set of the project's trace ids answers it, read from the store. */
  async function expected(project: TestProject, traceScoresOnly: boolean): Promise<string[]> {
    const rows = await selectRows<{ id: string }>(t.stores.clickhouse.client, {
      name: "test.scores-with-traces",
      sql: `SELECT id FROM scores FINAL WHERE project_id = {projectId:String}
              AND (${traceScoresOnly ? "" : "trace_id IS NULL OR "}trace_id IN (SELECT id FROM traces WHERE project_id = {projectId:String}))
            ORDER BY timestamp DESC, id DESC`,
      params: { projectId: project.id },
    });
    return rows.map((row) => row.id);
  }

  /** The noted ids of the project whose trace is stored. */
  async function notedStored(project: TestProject): Promise<string[]> {
    const rows = await selectRows<{ trace_id: string }>(t.stores.clickhouse.client, {
      name: "test.noted-stored",
      sql: `SELECT DISTINCT trace_id FROM missing_score_traces WHERE project_id = {projectId:String}
              AND trace_id IN (SELECT id FROM traces WHERE project_id = {projectId:String})`,
      params: { projectId: project.id },
    });
    return rows.map((row) => row.trace_id);
  }

  async function expectListsAgree(project: TestProject): Promise<void> {
    // The subquery a list reads the missing traces by when there are too many to bind: it holds
    // the trace of every score whose trace is missing, and no trace that exists.
    const traceIds = async (sql: string) =>
      (await selectRows<{ id: string }>(t.stores.clickhouse.client, { name: "test.trace-ids", sql, params: { projectId: project.id } })).map((row) => row.id).sort();
    const absent = await traceIds(`SELECT trace_id AS id FROM (${missingScoreTraces.absentIds()})`);
    const stored = await traceIds("SELECT DISTINCT id FROM traces WHERE project_id = {projectId:String}");
    const named = await traceIds("SELECT DISTINCT assumeNotNull(trace_id) AS id FROM scores FINAL WHERE project_id = {projectId:String} AND trace_id IS NOT NULL");
    expect(absent.filter((id) => stored.includes(id))).toEqual([]);
    expect(named.filter((id) => !stored.includes(id) && !absent.includes(id))).toEqual([]);
    for (const [path, traceScoresOnly] of [
      ["/v2/scores", false],
      ["/scores", true],
    ] as const) {
      const want = await expected(project, traceScoresOnly);
      const { ids, totals } = await listed(project, path, 3);
      expect({ path, ids }).toEqual({ path, ids: want });
      expect(new Set(totals)).toEqual(new Set([want.length]));
    }
    // Traces found first are bound as values up to a bound, and read by subquery beyond it: both
    // forms give the same lists, with and without a trace filter.
    for (const input of [{}, { userId: "u-1" }]) {
      for (const legacy of [false, true]) {
        const list = (mostBoundIds?: number) =>
          listScorePage(t.stores.clickhouse.client, project.id, { ...ScoreListQuery.parse({ limit: 100, ...input }) }, { legacy, withTrace: true, mostBoundIds });
        const [bound, read] = [await list(), await list(0)];
        expect(read).toEqual(bound);
      }
    }
  }

  beforeAll(async () => {
    t = await createTestApp(mode);
  });
  afterAll(async () => t?.close());

  it("lists the same scores as the whole set of trace ids gives, whatever order scores, traces and deletes come in", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 6 }), async (steps) => {
        const project = await t.createProject();
        for (const step of steps) {
          if (step.kind === "score") await ingest(project, [scoreEvent(step.id, step.traceId)]);
          else if (step.kind === "trace") await ingest(project, [traceEvent(step.id)]);
          else if (step.kind === "delete-trace") expect((await call(project, "DELETE", `/traces/${step.id}`)).statusCode).toBe(200);
          else if (step.kind === "delete-score") expect((await call(project, "DELETE", `/scores/${step.id}`)).statusCode).toBe(202);
          else {
            await t.services.missingScoreTraces.pass();
            expect(await notedStored(project)).toEqual([]);
          }
          await expectListsAgree(project);
        }
      }),
      { seed: SEED, numRuns: CASES },
    );
  }, 180_000);

  it("shows a score once its trace arrives, from the same batch or a later one", async () => {
    const project = await t.createProject();
    await ingest(project, [scoreEvent("early", "t-later"), scoreEvent("together", "t-same"), traceEvent("t-same")]);
    expect((await listed(project, "/v2/scores", 10)).ids).toEqual(["together"]);
    await ingest(project, [traceEvent("t-later")]);
    expect((await listed(project, "/v2/scores", 10)).ids).toEqual(["together", "early"]);
    await expectListsAgree(project);
  });

  it("leaves out a score whose trace retention removed from under it", async () => {
    const project = await t.createProject();
    await t.services.repositories.projects.update(project.id, { name: "limited", retentionDays: 7 });
    const old = new Date(Date.now() - 10 * DAY_MS).toISOString();
    await ingest(project, [traceEvent("t-old", old), scoreEvent("outlives", "t-old", new Date().toISOString())]);
    expect((await listed(project, "/v2/scores", 10)).ids).toEqual(["outlives"]);
    await t.services.retention.sweep();
    expect((await call(project, "GET", "/traces/t-old")).statusCode).toBe(404);
    expect((await listed(project, "/v2/scores", 10)).ids).toEqual([]);
    expect((await listed(project, "/scores", 10)).ids).toEqual([]);
    const scoresOnly = (await call(project, "GET", "/v2/scores?fields=score")).json() as { data: Array<{ id: string }> };
    expect(scoresOnly.data.map((score) => score.id)).toEqual(["outlives"]);
    await expectListsAgree(project);
  });

  /**
   * A project keeping 7 days, with a score `early` on `t-late`, written before its trace, which
   * arrives after it with a timestamp 10 days old: the next retention sweep removes it.
   */
  async function scoreBeforeItsExpiringTrace(): Promise<TestProject> {
    const project = await t.createProject();
    await t.services.repositories.projects.update(project.id, { name: "limited", retentionDays: 7 });
    await ingest(project, [scoreEvent("early", "t-late", new Date().toISOString())]);
    await ingest(project, [traceEvent("t-late", new Date(Date.now() - 10 * DAY_MS).toISOString())]);
    return project;
  }

  it("forgets a noted trace once it arrives, and notes it again when retention removes it", async () => {
    const project = await scoreBeforeItsExpiringTrace();
    expect(await notedStored(project)).toEqual(["t-late"]);
    await t.services.missingScoreTraces.pass();
    expect(await notedStored(project)).toEqual([]);
    expect((await listed(project, "/v2/scores", 10)).ids).toEqual(["early"]);
    await t.services.retention.sweep();
    expect((await listed(project, "/v2/scores", 10)).ids).toEqual([]);
    await expectListsAgree(project);
  });

  it("keeps a noted trace that retention removed after the pass found it arrived", async () => {
    const project = await scoreBeforeItsExpiringTrace();
    const { client } = t.stores.clickhouse;
    const arrived = await missingScoreTraces.arrived(client, project.id);
    expect(arrived).toEqual(["t-late"]);
    // Between the read and the pass's turn on the writer, retention removes the trace.
    await t.services.retention.sweep();
    await missingScoreTraces.forgetStored(client, t.services.rowDeletes, project.id, arrived);
    expect((await listed(project, "/v2/scores", 10)).ids).toEqual([]);
    await expectListsAgree(project);
  });

  it("forgets every arrived trace in one pass, a batch per turn", async () => {
    const project = await t.createProject();
    await ingest(project, [scoreEvent("s-1", "t-a"), scoreEvent("s-2", "t-b"), scoreEvent("s-3", "t-c"), scoreEvent("s-4", "t-missing")]);
    await ingest(project, [traceEvent("t-a"), traceEvent("t-b"), traceEvent("t-c")]);
    expect((await notedStored(project)).sort()).toEqual(["t-a", "t-b", "t-c"]);
    const { stores, services } = t;
    await new MissingScoreTraceUpkeep({ clickhouse: stores.clickhouse.client, rows: services.rowDeletes, writer: services.ingestion, batch: 1 }).pass();
    expect(await notedStored(project)).toEqual([]);
    await expectListsAgree(project);
  });

  it("notes, on upgrade, the missing traces of the scores stored before", async () => {
    const project = await t.createProject();
    await ingest(project, [traceEvent("t-here"), scoreEvent("kept", "t-here"), scoreEvent("dropped", "t-gone"), scoreEvent("no-trace", null)]);
    const client = t.stores.clickhouse.client;
    const params = { projectId: project.id };
    await runCommand(client, { name: "test.forget-missing", sql: "DELETE FROM missing_score_traces WHERE project_id = {projectId:String}", params });
    // As before the upgrade: nothing noted, so the score of the missing trace shows.
    expect((await listed(project, "/v2/scores", 10)).ids).toEqual(["no-trace", "dropped", "kept"]);
    const migration = await readFile(join(CLICKHOUSE_MIGRATIONS_DIR, "0016_missing_score_traces.sql"), "utf8");
    for (const statement of splitStatements(migration)) await runCommand(client, { name: "test.migration-0016", sql: statement });
    expect((await listed(project, "/v2/scores", 10)).ids).toEqual(["no-trace", "kept"]);
    await expectListsAgree(project);
  });
});
