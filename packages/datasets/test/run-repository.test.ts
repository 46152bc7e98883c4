import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatasetRow, DatasetRunRow, PostgresStore } from "@wick/postgres";
import { newTestProject, openTestPostgres, postgresModes } from "@wick/postgres/testing";
import { DatasetRunRepository } from "../src/run-repository.ts";
import { insertTestDataset } from "./support/datasets.ts";

const T1 = new Date("2025-01-01T00:00:00.000Z");
const T2 = new Date("2025-01-02T00:00:00.000Z");
const T3 = new Date("2025-01-03T00:00:00.000Z");

describe.each(postgresModes())("DatasetRunRepository (%s Postgres)", (mode) => {
  let store: PostgresStore;
  let runs: DatasetRunRepository;
  beforeAll(async () => {
    store = await openTestPostgres(mode);
    runs = new DatasetRunRepository(store.db);
  });
  afterAll(async () => store?.close());

  const newDataset = (projectId: string, name = "dataset"): Promise<DatasetRow> => insertTestDataset(store.db, projectId, name, T1);

  const run = (dataset: DatasetRow, name: string, createdAt: Date, fields: Partial<DatasetRunRow> = {}): DatasetRunRow => ({
    id: `run-${name}`,
    projectId: dataset.projectId,
    datasetId: dataset.id,
    name,
    description: null,
    metadata: {},
    createdAt,
    updatedAt: createdAt,
    ...fields,
  });

  it("keeps the first of two inserts of a run, whether the second repeats its id or only its name", async () => {
    const dataset = await newDataset(await newTestProject(store, "runs"));
    const first = run(dataset, "r", T1, { description: "first", metadata: { attempt: 1 } });
    await runs.insertRunIfAbsent(first);
    await runs.insertRunIfAbsent({ ...first, description: "same id", createdAt: T2, updatedAt: T2 });
    await runs.insertRunIfAbsent({ ...first, id: "another-id", description: "same name" });

    expect(await runs.listRuns(dataset.projectId, dataset.id, { limit: 10, offset: 0 })).toEqual({ rows: [first], total: 1 });
    expect(await runs.findRunById(dataset.projectId, "another-id")).toBeUndefined();
  });

  it("deletes a run answering the row it removed, and nothing the second time", async () => {
    const dataset = await newDataset(await newTestProject(store, "runs"));
    const kept = run(dataset, "kept", T1);
    const doomed = run(dataset, "doomed", T2, { description: "to delete", metadata: { a: [1] } });
    await runs.insertRunIfAbsent(kept);
    await runs.insertRunIfAbsent(doomed);

    expect(await runs.deleteRun(dataset.projectId, dataset.id, "doomed")).toEqual(doomed);
    expect(await runs.deleteRun(dataset.projectId, dataset.id, "doomed")).toBeUndefined();
    expect(await runs.findRun(dataset.projectId, dataset.id, "doomed")).toBeUndefined();
    expect(await runs.findRunById(dataset.projectId, doomed.id)).toBeUndefined();
    expect(await runs.findRun(dataset.projectId, dataset.id, "kept")).toEqual(kept);
  });

  it("never deletes or finds a run of the same name in another dataset or project", async () => {
    const projectId = await newTestProject(store, "runs");
    const [dataset, sibling, elsewhere] = [await newDataset(projectId), await newDataset(projectId, "sibling"), await newDataset(await newTestProject(store, "runs"))];
    const siblingRun = run(sibling, "shared", T1, { id: "sibling-run" });
    const elsewhereRun = run(elsewhere, "shared", T1, { id: "elsewhere-run" });
    await runs.insertRunIfAbsent(siblingRun);
    await runs.insertRunIfAbsent(elsewhereRun);

    expect(await runs.findRun(projectId, dataset.id, "shared")).toBeUndefined();
    expect(await runs.deleteRun(projectId, dataset.id, "shared")).toBeUndefined();
    expect(await runs.findRunById(projectId, "elsewhere-run")).toBeUndefined();
    expect(await runs.findRun(projectId, sibling.id, "shared")).toEqual(siblingRun);
    expect(await runs.findRun(elsewhere.projectId, elsewhere.id, "shared")).toEqual(elsewhereRun);
  });

  it("lists a dataset's runs newest first, the id ascending on equal creation times, counting them all", async () => {
    const projectId = await newTestProject(store, "runs");
    const [dataset, other] = [await newDataset(projectId), await newDataset(projectId, "other")];
    await runs.insertRunIfAbsent(run(other, "other-dataset", T3));
    for (const [name, id, createdAt] of [
      ["oldest", "run-4", T1],
      ["tie-b", "run-2", T2],
      ["newest", "run-3", T3],
      ["tie-a", "run-1", T2],
    ] as const) {
      await runs.insertRunIfAbsent(run(dataset, name, createdAt, { id }));
    }

    const names = async (limit: number, offset: number) => {
      const { rows, total } = await runs.listRuns(projectId, dataset.id, { limit, offset });
      return { names: rows.map((row) => row.name), total };
    };
    expect(await names(10, 0)).toEqual({ names: ["newest", "tie-a", "tie-b", "oldest"], total: 4 });
    expect(await names(2, 1)).toEqual({ names: ["tie-a", "tie-b"], total: 4 });
    expect(await names(2, 4)).toEqual({ names: [], total: 4 });
  });

  it("groups run names by dataset in list order, with an empty list for a dataset without runs", async () => {
    const projectId = await newTestProject(store, "runs");
    const [first, second, empty] = [await newDataset(projectId, "first"), await newDataset(projectId, "second"), await newDataset(projectId, "empty")];
    const elsewhere = await newDataset(await newTestProject(store, "runs"));
    await runs.insertRunIfAbsent(run(first, "first-old", T1, { id: "f-1" }));
    await runs.insertRunIfAbsent(run(second, "second-only", T2, { id: "s-1" }));
    await runs.insertRunIfAbsent(run(first, "first-tie-b", T2, { id: "f-3" }));
    await runs.insertRunIfAbsent(run(first, "first-tie-a", T2, { id: "f-2" }));
    await runs.insertRunIfAbsent(run(first, "first-new", T3, { id: "f-4" }));
    await runs.insertRunIfAbsent(run(elsewhere, "elsewhere", T3));

    const names = await runs.runNamesOf(projectId, [empty.id, first.id, second.id, elsewhere.id]);
    expect([...names]).toEqual([
      [empty.id, []],
      [first.id, ["first-new", "first-tie-a", "first-tie-b", "first-old"]],
      [second.id, ["second-only"]],
      // Another project's dataset id answers nothing of that project's runs.
      [elsewhere.id, []],
    ]);
    expect(await runs.runNamesOf(projectId, [])).toEqual(new Map());
  });
});
