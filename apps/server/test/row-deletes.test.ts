import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RowDeletes, type ClickHouseStore } from "@wick/clickhouse";
import { openTestClickHouse } from "./support/harness.ts";

describe("row deletes as patch parts", () => {
  let store: ClickHouseStore;
  beforeAll(async () => {
    store = await openTestClickHouse();
  });
  afterAll(async () => store?.close());

  const insertTrace = (projectId: string, id: string, name: string, mergeVersion: number) =>
    store.client.insert({
      table: "traces",
      format: "JSONEachRow",
      values: [
        {
          project_id: projectId,
          id,
          name,
          timestamp: "2025-03-01 08:00:00.000",
          created_at: "2025-03-01 08:00:00.000",
          updated_at: "2025-03-01 08:00:00.000",
          merge_version: mergeVersion,
        },
      ],
    });
  const namesOf = async (projectId: string) => {
    const result = await store.client.query({
      query: "SELECT name FROM traces FINAL WHERE project_id = {projectId:String} ORDER BY name",
      query_params: { projectId },
      format: "JSONEachRow",
    });
    return (await result.json<{ name: string }>()).map((row) => row.name);
  };
  const count = async (query: string, params: Record<string, unknown>) => {
    const result = await store.client.query({ query, query_params: params, format: "JSONEachRow" });
    return Number((await result.json<{ n: string }>())[0]!.n);
  };

  it("hide every version of the rows at once, without a mutation, and leave later rows with the same id alone", async () => {
    const projectId = `project-${randomUUID()}`;
    await insertTrace(projectId, "kept", "kept", 1);
    await insertTrace(projectId, "gone", "gone v1", 1);
    await insertTrace(projectId, "gone", "gone v2", 2);
    const mutationsBefore = await count("SELECT count() AS n FROM system.mutations WHERE table = 'traces' AND command ILIKE '%DELETE%'", {});

    const deletes = new RowDeletes(store.client, { applyPatchesAfterMs: 60_000 });
    await deletes.delete("traces.delete-one", "traces", "project_id = {projectId:String} AND id = {id:String}", { projectId, id: "gone" });
    expect(await namesOf(projectId)).toEqual(["kept"]);
    expect(await count("SELECT count() AS n FROM traces WHERE project_id = {projectId:String} AND id = 'gone'", { projectId })).toBe(0);
    expect(await count("SELECT count() AS n FROM system.parts WHERE table = 'traces' AND active AND name LIKE 'patch-%'", {})).toBeGreaterThan(0);
    expect(await count("SELECT count() AS n FROM system.mutations WHERE table = 'traces' AND command ILIKE '%DELETE%'", {})).toBe(mutationsBefore);

    // An entity written again after its delete exists again, as with the reference.
    await insertTrace(projectId, "gone", "written again", 3);
    expect(await namesOf(projectId)).toEqual(["kept", "written again"]);
    await deletes.close();
  });

  it("apply their patches in the background once a table has gone quiet", async () => {
    const projectId = `project-${randomUUID()}`;
    const applied = () => count("SELECT count() AS n FROM system.mutations WHERE table = 'scores' AND command ILIKE '%APPLY PATCHES%' AND is_done", {});
    const before = await applied();
    const deletes = new RowDeletes(store.client, { applyPatchesAfterMs: 50 });
    await deletes.delete("scores.delete-all", "scores", "project_id = {projectId:String}", { projectId });
    await expect.poll(applied, { timeout: 30_000, interval: 100 }).toBeGreaterThan(before);
    await deletes.close();
  });
});
