import type { IncomingMessage } from "node:http";
import { ROOT_CONTEXT, SpanStatusCode, trace, type Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter as HttpJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { createTestApp, listen, type TestApp } from "./support/harness.ts";

type ExporterOptions = ConstructorParameters<typeof ProtobufExporter>[0];
const providers: NodeTracerProvider[] = [];

function tracerFor(exporter: HttpJsonExporter | ProtobufExporter): { tracer: Tracer; provider: NodeTracerProvider } {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": "exporter-test", "service.version": "2.1.0", "deployment.environment": "QA" }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  providers.push(provider);
  return { tracer: provider.getTracer("opentelemetry.instrumentation.openai", "0.1.0"), provider };
}

describe("plain OpenTelemetry exporters with GenAI attributes against a running Wick", () => {
  let t: TestApp;
  let options: (extra?: object) => ExporterOptions;
  const encodings: Array<{ type?: string; encoding?: string }> = [];
  beforeAll(async () => {
    t = await createTestApp("embedded");
    const baseUrl = await listen(t.app);
    t.app.server.on("request", (request: IncomingMessage) => {
      if (request.url?.startsWith("/api/public/otel")) encodings.push({ type: request.headers["content-type"], encoding: request.headers["content-encoding"] });
    });
    options = (extra = {}) => ({ url: `${baseUrl}/api/public/otel/v1/traces`, headers: { authorization: t.project.basic }, ...extra }) as ExporterOptions;
  });
  afterAll(async () => {
    await Promise.all(providers.map((provider) => provider.shutdown()));
    await t?.close();
  });

  const get = (path: string) => t.app.inject({ method: "GET", url: path, headers: { authorization: t.project.basic } });

  /** A chat call that asks for a tool, and the tool execution under it. */
  function recordChat(tracer: Tracer): { traceId: string; chatId: string; toolId: string } {
    return tracer.startActiveSpan("chat gpt-4o-mini", (chat) => {
      chat.setAttributes({
        "gen_ai.operation.name": "chat",
        "gen_ai.system": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
        "gen_ai.request.max_tokens": 200,
        "gen_ai.usage.input_tokens": 100,
        "gen_ai.usage.output_tokens": 20,
        "gen_ai.usage.cache_read.input_tokens": 30,
        "gen_ai.usage.custom_units": 7,
        "gen_ai.conversation.id": "conversation-9",
        "gen_ai.input.messages": JSON.stringify([{ role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] }]),
        "gen_ai.output.messages": JSON.stringify([{ role: "assistant", parts: [{ type: "tool_call", id: "call-1", name: "get_weather", arguments: { city: "Paris" } }] }]),
        "gen_ai.system_instructions": "Be brief.",
      });
      // No context manager is registered: the parent is passed explicitly.
      const tool = tracer.startSpan(
        "execute_tool get_weather",
        {
          attributes: {
            "gen_ai.operation.name": "execute_tool",
            "gen_ai.tool.name": "get_weather",
            "gen_ai.tool.call.id": "call-1",
            "gen_ai.tool.call.arguments": '{"city":"Paris"}',
            "gen_ai.tool.call.result": '{"tempC":18}',
          },
        },
        trace.setSpan(ROOT_CONTEXT, chat),
      );
      tool.end();
      chat.setStatus({ code: SpanStatusCode.OK });
      chat.end();
      return { traceId: chat.spanContext().traceId, chatId: chat.spanContext().spanId, toolId: tool.spanContext().spanId };
    });
  }

  async function expectChatStored(ids: { traceId: string; chatId: string; toolId: string }) {
    const traceResponse = await get(`/api/public/traces/${ids.traceId}`);
    expect(traceResponse.statusCode).toBe(200);
    const trace = traceResponse.json();
    expectReferenceResponse({ method: "GET", path: "/api/public/traces/{traceId}" }, 200, trace);
    expect(trace).toMatchObject({ name: "chat gpt-4o-mini", sessionId: "conversation-9", environment: "qa", release: null, version: "2.1.0" });

    const chat = (await get(`/api/public/observations/${ids.chatId}`)).json();
    expectReferenceResponse({ method: "GET", path: "/api/public/observations/{observationId}" }, 200, chat);
    expect(chat).toMatchObject({
      type: "GENERATION",
      model: "gpt-4o-mini-2024-07-18",
      modelParameters: { max_tokens: 200 },
      usageDetails: { input: 70, output: 20, input_cached_tokens: 30, custom_units: 7 },
      input: [
        { role: "system", content: "Be brief." },
        { role: "user", parts: [{ type: "text", content: "Weather in Paris?" }] },
      ],
      output: [{ role: "assistant", parts: [{ type: "tool_call", name: "get_weather" }] }],
    });
    // Tool calls go to the tool-call columns (otel.md 4.12), which the v2 filter reads, not to metadata.
    expect(chat.metadata).not.toHaveProperty("tool_calls");
    const filter = encodeURIComponent(JSON.stringify([{ type: "arrayOptions", column: "calledToolNames", operator: "any of", value: ["get_weather"] }]));
    const calling = (await get(`/api/public/v2/observations?traceId=${ids.traceId}&filter=${filter}`)).json();
    expect(calling.data.map((o: { id: string }) => o.id)).toEqual([ids.chatId]);
    const tool = (await get(`/api/public/observations/${ids.toolId}`)).json();
    expect(tool).toMatchObject({ type: "TOOL", name: "get_weather", parentObservationId: ids.chatId, input: { city: "Paris" }, output: { tempC: 18 } });
  }

  it("stores a GENERATION with model and usage from the protobuf exporter, gzip-compressed", async () => {
    const { tracer, provider } = tracerFor(new ProtobufExporter(options({ compression: "gzip" })));
    const ids = recordChat(tracer);
    await provider.forceFlush();
    expect(encodings.at(-1)).toEqual({ type: "application/x-protobuf", encoding: "gzip" });
    await expectChatStored(ids);
  });

  it("stores the same from the OTLP/JSON exporter", async () => {
    const { tracer, provider } = tracerFor(new HttpJsonExporter(options()));
    const ids = recordChat(tracer);
    await provider.forceFlush();
    expect(encodings.at(-1)).toEqual({ type: "application/json", encoding: undefined });
    await expectChatStored(ids);
  });

  it("keeps token counts sent without a model or type, as Go's exporter sends them (langfuse#11135)", async () => {
    const { tracer, provider } = tracerFor(new ProtobufExporter(options()));
    const span = tracer.startSpan("summarise", { attributes: { "gen_ai.usage.input_tokens": 11, "gen_ai.usage.output_tokens": 4 } });
    span.end();
    const detailed = tracer.startSpan("summarise again", { attributes: { "langfuse.observation.usage_details.input": 5, "langfuse.observation.usage_details.output": 2 } });
    detailed.end();
    await provider.forceFlush();
    const stored = (await get(`/api/public/observations/${span.spanContext().spanId}`)).json();
    expect(stored).toMatchObject({ type: "GENERATION", usageDetails: { input: 11, output: 4, total: 15 } });
    const fromDetails = (await get(`/api/public/observations/${detailed.spanContext().spanId}`)).json();
    expect(fromDetails).toMatchObject({ type: "GENERATION", usageDetails: { input: 5, output: 2, total: 7 } });
  });
});
