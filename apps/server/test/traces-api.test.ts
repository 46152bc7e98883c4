import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { TraceWithFullDetails } from "@wick/contracts";
import { traceGroups } from "../src/routes/public/traces.ts";
import { createTestApp, type TestApp, type TestProject } from "./support/harness.ts";

const at = (minute: number, second = 0) => new Date(Date.UTC(2025, 2, 1, 12, minute, second)).toISOString();

describe("trace reads and deletes", () => {
  let t: TestApp;
  let project: TestProject;
  const traceIds: string[] = [];
  beforeAll(async () => {
    t = await createTestApp("embedded");
    project = await t.createProject();
    const batch: unknown[] = [];
    for (let i = 0; i < 25; i += 1) {
      const id = `trace-${String(i).padStart(2, "0")}`;
      traceIds.push(id);
      batch.push({
        id: randomUUID(),
        type: "trace-create",
        timestamp: at(i),
        body: {
          id,
          name: i % 2 === 0 ? "even" : "odd",
          userId: `user-${i % 3}`,
          sessionId: i < 5 ? "s-1" : null,
          tags: i % 5 === 0 ? ["five", "x"] : ["x"],
          environment: i < 20 ? "production" : "staging",
          metadata: { i },
        },
      });
      batch.push({
        id: randomUUID(),
        type: "generation-create",
        timestamp: at(i),
        body: { id: `span-${i}`, traceId: id, startTime: at(i), endTime: at(i, 2), costDetails: { total: 0.5 } },
      });
    }
    batch.push({ id: randomUUID(), type: "score-create", timestamp: at(3), body: { id: "score-3", traceId: "trace-03", name: "q", value: 1 } });
    const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: project.basic }, payload: { batch } });
    expect(response.json().errors).toEqual([]);
  });
  afterAll(async () => t?.close());

  const list = (query: string, authorization = project.basic) => t.app.inject({ method: "GET", url: `/api/public/traces${query}`, headers: { authorization } });

  it("lists newest first with page metadata, in the reference's shape", async () => {
    const response = await list("?limit=10");
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expectReferenceResponse({ method: "GET", path: "/api/public/traces" }, 200, body);
    expect(body.meta).toEqual({ page: 1, limit: 10, totalItems: 25, totalPages: 3 });
    expect(body.data.map((trace: { id: string }) => trace.id)).toEqual(traceIds.slice(15).reverse());
    const trace03 = (await list("?name=odd&limit=100")).json().data.find((trace: { id: string }) => trace.id === "trace-03");
    expect(trace03).toMatchObject({
      observations: ["span-3"],
      scores: ["score-3"],
      totalCost: 0.5,
      latency: 2,
      metadata: { i: 3 },
      htmlPath: `/project/${project.id}/traces/trace-03`,
    });
  });

  it("walks every page once, without skipping or repeating", async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 4; page += 1) {
      const body = (await list(`?limit=7&page=${page}&orderBy=timestamp.asc`)).json();
      expect(body.meta.totalItems).toBe(25);
      seen.push(...body.data.map((trace: { id: string }) => trace.id));
    }
    expect(seen).toEqual(traceIds);
    expect((await list("?limit=7&page=5")).json()).toMatchObject({ data: [], meta: { totalItems: 25, totalPages: 4 } });
  });

  it("filters by user, name, session, tags, environment and time", async () => {
    const ids = async (query: string) =>
      (await list(query))
        .json()
        .data.map((trace: { id: string }) => trace.id)
        .sort();
    expect(await ids("?userId=user-0&name=even&limit=100")).toEqual(["trace-00", "trace-06", "trace-12", "trace-18", "trace-24"]);
    expect(await ids("?sessionId=s-1")).toEqual(["trace-00", "trace-01", "trace-02", "trace-03", "trace-04"]);
    expect(await ids("?tags=five,x")).toEqual(["trace-00", "trace-05", "trace-10", "trace-15", "trace-20"]);
    expect(await ids("?environment=staging")).toEqual(["trace-20", "trace-21", "trace-22", "trace-23", "trace-24"]);
    expect(await ids(`?fromTimestamp=${at(10)}&toTimestamp=${at(12)}`)).toEqual(["trace-10", "trace-11"]);
  });

  it("filters with the advanced filter on the trace's own fields", async () => {
    const ids = async (query: string) =>
      (await list(query))
        .json()
        .data.map((trace: { id: string }) => trace.id)
        .sort();
    const filter = (conditions: unknown[]) => `filter=${encodeURIComponent(JSON.stringify(conditions))}`;
    expect(
      await ids(
        `?name=odd&${filter([
          { type: "stringOptions", column: "name", operator: "any of", value: ["even"] },
          { type: "string", column: "userId", operator: "=", value: "user-0" },
        ])}`,
      ),
    ).toEqual(["trace-00", "trace-06", "trace-12", "trace-18", "trace-24"]);
    expect(await ids(`?${filter([{ type: "stringObject", column: "metadata", key: "i", operator: "=", value: "7" }])}`)).toEqual(["trace-07"]);
  });

  it("filters on aggregates of the trace's observations and scores", async () => {
    const own = await t.createProject();
    const auth = { authorization: own.basic };
    const at1 = at(50);
    // trace-agg-1: an ERROR and a WARNING; trace-agg-2: no observations at all.
    await t.app.inject({
      method: "POST",
      url: "/api/public/ingestion",
      headers: auth,
      payload: {
        batch: [
          { id: randomUUID(), type: "trace-create", timestamp: at1, body: { id: "trace-agg-1", name: "agg" } },
          { id: randomUUID(), type: "trace-create", timestamp: at1, body: { id: "trace-agg-2", name: "agg" } },
          { id: randomUUID(), type: "span-create", timestamp: at1, body: { id: "agg-e", traceId: "trace-agg-1", level: "ERROR", startTime: at1 } },
          { id: randomUUID(), type: "span-create", timestamp: at1, body: { id: "agg-w", traceId: "trace-agg-1", level: "WARNING", startTime: at1 } },
          { id: randomUUID(), type: "score-create", timestamp: at1, body: { id: "agg-s", traceId: "trace-agg-1", name: "quality", value: 0.9 } },
        ],
      },
    });
    const filter = (conditions: unknown[]) =>
      `filter=${encodeURIComponent(JSON.stringify([{ type: "stringOptions", column: "name", operator: "any of", value: ["agg"] }, ...conditions]))}`;
    const ids = async (conditions: unknown[]) =>
      (await list(`?${filter(conditions)}`, own.basic))
        .json()
        .data.map((trace: { id: string }) => trace.id)
        .sort();
    expect(await ids([{ type: "number", column: "errorCount", operator: ">=", value: 1 }])).toEqual(["trace-agg-1"]);
    expect(await ids([{ type: "number", column: "errorCount", operator: "=", value: 0 }])).toEqual(["trace-agg-2"]);
    expect(await ids([{ type: "stringOptions", column: "level", operator: "any of", value: ["ERROR"] }])).toEqual(["trace-agg-1"]);
    expect(await ids([{ type: "number", column: "totalCost", operator: "<=", value: 0 }])).toEqual(["trace-agg-1", "trace-agg-2"]);
    expect(await ids([{ type: "numberObject", column: "scores_avg", key: "quality", operator: ">", value: 0.5 }])).toEqual(["trace-agg-1"]);
    expect(await ids([{ type: "numberObject", column: "scores_avg", key: "quality", operator: "<", value: 0.5 }])).toEqual([]);
    const wrongType = await list(`?${filter([{ type: "string", column: "scores_avg", operator: "=", value: "x" }])}`, own.basic);
    expect(wrongType.statusCode).toBe(400);
  });

  it("counts only the asked-for environments' observations and scores, and after fromTimestamp only observations from an hour before it", async () => {
    const own = await t.createProject();
    const event = (type: string, body: object) => ({ id: randomUUID(), type, timestamp: at(40), body });
    const twoHoursBefore = new Date(Date.parse(at(40)) - 2 * 3_600_000).toISOString();
    const batch = [
      event("trace-create", { id: "mixed", environment: "production" }),
      event("span-create", { id: "in-production", traceId: "mixed", environment: "production", startTime: at(40), endTime: at(40, 4) }),
      event("span-create", { id: "in-staging", traceId: "mixed", environment: "staging", startTime: at(41), endTime: at(41, 30) }),
      event("span-create", { id: "long-before", traceId: "mixed", environment: "production", startTime: twoHoursBefore, endTime: at(40, 1) }),
      event("score-create", { id: "scored-in-production", traceId: "mixed", environment: "production", name: "q", value: 1 }),
      event("score-create", { id: "scored-in-staging", traceId: "mixed", environment: "staging", name: "q", value: 0 }),
    ];
    const ingested = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: own.basic }, payload: { batch } });
    expect(ingested.json().errors).toEqual([]);
    const only = async (query: string) => {
      const response = await list(query, own.basic);
      expectReferenceResponse({ method: "GET", path: "/api/public/traces" }, 200, response.json());
      const [trace] = response.json().data;
      return { observations: [...trace.observations].sort(), scores: [...trace.scores].sort(), latency: trace.latency };
    };
    expect(await only("")).toEqual({ observations: ["in-production", "in-staging", "long-before"], scores: ["scored-in-production", "scored-in-staging"], latency: 2 * 3600 + 90 });
    expect(await only("?environment=production")).toEqual({ observations: ["in-production", "long-before"], scores: ["scored-in-production"], latency: 2 * 3600 + 4 });
    expect(await only(`?fromTimestamp=${at(39)}`)).toEqual({ observations: ["in-production", "in-staging"], scores: ["scored-in-production", "scored-in-staging"], latency: 90 });
    expect(await only(`?environment=production&fromTimestamp=${at(39)}`)).toEqual({ observations: ["in-production"], scores: ["scored-in-production"], latency: 4 });
  });

  it("leaves groups out when fields does not ask for them", async () => {
    const body = (await list("?fields=core&limit=1")).json();
    expect(body.data[0]).toMatchObject({ input: null, output: null, metadata: {}, observations: [], scores: [], totalCost: -1, latency: -1 });
  });

  it("sends a trace's details just as its contract would encode them, observations and scores included", async () => {
    const response = await t.app.inject({ method: "GET", url: "/api/public/traces/trace-03", headers: { authorization: project.basic } });
    expect(response.statusCode).toBe(200);
    expectReferenceResponse({ method: "GET", path: "/api/public/traces/{traceId}" }, 200, response.json());
    const trace = await t.services.reads.trace(project.id, "trace-03", traceGroups(undefined));
    expect(trace!.observations).toHaveLength(1);
    expect(trace!.scores).toHaveLength(1);
    // The route skips the schema's encoding pass: it must be one that changes nothing.
    const viaContract = JSON.parse(JSON.stringify(TraceWithFullDetails.encode(trace!)));
    expect(JSON.parse(JSON.stringify(trace))).toEqual(viaContract);
    expect(response.json()).toEqual(viaContract);
  });

  it.each([
    ["?limit=101", "limit"],
    ["?page=0", "page"],
    ["?fromTimestamp=2025-01-01", "fromTimestamp"],
    ["?orderBy=timestamp", "orderBy"],
  ])("answers 400 naming the parameter for %s", async (query, parameter) => {
    const response = await list(query);
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json().error)).toContain(parameter);
  });

  it("answers 400 for an unknown orderBy column", async () => {
    const response = await list("?orderBy=cost.desc");
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ message: "Invalid order by column: cost", error: "InvalidRequestError" });
  });

  it("shows another project nothing", async () => {
    const body = (await list("", t.project.basic)).json();
    expect(body.data.map((trace: { id: string }) => trace.id)).not.toContain("trace-03");
  });

  it("lists observations newest first with filters, including the trace's user", async () => {
    const get = (query: string) => t.app.inject({ method: "GET", url: `/api/public/observations${query}`, headers: { authorization: project.basic } });
    const first = await get("?limit=5");
    expect(first.statusCode).toBe(200);
    const body = first.json();
    expectReferenceResponse({ method: "GET", path: "/api/public/observations" }, 200, body);
    expect(body.meta).toEqual({ page: 1, limit: 5, totalItems: 25, totalPages: 5 });
    expect(body.data.map((o: { id: string }) => o.id)).toEqual(["span-24", "span-23", "span-22", "span-21", "span-20"]);
    const ids = async (query: string) =>
      (await get(query))
        .json()
        .data.map((o: { id: string }) => o.id)
        .sort();
    expect(await ids("?traceId=trace-07")).toEqual(["span-7"]);
    expect(await ids(`?userId=user-1&fromStartTime=${at(20)}`)).toEqual(["span-22"]);
    expect(await ids("?environment=staging")).toEqual([]);
    expect(await ids(`?fromStartTime=${at(3)}&toStartTime=${at(5)}&type=GENERATION`)).toEqual(["span-3", "span-4"]);
    expect((await get("?level=LOUD")).statusCode).toBe(400);
    const filter = (conditions: unknown[]) => `filter=${encodeURIComponent(JSON.stringify(conditions))}`;
    // The advanced filter wins over the simple parameter on the same column.
    expect(await ids(`?traceId=trace-01&${filter([{ type: "string", column: "traceId", operator: "=", value: "trace-02" }])}`)).toEqual(["span-2"]);
    expect(await ids(`?${filter([{ type: "arrayOptions", column: "traceTags", operator: "all of", value: ["five"] }])}&limit=100`)).toEqual([
      "span-0",
      "span-10",
      "span-15",
      "span-20",
      "span-5",
    ]);
    const matches = await get(`?${filter([{ type: "string", column: "output", operator: "matches", value: "x" }])}`);
    expect(matches.statusCode).toBe(400);
    expect(matches.json()).toEqual({ message: "`matches` is only supported on GET /api/public/v2/observations.", error: "InvalidRequestError" });
  });

  it("lists sessions and returns one with its traces", async () => {
    const list = await t.app.inject({ method: "GET", url: "/api/public/sessions", headers: { authorization: project.basic } });
    expect(list.statusCode).toBe(200);
    expectReferenceResponse({ method: "GET", path: "/api/public/sessions" }, 200, list.json());
    expect(list.json()).toMatchObject({ data: [{ id: "s-1", projectId: project.id, environment: "production" }], meta: { totalItems: 1 } });
    const one = await t.app.inject({ method: "GET", url: "/api/public/sessions/s-1", headers: { authorization: project.basic } });
    expectReferenceResponse({ method: "GET", path: "/api/public/sessions/{sessionId}" }, 200, one.json());
    expect(
      one
        .json()
        .traces.map((trace: { id: string }) => trace.id)
        .sort(),
    ).toEqual(["trace-00", "trace-01", "trace-02", "trace-03", "trace-04"]);
    const missing = await t.app.inject({ method: "GET", url: "/api/public/sessions/nope", headers: { authorization: project.basic } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ message: "Session not found within authorized project", error: "LangfuseNotFoundError" });
    const other = await t.app.inject({ method: "GET", url: "/api/public/sessions/s-1", headers: { authorization: t.project.basic } });
    expect(other.statusCode).toBe(404);
  });

  it("deletes a trace with its observations and scores at once, and a re-sent batch cannot revive them", async () => {
    const auth = { authorization: project.basic };
    const deleted = await t.app.inject({ method: "DELETE", url: "/api/public/traces/trace-03", headers: auth });
    expect(deleted.statusCode).toBe(200);
    expect(deleted.json()).toEqual({ message: "Trace deleted successfully" });
    expect((await t.app.inject({ method: "GET", url: "/api/public/traces/trace-03", headers: auth })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/api/public/observations/span-3", headers: auth })).statusCode).toBe(404);

    const bulk = await t.app.inject({ method: "DELETE", url: "/api/public/traces", headers: auth, payload: { traceIds: ["trace-04", "trace-05"] } });
    expect(bulk.json()).toEqual({ message: "Traces deleted successfully" });
    expect((await list("?limit=100")).json().meta.totalItems).toBe(22);

    // A later event for a deleted trace starts a new record from that event alone.
    await t.app.inject({
      method: "POST",
      url: "/api/public/ingestion",
      headers: auth,
      payload: { batch: [{ id: randomUUID(), type: "trace-create", timestamp: at(40), body: { id: "trace-04", release: "again" } }] },
    });
    const revived = (await t.app.inject({ method: "GET", url: "/api/public/traces/trace-04", headers: auth })).json();
    expect(revived).toMatchObject({ release: "again", name: null, userId: null, observations: [] });
  });

  it("refuses a bulk delete over 1,000 ids or with extra keys", async () => {
    const over = await t.app.inject({
      method: "DELETE",
      url: "/api/public/traces",
      headers: { authorization: project.basic },
      payload: { traceIds: Array.from({ length: 1001 }, (_, i) => `t${i}`) },
    });
    expect(over.statusCode).toBe(400);
    expect(JSON.stringify(over.json().error)).toContain("Cannot specify more than 1000 traces in a single request.");
    const extra = await t.app.inject({ method: "DELETE", url: "/api/public/traces", headers: { authorization: project.basic }, payload: { traceIds: ["a"], force: true } });
    expect(extra.statusCode).toBe(400);
  });
});
