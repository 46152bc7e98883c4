import { LangfuseSpanProcessor } from "@langfuse/otel";
import { propagateAttributes, setActiveTraceAsPublic, setLangfuseTracerProvider, startActiveObservation, startObservation } from "@langfuse/tracing";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { createTestApp, listen, type TestApp } from "./support/harness.ts";

describe("the Langfuse v5 JS SDK (LangfuseSpanProcessor, OTLP/JSON) against a running Wick", () => {
  let t: TestApp;
  let provider: NodeTracerProvider;
  beforeAll(async () => {
    t = await createTestApp("embedded");
    const baseUrl = await listen(t.app);
    const processor = new LangfuseSpanProcessor({
      publicKey: t.project.publicKey,
      secretKey: t.project.secretKey,
      baseUrl,
      environment: "Langfuse-Staging",
      release: "r-42",
      flushAt: 1000,
      flushInterval: 60,
    });
    provider = new NodeTracerProvider({ spanProcessors: [processor] });
    // The SDK uses its own provider; a context manager makes active observations nest.
    provider.register();
    setLangfuseTracerProvider(provider);
  });
  afterAll(async () => {
    setLangfuseTracerProvider(null);
    await provider?.shutdown();
    await t?.close();
  });

  const get = (path: string) => t.app.inject({ method: "GET", url: path, headers: { authorization: t.project.basic } });

  it("stores nested observations of several types, a priced generation and the trace attributes", async () => {
    const completionStart = new Date(Date.now() + 5);
    const traceId = await propagateAttributes(
      { userId: "user-7", sessionId: "session-3", tags: ["support", "beta"], traceName: "support-chat", metadata: { tier: "gold" }, version: "v1.2" },
      () =>
        startActiveObservation("handle-request", async (root) => {
          root.update({ input: { question: "Can I get a refund?" }, metadata: { channel: "web" } });
          setActiveTraceAsPublic();
          await startActiveObservation(
            "planner",
            async (agent) => {
              const lookup = startObservation("lookup-policy", { input: { query: "refund policy" } }, { asType: "tool" });
              const search = lookup.startObservation("search-docs", { input: "refund" }, { asType: "retriever" });
              search.update({ output: ["doc-1", "doc-2"] }).end();
              lookup.update({ output: { policy: "30 days" } }).end();
              const answer = startObservation(
                "answer",
                {
                  model: "gpt-4o",
                  modelParameters: { temperature: 0.2, max_tokens: 300 },
                  input: [{ role: "user", content: "Can I get a refund?" }],
                  prompt: { name: "support-answer", version: 3, isFallback: false },
                  completionStartTime: completionStart,
                },
                { asType: "generation" },
              );
              answer.update({ output: { role: "assistant", content: "Within 30 days." }, usageDetails: { input: 120, output: 14 }, costDetails: { total: 0.0021 } }).end();
              startObservation("handoff", { level: "WARNING", statusMessage: "escalated" }, { asType: "event" });
              agent.update({ output: "planned" });
            },
            { asType: "agent" },
          );
          root.update({ output: { answer: "Within 30 days." } });
          return root.traceId;
        }),
    );
    await provider.forceFlush();

    const response = await get(`/api/public/traces/${traceId}`);
    expect(response.statusCode).toBe(200);
    const trace = response.json();
    expectReferenceResponse({ method: "GET", path: "/api/public/traces/{traceId}" }, 200, trace);
    expect(trace).toMatchObject({
      id: traceId,
      name: "support-chat",
      userId: "user-7",
      sessionId: "session-3",
      tags: ["beta", "support"],
      public: true,
      release: "r-42",
      version: "v1.2",
      environment: "staging",
      input: { question: "Can I get a refund?" },
      output: { answer: "Within 30 days." },
      metadata: { tier: "gold" },
    });

    const byName = Object.fromEntries(trace.observations.map((o: { name: string }) => [o.name, o]));
    expect(Object.keys(byName).sort()).toEqual(["answer", "handle-request", "handoff", "lookup-policy", "planner", "search-docs"]);
    const root = byName["handle-request"];
    expect(root).toMatchObject({ type: "SPAN", parentObservationId: null, environment: "staging", version: "v1.2", metadata: { channel: "web" } });
    expect(root.metadata).not.toHaveProperty("attributes");
    expect(byName.planner).toMatchObject({ type: "AGENT", parentObservationId: root.id, output: "planned" });
    expect(byName["lookup-policy"]).toMatchObject({ type: "TOOL", parentObservationId: byName.planner.id, input: { query: "refund policy" }, output: { policy: "30 days" } });
    expect(byName["search-docs"]).toMatchObject({ type: "RETRIEVER", parentObservationId: byName["lookup-policy"].id, output: ["doc-1", "doc-2"] });
    expect(byName.handoff).toMatchObject({ type: "EVENT", level: "WARNING", statusMessage: "escalated", endTime: null });

    const generation = (await get(`/api/public/observations/${byName.answer.id}`)).json();
    expectReferenceResponse({ method: "GET", path: "/api/public/observations/{observationId}" }, 200, generation);
    expect(generation).toMatchObject({
      type: "GENERATION",
      parentObservationId: byName.planner.id,
      model: "gpt-4o",
      modelParameters: { temperature: 0.2, max_tokens: 300 },
      input: [{ role: "user", content: "Can I get a refund?" }],
      output: { role: "assistant", content: "Within 30 days." },
      usageDetails: { input: 120, output: 14, total: 134 },
      costDetails: { total: 0.0021 },
      calculatedTotalCost: 0.0021,
      completionStartTime: completionStart.toISOString(),
    });

    const v2 = await get(`/api/public/v2/observations?traceId=${traceId}&fields=core,basic,usage,model`);
    expect(v2.statusCode).toBe(200);
    expectReferenceResponse({ method: "GET", path: "/api/public/v2/observations" }, 200, v2.json());
    const listed = Object.fromEntries(v2.json().data.map((o: { name: string; type: string }) => [o.name, o.type]));
    expect(listed).toEqual({ "handle-request": "SPAN", planner: "AGENT", "lookup-policy": "TOOL", "search-docs": "RETRIEVER", answer: "GENERATION", handoff: "EVENT" });

    // The prompt link travels in the generation's event, with the SDK attribution; the merge links
    // it to a stored prompt version the way it does for the ingestion API.
    const logged = await t.stores.clickhouse.client.query({
      query: "SELECT body, ingestion_sdk_name AS sdk FROM raw_events WHERE project_id = {project:String} AND entity_id = {id:String}",
      query_params: { project: t.project.id, id: byName.answer.id },
      format: "JSONEachRow",
    });
    const [event] = await logged.json<{ body: string; sdk: string }>();
    expect(event?.sdk).toBe("javascript");
    expect(JSON.parse(event!.body)).toMatchObject({ promptName: "support-answer", promptVersion: 3 });
  });
});
