import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { largeTraceBatches } from "../../../bench/support/large-trace.ts";
import { figure, scaled, startReliabilityServer, type ReliabilityServer } from "./support.ts";

const OBSERVATIONS = scaled(5_000, 20_000);
const CONCURRENT_READERS = 8;

/** Resident memory of a process in MB, from /proc. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s*(\d+)\s*kB/m.exec(status)?.[1] ?? 0) / 1024;
}

describe("one very large trace", () => {
  let started: ReliabilityServer;
  beforeAll(async () => {
    started = await startReliabilityServer();
  });
  afterAll(async () => started?.stop());

  it("is read whole by several clients at once, with the server's memory printed", async () => {
    const traceId = randomUUID();
    const headers = { authorization: started.project.authorization, "content-type": "application/json" };
    for (const body of largeTraceBatches(traceId, OBSERVATIONS, 500)) {
      const answer = await fetch(`${started.server.baseUrl}/api/public/ingestion`, { method: "POST", headers, body: JSON.stringify(body) });
      expect(((await answer.json()) as { errors: unknown[] }).errors).toEqual([]);
    }
    const read = async () => {
      const began = performance.now();
      const response = await fetch(`${started.server.baseUrl}/api/public/traces/${traceId}`, { headers: { authorization: started.project.authorization } });
      const body = (await response.json()) as { observations: unknown[] };
      expect(response.status).toBe(200);
      expect(body.observations).toHaveLength(OBSERVATIONS);
      return performance.now() - began;
    };
    const alone = await read();
    const pid = started.server.child.pid!;
    const before = await rssMb(pid);
    let peak = before;
    const sampler = setInterval(
      () =>
        void rssMb(pid).then(
          (sample) => (peak = Math.max(peak, sample)),
          () => undefined,
        ),
      50,
    );
    const began = performance.now();
    await Promise.all(Array.from({ length: CONCURRENT_READERS }, read)).finally(() => clearInterval(sampler));
    const together = performance.now() - began;
    figure(
      "large trace",
      `${OBSERVATIONS.toLocaleString("en")} observations: one read ${alone.toFixed(0)} ms, ${CONCURRENT_READERS} at once ${together.toFixed(0)} ms; ` +
        `server RSS ${before.toFixed(0)} MB before, ${peak.toFixed(0)} MB at most during`,
    );
  });
});
