import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { LangfuseClient } from "@langfuse/client";
import { Langfuse } from "langfuse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, listen, postgresModes, type TestApp } from "./support/harness.ts";

const fresh = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

describe.each(postgresModes())("the dataset clients of the Langfuse SDKs against a running Wick (%s Postgres)", (mode) => {
  let t: TestApp;
  let client: LangfuseClient;
  let legacy: Langfuse;
  beforeAll(async () => {
    t = await createTestApp(mode);
    const baseUrl = await listen(t.app);
    client = new LangfuseClient({ publicKey: t.project.publicKey, secretKey: t.project.secretKey, baseUrl });
    legacy = new Langfuse({ publicKey: t.project.publicKey, secretKey: t.project.secretKey, baseUrl, flushAt: 100, flushInterval: 60_000 });
  });
  afterAll(async () => {
    await legacy?.shutdownAsync();
    await t?.close();
  });

  describe("the legacy langfuse v3 SDK", () => {
    it("creates a dataset and its items, and gets the dataset with every active item across pages", async () => {
      const name = `${fresh("evals")}/capital cities+`;
      const created = await legacy.createDataset({ name, description: "capitals", metadata: { owner: "qa" } });
      expect(created).toMatchObject({ name, description: "capitals", metadata: { owner: "qa" }, items: [], runs: [] });

      const written = [];
      for (let index = 0; index < 57; index += 1) {
        written.push(await legacy.createDatasetItem({ datasetName: name, input: { country: `country ${index}` }, expectedOutput: `capital ${index}`, metadata: { index } }));
      }
      const archived = written[3]!;
      await legacy.createDatasetItem({ datasetName: name, id: archived.id, status: "ARCHIVED" });

      const dataset = await legacy.getDataset(name, { fetchItemsPageSize: 10 });
      expect(dataset).toMatchObject({ id: created.id, name, description: "capitals", metadata: { owner: "qa" } });
      expect(dataset.items).toHaveLength(56);
      expect(dataset.items.map((item) => item.id)).toEqual(
        written
          .filter((item) => item.id !== archived.id)
          .reverse()
          .map((item) => item.id),
      );
      expect(dataset.items[0]).toMatchObject({ input: { country: "country 56" }, expectedOutput: "capital 56", metadata: { index: 56 }, status: "ACTIVE", datasetName: name });
      expect(typeof dataset.items[0]!.link).toBe("function");

      const item = await legacy.getDatasetItem(archived.id);
      expect(item).toMatchObject({ id: archived.id, status: "ARCHIVED", input: { country: "country 3" } });
    });

    it("gets an empty dataset with no items", async () => {
      const name = fresh("empty");
      await legacy.createDataset(name);
      const dataset = await legacy.getDataset(name);
      expect(dataset.items).toEqual([]);
    });
  });

  describe("@langfuse/client", () => {
    it("gets a dataset with its items, as they are and as they were at a version", async () => {
      const name = `${fresh("qa")}/golden`;
      await client.api.datasets.create({ name, description: "golden answers" });
      const first = [];
      for (let index = 0; index < 23; index += 1)
        first.push(await client.dataset.createItem({ datasetName: name, input: { question: `${index}+${index}?` }, expectedOutput: { answer: 2 * index } }));
      await sleep(3);
      const version = new Date().toISOString();
      await sleep(3);
      const later = await client.dataset.createItem({ datasetName: name, input: { question: "late?" } });
      await client.dataset.createItem({ datasetName: name, id: first[0]!.id, input: { question: "changed" } });

      const current = await client.dataset.get(name, { fetchItemsPageSize: 5 });
      expect(current).toMatchObject({ name, description: "golden answers" });
      expect(current.items).toHaveLength(24);
      expect(current.items.slice(0, 2).map((item) => [item.id, item.input])).toEqual([
        [first[0]!.id, { question: "changed" }],
        [later.id, { question: "late?" }],
      ]);

      const then = await client.dataset.get(name, { fetchItemsPageSize: 5, version });
      expect(then.version).toBe(version);
      expect(then.items.map((item) => item.id)).toEqual(first.map((item) => item.id).reverse());
      expect(then.items.at(-1)!.input).toEqual({ question: "0+0?" });
    });

    it("reads and writes datasets and items through the API namespace", async () => {
      const name = fresh("api");
      const schema = { type: "object", properties: { question: { type: "string" } }, required: ["question"] };
      const dataset = await client.api.datasets.create({ name, metadata: { team: "evals" }, inputSchema: schema });
      expect(dataset).toMatchObject({ name, metadata: { team: "evals" }, inputSchema: schema, expectedOutputSchema: null, projectId: t.project.id });
      expect(await client.api.datasets.get(name)).toEqual(dataset);
      const listed = await client.api.datasets.list({ limit: 100 });
      expect(listed.data.map((entry) => entry.id)).toContain(dataset.id);

      const item = await client.api.datasetItems.create({ datasetName: name, input: { question: "2+2?" }, expectedOutput: "four", sourceTraceId: "trace-1" });
      expect(item).toMatchObject({ datasetId: dataset.id, datasetName: name, status: "ACTIVE", input: { question: "2+2?" }, sourceTraceId: "trace-1", mediaReferences: [] });
      await expect(client.api.datasetItems.create({ datasetName: name, input: { prompt: "2+2?" } })).rejects.toMatchObject({ statusCode: 400 });
      expect(await client.api.datasetItems.get(item.id)).toEqual(item);
      const page = await client.api.datasetItems.list({ datasetName: name, sourceTraceId: "trace-1", limit: 10 });
      expect(page).toEqual({ data: [item], meta: { page: 1, limit: 10, totalItems: 1, totalPages: 1 } });

      expect(await client.api.datasetItems.delete(item.id)).toEqual({ message: "Dataset item successfully deleted" });
      await expect(client.api.datasetItems.get(item.id)).rejects.toMatchObject({ statusCode: 404 });
      await expect(client.api.datasets.get(fresh("missing"))).rejects.toMatchObject({ statusCode: 404 });
      expect((await client.dataset.get(name)).items).toEqual([]);
    });
  });
});
