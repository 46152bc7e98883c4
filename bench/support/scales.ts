/**
 * The read benchmarks at more than one size of the seeded data set: `--scale 100` measures the
 * default 10 M observations and then 100 M, and prints the two side by side, so that how a cost
 * grows with the data is one table.
 */
import { DEFAULT_SCALE, type Seed, clickHouseBytes, seedAt } from "./seed.ts";
import type { WickServer } from "./server-process.ts";
import { mb, printColumns } from "./stats.ts";

export interface BenchOptions {
  /** Millions of observations in the seeded project (`--scale`); 10 when not given. */
  scale?: number;
}

/** One measured row: what, the value, and the goal it is held to. */
export type Row = [string, string, string?];

/**
 * Runs `measure` on each asked-for data set, the default one first, and prints one table with a
 * column per data set. Rows are matched by their position: `measure` gives the same rows each time.
 */
export async function measureAtScales(title: string, options: BenchOptions, measure: (seed: Seed) => Promise<Row[]>): Promise<void> {
  const scales = [...new Set([DEFAULT_SCALE, options.scale ?? DEFAULT_SCALE])];
  const results: Row[][] = [];
  for (const scale of scales) results.push(await measure(seedAt(scale)));
  printColumns(
    title,
    scales.map((scale) => `${scale} M observations`),
    results[0]!.map(([name, , goal], row) => [name, results.map((rows) => rows[row]?.[1] ?? ""), goal]),
  );
}

/** The server's resident memory and the disk the data set takes per million observations. */
export async function footprintRows(seed: Seed, dataDir: string, server: WickServer): Promise<Row[]> {
  const rss = await server.rss();
  const bytes = await clickHouseBytes(dataDir);
  return [
    ["server RSS", mb(rss.totalBytes), "< 1.5 GB"],
    ["ClickHouse disk per million observations (all tables)", mb(bytes / (seed.scale + seed.noiseObservations / 1e6)), ""],
  ];
}
