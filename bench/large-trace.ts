/**
 * `npm run bench large-trace`: `GET /api/public/traces/{id}` for one trace of 20,000 observations
 * on embedded storage: the time of one read, the response's size, and the server's resident memory
 * while 8 clients read it at once.
 *
 * Figures are printed, never asserted: timings depend on the machine.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { BenchProject } from "./support/bench-project.ts";
import { post } from "./support/http-post.ts";
import { largeTraceBatches } from "./support/large-trace.ts";
import { mb, ms, percentile, printTable } from "./support/stats.ts";

const OBSERVATIONS = 20_000;
const PER_BATCH = 500;
const SEQUENTIAL_READS = 5;
const CONCURRENT_READERS = 8;

export async function run(): Promise<void> {
  const project = new BenchProject("large-trace");
  await project.withFreshServer(async (server) => {
    const traceId = randomUUID();
    const headers = { authorization: project.authorization, "content-type": "application/json" };
    for (const body of largeTraceBatches(traceId, OBSERVATIONS, PER_BATCH)) {
      const answer = await post(`${server.baseUrl}/api/public/ingestion`, headers, JSON.stringify(body));
      if (answer.status !== 207 || JSON.parse(answer.text).errors.length > 0) throw new Error(`ingestion failed: ${answer.status} ${answer.text.slice(0, 300)}`);
    }

    const url = `${server.baseUrl}/api/public/traces/${traceId}`;
    const read = async () => {
      const response = await fetch(url, { headers: { authorization: project.authorization } });
      const body = await response.text();
      if (response.status !== 200) throw new Error(`read failed: ${response.status} ${body.slice(0, 300)}`);
      return body;
    };
    const first = await read();
    const observations = (JSON.parse(first) as { observations: unknown[] }).observations.length;
    if (observations !== OBSERVATIONS) throw new Error(`the trace has ${observations} observations, expected ${OBSERVATIONS}`);

    const samples: number[] = [];
    for (let i = 0; i < SEQUENTIAL_READS; i++) {
      const started = performance.now();
      await read();
      samples.push(performance.now() - started);
    }
    const before = await server.rss();
    let peak = before.totalBytes;
    const sampler = setInterval(() => {
      void server.rss().then(
        (sample) => (peak = Math.max(peak, sample.totalBytes)),
        () => undefined,
      );
    }, 50);
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENT_READERS }, read));
    const concurrentMs = performance.now() - started;
    clearInterval(sampler);

    printTable(`GET /api/public/traces/{id}, ${OBSERVATIONS.toLocaleString("en")} observations`, [
      ["response size", mb(Buffer.byteLength(first))],
      ["one read", `p50 ${ms(percentile(samples, 50))} · max ${ms(Math.max(...samples))}`],
      [`${CONCURRENT_READERS} reads at once`, `all done in ${ms(concurrentMs)}`],
      ["server RSS before / peak during", `${mb(before.totalBytes)} / ${mb(peak)}`],
    ]);
  });
}
