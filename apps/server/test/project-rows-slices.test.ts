import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteProjectRows, PROJECT_TABLES, RowDeletes, selectRows } from "@wick/clickhouse";
import { createTestApp, type TestApp, type TestProject } from "./support/harness.ts";

/** Counts its statements: the deletes themselves run on the real store. */
class CountedDeletes extends RowDeletes {
  statements: string[] = [];
  override delete(...statement: Parameters<RowDeletes["delete"]>): Promise<void> {
    this.statements.push(statement[0]);
    return super.delete(...statement);
  }
}

const TRACES = 60;
const OBSERVATIONS_PER_TRACE = 25;

/**
 * A project's ClickHouse rows deleted a slice at a time (so that other tenants' reads take turns
 * with the statements): every row of the project goes, whatever the slices, and nothing of another.
 */
describe("deleting a project's rows in slices", () => {
  let t: TestApp;
  let doomed: TestProject;
  let kept: TestProject;

  const ingest = async (project: TestProject) => {
    const start = Date.parse("2026-02-01T00:00:00Z");
    for (let trace = 0; trace < TRACES; trace += 1) {
      const traceId = randomUUID();
      const at = (offset: number) => new Date(start + trace * 3_600_000 + offset).toISOString();
      const batch = [
        { id: randomUUID(), type: "trace-create", timestamp: at(0), body: { id: traceId, timestamp: at(0), name: "t", sessionId: `s-${trace % 7}` } },
        { id: randomUUID(), type: "score-create", timestamp: at(0), body: { id: randomUUID(), traceId, name: "q", value: 1 } },
        ...Array.from({ length: OBSERVATIONS_PER_TRACE }, (_, n) => ({
          id: randomUUID(),
          type: "span-create",
          timestamp: at(n),
          body: { id: randomUUID(), traceId, startTime: at(n * 1000) },
        })),
      ];
      const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: project.basic }, payload: { batch } });
      expect(response.json().errors).toEqual([]);
    }
  };
  const counts = async (projectId: string) =>
    Object.fromEntries(
      (
        await selectRows<{ table: string; rows: string | number }>(t.stores.clickhouse.client, {
          name: "test.project-rows",
          sql: PROJECT_TABLES.map((table) => `SELECT '${table}' AS table, count() AS rows FROM ${table} WHERE project_id = {projectId:String}`).join(" UNION ALL "),
          params: { projectId },
        })
      ).map(({ table, rows }) => [table, Number(rows)]),
    );

  beforeAll(async () => {
    t = await createTestApp("embedded");
    [doomed, kept] = [await t.createProject(), await t.createProject()];
    await ingest(doomed);
    await ingest(kept);
  });
  afterAll(async () => t?.close());

  it("removes every row of the project over many statements, and keeps the other project's", async () => {
    const before = await counts(kept.id);
    expect((await counts(doomed.id)).observations).toBe(TRACES * OBSERVATIONS_PER_TRACE);
    const deletes = new CountedDeletes(t.stores.clickhouse.client);
    await deleteProjectRows(t.stores.clickhouse.client, deletes, doomed.id, 200);
    // 1,500 observations and their 1,620 raw events come out in slices of about 200; smaller tables whole.
    expect(deletes.statements.filter((name) => name === "observations.delete-slice-of-project").length).toBeGreaterThanOrEqual(6);
    expect(deletes.statements.filter((name) => name === "raw_events.delete-slice-of-project").length).toBeGreaterThanOrEqual(6);
    expect(deletes.statements.filter((name) => name.endsWith(".delete-of-project")).length).toBe(PROJECT_TABLES.length);
    expect(Object.values(await counts(doomed.id)).every((rows) => rows === 0)).toBe(true);
    expect(await counts(kept.id)).toEqual(before);
    await deletes.close();
  });
});
