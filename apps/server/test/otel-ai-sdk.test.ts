import { OpenTelemetry } from "@ai-sdk/otel";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { generateText, stepCountIs, tool } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { generateText as generateText7, registerTelemetry, stepCountIs as stepCountIs7, tool as tool7 } from "ai7";
import { MockLanguageModelV4 } from "ai7/test";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { createTestApp, listen, type TestApp } from "./support/harness.ts";

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});
const toolCall = { type: "tool-call" as const, toolCallId: "call-1", toolName: "get_weather", input: JSON.stringify({ city: "Paris" }) };
const answer = { type: "text" as const, text: "It is 18 °C and clear in Paris." };
/** A model that first asks for the weather tool, then answers. */
const steps = [
  { content: [toolCall], finishReason: { unified: "tool-calls" as const, raw: "tool_calls" }, usage: usage(40, 12), warnings: [] },
  { content: [answer], finishReason: { unified: "stop" as const, raw: "stop" }, usage: usage(70, 9), warnings: [] },
];
const getWeather = async ({ city }: { city: string }) => ({ city, tempC: 18, sky: "clear" });

interface StoredObservation {
  id: string;
  name: string;
  type: string;
  parentObservationId: string | null;
  model: string | null;
  input: unknown;
  output: unknown;
  usageDetails: Record<string, number>;
  metadata: Record<string, unknown>;
}

describe("the Vercel AI SDK with telemetry, exported by the Langfuse span processor to a running Wick", () => {
  let t: TestApp;
  let provider: NodeTracerProvider;
  beforeAll(async () => {
    t = await createTestApp("embedded");
    const baseUrl = await listen(t.app);
    provider = new NodeTracerProvider({
      spanProcessors: [new LangfuseSpanProcessor({ publicKey: t.project.publicKey, secretKey: t.project.secretKey, baseUrl, flushAt: 1000, flushInterval: 60 })],
    });
    provider.register();
  });
  afterAll(async () => {
    await provider?.shutdown();
    await t?.close();
  });

  async function storedTrace(traceId: string): Promise<{ trace: Record<string, unknown>; observations: StoredObservation[]; byName: Record<string, StoredObservation> }> {
    const response = await t.app.inject({ method: "GET", url: `/api/public/traces/${traceId}`, headers: { authorization: t.project.basic } });
    expect(response.statusCode).toBe(200);
    const trace = response.json();
    expectReferenceResponse({ method: "GET", path: "/api/public/traces/{traceId}" }, 200, trace);
    const observations = trace.observations as StoredObservation[];
    return { trace, observations, byName: Object.fromEntries(observations.map((o) => [o.name, o])) };
  }

  it("AI SDK 6 (`ai.*` attributes, scope `ai`): generations with model and usage, the tool call, trace user and session", async () => {
    const result = await generateText({
      model: new MockLanguageModelV3({ modelId: "mock-gpt", doGenerate: [...steps] }),
      prompt: "What is the weather in Paris?",
      tools: { get_weather: tool({ description: "Current weather of a city", inputSchema: z.object({ city: z.string() }), execute: getWeather }) },
      stopWhen: stepCountIs(3),
      experimental_telemetry: { isEnabled: true, functionId: "weather-bot", metadata: { userId: "user-1", sessionId: "session-1", tags: ["ai-sdk"], feature: "weather" } },
    });
    expect(result.text).toBe(answer.text);
    await provider.forceFlush();
    const traceId = await latestTraceId();

    const { trace, observations, byName } = await storedTrace(traceId);
    expect(trace).toMatchObject({ name: "weather-bot:ai.generateText", userId: "user-1", sessionId: "session-1", tags: ["ai-sdk"], output: answer.text });
    const root = byName["weather-bot:ai.generateText"]!;
    expect(root).toMatchObject({ type: "SPAN", parentObservationId: null, metadata: { feature: "weather" } });
    const generations = observations.filter((o) => o.type === "GENERATION");
    expect(generations).toHaveLength(2);
    for (const generation of generations) expect(generation).toMatchObject({ name: "weather-bot:ai.generateText.doGenerate", model: "mock-gpt", parentObservationId: root.id });
    expect(generations.map((g) => g.usageDetails).sort((a, b) => a.input! - b.input!)).toEqual([
      { input: 40, output: 12, total: 52 },
      { input: 70, output: 9, total: 79 },
    ]);
    const asked = generations.find((g) => g.usageDetails.input === 40)!;
    expect(asked.metadata).not.toHaveProperty("tool_call_names");
    expect(await idsWhere(traceId, [{ type: "arrayOptions", column: "calledToolNames", operator: "any of", value: ["get_weather"] }])).toEqual([asked.id]);
    expect((await idsWhere(traceId, [{ type: "arrayOptions", column: "toolNames", operator: "all of", value: ["get_weather"] }])).sort()).toEqual(
      generations.map((g) => g.id).sort(),
    );
    // The Langfuse span processor marks the root it exports as the app root and names itself in the headers.
    expect(await idsWhere(traceId, [{ type: "boolean", column: "isRootObservation", operator: "=", value: true }])).toEqual([root.id]);
    expect(await idsWhere(traceId, [{ type: "stringOptions", column: "ingestionSdkName", operator: "none of", value: ["javascript"] }])).toEqual([]);
    expect(byName.get_weather).toMatchObject({ type: "TOOL", parentObservationId: root.id, input: { city: "Paris" }, output: { city: "Paris", tempC: 18, sky: "clear" } });
  });

  it("AI SDK 7 (`@ai-sdk/otel`, GenAI conventions, scope `gen_ai`): output messages and tool-call arguments and results (langfuse#14633)", async () => {
    registerTelemetry(new OpenTelemetry({ tracer: provider.getTracer("gen_ai") }));
    const result = await generateText7({
      model: new MockLanguageModelV4({ modelId: "mock-gpt-7", doGenerate: [...steps] as never }),
      prompt: "What is the weather in Paris?",
      tools: { get_weather: tool7({ description: "Current weather of a city", inputSchema: z.object({ city: z.string() }), execute: getWeather }) },
      stopWhen: stepCountIs7(3),
      telemetry: { functionId: "weather-bot-7" },
    });
    expect(result.text).toBe(answer.text);
    await provider.forceFlush();

    const traceId = await latestTraceId();
    const { observations } = await storedTrace(traceId);
    const chats = observations.filter((o) => o.type === "GENERATION");
    expect(chats.length).toBeGreaterThanOrEqual(1);
    for (const chat of chats) {
      expect(chat.model).toBe("mock-gpt-7");
      // The offered tools move from the attributes into the input, beside the messages.
      expect(chat.input).toMatchObject({
        messages: expect.arrayContaining([expect.objectContaining({ role: "user" })]),
        tools: [{ name: "get_weather", description: "Current weather of a city" }],
      });
      expect(chat.output).toMatchObject([{ role: "assistant", parts: expect.any(Array) }]);
    }
    const askingChat = chats.find((chat) => chat.usageDetails.input === 40)!;
    expect(askingChat).toMatchObject({ usageDetails: { input: 40, output: 12, total: 52 } });
    // The agent's output repeats the step's tool call, so it names the tool too.
    const agent = observations.find((o) => o.type === "AGENT")!;
    expect((await idsWhere(traceId, [{ type: "arrayOptions", column: "calledToolNames", operator: "any of", value: ["get_weather"] }])).sort()).toEqual(
      [askingChat.id, agent.id].sort(),
    );
    const toolSpan = observations.find((o) => o.type === "TOOL")!;
    expect(toolSpan).toMatchObject({ name: "get_weather", input: { city: "Paris" }, output: { city: "Paris", tempC: 18, sky: "clear" } });
    expect(agent).toMatchObject({ model: null, usageDetails: {} });
  });

  /** Ids of the trace's observations that match a v2 advanced filter, newest first. */
  async function idsWhere(traceId: string, conditions: unknown[]): Promise<string[]> {
    const filter = encodeURIComponent(JSON.stringify(conditions));
    const response = await t.app.inject({ method: "GET", url: `/api/public/v2/observations?traceId=${traceId}&filter=${filter}`, headers: { authorization: t.project.basic } });
    expect(response.statusCode).toBe(200);
    return response.json().data.map((o: { id: string }) => o.id);
  }

  /** The newest trace of the project. */
  async function latestTraceId(): Promise<string> {
    const response = await t.app.inject({ method: "GET", url: "/api/public/traces?limit=1", headers: { authorization: t.project.basic } });
    return response.json().data[0].id;
  }
});
