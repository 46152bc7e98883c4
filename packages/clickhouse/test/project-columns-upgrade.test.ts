import { copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CLICKHOUSE_MIGRATIONS_DIR,
  finalPage,
  insertRows,
  migrateClickHouse,
  openClickHouse,
  selectRows,
  traces,
  Where,
  type ClickHouseStore,
  type StoredTrace,
} from "../src/index.ts";

const UPGRADE = "0013_low_cardinality_project_ids";
const TABLES = ["traces", "observations", "scores", "sessions", "raw_events", "dataset_run_items", "experiment_link_events", "observation_day_rollups"];

/** A version of trace `id` of `project`, as ingestion writes them. */
const traceVersion = (project: string, id: string, version: number, name: string) => ({
  project_id: project,
  id,
  timestamp: `2025-03-0${id.length} 10:00:00.000`,
  name,
  environment: "default",
  created_at: "2025-03-01 10:00:00.000",
  updated_at: "2025-03-01 10:00:00.000",
  merge_version: version,
});

describe(`${UPGRADE}: project columns become dictionaries, rows and totals stay`, () => {
  let dir: string;
  let store: ClickHouseStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wick-project-columns-"));
    store = await openClickHouse({ kind: "embedded", dataDir: join(dir, "clickhouse") });
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the rows stored as strings, their current versions and totals, and stores new rows alike", async () => {
    const before = join(dir, "migrations-before");
    await mkdir(before);
    const migrations = (await readdir(CLICKHOUSE_MIGRATIONS_DIR)).filter((file) => /^\d{4}_.*\.sql$/.test(file)).sort();
    for (const file of migrations) {
      if (file < UPGRADE) await copyFile(join(CLICKHOUSE_MIGRATIONS_DIR, file), join(before, file));
    }
    await migrateClickHouse(store.client, { dir: before });
    // The upgrade's rewrite runs in the merge pool (it waits while merges are stopped), so the
    // versions may be merged meanwhile: FINAL collapses them either way.
    await insertRows(store.client, "test.traces", "traces", [traceVersion("a", "t1", 1, "old"), traceVersion("a", "tt2", 1, "kept"), traceVersion("b", "t1", 1, "other")]);
    await insertRows(store.client, "test.traces", "traces", [traceVersion("a", "t1", 2, "new")]);

    // This upgrade and the ones after it.
    expect(await migrateClickHouse(store.client)).toEqual(migrations.filter((file) => file >= UPGRADE).map((file) => file.replace(/\.sql$/, "")));
    const types = await selectRows<{ table: string; type: string }>(store.client, {
      name: "test.project-column-types",
      sql: "SELECT table, type FROM system.columns WHERE database = currentDatabase() AND name = 'project_id' AND table IN {tables:Array(String)} ORDER BY table",
      params: { tables: TABLES },
    });
    expect(types).toEqual([...TABLES].sort().map((table) => ({ table, type: "LowCardinality(String)" })));

    await insertRows(store.client, "test.traces", "traces", [traceVersion("a", "ttt3", 1, "after")]);
    const page = await finalPage<StoredTrace>(store.client, traces, { where: new Where("a"), orderBy: traces.keyOrder("DESC"), page: 1, limit: 10 });
    expect(page.totalItems).toBe(3);
    expect(page.rows.map((row) => [row.project_id, row.id, row.name])).toEqual([
      ["a", "ttt3", "after"],
      ["a", "tt2", "kept"],
      ["a", "t1", "new"],
    ]);
    const other = await finalPage<StoredTrace>(store.client, traces, { where: new Where("b"), orderBy: traces.keyOrder("DESC"), page: 1, limit: 10 });
    expect(other.rows.map((row) => [row.project_id, row.id, row.name])).toEqual([["b", "t1", "other"]]);
  });
});
