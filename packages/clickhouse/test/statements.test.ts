import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClickHouseQueryError, insertRows, openClickHouse, runCommand, selectBytes, selectRows, type ClickHouseStore } from "../src/index.ts";

describe("named statements on chDB", () => {
  let dir: string;
  let store: ClickHouseStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wick-ch-statements-"));
    store = await openClickHouse({ kind: "embedded", dataDir: join(dir, "clickhouse") });
    await runCommand(store.client, { name: "fixture.create", sql: "CREATE TABLE fixture (id String, n UInt32) ENGINE = MergeTree ORDER BY id" });
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("hands each statement's name to the engine as its log_comment", async () => {
    expect(await selectRows(store.client, { name: "fixture.comment", sql: "SELECT getSetting('log_comment') AS name" })).toEqual([{ name: "fixture.comment" }]);
    // The engine keeps a setting for the session; the next statement still runs under its own name.
    expect(await selectRows(store.client, { name: "fixture.next", sql: "SELECT getSetting('log_comment') AS name" })).toEqual([{ name: "fixture.next" }]);
    expect(await selectBytes(store.client, { name: "fixture.binary", sql: "SELECT getSetting('log_comment') FORMAT TSV" })).toEqual(Buffer.from("fixture.binary\n"));
  });

  it("binds parameters and inserts rows", async () => {
    await insertRows(store.client, "fixture.insert", "fixture", [{ id: "a'b", n: 1 }]);
    expect(await selectRows(store.client, { name: "fixture.read", sql: "SELECT n FROM fixture WHERE id = {id:String}", params: { id: "a'b" } })).toEqual([{ n: 1 }]);
  });

  it("names the failed statement in its error, keeping ClickHouse's message and type", async () => {
    const failure = await selectRows(store.client, { name: "fixture.broken", sql: "SELECT missing_column FROM fixture" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ClickHouseQueryError);
    expect((failure as ClickHouseQueryError).message).toMatch(/^ClickHouse query fixture\.broken failed: .*missing_column/);
    expect((failure as ClickHouseQueryError).type).toBe("UNKNOWN_IDENTIFIER");
    await expect(insertRows(store.client, "fixture.insert-elsewhere", "no_such_table", [{ id: "x" }])).rejects.toThrowError(/^ClickHouse query fixture\.insert-elsewhere failed/);
    await expect(runCommand(store.client, { name: "fixture.drop-missing", sql: "DROP TABLE no_such_table" })).rejects.toThrowError(
      /^ClickHouse query fixture\.drop-missing failed/,
    );
  });
});
