import { randomUUID } from "node:crypto";
import { LangfuseClient } from "@langfuse/client";
import { ObservationFieldGroups } from "@wick/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { createTestApp, listen, type TestApp, type TestProject } from "./support/harness.ts";

const at = (second: number) => new Date(Date.UTC(2025, 3, 1, 8, 0, 0) + second * 1000).toISOString();

describe("GET /api/public/v2/observations", () => {
  let t: TestApp;
  let project: TestProject;
  beforeAll(async () => {
    t = await createTestApp("embedded");
    project = await t.createProject();
    await ingest([
      { id: randomUUID(), type: "trace-create", timestamp: at(0), body: { id: "trace-a", name: "checkout", userId: "alice", sessionId: "s-a", tags: ["web"], release: "r1" } },
      {
        id: randomUUID(),
        type: "span-create",
        timestamp: at(0),
        body: { id: "root", traceId: "trace-a", name: "handle", startTime: at(0), endTime: at(4), metadata: { scope: { name: "router", depth: 2 }, long: "x".repeat(300) } },
      },
      {
        id: randomUUID(),
        type: "generation-create",
        timestamp: at(1),
        body: {
          id: "gen",
          traceId: "trace-a",
          parentObservationId: "root",
          name: "llm",
          model: "gpt-4o",
          startTime: at(1),
          completionStartTime: at(1.5),
          endTime: at(3),
          input: { q: "refund?" },
          output: "Needle in the haystack",
          usageDetails: { input: 1000, output: 100 },
          promptName: "p",
          promptVersion: 1,
        },
      },
      { id: randomUUID(), type: "event-create", timestamp: at(2), body: { id: "evt", traceId: "trace-b", name: "ping", startTime: at(2), level: "ERROR" } },
    ]);
  });
  afterAll(async () => t?.close());

  async function ingest(batch: unknown[]) {
    const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: project.basic }, payload: { batch } });
    expect(response.json().errors).toEqual([]);
  }
  const get = (query: string, authorization = project.basic) => t.app.inject({ method: "GET", url: `/api/public/v2/observations${query}`, headers: { authorization } });

  it("returns core and basic by default, newest first, in the reference's shape", async () => {
    const response = await get("");
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expectReferenceResponse({ method: "GET", path: "/api/public/v2/observations" }, 200, body);
    expect(body.meta).toEqual({});
    expect(body.data.map((o: { id: string }) => o.id)).toEqual(["evt", "gen", "root"]);
    expect(Object.keys(body.data[1]).sort()).toEqual(
      [
        "id",
        "traceId",
        "startTime",
        "endTime",
        "projectId",
        "parentObservationId",
        "type",
        "latency",
        "timeToFirstToken",
        "modelId",
        "inputPrice",
        "outputPrice",
        "totalPrice",
        "name",
        "level",
        "statusMessage",
        "version",
        "environment",
        "bookmarked",
        "public",
        "userId",
        "sessionId",
        "isRootObservation",
      ].sort(),
    );
    expect(body.data[1]).toMatchObject({
      id: "gen",
      parentObservationId: "root",
      userId: "alice",
      sessionId: "s-a",
      statusMessage: "",
      isRootObservation: false,
      latency: 2,
      timeToFirstToken: null,
      modelId: null,
    });
    expect(body.data[0]).toMatchObject({ id: "evt", userId: "", sessionId: "", level: "ERROR", endTime: null, latency: null });
  });

  it("adds each group's keys when asked", async () => {
    const body = (await get("?fields=io,metadata,model,usage,prompt,metrics,time,trace_context&traceId=trace-a")).json();
    const gen = body.data.find((o: { id: string }) => o.id === "gen");
    expect(gen).toMatchObject({
      input: '{"q":"refund?"}',
      output: "Needle in the haystack",
      model: "gpt-4o",
      usageDetails: { input: 1000, output: 100, total: 1100 },
      inputUsage: 1000,
      outputUsage: 100,
      totalUsage: 1100,
      costDetails: { input: 0.0025, output: 0.001, total: 0.0035 },
      totalCost: 0.0035,
      inputCost: 0.0025,
      inputPrice: "0.0000025",
      outputPrice: "0.00001",
      timeToFirstToken: 0.5,
      traceName: "checkout",
      tags: ["web"],
      release: "r1",
      promptName: "",
      promptId: "",
      promptVersion: null,
    });
    expect(gen.modelId).toBe(gen.internalModelId);
    expect(gen).not.toHaveProperty("name");
    const root = body.data.find((o: { id: string }) => o.id === "root");
    // With io requested, metadata comes untruncated; nested objects come as dot paths.
    expect(root.metadata).toEqual({ "scope.name": "router", "scope.depth": 2, long: "x".repeat(300) });
  });

  it("shows each group's keys alone as among all groups, with and without a filter beyond the sort key", async () => {
    // A page reads only the columns of the groups asked for: a column missing from a group's
    // list would show here as a default where all groups show the stored value. Compared: the
    // keys a group adds to core, and the core keys whose values only that group fills in.
    const coreKeysFilledBy: Partial<Record<string, string[]>> = {
      model: ["modelId", "inputPrice", "outputPrice", "totalPrice"],
      time: ["timeToFirstToken"],
      metrics: ["timeToFirstToken"],
    };
    const all = ObservationFieldGroups.join(",");
    // Metadata comes whole with io or expandMetadata, and cut without: ask for it whole alone too.
    for (const filter of ["&expandMetadata=long", "&expandMetadata=long&level=DEFAULT"]) {
      const rows = async (fields: string) => (await get(`?fields=${fields}&traceId=trace-a${filter}`)).json().data as Array<Record<string, unknown>>;
      const everything = await rows(all);
      const coreKeys = Object.keys((await rows("core"))[0]!);
      expect(everything.length).toBeGreaterThan(0);
      for (const group of ObservationFieldGroups) {
        const alone = await rows(group);
        expect(alone.map((o) => o.id)).toEqual(everything.map((o) => o.id));
        alone.forEach((observation, i) => {
          const keys = [...Object.keys(observation).filter((key) => !coreKeys.includes(key)), ...(coreKeysFilledBy[group] ?? [])];
          const pick = (row: Record<string, unknown>) => ({ group, id: row.id, ...Object.fromEntries(keys.map((key) => [key, row[key]])) });
          expect(pick(observation)).toEqual(pick(everything[i]!));
        });
      }
    }
  });

  it("cuts metadata values to 200 characters unless io or expandMetadata asks for them whole", async () => {
    const cut = (await get("?fields=metadata&traceId=trace-a")).json().data.find((o: { id: string }) => o.id === "root");
    expect(cut.metadata.long).toBe("x".repeat(200));
    const whole = (await get("?fields=metadata&traceId=trace-a&expandMetadata=long")).json().data.find((o: { id: string }) => o.id === "root");
    expect(whole.metadata.long).toBe("x".repeat(300));
  });

  it("filters with simple parameters and with the advanced filter, which wins per column", async () => {
    const ids = async (query: string) => (await get(query)).json().data.map((o: { id: string }) => o.id);
    expect(await ids("?type=GENERATION")).toEqual(["gen"]);
    expect(await ids("?parentObservationId=")).toEqual(["evt", "root"]);
    expect(await ids("?isRootObservation=false")).toEqual(["gen"]);
    expect(await ids("?userId=alice")).toEqual(["gen", "root"]);
    const filter = (conditions: unknown[]) => `filter=${encodeURIComponent(JSON.stringify(conditions))}`;
    expect(await ids(`?type=SPAN&${filter([{ type: "stringOptions", column: "type", operator: "any of", value: ["EVENT"] }])}`)).toEqual(["evt"]);
    expect(await ids(`?${filter([{ type: "stringObject", column: "metadata", key: "scope.name", operator: "=", value: "router" }])}`)).toEqual(["root"]);
    expect(await ids(`?${filter([{ type: "number", column: "latency", operator: ">=", value: 2.5 }])}`)).toEqual(["root"]);
    expect(await ids(`?${filter([{ type: "number", column: "totalCost", operator: ">", value: 0 }])}`)).toEqual(["gen"]);
    expect(await ids(`?${filter([{ type: "string", column: "output", operator: "matches", value: "needle" }])}`)).toEqual(["gen"]);
    expect(await ids(`?${filter([{ type: "string", column: "output", operator: "matches", value: "hay" }])}`)).toEqual([]);
    expect(await ids(`?${filter([{ type: "arrayOptions", column: "traceTags", operator: "all of", value: ["web"] }])}`)).toEqual(["gen", "root"]);
  });

  it("filters input and output tokens and costs as the sum of the matching keys, 0 for an observation without any", async () => {
    const ids = async (conditions: unknown[]) => (await get(`?filter=${encodeURIComponent(JSON.stringify(conditions))}`)).json().data.map((o: { id: string }) => o.id);
    expect(await ids([{ type: "number", column: "inputTokens", operator: "=", value: 0 }])).toEqual(["evt", "root"]);
    expect(await ids([{ type: "number", column: "outputTokens", operator: ">", value: 0 }])).toEqual(["gen"]);
    expect(await ids([{ type: "number", column: "inputCost", operator: "<=", value: 0 }])).toEqual(["evt", "root"]);
    expect(await ids([{ type: "null", column: "outputCost", operator: "is null", value: "" }])).toEqual([]);
    // The `total` entry alone is NULL when absent.
    expect(await ids([{ type: "null", column: "totalTokens", operator: "is null", value: "" }])).toEqual(["evt", "root"]);
  });

  it("filters on who sent an observation, and on the span columns' empty values for observations the ingestion API sent", async () => {
    const ids = async (conditions: unknown[]) => (await get(`?filter=${encodeURIComponent(JSON.stringify(conditions))}`)).json().data.map((o: { id: string }) => o.id);
    const all = ["evt", "gen", "root"];
    expect(await ids([{ type: "stringOptions", column: "ingestionApiKey", operator: "any of", value: [project.publicKey] }])).toEqual(all);
    expect(await ids([{ type: "stringOptions", column: "ingestionSdkName", operator: "any of", value: ["unknown"] }])).toEqual(all);
    expect(await ids([{ type: "string", column: "ingestionSdkVersion", operator: "=", value: "1.0.0" }])).toEqual([]);
    expect(
      await ids([
        { type: "number", column: "toolCalls", operator: "=", value: 0 },
        { type: "number", column: "toolDefinitions", operator: "=", value: 0 },
      ]),
    ).toEqual(all);
    expect(await ids([{ type: "arrayOptions", column: "toolNames", operator: "none of", value: ["search"] }])).toEqual(all);
    expect(await ids([{ type: "stringOptions", column: "calledToolNames", operator: "any of", value: ["search"] }])).toEqual([]);
    expect(await ids([{ type: "null", column: "experimentId", operator: "is null", value: "" }])).toEqual(all);
    expect(await ids([{ type: "stringOptions", column: "experimentId", operator: "any of", value: [""] }])).toEqual(all);
    expect(await ids([{ type: "boolean", column: "isExperimentItemRootSpan", operator: "=", value: true }])).toEqual([]);
    expect(
      await ids([
        { type: "stringOptions", column: "experimentName", operator: "none of", value: ["x"] },
        { type: "stringOptions", column: "experimentDatasetId", operator: "none of", value: ["x"] },
      ]),
    ).toEqual(all);
  });

  it("drops the internal `tools` group silently", async () => {
    const row = (await get("?fields=tools&traceId=trace-a")).json().data[0];
    expect(Object.keys(row).sort()).toEqual([
      "endTime",
      "id",
      "inputPrice",
      "latency",
      "modelId",
      "outputPrice",
      "parentObservationId",
      "projectId",
      "startTime",
      "timeToFirstToken",
      "totalPrice",
      "traceId",
      "type",
    ]);
  });

  it("follows the trace's current state in trace-level filters", async () => {
    await ingest([{ id: randomUUID(), type: "trace-create", timestamp: at(10), body: { id: "trace-a", userId: "bob" } }]);
    const ids = async (query: string) => (await get(query)).json().data.map((o: { id: string }) => o.id);
    expect(await ids("?userId=alice")).toEqual([]);
    expect(await ids("?userId=bob")).toEqual(["gen", "root"]);
  });

  it.each([
    ["?cursor=%%%", "Invalid cursor format"],
    ["?cursor=bm90IGpzb24", "Invalid cursor format"],
    [`?filter=${encodeURIComponent("[{")}`, "Invalid JSON in filter parameter"],
    [`?filter=${encodeURIComponent(JSON.stringify([{ type: "string", column: "nope", operator: "=", value: "x" }]))}`, "Column nope does not match a UI / CH table mapping."],
    [
      `?filter=${encodeURIComponent(JSON.stringify([{ type: "number", column: "name", operator: "=", value: 1 }]))}`,
      "Invalid filter type 'number' for column 'name'. Expected filter type 'stringOptions'.",
    ],
    [
      `?filter=${encodeURIComponent(JSON.stringify([{ type: "string", column: "output", operator: "contains", value: "x" }]))}`,
      "Input/output filters require at least one `matches` or `=` operator.",
    ],
    [
      `?filter=${encodeURIComponent(JSON.stringify([{ type: "string", column: "name", operator: "matches", value: "x" }]))}`,
      "`matches` is only supported for input, output, and metadata filters.",
    ],
  ])("answers 400 for %s", async (query, message) => {
    const response = await get(query);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ message, error: "InvalidRequestError" });
  });

  it.each([["?limit=1001"], ["?type=BANANA"], ["?parseIoAsJson=true"], ["?fromStartTime=yesterday"]])("answers 400 naming the parameter for %s", async (query) => {
    const response = await get(query);
    expect(response.statusCode).toBe(400);
    expect(JSON.stringify(response.json().error)).toContain(query.slice(1).split("=")[0]!);
  });

  it("answers @langfuse/client's api.observations.getMany as the SDK expects", async () => {
    const baseUrl = await listen(t.app);
    const langfuse = new LangfuseClient({ publicKey: project.publicKey, secretKey: project.secretKey, baseUrl });
    const page = await langfuse.api.observations.getMany({ traceId: "trace-a", fields: "core,basic,usage", limit: 100 });
    expect(page.data.map((o) => o.id).sort()).toEqual(["gen", "root"]);
    const gen = page.data.find((o) => o.id === "gen")!;
    expect(gen.usageDetails).toEqual({ input: 1000, output: 100, total: 1100 });
    expect(gen.type).toBe("GENERATION");
    expect(page.meta.cursor ?? undefined).toBeUndefined();
  });

  it("shows the trace's fields on observations that start days away from their trace, before or after it", async () => {
    const days = (n: number) => new Date(Date.UTC(2025, 3, 1, 8) + n * 86_400_000).toISOString();
    await ingest([
      { id: randomUUID(), type: "trace-create", timestamp: days(3), body: { id: "trace-far", name: "nightly", userId: "carol", sessionId: "s-far", timestamp: days(3) } },
      { id: randomUUID(), type: "span-create", timestamp: days(0), body: { id: "far-before", traceId: "trace-far", startTime: days(0) } },
      { id: randomUUID(), type: "span-create", timestamp: days(6), body: { id: "far-after", traceId: "trace-far", startTime: days(6) } },
      { id: randomUUID(), type: "span-create", timestamp: days(3), body: { id: "near", traceId: "trace-far", startTime: days(3) } },
    ]);
    // A filter beyond the sort key reads the traces with the rows' newest versions: both ways.
    for (const filter of ["", "&type=SPAN"]) {
      const response = await get(`?traceId=trace-far&fields=core,basic${filter}`);
      expectReferenceResponse({ method: "GET", path: "/api/public/v2/observations" }, 200, response.json());
      const shown = response.json().data.map((o: { id: string; userId: string; sessionId: string }) => [o.id, o.userId, o.sessionId]);
      expect(shown).toEqual([
        ["far-after", "carol", "s-far"],
        ["near", "carol", "s-far"],
        ["far-before", "carol", "s-far"],
      ]);
      // Alone on a page, each is more than a day away from its trace.
      for (const [id, from, to] of [
        ["far-before", days(-1), days(1)],
        ["far-after", days(5), days(7)],
      ] as const) {
        const alone = await get(`?traceId=trace-far&fields=core,basic${filter}&fromStartTime=${encodeURIComponent(from)}&toStartTime=${encodeURIComponent(to)}`);
        expect(alone.json().data).toMatchObject([{ id, userId: "carol", sessionId: "s-far" }]);
      }
    }
  });

  it("answers limit=0 with no rows and no cursor", async () => {
    expect((await get("?limit=0")).json()).toEqual({ data: [], meta: {} });
  });

  it("never shows another project's observations", async () => {
    expect((await get("?traceId=trace-a", t.project.basic)).json().data).toEqual([]);
  });

  it('counts an observation whose parent was sent as "" as a root, in its view, its filters and the metrics alike', async () => {
    const roots = await t.createProject();
    const response = await t.app.inject({
      method: "POST",
      url: "/api/public/ingestion",
      headers: { authorization: roots.basic },
      payload: {
        batch: [
          { id: randomUUID(), type: "span-create", timestamp: at(0), body: { id: "blank-parent", traceId: "trace-r", name: "entry", parentObservationId: "", startTime: at(0) } },
          {
            id: randomUUID(),
            type: "span-create",
            timestamp: at(1),
            body: { id: "child", traceId: "trace-r", name: "step", parentObservationId: "blank-parent", startTime: at(1) },
          },
        ],
      },
    });
    expect(response.json().errors).toEqual([]);
    const list = async (query: string) => (await get(query, roots.basic)).json().data as Array<{ id: string; isRootObservation: boolean }>;
    expect((await list("")).map((o) => [o.id, o.isRootObservation])).toEqual([
      ["child", false],
      ["blank-parent", true],
    ]);
    expect((await list("?isRootObservation=true")).map((o) => o.id)).toEqual(["blank-parent"]);
    expect((await list("?isRootObservation=false")).map((o) => o.id)).toEqual(["child"]);
    const rootFilter = encodeURIComponent(JSON.stringify([{ type: "boolean", column: "isRootObservation", operator: "=", value: true }]));
    expect((await list(`?filter=${rootFilter}`)).map((o) => o.id)).toEqual(["blank-parent"]);
    const metrics = await t.app.inject({
      method: "GET",
      url: `/api/public/v2/metrics?query=${encodeURIComponent(JSON.stringify({ view: "observations", fromTimestamp: at(-60), toTimestamp: at(60), dimensions: [{ field: "isRootObservation" }], metrics: [{ measure: "count", aggregation: "count" }] }))}`,
      headers: { authorization: roots.basic },
    });
    expect(metrics.json().data).toEqual(
      expect.arrayContaining([
        { isRootObservation: true, count_count: 1 },
        { isRootObservation: false, count_count: 1 },
      ]),
    );
  });

  it("walks 2,500 observations 100 at a time, each once and in order, while more arrive", async () => {
    const walker = await t.createProject();
    const ingestFor = async (events: unknown[]) => {
      const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: walker.basic }, payload: { batch: events } });
      expect(response.json().errors).toEqual([]);
    };
    // Many share a start time, so the trace-id hash and id decide the order.
    const seeded = Array.from({ length: 2500 }, (_, i) => ({
      id: randomUUID(),
      type: "span-create",
      timestamp: at(100 + Math.floor(i / 10)),
      body: { id: `o-${i}`, traceId: `t-${i % 37}`, startTime: at(100 + Math.floor(i / 10)) },
    }));
    for (let i = 0; i < seeded.length; i += 500) await ingestFor(seeded.slice(i, i + 500));

    const seen: Array<{ id: string; startTime: string }> = [];
    let cursor: string | undefined;
    for (let page = 0; page < 30; page += 1) {
      const body = (await get(`?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, walker.basic)).json();
      seen.push(...body.data);
      // Newer observations keep arriving during the walk; they sort before the cursor and stay out of it.
      await ingestFor([{ id: randomUUID(), type: "span-create", timestamp: at(5000 + page), body: { id: `late-${page}`, traceId: "t-late", startTime: at(5000 + page) } }]);
      cursor = body.meta.cursor;
      if (!cursor) break;
    }
    const ids = seen.map((o) => o.id);
    expect(ids.filter((id) => id.startsWith("late-"))).toEqual([]);
    expect(new Set(ids).size).toBe(2500);
    expect(ids.length).toBe(2500);
    const times = seen.map((o) => o.startTime);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it("pages through more observations at one start time than a page holds, each once, in the one-page order", async () => {
    const ties = await t.createProject();
    const ingestFor = async (events: unknown[]) => {
      const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: ties.basic }, payload: { batch: events } });
      expect(response.json().errors).toEqual([]);
    };
    const span = (id: string, second: number, traceId: string, name = "v1") => ({
      id: randomUUID(),
      type: "span-create",
      timestamp: at(name === "v1" ? second : second + 60),
      body: { id, traceId, name, startTime: at(second) },
    });
    await ingestFor([
      ...Array.from({ length: 5 }, (_, i) => span(`after-${i}`, 301, "t-x")),
      ...Array.from({ length: 150 }, (_, i) => span(`tie-${i}`, 300, `t-${i % 6}`)),
      ...Array.from({ length: 5 }, (_, i) => span(`before-${i}`, 299, "t-y")),
    ]);
    // Newer versions of some tied rows: each still appears once, as its newest version.
    await ingestFor(Array.from({ length: 30 }, (_, i) => span(`tie-${i * 5}`, 300, `t-${(i * 5) % 6}`, "v2")));
    const whole = (await get("?limit=1000", ties.basic)).json().data as Array<{ id: string; name: string }>;
    expect(whole).toHaveLength(160);
    expect(whole.filter((o) => o.name === "v2")).toHaveLength(30);

    for (const limit of [7, 40]) {
      const walked: Array<{ id: string; name: string }> = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page += 1) {
        const body = (await get(`?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, ties.basic)).json();
        walked.push(...body.data);
        cursor = body.meta.cursor;
        if (!cursor) break;
      }
      expect(walked.map((o) => [o.id, o.name])).toEqual(whole.map((o) => [o.id, o.name]));
    }
  });
});
