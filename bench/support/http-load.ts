/**
 * A load generator meant to run in its own process, so the server under test does not share its
 * event loop with the clients: `node --import tsx bench/support/http-load.ts '<LoadSpec JSON>'`.
 * It prints one line of JSON (a LoadResult) on stdout. Each client keeps one connection alive.
 * node:http rather than fetch: fetch's own work doubled the latency it measured at one client.
 *
 * Spawn it with `runLoad` from the benchmark process.
 */
import { spawn } from "node:child_process";
import { Agent, request as httpRequest } from "node:http";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { percentile } from "./stats.ts";

export interface RequestSpec {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export type LoadSpec =
  /** `concurrency` clients send `read` back to back for `durationMs` after `warmupMs`. */
  | { kind: "steady"; read: RequestSpec; concurrency: number; durationMs: number; warmupMs: number }
  /** One client, `rounds` times: `write` (not timed), then `read` (timed): the first read after a write. */
  | { kind: "after-write"; read: RequestSpec; write: RequestSpec; rounds: number };

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const agent = new Agent({ keepAlive: true });

function send(spec: RequestSpec): Promise<void> {
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  const headers = { ...spec.headers, ...(body === undefined ? {} : { "content-type": "application/json" }) };
  return new Promise((resolve, reject) => {
    const request = httpRequest(spec.url, { method: spec.method ?? "GET", headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`${spec.method ?? "GET"} ${spec.url} answered ${status}: ${Buffer.concat(chunks).toString("utf8").slice(0, 300)}`));
      });
    });
    request.on("error", reject);
    request.end(body);
  });
}

async function timed(request: RequestSpec, latencies: number[]): Promise<void> {
  const started = performance.now();
  await send(request);
  latencies.push(performance.now() - started);
}

function summarize(latencies: number[], elapsedMs: number): LoadResult {
  return {
    requests: latencies.length,
    perSecond: latencies.length / (elapsedMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
  };
}

async function steady(spec: Extract<LoadSpec, { kind: "steady" }>): Promise<LoadResult> {
  const client = async (until: number, latencies: number[]) => {
    while (performance.now() < until) await timed(spec.read, latencies);
  };
  const clients = (until: number, latencies: number[]) => Promise.all(Array.from({ length: spec.concurrency }, () => client(until, latencies)));
  await clients(performance.now() + spec.warmupMs, []);
  const latencies: number[] = [];
  const started = performance.now();
  await clients(started + spec.durationMs, latencies);
  return summarize(latencies, performance.now() - started);
}

async function afterWrite(spec: Extract<LoadSpec, { kind: "after-write" }>): Promise<LoadResult> {
  const latencies: number[] = [];
  for (let round = 0; round < spec.rounds; round += 1) {
    await send(spec.write);
    await timed(spec.read, latencies);
  }
  // Reads per second of reading time only: the writes in between are not the reads' cost.
  return summarize(
    latencies,
    latencies.reduce((sum, latency) => sum + latency, 0),
  );
}

/** Runs the spec in a child process and resolves with its result. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), JSON.stringify(spec)], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve(JSON.parse(output) as LoadResult);
      else reject(new Error(`the load process exited with code ${code}`));
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const spec = JSON.parse(process.argv[2]!) as LoadSpec;
  const result = spec.kind === "steady" ? await steady(spec) : await afterWrite(spec);
  agent.destroy();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
