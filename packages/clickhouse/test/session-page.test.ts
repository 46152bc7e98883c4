import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertRows, migrateClickHouse, openClickHouse, runCommand, selectRows, sessions, Where, type ClickHouseStore, type SessionRow } from "../src/index.ts";

/** A session's sightings in arrival order, each written by its own insert: a time and the environment of its trace. */
const sessionArbitrary = fc.array(
  fc.record({
    // Few distinct instants: sightings tie on time, within a session and across sessions.
    second: fc.integer({ min: 0, max: 30 }),
    environment: fc.constantFrom("default", "production"),
  }),
  { minLength: 1, maxLength: 6 },
);

const at = (second: number) => `2025-01-01 00:00:${String(second).padStart(2, "0")}.000`;

describe("sessions.newestFirstPage: a newest-first page without reading the project FINAL", () => {
  let dir: string;
  let store: ClickHouseStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "wick-session-page-"));
    store = await openClickHouse({ kind: "embedded", dataDir: join(dir, "clickhouse") });
    await migrateClickHouse(store.client);
    // Unmerged sightings are what the window must see past: keep every one of them.
    await runCommand(store.client, { name: "test.stop-merges", sql: "SYSTEM STOP MERGES sessions" });
  });
  afterAll(async () => {
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("gives the page FINAL gives, whatever the sightings, ties, filters and page", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(sessionArbitrary, { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 6 }),
        fc.option(fc.constantFrom("default", "production"), { nil: undefined }),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 31 })), { nil: undefined }),
        async (generated, limit, page, environment, range) => {
          run += 1;
          const projectId = `p${run}`;
          const rounds = Math.max(...generated.map((sightings) => sightings.length));
          for (let round = 0; round < rounds; round += 1) {
            const rows = generated.flatMap((sightings, index) => {
              const sighting = sightings[round];
              return sighting ? [{ project_id: projectId, id: `s${index}`, created_at: at(sighting.second), environment: sighting.environment }] : [];
            });
            await insertRows(store.client, "test.sessions", "sessions", rows);
          }
          const where = () => {
            const built = new Where(projectId).anyOf("environment", "environment", environment && [environment]);
            return range
              ? built.between(
                  "created_at",
                  "createdAt",
                  `2025-01-01T00:00:${String(range[0]).padStart(2, "0")}Z`,
                  `2025-01-01T00:00:${String(Math.min(range[1], 59)).padStart(2, "0")}Z`,
                )
              : built;
          };
          const paged = await sessions.newestFirstPage(store.client, where(), (page - 1) * limit, limit);
          const filter = where();
          const whole = await selectRows<SessionRow>(store.client, {
            name: "test.whole",
            sql: `SELECT project_id, id, created_at, environment FROM ${sessions.final()} WHERE ${filter} ORDER BY created_at DESC, id DESC`,
            params: filter.params,
          });
          expect(paged).toEqual(whole.slice((page - 1) * limit, page * limit));
        },
      ),
      { numRuns: 80 },
    );
  });

  it("leaves two sightings at one instant with different environments to FINAL, which keeps the last written", async () => {
    const projectId = "tie";
    for (const [second, environment] of [
      [5, "default"],
      [5, "production"],
      [5, "default"],
    ] as const) {
      await insertRows(store.client, "test.sessions", "sessions", [{ project_id: projectId, id: "s", created_at: at(second), environment }]);
    }
    const whole = await selectRows<SessionRow>(store.client, {
      name: "test.whole",
      sql: "SELECT project_id, id, created_at, environment FROM sessions FINAL WHERE project_id = {projectId:String}",
      params: { projectId },
    });
    expect(await sessions.newestFirstPage(store.client, new Where(projectId), 0, 10)).toEqual(whole);
    expect(await sessions.newestFirstPage(store.client, new Where(projectId).anyOf("environment", "environment", ["production"]), 0, 10)).toEqual(
      whole.filter((row) => row.environment === "production"),
    );
  });
});
