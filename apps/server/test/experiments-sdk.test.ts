import { LangfuseClient } from "@langfuse/client";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { setLangfuseTracerProvider, startActiveObservation } from "@langfuse/tracing";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { createTestApp, listen, type TestApp } from "./support/harness.ts";

describe("the Langfuse v5 JS SDK's experiment runner (local data, OTLP spans and scores) read back through the experiments API", () => {
  let t: TestApp;
  let provider: NodeTracerProvider;
  let langfuse: LangfuseClient;
  const startedAt = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    t = await createTestApp("embedded");
    const baseUrl = await listen(t.app);
    const credentials = { publicKey: t.project.publicKey, secretKey: t.project.secretKey, baseUrl };
    provider = new NodeTracerProvider({ spanProcessors: [new LangfuseSpanProcessor({ ...credentials, flushAt: 1000, flushInterval: 60 })] });
    provider.register();
    setLangfuseTracerProvider(provider);
    langfuse = new LangfuseClient(credentials);
  });
  afterAll(async () => {
    setLangfuseTracerProvider(null);
    await provider?.shutdown();
    await t?.close();
  });

  it("lists the run as an experiment with its items, their expected outputs and the evaluators' scores", async () => {
    const data = [
      { input: "What is the capital of France?", expectedOutput: "Paris", metadata: { topic: "geography" } },
      { input: "What is 2 + 2?", expectedOutput: "4", metadata: { topic: "maths" } },
      { input: "Who wrote Hamlet?", expectedOutput: "Shakespeare", metadata: { topic: "literature" } },
    ];
    const answers: Record<string, string> = { "What is the capital of France?": "Paris", "What is 2 + 2?": "4", "Who wrote Hamlet?": "Marlowe" };
    const result = await langfuse.experiment.run({
      name: "Capitals and sums",
      description: "A local data set",
      metadata: { model: "lookup-table" },
      data,
      // The task makes a span of its own under the item's root span.
      task: async ({ input }) => startActiveObservation("lookup", async () => answers[input as string]),
      evaluators: [async ({ output, expectedOutput }) => ({ name: "exact_match", value: output === expectedOutput ? 1 : 0 })],
    });
    await provider.forceFlush();
    expect(result.itemResults).toHaveLength(3);

    const experiments = await langfuse.api.experiments.list({ fromStartTime: startedAt, fields: "core,metadata" });
    expectReferenceResponse({ method: "GET", path: "/api/public/experiments" }, 200, experiments);
    expect(experiments.data).toHaveLength(1);
    expect(experiments.data[0]).toMatchObject({
      id: result.experimentId,
      name: result.runName,
      description: "A local data set",
      itemCount: 3,
      datasetId: null,
      metadata: { model: "lookup-table" },
    });

    const items = await langfuse.api.experiments.listItems({ fromStartTime: startedAt, experimentId: result.experimentId, fields: "core,io,itemMetadata,scores" });
    expectReferenceResponse({ method: "GET", path: "/api/public/experiment-items" }, 200, items);
    expect(items.data).toHaveLength(3);
    const byInput = new Map(items.data.map((item) => [item.input, item]));
    const hamlet = byInput.get("Who wrote Hamlet?")!;
    expect(hamlet).toMatchObject({ experimentId: result.experimentId, expectedOutput: "Shakespeare", output: "Marlowe", experimentItemMetadata: { topic: "literature" } });
    expect(hamlet.traceId).toBe(result.itemResults.find((item) => item.item.input === "Who wrote Hamlet?")!.traceId);
    expect(hamlet.scores).toEqual([expect.objectContaining({ name: "exact_match", value: 0 })]);
    expect(byInput.get("What is 2 + 2?")!.scores).toEqual([expect.objectContaining({ name: "exact_match", value: 1 })]);
  });
});
