/**
 * `pnpm bench metrics [--scale 100]`: the metrics API on embedded storage with 10 M observations
 * over 30 days (1 M traces, 500 k scores) in one project, plus other projects as noise; with
 * `--scale`, also at that many millions of observations, side by side.
 *
 * The seeded project's day rollups are forgotten before each run, so the server's start-up pass
 * builds them again: the first query runs beside that pass, and its time and the pass's are printed
 * on their own. The other figures are taken once the pass is done.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { openPostgres } from "../packages/postgres/src/index.ts";
import { WickServer } from "./support/server-process.ts";
import { type BenchOptions, footprintRows, measureAtScales, type Row } from "./support/scales.ts";
import { type Seed, seedEnv, seededDataDir } from "./support/seed.ts";
import { ms } from "./support/stats.ts";
import { time, timingRows } from "./support/timing.ts";

const RUNS = 20;
const MONTH = { fromTimestamp: "2025-01-01T00:00:00Z", toTimestamp: "2025-01-31T00:00:00Z" };
const NOON_TO_NOON = { fromTimestamp: "2025-01-01T12:00:00Z", toTimestamp: "2025-01-31T12:00:00Z" };
const WEEK = { fromTimestamp: "2025-01-24T00:00:00Z", toTimestamp: "2025-01-31T00:00:00Z" };

export async function run(options: BenchOptions = {}): Promise<void> {
  await measureAtScales("metrics over 30 days, embedded", options, measure);
}

/** Makes every day of the project unbuilt: stale rollup rows stay in ClickHouse, under builds never read again. */
async function forgetRollups(dataDir: string, projectId: string): Promise<void> {
  const postgresDir = join(dataDir, "postgres");
  if (!existsSync(postgresDir)) return;
  const store = await openPostgres({ kind: "embedded", dataDir: postgresDir });
  try {
    await store.execute("DELETE FROM observation_rollup_days WHERE project_id = $1", [projectId]);
  } catch (error) {
    // A store from before the rollups has no such table, and nothing to forget.
    if (!String(error).includes("observation_rollup_days")) throw error;
  } finally {
    await store.close();
  }
}

async function measure(seed: Seed): Promise<Row[]> {
  const dataDir = await seededDataDir(seed);
  await forgetRollups(dataDir, seed.projectId);
  // At info, the server says when its rollup pass at start-up is done.
  const server = await WickServer.start({ dataDir, env: seedEnv, logLevel: "info" });
  const authorization = `Basic ${Buffer.from(`${seed.publicKey}:${seed.secretKey}`).toString("base64")}`;
  const metrics = (path: string, query: object) => () =>
    fetch(`${server.baseUrl}/api/public${path}?query=${encodeURIComponent(JSON.stringify(query))}`, { headers: { authorization } });
  const count = { measure: "count", aggregation: "count" };
  const dailyByModelOver = (window: typeof MONTH) =>
    metrics("/v2/metrics", {
      view: "observations",
      ...window,
      dimensions: [{ field: "providedModelName" }],
      metrics: [
        { measure: "totalCost", aggregation: "sum" },
        { measure: "totalTokens", aggregation: "sum" },
      ],
      timeDimension: { granularity: "day" },
      config: { row_limit: 1000 },
    });
  const dailyByModel = dailyByModelOver(MONTH);
  try {
    const started = performance.now();
    const first = await dailyByModel();
    if (first.status !== 200) throw new Error(`first metrics query: ${first.status} ${await first.text()}`);
    await first.text();
    const building = performance.now() - started;
    const rollups = await server.rollupsCurrent();
    const [whole] = timingRows([await time("daily sum of cost and tokens by model (30 days)", RUNS, dailyByModel)], "p95 < 500 ms");
    const timings = [
      // Like a dashboard's "last 30 days": its first and last days are partial, so they are read raw.
      await time("the same, 30 days from noon to noon", RUNS, dailyByModelOver(NOON_TO_NOON)),
      await time(
        "p95 latency by name (30 days)",
        RUNS,
        metrics("/v2/metrics", { view: "observations", ...MONTH, dimensions: [{ field: "name" }], metrics: [{ measure: "latency", aggregation: "p95" }] }),
      ),
      await time(
        "observation count by user, top 100 (7 days)",
        RUNS,
        metrics("/v2/metrics", {
          view: "observations",
          ...WEEK,
          dimensions: [{ field: "userId" }],
          metrics: [count],
          orderBy: [{ field: "count_count", direction: "desc" }],
          config: { row_limit: 100 },
        }),
      ),
      await time("trace count by user, v1 traces view (7 days)", RUNS, metrics("/metrics", { view: "traces", ...WEEK, dimensions: [{ field: "userId" }], metrics: [count] })),
      await time(
        "scores-numeric average by name (30 days)",
        RUNS,
        metrics("/v2/metrics", { view: "scores-numeric", ...MONTH, dimensions: [{ field: "name" }], metrics: [{ measure: "value", aggregation: "avg" }] }),
      ),
    ];
    return [
      whole!,
      ["the same, first query, beside the start-up pass", ms(building), ""],
      ["the start-up pass: builds the rollups", `${rollups.days} days in ${ms(rollups.ms)}`, ""],
      ...timingRows(timings, "p95 < 500 ms"),
      ...(await footprintRows(seed, dataDir, server)),
    ];
  } finally {
    await server.stop();
  }
}
