/**
 * `pnpm bench ingest`: sustained observations/s through `POST /api/public/ingestion` on embedded
 * storage (batches of 100 events of about 1 KB from concurrent clients), against the raw chDB insert
 * rates of the same rows (100 per insert, taken in turn with the HTTP passes, and in bulk);
 * acknowledgement and acknowledgement-to-visible latency; RSS. With `--scale N`, the 16-client
 * passes again on a server whose store already holds the read benchmarks' N million observations
 * (the rows go to a project of their own there), so that a slowdown as tables grow shows.
 */
import { randomUUID } from "node:crypto";
import { IngestionEvent } from "../packages/contracts/src/index.ts";
import { insertRows, type ObservationRow } from "../packages/clickhouse/src/index.ts";
import { foldObservation, normalizeEvent } from "../packages/ingestion/src/index.ts";
import { BenchProject } from "./support/bench-project.ts";
import { withScratchClickHouse } from "./support/scratch-clickhouse.ts";
import { post } from "./support/http-post.ts";
import { type InsertPass, measureWriteThroughput, observationVisible, pairedPasses, ratioSpread, regroup, timedInserts } from "./support/write-throughput.ts";
import type { BenchOptions } from "./support/scales.ts";
import { seedAt, seededDataDir } from "./support/seed.ts";
import { WickServer } from "./support/server-process.ts";
import { mb, micros, ms, percentile, printTable } from "./support/stats.ts";

const BATCH_SIZE = 100;
const BATCHES = 200;
const CLIENTS = 8;
/** Enough clients that the server, not the clients' wait for acknowledgements, sets the pace. */
const SATURATING_CLIENTS = 16;

/** Raw and HTTP passes are taken in this many pairs; see `pairedPasses`. */
const PAIRS = 5;
const BULK_ROWS = 10_000;
const BULK_PASSES = 3;

const VISIBILITY_SAMPLES = 40;
const project = new BenchProject("ingest");
const { authorization } = project;

/** A generation event of about 1 KB, as SDKs send them. */
function generationEvent(traceId: string) {
  const now = new Date().toISOString();
  return {
    id: randomUUID(),
    type: "generation-create",
    timestamp: now,
    body: {
      id: randomUUID(),
      traceId,
      name: "chat-completion",
      model: "gpt-4o-mini",
      startTime: now,
      endTime: now,
      input: [{ role: "user", content: "Summarise the refund policy for orders shipped abroad. ".repeat(6) }],
      output: { role: "assistant", content: "Orders shipped abroad can be refunded within 30 days of delivery. ".repeat(5) },
      metadata: { feature: "support", region: "eu-west", attempt: 1 },
      usageDetails: { input: 180, output: 95 },
    },
  };
}

type Batch = ReturnType<typeof generationEvent>[];
const batches = (): Batch[] => Array.from({ length: BATCHES }, () => Array.from({ length: BATCH_SIZE }, () => generationEvent(randomUUID())));

function throughHttp(server: WickServer, work: Batch[], clients = CLIENTS) {
  // Bodies are serialized before the clock starts: the load generator shares the machine's cores.
  const requests = work.map((batch) => ({ body: JSON.stringify({ batch }), probeId: batch[BATCH_SIZE - 1]!.body.id }));
  return measureWriteThroughput({
    work: requests,
    clients,
    rowsPerItem: BATCH_SIZE,
    visibilitySamples: VISIBILITY_SAMPLES,
    send: async ({ body }) => {
      const response = await post(`${server.baseUrl}/api/public/ingestion`, { authorization, "content-type": "application/json" }, body);
      if (response.status !== 207 || (JSON.parse(response.text) as { errors: unknown[] }).errors.length > 0) {
        throw new Error(`ingestion failed: ${response.status} ${response.text.slice(0, 300)}`);
      }
    },
    isVisible: ({ probeId }) => observationVisible(server.baseUrl, authorization, probeId),
    serverCpuSeconds: () => server.cpuSeconds(),
  });
}

/** The observation rows a batch becomes, as the writer folds them. */
const rowsOf = (work: Batch[]): ObservationRow[][] =>
  work.map((batch) =>
    batch.map((raw) => {
      const normalized = normalizeEvent(IngestionEvent.parse(raw))!;
      return foldObservation("bench", normalized.entityId, [{ ...normalized.event, receivedAt: Date.now() }]).row;
    }),
  );

/** The 16-client passes, paired with raw ones, on a server over the seeded data set of `scale` M observations. */
async function withStoredObservations(scale: number, raw: () => Promise<InsertPass>) {
  const dataDir = await seededDataDir(seedAt(scale));
  const server = await WickServer.start({ dataDir, env: { ...project.env, LANGFUSE_INIT_PROJECT_ID: "ingest-at-scale" } });
  try {
    await throughHttp(server, batches().slice(0, 10));
    return await pairedPasses(PAIRS, raw, () => throughHttp(server, batches(), SATURATING_CLIENTS));
  } finally {
    await server.stop();
  }
}

export async function run(options: BenchOptions = {}): Promise<void> {
  // The raw baselines insert into a chDB of this process's own, beside the server's.
  await withScratchClickHouse("ingest", async (store) => {
    // Sent as the server sends its rows, so that the ratio to HTTP is the server's cost beyond its inserts.
    const insert = (rows: ObservationRow[]) => insertRows(store.client, "bench.raw-insert", "observations", rows);
    const raw = () => timedInserts(rowsOf(batches()), BATCH_SIZE, insert);
    await project.withFreshServer(async (server) => {
      const size = Buffer.byteLength(JSON.stringify(generationEvent(randomUUID())));
      console.log(
        `ingest: ${PAIRS} pairs of passes (raw inserts, then HTTP, in turn) of ${BATCHES} batches × ${BATCH_SIZE} events (${size} bytes each), from ${CLIENTS}, then ${SATURATING_CLIENTS} concurrent clients`,
      );
      await timedInserts(rowsOf(batches().slice(0, 10)), BATCH_SIZE, insert);
      await throughHttp(server, batches().slice(0, 10));
      const paced = await pairedPasses(PAIRS, raw, () => throughHttp(server, batches()));
      const saturated = await pairedPasses(PAIRS, raw, () => throughHttp(server, batches(), SATURATING_CLIENTS));
      const bulkPasses: InsertPass[] = [];
      for (let pass = 0; pass < BULK_PASSES; pass += 1) bulkPasses.push(await timedInserts(regroup(rowsOf(batches()), BULK_ROWS), BULK_ROWS, insert));
      const bulk = percentile(
        bulkPasses.map((pass) => pass.perSecond),
        50,
      );
      const rss = await server.rss();
      const { http } = saturated;
      const stored = options.scale ? await withStoredObservations(options.scale, raw) : undefined;
      const storedRows: Array<[string, string, string?]> = stored
        ? [
            [
              `observations/s through HTTP, ${SATURATING_CLIENTS} clients, ${options.scale} M observations already stored`,
              stored.http.perSecond.toFixed(0),
              "as on an empty store",
            ],
            [`ratio HTTP / raw per pair, ${SATURATING_CLIENTS} clients, ${options.scale} M stored: median (spread)`, ratioSpread(stored.ratios)],
            [
              `acknowledgement p99 / acknowledged → visible p99, ${options.scale} M stored`,
              `${ms(percentile(stored.http.ackLatencies, 99))} / ${ms(percentile(stored.http.visibleLatencies, 99))}`,
            ],
          ]
        : [];
      printTable("ingest (embedded storage)", [
        [`observations/s through HTTP, ${CLIENTS} clients (median of ${PAIRS} passes)`, paced.http.perSecond.toFixed(0)],
        [`observations/s through HTTP, ${SATURATING_CLIENTS} clients (median of ${PAIRS} passes)`, http.perSecond.toFixed(0), "≥ 10,000"],
        [`raw chDB insert rate, same rows, ${BATCH_SIZE} per insert (median of ${2 * PAIRS})`, percentile([...paced.rawRates, ...saturated.rawRates], 50).toFixed(0)],
        [`raw chDB bulk insert rate, same rows, ${BULK_ROWS.toLocaleString("en")} per insert (median of ${BULK_PASSES})`, bulk.toFixed(0)],
        [`ratio HTTP / raw per pair, ${CLIENTS} clients: median (spread)`, ratioSpread(paced.ratios)],
        [`ratio HTTP / raw per pair, ${SATURATING_CLIENTS} clients: median (spread)`, ratioSpread(saturated.ratios)],
        [`HTTP, ${SATURATING_CLIENTS} clients, as a fraction of the bulk insert rate`, (http.perSecond / bulk).toFixed(2)],
        [`server CPU per observation, ${CLIENTS} / ${SATURATING_CLIENTS} clients`, `${micros(paced.http.cpuMicrosPerRow)} / ${micros(http.cpuMicrosPerRow)}`],
        ["raw insert CPU per row (serialization and chDB)", micros(saturated.raw.cpuMicrosPerRow)],
        [`acknowledgement p50 / p99, ${CLIENTS} clients`, `${ms(percentile(paced.http.ackLatencies, 50))} / ${ms(percentile(paced.http.ackLatencies, 99))}`],
        [`acknowledgement p50 / p99, ${SATURATING_CLIENTS} clients`, `${ms(percentile(http.ackLatencies, 50))} / ${ms(percentile(http.ackLatencies, 99))}`, "p99 < 300 ms"],
        [`acknowledged → visible p50, ${SATURATING_CLIENTS} clients`, ms(percentile(http.visibleLatencies, 50)), "< 300 ms"],
        [`acknowledged → visible p99, ${SATURATING_CLIENTS} clients`, ms(percentile(http.visibleLatencies, 99)), "< 1 s"],
        ["server RSS after the run", mb(rss.totalBytes), "< 1.5 GB"],
        ["server peak RSS", mb(rss.peakBytes), "< 1.5 GB"],
        ...storedRows,
      ]);
    });
  });
}
