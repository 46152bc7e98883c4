import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand, selectRows } from "@wick/clickhouse";
import { createTestApp, type TestApp, type TestProject } from "./support/harness.ts";

/**
 * `GET /v2/observations` reads without FINAL. With merges stopped, every update leaves another
 * version of its observation in the table; walking the pages at any page size, with the filters
 * that read only the sort key (trace, start time) or with one that an older version matches and the
 * newest may not (name), must still give each observation once, as its newest version, in the
 * order FINAL gives. Differential: the pages against FINAL.
 */
const SEED = 20261206;
const CASES = Number(process.env.WICK_PROPERTY_RUNS ?? 40);
const at = (second: number) => new Date(Date.UTC(2025, 4, 1, 8, 0, 0) + second * 1000).toISOString();
const DAY = 86_400;
/**
 * The start times: a few seconds on days 0, 1, 3 and 4, some exactly a day apart and one gap longer
 * than a day, since a page below a cursor reads the day below it first.
 */
const SECONDS = [0, 1, 2, DAY, DAY + 1, 3 * DAY, 3 * DAY + 1, 4 * DAY + 1];

const observationArb = fc.record({
  second: fc.constantFrom(...SECONDS),
  trace: fc.integer({ min: 0, max: 3 }),
  updates: fc.integer({ min: 0, max: 4 }),
});

describe("GET /api/public/v2/observations over unmerged versions", () => {
  let t: TestApp;
  let project: TestProject;

  const ingest = async (batch: object[]) => {
    const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: project.basic }, payload: { batch } });
    expect(response.json().errors).toEqual([]);
  };

  beforeAll(async () => {
    t = await createTestApp("embedded");
    project = await t.createProject();
    await runCommand(t.stores.clickhouse.client, { name: "test.stop-merges", sql: "SYSTEM STOP MERGES observations" });
    const facts = fc.sample(fc.array(observationArb, { minLength: 60, maxLength: 60 }), { seed: SEED, numRuns: 1 })[0]!;
    await ingest(
      facts.map((fact, n) => ({
        id: randomUUID(),
        type: "span-create",
        timestamp: at(fact.second),
        body: { id: `o-${n}`, traceId: `t-${fact.trace}`, name: "v0", startTime: at(fact.second) },
      })),
    );
    // Each round of updates is its own insert, so its versions lie in their own part.
    for (let round = 1; round <= 4; round++) {
      const updated = facts.flatMap((fact, n) => (fact.updates >= round ? [n] : []));
      await ingest(
        updated.map((n) => ({ id: randomUUID(), type: "span-update", timestamp: at(10 + round), body: { id: `o-${n}`, traceId: `t-${facts[n]!.trace}`, name: `v${round}` } })),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  /** The current observations matching `where` in the list's order, as FINAL reads them. */
  const expected = async (where: string, params: Record<string, unknown>) =>
    selectRows<{ id: string; name: string }>(t.stores.clickhouse.client, {
      name: "test.v2-final-order",
      sql: `SELECT id, name FROM observations FINAL WHERE project_id = {projectId:String} ${where}
            ORDER BY start_time DESC, xxHash32(trace_id) DESC, id DESC`,
      params: { projectId: project.id, ...params },
    });

  it("keeps several versions of observations unmerged", async () => {
    const [stored] = await selectRows<{ rows: number; current: number }>(t.stores.clickhouse.client, {
      name: "test.v2-versions",
      sql: "SELECT count() AS rows, uniqExact(id) AS current FROM observations WHERE project_id = {projectId:String}",
      params: { projectId: project.id },
    });
    // Without that, the walk below would not meet a stale version.
    expect(Number(stored!.rows)).toBeGreaterThan(Number(stored!.current) + 60);
  });

  it("gives each observation once, newest, in FINAL's order, at any page size and filter", async () => {
    const filterArb = fc.oneof(
      fc.constant({ query: "", where: "", params: {} }),
      fc.integer({ min: 0, max: 3 }).map((trace) => ({ query: `&traceId=t-${trace}`, where: "AND trace_id = {traceId:String}", params: { traceId: `t-${trace}` } })),
      fc.integer({ min: 0, max: 4 }).map((round) => ({ query: `&name=v${round}`, where: "AND name = {name:String}", params: { name: `v${round}` } })),
      fc.tuple(fc.constantFrom(...SECONDS), fc.integer({ min: 1, max: 5 * DAY })).map(([from, length]) => ({
        query: `&fromStartTime=${at(from)}&toStartTime=${at(from + length)}`,
        where: "AND start_time >= {from:DateTime64(3, 'UTC')} AND start_time < {to:DateTime64(3, 'UTC')}",
        params: {
          from: at(from).replace("T", " ").replace("Z", ""),
          to: at(from + length)
            .replace("T", " ")
            .replace("Z", ""),
        },
      })),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 9 }), filterArb, async (limit, filter) => {
        const walked: Array<{ id: string; name: string }> = [];
        let cursor: string | undefined;
        for (let page = 0; page < 200; page++) {
          const response = await t.app.inject({
            method: "GET",
            url: `/api/public/v2/observations?limit=${limit}&fields=core,basic${filter.query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
            headers: { authorization: project.basic },
          });
          expect(response.statusCode).toBe(200);
          const body = response.json() as { data: Array<{ id: string; name: string }>; meta: { cursor?: string } };
          expect(body.data.length).toBeLessThanOrEqual(limit);
          walked.push(...body.data.map(({ id, name }) => ({ id, name })));
          cursor = body.meta.cursor;
          if (!cursor) break;
        }
        expect(walked).toEqual(await expected(filter.where, filter.params));
      }),
      { seed: SEED, numRuns: CASES },
    );
  });
});
