/**
 * `pnpm bench datasets`: a dataset of 50,000 items fetched the way the SDKs' `dataset.get(name)`
 * does (`GET /api/public/v2/datasets/{name}`, then `GET /api/public/dataset-items` 50 per page until
 * `meta.totalPages`), on embedded storage and on a Postgres server (DATABASE_URL, default the local
 * one; the benchmark creates and drops a database of its own).
 *
 * The items (plus earlier versions of some of them) are written straight into Postgres with one
 * `INSERT … SELECT generate_series`, while no Wick has the embedded store open. Each storage is
 * fetched twice: first with nothing learned about the listing, then again unchanged. Then one
 * client writes items through the API, and several clients link run items to the dataset the way the
 * SDK experiment runner does (`POST /api/public/dataset-run-items`), which are then paged back
 * (`GET /api/public/dataset-run-items`, 50 per page). Figures are printed, never asserted.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { openPostgres, type PostgresStore } from "../packages/postgres/src/index.ts";
import { BenchProject } from "./support/bench-project.ts";
import { WickServer } from "./support/server-process.ts";
import { ms, percentile, printTable } from "./support/stats.ts";

const ITEMS = 50_000;
/** Items that also have an earlier version, as if updated once. */
const UPDATED_ITEMS = 5_000;
const PAGE_SIZE = 50;
const WRITES = 1_000;
/** For embedded storage; a Postgres server has no goal of its own here. */
const GOAL_PAGE_P95 = "p95 < 30 ms";
const SERVER_URL = process.env.DATABASE_URL ?? "postgres://postgres:postgres@localhost:5432/postgres";
const DATASET = "evals/support questions";
const RUN_ITEMS = 2_000;
/** Clients linking run items at once, as the runner works through items concurrently. */
const RUN_CLIENTS = 8;
const RUN = "bench run";

const project = new BenchProject("datasets");

async function call(server: WickServer, method: string, path: string, body?: unknown): Promise<{ body: unknown; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: project.authorization, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const elapsed = performance.now() - started;
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return { body: JSON.parse(text), ms: elapsed };
}

async function createDataset(server: WickServer): Promise<string> {
  const { body } = await call(server, "POST", "/api/public/v2/datasets", { name: DATASET, description: "support questions with reference answers" });
  return (body as { id: string }).id;
}

/** The items, newest written last, with ties in valid_from (two per millisecond) as concurrent writes leave them. */
async function seedItems(store: PostgresStore, datasetId: string): Promise<number> {
  const started = performance.now();
  const projectId = project.env.LANGFUSE_INIT_PROJECT_ID;
  await store.execute(
    `insert into dataset_items (id, project_id, dataset_id, status, input, expected_output, metadata, source_trace_id, created_at, updated_at, valid_from, valid_to)
     select 'item-' || n, $1, $2, 'ACTIVE',
            jsonb_build_object('question', 'How do I reset the password of account ' || n || '?', 'locale', 'en', 'history', jsonb_build_array('hello', 'I need help')),
            jsonb_build_object('answer', 'Open settings, choose security and follow the reset link for account ' || n || '.'),
            jsonb_build_object('source', 'support-tickets', 'ticket', n),
            'trace-' || n, ts, ts, ts, null
     from (select n, timestamp '2026-01-01' + (n / 2) * interval '1 ms' as ts from generate_series(1, $3::int) n) items`,
    [projectId, datasetId, ITEMS],
  );
  await store.execute(
    `insert into dataset_items (id, project_id, dataset_id, status, input, expected_output, metadata, created_at, updated_at, valid_from, valid_to)
     select 'item-' || n, $1, $2, 'ACTIVE', jsonb_build_object('question', 'draft ' || n), null, null, ts, ts, ts, timestamp '2026-01-01' + (n / 2) * interval '1 ms'
     from (select n, timestamp '2025-12-01' + n * interval '1 ms' as ts from generate_series(1, $3::int) n) earlier`,
    [projectId, datasetId, UPDATED_ITEMS],
  );
  await store.execute(
    `insert into dataset_item_write_generations (project_id, generation) values ($1, 1)
     on conflict (project_id) do update set generation = dataset_item_write_generations.generation + 1`,
    [projectId],
  );
  await store.execute("analyze dataset_items");
  return performance.now() - started;
}

interface Fetch {
  totalMs: number;
  pages: number[];
  items: number;
}

/** `dataset.get(name)` as both SDKs implement it, timing each request. */
async function fetchAsSdk(server: WickServer): Promise<Fetch> {
  const started = performance.now();
  await call(server, "GET", `/api/public/v2/datasets/${encodeURIComponent(DATASET)}`);
  const pages: number[] = [];
  let items = 0;
  for (let page = 1; ; page += 1) {
    const query = new URLSearchParams({ datasetName: DATASET, page: String(page), limit: String(PAGE_SIZE) });
    const { body, ms: elapsed } = await call(server, "GET", `/api/public/dataset-items?${query}`);
    const { data, meta } = body as { data: unknown[]; meta: { totalPages: number } };
    pages.push(elapsed);
    items += data.length;
    if (meta.totalPages <= page) break;
  }
  if (items !== ITEMS) throw new Error(`fetched ${items} items, expected ${ITEMS}`);
  return { totalMs: performance.now() - started, pages, items };
}

/** One client writing new items, then new versions of existing ones. */
async function writeItems(server: WickServer): Promise<number[]> {
  const samples: number[] = [];
  for (let index = 0; index < WRITES; index += 1) {
    const body =
      index % 2 === 0
        ? { datasetName: DATASET, input: { question: `new question ${index}` }, expectedOutput: { answer: `answer ${index}` } }
        : { datasetName: DATASET, id: `item-${index}`, expectedOutput: { answer: `revised ${index}` } };
    samples.push((await call(server, "POST", "/api/public/dataset-items", body)).ms);
  }
  return samples;
}

/** Run items linked by several clients at once, one per dataset item: the total time and each request's. */
async function linkRunItems(server: WickServer): Promise<{ totalMs: number; samples: number[] }> {
  const samples: number[] = [];
  let next = 0;
  const client = async () => {
    while (next < RUN_ITEMS) {
      const index = next++;
      const body = { runName: RUN, datasetItemId: `item-${index + 1}`, traceId: `trace-${index}`, observationId: `span-${index}` };
      samples.push((await call(server, "POST", "/api/public/dataset-run-items", body)).ms);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: RUN_CLIENTS }, client));
  return { totalMs: performance.now() - started, samples };
}

/** Every run item, 50 per page, timing each page. */
async function pageRunItems(server: WickServer, datasetId: string): Promise<number[]> {
  const pages: number[] = [];
  let items = 0;
  for (let page = 1; ; page += 1) {
    const query = new URLSearchParams({ datasetId, runName: RUN, page: String(page), limit: String(PAGE_SIZE) });
    const { body, ms: elapsed } = await call(server, "GET", `/api/public/dataset-run-items?${query}`);
    const { data, meta } = body as { data: unknown[]; meta: { totalPages: number } };
    pages.push(elapsed);
    items += data.length;
    if (meta.totalPages <= page) break;
  }
  if (items !== RUN_ITEMS) throw new Error(`paged ${items} run items, expected ${RUN_ITEMS}`);
  return pages;
}

interface Figures {
  seedMs: number;
  first: Fetch;
  repeat: Fetch;
  writes: number[];
  links: { totalMs: number; samples: number[] };
  runItemPages: number[];
}

async function measure(server: WickServer, seedMs: number, datasetId: string): Promise<Figures> {
  const first = await fetchAsSdk(server);
  const repeat = await fetchAsSdk(server);
  const writes = await writeItems(server);
  const links = await linkRunItems(server);
  const runItemPages = await pageRunItems(server, datasetId);
  return { seedMs, first, repeat, writes, links, runItemPages };
}

/** Embedded: the server creates the project and the dataset, then the items go in while it is stopped. */
async function embedded(): Promise<Figures> {
  const dataDir = await mkdtemp(join(tmpdir(), "wick-bench-datasets-"));
  try {
    const setup = await WickServer.start({ dataDir, env: project.env });
    let datasetId: string;
    try {
      datasetId = await createDataset(setup);
    } finally {
      await setup.stop();
    }
    const store = await openPostgres({ kind: "embedded", dataDir: join(dataDir, "postgres") });
    let seedMs: number;
    try {
      seedMs = await seedItems(store, datasetId);
    } finally {
      await store.close();
    }
    const server = await WickServer.start({ dataDir, env: project.env });
    try {
      return await measure(server, seedMs, datasetId);
    } finally {
      await server.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** On a Postgres server, in a database of the benchmark's own, dropped afterwards. */
async function onServer(): Promise<Figures> {
  const admin = await openPostgres({ kind: "server", url: SERVER_URL, poolSize: 1 });
  const database = `wick_bench_datasets_${randomUUID().replaceAll("-", "")}`;
  try {
    await admin.execute(`create database ${database}`);
    const url = new URL(SERVER_URL);
    url.pathname = `/${database}`;
    return await project.withFreshServer(
      async (server) => {
        const datasetId = await createDataset(server);
        const store = await openPostgres({ kind: "server", url: url.toString(), poolSize: 1 });
        try {
          return await measure(server, await seedItems(store, datasetId), datasetId);
        } finally {
          await store.close();
        }
      },
      { DATABASE_URL: url.toString() },
    );
  } finally {
    await admin.execute(`drop database if exists ${database} with (force)`);
    await admin.close();
  }
}

function rows(storage: string, { seedMs, first, repeat, writes, links, runItemPages }: Figures): Array<[string, string, string?]> {
  const pageRow = (label: string, fetch: Fetch): Array<[string, string, string?]> => [
    [`${storage}: ${label}, total (${fetch.pages.length} pages)`, `${(fetch.totalMs / 1000).toFixed(2)} s`],
    [
      `${storage}: ${label}, per page p50 / p95 / max`,
      `${ms(percentile(fetch.pages, 50))} / ${ms(percentile(fetch.pages, 95))} / ${ms(Math.max(...fetch.pages))}`,
      storage === "embedded" ? GOAL_PAGE_P95 : undefined,
    ],
  ];
  return [
    [`${storage}: seeding ${ITEMS.toLocaleString("en")} items (+${UPDATED_ITEMS.toLocaleString("en")} earlier versions)`, `${(seedMs / 1000).toFixed(1)} s`],
    ...pageRow("first fetch", first),
    ...pageRow("repeat fetch, unchanged", repeat),
    [`${storage}: ${WRITES} item writes, 1 client, p50 / p95`, `${ms(percentile(writes, 50))} / ${ms(percentile(writes, 95))}`],
    [
      `${storage}: ${RUN_ITEMS} run items linked, ${RUN_CLIENTS} clients: per second, p50 / p95`,
      `${Math.round(RUN_ITEMS / (links.totalMs / 1000))}/s, ${ms(percentile(links.samples, 50))} / ${ms(percentile(links.samples, 95))}`,
    ],
    [`${storage}: run items paged (${runItemPages.length} pages of ${PAGE_SIZE}), p50 / p95`, `${ms(percentile(runItemPages, 50))} / ${ms(percentile(runItemPages, 95))}`],
  ];
}

export async function run(): Promise<void> {
  console.log(`datasets: node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`);
  console.log(`fetching '${DATASET}' (${ITEMS.toLocaleString("en")} items) as dataset.get(name) does: ${PAGE_SIZE} items per page, one client`);
  const embeddedFigures = await embedded();
  const serverFigures = await onServer();
  printTable("dataset.get(name), 50,000 items", [...rows("embedded", embeddedFigures), ...rows("Postgres server", serverFigures)]);
}
