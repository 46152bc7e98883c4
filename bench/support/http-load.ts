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
import { setTimeout as sleep } from "node:timers/promises";
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
  | { kind: "after-write"; read: RequestSpec; write: RequestSpec; rounds: number }
  /** As `steady`, but timed from the warm-up's end until the parent says stop (see `startLoad`). */
  | { kind: "until-stopped"; read: RequestSpec; concurrency: number; warmupMs: number };

export interface LoadResult {
  requests: number;
  perSecond: number;
  p50Ms: number;
  p95Ms: number;
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
    p95Ms: percentile(latencies, 95),
    p99Ms: percentile(latencies, 99),
    maxMs: Math.max(...latencies),
  };
}

async function steady(spec: Extract<LoadSpec, { kind: "steady" }>): Promise<LoadResult> {
  await clients(spec.read, spec.concurrency, sleep(spec.warmupMs), []);
  const latencies: number[] = [];
  const started = performance.now();
  await clients(spec.read, spec.concurrency, sleep(spec.durationMs), latencies);
  return summarize(latencies, performance.now() - started);
}

/** `concurrency` clients sending `read` back to back until `done` settles. */
async function clients(read: RequestSpec, concurrency: number, done: Promise<unknown>, latencies: number[]): Promise<void> {
  let over = false;
  void done.then(() => {
    over = true;
  });
  const client = async () => {
    while (!over) await timed(read, latencies);
  };
  await Promise.all(Array.from({ length: concurrency }, client));
}

/** Says `ready` on stdout once warm, then reads until stdin ends. */
async function untilStopped(spec: Extract<LoadSpec, { kind: "until-stopped" }>): Promise<LoadResult> {
  const stopped = new Promise((resolve) => process.stdin.once("end", resolve));
  process.stdin.resume();
  await clients(spec.read, spec.concurrency, sleep(spec.warmupMs), []);
  process.stdout.write("ready\n");
  const latencies: number[] = [];
  const started = performance.now();
  await clients(spec.read, spec.concurrency, stopped, latencies);
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

function spawnLoad(spec: LoadSpec) {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), JSON.stringify(spec)], { stdio: ["pipe", "pipe", "inherit"] });
  let output = "";
  const ready = new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.startsWith("ready\n")) resolve();
    });
  });
  const result = new Promise<LoadResult>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve(JSON.parse(output.replace(/^ready\n/, "")) as LoadResult);
      else reject(new Error(`the load process exited with code ${code}`));
    });
  });
  return { child, ready, result };
}

/** Runs the spec in a child process and resolves with its result. */
export function runLoad(spec: Exclude<LoadSpec, { kind: "until-stopped" }>): Promise<LoadResult> {
  return spawnLoad(spec).result;
}

/**
 * Starts an open-ended load in a child process; resolves once it is warm and timing, with `stop`,
 * which ends it and resolves with its result.
 */
export async function startLoad(spec: Extract<LoadSpec, { kind: "until-stopped" }>): Promise<{ stop(): Promise<LoadResult> }> {
  const load = spawnLoad(spec);
  await Promise.race([load.ready, load.result]);
  return {
    stop: () => {
      load.child.stdin.end();
      return load.result;
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const spec = JSON.parse(process.argv[2]!) as LoadSpec;
  const result = spec.kind === "steady" ? await steady(spec) : spec.kind === "after-write" ? await afterWrite(spec) : await untilStopped(spec);
  agent.destroy();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
