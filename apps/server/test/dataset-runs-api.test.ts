import { createHash, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { selectRows } from "@wick/clickhouse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callPublic, createTestApp, postgresModes, type PublicCallOptions, type TestApp, type TestProject } from "./support/harness.ts";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { checkedCall, okCall, type ReferenceCallOptions, type ReferenceOperation } from "./support/reference-calls.ts";

const CREATE_RUN_ITEM = { method: "POST", path: "/api/public/dataset-run-items" };
const LIST_RUN_ITEMS = { method: "GET", path: "/api/public/dataset-run-items" };
const LIST_RUNS = { method: "GET", path: "/api/public/datasets/{datasetName}/runs" };
const GET_RUN = { method: "GET", path: "/api/public/datasets/{datasetName}/runs/{runName}" };
const DELETE_RUN = { method: "DELETE", path: "/api/public/datasets/{datasetName}/runs/{runName}" };

type Method = "GET" | "POST" | "DELETE";
type Body = Record<string, unknown>;
interface RunItem {
  id: string;
  datasetRunId: string;
  datasetRunName: string;
  datasetItemId: string;
  traceId: string;
  observationId: string | null;
  createdAt: string;
}
interface Run {
  id: string;
  name: string;
  description: string | null;
  metadata: unknown;
  datasetId: string;
  datasetName: string;
  createdAt: string;
}

/** The id upstream's v4 derives for a run, computed here independently of Wick's code. */
const upstreamRunId = (projectId: string, datasetId: string, runName: string) =>
  createHash("sha256")
    .update(`["langfuse-experiment-v1",${JSON.stringify(projectId)},${JSON.stringify(datasetId)},${JSON.stringify(runName)}]`)
    .digest("hex")
    .slice(0, 16);

describe.each(postgresModes())("dataset runs and run items API (%s Postgres)", (mode) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(mode);
  });
  afterAll(async () => t?.close());

  const fresh = (prefix = "run") => `${prefix}-${randomUUID().slice(0, 8)}`;
  const segment = (name: string) => encodeURIComponent(name);
  const call = (method: Method, url: string, options: PublicCallOptions = {}) => callPublic(t, method, url, options);

  const checked = (operation: ReferenceOperation, url: string, options: ReferenceCallOptions = {}) => checkedCall(t, operation, url, options);
  const ok = (operation: ReferenceOperation, url: string, options: ReferenceCallOptions = {}) => okCall(t, operation, url, options);
  const query = (values: Record<string, string | number>) => new URLSearchParams(Object.entries(values).map(([key, value]): [string, string] => [key, String(value)]));

  const postRunItem = (body: Body, project?: TestProject) => checked(CREATE_RUN_ITEM, "/dataset-run-items", { body, project });
  const createRunItem = (body: Body, project?: TestProject): Promise<RunItem> => ok(CREATE_RUN_ITEM, "/dataset-run-items", { body, project });
  const listRunItems = (values: Record<string, string | number>, project?: TestProject): Promise<{ data: RunItem[]; meta: Body }> =>
    ok(LIST_RUN_ITEMS, `/dataset-run-items?${query(values)}`, { project });
  const listRuns = (datasetName: string, values: Record<string, string | number> = {}, project?: TestProject): Promise<{ data: Run[]; meta: Body }> =>
    ok(LIST_RUNS, `/datasets/${segment(datasetName)}/runs?${query(values)}`, { project });
  const getRun = (datasetName: string, runName: string, project?: TestProject) => checked(GET_RUN, `/datasets/${segment(datasetName)}/runs/${segment(runName)}`, { project });
  const deleteRun = (datasetName: string, runName: string, project?: TestProject) => checked(DELETE_RUN, `/datasets/${segment(datasetName)}/runs/${segment(runName)}`, { project });

  /** A dataset with `count` items (ids returned oldest first). */
  const newDataset = async (count = 1, project?: TestProject, name = fresh("dataset")) => {
    const dataset = (await call("POST", "/v2/datasets", { body: { name }, project })).json() as { id: string; name: string };
    const items: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const item = await call("POST", "/dataset-items", { body: { datasetName: name, input: { index }, expectedOutput: index, metadata: { index } }, project });
      items.push(item.json().id);
    }
    return { ...dataset, items };
  };

  /** Run items of a run as stored in ClickHouse, deleted rows left out. */
  const storedRows = async (runId: string, project = t.project) => {
    const [row] = await selectRows<{ n: string | number }>(t.stores.clickhouse.client, {
      name: "test.count-run-items",
      sql: "SELECT count() AS n FROM dataset_run_items WHERE project_id = {projectId:String} AND dataset_run_id = {runId:String}",
      params: { projectId: project.id, runId },
    });
    return Number(row!.n);
  };

  describe("creating run items", () => {
    it("creates the run on first use with upstream's stable id, and leaves an existing run unchanged", async () => {
      const dataset = await newDataset(2);
      const runName = fresh();
      const first = await createRunItem({ runName, runDescription: "first", metadata: { model: "gpt" }, datasetItemId: dataset.items[0], traceId: "trace-1" });
      expect(first).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        datasetRunId: upstreamRunId(t.project.id, dataset.id, runName),
        datasetRunName: runName,
        datasetItemId: dataset.items[0],
        traceId: "trace-1",
        observationId: null,
        createdAt: expect.any(String),
        updatedAt: first.createdAt,
      });
      const second = await createRunItem({
        runName,
        runDescription: "second",
        metadata: { model: "other" },
        datasetItemId: dataset.items[1],
        traceId: "trace-2",
        observationId: "obs-2",
      });
      expect(second.datasetRunId).toBe(first.datasetRunId);
      expect(second.observationId).toBe("obs-2");
      const run = (await getRun(dataset.name, runName)).json();
      expect(run).toMatchObject({ id: first.datasetRunId, name: runName, description: "first", metadata: { model: "gpt" }, datasetId: dataset.id, datasetName: dataset.name });
    });

    it("normalises the metadata a run is created with", async () => {
      const dataset = await newDataset(1);
      const metadataOf = async (body: Body) => {
        const runName = fresh();
        await createRunItem({ runName, datasetItemId: dataset.items[0], traceId: "t", ...body });
        return (await getRun(dataset.name, runName)).json().metadata;
      };
      expect(await metadataOf({})).toEqual({});
      expect(await metadataOf({ metadata: null })).toEqual({});
      expect(await metadataOf({ metadata: [1, 2] })).toEqual({ metadata: [1, 2] });
      expect(await metadataOf({ metadata: "note" })).toEqual({ metadata: "note" });
      const version = new Date(Date.now() + 1000).toISOString();
      expect(await metadataOf({ metadata: { a: 1 }, datasetVersion: version })).toEqual({ a: 1, dataset_version: version });
    });

    it("refuses bad bodies with 400, naming the field, and never answers 500", async () => {
      const dataset = await newDataset(1);
      const base = { runName: fresh(), datasetItemId: dataset.items[0], traceId: "t" };
      const refused = async (body: unknown) => {
        const response = await call("POST", "/dataset-run-items", { body });
        expect(response.statusCode, JSON.stringify(body)).toBe(400);
        expectReferenceResponse(CREATE_RUN_ITEM, 400, response.json());
        return response.json();
      };
      expect((await refused({ ...base, unknown: 1 })).message).toBe("Invalid request data");
      const neither = await refused({ runName: base.runName, datasetItemId: base.datasetItemId });
      expect(JSON.stringify(neither.error)).toContain("traceId");
      await refused({ ...base, traceId: null, observationId: null });
      await refused({ datasetItemId: base.datasetItemId, traceId: "t" });
      await refused({ ...base, runName: 5 });
      await refused({ ...base, createdAt: "yesterday" });
      await refused({ ...base, createdAt: "2026-01-01T00:00:00" });
      await refused({ ...base, createdAt: "1700-01-01T00:00:00Z" });
      await refused({ ...base, datasetVersion: "not a date" });
      await refused([base]);
      expect((await listRuns(dataset.name)).data).toEqual([]);
    });

    it("links only items active at the version given: 404 `Dataset item not found` otherwise", async () => {
      const dataset = await newDataset(1);
      const before = new Date(Date.now() - 60_000).toISOString();
      await sleep(3);
      const item = dataset.items[0]!;
      const runName = fresh();
      const missing = await postRunItem({ runName, datasetItemId: "no-such-item", traceId: "t" });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ message: "Dataset item not found", error: "LangfuseNotFoundError" });
      expect((await postRunItem({ runName, datasetItemId: item, traceId: "t", datasetVersion: before })).statusCode).toBe(404);
      const activeThen = new Date().toISOString();
      await sleep(3);
      await call("POST", "/dataset-items", { body: { datasetName: dataset.name, id: item, status: "ARCHIVED" } });
      expect((await postRunItem({ runName, datasetItemId: item, traceId: "t" })).statusCode).toBe(404);
      const linked = await createRunItem({ runName, datasetItemId: item, traceId: "t", datasetVersion: activeThen });
      expect(linked.datasetItemId).toBe(item);
      // A failed link creates no run.
      expect((await listRuns(dataset.name)).data.map((run) => run.name)).toEqual([runName]);
    });

    it("finds the trace of an observation sent without one; an unknown observation is a 404", async () => {
      const dataset = await newDataset(1);
      const traceId = randomUUID();
      const observationId = randomUUID();
      const ingested = await call("POST", "/ingestion", {
        body: {
          batch: [
            { id: randomUUID(), type: "trace-create", timestamp: new Date().toISOString(), body: { id: traceId, name: "app" } },
            { id: randomUUID(), type: "span-create", timestamp: new Date().toISOString(), body: { id: observationId, traceId, name: "task", startTime: new Date().toISOString() } },
          ],
        },
      });
      expect(ingested.statusCode).toBe(207);
      const linked = await createRunItem({ runName: fresh(), datasetItemId: dataset.items[0], observationId });
      expect(linked).toMatchObject({ traceId, observationId });
      const unknown = await postRunItem({ runName: fresh(), datasetItemId: dataset.items[0], observationId: "no-such-observation" });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ message: "Observation not found", error: "LangfuseNotFoundError" });
      // Another project's observation is not found either.
      const other = await t.createProject();
      const theirs = await newDataset(1, other);
      expect((await postRunItem({ runName: fresh(), datasetItemId: theirs.items[0], observationId }, other)).statusCode).toBe(404);
    });

    it("gives twenty concurrent first uses of a run name one run and one id", async () => {
      const dataset = await newDataset(4);
      const runName = fresh();
      const created = await Promise.all(
        Array.from({ length: 20 }, (_, index) => createRunItem({ runName, runDescription: `writer ${index}`, datasetItemId: dataset.items[index % 4], traceId: `trace-${index}` })),
      );
      expect(new Set(created.map((item) => item.datasetRunId))).toEqual(new Set([upstreamRunId(t.project.id, dataset.id, runName)]));
      const runs = await listRuns(dataset.name);
      expect(runs.data).toHaveLength(1);
      expect(runs.meta).toEqual({ page: 1, limit: 50, totalItems: 1, totalPages: 1 });
      expect(await storedRows(created[0]!.datasetRunId)).toBe(20);
      expect((await listRunItems({ datasetId: dataset.id, runName })).meta.totalItems).toBe(4);
    });
  });

  describe("reading run items", () => {
    it("lists one row per dataset item, its newest, newest first, counting dataset items", async () => {
      const dataset = await newDataset(3);
      const runName = fresh();
      const [a, b, c] = dataset.items as [string, string, string];
      await createRunItem({ runName, datasetItemId: a, traceId: "a-old", createdAt: "2026-01-01T00:00:00.000Z" });
      await createRunItem({ runName, datasetItemId: b, traceId: "b", createdAt: "2026-01-02T00:00:00.000Z" });
      await createRunItem({ runName, datasetItemId: a, traceId: "a-new", createdAt: "2026-01-03T00:00:00+01:00" });
      await createRunItem({ runName, datasetItemId: c, traceId: "c-first", createdAt: "2026-01-01T12:00:00.000Z" });
      // Same createdAt: the one inserted later wins.
      await createRunItem({ runName, datasetItemId: c, traceId: "c-second", createdAt: "2026-01-01T12:00:00.000Z" });
      const page = await listRunItems({ datasetId: dataset.id, runName });
      expect(page.data.map((item) => [item.datasetItemId, item.traceId, item.createdAt])).toEqual([
        [a, "a-new", "2026-01-02T23:00:00.000Z"],
        [b, "b", "2026-01-02T00:00:00.000Z"],
        [c, "c-second", "2026-01-01T12:00:00.000Z"],
      ]);
      expect(page.meta).toEqual({ page: 1, limit: 50, totalItems: 3, totalPages: 1 });
      expect((await listRunItems({ datasetId: dataset.id, runName, page: 2, limit: 2 })).data.map((item) => item.datasetItemId)).toEqual([c]);

      const run = (await getRun(dataset.name, runName)).json();
      expect(run.datasetRunItems.map((item: RunItem) => item.traceId)).toEqual(["a-new", "b", "c-second"]);
    });

    it("answers 404 with upstream's message for an unknown run, and 400 without datasetId or runName", async () => {
      const dataset = await newDataset(1);
      const missing = await call("GET", `/dataset-run-items?${query({ datasetId: dataset.id, runName: "none" })}`);
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toEqual({ message: "Dataset run not found for the given project and dataset id", error: "LangfuseNotFoundError" });
      expect((await call("GET", `/dataset-run-items?${query({ datasetId: dataset.id })}`)).statusCode).toBe(400);
      expect((await call("GET", `/dataset-run-items?${query({ runName: "x" })}`)).statusCode).toBe(400);
      expect((await call("GET", `/dataset-run-items?${query({ datasetId: dataset.id, runName: "x", limit: 0 })}`)).statusCode).toBe(400);
      expect((await call("GET", `/dataset-run-items?${query({ datasetId: dataset.id, runName: "x", page: "two" })}`)).statusCode).toBe(400);
    });

    it("never skips or repeats a run item across pages when items were written concurrently", async () => {
      const dataset = await newDataset(30);
      const runName = fresh();
      // Concurrent writes land in the same milliseconds: the insertion and the item id order them.
      const created = await Promise.all(dataset.items.map((datasetItemId, index) => createRunItem({ runName, datasetItemId, traceId: `trace-${index}` })));
      const paged: RunItem[] = [];
      for (let page = 1; ; page += 1) {
        const { data, meta } = await listRunItems({ datasetId: dataset.id, runName, page, limit: 7 });
        paged.push(...data);
        // Writes to another run of the dataset between the pages change nothing here.
        await createRunItem({ runName: `${runName}-other`, datasetItemId: dataset.items[page]!, traceId: "other" });
        if ((meta.totalPages as number) <= page) break;
      }
      expect(paged.map((item) => item.id).sort()).toEqual(created.map((item) => item.id).sort());
      expect(paged.map((item) => item.createdAt)).toEqual([...paged.map((item) => item.createdAt)].sort().reverse());
    });
  });

  describe("runs", () => {
    it("pages a dataset's runs newest first, id ascending on ties, without skipping or repeating", async () => {
      const dataset = await newDataset(1);
      const names = Array.from({ length: 12 }, (_, index) => `${fresh()}-${index}`);
      // Half share one creation instant, so only the id orders them.
      await Promise.all(
        names.map((runName, index) => createRunItem({ runName, datasetItemId: dataset.items[0], traceId: "t", createdAt: index % 2 ? "2026-02-01T00:00:00Z" : undefined })),
      );
      const paged: Run[] = [];
      for (let page = 1; ; page += 1) {
        const { data, meta } = await listRuns(dataset.name, { page, limit: 5 });
        paged.push(...data);
        if ((meta.totalPages as number) <= page) break;
      }
      expect(paged.map((run) => run.name).sort()).toEqual([...names].sort());
      const order = [...paged].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? -1 : 1));
      expect(paged.map((run) => run.id)).toEqual(order.map((run) => run.id));
      expect(paged[0]!.datasetName).toBe(dataset.name);
      expect((await listRuns(dataset.name, { page: 4, limit: 5 })).data).toEqual([]);
    });

    it("decodes dataset and run names from the path, and answers 404 for unknown ones", async () => {
      const dataset = await newDataset(1, undefined, `${fresh("evals")}/capitals+ é`);
      const runName = "run 1/with+plus é%";
      await createRunItem({ runName, datasetItemId: dataset.items[0], traceId: "t" });
      expect((await getRun(dataset.name, runName)).json()).toMatchObject({ name: runName, datasetName: dataset.name });
      const noDataset = await call("GET", `/datasets/${fresh("missing")}/runs`);
      expect(noDataset.statusCode).toBe(404);
      expect(noDataset.json()).toEqual({ message: "Dataset not found", error: "LangfuseNotFoundError" });
      const noRun = await getRun(dataset.name, "missing");
      expect(noRun.statusCode).toBe(404);
      expect(noRun.json()).toEqual({ message: "Dataset run not found", error: "LangfuseNotFoundError" });
      expect((await deleteRun(dataset.name, "missing")).statusCode).toBe(404);
    });

    it("deletes a run and really removes its run items; the name starts afresh", async () => {
      const dataset = await newDataset(3);
      const runName = fresh();
      const kept = fresh();
      const items = await Promise.all(dataset.items.map((datasetItemId) => createRunItem({ runName, datasetItemId, traceId: "t" })));
      await createRunItem({ runName: kept, datasetItemId: dataset.items[0], traceId: "t" });
      const runId = items[0]!.datasetRunId;
      expect(await storedRows(runId)).toBe(3);

      const deleted = await deleteRun(dataset.name, runName);
      expect(deleted.statusCode).toBe(200);
      expect(deleted.json()).toEqual({ message: "Dataset run successfully deleted" });
      expect(await storedRows(runId)).toBe(0);
      expect((await getRun(dataset.name, runName)).statusCode).toBe(404);
      expect((await call("GET", `/dataset-run-items?${query({ datasetId: dataset.id, runName })}`)).statusCode).toBe(404);
      expect((await deleteRun(dataset.name, runName)).statusCode).toBe(404);
      expect((await listRuns(dataset.name)).data.map((run) => run.name)).toEqual([kept]);
      expect((await listRunItems({ datasetId: dataset.id, runName: kept })).data).toHaveLength(1);

      const again = await createRunItem({ runName, datasetItemId: dataset.items[1], traceId: "t2" });
      expect(again.datasetRunId).toBe(runId);
      expect((await listRunItems({ datasetId: dataset.id, runName })).data.map((item) => item.traceId)).toEqual(["t2"]);
    });

    it("leaves no orphaned run items when a run is deleted while items are written to it", async () => {
      const dataset = await newDataset(5);
      const runName = fresh();
      const first = await createRunItem({ runName, datasetItemId: dataset.items[0], traceId: "t" });
      const writes = Promise.allSettled(dataset.items.map((datasetItemId) => postRunItem({ runName, datasetItemId, traceId: "racing" })));
      await deleteRun(dataset.name, runName);
      await writes;
      // A racing write may have created the run again; deleting that one must leave no row of
      // either run behind, which holds only if no write outlived the run it was written for.
      if ((await getRun(dataset.name, runName)).statusCode === 200) await deleteRun(dataset.name, runName);
      expect(await storedRows(first.datasetRunId)).toBe(0);
    });

    it("lists run names in the legacy dataset reads", async () => {
      const other = await t.createProject();
      const dataset = await newDataset(1, other);
      const [older, newer] = [fresh(), fresh()];
      await createRunItem({ runName: older, datasetItemId: dataset.items[0], traceId: "t", createdAt: "2026-01-01T00:00:00Z" }, other);
      await createRunItem({ runName: newer, datasetItemId: dataset.items[0], traceId: "t", createdAt: "2026-01-02T00:00:00Z" }, other);
      const one = await call("GET", `/datasets/${segment(dataset.name)}`, { project: other });
      expect(one.json().runs).toEqual([newer, older]);
      const list = await call("GET", "/datasets", { project: other });
      expect(list.json().data.map((entry: { runs: string[] }) => entry.runs)).toEqual([[newer, older]]);
    });
  });

  describe("isolation", () => {
    it("keeps each project's runs and run items to itself: another project's names and ids are 404s", async () => {
      const other = await t.createProject();
      const dataset = await newDataset(1);
      const runName = fresh();
      const item = await createRunItem({ runName, datasetItemId: dataset.items[0], traceId: "t" });

      const linked = await postRunItem({ runName, datasetItemId: dataset.items[0], traceId: "t" }, other);
      expect(linked.statusCode).toBe(404);
      expect(linked.json().message).toBe("Dataset item not found");
      expect((await call("GET", `/dataset-run-items?${query({ datasetId: dataset.id, runName })}`, { project: other })).statusCode).toBe(404);
      expect((await call("GET", `/datasets/${segment(dataset.name)}/runs`, { project: other })).statusCode).toBe(404);
      expect((await getRun(dataset.name, runName, other)).statusCode).toBe(404);
      expect((await deleteRun(dataset.name, runName, other)).statusCode).toBe(404);
      expect(await storedRows(item.datasetRunId)).toBe(1);

      // The same dataset and run names in the other project are its own, with another run id.
      const theirs = await newDataset(1, other, dataset.name);
      const their = await createRunItem({ runName, datasetItemId: theirs.items[0], traceId: "theirs" }, other);
      expect(their.datasetRunId).not.toBe(item.datasetRunId);
      expect((await listRunItems({ datasetId: dataset.id, runName })).data.map((entry) => entry.traceId)).toEqual(["t"]);
    });
  });
});
