/**
 * `pnpm bench reads [--scale 100]`: the v1 read endpoints on embedded storage with 1 M traces and
 * 10 M observations (and, with `--scale`, at that many millions of observations, side by side): `GET /traces` (with and without a time window), `GET /traces/{id}` for a trace
 * with 100 observations, `GET /sessions`, `GET /observations` (its total from the day rollups,
 * which the server builds in a pass at start; timing starts once that pass is done), and the v2
 * and v1 score lists, with a few scores whose trace never arrives.
 */
import { randomUUID } from "node:crypto";
import { WickServer } from "./support/server-process.ts";
import { type BenchOptions, footprintRows, measureAtScales, type Row } from "./support/scales.ts";
import { type Seed, seedEnv, seededDataDir } from "./support/seed.ts";
import { time, timingRows } from "./support/timing.ts";

const RUNS = 40;

export async function run(options: BenchOptions = {}): Promise<void> {
  await measureAtScales("v1 reads, embedded", options, measure);
}

async function measure(seed: Seed): Promise<Row[]> {
  const dataDir = await seededDataDir(seed);
  const server = await WickServer.start({ dataDir, env: seedEnv, logLevel: "info" });
  const authorization = `Basic ${Buffer.from(`${seed.publicKey}:${seed.secretKey}`).toString("base64")}`;
  const get = (path: string) => () => fetch(`${server.baseUrl}${path}`, { headers: { authorization } });
  try {
    const traceId = `bench-wide-${randomUUID()}`;
    const now = new Date().toISOString();
    const batch = [
      { id: randomUUID(), type: "trace-create", timestamp: now, body: { id: traceId, name: "wide" } },
      ...Array.from({ length: 100 }, (_, i) => ({
        id: randomUUID(),
        type: "span-create",
        timestamp: now,
        body: { id: `${traceId}-${i}`, traceId, name: `step-${i}`, startTime: now, endTime: now, input: { step: i } },
      })),
      ...Array.from({ length: 10 }, (_, i) => ({
        id: randomUUID(),
        type: "score-create",
        timestamp: now,
        body: { id: `${traceId}-orphan-${i}`, traceId: `${traceId}-never-${i}`, name: "orphan", value: i },
      })),
    ];
    const ingested = await fetch(`${server.baseUrl}/api/public/ingestion`, {
      method: "POST",
      headers: { authorization, "content-type": "application/json" },
      body: JSON.stringify({ batch }),
    });
    if (ingested.status !== 207) throw new Error(`ingestion failed: ${ingested.status}`);

    const rollups = await server.rollupsCurrent();

    const day = "fromTimestamp=2025-01-15T00:00:00Z&toTimestamp=2025-01-16T00:00:00Z";
    const timings = [
      await time("GET /traces?limit=50", RUNS, get("/api/public/traces?limit=50")),
      await time("GET /traces?limit=50, one-day window", RUNS, get(`/api/public/traces?limit=50&${day}`)),
      await time("GET /traces/{id}, 100 observations", RUNS, get(`/api/public/traces/${traceId}`)),
      await time("GET /sessions?limit=50", RUNS, get("/api/public/sessions?limit=50")),
      await time("GET /observations?limit=50", RUNS, get("/api/public/observations?limit=50")),
      await time("GET /observations?limit=50, one-day window", RUNS, get(`/api/public/observations?limit=50&${day.replaceAll("Timestamp", "StartTime")}`)),
      await time("GET /v2/scores?limit=50", RUNS, get("/api/public/v2/scores?limit=50")),
      await time("GET /v2/scores?limit=50, page 1,000", RUNS, get("/api/public/v2/scores?limit=50&page=1000")),
      await time("GET /scores?limit=50 (v1)", RUNS, get("/api/public/scores?limit=50")),
    ];
    return [
      ["observation rollups built at start", `${rollups.days} days in ${(rollups.ms / 1000).toFixed(1)} s`],
      ...timingRows(timings, "p95 < 100 ms"),
      ...(await footprintRows(seed, dataDir, server)),
    ];
  } finally {
    await server.stop();
  }
}
