/**
 * A large tracing data set for the read benchmarks, generated inside ClickHouse with
 * `INSERT … SELECT FROM numbers()` into a Wick data directory, before the server opens it. Kept
 * between runs (it takes minutes to build, an hour at 100 M observations); delete the directory
 * to rebuild it. Its size is given in millions of observations (`--scale`); the default is 10.
 */
import { existsSync } from "node:fs";
import { readdir, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { migrateClickHouse, OBSERVATION_TRACE_KIND, openClickHouse, SCORE_TRACE_KIND } from "../../packages/clickhouse/src/index.ts";

/** Millions of observations in the seeded project when no `--scale` is given. */
export const DEFAULT_SCALE = 10;

export interface Seed {
  /** Millions of observations in the benchmark project. */
  scale: number;
  projectId: string;
  publicKey: string;
  secretKey: string;
  traces: number;
  observationsPerTrace: number;
  /** Spread over 20 other projects, a tenth of the project's own. */
  noiseObservations: number;
  days: number;
  start: string;
}

/** The data set of `scale` million observations: a tenth as many traces, spread over 30 days. */
export function seedAt(scale: number): Seed {
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`--scale must be a whole number of millions of observations, not ${scale}`);
  return {
    scale,
    projectId: "bench",
    publicKey: "pk-lf-bench-reads",
    secretKey: "sk-lf-bench-reads",
    traces: scale * 100_000,
    observationsPerTrace: 10,
    noiseObservations: scale * 100_000,
    days: 30,
    start: "2025-01-01 00:00:00.000",
  };
}

export const SEED = seedAt(DEFAULT_SCALE);

export const seedEnv = {
  LANGFUSE_INIT_ORG_ID: "bench",
  LANGFUSE_INIT_PROJECT_ID: SEED.projectId,
  LANGFUSE_INIT_PROJECT_PUBLIC_KEY: SEED.publicKey,
  LANGFUSE_INIT_PROJECT_SECRET_KEY: SEED.secretKey,
};

const msPerTraceOf = (seed: Seed) => Math.floor((seed.days * 86_400_000) / seed.traces);

const TYPES = "['SPAN', 'GENERATION', 'EVENT', 'SPAN', 'GENERATION', 'TOOL', 'SPAN', 'GENERATION', 'AGENT', 'SPAN']";
const MODELS = "['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-5', 'gemini-2.5-flash']";

function traceInsert(seed: Seed): string {
  const msPerTrace = msPerTraceOf(seed);
  return `
    INSERT INTO traces (project_id, id, timestamp, name, user_id, session_id, release, version, environment, public, bookmarked, tags, metadata, input, output, created_at, updated_at, merge_version)
    SELECT '${seed.projectId}', concat('t-', toString(number)), ts, concat('trace-', toString(number % 50)),
           concat('user-', toString(number % 5000)), concat('session-', toString(intDiv(number, 8))), 'r1', NULL,
           if(number % 10 = 0, 'staging', 'production'), false, false, ['bench', concat('tag-', toString(number % 7))],
           map('customer', concat('c-', toString(number % 300)), 'plan', if(number % 3 = 0, 'pro', 'free')),
           concat('{"question":"What is the status of order ', toString(number), '?"}'), '"It shipped yesterday."', ts, ts, 1
    FROM (SELECT number, toDateTime64('${seed.start}', 3, 'UTC') + toIntervalMillisecond(number * ${msPerTrace}) AS ts FROM numbers(${seed.traces}))`;
}

function observationInsert(seed: Seed, projectExpr: string, count: number, offset: number): string {
  const msPerTrace = msPerTraceOf(seed);
  return `
    INSERT INTO observations (project_id, id, trace_id, type, parent_observation_id, start_time, end_time, completion_start_time, name, level, status_message, version, environment,
                              metadata, input, output, provided_model_name, internal_model_id, model_parameters, provided_usage_details, usage_details,
                              provided_cost_details, cost_details, total_cost, created_at, updated_at, merge_version)
    SELECT ${projectExpr}, concat('o-', toString(n)), concat('t-', toString(t)), type,
           if(n % ${seed.observationsPerTrace} = 0, NULL, concat('o-', toString(n - n % ${seed.observationsPerTrace}))),
           start, start + toIntervalMillisecond(200 + (n % 1700)), if(type = 'GENERATION', start + toIntervalMillisecond(150), NULL),
           concat(lower(type), '-', toString(n % 20)), if(n % 97 = 0, 'ERROR', 'DEFAULT'), NULL, NULL, if(t % 10 = 0, 'staging', 'production'),
           map('component', concat('c', toString(n % 12)), 'scope', concat('{"name":"mod-', toString(n % 40), '"}')),
           concat('{"messages":[{"role":"user","content":"step ', toString(n), ' of the plan"}]}'), 'done',
           if(type = 'GENERATION', ${MODELS}[1 + n % 4], NULL), NULL, NULL,
           if(type = 'GENERATION', map('input', 200 + n % 800, 'output', 20 + n % 300), map()),
           if(type = 'GENERATION', map('input', 200 + n % 800, 'output', 20 + n % 300, 'total', 220 + n % 800 + n % 300), map()),
           map(),
           if(type = 'GENERATION', map('input', toDecimal64((200 + n % 800) * 0.00000015, 12), 'output', toDecimal64((20 + n % 300) * 0.0000006, 12), 'total', toDecimal64((200 + n % 800) * 0.00000015 + (20 + n % 300) * 0.0000006, 12)), map()),
           if(type = 'GENERATION', toDecimal64((200 + n % 800) * 0.00000015 + (20 + n % 300) * 0.0000006, 12), NULL),
           start, start, 1
    FROM (
      SELECT number + ${offset} AS n, intDiv(n, ${seed.observationsPerTrace}) AS t, ${TYPES}[1 + n % 10] AS type,
             toDateTime64('${seed.start}', 3, 'UTC') + toIntervalMillisecond(t * ${msPerTrace} + (n % ${seed.observationsPerTrace}) * 150) AS start
      FROM numbers(${count})
    )`;
}

function scoreInsert(seed: Seed): string {
  const msPerTrace = msPerTraceOf(seed);
  return `
  INSERT INTO scores (project_id, id, timestamp, environment, trace_id, name, value, string_value, data_type, source, metadata, created_at, updated_at, merge_version)
  SELECT '${seed.projectId}', concat('s-', toString(number)), ts, 'production', concat('t-', toString(number * 2)),
         if(number % 2 = 0, 'helpfulness', 'accuracy'), (number % 100) / 100, NULL, 'NUMERIC', 'API', map(), ts, ts, 1
  FROM (SELECT number, toDateTime64('${seed.start}', 3, 'UTC') + toIntervalMillisecond(number * 2 * ${msPerTrace}) AS ts FROM numbers(${seed.traces / 2}))`;
}

/** Logs the entries filing the observations `where` selects under their traces, as ingestion does with their events. */
export const traceEntriesInsert = (where: string) =>
  `INSERT INTO raw_events (project_id, entity_kind, entity_id, event_id, event_type, event_ts, received_at, write_id, body)
   SELECT project_id, '${OBSERVATION_TRACE_KIND}', trace_id, id, '${OBSERVATION_TRACE_KIND}', start_time, start_time, 'seed', '' FROM observations WHERE ${where}`;

/** Where the data set of `seed` lives; the 10 M set keeps the directory it always had. */
const dataDirOf = (seed: Seed) => join(tmpdir(), seed.scale === DEFAULT_SCALE ? "wick-bench-seed-v2" : `wick-bench-seed-v2-${seed.scale}m`);

/** The data directory of the seeded data set, building it first when it does not exist yet. */
export async function seededDataDir(seed: Seed = SEED): Promise<string> {
  const dir = dataDirOf(seed);
  const marker = join(dir, "seeded");
  if (existsSync(marker)) return dir;
  console.log(`seeding ${seed.traces.toLocaleString()} traces and ${(seed.traces * seed.observationsPerTrace).toLocaleString()} observations in ${dir} (once; takes minutes)…`);
  const started = performance.now();
  const store = await openClickHouse({ kind: "embedded", dataDir: join(dir, "clickhouse") });
  try {
    await migrateClickHouse(store.client);
    const run = async (label: string, query: string) => {
      const t = performance.now();
      await store.client.command({ query, clickhouse_settings: { max_insert_threads: "2", max_partitions_per_insert_block: "1000" } });
      console.log(`  ${label}: ${((performance.now() - t) / 1000).toFixed(1)} s`);
    };
    await run("traces", traceInsert(seed));
    const total = seed.traces * seed.observationsPerTrace;
    const chunk = 2_000_000;
    for (let offset = 0; offset < total; offset += chunk) {
      await run(`observations ${offset / 1e6}–${(offset + chunk) / 1e6} M`, observationInsert(seed, `'${seed.projectId}'`, chunk, offset));
    }
    await run("noise observations in 20 other projects", observationInsert(seed, "concat('noise-', toString(n % 20))", seed.noiseObservations, total));
    await run("the log's entries filing observations under traces", traceEntriesInsert("true"));
    await run("scores", scoreInsert(seed));
    await run(
      "the log's entries filing scores under traces",
      `INSERT INTO raw_events (project_id, entity_kind, entity_id, event_type, event_ts, received_at)
       SELECT project_id, '${SCORE_TRACE_KIND}', assumeNotNull(trace_id), '${SCORE_TRACE_KIND}', timestamp, timestamp FROM scores WHERE trace_id IS NOT NULL`,
    );
    await run(
      "sessions",
      `INSERT INTO sessions (project_id, id, created_at, environment) SELECT project_id, session_id, min(created_at), argMin(environment, created_at) FROM traces WHERE session_id IS NOT NULL GROUP BY project_id, session_id`,
    );
  } finally {
    await store.close();
  }
  await writeFile(marker, new Date().toISOString());
  console.log(`seeded in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return dir;
}

/** Bytes the seeded data set's ClickHouse files take on disk, while a running server may merge parts away. */
export async function clickHouseBytes(dataDir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(join(dataDir, "clickhouse"), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const size = await stat(join(entry.parentPath, entry.name)).then(
      (stats) => stats.size,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return 0;
        throw error;
      },
    );
    total += size;
  }
  return total;
}
