/**
 * `pnpm bench startup`: how long Wick takes to become healthy and how much memory it holds.
 *
 * (a) first start on an empty data directory (PGlite initdb, migrations, provisioning) → health 200,
 *     and its resident set;
 * (b) warm restart on the same directory, three times, with the median;
 * (c) resident set after ~5 s idle, and after 200 health requests.
 *
 * Figures are printed, never asserted: timings depend on the machine.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { WickServer, type RssSample } from "./support/server-process.ts";

const WARM_RESTARTS = 3;
const IDLE_MS = 5_000;
const HEALTH_REQUESTS = 200;
const GOAL_WARM_RESTART_MS = 5_000;
/** The issue says "800 MB"; figures below are in decimal megabytes (10^6 bytes). */
const GOAL_IDLE_RSS_BYTES = 800 * 1_000_000;

const BANNER = /public key: (pk-\S+)\s+secret key: (sk-\S+)/;

export async function run(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), "wick-bench-startup-"));
  const log = (message: string) => console.log(`  ${message}`);
  log(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"}`);
  log(`data dir ${dataDir}`);

  let server: WickServer | undefined;
  try {
    // (a) First start: nothing under DATA_DIR yet.
    server = await WickServer.start({ dataDir });
    const firstMs = server.readyMs;
    const firstRss = await server.rss();
    log(`first start: healthy after ${seconds(firstMs)} (pid ${server.pid}, ${server.baseUrl}); RSS: ${describeRss(firstRss)}`);

    const commandLine = (await server.commandLine()).join(" ");
    const ownsSocket = await server.ownsListeningSocket();
    log(`pid ${server.pid} runs: ${commandLine}`);
    if (!ownsSocket) throw new Error(`pid ${server.pid} does not hold the listening socket on port ${server.port}; RSS would be measured on the wrong process`);
    log(`pid ${server.pid} holds the listening socket itself: yes`);

    const banner = await server.waitForOutput(BANNER, 5_000);
    if (!banner) throw new Error(`the first start printed no banner with the keys\n${server.outputTail()}`);
    log(`banner with keys printed: yes (public key ${banner[1]}, secret key ${mask(banner[2] ?? "")})`);

    // (b) Warm restarts on the same directory.
    const warmMs: number[] = [];
    const stopMs: number[] = [];
    for (let attempt = 1; attempt <= WARM_RESTARTS; attempt += 1) {
      const stopped = await server.stop();
      stopMs.push(stopped.durationMs);
      if (stopped.killed || stopped.code !== 0) {
        log(`warning: stop ${attempt} ended with ${stopped.killed ? "SIGKILL" : `code ${stopped.code} signal ${stopped.signal}`}`);
      }
      server = undefined;
      server = await WickServer.start({ dataDir });
      warmMs.push(server.readyMs);
      log(`warm restart ${attempt}: healthy after ${seconds(server.readyMs)} (stop took ${seconds(stopped.durationMs)})`);
      if (await server.waitForOutput(BANNER, 0)) log(`warning: warm restart ${attempt} printed the key banner again`);
    }

    // (c) Memory: idle first, then after some traffic.
    log(`idling ${IDLE_MS / 1000} s…`);
    await sleep(IDLE_MS);
    const idle = await server.rss();
    log(`idle RSS: ${describeRss(idle)}`);

    const trafficStarted = performance.now();
    for (let request = 0; request < HEALTH_REQUESTS; request += 1) {
      const response = await server.health();
      if (response.status !== 200) throw new Error(`health request ${request + 1} answered ${response.status}`);
    }
    const trafficMs = performance.now() - trafficStarted;
    const afterTraffic = await server.rss();
    log(`${HEALTH_REQUESTS} sequential health requests in ${trafficMs.toFixed(0)} ms; RSS: ${describeRss(afterTraffic)}`);

    const finalStop = await server.stop();
    stopMs.push(finalStop.durationMs);
    server = undefined;

    const warmMedian = median(warmMs);
    const rows: Row[] = [
      ["first start, empty data dir → health 200", seconds(firstMs), "—", ""],
      ["RSS of the first start, once healthy", megabytes(firstRss.totalBytes), "—", ""],
      ...warmMs.map((ms, index): Row => [`warm restart ${index + 1} → health 200`, seconds(ms), "< 5 s", meets(ms < GOAL_WARM_RESTART_MS)]),
      ["warm restart, median", seconds(warmMedian), "< 5 s", meets(warmMedian < GOAL_WARM_RESTART_MS)],
      ["stop (SIGTERM → exit), median", seconds(median(stopMs)), "—", ""],
      [`idle RSS (after ~${IDLE_MS / 1000} s idle)`, megabytes(idle.totalBytes), "< 800 MB", meets(idle.totalBytes < GOAL_IDLE_RSS_BYTES)],
      [`RSS after ${HEALTH_REQUESTS} health requests`, megabytes(afterTraffic.totalBytes), "—", ""],
      ["peak RSS of the warm server (VmHWM)", megabytes(afterTraffic.peakBytes), "—", ""],
      [`${HEALTH_REQUESTS} health requests, sequential`, `${(trafficMs / HEALTH_REQUESTS).toFixed(2)} ms each`, "—", ""],
    ];
    console.log();
    console.log(table(["startup", "value", "goal", "met"], rows));
  } finally {
    if (server) await server.stop().catch((error: unknown) => console.error(`  could not stop pid ${server?.pid}: ${String(error)}`));
    await rm(dataDir, { recursive: true, force: true });
  }
}

type Row = [string, string, string, string];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_000_000).toFixed(0)} MB`;
}

function meets(ok: boolean): string {
  return ok ? "yes" : "NO";
}

function mask(secret: string): string {
  return secret.length > 12 ? `${secret.slice(0, 10)}…` : "…";
}

function describeRss(sample: RssSample): string {
  const parts = sample.processes.map((entry) => `${entry.name}[${entry.pid}] ${megabytes(entry.rssBytes)}`);
  return `${megabytes(sample.totalBytes)} (${parts.join(" + ")})`;
}

function table(header: Row, rows: Row[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  const line = (row: Row) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ")} |`;
  const rule = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}
