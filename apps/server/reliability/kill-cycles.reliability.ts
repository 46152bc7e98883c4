import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { figure, scaled, startReliabilityServer } from "./support.ts";

const CYCLES = scaled(3, 10);
const CLIENTS = 4;
const SPANS_PER_BATCH = 50;
/** How long the clients write before the kill; the kill lands while requests are in flight. */
const LOAD_MS = scaled(3_000, 6_000);

interface Acknowledged {
  traceId: string;
  spans: number;
}

describe("kill -9 while clients write", () => {
  let dataDir: string | undefined;
  let remove: (() => Promise<void>) | undefined;
  afterAll(async () => remove?.());

  it("loses no acknowledged event, and reports how long each restart took", async () => {
    const acknowledged: Acknowledged[] = [];
    const restartSeconds: number[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const startedAt = Date.now();
      const started = await startReliabilityServer({}, dataDir);
      if (cycle > 0) restartSeconds.push((Date.now() - startedAt) / 1000);
      dataDir = started.dataDir;
      remove = started.remove;
      const { server, project } = started;
      const until = Date.now() + LOAD_MS;
      const clients = Array.from({ length: CLIENTS }, async () => {
        while (Date.now() < until) {
          const traceId = randomUUID();
          const now = new Date().toISOString();
          const batch = [
            { id: randomUUID(), type: "trace-create", timestamp: now, body: { id: traceId, name: `cycle ${cycle}` } },
            ...Array.from({ length: SPANS_PER_BATCH }, (_, i) => ({
              id: randomUUID(),
              type: "span-create",
              timestamp: now,
              body: { id: randomUUID(), traceId, name: `s${i}`, input: "x".repeat(300) },
            })),
          ];
          try {
            const response = await fetch(`${server.baseUrl}/api/public/ingestion`, {
              method: "POST",
              headers: { authorization: project.authorization, "content-type": "application/json" },
              body: JSON.stringify({ batch }),
            });
            const body = (await response.json()) as { successes: unknown[] };
            if (response.status === 207 && body.successes.length === batch.length) acknowledged.push({ traceId, spans: SPANS_PER_BATCH });
          } catch {
            return; // The server is gone: what it did not answer was never acknowledged.
          }
        }
      });
      await new Promise((resolve) => setTimeout(resolve, LOAD_MS - 200));
      server.child.kill("SIGKILL");
      await server.exited;
      await Promise.all(clients);
    }

    const { server, project } = await startReliabilityServer({}, dataDir);
    let lost = 0;
    try {
      for (const { traceId, spans } of acknowledged) {
        const response = await fetch(`${server.baseUrl}/api/public/traces/${traceId}?fields=core,observations`, { headers: { authorization: project.authorization } });
        const observations = response.status === 200 ? ((await response.json()) as { observations: unknown[] }).observations.length : 0;
        lost += spans - observations;
      }
    } finally {
      server.child.kill("SIGKILL");
      await server.exited;
    }
    const total = acknowledged.reduce((sum, batch) => sum + batch.spans, 0);
    figure(
      "kill -9 cycles",
      `${lost} of ${total} acknowledged observations lost over ${CYCLES} kills under load; restarts took ${restartSeconds.map((s) => `${s.toFixed(1)} s`).join(", ")}`,
    );
    expect(total).toBeGreaterThan(0);
    expect(lost).toBe(0);
  });
});
