/**
 * `pnpm bench lifecycle`: the data lifecycle on embedded storage.
 *
 * Deletion: a project of 1 M observations is deleted beside one of 9 M (10 M in all); printed are
 * the time until its last row is gone from every table (ClickHouse and its Postgres project row,
 * polled), and the p95 of another project's first `GET /api/public/v2/observations` page (limit 50,
 * one client in a process of its own) idle, during the deletion and in the seconds after it, while
 * the deleted rows' patches are applied.
 *
 * Retention: the other project, topped up to 10 M observations of which about 1 % are older than
 * its `retentionDays`; one pass of the sweep, the rows it deleted, then a second pass right after,
 * which finds nothing: the cost of a pass with nothing to do.
 *
 * Wick runs in this process (so the benchmark can count rows in its stores while it serves);
 * the reads come from another process. `WICK_BENCH_SCALE=0.01` runs at a hundredth of the size.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { PROJECT_TABLES, selectRows } from "../packages/clickhouse/src/index.ts";
import { buildApp } from "../apps/server/src/app.ts";
import { issueApiKey } from "../apps/server/src/domain/api-keys.ts";
import { createServices, type Services } from "../apps/server/src/services.ts";
import { closeStores, openStores, type Stores } from "../apps/server/src/stores.ts";
import { runLoad, startLoad, type LoadResult, type RequestSpec } from "./support/http-load.ts";
import { OBSERVATIONS_PER_TRACE, seedTraces, type Timeline } from "./support/lifecycle-seed.ts";
import { ms, printTable } from "./support/stats.ts";

const SCALE = Number(process.env.WICK_BENCH_SCALE ?? "1");
const KEPT_TRACES = Math.round(1_000_000 * SCALE);
/** The kept project's share before the deletion; the rest is written before retention is measured. */
const KEPT_BEFORE_DELETION = Math.round(KEPT_TRACES * 0.9);
const DOOMED_TRACES = Math.round(100_000 * SCALE);
const RETENTION_DAYS = 30;
/** The kept project's data spans a little more than its retention, so that about 1 % has expired. */
const EXPIRED_SHARE = 0.01;
const SPAN_MS = Math.round((RETENTION_DAYS * 86_400_000) / (1 - EXPIRED_SHARE));
const IDLE_MS = 15_000;
const AFTER_MS = 10_000;
/** Each poll takes the embedded store's query slot for a moment, so not too often. */
const POLL_MS = 250;
/** The longest wait for the stores to settle after seeding; past it, the figures are taken anyway. */
const SETTLE_LIMIT_MS = 300_000;
const ORG = "bench";
const KEPT = "bench-kept";
const DOOMED = "bench-doomed";

const basic = (key: { publicKey: string; secretKey: string }) => `Basic ${Buffer.from(`${key.publicKey}:${key.secretKey}`).toString("base64")}`;
const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
const millions = (count: number) => `${(count / 1e6).toLocaleString("en", { maximumFractionDigits: 2 })} M`;

/** Rows of the project in each ClickHouse table that holds project rows. */
async function clickHouseRows(stores: Stores, projectId: string): Promise<Map<string, number>> {
  const rows = await selectRows<{ table: string; rows: string }>(stores.clickhouse.client, {
    name: "bench.project-rows",
    sql: PROJECT_TABLES.map((table) => `SELECT '${table}' AS table, count() AS rows FROM ${table} WHERE project_id = {projectId:String}`).join(" UNION ALL "),
    params: { projectId },
  });
  return new Map(rows.map((row) => [row.table, Number(row.rows)]));
}

/** Every row left of a project: ClickHouse, and its Postgres project row, which the purge removes last. */
async function rowsLeft(stores: Stores, projectId: string): Promise<number> {
  const [project] = await stores.postgres.execute("select count(*) as n from projects where id = $1", [projectId]);
  const tracing = [...(await clickHouseRows(stores, projectId)).values()].reduce((sum, count) => sum + count, 0);
  return tracing + Number(project!.n);
}

/**
 * Waits until the freshly seeded stores are quiet: the server's index of logged entities built (a
 * minute for ten million events) and no merge or mutation running, which a user's server would have
 * finished long ago; otherwise the idle figure would be anything but idle. Returns the time waited.
 */
async function settle(stores: Stores, indexed: Promise<void>): Promise<number> {
  const started = performance.now();
  await indexed;
  while (performance.now() - started < SETTLE_LIMIT_MS) {
    const [busy] = await selectRows<{ n: string }>(stores.clickhouse.client, {
      name: "bench.background-work",
      sql: "SELECT (SELECT count() FROM system.merges) + (SELECT count() FROM system.mutations WHERE NOT is_done) AS n",
      params: {},
    });
    if (Number(busy!.n) === 0) break;
    await sleep(1_000);
  }
  return performance.now() - started;
}

interface DeletionFigures {
  rows: number;
  answeredMs: number;
  goneMs: number;
  idle: LoadResult;
  during: LoadResult;
  after: LoadResult;
}

async function measureDeletion(stores: Stores, baseUrl: string, read: RequestSpec, orgAuthorization: string): Promise<DeletionFigures> {
  const rows = await rowsLeft(stores, DOOMED);
  const idle = await runLoad({ kind: "steady", read, concurrency: 1, durationMs: IDLE_MS, warmupMs: 3_000 });
  const load = await startLoad({ kind: "until-stopped", read, concurrency: 1, warmupMs: 1_000 });
  const started = performance.now();
  const response = await fetch(`${baseUrl}/api/public/projects/${DOOMED}`, { method: "DELETE", headers: { authorization: orgAuthorization } });
  const answeredMs = performance.now() - started;
  if (response.status !== 202) throw new Error(`DELETE answered ${response.status}: ${await response.text()}`);
  while ((await rowsLeft(stores, DOOMED)) > 0) await sleep(POLL_MS);
  const goneMs = performance.now() - started;
  const during = await load.stop();
  const after = await runLoad({ kind: "steady", read, concurrency: 1, durationMs: AFTER_MS, warmupMs: 0 });
  return { rows, answeredMs, goneMs, idle, during, after };
}

interface RetentionFigures {
  observations: number;
  deleted: Map<string, number>;
  firstMs: number;
  secondMs: number;
}

async function measureRetention(services: Services, stores: Stores): Promise<RetentionFigures> {
  await services.repositories.projects.update(KEPT, { name: KEPT, retentionDays: RETENTION_DAYS });
  const before = await clickHouseRows(stores, KEPT);
  const first = performance.now();
  await services.retention.sweep();
  const firstMs = performance.now() - first;
  const after = await clickHouseRows(stores, KEPT);
  const second = performance.now();
  await services.retention.sweep();
  const secondMs = performance.now() - second;
  const deleted = new Map([...before].map(([table, count]) => [table, count - (after.get(table) ?? 0)]));
  return { observations: before.get("observations") ?? 0, deleted, firstMs, secondMs };
}

export async function run(): Promise<void> {
  if (!(SCALE > 0 && SCALE <= 1)) throw new Error(`WICK_BENCH_SCALE must be in (0, 1], not ${process.env.WICK_BENCH_SCALE}`);
  const dir = await mkdtemp(join(tmpdir(), "wick-bench-lifecycle-"));
  let markIndexed = () => {};
  const indexed = new Promise<void>((resolve) => {
    markIndexed = resolve;
  });
  const log = {
    info: (message: string) => {
      console.log(`  [wick] ${message}`);
      if (message.startsWith("Indexed the logged entities")) markIndexed();
    },
    warn: (message: string) => console.warn(`  [wick] ${message}`),
  };
  const stores = await openStores(
    { postgres: { kind: "embedded", dataDir: join(dir, "postgres") }, clickhouse: { kind: "embedded", dataDir: join(dir, "clickhouse") } },
    { info: () => {} },
  );
  let services: Services | undefined;
  try {
    const now = Date.now();
    const kept: Timeline = { start: now - SPAN_MS, spanMs: SPAN_MS, total: KEPT_TRACES };
    console.log(`seeding ${millions(KEPT_BEFORE_DELETION * OBSERVATIONS_PER_TRACE)} + ${millions(DOOMED_TRACES * OBSERVATIONS_PER_TRACE)} observations in ${dir}…`);
    await seedTraces(stores.clickhouse.client, KEPT, kept, 0, KEPT_BEFORE_DELETION);
    await seedTraces(stores.clickhouse.client, DOOMED, { start: now - SPAN_MS, spanMs: SPAN_MS, total: DOOMED_TRACES }, 0, DOOMED_TRACES);

    services = await createServices(stores, {
      salt: "bench-lifecycle",
      apiKeyCacheTtlMs: 300_000,
      version: "bench",
      media: { store: { kind: "disk", dir: join(dir, "media") }, maxContentLength: 1_000_000_000, downloadUrlExpirySeconds: 3600, extractFromOtel: false },
      log,
    });
    const { organizations, projects, apiKeys } = services.repositories;
    await organizations.create({ id: ORG, name: ORG });
    await projects.ensure({ id: KEPT, orgId: ORG, name: KEPT });
    await projects.ensure({ id: DOOMED, orgId: ORG, name: DOOMED });
    const keptKey = await issueApiKey(apiKeys, services.salt, { scope: "PROJECT", projectId: KEPT });
    const orgKey = await issueApiKey(apiKeys, services.salt, { scope: "ORGANIZATION", organizationId: ORG });
    const app = await buildApp(services, { logLevel: "silent" });
    const baseUrl = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const read = { url: `${baseUrl}/api/public/v2/observations?limit=50`, headers: { authorization: basic(keptKey) } };
      console.log(`settled in ${seconds(await settle(stores, indexed))}`);
      const deletion = await measureDeletion(stores, baseUrl, read, basic(orgKey));
      console.log("topping the kept project up for retention…");
      await seedTraces(stores.clickhouse.client, KEPT, kept, KEPT_BEFORE_DELETION, KEPT_TRACES);
      console.log(`settled in ${seconds(await settle(stores, Promise.resolve()))}`);
      const retention = await measureRetention(services, stores);

      const p95 = (result: LoadResult) => `${ms(result.p95Ms)} (p50 ${ms(result.p50Ms)}, ${result.requests} reads)`;
      printTable(`project lifecycle (embedded, ${millions((KEPT_BEFORE_DELETION + DOOMED_TRACES) * OBSERVATIONS_PER_TRACE)} observations)`, [
        [`deleted project: rows in all tables`, deletion.rows.toLocaleString()],
        ["DELETE answered (202)", ms(deletion.answeredMs)],
        ["last row gone", seconds(deletion.goneMs)],
        ["other project, first page p95, idle", p95(deletion.idle)],
        ["… during the deletion", p95(deletion.during), "≤ 1.5× idle"],
        [`… ${seconds(AFTER_MS)} after (patches applied)`, p95(deletion.after)],
        ["during / idle p95", `${(deletion.during.p95Ms / deletion.idle.p95Ms).toFixed(2)}×`, "≤ 1.5"],
      ]);
      const deleted = [...retention.deleted].filter(([, count]) => count > 0).map(([table, count]) => `${table} ${count.toLocaleString()}`);
      printTable(`retention (${millions(retention.observations)} observations, ${RETENTION_DAYS} days, ~${EXPIRED_SHARE * 100} % expired)`, [
        ["first sweep", seconds(retention.firstMs)],
        ["rows deleted", deleted.join(", ") || "none"],
        ["second sweep (nothing to delete)", seconds(retention.secondMs)],
      ]);
    } finally {
      await app.close();
    }
  } finally {
    await services?.ingestion.close();
    await services?.rowDeletes.close();
    await closeStores(stores);
    await rm(dir, { recursive: true, force: true });
  }
}
