import { performance } from "node:perf_hooks";
import { ms, percentile } from "./stats.ts";

export interface Timing {
  label: string;
  p50: number;
  p95: number;
}

/** Runs a request `runs` times after one warm-up, sequentially, and reports p50/p95 in ms. */
export async function time(label: string, runs: number, request: () => Promise<Response>): Promise<Timing> {
  const check = async () => {
    const response = await request();
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${label}: ${response.status} ${body.slice(0, 300)}`);
  };
  await check();
  const samples: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    await check();
    samples.push(performance.now() - started);
  }
  return { label, p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

export function timingRows(timings: Timing[], goal: string): Array<[string, string, string]> {
  return timings.map((t) => [t.label, `p50 ${ms(t.p50)} · p95 ${ms(t.p95)}`, goal]);
}
