import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { type ExperimentSpan, exportExperimentSpans, hexId, itemSpans } from "./support/experiment-spans.ts";
import { createTestApp, type TestApp, type TestProject } from "./support/harness.ts";

const T0 = Date.UTC(2025, 5, 10, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const s = (seconds: number) => T0 + seconds * 1000;

const expA = { id: "exp-a", name: "Prompt A", description: "first try", datasetId: "ds-1", metadata: { model: "gpt-4o" } };
const expB = { id: "exp-b", name: "Prompt B" };
const expC = { id: "exp-c", name: "Prompt C", datasetId: "ds-2" };

const a = [itemSpans(expA, "a1", s(0), 2), itemSpans(expA, "a2", s(60), 2), itemSpans(expA, "a3", s(120), 2)];
const b = [itemSpans(expB, "b1", s(30)), itemSpans(expB, "b2", s(90))];
const c = [itemSpans(expC, "c1", s(-3600)), itemSpans(expC, "c2", s(10))];
/** A span outside any experiment, in the window: never counted. */
const plain: ExperimentSpan = { traceId: hexId(16), spanId: hexId(8), name: "chat", start: s(200), end: s(201) };

describe("GET /api/public/experiments", () => {
  let t: TestApp;
  let project: TestProject;
  let other: TestProject;

  const exportSpans = (spans: ExperimentSpan[], who = project) => exportExperimentSpans(t, spans, who);
  const get = async (query: string, who = project) => t.app.inject({ method: "GET", url: `/api/public/experiments?${query}`, headers: { authorization: who.basic } });
  const list = async (query: string, who = project) => {
    const response = await get(query, who);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expectReferenceResponse({ method: "GET", path: "/api/public/experiments" }, 200, body);
    return body;
  };
  const from = `fromStartTime=${iso(s(-7200))}`;

  beforeAll(async () => {
    t = await createTestApp("embedded");
    project = t.project;
    other = await t.createProject();
    await exportSpans([...a.flat(), ...b.flat(), ...c.flat(), plain]);
    await exportSpans(itemSpans({ id: "exp-x", name: "Elsewhere" }, "x1", s(5)), other);
    const score = (id: string, second: number, value: number, target: Record<string, string>) => ({
      id: randomUUID(),
      type: "score-create",
      timestamp: iso(s(second)),
      body: { id, name: "accuracy", value, ...target },
    });
    const response = await t.app.inject({
      method: "POST",
      url: "/api/public/ingestion",
      headers: { authorization: project.basic },
      payload: {
        batch: [
          score("run-score-old", 130, 0.5, { datasetRunId: "exp-a" }),
          score("run-score-new", 140, 0.75, { datasetRunId: "exp-a" }),
          // Far outside the day around the page's rows: not shown.
          score("run-score-stale", 10 * 86_400, 0.1, { datasetRunId: "exp-a" }),
          // A trace score of one of exp-a's items: not an experiment score.
          score("trace-score", 130, 1, { traceId: a[0]![0]!.traceId }),
        ],
      },
    });
    expect(response.json().errors).toEqual([]);
  });
  afterAll(async () => t?.close());

  it("lists the experiments with events in the window by latest event, with aggregates in the reference's shape", async () => {
    const body = await list(from);
    expect(body.meta).toEqual({});
    expect(body.data).toEqual([
      {
        id: "exp-a",
        name: "Prompt A",
        description: "first try",
        startTime: iso(s(0)),
        endTime: iso(s(121)),
        itemCount: 3,
        datasetId: "ds-1",
      },
      { id: "exp-b", name: "Prompt B", description: "", startTime: iso(s(30)), endTime: iso(s(91)), itemCount: 2, datasetId: null },
      { id: "exp-c", name: "Prompt C", description: "", startTime: iso(s(-3600)), endTime: iso(s(11)), itemCount: 2, datasetId: "ds-2" },
    ]);
  });

  it("computes the aggregates and the order over the events inside the window only", async () => {
    const clipped = await list(`fromStartTime=${iso(s(0))}&toStartTime=${iso(s(60))}`);
    expect(clipped.data.map((e: { id: string; itemCount: number; startTime: string }) => [e.id, e.itemCount, e.startTime])).toEqual([
      ["exp-b", 1, iso(s(30))],
      ["exp-c", 1, iso(s(10))],
      ["exp-a", 1, iso(s(0))],
    ]);
    expect((await list(`fromStartTime=${iso(s(300))}`)).data).toEqual([]);
  });

  it("pages with a base64url cursor, each experiment once", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const body = await list(`${from}&limit=1${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...body.data.map((e: { id: string }) => e.id));
      cursor = body.meta.cursor;
      if (cursor) {
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(JSON.parse(Buffer.from(cursor, "base64url").toString())).toMatchObject({ v: 1, lastExperimentId: seen.at(-1) });
      }
    } while (cursor);
    expect(seen).toEqual(["exp-a", "exp-b", "exp-c"]);
  });

  it("neither skips nor repeats an experiment that gains newer events while a client pages", async () => {
    const p = await t.createProject();
    const ids = ["e1", "e2", "e3", "e4"];
    await exportSpans(
      ids.flatMap((id, index) => itemSpans({ id, name: id }, `${id}-item`, s(index * 10))),
      p,
    );
    const first = await list(`${from}&limit=2`, p);
    expect(first.data.map((e: { id: string }) => e.id)).toEqual(["e4", "e3"]);
    // e1, not shown yet, gets the newest event of all; a new experiment e5 starts too.
    await exportSpans([...itemSpans({ id: "e1", name: "e1" }, "e1-late", s(500)), ...itemSpans({ id: "e5", name: "e5" }, "e5-item", s(20))], p);
    const second = await list(`${from}&limit=2&cursor=${first.meta.cursor}`, p);
    const third = second.meta.cursor ? await list(`${from}&limit=2&cursor=${second.meta.cursor}`, p) : { data: [] };
    const seen = [...first.data, ...second.data, ...third.data].map((e: { id: string }) => e.id);
    expect(seen.filter((id) => id !== "e5")).toEqual(["e4", "e3", "e2", "e1"]);
    expect(new Set(seen).size).toBe(seen.length);
    // e1 shows everything it has now: both items, the late one included.
    expect(second.data.find((e: { id: string }) => e.id === "e1")?.itemCount).toBe(2);
  });

  it("filters by id, name and dataset lists and by filter JSON on those columns", async () => {
    const ids = async (query: string) => (await list(`${from}&${query}`)).data.map((e: { id: string }) => e.id);
    expect(await ids("id=exp-c,exp-b")).toEqual(["exp-b", "exp-c"]);
    expect(await ids("name=Prompt%20A")).toEqual(["exp-a"]);
    expect(await ids("datasetId=ds-2")).toEqual(["exp-c"]);
    expect(await ids("id=exp-a&datasetId=ds-2")).toEqual([]);
    const filter = (conditions: unknown) => `filter=${encodeURIComponent(JSON.stringify(conditions))}`;
    expect(await ids(filter([{ type: "stringOptions", column: "datasetId", operator: "none of", value: ["ds-1"] }]))).toEqual(["exp-b", "exp-c"]);
    expect(
      await ids(
        filter([
          { type: "string", column: "name", operator: "starts with", value: "Prompt" },
          { type: "string", column: "id", operator: "=", value: "exp-b" },
        ]),
      ),
    ).toEqual(["exp-b"]);
  });

  it("adds metadata and the experiment's own scores, newest first within the page's time range, on request", async () => {
    const body = await list(`${from}&fields=core,metadata,scores&id=exp-a,exp-b`);
    const [expA, expB] = body.data;
    expect(expA.metadata).toEqual({ model: "gpt-4o" });
    expect(expB.metadata).toBeNull();
    expect(expA.scores.map((score: { id: string }) => score.id)).toEqual(["run-score-new", "run-score-old"]);
    expect(expA.scores[0]).toMatchObject({ name: "accuracy", value: 0.75, dataType: "NUMERIC", subject: { kind: "experiment", id: "exp-a" } });
    expect(expB.scores).toEqual([]);
    const limited = await list(`${from}&fields=scores&id=exp-a&scoreLimit=1`);
    expect(limited.data[0].scores.map((score: { id: string }) => score.id)).toEqual(["run-score-new"]);
    expect(limited.data[0]).not.toHaveProperty("metadata");
  });

  it("keeps projects apart", async () => {
    expect((await list(from, other)).data.map((e: { id: string }) => e.id)).toEqual(["exp-x"]);
    expect((await list(`${from}&id=exp-x`)).data).toEqual([]);
  });

  it.each([
    ["", "fromStartTime missing"],
    [`${from}&fields=core,bogus`, "unknown field group"],
    [`${from}&limit=0`, "limit below 1"],
    [`${from}&limit=101`, "limit above 100"],
    [`${from}&scoreLimit=51`, "scoreLimit above 50"],
    ["fromStartTime=yesterday", "a date without time and offset"],
    [`${from}&filter=${encodeURIComponent('[{"type":"string","column":"traceId","operator":"=","value":"x"}]')}`, "a column the endpoint does not filter on"],
    [`${from}&filter=${encodeURIComponent('[{"type":"number","column":"name","operator":"=","value":1}]')}`, "a type the column does not take"],
  ])("answers 400 for %s (%s)", async (query) => {
    const response = await get(query);
    expect(response.statusCode, response.body).toBe(400);
  });

  it.each([
    "fromStartTime=0001-01-01T00:00:00Z",
    "fromStartTime=9999-12-31T23:59:59Z",
    `${from}&toStartTime=0001-01-01T00:00:00Z`,
    `${from}&cursor=${Buffer.from(JSON.stringify({ v: 1, lastTime: "0001-01-01T00:00:00Z", lastTraceId: "", lastId: "", lastExperimentId: "", asOf: "9999-01-01T00:00:00Z" })).toString("base64url")}`,
  ])("never answers 5xx for instants outside ClickHouse's range (%s)", async (query) => {
    for (const path of ["experiments", "experiment-items"]) {
      const response = await t.app.inject({ method: "GET", url: `/api/public/${path}?${query}`, headers: { authorization: project.basic } });
      expect(response.statusCode, `${path}: ${response.body}`).toBeLessThan(500);
    }
  });

  it("answers 400 with the reference's messages for a bad cursor and bad filter JSON", async () => {
    for (const cursor of ["%%%", Buffer.from("not json").toString("base64url"), Buffer.from('{"v":1}').toString("base64url")]) {
      const response = await get(`${from}&cursor=${encodeURIComponent(cursor)}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ message: "Invalid cursor format" });
    }
    const response = await get(`${from}&filter=${encodeURIComponent("[{")}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ message: "Invalid JSON in filter parameter" });
  });
});
