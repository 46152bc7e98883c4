import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { type ExperimentSpan, exportExperimentSpans, itemSpans } from "./support/experiment-spans.ts";
import { createTestApp, type TestApp, type TestProject } from "./support/harness.ts";

const T0 = Date.UTC(2025, 6, 1, 8, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();
const s = (seconds: number) => T0 + seconds * 1000;

const expA = {
  id: "exp-a",
  name: "Prompt A",
  description: "first try",
  datasetId: "ds-1",
  expectedOutput: '{"answer":"Paris"}',
  itemVersion: "2025-06-01T12:00:00Z",
  metadata: { model: "gpt-4o" },
  itemMetadata: { difficulty: "easy" },
};
const expB = { id: "exp-b", name: "Prompt B" };

type Item = { id: string; traceId: string; experimentId: string; experimentItemId: string };

describe("GET /api/public/experiment-items", () => {
  let t: TestApp;
  let project: TestProject;
  const spans: Record<string, ExperimentSpan[]> = {
    a1: itemSpans(expA, "a1", s(0), 2),
    a2: itemSpans(expA, "a2", s(20), 2),
    b1: itemSpans(expB, "b1", s(10)),
    b2: itemSpans(expB, "b2", s(30)),
  };
  const root = (item: string) => spans[item]![0]!;

  const exportSpans = (list: ExperimentSpan[], who = project) => exportExperimentSpans(t, list, who);
  const get = (query: string, who = project) => t.app.inject({ method: "GET", url: `/api/public/experiment-items?${query}`, headers: { authorization: who.basic } });
  const list = async (query: string, who = project) => {
    const response = await get(query, who);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expectReferenceResponse({ method: "GET", path: "/api/public/experiment-items" }, 200, body);
    return body as { data: Array<Item & Record<string, unknown>>; meta: { cursor?: string } };
  };
  const from = `fromStartTime=${iso(s(-60))}`;
  const itemIds = (body: { data: Item[] }) => body.data.map((item) => item.experimentItemId);

  beforeAll(async () => {
    t = await createTestApp("embedded");
    project = t.project;
    await exportSpans(Object.values(spans).flat());
    const score = (id: string, second: number, target: Record<string, string>) => ({
      id: randomUUID(),
      type: "score-create",
      timestamp: iso(s(second)),
      body: { id, name: "correct", value: 1, ...target },
    });
    const a1 = root("a1");
    const response = await t.app.inject({
      method: "POST",
      url: "/api/public/ingestion",
      headers: { authorization: project.basic },
      payload: {
        batch: [
          score("on-root", 5, { traceId: a1.traceId, observationId: a1.spanId }),
          score("on-trace", 6, { traceId: a1.traceId }),
          // On a child span of the item: neither the root span's nor the trace's own.
          score("on-child", 7, { traceId: a1.traceId, observationId: spans.a1![1]!.spanId }),
          score("on-run", 8, { datasetRunId: "exp-a" }),
        ],
      },
    });
    expect(response.json().errors).toEqual([]);
  });
  afterAll(async () => t?.close());

  it("lists one row per item root span, newest first, with core and dataset fields by default", async () => {
    const body = await list(from);
    expect(body.meta).toEqual({});
    expect(itemIds(body)).toEqual(["b2", "a2", "b1", "a1"]);
    const a2 = root("a2");
    expect(body.data[1]).toEqual({
      id: a2.spanId,
      traceId: a2.traceId,
      startTime: iso(s(20)),
      endTime: iso(s(21)),
      level: "DEFAULT",
      environment: "default",
      experimentId: "exp-a",
      experimentName: "Prompt A",
      experimentItemId: "a2",
      experimentDatasetId: "ds-1",
      experimentItemVersion: "2025-06-01T12:00:00.000Z",
    });
    expect(body.data[0]).toMatchObject({ experimentDatasetId: null, experimentItemVersion: null });
  });

  it("adds the groups asked for, and only those", async () => {
    const body = await list(`${from}&experimentItemId=a1&fields=io,metadata,itemMetadata,experimentMetadata`);
    expect(body.data).toHaveLength(1);
    const [item] = body.data;
    expect(item).not.toHaveProperty("experimentDatasetId");
    expect(item).toMatchObject({
      input: '{"q":"a1"}',
      output: '"answer"',
      expectedOutput: '{"answer":"Paris"}',
      experimentItemMetadata: { difficulty: "easy" },
      experimentMetadata: { model: "gpt-4o" },
      experimentDescription: "first try",
    });
    expect(item!.metadata).toBeTypeOf("object");
  });

  it("shows the root span's and the trace's own scores, at most scoreLimit per trace", async () => {
    const body = await list(`${from}&experimentItemId=a1,b1&fields=scores`);
    const [b1, a1] = body.data;
    expect((a1!.scores as Array<{ id: string }>).map((score) => score.id)).toEqual(["on-trace", "on-root"]);
    expect(b1!.scores).toEqual([]);
    const limited = await list(`${from}&experimentItemId=a1&fields=scores&scoreLimit=1`);
    expect((limited.data[0]!.scores as Array<{ id: string }>).map((score) => score.id)).toEqual(["on-trace"]);
  });

  it("filters by experiment, name, item and dataset lists and by filter JSON", async () => {
    expect(itemIds(await list(`${from}&experimentId=exp-b`))).toEqual(["b2", "b1"]);
    expect(itemIds(await list(`${from}&experimentName=Prompt%20A`))).toEqual(["a2", "a1"]);
    expect(itemIds(await list(`${from}&datasetId=ds-1&experimentItemId=a2,b2`))).toEqual(["a2"]);
    const filter = encodeURIComponent(JSON.stringify([{ type: "stringOptions", column: "experimentItemId", operator: "any of", value: ["a1", "b1"] }]));
    expect(itemIds(await list(`${from}&filter=${filter}`))).toEqual(["b1", "a1"]);
    const bad = encodeURIComponent(JSON.stringify([{ type: "string", column: "id", operator: "=", value: "x" }]));
    expect((await get(`${from}&filter=${bad}`)).statusCode).toBe(400);
  });

  it("windows by start time", async () => {
    expect(itemIds(await list(`fromStartTime=${iso(s(10))}&toStartTime=${iso(s(30))}`))).toEqual(["a2", "b1"]);
  });

  it("pages by cursor without skipping or repeating, while items arrive", async () => {
    const p = await t.createProject();
    const expC = { id: "exp-c", name: "C" };
    const items = Array.from({ length: 7 }, (_, index) => itemSpans(expC, `c${index}`, s(index * 5)));
    await exportSpans(items.flat(), p);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const body = await list(`${from}&limit=3${cursor ? `&cursor=${cursor}` : ""}`, p);
      seen.push(...itemIds(body));
      cursor = body.meta.cursor;
      if (pages === 0) {
        // A newer item and an older one arrive between pages: the older one is still ahead.
        await exportSpans([...itemSpans(expC, "newer", s(100)), ...itemSpans(expC, "older", s(-30))], p);
      }
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(["c6", "c5", "c4", "c3", "c2", "c1", "c0", "older"]);
  });

  it("shows each span's current version once, however the pages fall across its stored versions", async () => {
    const p = await t.createProject();
    const items = Array.from({ length: 4 }, (_, index) => itemSpans({ id: "exp-v", name: "V" }, `v${index}`, s(index * 5)));
    await exportSpans(items.flat(), p);
    // Each root span is sent again with another output: a second stored version of the same row,
    // whose output is whichever the fold settles on (the observation's own read says which).
    await exportSpans(
      items.map((item) => ({ ...item[0]!, output: '"revised"' })),
      p,
    );
    const stored = await t.stores.clickhouse.client.query({
      query: "SELECT count() AS rows, uniqExact(id) AS spans FROM observations WHERE project_id = {projectId:String} AND id = experiment_item_root_span_id",
      query_params: { projectId: p.id },
      format: "JSONEachRow",
    });
    const [counts] = await stored.json<{ rows: string; spans: string }>();
    expect(Number(counts!.rows)).toBeGreaterThan(Number(counts!.spans));
    for (const limit of [1, 2, 3, 10]) {
      const seen: Array<Record<string, unknown>> = [];
      let cursor: string | undefined;
      do {
        const body = await list(`${from}&fields=io&limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`, p);
        seen.push(...body.data);
        cursor = body.meta.cursor;
      } while (cursor);
      expect(seen.map((item) => item.experimentItemId)).toEqual(["v3", "v2", "v1", "v0"]);
      for (const item of seen) {
        const current = await t.app.inject({ method: "GET", url: `/api/public/observations/${item.id}`, headers: { authorization: p.basic } });
        expect(JSON.parse(item.output as string)).toEqual(current.json().output);
      }
    }
  });

  it("keeps projects apart", async () => {
    const p = await t.createProject();
    expect((await list(from, p)).data).toEqual([]);
  });

  it.each([
    ["", "fromStartTime missing"],
    [`${from}&fields=core,scores,nope`, "unknown field group"],
    [`${from}&limit=101`, "limit"],
    [`${from}&scoreLimit=0`, "scoreLimit"],
    [`${from}&cursor=${Buffer.from('{"v":2}').toString("base64url")}`, "cursor"],
    [`${from}&filter=not-json`, "filter"],
  ])("answers 400 for %s (%s)", async (query) => {
    expect((await get(query)).statusCode).toBe(400);
  });
});
