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

/**
 * Timed passes of a raw baseline; their median is reported. Passes run at two speeds here: while
 * chDB merges the parts earlier inserts left, and, in some runs, for a stretch somewhere in the
 * first hundred thousand rows, faster by a third (CPU per row 170 instead of 250 µs) while merges
 * wait. A sustained rate pays for its merges, so the median is taken over enough passes that such
 * a stretch cannot be most of them.
 */
const RAW_PASSES = 5;

/**
 * Rows/s of inserting batches straight into a store, for the baseline beside an HTTP figure:
 * warmed up like the HTTP side (whose first requests are not timed either), then the median of
 * a few passes, each over fresh batches from `makeBatches`.
 */
export async function medianInsertRate<Batch>(options: {
  warmup: Batch[];
  makeBatches: () => Batch[];
  rowsPerBatch: number;
  insert(batch: Batch): Promise<unknown>;
}): Promise<{ perSecond: number; cpuMicrosPerRow: number; passes: number }> {
  for (const batch of options.warmup) await options.insert(batch);
  const rates: number[] = [];
  const cpuPerRow: number[] = [];
  for (let pass = 0; pass < RAW_PASSES; pass += 1) {
    const batches = options.makeBatches();
    const rows = batches.length * options.rowsPerBatch;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (const batch of batches) await options.insert(batch);
    rates.push(rows / ((performance.now() - started) / 1000));
    const cpu = process.cpuUsage(cpuBefore);
    cpuPerRow.push((cpu.user + cpu.system) / rows);
  }
  return { perSecond: percentile(rates, 50), cpuMicrosPerRow: percentile(cpuPerRow, 50), passes: RAW_PASSES };
}
