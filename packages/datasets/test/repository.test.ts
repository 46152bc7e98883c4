import { randomUUID } from "node:crypto";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetItems, type DatasetRow, type PostgresStore } from "@wick/postgres";
import { newTestProject, openTestPostgres, postgresModes } from "@wick/postgres/testing";
import { DatasetRepository, type NewVersion } from "../src/repository.ts";
import { insertTestDataset } from "./support/datasets.ts";

const T1 = new Date("2025-01-01T00:00:00.000Z");
const T2 = new Date("2025-01-02T00:00:00.000Z");
const T3 = new Date("2025-01-03T00:00:00.000Z");

/** The Postgres error code anywhere in the cause chain: drizzle wraps the driver's error. */
function sqlState(error: unknown): unknown {
  for (let current = error; current instanceof Error; current = current.cause) {
    const { code } = current as { code?: unknown };
    if (code !== undefined) return code;
  }
  return undefined;
}

describe.each(postgresModes())("DatasetRepository (%s Postgres)", (mode) => {
  let store: PostgresStore;
  let repository: DatasetRepository;
  beforeAll(async () => {
    store = await openTestPostgres(mode);
    repository = new DatasetRepository(store.db);
  });
  afterAll(async () => store?.close());

  /** A new project holding one dataset. */
  async function newDataset(name = "dataset"): Promise<DatasetRow> {
    return insertTestDataset(store.db, await newTestProject(store, "datasets"), name, T1);
  }

  const version = (dataset: DatasetRow, id: string, validFrom: Date, fields: Partial<NewVersion> = {}): NewVersion => ({
    id,
    projectId: dataset.projectId,
    datasetId: dataset.id,
    status: "ACTIVE",
    sourceTraceId: null,
    sourceObservationId: null,
    json: { input: `{"id": "${id}"}`, expectedOutput: null, metadata: null },
    createdAt: validFrom,
    updatedAt: validFrom,
    validFrom,
    isDeleted: false,
    ...fields,
  });

  /** Every stored version of an id, oldest first, as the validity interval each holds. */
  const intervals = async (dataset: DatasetRow, id: string) =>
    store.db
      .select({ validFrom: datasetItems.validFrom, validTo: datasetItems.validTo, isDeleted: datasetItems.isDeleted })
      .from(datasetItems)
      .where(and(eq(datasetItems.projectId, dataset.projectId), eq(datasetItems.id, id)))
      .orderBy(asc(datasetItems.validFrom));

  describe("item versions", () => {
    it("close the open version and add the next, leaving exactly one open version", async () => {
      const dataset = await newDataset();
      await repository.insertVersion(version(dataset, "item", T1));
      await repository.transaction(async (datasets) => {
        const open = await datasets.findOpenVersion(dataset.projectId, "item");
        await datasets.closeVersion(open!.row, T2);
        await datasets.insertVersion(version(dataset, "item", T2, { json: { input: '{"b": 2}', expectedOutput: "[1, 2]", metadata: null } }));
      });

      expect(await intervals(dataset, "item")).toEqual([
        { validFrom: T1, validTo: T2, isDeleted: false },
        { validFrom: T2, validTo: null, isDeleted: false },
      ]);
      const open = await repository.findOpenVersion(dataset.projectId, "item");
      expect(open?.row).toMatchObject({ validFrom: T2, validTo: null, input: { b: 2 }, expectedOutput: [1, 2], metadata: null });
      expect(open?.json).toEqual({ input: '{"b": 2}', expectedOutput: "[1, 2]", metadata: null });
    });

    it("refuse a second open version of an id while the first is open", async () => {
      const dataset = await newDataset();
      await repository.insertVersion(version(dataset, "item", T1));
      const error = await repository.insertVersion(version(dataset, "item", T2)).catch((caught: unknown) => caught);
      expect(sqlState(error)).toBe("23505");
      expect(await intervals(dataset, "item")).toEqual([{ validFrom: T1, validTo: null, isDeleted: false }]);
    });

    it("leave the transaction's writes undone when its work fails", async () => {
      const dataset = await newDataset();
      await repository.insertVersion(version(dataset, "item", T1));
      const failure = new Error("work failed");
      await expect(
        repository.transaction(async (datasets) => {
          const open = await datasets.findOpenVersion(dataset.projectId, "item");
          await datasets.closeVersion(open!.row, T2);
          await datasets.insertVersion(version(dataset, "item", T2));
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await intervals(dataset, "item")).toEqual([{ validFrom: T1, validTo: null, isDeleted: false }]);
    });

    it("find a delete marker as the open version, while the item has no current version", async () => {
      const dataset = await newDataset();
      await repository.insertVersion(version(dataset, "item", T1));
      const open = await repository.findOpenVersion(dataset.projectId, "item");
      await repository.closeVersion(open!.row, T2);
      await repository.insertVersion(version(dataset, "item", T2, { isDeleted: true }));

      expect((await repository.findOpenVersion(dataset.projectId, "item"))?.row).toMatchObject({ validFrom: T2, isDeleted: true });
      expect(await repository.findCurrentItem(dataset.projectId, "item")).toBeUndefined();
      expect(await repository.findActiveItem(dataset.projectId, "item")).toBeUndefined();
      expect((await repository.findActiveItem(dataset.projectId, "item", T1))?.validFrom).toEqual(T1);
    });
  });

  describe("findActiveItem", () => {
    it("finds an item archived at T2 as of any instant in [T1, T2), and not from T2 on or before T1", async () => {
      const dataset = await newDataset("archived");
      await repository.insertVersion(version(dataset, "item", T1));
      const open = await repository.findOpenVersion(dataset.projectId, "item");
      await repository.closeVersion(open!.row, T2);
      await repository.insertVersion(version(dataset, "item", T2, { status: "ARCHIVED" }));

      const asOf = async (at?: Date) => (await repository.findActiveItem(dataset.projectId, "item", at))?.validFrom;
      expect(await asOf(T1)).toEqual(T1);
      expect(await asOf(new Date(T2.getTime() - 1))).toEqual(T1);
      expect(await asOf(new Date(T1.getTime() - 1))).toBeUndefined();
      expect(await asOf(T2)).toBeUndefined();
      expect(await asOf(T3)).toBeUndefined();
      expect(await asOf()).toBeUndefined();
      expect(await repository.findActiveItem(dataset.projectId, "item", T1)).toMatchObject({ status: "ACTIVE", datasetName: "archived", input: { id: "item" } });
      // The current version is the archived one, which only findCurrentItem answers.
      expect(await repository.findCurrentItem(dataset.projectId, "item")).toMatchObject({ status: "ARCHIVED", validFrom: T2, datasetName: "archived" });
    });

    it("never finds another project's item of the same id", async () => {
      const [dataset, other] = [await newDataset(), await newDataset()];
      await repository.insertVersion(version(other, "shared-id", T1));
      expect(await repository.findActiveItem(dataset.projectId, "shared-id")).toBeUndefined();
      expect(await repository.findActiveItem(dataset.projectId, "shared-id", T1)).toBeUndefined();
      expect(await repository.findCurrentItem(dataset.projectId, "shared-id")).toBeUndefined();
    });
  });

  describe("currentItemsAfter", () => {
    it("pages a dataset's current items of any status by id, bytewise, neither skipping nor repeating", async () => {
      const dataset = await newDataset();
      const otherDataset = await repository.insertDataset({ ...dataset, id: randomUUID(), name: "other" });
      // Bytewise, upper case sorts before lower case and "item-10" before "item-2".
      for (const id of ["b", "a", "B", "item-2", "item-10"]) await repository.insertVersion(version(dataset, id, T1));
      await repository.insertVersion(version(dataset, "archived", T1, { status: "ARCHIVED" }));
      await repository.insertVersion(version(dataset, "deleted", T1, { isDeleted: true }));
      await repository.insertVersion(version(otherDataset, "elsewhere", T1));
      const open = await repository.findOpenVersion(dataset.projectId, "a");
      await repository.closeVersion(open!.row, T2);
      await repository.insertVersion(version(dataset, "a", T2, { json: { input: '"newer"', expectedOutput: null, metadata: null } }));

      const pages: Array<Array<{ id: string; input: unknown }>> = [];
      let after: string | undefined;
      for (;;) {
        const batch = await repository.currentItemsAfter(dataset.projectId, dataset.id, after, 2);
        pages.push(batch.map(({ id, input }) => ({ id, input })));
        if (batch.length < 2) break;
        after = batch.at(-1)!.id;
      }
      expect(pages).toEqual([
        [
          { id: "B", input: { id: "B" } },
          { id: "a", input: "newer" },
        ],
        [
          { id: "archived", input: { id: "archived" } },
          { id: "b", input: { id: "b" } },
        ],
        [
          { id: "item-10", input: { id: "item-10" } },
          { id: "item-2", input: { id: "item-2" } },
        ],
        [],
      ]);
    });
  });

  describe("listItems", () => {
    it("continues after a key among items written at the same instant: the id breaks the tie", async () => {
      const dataset = await newDataset();
      for (const id of ["c", "a", "b"]) await repository.insertVersion(version(dataset, id, T2));
      await repository.insertVersion(version(dataset, "newest", T3));
      await repository.insertVersion(version(dataset, "oldest", T1));

      const ids = async (page: { limit: number; offset: number; after?: { validFrom: Date; id: string } }) =>
        (await repository.listItems(dataset.projectId, { datasetId: dataset.id }, page)).rows.map((row) => row.id);
      expect(await ids({ limit: 10, offset: 0 })).toEqual(["newest", "a", "b", "c", "oldest"]);
      expect(await ids({ limit: 2, offset: 0, after: { validFrom: T2, id: "a" } })).toEqual(["b", "c"]);
      expect(await ids({ limit: 10, offset: 1, after: { validFrom: T2, id: "a" } })).toEqual(["c", "oldest"]);
      expect(await ids({ limit: 10, offset: 0, after: { validFrom: T3, id: "newest" } })).toEqual(["a", "b", "c", "oldest"]);
    });

    it("counts every match whatever the page, and takes a known total without counting", async () => {
      const dataset = await newDataset();
      for (const id of ["a", "b", "c"]) await repository.insertVersion(version(dataset, id, T1));
      const filters = { datasetId: dataset.id };
      expect(await repository.listItems(dataset.projectId, filters, { limit: 1, offset: 1 })).toMatchObject({ total: 3, rows: [{ id: "b" }] });
      expect((await repository.listItems(dataset.projectId, filters, { limit: 1, offset: 0 }, 42)).total).toBe(42);
    });
  });

  describe("item write generation", () => {
    it("starts at 0 and moves on by one per bump, for its project alone", async () => {
      const [dataset, other] = [await newDataset(), await newDataset()];
      expect(await repository.itemWriteGeneration(dataset.projectId)).toBe(0);
      await repository.bumpItemWriteGeneration(dataset.projectId);
      await repository.transaction((datasets) => datasets.bumpItemWriteGeneration(dataset.projectId));
      expect(await repository.itemWriteGeneration(dataset.projectId)).toBe(2);
      expect(await repository.itemWriteGeneration(other.projectId)).toBe(0);
    });
  });
});
