import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { percentile } from "../../../bench/support/stats.ts";
import { createProject, figure, scaled, startReliabilityServer, type Credentials, type ReliabilityServer } from "./support.ts";

const DELETES = scaled(10, 40);
/** The other project's clients, each pausing between rounds: steady traffic that leaves the store headroom. */
const OTHER_CLIENTS = 2;
const OTHER_PAUSE_MS = 50;

/**
 * Deletes of one project while another project writes and reads: the deleted traces and scores are
 * gone at once, and the figure shows what the deletes cost and what the other project felt.
 */
describe("deletes under another project's load", () => {
  let started: ReliabilityServer;
  let other: Credentials;
  beforeAll(async () => {
    started = await startReliabilityServer();
    other = await createProject(started.server.baseUrl, "bystander");
  });
  afterAll(async () => started?.stop());

  const request = (credentials: Credentials, method: string, path: string, body?: unknown) =>
    fetch(`${started.server.baseUrl}${path}`, {
      method,
      headers: { authorization: credentials.authorization, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  /** One write and one read of the other project, timed together. */
  async function otherProjectRound(): Promise<number> {
    const traceId = randomUUID();
    const now = new Date().toISOString();
    const started = performance.now();
    const write = await request(other, "POST", "/api/public/ingestion", {
      batch: [
        { id: randomUUID(), type: "trace-create", timestamp: now, body: { id: traceId } },
        { id: randomUUID(), type: "span-create", timestamp: now, body: { id: randomUUID(), traceId } },
      ],
    });
    await write.arrayBuffer();
    const read = await request(other, "GET", `/api/public/traces/${traceId}`);
    await read.arrayBuffer();
    if (write.status !== 207 || read.status !== 200) throw new Error(`the other project's round failed: ${write.status} / ${read.status}`);
    return performance.now() - started;
  }

  /** Runs the other project's clients until `done` settles; resolves with every round's latency. */
  async function otherProjectLoad(done: Promise<unknown>): Promise<number[]> {
    const samples: number[] = [];
    let finished = false;
    void done.finally(() => (finished = true));
    await Promise.all(
      Array.from({ length: OTHER_CLIENTS }, async () => {
        while (!finished) {
          samples.push(await otherProjectRound());
          await new Promise((resolve) => setTimeout(resolve, OTHER_PAUSE_MS));
        }
      }),
    );
    return samples;
  }

  it("remove what they name at once, and report their latency and the other project's", async () => {
    const { project } = started;
    const traceIds = Array.from({ length: 2 * DELETES }, () => randomUUID());
    const now = new Date().toISOString();
    const seeded = await request(project, "POST", "/api/public/ingestion", {
      batch: traceIds.flatMap((traceId) => [
        { id: randomUUID(), type: "trace-create", timestamp: now, body: { id: traceId, name: "to delete" } },
        { id: randomUUID(), type: "span-create", timestamp: now, body: { id: `${traceId}-span`, traceId } },
        { id: randomUUID(), type: "score-create", timestamp: now, body: { id: `${traceId}-score`, traceId, name: "q", value: 1 } },
      ]),
    });
    expect(seeded.status).toBe(207);

    /** Deletes each trace's score, then the trace, one request at a time; resolves with their latencies. */
    const deleteAll = async (ids: string[]) => {
      const latencies: number[] = [];
      for (const traceId of ids) {
        for (const path of [`/api/public/scores/${traceId}-score`, `/api/public/traces/${traceId}`]) {
          const started = performance.now();
          const response = await request(project, "DELETE", path);
          await response.arrayBuffer();
          latencies.push(performance.now() - started);
          if (response.status >= 300) throw new Error(`DELETE ${path} answered ${response.status}`);
        }
      }
      return latencies;
    };
    const alone = await deleteAll(traceIds.slice(0, DELETES));
    const baseline = await otherProjectLoad(new Promise((resolve) => setTimeout(resolve, 3_000)));
    const deleting = deleteAll(traceIds.slice(DELETES));
    const during = await otherProjectLoad(deleting);
    const underLoad = await deleting;

    for (const traceId of traceIds) {
      expect((await request(project, "GET", `/api/public/traces/${traceId}`)).status).toBe(404);
      expect((await request(project, "GET", `/api/public/observations/${traceId}-span`)).status).toBe(404);
      expect((await request(project, "GET", `/api/public/v2/scores/${traceId}-score`)).status).toBe(404);
    }
    const p50p95 = (samples: number[]) => `p50 ${percentile(samples, 50).toFixed(0)} ms, p95 ${percentile(samples, 95).toFixed(0)} ms`;
    figure(
      "deletes under load",
      `${alone.length} deletes alone: ${p50p95(alone)}; ${underLoad.length} beside another project's traffic: ${p50p95(underLoad)}; ` +
        `that project's write+read ${p50p95(baseline)} before, ${p50p95(during)} during (p95 ${(percentile(during, 95) / percentile(baseline, 95)).toFixed(2)}×)`,
    );
  });
});
