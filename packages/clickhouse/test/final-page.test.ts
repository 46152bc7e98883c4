import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  finalPage,
  insertRows,
  MergedTable,
  migrateClickHouse,
  openClickHouse,
  runCommand,
  selectRows,
  traces,
  Where,
  type ClickHouseStore,
  type StoredTrace,
} from "../src/index.ts";

/** A trace's versions as ingestion writes them: one sort key, a name each, more events each time. */
const traceArbitrary = fc.record({
  // Few distinct instants, so that many rows tie on time and the window's edge falls inside a tie.
  second: fc.integer({ min: 0, max: 40 }),
  names: fc.array(fc.constantFrom("alpha", "beta", "gamma"), { minLength: 1, maxLength: 8 }),
});

// The last is not newest first: it is read over the whole project, in one statement with its total.
const orders = ["timestamp DESC, id DESC", traces.keyOrder("DESC"), "timestamp DESC, name ASC, id ASC", "name ASC, id ASC"];

describe("finalPage: a newest-first page read over the newest rows only", () => {
  let dir: string;
  let store: ClickHouseStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wick-final-page-"));
    store = await openClickHouse({ kind: "embedded", dataDir: join(dir, "clickhouse") });
    await migrateClickHouse(store.client);
    // Unmerged versions are what the window must see past: keep every one of them.
    await runCommand(store.client, { name: "test.stop-merges", sql: "SYSTEM STOP MERGES traces" });
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("gives the same page and total as reading the whole project FINAL, whatever the versions, ties, filter, order and page", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(traceArbitrary, { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.constantFrom("alpha", "beta", "gamma"), { nil: undefined }),
        fc.constantFrom(...orders),
        async (generated, limit, page, name, orderBy) => {
          run += 1;
          const projectId = `p${run}`;
          // Each round of versions is its own insert, so its rows sit in a part of their own.
          const rounds = Math.max(...generated.map((trace) => trace.names.length));
          for (let round = 0; round < rounds; round += 1) {
            const rows = generated.flatMap((trace, index) =>
              round < trace.names.length
                ? [
                    {
                      project_id: projectId,
                      id: `t${index}`,
                      timestamp: `2025-01-01 00:00:${String(trace.second).padStart(2, "0")}.000`,
                      name: trace.names[round],
                      environment: "default",
                      created_at: "2025-01-01 00:00:00.000",
                      updated_at: "2025-01-01 00:00:00.000",
                      merge_version: round + 1,
                    },
                  ]
                : [],
            );
            await insertRows(store.client, "test.traces", "traces", rows);
          }
          const where = () => new Where(projectId).equals("name", "name", name);
          const paged = await finalPage<StoredTrace>(store.client, traces, { where: where(), orderBy, page, limit });
          const filter = where();
          const whole = await selectRows<StoredTrace>(store.client, {
            name: "test.whole",
            sql: `SELECT * FROM ${traces.final()} WHERE ${filter} ORDER BY ${orderBy} SETTINGS ${MergedTable.FINAL_SETTINGS}`,
            params: filter.params,
          });
          expect(paged.rows.map((row) => [row.id, row.name])).toEqual(whole.slice((page - 1) * limit, page * limit).map((row) => [row.id, row.name]));
          expect(paged.totalItems).toBe(whole.length);
        },
      ),
      { numRuns: 60 },
    );
  });
});
