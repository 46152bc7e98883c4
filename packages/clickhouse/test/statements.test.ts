import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClickHouseQueryError, insertRows, openClickHouse, runCommand, selectBytes, selectRows, type ClickHouseStore } from "../src/index.ts";

describe("named statements on chDB", () => {
  let dir: string;
  let store: ClickHouseStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wick-ch-statements-"));
    store = await openClickHouse({ kind: "embedded", dataDir: join(dir, "clickhouse") });
    await runCommand(store.client, { name: "fixture.create", sql: "CREATE TABLE fixture (id String, n UInt32) ENGINE = MergeTree ORDER BY id" });
    await runCommand(store.client, {
      name: "fixture.create-typed",
      sql: `CREATE TABLE typed (k UInt32, s String, maybe Nullable(String), big UInt64, signed Int32, price Decimal(18, 6), ratio Float64,
              at DateTime64(3, 'UTC'), attributes Map(LowCardinality(String), String), tags Array(String), flag Bool) ENGINE = MergeTree ORDER BY k`,
    });
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

  it("gives the rows JSONEachRow gives, whatever their values, and none for an empty result", async () => {
    const text = fc.string({ unit: "binary", maxLength: 12 });
    const rows = fc
      .sample(
        fc.record({
          s: text,
          maybe: fc.option(text, { nil: null }),
          big: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
          signed: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
          price: fc.integer({ min: -1e9, max: 1e9 }).map((n) => n / 1e6),
          ratio: fc.double({ noNaN: true, noDefaultInfinity: true }),
          at: fc.date({ min: new Date("1971-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString()),
          attributes: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), text, { maxKeys: 4 }),
          tags: fc.array(text, { maxLength: 4 }),
          flag: fc.boolean(),
        }),
        { seed: 20261206, numRuns: 200 },
      )
      .map((row, k) => ({ k, ...row }));
    await insertRows(store.client, "fixture.insert-typed", "typed", rows);
    const sql = "SELECT * FROM typed ORDER BY k";
    const asJsonEachRow = await (await store.client.query({ query: sql, format: "JSONEachRow" })).json();
    const selected = await selectRows(store.client, { name: "fixture.typed", sql });
    expect(selected).toHaveLength(rows.length);
    expect(selected).toEqual(asJsonEachRow);
    expect(await selectRows(store.client, { name: "fixture.none", sql: "SELECT * FROM typed WHERE k > {k:UInt32}", params: { k: rows.length } })).toEqual([]);
  });

  it("stores what a JSONEachRow insert of the same rows stores, where rows leave out different columns", async () => {
    const columns = `k UInt32, label LowCardinality(String) DEFAULT 'unknown', stamped DateTime64(6, 'UTC') DEFAULT toDateTime64('2020-01-02 03:04:05', 6, 'UTC'),
                     maybe Nullable(String), derived String DEFAULT concat('d-', toString(k)), \`per-row order\` UInt8 DEFAULT 7, flags Array(String)`;
    for (const table of ["defaults_compact", "defaults_keyed"]) {
      await runCommand(store.client, { name: "fixture.create-defaults", sql: `CREATE TABLE ${table} (${columns}) ENGINE = MergeTree ORDER BY k` });
    }
    const rows = fc
      .sample(
        fc.record(
          {
            label: fc.string({ maxLength: 5 }),
            stamped: fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString()),
            maybe: fc.option(fc.string({ maxLength: 5 }), { nil: null }),
            derived: fc.string({ maxLength: 5 }),
            "per-row order": fc.integer({ min: 0, max: 255 }),
            flags: fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
          },
          { requiredKeys: [] },
        ),
        { seed: 20261207, numRuns: 100 },
      )
      .map((row, k) => ({ k, ...row }));
    // As a server's profile may: a null for a column that is not Nullable is then refused, unless the insert says otherwise.
    await runCommand(store.client, { name: "fixture.strict-nulls", sql: "SET input_format_null_as_default = 0" });
    try {
      await expect(store.client.insert({ table: "defaults_compact", values: [[1, null]], columns: ["k", "label"], format: "JSONCompactEachRow" })).rejects.toThrow();
      await insertRows(store.client, "fixture.insert-defaults", "defaults_compact", rows);
    } finally {
      await runCommand(store.client, { name: "fixture.default-nulls", sql: "SET input_format_null_as_default = 1" });
    }
    await store.client.insert({ table: "defaults_keyed", values: rows, format: "JSONEachRow" });
    const read = (table: string) => selectRows(store.client, { name: "fixture.read-defaults", sql: `SELECT * FROM ${table} ORDER BY k` });
    const stored = await read("defaults_compact");
    expect(stored).toHaveLength(rows.length);
    expect(stored).toEqual(await read("defaults_keyed"));
    // The sample left some of each column out, or the comparison proved nothing about defaults.
    for (const column of ["label", "stamped", "maybe", "derived", "per-row order", "flags"])
      expect(
        rows.some((row) => !(column in row)),
        column,
      ).toBe(true);
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
