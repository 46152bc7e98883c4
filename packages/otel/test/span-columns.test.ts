import type { SpanColumns } from "@wick/ingestion";
import { describe, expect, it } from "vitest";
import { columnsOf, observationOf, type SpanSpec } from "./support.ts";

const weather = { description: "Weather of a city", parameters: { type: "object", properties: { city: { type: "string" } } } };
const weatherColumn = JSON.stringify(weather);

describe("tool definitions (otel.md 4.12): name → {description, parameters} from the input tools were merged into", () => {
  it.each<[string, SpanSpec, Record<string, string> | undefined]>([
    [
      "GenAI definitions, OpenAI-nested",
      { attributes: { "gen_ai.tool.definitions": JSON.stringify([{ type: "function", function: { name: "get_weather", ...weather } }]) } },
      { get_weather: weatherColumn },
    ],
    [
      "AI SDK tools, each a JSON string with an inputSchema",
      {
        attributes: {
          "ai.prompt.messages": '[{"role":"user","content":"hi"}]',
          "ai.prompt.tools": [JSON.stringify({ type: "function", name: "get_weather", description: weather.description, inputSchema: weather.parameters })],
        },
        scope: { name: "ai" },
      },
      { get_weather: weatherColumn },
    ],
    [
      "an Anthropic request as the Langfuse input",
      {
        attributes: {
          "langfuse.observation.input": JSON.stringify({ messages: [], tools: [{ name: "get_weather", description: weather.description, input_schema: weather.parameters }] }),
        },
      },
      { get_weather: weatherColumn },
    ],
    [
      "OpenInference JSON schemas",
      {
        attributes: {
          "llm.tools.0.tool.json_schema": JSON.stringify({ type: "function", function: { name: "get_weather", ...weather } }),
          "llm.tools.1.tool.json_schema": JSON.stringify({ type: "function", function: { name: "now" } }),
        },
      },
      { get_weather: weatherColumn, now: JSON.stringify({ description: "", parameters: {} }) },
    ],
    [
      "metadata tools, parameters given as JSON text",
      {
        attributes: {
          "langfuse.observation.metadata.tools": JSON.stringify([{ name: "get_weather", description: weather.description, parameters: JSON.stringify(weather.parameters) }]),
        },
      },
      { get_weather: weatherColumn },
    ],
    ["no tools", { attributes: { "gen_ai.input.messages": '[{"role":"user"}]' } }, undefined],
    ["a list that is not tool definitions", { attributes: { "langfuse.observation.metadata.tools": '["not a tool"]' } }, undefined],
  ])("%s", (_name, spec, definitions) => {
    expect(columnsOf(spec)?.toolDefinitions).toEqual(definitions);
  });
});

describe("tool calls: the calls the output asks for go to the columns, not to metadata", () => {
  it.each<[string, SpanSpec, Array<{ id?: string; name: string; arguments: string }>]>([
    [
      "OpenAI tool_calls",
      {
        attributes: {
          "langfuse.observation.output": JSON.stringify({ role: "assistant", tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: '{"x":1}' } }] }),
        },
      },
      [{ id: "c1", name: "f", arguments: '{"x":1}' }],
    ],
    [
      "GenAI tool_call parts",
      {
        attributes: {
          "gen_ai.output.messages": JSON.stringify([
            {
              role: "assistant",
              parts: [
                { type: "tool_call", id: "c1", name: "g", arguments: { a: 1 } },
                { type: "tool_call", id: "c2", name: "h" },
              ],
            },
          ]),
        },
      },
      [
        { id: "c1", name: "g", arguments: '{"a":1}' },
        { id: "c2", name: "h", arguments: "{}" },
      ],
    ],
    [
      "Anthropic tool_use blocks",
      { attributes: { "output.value": JSON.stringify({ content: [{ type: "tool_use", id: "t1", name: "h", input: { q: "x" } }] }) } },
      [{ id: "t1", name: "h", arguments: '{"q":"x"}' }],
    ],
    [
      "AI SDK tool calls",
      { attributes: { "ai.response.toolCalls": JSON.stringify([{ toolCallType: "function", toolCallId: "c1", toolName: "k", input: "{}" }]) }, scope: { name: "ai" } },
      [{ id: "c1", name: "k", arguments: "{}" }],
    ],
  ])("%s", (_name, spec, calls) => {
    const columns = columnsOf(spec)!;
    expect(columns.toolCallNames).toEqual(calls.map((call) => call.name));
    expect(columns.toolCalls!.map((call) => JSON.parse(call))).toEqual(calls);
    expect(observationOf(spec).body.metadata).not.toHaveProperty("tool_calls");
    expect(observationOf(spec).body.metadata).not.toHaveProperty("tool_call_names");
  });
});

describe("experiment fields (otel.md 4.11)", () => {
  it("maps the experiment and item attributes, stringified", () => {
    const columns = columnsOf({
      attributes: {
        "langfuse.experiment.id": "exp-1",
        "langfuse.experiment.name": "Prompt v2",
        "langfuse.experiment.description": "second try",
        "langfuse.experiment.dataset.id": "ds-1",
        "langfuse.experiment.item.id": 42,
        "langfuse.experiment.item.root_observation_id": "span-1",
        "langfuse.experiment.item.expected_output": '{"answer":"Paris"}',
        "langfuse.experiment.item.version": "2025-03-01T10:00:00.123Z",
      },
    });
    expect(columns).toEqual<SpanColumns>({
      experimentId: "exp-1",
      experimentName: "Prompt v2",
      experimentDescription: "second try",
      experimentDatasetId: "ds-1",
      experimentItemId: "42",
      experimentItemRootSpanId: "span-1",
      experimentItemExpectedOutput: '{"answer":"Paris"}',
      experimentItemVersion: "2025-03-01T10:00:00.123Z",
    });
  });

  it.each<[string, string | number | boolean, string | undefined]>([
    ["ISO with Z", "2025-03-01T10:00:00Z", "2025-03-01T10:00:00.000Z"],
    ["ISO with an offset", "2025-03-01T10:00:00+02:00", "2025-03-01T08:00:00.000Z"],
    ["Python's str(datetime), microseconds", "2025-03-01 10:00:00.123456+00:00", "2025-03-01T10:00:00.123Z"],
    ["no zone, read as UTC", "2025-03-01 10:00:00", "2025-03-01T10:00:00.000Z"],
    ["a date", "2025-03-01", "2025-03-01T00:00:00.000Z"],
    ["a version name", "v1", undefined],
    ["Python's None", "None", undefined],
    ["a bare number", "1", undefined],
    ["a number attribute", 1_740_823_200_000, undefined],
    ["outside what storage holds", "1800-01-01", undefined],
    ["an impossible date", "2025-13-45", undefined],
  ])("item version: %s", (_name, version, stored) => {
    expect(columnsOf({ attributes: { "langfuse.experiment.item.version": version } })?.experimentItemVersion).toBe(stored);
  });

  it.each<[string, string]>([
    ["experiment metadata", "langfuse.experiment.metadata"],
    ["item metadata", "langfuse.experiment.item.metadata"],
  ])("flattens %s to names and values; dotted keys override the JSON object", (_name, key) => {
    const columns = columnsOf({
      attributes: { [key]: JSON.stringify({ a: 1, nested: { b: "x" }, list: [1, 2], kept: "k" }), [`${key}.a`]: "override", [`${key}.extra`]: true },
    })!;
    const metadata = key === "langfuse.experiment.metadata" ? columns.experimentMetadata : columns.experimentItemMetadata;
    expect(metadata).toEqual({ a: "override", "nested.b": "x", list: "[1,2]", kept: "k", extra: "true" });
  });

  it("keeps the two metadata sets apart", () => {
    const columns = columnsOf({ attributes: { "langfuse.experiment.metadata.k": "exp", "langfuse.experiment.item.metadata.k": "item" } })!;
    expect(columns).toEqual({ experimentMetadata: { k: "exp" }, experimentItemMetadata: { k: "item" } });
  });
});

describe("isAppRoot (otel.md 4.10)", () => {
  it.each<[string, SpanSpec, true | undefined]>([
    ["bool true", { attributes: { "langfuse.internal.is_app_root": true }, parentSpanId: "external" }, true],
    ['string "true"', { attributes: { "langfuse.internal.is_app_root": "true" } }, true],
    ["false", { attributes: { "langfuse.internal.is_app_root": false } }, undefined],
    ['string "yes"', { attributes: { "langfuse.internal.is_app_root": "yes" } }, undefined],
    ["absent", {}, undefined],
  ])("%s", (_name, spec, flag) => {
    expect(columnsOf(spec)?.isAppRoot).toBe(flag);
  });

  it("does not make the span a root of the trace record, which has a parent", () => {
    expect(observationOf({ attributes: { "langfuse.internal.is_app_root": true }, parentSpanId: "external" }).body.parentObservationId).toBe("external");
  });
});

describe("spans stating none of the columns", () => {
  it("carry no column part, so their events are as before", () => {
    expect(columnsOf({ attributes: { "gen_ai.operation.name": "chat", "gen_ai.request.model": "gpt-4o" } })).toBeUndefined();
  });
});
