import { performance } from "node:perf_hooks";
import { percentile } from "./stats.ts";

export interface WriteThroughputOptions<Item> {
  work: Item[];
  /** Concurrent clients, each sending the next unsent item when its previous one is acknowledged. */
  clients: number;
  /** Items written per request, to turn requests/s into rows/s. */
  rowsPerItem: number;
  /** How many acknowledged items to follow until a read returns them. */
  visibilitySamples: number;
  /** Sends one item; throws unless it was acknowledged. */
  send(item: Item): Promise<void>;
  /** Whether a read already returns the item (its last row). */
  isVisible(item: Item): Promise<boolean>;
  /** CPU seconds the server has used so far, to report its CPU time per row. */
  serverCpuSeconds(): Promise<number>;
}

/**
 * Rows/s of a write endpoint under concurrent clients, with acknowledgement latencies and, for a
 * sample of items, the time from acknowledgement to the first read that returns them.
 */
export async function measureWriteThroughput<Item>(options: WriteThroughputOptions<Item>) {
  const { work, clients, rowsPerItem, visibilitySamples, send, isVisible, serverCpuSeconds } = options;
  const ackLatencies: number[] = [];
  const visibleLatencies: number[] = [];
  const sampleEvery = Math.max(1, Math.floor(work.length / visibilitySamples));
  let next = 0;
  const cpuBefore = await serverCpuSeconds();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < work.length) {
        const index = next++;
        const item = work[index]!;
        const sent = performance.now();
        await send(item);
        const acked = performance.now();
        ackLatencies.push(acked - sent);
        if (index % sampleEvery !== 0) continue;
        for (let attempt = 0; attempt < 200 && !(await isVisible(item)); attempt += 1);
        visibleLatencies.push(performance.now() - acked);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const rows = work.length * rowsPerItem;
  // Read at once: the server's background merges go on after the last acknowledgement, and are
  // not all counted; the raw baseline's are not either.
  const cpuMicrosPerRow = (((await serverCpuSeconds()) - cpuBefore) * 1e6) / rows;
  return { perSecond: rows / seconds, cpuMicrosPerRow, ackLatencies, visibleLatencies };
}

/** Whether `GET /api/public/observations/{id}` already finds the observation. */
export async function observationVisible(baseUrl: string, authorization: string, id: string): Promise<boolean> {
  const read = await fetch(`${baseUrl}/api/public/observations/${encodeURIComponent(id)}`, { headers: { authorization } });
  await read.arrayBuffer();
  return read.status === 200;
}

export interface InsertPass {
  perSecond: number;
  cpuMicrosPerRow: number;
}

/** Rows/s of inserting batches straight into a store, one after the other, in this process. */
export async function timedInserts<Batch>(batches: Batch[], rowsPerBatch: number, insert: (batch: Batch) => Promise<unknown>): Promise<InsertPass> {
  const rows = batches.length * rowsPerBatch;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (const batch of batches) await insert(batch);
  const perSecond = rows / ((performance.now() - started) / 1000);
  const cpu = process.cpuUsage(cpuBefore);
  return { perSecond, cpuMicrosPerRow: (cpu.user + cpu.system) / rows };
}

/** Rows regrouped into inserts of `size` rows: the bulk baseline, the physical limit of the store. */
export function regroup<Row>(batches: Row[][], size: number): Row[][] {
  const rows = batches.flat();
  return Array.from({ length: Math.ceil(rows.length / size) }, (_, index) => rows.slice(index * size, (index + 1) * size));
}

type Throughput = Awaited<ReturnType<typeof measureWriteThroughput>>;

export interface PairedPasses {
  /** The HTTP passes' rates and latencies, pooled. */
  http: Throughput;
  raw: InsertPass;
  rawRates: number[];
  /** HTTP rate / raw rate of each pair. */
  ratios: number[];
  pairs: number;
}

/**
 * Raw and HTTP passes in pairs, in turn, each pair's ratio taken between passes minutes apart at
 * most: the raw rate moves by half between runs (merges, the machine's other work), and a ratio of
 * two figures from different moments cannot tell a regression from that. Which side goes first
 * alternates, so that neither always inherits the other's background merges. Rates are medians.
 */
export async function pairedPasses(pairs: number, raw: () => Promise<InsertPass>, http: () => Promise<Throughput>): Promise<PairedPasses> {
  const raws: InsertPass[] = [];
  const https: Throughput[] = [];
  for (let pair = 0; pair < pairs; pair += 1) {
    if (pair % 2 === 0) {
      raws.push(await raw());
      https.push(await http());
    } else {
      https.push(await http());
      raws.push(await raw());
    }
  }
  const median = (values: number[]) => percentile(values, 50);
  return {
    http: {
      perSecond: median(https.map((pass) => pass.perSecond)),
      cpuMicrosPerRow: median(https.map((pass) => pass.cpuMicrosPerRow)),
      ackLatencies: https.flatMap((pass) => pass.ackLatencies),
      visibleLatencies: https.flatMap((pass) => pass.visibleLatencies),
    },
    raw: { perSecond: median(raws.map((pass) => pass.perSecond)), cpuMicrosPerRow: median(raws.map((pass) => pass.cpuMicrosPerRow)) },
    rawRates: raws.map((pass) => pass.perSecond),
    ratios: https.map((pass, index) => pass.perSecond / raws[index]!.perSecond),
    pairs,
  };
}

/** A ratio's median over the pairs, with its spread: `0.83 (0.71–0.95)`. */
export function ratioSpread(ratios: number[]): string {
  return `${percentile(ratios, 50).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`;
}
