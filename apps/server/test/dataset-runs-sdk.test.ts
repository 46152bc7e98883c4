import { randomUUID } from "node:crypto";
import { LangfuseClient } from "@langfuse/client";
import { LangfuseSpanProcessor } from "@langfuse/otel";
import { setLangfuseTracerProvider } from "@langfuse/tracing";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { Langfuse } from "langfuse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callPublic, createTestApp, listen, postgresModes, type TestApp } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";

const fresh = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe.each(postgresModes())("dataset runs through the Langfuse SDKs against a running Wick (%s Postgres)", (mode) => {
  let t: TestApp;
  let client: LangfuseClient;
  let legacy: Langfuse;
  let provider: NodeTracerProvider;
  beforeAll(async () => {
    t = await createTestApp(mode);
    const baseUrl = await listen(t.app);
    const keys = { publicKey: t.project.publicKey, secretKey: t.project.secretKey, baseUrl };
    client = new LangfuseClient(keys);
    legacy = new Langfuse({ ...keys, flushAt: 100, flushInterval: 60_000 });
    // The experiment runner traces each item through the SDK's OTel span processor.
    provider = new NodeTracerProvider({ spanProcessors: [new LangfuseSpanProcessor({ ...keys, flushAt: 1000, flushInterval: 60 })] });
    setLangfuseTracerProvider(provider);
  });
  afterAll(async () => {
    setLangfuseTracerProvider(null);
    await provider?.shutdown();
    await legacy?.shutdownAsync();
    await t?.close();
  });

  const get = async (url: string, referencePath: string) => {
    const response = await callPublic(t, "GET", url);
    expect(response.statusCode, response.body).toBe(200);
    expectReferenceResponse({ method: "GET", path: referencePath }, 200, response.json());
    return response.json();
  };

  describe("@langfuse/client", () => {
    it("runs an experiment over a dataset with a task and an evaluator, and reads the run back", async () => {
      const name = `${fresh("qa")}/capitals`;
      await client.api.datasets.create({ name });
      const capitals: Record<string, string> = { France: "Paris", Japan: "Tokyo", Peru: "Lima" };
      for (const [country, capital] of Object.entries(capitals)) await client.api.datasetItems.create({ datasetName: name, input: { country }, expectedOutput: capital });
      const dataset = await client.dataset.get(name);
      expect(dataset.items).toHaveLength(3);

      const runName = `${fresh("baseline")} run/1+`;
      const experiment = () =>
        dataset.runExperiment({
          name: "capital lookup",
          runName,
          description: "a lookup table",
          metadata: { model: "table" },
          task: async ({ input }) => capitals[(input as { country: string }).country] ?? "unknown",
          evaluators: [async ({ output, expectedOutput }) => ({ name: "exact-match", value: output === expectedOutput ? 1 : 0 })],
        });
      const result = await experiment();
      await provider.forceFlush();

      expect(result.itemResults).toHaveLength(3);
      expect(result.datasetRunId).toMatch(/^[0-9a-f]{16}$/);
      expect(new Set(result.itemResults.map((item) => item.datasetRunId))).toEqual(new Set([result.datasetRunId]));
      expect(result.itemResults.flatMap((item) => item.evaluations.map((evaluation) => evaluation.value))).toEqual([1, 1, 1]);

      // Raw HTTP: the run with its items, each linked to the trace the runner made for it.
      const run = await get(`/datasets/${encodeURIComponent(name)}/runs/${encodeURIComponent(runName)}`, "/api/public/datasets/{datasetName}/runs/{runName}");
      expect(run).toMatchObject({ id: result.datasetRunId, name: runName, description: "a lookup table", metadata: { model: "table" }, datasetId: dataset.id, datasetName: name });
      expect(run.datasetRunItems.map((item: { traceId: string }) => item.traceId).sort()).toEqual(result.itemResults.map((item) => item.traceId).sort());
      const page = await get(`/dataset-run-items?datasetId=${dataset.id}&runName=${encodeURIComponent(runName)}`, "/api/public/dataset-run-items");
      expect(page.meta).toEqual({ page: 1, limit: 50, totalItems: 3, totalPages: 1 });
      // Each item's trace arrived over OTLP, and the evaluator's score on it through ingestion.
      for (const traceId of result.itemResults.map((item) => item.traceId!)) {
        expect((await callPublic(t, "GET", `/traces/${traceId}`)).statusCode).toBe(200);
        const scores = (await callPublic(t, "GET", `/v2/scores?traceId=${traceId}`)).json();
        expect(scores.data.map((score: { name: string; value: number }) => [score.name, score.value])).toEqual([["exact-match", 1]]);
      }

      // Running again under the same name is the same run: the same id, one item per dataset item.
      const again = await experiment();
      expect(again.datasetRunId).toBe(result.datasetRunId);
      await provider.forceFlush();

      // Through the SDK's API namespace.
      const runs = await client.api.datasets.getRuns(name);
      expect(runs.data.map((entry) => entry.id)).toEqual([result.datasetRunId]);
      const fetched = await client.api.datasets.getRun(name, runName);
      expect(fetched.datasetRunItems.map((item) => item.traceId).sort()).toEqual(again.itemResults.map((item) => item.traceId).sort());
      const listed = await client.api.datasetRunItems.list({ datasetId: dataset.id, runName, limit: 2 });
      expect(listed.meta).toEqual({ page: 1, limit: 2, totalItems: 3, totalPages: 2 });
      expect(await client.api.datasets.deleteRun(name, runName)).toEqual({ message: "Dataset run successfully deleted" });
      await expect(client.api.datasets.getRun(name, runName)).rejects.toMatchObject({ statusCode: 404 });
    });
  });

  describe("the legacy langfuse v3 SDK", () => {
    it("links traces and observations to dataset items with item.link, and reads the run back", async () => {
      const name = fresh("legacy");
      await legacy.createDataset({ name });
      await legacy.createDatasetItem({ datasetName: name, input: { question: "2+2?" }, expectedOutput: "4" });
      await legacy.createDatasetItem({ datasetName: name, input: { question: "3+3?" }, expectedOutput: "6" });
      const dataset = await legacy.getDataset(name);
      const runName = fresh("v3 run");

      const [first, second] = dataset.items as [(typeof dataset.items)[number], (typeof dataset.items)[number]];
      const trace = legacy.trace({ name: "answer", input: first.input });
      // The SDK types the link's answer as `{id}`; it is the whole run item.
      const linkedTrace = (await first.link(trace, runName, { description: "legacy run", metadata: { sdk: "v3" } })) as unknown as { datasetRunId: string };
      const other = legacy.trace({ name: "answer" });
      const span = other.span({ name: "compute", input: second.input });
      span.end({ output: "6" });
      const linkedSpan = await second.link(span, runName, { description: "ignored", metadata: { ignored: true } });
      expect(linkedTrace).toMatchObject({ datasetRunName: runName, datasetItemId: first.id, traceId: trace.id, observationId: null });
      expect(linkedSpan).toMatchObject({ datasetRunId: linkedTrace.datasetRunId, traceId: other.id, observationId: span.id });

      // An observation alone: the server finds its trace.
      const viaObservation = await legacy.createDatasetRunItem({ runName, datasetItemId: first.id, observationId: span.id });
      expect(viaObservation.traceId).toBe(other.id);

      const run = await legacy.getDatasetRun({ datasetName: name, runName });
      expect(run).toMatchObject({ id: linkedTrace.datasetRunId, name: runName, description: "legacy run", metadata: { sdk: "v3" }, datasetName: name });
      expect(run.datasetRunItems.map((item) => [item.datasetItemId, item.traceId])).toEqual([
        [first.id, other.id],
        [second.id, other.id],
      ]);
      const runs = await legacy.getDatasetRuns(name);
      expect(runs.data.map((entry) => entry.name)).toEqual([runName]);
      // The SDK reads datasets through v2, which has no runs; the v1 read it once used lists them.
      expect((await callPublic(t, "GET", `/datasets/${name}`)).json().runs).toEqual([runName]);

      // Once the SDK has sent its traces, the run is an experiment too: the linked trace and the
      // linked span are its items (the reference's backfill, which Wick reads through).
      await legacy.flushAsync();
      const window = `fromStartTime=${new Date(Date.now() - 3_600_000).toISOString()}`;
      const experiments = await get(`/experiments?${window}&id=${linkedTrace.datasetRunId}`, "/api/public/experiments");
      expect(experiments.data).toMatchObject([{ id: linkedTrace.datasetRunId, name: runName, description: "legacy run", itemCount: 2, datasetId: dataset.id }]);
      const items = await get(`/experiment-items?${window}&experimentId=${linkedTrace.datasetRunId}&fields=core,io`, "/api/public/experiment-items");
      expect(items.data.map((item: { id: string; experimentItemId: string; expectedOutput: string }) => [item.id, item.experimentItemId, item.expectedOutput]).sort()).toEqual(
        [
          [`t-${trace.id}`, first.id, JSON.stringify(first.expectedOutput)],
          [span.id, second.id, JSON.stringify(second.expectedOutput)],
        ].sort(),
      );
    });
  });
});
