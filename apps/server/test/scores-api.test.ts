import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, postgresModes, type TestApp, type TestProject } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const CREATE = { method: "POST", path: "/api/public/scores" };
const V3_LIST = { method: "GET", path: "/api/public/v3/scores" };
const V2_LIST = { method: "GET", path: "/api/public/v2/scores" };
const V2_GET = { method: "GET", path: "/api/public/v2/scores/{scoreId}" };

const at = (minute: number) => new Date(Date.UTC(2025, 3, 1, 10, minute)).toISOString();
const scoreEvent = (timestamp: string, body: object) => ({ id: randomUUID(), type: "score-create", timestamp, body });
const ids = (body: { data: Array<{ id: string }> }) => body.data.map((item) => item.id);

/** The 25 `walk` scores, three to a timestamp, in the order every list shows them: newest first, then id descending. */
const WALK = Array.from({ length: 25 }, (_, i) => ({ id: `walk-${String(i).padStart(2, "0")}`, minute: Math.floor(i / 3) }));
const WALK_ORDER = [...WALK].sort((a, b) => b.minute - a.minute || (a.id < b.id ? 1 : -1)).map((score) => score.id);

describe.each(postgresModes())("scores API (%s Postgres)", (mode) => {
  let t: TestApp;
  let project: TestProject;
  let other: TestProject;

  const call = (method: "GET" | "POST" | "DELETE", url: string, options: { body?: unknown; authorization?: string } = {}) =>
    t.app.inject({ method, url: `/api/public${url}`, headers: { authorization: options.authorization ?? project.basic }, payload: options.body as object });
  const ingest = async (batch: unknown[], authorization = project.basic) => {
    const response = await call("POST", "/ingestion", { body: { batch }, authorization });
    expect(response.statusCode).toBe(207);
    return response.json() as { successes: unknown[]; errors: Array<{ id: string; status: number; message: string }> };
  };
  const createConfig = async (body: object) => (await call("POST", "/score-configs", { body })).json() as { id: string; name: string };
  const postScore = (body: object, authorization = project.basic) => call("POST", "/scores", { body, authorization });
  const v2Get = async (id: string) => (await call("GET", `/v2/scores/${id}`)).json();

  beforeAll(async () => {
    t = await createTestApp(mode);
    project = await t.createProject();
    other = await t.createProject();
    const traces = [
      { id: randomUUID(), type: "trace-create", timestamp: at(0), body: { id: "t-1", userId: "u-1", tags: ["a", "b"], sessionId: "s-1", environment: "production" } },
      { id: randomUUID(), type: "trace-create", timestamp: at(0), body: { id: "t-2", userId: "u-2", tags: ["a"] } },
      { id: randomUUID(), type: "span-create", timestamp: at(0), body: { id: "o-1", traceId: "t-1" } },
    ];
    const scores = [
      ...WALK.map(({ id, minute }, i) =>
        scoreEvent(at(minute), { id, name: "walk", value: i, traceId: i % 2 === 0 ? "t-1" : "t-2", metadata: { reviewer: i % 5 === 0 ? "bot" : "human" } }),
      ),
      scoreEvent(at(30), { id: "bool", name: "ok", value: 1, dataType: "BOOLEAN", traceId: "t-1", observationId: "o-1", source: "EVAL", comment: "fine" }),
      scoreEvent(at(31), { id: "cat", name: "tone", value: "warm", sessionId: "s-1", environment: "Staging" }),
      scoreEvent(at(32), { id: "text", name: "note", value: "looks right", dataType: "TEXT", datasetRunId: "run-1" }),
      scoreEvent(at(33), { id: "corr", name: "ignored", value: "the fixed output", dataType: "CORRECTION", traceId: "t-2" }),
      scoreEvent(at(34), { id: "orphan", name: "orphan", value: 3, traceId: "t-missing" }),
    ];
    const response = await ingest([...traces, ...scores]);
    expect(response.errors).toEqual([]);
  });
  afterAll(async () => t?.close());

  describe("POST /scores", () => {
    it("creates a trace score that every read shows at once", async () => {
      const response = await postScore({
        traceId: "t-1",
        observationId: "o-1",
        name: "helpfulness",
        value: 0.8,
        dataType: "NUMERIC",
        comment: "good",
        metadata: { reviewer: "bot", depth: 2 },
      });
      expect(response.statusCode).toBe(200);
      expectReferenceResponse(CREATE, 200, response.json());
      const { id } = response.json();
      expect(id).toMatch(/^[0-9a-f-]{36}$/);

      const score = await v2Get(id);
      expectReferenceResponse(V2_GET, 200, score);
      expect(score).toMatchObject({
        id,
        projectId: project.id,
        name: "helpfulness",
        value: 0.8,
        stringValue: null,
        dataType: "NUMERIC",
        source: "API",
        comment: "good",
        metadata: { reviewer: "bot", depth: 2 },
        traceId: "t-1",
        observationId: "o-1",
        sessionId: null,
        datasetRunId: null,
        environment: "default",
        configId: null,
        authorUserId: null,
      });
      expect(Math.abs(Date.parse(score.timestamp) - Date.now())).toBeLessThan(60_000);
      const legacy = (await call("GET", `/scores/${id}`)).json();
      expect(legacy).toMatchObject({ id, traceId: "t-1", value: 0.8, stringValue: null, dataType: "NUMERIC" });
      expect(legacy).not.toHaveProperty("sessionId");
    });

    it("records the key and SDK from the same headers as ingestion, underscored ones too", async () => {
      const response = await t.app.inject({
        method: "POST",
        url: "/api/public/scores",
        headers: { authorization: project.basic, x_langfuse_sdk_name: "javascript", x_langfuse_sdk_version: "5.10.1" },
        payload: { traceId: "t-1", name: "attributed", value: 1 },
      });
      expect(response.statusCode).toBe(200);
      const result = await t.stores.clickhouse.client.query({
        query:
          "SELECT ingestion_public_key AS key, ingestion_sdk_name AS name, ingestion_sdk_version AS version FROM scores FINAL WHERE project_id = {projectId:String} AND id = {id:String}",
        query_params: { projectId: project.id, id: response.json().id },
        format: "JSONEachRow",
      });
      expect(await result.json()).toEqual([{ key: project.publicKey, name: "javascript", version: "5.10.1" }]);
    });

    it("upserts by id: a second post updates the same score", async () => {
      const id = `upsert-${randomUUID()}`;
      await postScore({ id, traceId: "t-2", name: "n", value: 1, comment: "first" });
      const second = await postScore({ id, traceId: "t-2", name: "n", value: 2 });
      expect(second.json()).toEqual({ id });
      expect(await v2Get(id)).toMatchObject({ value: 2, comment: "first" });
      expect((await call("GET", `/v3/scores?id=${id}`)).json().data).toHaveLength(1);
    });

    it("takes the public key alone (Bearer), which reads nothing", async () => {
      const response = await postScore({ sessionId: "s-1", name: "thumbs", value: 1, dataType: "BOOLEAN" }, `Bearer ${project.publicKey}`);
      expect(response.statusCode).toBe(200);
      expect(await v2Get(response.json().id)).toMatchObject({ sessionId: "s-1", stringValue: "True", value: 1 });
      const read = await call("GET", "/v2/scores", { authorization: `Bearer ${project.publicKey}` });
      expect(read.statusCode).toBe(403);
      expect((await call("DELETE", `/scores/${response.json().id}`, { authorization: `Bearer ${project.publicKey}` })).statusCode).toBe(403);
    });

    it.each([
      [{ name: "n", value: 1 }, "traceId"],
      [{ traceId: "t", sessionId: "s", name: "n", value: 1 }, "traceId"],
      [{ sessionId: "s", observationId: "o", name: "n", value: 1 }, "observationId"],
      [{ traceId: "t", name: "", value: 1 }, "name"],
      [{ traceId: "t", name: "n", value: "x", dataType: "NUMERIC" }, "value"],
      [{ traceId: "t", name: "n", value: 2, dataType: "BOOLEAN" }, "value"],
      [{ traceId: "t", name: "n", value: 2, dataType: "CATEGORICAL" }, "value"],
      [{ traceId: "t", name: "n", value: "x".repeat(501), dataType: "TEXT" }, "value"],
      [{ traceId: "t", name: "n", value: "x", dataType: "CORRECTION", configId: "c" }, "configId"],
      [{ traceId: "t", name: "n", value: 1, source: "ANNOTATION" }, "configId"],
      [{ traceId: "t", name: "n", value: 1, source: "EVAL" }, "source"],
      [{ traceId: "t", name: "n", value: 1, metadata: null }, "metadata"],
    ])("refuses %j naming %s", async (body, parameter) => {
      const response = await postScore(body);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toBe("Invalid request data");
      expect(JSON.stringify(response.json().error)).toContain(parameter);
    });

    it("treats empty link ids as absent and refuses an id the event log cannot hold", async () => {
      const response = await postScore({ traceId: "", sessionId: "s-1", name: "n", value: 1 });
      expect(response.statusCode).toBe(200);
      expect(await v2Get(response.json().id)).toMatchObject({ traceId: null, sessionId: "s-1" });
      const long = await postScore({ id: "x".repeat(801), traceId: "t-1", name: "n", value: 1 });
      expect(long.statusCode).toBe(400);
      expect(long.json()).toEqual({ message: expect.stringContaining("id") });
    });
  });

  describe("scores against their config", () => {
    it("takes the config's name and type, and a category's number", async () => {
      const accuracy = await createConfig({ name: "accuracy", dataType: "NUMERIC", minValue: 0, maxValue: 1 });
      const tone = await createConfig({
        name: "tone-config",
        dataType: "CATEGORICAL",
        categories: [
          { label: "warm", value: 2 },
          { label: "cold", value: -1 },
        ],
      });
      const correct = await createConfig({ name: "correct", dataType: "BOOLEAN" });

      const numeric = await postScore({ traceId: "t-1", name: "whatever", value: 1, configId: accuracy.id });
      expect(numeric.statusCode).toBe(200);
      expect(await v2Get(numeric.json().id)).toMatchObject({ name: "accuracy", value: 1, dataType: "NUMERIC", configId: accuracy.id });

      const categorical = await postScore({ traceId: "t-1", name: "x", value: "cold", configId: tone.id });
      expect(await v2Get(categorical.json().id)).toMatchObject({ name: "tone-config", dataType: "CATEGORICAL", value: -1, stringValue: "cold" });

      // No dataType: the config's BOOLEAN wins over the NUMERIC a number would suggest.
      const boolean = await postScore({ traceId: "t-1", name: "x", value: 0, configId: correct.id });
      expect(await v2Get(boolean.json().id)).toMatchObject({ dataType: "BOOLEAN", value: 0, stringValue: "False" });

      const annotation = await postScore({ traceId: "t-1", name: "x", value: 0.5, configId: accuracy.id, source: "ANNOTATION" });
      expect(await v2Get(annotation.json().id)).toMatchObject({ source: "ANNOTATION" });
    });

    it("refuses with 400 and the reason before acknowledging", async () => {
      const accuracy = await createConfig({ name: "bounded", dataType: "NUMERIC", minValue: 0, maxValue: 1 });
      const tone = await createConfig({ name: "tone-2", dataType: "CATEGORICAL", categories: [{ label: "warm", value: 1 }] });
      const archived = await createConfig({ name: "old", dataType: "NUMERIC" });
      await call("PATCH" as "POST", `/score-configs/${archived.id}`, { body: { isArchived: true } });
      const foreign = (await call("POST", "/score-configs", { body: { name: "theirs", dataType: "NUMERIC" }, authorization: other.basic })).json();

      const cases: Array<[object, string]> = [
        [{ value: 1.5, configId: accuracy.id }, "above the maximum"],
        [{ value: -1, configId: accuracy.id }, "below the minimum"],
        [{ value: "1", dataType: "CATEGORICAL", configId: accuracy.id }, "does not match"],
        [{ value: "hot", configId: tone.id }, "not a category"],
        [{ value: 1, configId: archived.id }, "archived"],
        [{ value: 1, configId: "no-such-config" }, "not found"],
        [{ value: 1, configId: foreign.id }, "not found"],
      ];
      for (const [body, reason] of cases) {
        const id = randomUUID();
        const response = await postScore({ id, traceId: "t-1", name: "n", ...body });
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        expect(response.json().message).toContain(reason);
        expect((await call("GET", `/v2/scores/${id}`)).statusCode).toBe(404);
      }
    });

    it("applies the same check to score events on the ingestion endpoint", async () => {
      const tone = await createConfig({ name: "ingested-tone", dataType: "CATEGORICAL", categories: [{ label: "warm", value: 7 }] });
      const good = scoreEvent(at(40), { id: "ingest-good", traceId: "t-1", name: "n", value: "warm", configId: tone.id });
      const bad = scoreEvent(at(40), { id: "ingest-bad", traceId: "t-1", name: "n", value: "hot", configId: tone.id });
      const response = await ingest([good, bad]);
      expect(response.successes).toEqual([{ id: good.id, status: 201 }]);
      expect(response.errors).toEqual([{ id: bad.id, status: 400, message: expect.stringContaining("not a category"), error: "InvalidRequestError" }]);
      expect(await v2Get("ingest-good")).toMatchObject({ name: "ingested-tone", value: 7, stringValue: "warm" });
      expect((await call("GET", "/v2/scores/ingest-bad")).statusCode).toBe(404);
    });
  });

  describe("GET /v3/scores", () => {
    const v3 = async (query: string, authorization = project.basic) => {
      const response = await call("GET", `/v3/scores${query}`, { authorization });
      expect(response.statusCode, response.body).toBe(200);
      expectReferenceResponse(V3_LIST, 200, response.json());
      return response.json();
    };

    it("walks every score once by cursor, newest first, the id breaking ties", async () => {
      const walked: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const body = await v3(`?name=walk&limit=7${cursor ? `&cursor=${cursor}` : ""}`);
        expect(body.meta.limit).toBe(7);
        walked.push(...ids(body));
        cursor = body.meta.cursor;
        pages += 1;
        if (cursor) expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      } while (cursor);
      expect(pages).toBe(4);
      expect(walked).toEqual(WALK_ORDER);
      expect(await v3("?name=walk&limit=25")).toMatchObject({ meta: { limit: 25 } });
      expect((await v3("?name=walk&limit=25")).meta).not.toHaveProperty("cursor");
    });

    it("returns the core keys, each group's keys on request, and typed values", async () => {
      const core = (await v3("?id=bool")).data[0];
      expect(core).toEqual({
        id: "bool",
        projectId: project.id,
        name: "ok",
        dataType: "BOOLEAN",
        value: true,
        source: "EVAL",
        timestamp: at(30),
        environment: "default",
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const full = (await v3("?id=bool&fields=details,subject,annotation")).data[0];
      expect(full).toMatchObject({ comment: "fine", configId: null, metadata: {}, authorUserId: null, queueId: null, subject: { kind: "observation", id: "o-1", traceId: "t-1" } });

      const subjects = (await v3("?id=cat,text,corr,walk-00&fields=subject")).data;
      expect(Object.fromEntries(subjects.map((s: { id: string; subject: unknown; value: unknown }) => [s.id, [s.subject, s.value]]))).toEqual({
        cat: [{ kind: "session", id: "s-1" }, "warm"],
        text: [{ kind: "experiment", id: "run-1" }, "looks right"],
        corr: [{ kind: "trace", id: "t-2" }, "the fixed output"],
        "walk-00": [{ kind: "trace", id: "t-1" }, 0],
      });
    });

    it("filters by each parameter", async () => {
      const found = async (query: string) => ids(await v3(`${query}&limit=100`)).sort();
      expect(await found("?dataType=boolean,text&name=ok,note,walk")).toEqual(["bool", "text"]);
      expect(await found("?source=eval")).toEqual(["bool"]);
      expect(await found("?environment=staging")).toEqual(["cat"]);
      expect(await found("?name=walk&dataType=NUMERIC&value=3,4")).toEqual(["walk-03", "walk-04"]);
      expect(await found("?name=walk&dataType=NUMERIC&valueMin=22&valueMax=23")).toEqual(["walk-22", "walk-23"]);
      expect(await found("?id=bool,walk-00&dataType=BOOLEAN&value=true")).toEqual(["bool"]);
      expect(await found("?name=tone&dataType=CATEGORICAL&value=warm")).toEqual(["cat"]);
      expect(await found("?traceId=t-1&observationId=o-1&name=ok")).toEqual(["bool"]);
      expect(await found("?sessionId=s-1&name=tone")).toEqual(["cat"]);
      expect(await found("?experimentId=run-1")).toEqual(["text"]);
      expect(await found(`?name=walk&fromTimestamp=${at(7)}&toTimestamp=${encodeURIComponent("2025-04-01T10:08:00+00:00")}`)).toEqual(["walk-21", "walk-22", "walk-23"]);
      expect(await found("?name=walk&fromTimestamp=&value=")).toHaveLength(25);
    });

    it.each([
      ["?page=1", "page"],
      ["?limit=0", "limit"],
      ["?limit=101", "limit"],
      ["?limit=abc", "limit"],
      ["?fields=score", "field group"],
      ["?source=robot", "source"],
      ["?dataType=number", "dataType"],
      ["?value=1", "value"],
      ["?value=a&dataType=TEXT", "value"],
      ["?value=a&dataType=NUMERIC", "value"],
      ["?value=yes&dataType=BOOLEAN", "value"],
      ["?value=1&dataType=NUMERIC,BOOLEAN", "value"],
      ["?valueMin=1", "valueMin"],
      ["?valueMax=Infinity&dataType=NUMERIC", "valueMax"],
      ["?observationId=o-1", "observationId"],
      ["?traceId=t-1&sessionId=s-1", "sessionId"],
      ["?userId=u-1", "userId"],
      ["?traceTags=a", "traceTags"],
      ["?fromTimestamp=not-a-date", "fromTimestamp"],
      ["?name=a&name=b", "name"],
    ])("refuses %s naming %s", async (query, parameter) => {
      const response = await call("GET", `/v3/scores${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toBe("Invalid request data");
      expect(JSON.stringify(response.json().error)).toContain(parameter);
    });

    it.each([["!!!"], [Buffer.from("not json").toString("base64url")], [Buffer.from(JSON.stringify({ v: 2, lastTimestamp: at(1), lastId: "x" })).toString("base64url")]])(
      "refuses the cursor %s",
      async (cursor) => {
        const response = await call("GET", `/v3/scores?cursor=${encodeURIComponent(cursor)}`);
        expect(response.statusCode).toBe(400);
        expect(response.json()).toEqual({ message: "Invalid cursor format", error: "InvalidRequestError" });
      },
    );
  });

  describe("GET /v2/scores and /v2/scores/{scoreId}", () => {
    const v2 = async (query: string, authorization = project.basic) => {
      const response = await call("GET", `/v2/scores${query}`, { authorization });
      expect(response.statusCode, response.body).toBe(200);
      expectReferenceResponse(V2_LIST, 200, response.json());
      return response.json();
    };

    it("filtered by ids or links, finds what the whole list holds with those ids or links, trace or no trace", async () => {
      type Item = { id: string; traceId: string | null; observationId: string | null; sessionId: string | null; datasetRunId: string | null };
      // These filters narrow the trace lookup to the traces of the scores they leave; the
      // unfiltered list checks every trace, so both ways must agree.
      const cases: Array<[string, (score: Item) => boolean]> = [
        ["traceId=t-1", (score) => score.traceId === "t-1"],
        ["traceId=t-missing", () => false],
        ["traceId=t-2&name=walk", (score) => score.traceId === "t-2" && score.id.startsWith("walk")],
        ["observationId=o-1", (score) => score.observationId === "o-1"],
        ["scoreIds=walk-01,orphan,cat,text,corr", (score) => ["walk-01", "cat", "text", "corr"].includes(score.id)],
        ["sessionId=s-1", (score) => score.sessionId === "s-1"],
        ["datasetRunId=run-1", (score) => score.datasetRunId === "run-1"],
        ["scoreIds=walk-00,walk-01&userId=u-1", (score) => score.id === "walk-00"],
      ];
      const everything = (await v2("?limit=100")).data as Item[];
      expect(everything.map((score) => score.id)).not.toContain("orphan");
      for (const [query, keep] of cases) {
        const extra = query.includes("name=walk") ? everything.filter((score) => score.id.startsWith("walk")) : everything;
        const expected = (query.includes("userId=u-1") ? extra.filter((score) => score.traceId === "t-1") : extra).filter(keep).map((score) => score.id);
        const body = await v2(`?limit=100&${query}`);
        expect(ids(body), query).toEqual(expected);
        expect(body.meta.totalItems, query).toBe(expected.length);
      }
    });

    it("walks every page once, newest first, with page totals", async () => {
      const walked: string[] = [];
      for (let page = 1; page <= 4; page += 1) {
        const body = await v2(`?name=walk&limit=7&page=${page}`);
        expect(body.meta).toEqual({ page, limit: 7, totalItems: 25, totalPages: 4 });
        walked.push(...ids(body));
      }
      expect(walked).toEqual(WALK_ORDER);
      expect(await v2("?name=walk&limit=7&page=5")).toMatchObject({ data: [], meta: { totalItems: 25, totalPages: 4 } });
    });

    it("shows every link and type with its trace, and leaves out scores whose trace is missing unless the trace group is", async () => {
      const body = await v2("?limit=100&scoreIds=bool,cat,text,corr,orphan");
      const byId = Object.fromEntries(body.data.map((score: { id: string }) => [score.id, score]));
      expect(Object.keys(byId).sort()).toEqual(["bool", "cat", "corr", "text"]);
      expect(byId.bool).toMatchObject({ value: 1, stringValue: "True", trace: { userId: "u-1", tags: ["a", "b"], environment: "production", sessionId: "s-1" } });
      expect(byId.cat).toMatchObject({ value: 0, stringValue: "warm", environment: "staging", trace: null });
      expect(byId.text).toMatchObject({ stringValue: "looks right", datasetRunId: "run-1", trace: null });
      expect(byId.text).not.toHaveProperty("value");
      expect(byId.corr).toMatchObject({ name: "output", value: 0, stringValue: "the fixed output", trace: { userId: "u-2" } });

      const scoresOnly = await v2("?limit=100&scoreIds=bool,orphan&fields=score");
      expect(ids(scoresOnly).sort()).toEqual(["bool", "orphan"]);
      expect(scoresOnly.data.every((score: { trace: unknown }) => score.trace === null)).toBe(true);
    });

    it("filters by each parameter", async () => {
      const found = async (query: string) => ids(await v2(`${query}&limit=100`)).sort();
      expect(await found("?name=walk&userId=u-2&traceTags=a")).toEqual(
        WALK.filter((_, i) => i % 2 === 1)
          .map((s) => s.id)
          .sort(),
      );
      expect(await found("?name=walk&traceTags=a,b")).toEqual(
        WALK.filter((_, i) => i % 2 === 0)
          .map((s) => s.id)
          .sort(),
      );
      expect(await found("?name=walk&traceTags=b&environment=default")).toEqual([]);
      expect(await found("?name=walk&value=22&operator=>=")).toEqual(["walk-22", "walk-23", "walk-24"]);
      expect(await found("?name=walk&value=22")).toHaveLength(25);
      expect(await found("?traceId=t-1&observationId=o-1&name=ok")).toEqual(["bool"]);
      expect(await found("?sessionId=s-1&name=tone")).toEqual(["cat"]);
      expect(await found("?datasetRunId=run-1")).toEqual(["text"]);
      expect(await found("?dataType=CORRECTION")).toEqual(["corr"]);
      expect(await found("?source=EVAL")).toEqual(["bool"]);
      expect(await found("?environment=staging,production")).toEqual(["cat"]);
      expect(await found(`?name=walk&fromTimestamp=${at(8)}&toTimestamp=${at(9)}`)).toEqual(["walk-24"]);
    });

    it("takes advanced filters on score columns, which replace simple parameters on the same column", async () => {
      const filter = (conditions: unknown[]) => `filter=${encodeURIComponent(JSON.stringify(conditions))}`;
      const found = async (query: string) => ids(await v2(`?limit=100&${query}`)).sort();
      expect(await found(`name=walk&${filter([{ type: "stringObject", column: "metadata", key: "reviewer", operator: "=", value: "bot" }])}`)).toEqual([
        "walk-00",
        "walk-05",
        "walk-10",
        "walk-15",
        "walk-20",
      ]);
      expect(await found(`name=walk&${filter([{ type: "number", column: "value", operator: "<", value: 2 }])}`)).toEqual(["walk-00", "walk-01"]);
      expect(await found(`name=nothing&${filter([{ type: "stringOptions", column: "name", operator: "any of", value: ["ok", "note"] }])}`)).toEqual(["bool", "text"]);
      expect(
        await found(
          `${filter([
            { type: "null", column: "sessionId", operator: "is not null", value: "" },
            { type: "string", column: "name", operator: "starts with", value: "to" },
          ])}`,
        ),
      ).toEqual(["cat"]);
      expect(await found(`name=walk&${filter([{ type: "datetime", column: "timestamp", operator: ">=", value: at(8) }])}`)).toEqual(["walk-24"]);
      expect(await found(`scoreIds=bool,cat&${filter([{ type: "stringOptions", column: "sessionId", operator: "none of", value: ["s-1"] }])}`)).toEqual(["bool"]);
      expect(await found(`scoreIds=bool,cat&${filter([{ type: "null", column: "observationId", operator: "is null", value: "" }])}`)).toEqual(["cat"]);
    });

    it.each([
      ["?fields=trace", "fields", "Scores needs to be selected always."],
      ["?fields=foo", "fields", "Scores needs to be selected always."],
      ["?fields=score&userId=u-1", "userId", "Cannot filter by trace properties"],
      ["?fields=score&traceTags=a", "traceTags", "Cannot filter by trace properties"],
      ["?limit=101", "limit", ""],
      ["?page=0", "page", ""],
      ["?fromTimestamp=2025-04-01", "fromTimestamp", ""],
      ["?operator=~", "operator", ""],
      ["?dataType=FOO", "dataType", ""],
      ["?value=abc", "value", ""],
    ])("refuses %s naming %s", async (query, parameter, message) => {
      const response = await call("GET", `/v2/scores${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toBe("Invalid request data");
      expect(JSON.stringify(response.json().error)).toContain(parameter);
      expect(JSON.stringify(response.json().error)).toContain(message);
    });

    it.each([
      ["[not-json", "Invalid JSON in filter parameter"],
      [JSON.stringify([{ type: "string", column: "name" }]), "filter.0.operator"],
      [JSON.stringify([{ type: "string", column: "nope", operator: "=", value: "x" }]), "Column nope does not match a UI / CH table mapping."],
      [JSON.stringify([{ type: "number", column: "name", operator: "=", value: 1 }]), "Invalid filter type 'number' for column 'name'. Expected filter type 'stringOptions'."],
      [JSON.stringify([{ type: "string", column: "name", operator: "matches", value: "x" }]), "`matches` is only supported for input, output, and metadata filters."],
      [JSON.stringify([{ type: "datetime", column: "timestamp", operator: ">", value: "soon" }]), "Invalid date soon"],
    ])("refuses the filter %s", async (filter, message) => {
      const response = await call("GET", `/v2/scores?filter=${encodeURIComponent(filter)}`);
      expect(response.statusCode).toBe(400);
      expect(response.json()).toEqual({ message: expect.stringContaining(message), error: "InvalidRequestError" });
    });

    it("gets a score of any link and type, and answers the reference's 404", async () => {
      for (const id of ["corr", "cat", "text", "orphan"]) {
        const score = await v2Get(id);
        expectReferenceResponse(V2_GET, 200, score);
        expect(score.id).toBe(id);
        expect(score).not.toHaveProperty("trace");
      }
      const missing = await call("GET", "/v2/scores/nope");
      expect(missing.statusCode).toBe(404);
      expectReferenceResponse(V2_GET, 404, missing.json());
      expect(missing.json()).toEqual({ message: "Score not found", error: "LangfuseNotFoundError" });
    });
  });

  describe("legacy v1 GET /scores and /scores/{scoreId}", () => {
    it("shows trace scores of the v1 types only, each list item with its trace", async () => {
      const body = (await call("GET", "/scores?limit=100&scoreIds=bool,cat,text,corr,orphan,walk-01")).json();
      expect(ids(body).sort()).toEqual(["bool", "walk-01"]);
      expect(body.meta).toEqual({ page: 1, limit: 100, totalItems: 2, totalPages: 1 });
      expect(body.data.find((score: { id: string }) => score.id === "walk-01")).toMatchObject({
        traceId: "t-2",
        value: 1,
        trace: { userId: "u-2", tags: ["a"], environment: "default" },
      });
      expect((await call("GET", "/scores/bool")).json()).toMatchObject({ id: "bool", dataType: "BOOLEAN", stringValue: "True", observationId: "o-1" });
      for (const id of ["cat", "corr", "nope"]) {
        const response = await call("GET", `/scores/${id}`);
        expect(response.statusCode).toBe(404);
        expect(response.json()).toEqual({ message: "Score not found", error: "LangfuseNotFoundError" });
      }
    });

    it("walks every page once", async () => {
      const walked: string[] = [];
      for (let page = 1; page <= 3; page += 1) walked.push(...ids((await call("GET", `/scores?name=walk&limit=10&page=${page}`)).json()));
      expect(walked).toEqual(WALK_ORDER);
    });
  });

  describe("DELETE /scores/{scoreId}", () => {
    it("removes the score from every read at once, and a later event starts it afresh", async () => {
      const id = `doomed-${randomUUID()}`;
      await ingest([scoreEvent(at(50), { id, traceId: "t-1", name: "doomed", value: 1, comment: "old comment" })]);
      const response = await call("DELETE", `/scores/${id}`);
      expect(response.statusCode).toBe(202);
      expect(response.json()).toEqual({ message: "Score deletion queued successfully" });
      expect((await call("GET", `/v2/scores/${id}`)).statusCode).toBe(404);
      expect((await call("GET", `/scores/${id}`)).statusCode).toBe(404);
      expect((await call("GET", `/v3/scores?id=${id}`)).json().data).toEqual([]);
      expect((await call("GET", `/v2/scores?scoreIds=${id}`)).json().meta.totalItems).toBe(0);

      await ingest([scoreEvent(at(51), { id, traceId: "t-1", name: "doomed", value: 2 })]);
      expect(await v2Get(id)).toMatchObject({ value: 2, comment: null, timestamp: at(51) });
    });
  });

  describe("isolation", () => {
    it("never shows or deletes one project's scores with another project's key", async () => {
      const v3 = (await call("GET", "/v3/scores?limit=100", { authorization: other.basic })).json();
      expect(v3.data).toEqual([]);
      expect((await call("GET", "/v2/scores?limit=100", { authorization: other.basic })).json().meta.totalItems).toBe(0);
      expect((await call("GET", "/scores?limit=100", { authorization: other.basic })).json().data).toEqual([]);
      expect((await call("GET", "/v2/scores/bool", { authorization: other.basic })).statusCode).toBe(404);
      expect((await call("GET", "/scores/bool", { authorization: other.basic })).statusCode).toBe(404);

      expect((await call("DELETE", "/scores/bool", { authorization: other.basic })).statusCode).toBe(202);
      expect((await v2Get("bool")).id).toBe("bool");

      // The same score id in another project is another score.
      await ingest([scoreEvent(at(5), { id: "bool", traceId: "t-1", name: "theirs", value: 5 })], other.basic);
      expect((await call("GET", "/v2/scores/bool", { authorization: other.basic })).json()).toMatchObject({ name: "theirs", projectId: other.id });
      expect(await v2Get("bool")).toMatchObject({ name: "ok", projectId: project.id });
    });
  });
});
