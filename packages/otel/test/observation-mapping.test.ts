import { describe, expect, it } from "vitest";
import { observationOf, SPAN_ID, type SpanSpec } from "./support.ts";

const typeOf = (spec: SpanSpec) => observationOf(spec).type.replace("-create", "").toUpperCase();
const bodyOf = (spec: SpanSpec) => observationOf(spec).body;

describe("observation type (otel.md 4.2), first rule that yields wins", () => {
  it.each<[string, SpanSpec, string]>([
    ["nothing matches → SPAN", { attributes: { "app.region": "eu" } }, "SPAN"],
    [
      "prio 0: old Python SDK span with generation attributes",
      {
        attributes: { "langfuse.observation.type": "span", "langfuse.observation.model.name": "m" },
        scope: { name: "langfuse-sdk", version: "3.3.1" },
        resource: { "telemetry.sdk.language": "python" },
      },
      "GENERATION",
    ],
    [
      "prio 0 does not apply to Python SDK 3.4",
      {
        attributes: { "langfuse.observation.type": "span", "langfuse.observation.model.name": "m" },
        scope: { name: "langfuse-sdk", version: "3.4.0" },
        resource: { "telemetry.sdk.language": "python" },
      },
      "SPAN",
    ],
    ["prio 1: langfuse.observation.type", { attributes: { "langfuse.observation.type": "retriever" } }, "RETRIEVER"],
    ["prio 1 beats OpenInference", { attributes: { "langfuse.observation.type": "chain", "openinference.span.kind": "LLM" } }, "CHAIN"],
    ["prio 1 is case-sensitive", { attributes: { "langfuse.observation.type": "GENERATION" } }, "SPAN"],
    ["prio 2: OpenInference LLM", { attributes: { "openinference.span.kind": "LLM" } }, "GENERATION"],
    ["prio 2 beats gen_ai.operation.name", { attributes: { "openinference.span.kind": "AGENT", "gen_ai.operation.name": "chat" } }, "AGENT"],
    ["prio 3: gen_ai.operation.name embeddings", { attributes: { "gen_ai.operation.name": "embeddings" } }, "EMBEDDING"],
    ["prio 3: execute_tool", { attributes: { "gen_ai.operation.name": "execute_tool" } }, "TOOL"],
    ["prio 3: invoke_agent", { attributes: { "gen_ai.operation.name": "invoke_agent" } }, "AGENT"],
    ["prio 4: Genkit subtype", { attributes: { "genkit:metadata:subtype": "embedder" } }, "EMBEDDING"],
    ["prio 5: AI SDK doGenerate with a model", { attributes: { "ai.operationId": "ai.generateText.doGenerate", "ai.model.id": "gpt-4o" }, scope: { name: "ai" } }, "GENERATION"],
    ["prio 5: AI SDK embed via operation.name", { attributes: { "operation.name": "ai.embed.doEmbed my-fn", "ai.model.id": "emb" }, scope: { name: "ai" } }, "EMBEDDING"],
    ["prio 5 needs a model", { attributes: { "ai.operationId": "ai.generateText.doGenerate" }, scope: { name: "ai" } }, "SPAN"],
    ["prio 6: AI SDK tool call", { attributes: { "ai.operationId": "ai.toolCall", "ai.toolCall.name": "t" }, scope: { name: "ai" } }, "TOOL"],
    [
      "prio 6: other AI SDK operations fall through",
      { attributes: { "ai.operationId": "ai.generateText", "ai.model.id": "m", "ai.usage.promptTokens": 3 }, scope: { name: "ai" } },
      "SPAN",
    ],
    ["prio 7: gen_ai.tool.call.id", { attributes: { "gen_ai.tool.call.id": "call-1" } }, "TOOL"],
    ["prio 8: Flue task", { attributes: { "flue.task.id": "t-1" } }, "AGENT"],
    ["prio 8: Flue tool beats task", { attributes: { "flue.task.id": "t-1", "flue.tool.name": "grep" } }, "TOOL"],
    ["prio 9: LiveKit agent turn", { name: "agent_turn", scope: { name: "livekit-agents" } }, "AGENT"],
    ["prio 10: any model attribute", { attributes: { "llm.model_name": "claude" } }, "GENERATION"],
    ["Wick: token counts without a type make a GENERATION (langfuse#11135)", { attributes: { "gen_ai.usage.input_tokens": 5 } }, "GENERATION"],
    ["Wick: so do Langfuse usage details", { attributes: { "langfuse.observation.usage_details": '{"input":1}' } }, "GENERATION"],
    ["an explicit type keeps its type even with usage", { attributes: { "langfuse.observation.type": "event", "gen_ai.usage.input_tokens": 5 } }, "EVENT"],
  ])("%s", (_name, spec, type) => {
    expect(typeOf(spec)).toBe(type);
  });
});

describe("identity, name and times (otel.md 4.1, 2.2)", () => {
  it.each<[string, SpanSpec, string]>([
    ["span name", {}, "operation"],
    ["gen_ai.tool.name first", { attributes: { "gen_ai.tool.name": "search", "logfire.msg": "msg" } }, "search"],
    ["genkit:name when present", { attributes: { "genkit:name": "flow" } }, "flow"],
    ["logfire.msg", { attributes: { "logfire.msg": "running agent" } }, "running agent"],
    ["ai.toolCall.name", { attributes: { "ai.toolCall.name": "weather" } }, "weather"],
    ["AI SDK function id and operation", { attributes: { "ai.operationId": "ai.generateText", "ai.telemetry.functionId": "bot" } }, "bot:ai.generateText"],
    ["AI SDK operation alone", { attributes: { "ai.operationId": "ai.generateText" } }, "ai.generateText"],
  ])("name: %s", (_name, spec, name) => {
    expect(bodyOf(spec).name).toBe(name);
  });

  it("ids, parent and times: nanoseconds truncated to milliseconds, a missing edge copied", () => {
    expect(bodyOf({ parentSpanId: "abc" })).toMatchObject({ id: SPAN_ID, parentObservationId: "abc", startTime: "2025-04-30T15:28:50.686Z", endTime: "2025-04-30T15:28:51.686Z" });
    expect(bodyOf({ parentSpanId: "" })).not.toHaveProperty("parentObservationId");
    expect(bodyOf({ end: "" })).toMatchObject({ startTime: "2025-04-30T15:28:50.686Z", endTime: "2025-04-30T15:28:50.686Z" });
    expect(bodyOf({ start: { low: 1_569_942_781, high: 406_553_563 }, end: 1746026931686364157 })).toMatchObject({ endTime: "2025-04-30T15:28:51.686Z" });
  });

  it.each<[string, SpanSpec, string | undefined]>([
    [
      "the Langfuse attribute, JSON-quoted as the SDKs send it",
      { attributes: { "langfuse.observation.type": "generation", "langfuse.observation.completion_start_time": '"2025-04-30T15:28:51.000Z"' } },
      "2025-04-30T15:28:51.000Z",
    ],
    ["the AI SDK's ms to first chunk", { attributes: { "gen_ai.request.model": "m", "ai.response.msToFirstChunk": 12.2 } }, "2025-04-30T15:28:50.699Z"],
    ["nothing", { attributes: { "gen_ai.request.model": "m" } }, undefined],
  ])("completion start time: %s", (_name, spec, expected) => {
    expect(bodyOf(spec).completionStartTime).toBe(expected);
  });
});

describe("level and status (otel.md 4.3)", () => {
  it.each<[string, SpanSpec, string, string | undefined]>([
    ["default", {}, "DEFAULT", undefined],
    ["error status", { status: { code: 2, message: "boom" } }, "ERROR", "boom"],
    ["status named as a string is not recognised", { status: { code: "STATUS_CODE_ERROR" } }, "DEFAULT", undefined],
    [
      "Langfuse level alias wins over the status",
      { attributes: { "langfuse.observation.level": " warn ", "langfuse.observation.status_message": "slow" }, status: { code: 2, message: "boom" } },
      "WARNING",
      "slow",
    ],
    ["unknown Langfuse level is ignored", { attributes: { "langfuse.observation.level": "loud" }, status: { code: 2 } }, "ERROR", undefined],
    ["LiveKit housekeeping span", { name: "tts_node", scope: { name: "livekit-agents" } }, "DEBUG", undefined],
  ])("%s", (_name, spec, level, statusMessage) => {
    const body = bodyOf(spec);
    expect(body.level).toBe(level);
    expect(body.statusMessage).toBe(statusMessage);
  });
});

describe("environment and version (otel.md 4.4)", () => {
  it.each<[string, SpanSpec, string | undefined]>([
    ["none", {}, undefined],
    ["span langfuse.environment", { attributes: { "langfuse.environment": "Production" } }, "Production"],
    ["span before resource for the same key", { attributes: { "deployment.environment.name": "span" }, resource: { "deployment.environment.name": "resource" } }, "span"],
    [
      "resource langfuse.environment beats span deployment.environment.name",
      { attributes: { "deployment.environment.name": "span" }, resource: { "langfuse.environment": "lf" } },
      "lf",
    ],
    ["deployment.environment last", { resource: { "deployment.environment": "legacy" } }, "legacy"],
  ])("%s", (_name, spec, environment) => {
    expect(bodyOf(spec).environment).toBe(environment);
  });

  it("version: langfuse.version, else the resource's service.version", () => {
    expect(bodyOf({ resource: { "service.version": "1.0" } }).version).toBe("1.0");
    expect(bodyOf({ attributes: { "langfuse.version": "2.0" }, resource: { "service.version": "1.0" } }).version).toBe("2.0");
  });
});

describe("model and model parameters (otel.md 4.5)", () => {
  it.each<[string, SpanSpec, string | undefined, object | undefined]>([
    [
      "Langfuse model and parameters",
      {
        attributes: {
          "langfuse.observation.type": "generation",
          "langfuse.observation.model.name": "gpt-4o",
          "langfuse.observation.model.parameters": '{"temperature":0.1,"stream":true}',
        },
      },
      "gpt-4o",
      { temperature: 0.1, stream: "true" },
    ],
    [
      "response model before request model; gen_ai.request.* parameters",
      { attributes: { "gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-2024", "gen_ai.request.max_tokens": 100, "gen_ai.request.stop_sequences": ["x"] } },
      "gpt-4o-2024",
      { max_tokens: 100, stop_sequences: '["x"]' },
    ],
    ["OpenInference invocation parameters", { attributes: { "llm.model_name": "claude", "llm.invocation_parameters": '{"top_p":0.9}' } }, "claude", { top_p: 0.9 }],
    ["model_config", { attributes: { model: "local", model_config: '{"ctx":4096}' } }, "local", { ctx: 4096 }],
    [
      "Genkit model spans name their model",
      { attributes: { "genkit:metadata:subtype": "model", "genkit:name": "gemini", "genkit:input": '{"config":{"temperature":1}}' }, scope: { name: "genkit-tracer" } },
      "gemini",
      { temperature: 1 },
    ],
    [
      "AI SDK fixed parameter set with explicit parameters on top",
      {
        attributes: { "ai.operationId": "ai.generateText.doGenerate", "ai.model.id": "m", "ai.settings.maxRetries": 2, "langfuse.observation.model.parameters": '{"mode":"json"}' },
        scope: { name: "ai" },
      },
      "m",
      { maxSteps: null, toolChoice: null, maxTokens: null, finishReason: null, system: null, maxRetries: "2", mode: "json", temperature: null, service_tier: null },
    ],
    [
      "AI SDK agent spans carry no model",
      { attributes: { "gen_ai.operation.name": "invoke_agent", "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 9 } },
      undefined,
      undefined,
    ],
  ])("%s", (_name, spec, model, parameters) => {
    const body = bodyOf(spec);
    expect(body.model).toBe(model);
    expect(body.modelParameters).toEqual(parameters);
  });
});

describe("usage and cost (otel.md 4.6, 4.7)", () => {
  const generation = (attributes: SpanSpec["attributes"], scope?: string): SpanSpec => ({
    attributes: { "langfuse.observation.type": "generation", ...attributes },
    scope: scope ? { name: scope } : undefined,
  });
  it.each<[string, SpanSpec, object | undefined]>([
    [
      "Langfuse usage details, verbatim keys",
      generation({ "langfuse.observation.usage_details": '{"input_tokens":123,"output_tokens":456}' }),
      { input_tokens: 123, output_tokens: 456 },
    ],
    ["Langfuse usage details win over gen_ai.usage.*", generation({ "langfuse.observation.usage_details": '{"input":1}', "gen_ai.usage.input_tokens": 50 }), { input: 1 }],
    [
      "dotted Langfuse usage keys (Wick, langfuse#11135)",
      generation({ "langfuse.observation.usage_details.input": 7, "langfuse.observation.usage_details.cached": 2 }),
      { input: 7, cached: 2 },
    ],
    ["invalid JSON falls through to gen_ai.usage.*", generation({ "langfuse.observation.usage_details": "{oops", "gen_ai.usage.input_tokens": 4 }), { input: 4 }],
    [
      "generic keys normalised, cache and reasoning subtracted",
      generation({
        "gen_ai.usage.input_tokens": 100,
        "gen_ai.usage.cache_read.input_tokens": 30,
        "gen_ai.usage.cache_creation.input_tokens": 10,
        "gen_ai.usage.output_tokens": 50,
        "gen_ai.usage.reasoning.output_tokens": 20,
        "gen_ai.usage.total_tokens": 150,
      }),
      { input: 60, input_cached_tokens: 30, input_cache_creation: 10, output: 30, output_reasoning_tokens: 20, total: 150 },
    ],
    [
      "unknown keys kept as usage types (langfuse#6024)",
      generation({ "gen_ai.usage.prompt_token_details.cached_tokens": 3, "gen_ai.usage.details.custom": 4, "gen_ai.usage.prompt_tokens": 9 }),
      { input: 9, "prompt_token_details.cached_tokens": 3, custom: 4 },
    ],
    [
      "OpenInference token counts",
      generation({ "llm.token_count.prompt": 10, "llm.token_count.completion": 5, "llm.token_count.completion_details.audio": 2 }),
      { input: 10, output: 3, output_audio_tokens: 2 },
    ],
    [
      "AI SDK counts and provider metadata",
      generation(
        {
          "gen_ai.usage.input_tokens": 100,
          "gen_ai.usage.output_tokens": 40,
          "ai.usage.tokens": 140,
          "ai.response.providerMetadata": '{"anthropic":{"usage":{"cache_read_input_tokens":25}}}',
        },
        "ai",
      ),
      { input: 75, output: 40, total: 140, input_cached_tokens: 25 },
    ],
    [
      "Genkit usage",
      generation({ "genkit:output": '{"usage":{"inputTokens":8,"outputTokens":6,"thoughtsTokens":2}}' }, "genkit-tracer"),
      { input: 8, output: 4, output_reasoning: 2 },
    ],
  ])("usage: %s", (_name, spec, usage) => {
    expect(bodyOf(spec).usageDetails).toEqual(usage);
  });

  it.each<[string, SpanSpec, object | undefined]>([
    ["Langfuse cost details", generation({ "langfuse.observation.cost_details": '{"total":0.5}' }), { total: 0.5 }],
    ["gen_ai.usage.cost", generation({ "gen_ai.usage.cost": 0.25 }), { total: 0.25 }],
    ["llm.cost.total", generation({ "llm.cost.total": 0.125 }), { total: 0.125 }],
    ["none", generation({}), undefined],
  ])("cost: %s", (_name, spec, cost) => {
    expect(bodyOf(spec).costDetails).toEqual(cost);
  });

  it("SPAN and EVENT events carry no usage, cost or model (the ingestion schema has no place for them)", () => {
    const body = bodyOf({ attributes: { "langfuse.observation.type": "span", "gen_ai.usage.input_tokens": 3, "langfuse.observation.model.name": "m" } });
    expect(body).not.toHaveProperty("usageDetails");
    expect(body).not.toHaveProperty("model");
  });
});

describe("prompt link (otel.md 4.8)", () => {
  it.each<[string, SpanSpec, object]>([
    [
      "observation prompt attributes",
      { attributes: { "langfuse.observation.type": "generation", "langfuse.observation.prompt.name": "p", "langfuse.observation.prompt.version": 3 } },
      { promptName: "p", promptVersion: 3 },
    ],
    [
      "langfuse.prompt.* fallback",
      { attributes: { "gen_ai.request.model": "m", "langfuse.prompt.name": "q", "langfuse.prompt.version": 1 } },
      { promptName: "q", promptVersion: 1 },
    ],
    [
      "AI SDK telemetry metadata",
      { attributes: { "gen_ai.request.model": "m", "ai.telemetry.metadata.langfusePrompt": '{"name":"r","version":2}' } },
      { promptName: "r", promptVersion: 2 },
    ],
  ])("%s", (_name, spec, link) => {
    expect(bodyOf(spec)).toMatchObject(link);
  });

  it.each<[string, SpanSpec]>([
    ["not a generation", { attributes: { "langfuse.observation.type": "tool", "langfuse.observation.prompt.name": "p", "langfuse.observation.prompt.version": 3 } }],
    [
      "a name without a version (Wick keeps the observation, drops the link)",
      { attributes: { "langfuse.observation.type": "generation", "langfuse.observation.prompt.name": "p" } },
    ],
    [
      "a version that is not a whole number",
      { attributes: { "langfuse.observation.type": "generation", "langfuse.observation.prompt.name": "p", "langfuse.observation.prompt.version": 1.5 } },
    ],
  ])("no link: %s", (_name, spec) => {
    expect(bodyOf(spec)).not.toHaveProperty("promptName");
  });
});
