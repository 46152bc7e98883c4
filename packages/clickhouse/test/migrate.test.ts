import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLICKHOUSE_MIGRATIONS_DIR, clusterize, migrateClickHouse, openClickHouse, splitStatements, type ClickHouseStore } from "../src/index.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/migrations", import.meta.url));

describe("splitStatements", () => {
  it("splits on semicolons that end a line and drops comment lines", () => {
    expect(splitStatements("-- note\nCREATE TABLE a (x String) ENGINE = MergeTree ORDER BY x;\n\nSELECT ';' AS s;\n")).toEqual([
      "CREATE TABLE a (x String) ENGINE = MergeTree ORDER BY x",
      "SELECT ';' AS s",
    ]);
  });
});

describe("clusterize", () => {
  it("adds ON CLUSTER and makes MergeTree-family engines replicated", () => {
    expect(clusterize("CREATE TABLE IF NOT EXISTS traces (id String) ENGINE = ReplacingMergeTree(version) ORDER BY id", "main")).toBe(
      "CREATE TABLE IF NOT EXISTS traces ON CLUSTER main (id String) ENGINE = ReplicatedReplacingMergeTree(version) ORDER BY id",
    );
    expect(clusterize("ALTER TABLE traces ADD COLUMN IF NOT EXISTS x String", "main")).toBe("ALTER TABLE traces ON CLUSTER main ADD COLUMN IF NOT EXISTS x String");
    expect(clusterize("CREATE TABLE t (x String) ENGINE = MergeTree ORDER BY x", "c1")).toBe("CREATE TABLE t ON CLUSTER c1 (x String) ENGINE = ReplicatedMergeTree ORDER BY x");
  });

  it("refuses a cluster name that is not a plain identifier", () => {
    expect(() => clusterize("CREATE TABLE t (x String) ENGINE = MergeTree ORDER BY x", "c; DROP TABLE t")).toThrowError(/cluster name/);
  });
});

describe("migrateClickHouse on chDB", () => {
  let dir: string;
  let store: ClickHouseStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wick-ch-migrate-"));
    store = await openClickHouse({ kind: "embedded", dataDir: join(dir, "clickhouse") });
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("applies each file once, in order, and is a no-op the second time", async () => {
    expect(await migrateClickHouse(store.client, { dir: FIXTURES })).toEqual(["0001_events", "0002_add_column"]);
    expect(await migrateClickHouse(store.client, { dir: FIXTURES })).toEqual([]);
    const columns = await (
      await store.client.query({
        query: "SELECT name FROM system.columns WHERE table = {table:String} ORDER BY position",
        query_params: { table: "fixture_events" },
        format: "JSONEachRow",
      })
    ).json<{ name: string }>();
    expect(columns.map((c) => c.name)).toEqual(["project_id", "id", "version", "name"]);
    const applied = await (await store.client.query({ query: "SELECT version FROM schema_migrations ORDER BY version", format: "JSONEachRow" })).json<{ version: string }>();
    expect(applied.map((row) => row.version)).toEqual(["0001_events", "0002_add_column"]);
  });

  it("applies Wick's own migrations", async () => {
    await migrateClickHouse(store.client, { dir: CLICKHOUSE_MIGRATIONS_DIR });
    expect(await migrateClickHouse(store.client, { dir: CLICKHOUSE_MIGRATIONS_DIR })).toEqual([]);
    // insertRows sends a column a row leaves out as null, which a Nullable column keeps as NULL
    // where an omitted key would have taken the column's DEFAULT: no Nullable column may have one.
    const nullableWithDefault = await (
      await store.client.query({
        query: "SELECT table, name FROM system.columns WHERE database = currentDatabase() AND type LIKE '%Nullable(%' AND default_kind = 'DEFAULT'",
        format: "JSONEachRow",
      })
    ).json();
    expect(nullableWithDefault).toEqual([]);
  });

  it("binds values as query parameters, quotes and all", async () => {
    await store.client.insert({ table: "fixture_events", values: [{ project_id: "p'1", id: "a\\b", version: 1 }], format: "JSONEachRow" });
    const rows = await (
      await store.client.query({
        query: "SELECT id FROM fixture_events FINAL WHERE project_id = {projectId:String}",
        query_params: { projectId: "p'1" },
        format: "JSONEachRow",
      })
    ).json<{ id: string }>();
    expect(rows).toEqual([{ id: "a\\b" }]);
  });

  it("refuses to open a second data directory in the same process", async () => {
    await expect(openClickHouse({ kind: "embedded", dataDir: join(dir, "other") })).rejects.toThrowError(/cannot open a second data directory/);
  });
});
