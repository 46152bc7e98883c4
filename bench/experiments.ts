/**
 * `pnpm bench experiments`: the first pages of `GET /api/public/experiments` and
 * `/api/public/experiment-items` on embedded storage, over the read benchmarks' seeded project
 * (10 M observations in 30 days, plus 1 M in other projects) with 1 M more observations that belong
 * to 1,000 experiments of 200 items each (a root span and four children per item). Each experiment
 * runs for ten minutes, and the experiments are spread over the 30 days between production traffic.
 *
 * A second pass links 20,000 seeded traces to 100 more runs through run items alone (half of them
 * by their root observation), as older SDKs' `item.link` does, and reads the same pages again:
 * the cost of deriving those experiments from the run items when read.
 *
 * The seeded data directory is copied once into a directory of its own and the experiment rows
 * are generated inside ClickHouse (`INSERT … SELECT FROM numbers()`); delete the directory to rebuild.
 */
import { existsSync } from "node:fs";
import { cp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { migrateClickHouse, openClickHouse } from "../packages/clickhouse/src/index.ts";
import { WickServer } from "./support/server-process.ts";
import { SEED, seedEnv, seededDataDir, traceEntriesInsert } from "./support/seed.ts";
import { mb, ms, printTable } from "./support/stats.ts";
import { time, timingRows } from "./support/timing.ts";

const RUNS = 40;
const EXPERIMENTS = 1000;
const ITEMS_PER_EXPERIMENT = 200;
const SPANS_PER_ITEM = 5;
const EXPERIMENT_ROWS = EXPERIMENTS * ITEMS_PER_EXPERIMENT * SPANS_PER_ITEM;
const LINKED_RUNS = 100;
const LINKS = LINKED_RUNS * ITEMS_PER_EXPERIMENT;
const MS_BETWEEN_EXPERIMENTS = Math.floor((SEED.days * 86_400_000) / EXPERIMENTS);
/** An experiment's items start 3 s apart: 200 items take ten minutes. */
const MS_BETWEEN_ITEMS = 3000;

/** Row n is span n % 5 of item n / 5; item i belongs to experiment i / 200; span 0 is the item's root. */
const EXPERIMENT_INSERT = `
  INSERT INTO observations (project_id, id, trace_id, type, parent_observation_id, start_time, end_time, name, level, environment, metadata, input, output,
                            experiment_id, experiment_name, experiment_description, experiment_dataset_id, experiment_item_id, experiment_item_root_span_id,
                            experiment_item_expected_output, experiment_item_version, experiment_metadata_names, experiment_metadata_values,
                            experiment_item_metadata_names, experiment_item_metadata_values, created_at, updated_at, merge_version)
  SELECT '${SEED.projectId}', concat('xs-', toString(n)), concat('xt-', toString(item)), 'SPAN', if(span = 0, NULL, concat('xs-', toString(n - span))),
         start, start + toIntervalMillisecond(if(span = 0, 2500, 400)), if(span = 0, 'experiment-item-run', concat('step-', toString(span))), 'DEFAULT', 'sdk-experiment',
         map(), concat('{"question":"item ', toString(item % ${ITEMS_PER_EXPERIMENT}), '"}'), '"an answer"',
         concat('exp-', toString(experiment)), concat('Experiment ', toString(experiment % 40)), if(span = 0, 'nightly run', ''),
         if(experiment % 4 = 0, '', concat('ds-', toString(experiment % 25))), concat('item-', toString(item % ${ITEMS_PER_EXPERIMENT})), concat('xs-', toString(n - span)),
         '"the answer"', NULL, ['model'], ['gpt-4o'], ['topic'], ['general'], start, start, 1
  FROM (
    SELECT number AS n, intDiv(n, ${SPANS_PER_ITEM}) AS item, n % ${SPANS_PER_ITEM} AS span, intDiv(item, ${ITEMS_PER_EXPERIMENT}) AS experiment,
           toDateTime64('${SEED.start}', 3, 'UTC') + toIntervalMillisecond(experiment * ${MS_BETWEEN_EXPERIMENTS} + (item % ${ITEMS_PER_EXPERIMENT}) * ${MS_BETWEEN_ITEMS} + span * 100) AS start
    FROM numbers(${EXPERIMENT_ROWS})
  )`;

/**
 * Run item n links seeded trace `t-<50 n>` (so the linked traces spread over the 30 days) to item
 * n % 200 of run n / 200; odd run items link the trace's root observation instead of the trace.
 */
const LINK_INSERT = `
  INSERT INTO dataset_run_items (project_id, id, dataset_id, dataset_run_id, dataset_item_id, trace_id, observation_id, created_at, updated_at,
                                 dataset_run_name, dataset_run_description, dataset_run_metadata, dataset_run_created_at,
                                 dataset_item_input, dataset_item_expected_output, dataset_item_metadata, dataset_item_version)
  SELECT '${SEED.projectId}', concat('ri-', toString(number)), 'linked-ds', concat('lr-', toString(run)), concat('li-', toString(number % ${ITEMS_PER_EXPERIMENT})),
         concat('t-', toString(trace)), if(number % 2 = 1, concat('o-', toString(trace * ${SEED.observationsPerTrace})), NULL), at, at,
         concat('Linked run ', toString(run)), 'linked by item.link', map('sdk', 'v3'), at,
         '{"question":"q"}', '"a"', map('topic', 'general'), at
  FROM (SELECT number, intDiv(number, ${ITEMS_PER_EXPERIMENT}) AS run, number * 50 AS trace, toDateTime64('${SEED.start}', 3, 'UTC') AS at FROM numbers(${LINKS}))`;

/** Adds or removes the linked runs' run items (the data directory keeps none between runs). */
async function setLinks(dataDir: string, present: boolean): Promise<void> {
  const store = await openClickHouse({ kind: "embedded", dataDir: join(dataDir, "clickhouse") });
  try {
    await store.client.command({ query: "TRUNCATE TABLE dataset_run_items" });
    if (present) await store.client.command({ query: LINK_INSERT });
  } finally {
    await store.close();
  }
}

async function experimentsDataDir(): Promise<string> {
  const dir = join(tmpdir(), "wick-bench-experiments-v1");
  const marker = join(dir, "experiments-seeded");
  if (existsSync(marker)) return dir;
  const seed = await seededDataDir();
  console.log(`copying ${seed} to ${dir} and adding ${EXPERIMENT_ROWS.toLocaleString()} experiment observations (once)…`);
  const started = performance.now();
  await cp(seed, dir, { recursive: true });
  const store = await openClickHouse({ kind: "embedded", dataDir: join(dir, "clickhouse") });
  try {
    await migrateClickHouse(store.client);
    await store.client.command({ query: EXPERIMENT_INSERT, clickhouse_settings: { max_insert_threads: "2", max_partitions_per_insert_block: "1000" } });
    await store.client.command({ query: traceEntriesInsert(`project_id = '${SEED.projectId}' AND startsWith(trace_id, 'xt-')`) });
  } finally {
    await store.close();
  }
  await writeFile(marker, new Date().toISOString());
  console.log(`prepared in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return dir;
}

async function untilLinkedRunsDerived(lastRun: () => Promise<Response>): Promise<void> {
  const started = performance.now();
  for (;;) {
    const run = (await (await lastRun()).json()) as { data: Array<{ itemCount: number }> };
    if (run.data[0]?.itemCount === ITEMS_PER_EXPERIMENT) break;
    if (performance.now() - started > 600_000) throw new Error(`the linked runs were not derived in 10 minutes: ${JSON.stringify(run.data)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.log(`the ${LINKS.toLocaleString()} linked traces' experiment events were derived ${((performance.now() - started) / 1000).toFixed(1)} s after the server answered`);
}

/** The first pages of both endpoints, timed; `label` names the data set in the table's title. */
async function measure(dataDir: string, label: string, linked: boolean): Promise<void> {
  const server = await WickServer.start({ dataDir, env: seedEnv });
  const authorization = `Basic ${Buffer.from(`${SEED.publicKey}:${SEED.secretKey}`).toString("base64")}`;
  const get = (path: string) => () => fetch(`${server.baseUrl}/api/public/${path}`, { headers: { authorization } });
  const all = "fromStartTime=2024-12-01T00:00:00Z";
  const lastDay = "fromStartTime=2025-01-30T00:00:00Z&toStartTime=2025-01-31T00:00:00Z";
  try {
    const first = (await (await get(`experiments?${all}&limit=50`)()).json()) as { data: unknown[]; meta: { cursor?: string } };
    if (first.data.length !== 50 || !first.meta.cursor) throw new Error("the first page of experiments is not full");
    // The server derives the linked traces' experiment events when it starts, in the background.
    if (linked) await untilLinkedRunsDerived(get(`experiments?${all}&id=lr-${LINKED_RUNS - 1}`));
    const cursor = encodeURIComponent(first.meta.cursor);
    const experiments = await time("experiments, first page, all 30 days", RUNS, get(`experiments?${all}&limit=50`));
    const items = await time("experiment-items, first page, all 30 days", RUNS, get(`experiment-items?${all}&limit=50`));
    const timings = [
      experiments,
      await time("experiments, second page", RUNS, get(`experiments?${all}&limit=50&cursor=${cursor}`)),
      await time("experiments, one day", RUNS, get(`experiments?${lastDay}&limit=50`)),
      await time("experiments, metadata and scores", RUNS, get(`experiments?${all}&limit=50&fields=core,metadata,scores`)),
      await time("experiments, one dataset", RUNS, get(`experiments?${all}&limit=50&datasetId=${linked ? "linked-ds" : "ds-7"}`)),
      items,
      await time("experiment-items, io and scores", RUNS, get(`experiment-items?${all}&limit=50&fields=core,dataset,io,scores`)),
      await time("experiment-items, one experiment", RUNS, get(`experiment-items?${all}&limit=50&experimentId=${linked ? "lr-50" : "exp-500"}`)),
    ];
    const rss = await server.rss();
    printTable(label, [
      ...timingRows(timings, "first page p95 < 100 ms"),
      ["experiments first page p95", ms(experiments.p95), "< 100 ms"],
      ["experiment-items first page p95", ms(items.p95), "< 100 ms"],
      ["server RSS", mb(rss.totalBytes), ""],
    ]);
  } finally {
    await server.stop();
  }
}

export async function run(): Promise<void> {
  const dataDir = await experimentsDataDir();
  const observations = `${(SEED.traces * SEED.observationsPerTrace + EXPERIMENT_ROWS) / 1e6} M observations, ${EXPERIMENT_ROWS / 1e6} M in ${EXPERIMENTS} experiments`;
  await setLinks(dataDir, false);
  await measure(dataDir, `experiments (${observations}, embedded)`, false);
  await setLinks(dataDir, true);
  try {
    await measure(dataDir, `experiments (the same, and ${LINKED_RUNS} runs of ${LINKS.toLocaleString()} traces linked by run items alone)`, true);
  } finally {
    await setLinks(dataDir, false);
  }
}
