import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { createTestApp, type TestApp, type TestProject } from "./support/harness.ts";

// ---- The data set, as the test knows it ---------------------------------------------------------
// Two experiment items exported over OTLP, each a span with a generation under it:
//   A  item-1's root span (experiment "Prompt v2")          no tools
//   B  its generation: offered get_weather and get_time, calls get_weather
//   C  item-2's span, an app root under an external parent (experiment "Prompt v1")
//   D  its generation: offered get_weather, calls get_weather and get_time
// A and B come from the Python SDK (hyphenated headers), C and D from the JS SDK (underscored ones).

const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const at = (second: number) => new Date(Date.UTC(2025, 5, 2, 9, 0, second)).toISOString();
const nanos = (second: number) => `${Date.parse(at(second))}000000`;
const FROM = at(0);
const TO = at(600);

type Plain = string | number | boolean;
const attribute = (key: string, value: Plain) => ({
  key,
  value: typeof value === "string" ? { stringValue: value } : typeof value === "boolean" ? { boolValue: value } : { intValue: String(value) },
});

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  second: number;
  attributes: Record<string, Plain>;
}

const exportOf = (spans: Span[]) => ({
  resourceSpans: [
    {
      resource: { attributes: [attribute("service.name", "experiments")] },
      scopeSpans: [
        {
          // Not the Langfuse SDK's scope: only other scopes' tool-list attributes move into the input (otel.md 4.12).
          scope: { name: "experiment-runner", version: "1.0.0" },
          spans: spans.map((span) => ({
            traceId: span.traceId,
            spanId: span.spanId,
            ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
            name: span.name,
            kind: 1,
            startTimeUnixNano: nanos(span.second),
            endTimeUnixNano: nanos(span.second + 1),
            attributes: Object.entries(span.attributes).map(([key, value]) => attribute(key, value)),
          })),
        },
      ],
    },
  ],
});

const tool = (name: string) => ({ type: "function", function: { name, description: `${name} tool`, parameters: { type: "object" } } });
const callsOf = (...names: string[]) =>
  JSON.stringify([{ role: "assistant", parts: names.map((name, index) => ({ type: "tool_call", id: `call-${index}`, name, arguments: { q: name } })) }]);

const ids = { A: hex(8), B: hex(8), C: hex(8), D: hex(8) };
const item1Trace = hex(16);
const item2Trace = hex(16);
const experiment = (id: string, name: string, item: string, rootSpan: string) => ({
  "langfuse.experiment.id": id,
  "langfuse.experiment.name": name,
  "langfuse.experiment.dataset.id": "ds-1",
  "langfuse.experiment.item.id": item,
  "langfuse.experiment.item.root_observation_id": rootSpan,
  "langfuse.experiment.item.expected_output": '{"answer":"Paris"}',
  "langfuse.experiment.item.version": "2025-06-01 12:00:00",
  "langfuse.experiment.metadata": '{"model":"gpt-4o"}',
});
const item1: Span[] = [
  { traceId: item1Trace, spanId: ids.A, name: "item", second: 10, attributes: { "langfuse.observation.type": "span", ...experiment("exp-1", "Prompt v2", "item-1", ids.A) } },
  {
    traceId: item1Trace,
    spanId: ids.B,
    parentSpanId: ids.A,
    name: "chat",
    second: 20,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.tool.definitions": JSON.stringify([tool("get_weather"), tool("get_time")]),
      "gen_ai.output.messages": callsOf("get_weather"),
      ...experiment("exp-1", "Prompt v2", "item-1", ids.A),
    },
  },
];
const item2: Span[] = [
  {
    traceId: item2Trace,
    spanId: ids.C,
    parentSpanId: "feedfacefeedface",
    name: "item",
    second: 30,
    attributes: { "langfuse.internal.is_app_root": true, ...experiment("exp-2", "Prompt v1", "item-2", ids.C) },
  },
  {
    traceId: item2Trace,
    spanId: ids.D,
    parentSpanId: ids.C,
    name: "chat",
    second: 40,
    attributes: {
      "gen_ai.operation.name": "chat",
      "gen_ai.tool.definitions": JSON.stringify([tool("get_weather")]),
      "gen_ai.output.messages": callsOf("get_weather", "get_time"),
      ...experiment("exp-2", "Prompt v1", "item-2", ids.C),
    },
  },
];

type Row = Record<string, unknown>;

describe("span columns from OTLP: tools, app roots, experiments and attribution, read by metrics and v2 observations", () => {
  let t: TestApp;
  let project: TestProject;

  const exportSpans = async (spans: Span[], headers: Record<string, string>, authorization = project.basic) => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/public/otel/v1/traces",
      headers: { authorization, "content-type": "application/json", ...headers },
      payload: exportOf(spans),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({});
  };
  const ingest = async (batch: unknown[], headers: Record<string, string> = {}, authorization = project.basic) => {
    const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization, ...headers }, payload: { batch } });
    expect(response.statusCode).toBe(207);
    expect(response.json().errors).toEqual([]);
  };
  const metrics = async (version: "v1" | "v2", query: object, authorization = project.basic): Promise<Row[]> => {
    const path = version === "v2" ? "/api/public/v2/metrics" : "/api/public/metrics";
    const response = await t.app.inject({
      method: "GET",
      url: `${path}?query=${encodeURIComponent(JSON.stringify({ fromTimestamp: FROM, toTimestamp: TO, ...query }))}`,
      headers: { authorization },
    });
    expect(response.statusCode, response.body).toBe(200);
    expectReferenceResponse({ method: "GET", path }, 200, response.json());
    return response.json().data;
  };
  const observations = async (query: string, authorization = project.basic) => {
    const response = await t.app.inject({ method: "GET", url: `/api/public/v2/observations${query}`, headers: { authorization } });
    expect(response.statusCode, response.body).toBe(200);
    expectReferenceResponse({ method: "GET", path: "/api/public/v2/observations" }, 200, response.json());
    return response.json().data as Row[];
  };
  const where = async (conditions: unknown[], authorization = project.basic) =>
    (await observations(`?filter=${encodeURIComponent(JSON.stringify(conditions))}`, authorization)).map((row) => row.id);
  const sortedBy = (rows: Row[], key: string) => [...rows].sort((a, b) => String(a[key]).localeCompare(String(b[key])));

  beforeAll(async () => {
    t = await createTestApp("embedded");
    project = await t.createProject();
    await exportSpans(item1, { "x-langfuse-sdk-name": "python", "x-langfuse-sdk-version": "4.14.3" });
    await exportSpans(item2, { x_langfuse_sdk_name: "javascript", x_langfuse_sdk_version: "5.10.1" });
  });
  afterAll(async () => t?.close());

  describe("metrics", () => {
    it("explodes toolNames and calledToolNames into a row per tool; observations without tools drop out", async () => {
      const offered = await metrics("v2", { view: "observations", dimensions: [{ field: "toolNames" }], metrics: [{ measure: "count", aggregation: "count" }] });
      expect(sortedBy(offered, "toolNames")).toEqual([
        { toolNames: "get_time", count_count: 1 },
        { toolNames: "get_weather", count_count: 2 },
      ]);
      const called = await metrics("v2", { view: "observations", dimensions: [{ field: "calledToolNames" }], metrics: [{ measure: "count", aggregation: "count" }] });
      expect(sortedBy(called, "calledToolNames")).toEqual([
        { calledToolNames: "get_time", count_count: 1 },
        { calledToolNames: "get_weather", count_count: 2 },
      ]);
    });

    it("measures tool definitions and calls per observation, NULL without tools", async () => {
      const [totals] = await metrics("v2", {
        view: "observations",
        metrics: [
          { measure: "toolDefinitions", aggregation: "sum" },
          { measure: "toolDefinitions", aggregation: "count" },
          { measure: "toolCalls", aggregation: "sum" },
          { measure: "toolCalls", aggregation: "max" },
          { measure: "count", aggregation: "count" },
        ],
      });
      expect(totals).toEqual({ sum_toolDefinitions: 3, count_toolDefinitions: 2, sum_toolCalls: 3, max_toolCalls: 2, count_count: 4 });
    });

    it("groups by experimentName and experimentDatasetId as top-N queries, and filters on experimentId", async () => {
      const byExperiment = await metrics("v2", {
        view: "observations",
        dimensions: [{ field: "experimentName" }],
        metrics: [
          { measure: "toolCalls", aggregation: "sum" },
          { measure: "count", aggregation: "count" },
        ],
        orderBy: [{ field: "sum_toolCalls", direction: "desc" }],
        config: { row_limit: 10 },
      });
      expect(byExperiment).toEqual([
        { experimentName: "Prompt v1", sum_toolCalls: 2, count_count: 2 },
        { experimentName: "Prompt v2", sum_toolCalls: 1, count_count: 2 },
      ]);
      const byDataset = await metrics("v2", {
        view: "observations",
        dimensions: [{ field: "experimentDatasetId" }],
        metrics: [{ measure: "count", aggregation: "count" }],
        orderBy: [{ field: "count_count", direction: "desc" }],
        config: { row_limit: 10 },
      });
      expect(byDataset).toEqual([{ experimentDatasetId: "ds-1", count_count: 4 }]);
      const [filtered] = await metrics("v2", {
        view: "observations",
        metrics: [{ measure: "count", aggregation: "count" }],
        filters: [
          { column: "experimentId", type: "stringOptions", operator: "any of", value: ["exp-2"] },
          { column: "toolNames", type: "arrayOptions", operator: "any of", value: ["get_weather"] },
        ],
      });
      expect(filtered).toEqual({ count_count: 1 });
    });

    it("counts an app root under an external parent as a root observation", async () => {
      const roots = await metrics("v2", { view: "observations", dimensions: [{ field: "isRootObservation" }], metrics: [{ measure: "count", aggregation: "count" }] });
      expect(sortedBy(roots, "isRootObservation")).toEqual([
        { isRootObservation: false, count_count: 2 },
        { isRootObservation: true, count_count: 2 },
      ]);
    });

    it("has the tool dimensions and measures in v1 too, and no experiment dimensions there", async () => {
      const offered = await metrics("v1", { view: "observations", dimensions: [{ field: "toolNames" }], metrics: [{ measure: "toolCalls", aggregation: "sum" }] });
      expect(sortedBy(offered, "toolNames")).toEqual([
        { toolNames: "get_time", sum_toolCalls: 1 },
        { toolNames: "get_weather", sum_toolCalls: 3 },
      ]);
      const response = await t.app.inject({
        method: "GET",
        url: `/api/public/metrics?query=${encodeURIComponent(JSON.stringify({ view: "observations", dimensions: [{ field: "experimentName" }], metrics: [], fromTimestamp: FROM, toTimestamp: TO }))}`,
        headers: { authorization: project.basic },
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().message).toContain("Invalid dimension experimentName.");
    });
  });

  describe("v2 observations", () => {
    it.each<[string, unknown[], string[]]>([
      ["toolNames any of", [{ type: "arrayOptions", column: "toolNames", operator: "any of", value: ["get_time"] }], [ids.B]],
      ["calledToolNames all of", [{ type: "arrayOptions", column: "calledToolNames", operator: "all of", value: ["get_weather", "get_time"] }], [ids.D]],
      ["calledToolNames as stringOptions", [{ type: "stringOptions", column: "calledToolNames", operator: "any of", value: ["get_weather"] }], [ids.D, ids.B]],
      ["toolDefinitions count", [{ type: "number", column: "toolDefinitions", operator: ">=", value: 2 }], [ids.B]],
      ["toolCalls count", [{ type: "number", column: "toolCalls", operator: ">", value: 1 }], [ids.D]],
      ["experimentName", [{ type: "stringOptions", column: "experimentName", operator: "any of", value: ["Prompt v2"] }], [ids.B, ids.A]],
      ["experimentId none of", [{ type: "stringOptions", column: "experimentId", operator: "none of", value: ["exp-1"] }], [ids.D, ids.C]],
      ["experimentDatasetId", [{ type: "stringOptions", column: "experimentDatasetId", operator: "any of", value: ["ds-1"] }], [ids.D, ids.C, ids.B, ids.A]],
      ["isExperimentItemRootSpan", [{ type: "boolean", column: "isExperimentItemRootSpan", operator: "=", value: true }], [ids.C, ids.A]],
      ["isRootObservation: no parent or app root", [{ type: "boolean", column: "isRootObservation", operator: "=", value: true }], [ids.C, ids.A]],
      ["isRootObservation false", [{ type: "boolean", column: "isRootObservation", operator: "<>", value: true }], [ids.D, ids.B]],
      ["ingestionSdkName", [{ type: "stringOptions", column: "ingestionSdkName", operator: "any of", value: ["python"] }], [ids.B, ids.A]],
      ["ingestionSdkVersion", [{ type: "stringOptions", column: "ingestionSdkVersion", operator: "any of", value: ["5.10.1"] }], [ids.D, ids.C]],
    ])("filters on %s", async (_name, conditions, expected) => {
      expect(await where(conditions)).toEqual(expected);
    });

    it("filters on the key that sent the spans", async () => {
      expect(await where([{ type: "stringOptions", column: "ingestionApiKey", operator: "any of", value: [project.publicKey] }])).toEqual([ids.D, ids.C, ids.B, ids.A]);
    });

    it("shows an app root as a root with its external parent, and finds it with isRootObservation=true", async () => {
      expect((await observations("?isRootObservation=true")).map((row) => row.id)).toEqual([ids.C, ids.A]);
      const [appRoot] = await observations(`?traceId=${item2Trace}&isRootObservation=true&fields=basic,trace_context`);
      expect(appRoot).toMatchObject({ id: ids.C, parentObservationId: "feedfacefeedface", isRootObservation: true, traceName: "item" });
    });

    it("keeps tool calls out of metadata and the span columns out of every field group", async () => {
      const [generation] = await observations(`?traceId=${item2Trace}&type=GENERATION&fields=core,basic,time,io,metadata,model,usage,prompt,metrics,trace_context,tools`);
      expect(generation!.metadata).not.toHaveProperty("tool_calls");
      expect(generation!.metadata).not.toHaveProperty("tool_call_names");
      expect(Object.keys(generation!).filter((key) => /tool|experiment|ingestion/i.test(key))).toEqual([]);
      expect(JSON.parse(generation!.input as string)).toMatchObject({ tools: [tool("get_weather")] });
    });
  });

  describe("the ingestion API", () => {
    it("ignores span columns a user sends, in bodies or as a forged `otel` part", async () => {
      const traceId = randomUUID();
      const forged = {
        otel: { toolCallNames: ["forged"], isAppRoot: true, experimentId: "forged" },
        toolDefinitions: { forged: "{}" },
        tool_calls: ['{"name":"forged"}'],
        tool_call_names: ["forged"],
        calledToolNames: ["forged"],
        isAppRoot: true,
        is_app_root: true,
        experimentId: "forged",
        experiment_name: "forged",
        ingestion_public_key: "pk-forged",
        ingestionSdkName: "forged",
      };
      await ingest(
        [
          { id: randomUUID(), type: "trace-create", timestamp: at(50), body: { id: traceId, name: "manual" } },
          { id: randomUUID(), type: "generation-create", timestamp: at(50), body: { id: "manual-gen", traceId, startTime: at(50), parentObservationId: "external", ...forged } },
        ],
        { "x-langfuse-sdk-name": "manual", "x-langfuse-sdk-version": "0.1" },
      );
      expect(
        await where([
          { type: "stringOptions", column: "id", operator: "any of", value: ["manual-gen"] },
          { type: "number", column: "toolCalls", operator: "=", value: 0 },
        ]),
      ).toEqual(["manual-gen"]);
      for (const column of ["calledToolNames", "toolNames"]) {
        expect(await where([{ type: "arrayOptions", column, operator: "any of", value: ["forged"] }])).toEqual([]);
      }
      expect(await where([{ type: "stringOptions", column: "experimentId", operator: "any of", value: ["forged"] }])).toEqual([]);
      expect(await where([{ type: "stringOptions", column: "ingestionSdkName", operator: "any of", value: ["manual"] }])).toEqual(["manual-gen"]);
      const [stored] = await observations(`?traceId=${traceId}`);
      expect(stored).toMatchObject({ id: "manual-gen", isRootObservation: false });
      const offered = await metrics("v2", { view: "observations", dimensions: [{ field: "toolNames" }], metrics: [{ measure: "count", aggregation: "count" }] });
      expect(offered.map((row) => row.toolNames).sort()).toEqual(["get_time", "get_weather"]);
    });

    it("cannot change an OTLP observation's span columns; its update only becomes the latest sender", async () => {
      const other = await t.createProject();
      const traceId = hex(16);
      const spanId = hex(8);
      await exportSpans(
        [{ traceId, spanId, name: "chat", second: 60, attributes: { "gen_ai.operation.name": "chat", "gen_ai.output.messages": callsOf("get_weather") } }],
        { "x-langfuse-sdk-name": "python", "x-langfuse-sdk-version": "4.14.3" },
        other.basic,
      );
      await ingest(
        [
          {
            id: randomUUID(),
            type: "generation-update",
            timestamp: at(70),
            body: { id: spanId, traceId, otel: { toolCallNames: ["forged"] }, tool_call_names: ["forged"], name: "renamed" },
          },
        ],
        { "x-langfuse-sdk-name": "manual", "x-langfuse-sdk-version": "0.1" },
        other.basic,
      );
      const called = await metrics("v2", { view: "observations", dimensions: [{ field: "calledToolNames" }], metrics: [{ measure: "count", aggregation: "count" }] }, other.basic);
      expect(called).toEqual([{ calledToolNames: "get_weather", count_count: 1 }]);
      expect(await where([{ type: "stringOptions", column: "ingestionSdkName", operator: "any of", value: ["manual"] }], other.basic)).toEqual([spanId]);
      expect((await observations("", other.basic))[0]).toMatchObject({ id: spanId, name: "renamed" });
    });
  });

  describe("ingestion attribution from the export's headers (otel.md 1.3)", () => {
    it.each<[string, Record<string, string>, string, string]>([
      ["hyphenated headers", { "x-langfuse-sdk-name": "python", "x-langfuse-sdk-version": "4.14.3" }, "python", "4.14.3"],
      ["underscored headers", { x_langfuse_sdk_name: "javascript", x_langfuse_sdk_version: "5.10.1" }, "javascript", "5.10.1"],
      [
        "both forms: hyphens win",
        { "x-langfuse-sdk-name": "python", x_langfuse_sdk_name: "javascript", "x-langfuse-sdk-version": "4.0.0", x_langfuse_sdk_version: "5.0.0" },
        "python",
        "4.0.0",
      ],
      ["empty values count as absent", { "x-langfuse-sdk-name": "", "x-langfuse-sdk-version": "" }, "unknown", "unknown"],
      ["no headers", {}, "unknown", "unknown"],
    ])("%s", async (_name, headers, sdkName, sdkVersion) => {
      const attributed = await t.createProject();
      const spanId = hex(8);
      await exportSpans([{ traceId: hex(16), spanId, name: "s", second: 80, attributes: {} }], headers, attributed.basic);
      const conditions = [
        { type: "stringOptions", column: "ingestionApiKey", operator: "any of", value: [attributed.publicKey] },
        { type: "stringOptions", column: "ingestionSdkName", operator: "any of", value: [sdkName] },
        { type: "stringOptions", column: "ingestionSdkVersion", operator: "any of", value: [sdkVersion] },
      ];
      expect(await where(conditions, attributed.basic)).toEqual([spanId]);
    });
  });
});
