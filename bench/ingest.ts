/**
 * `pnpm bench ingest`: sustained observations/s through `POST /api/public/ingestion` on embedded
 * storage (batches of 100 events of about 1 KB from concurrent clients), against the raw chDB insert
 * rate of the same rows in the same run; acknowledgement and acknowledgement-to-visible latency; RSS.
 */
import { randomUUID } from "node:crypto";
import { IngestionEvent } from "../packages/contracts/src/index.ts";
import type { ObservationRow } from "../packages/clickhouse/src/index.ts";
import { foldObservation, normalizeEvent } from "../packages/ingestion/src/index.ts";
import { BenchProject } from "./support/bench-project.ts";
import { withScratchClickHouse } from "./support/scratch-clickhouse.ts";
import { post } from "./support/http-post.ts";
import { measureWriteThroughput, medianInsertRate, observationVisible } from "./support/write-throughput.ts";
import type { WickServer } from "./support/server-process.ts";
import { mb, micros, ms, percentile, printTable } from "./support/stats.ts";

const BATCH_SIZE = 100;
const BATCHES = 200;
const CLIENTS = 8;
/** Enough clients that the server, not the clients' wait for acknowledgements, sets the pace. */
const SATURATING_CLIENTS = 16;

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

/** The same observation rows inserted straight into chDB, 100 per insert, in this process: the median of a few passes. */
async function rawInsertRate() {
  return withScratchClickHouse("ingest", async (store) => {
    const rowsOf = (work: Batch[]) =>
      work.map((batch) =>
        batch.map((raw) => {
          const normalized = normalizeEvent(IngestionEvent.parse(raw))!;
          return foldObservation("bench", normalized.entityId, [{ ...normalized.event, receivedAt: Date.now() }]).row;
        }),
      );
    return medianInsertRate({
      warmup: rowsOf(batches().slice(0, 10)),
      makeBatches: () => rowsOf(batches()),
      rowsPerBatch: BATCH_SIZE,
      insert: (batch: ObservationRow[]) => store.client.insert({ table: "observations", values: batch, format: "JSONEachRow" }),
    });
  });
}

export async function run(): Promise<void> {
  // Measured before the server starts, so neither side shares the cores with the other's merges.
  const raw = await rawInsertRate();
  await project.withFreshServer(async (server) => {
    const size = Buffer.byteLength(JSON.stringify(generationEvent(randomUUID())));
    console.log(`ingest: ${BATCHES} batches × ${BATCH_SIZE} events (${size} bytes each) from ${CLIENTS}, then ${SATURATING_CLIENTS} concurrent clients`);
    await throughHttp(server, batches().slice(0, 10));
    const http = await throughHttp(server, batches());
    const saturated = await throughHttp(server, batches(), SATURATING_CLIENTS);
    const rss = await server.rss();
    printTable("ingest (embedded storage)", [
      [`observations/s through HTTP, ${CLIENTS} clients`, http.perSecond.toFixed(0)],
      [`observations/s through HTTP, ${SATURATING_CLIENTS} clients`, saturated.perSecond.toFixed(0)],
      [`raw chDB insert rate, same rows, 100 per insert (median of ${raw.passes})`, raw.perSecond.toFixed(0)],
      [`ratio HTTP / raw, ${CLIENTS} clients`, (http.perSecond / raw.perSecond).toFixed(2), "≥ 0.8"],
      [`ratio HTTP / raw, ${SATURATING_CLIENTS} clients`, (saturated.perSecond / raw.perSecond).toFixed(2), "≥ 0.8"],
      [`server CPU per observation, ${CLIENTS} / ${SATURATING_CLIENTS} clients`, `${micros(http.cpuMicrosPerRow)} / ${micros(saturated.cpuMicrosPerRow)}`],
      ["raw insert CPU per row (serialization and chDB)", micros(raw.cpuMicrosPerRow)],
      [`acknowledgement p50, ${CLIENTS} clients`, ms(percentile(http.ackLatencies, 50))],
      [`acknowledgement p99, ${CLIENTS} clients`, ms(percentile(http.ackLatencies, 99))],
      [`acknowledged → visible p50, ${CLIENTS} clients`, ms(percentile(http.visibleLatencies, 50)), "< 300 ms"],
      [`acknowledged → visible p99, ${CLIENTS} clients`, ms(percentile(http.visibleLatencies, 99)), "< 1 s"],
      ["server RSS after the run", mb(rss.totalBytes), "< 1.5 GB"],
      ["server peak RSS", mb(rss.peakBytes), "< 1.5 GB"],
    ]);
  });
}
