/**
 * `pnpm bench exports`: one export window of the read benchmarks' seeded project (the first three
 * days: about 1 M observations, 100,000 traces and 50,000 scores; the observations both as the
 * legacy file and as the v2 file that carries their trace's context) written as gzipped JSONL to a
 * local directory, in this process on the embedded store; rows per second and peak RSS (chDB runs
 * in this process, so its memory counts too).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { openClickHouse } from "../packages/clickhouse/src/index.ts";
import { directoryTarget, exportWindow } from "../packages/exports/src/index.ts";
import { SEED, seededDataDir } from "./support/seed.ts";
import { mb, printTable } from "./support/stats.ts";

const DAYS = 3;

export async function run(): Promise<void> {
  const store = await openClickHouse({ kind: "embedded", dataDir: join(await seededDataDir(), "clickhouse") });
  const dir = await mkdtemp(join(tmpdir(), "wick-bench-exports-"));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const from = new Date(`${SEED.start.replace(" ", "T")}Z`);
    const to = new Date(from.getTime() + DAYS * 86_400_000);
    const started = performance.now();
    const { files } = await exportWindow(
      store.client,
      directoryTarget(join(dir, "out")),
      {
        projectId: SEED.projectId,
        window: { from, to },
        tables: ["traces", "observations", "observations_v2", "scores"],
        fileType: "JSONL",
        compressed: true,
        prefix: "",
        exportSource: "LEGACY_TRACES_AND_ENRICHED_OBSERVATIONS",
      },
      join(dir, "scratch"),
    );
    const seconds = (performance.now() - started) / 1000;
    const rows = files.reduce((sum, file) => sum + file.rowCount, 0);
    printTable(`export of ${DAYS} days of the seeded project to JSONL.gz on local disk (embedded)`, [
      ...files.map((file): [string, string, string] => [`${file.table}: rows, size`, `${file.rowCount.toLocaleString()} rows, ${mb(file.sizeBytes)}`, ""]),
      ["whole export", `${seconds.toFixed(1)} s, ${Math.round(rows / seconds).toLocaleString()} rows/s`, ""],
      ["peak RSS", mb(peak), "< 1.5 GB"],
    ]);
  } finally {
    clearInterval(sampler);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
