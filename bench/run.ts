/**
 * `npm run bench [name…] [--scale N]` (or `pnpm bench`): runs the named benchmarks in order, or
 * all of them without a name. `--scale N` also runs the read benchmarks (reads, observations,
 * metrics) on a data set of N million observations and prints it beside the default 10 M.
 * Benchmarks print figures; they never assert on timings and are not tests.
 *
 * To add one, write `bench/<name>.ts` exporting `run(): Promise<void>` and add a line below.
 */
import { performance } from "node:perf_hooks";
import type { BenchOptions } from "./support/scales.ts";

export interface BenchmarkModule {
  run(options: BenchOptions): Promise<void>;
}

/** Loaded lazily, so one benchmark's imports cost nothing when another runs. Keys are the CLI names. */
const benchmarks = {
  startup: () => import("./startup.ts"),
  ingest: () => import("./ingest.ts"),
  otel: () => import("./otel.ts"),
  reads: () => import("./reads.ts"),
  observations: () => import("./observations.ts"),
  prompts: () => import("./prompts.ts"),
  datasets: () => import("./datasets.ts"),
  experiments: () => import("./experiments.ts"),
  metrics: () => import("./metrics.ts"),
  "large-trace": () => import("./large-trace.ts"),
  ui: () => import("./ui.ts"),
  media: () => import("./media.ts"),
  exports: () => import("./exports.ts"),
  lifecycle: () => import("./lifecycle.ts"),
} satisfies Record<string, () => Promise<BenchmarkModule>>;

type BenchmarkName = keyof typeof benchmarks;
const known = Object.keys(benchmarks) as BenchmarkName[];

function isKnown(name: string): name is BenchmarkName {
  return Object.hasOwn(benchmarks, name);
}

/** Takes `--scale N` (or `--scale=N`) out of the arguments. */
function scaleOf(args: string[]): { names: string[]; options: BenchOptions } {
  const names: string[] = [];
  const options: BenchOptions = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === "--scale" || arg.startsWith("--scale=")) {
      const separate = arg === "--scale";
      const value = separate ? args[i + 1] : arg.slice("--scale=".length);
      if (separate) i += 1;
      options.scale = Number(value);
      if (!Number.isInteger(options.scale) || options.scale < 1) throw new Error(`--scale takes a whole number of millions of observations, not ${value}`);
    } else {
      names.push(arg);
    }
  }
  return { names, options };
}

async function main(args: string[]): Promise<number> {
  // `pnpm bench -- startup` passes the separator through.
  let parsed: ReturnType<typeof scaleOf>;
  try {
    parsed = scaleOf(args.filter((arg) => arg !== "--"));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  const { names: requested, options } = parsed;
  if (requested.some((arg) => arg === "-h" || arg === "--help")) {
    console.log(`usage: npm run bench [${known.join("|")}]… [--scale N]  (no name runs all; --scale N adds N million observations to the read benchmarks)`);
    return 0;
  }
  const unknown = requested.filter((name) => !isKnown(name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`);
    console.error(`known benchmarks: ${known.join(", ")}`);
    return 2;
  }
  const names = requested.length > 0 ? [...new Set(requested.filter(isKnown))] : known;

  const failed: string[] = [];
  for (const name of names) {
    console.log(`\n== bench ${name} ==`);
    const started = performance.now();
    try {
      const module: BenchmarkModule = await benchmarks[name]();
      await module.run(options);
      console.log(`== ${name} finished in ${((performance.now() - started) / 1000).toFixed(1)} s ==`);
    } catch (error) {
      failed.push(name);
      console.error(`== ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }
  if (failed.length > 0) console.error(`\nfailed: ${failed.join(", ")}`);
  return failed.length > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
