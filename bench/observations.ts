/**
 * `pnpm bench observations [--scale 100]`: `GET /api/public/v2/observations` on embedded storage
 * with 10 M observations over 1 M traces in one project, plus other projects as noise; with
 * `--scale`, also at that many millions of observations, side by side.
 */
import { WickServer } from "./support/server-process.ts";
import { type BenchOptions, footprintRows, measureAtScales, type Row } from "./support/scales.ts";
import { type Seed, seedEnv, seededDataDir } from "./support/seed.ts";
import { ms } from "./support/stats.ts";
import { time, timingRows } from "./support/timing.ts";

const RUNS = 40;
const DEPTH = 1000;

export async function run(options: BenchOptions = {}): Promise<void> {
  await measureAtScales("v2 observations, embedded", options, measure);
}

async function measure(seed: Seed): Promise<Row[]> {
  const dataDir = await seededDataDir(seed);
  const server = await WickServer.start({ dataDir, env: seedEnv });
  const authorization = `Basic ${Buffer.from(`${seed.publicKey}:${seed.secretKey}`).toString("base64")}`;
  const url = (query: string) => `${server.baseUrl}/api/public/v2/observations?${query}`;
  const get = (query: string) => () => fetch(url(query), { headers: { authorization } });
  try {
    let cursor = "";
    for (let page = 0; page < DEPTH; page += 1) {
      const body = (await (await fetch(url(`limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`), { headers: { authorization } })).json()) as {
        meta: { cursor?: string };
      };
      if (!body.meta.cursor) throw new Error(`ran out of pages at ${page}`);
      cursor = body.meta.cursor;
    }
    const metadataFilter = encodeURIComponent(JSON.stringify([{ type: "stringObject", column: "metadata", key: "component", operator: "=", value: "c7" }]));
    const firstPage = await time("first page, limit 50, core,basic", RUNS, get("limit=50&fields=core,basic"));
    const timings = [
      firstPage,
      await time("first page, limit 50, io,metadata,usage", RUNS, get("limit=50&fields=io,metadata,usage")),
      await time(`page ${DEPTH} deep by cursor, core,basic`, RUNS, get(`limit=50&fields=core,basic&cursor=${encodeURIComponent(cursor)}`)),
      await time("traceId filter", RUNS, get(`limit=50&traceId=t-${Math.floor(seed.traces * 0.777777)}`)),
      await time("one-hour window", RUNS, get("limit=50&fromStartTime=2025-01-20T10:00:00Z&toStartTime=2025-01-20T11:00:00Z")),
      await time("advanced filter on metadata", RUNS, get(`limit=50&filter=${metadataFilter}`)),
    ];
    const deep = timings[2]!;
    return [
      ...timingRows(timings, "p95 < 50 ms"),
      ["deep page p95 / first page p95", (deep.p95 / firstPage.p95).toFixed(2), "≤ 1.2"],
      ["first page p95", ms(firstPage.p95), "< 50 ms"],
      ...(await footprintRows(seed, dataDir, server)),
    ];
  } finally {
    await server.stop();
  }
}
