import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBatch } from "@wick/ingestion";
import { createTestApp, type TestApp } from "./support/harness.ts";

describe("a delete racing a write of the same entity", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("embedded");
  });
  afterAll(async () => t?.close());

  const inject = (method: "GET" | "POST" | "DELETE", url: string, payload?: object) =>
    t.app.inject({ method, url, headers: { authorization: t.project.basic }, ...(payload ? { payload } : {}) });
  /** Queues a batch on the writer at once, as the ingestion route does once it has checked it. */
  const queueWrite = (batch: unknown[]) => {
    const checked = checkBatch(batch, { projectId: t.project.id, accessLevel: "project", attribution: { publicKey: t.project.publicKey, sdkName: "test", sdkVersion: "1" } });
    expect(checked.response.errors).toEqual([]);
    return t.services.ingestion.write(checked.accepted);
  };
  const spans = (traceId: string, count: number) =>
    Array.from({ length: count }, (_, i) => ({
      id: randomUUID(),
      type: "span-create",
      timestamp: new Date().toISOString(),
      body: { id: `${traceId}-span-${i}`, traceId, name: `s${i}` },
    }));

  it("takes effect after the write queued before it: nothing of the trace is written back", async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const traceId = randomUUID();
      const created = await inject("POST", "/api/public/ingestion", {
        batch: [{ id: randomUUID(), type: "trace-create", timestamp: new Date().toISOString(), body: { id: traceId, name: "before" } }],
      });
      expect(created.json().errors).toEqual([]);
      const write = queueWrite([{ id: randomUUID(), type: "trace-create", timestamp: new Date().toISOString(), body: { id: traceId, name: "racing" } }, ...spans(traceId, 300)]);
      const deleted = await inject("DELETE", `/api/public/traces/${traceId}`);
      await write;
      expect(deleted.statusCode).toBe(200);
      expect((await inject("GET", `/api/public/traces/${traceId}`)).statusCode).toBe(404);
      expect((await inject("GET", `/api/public/observations/${traceId}-span-0`)).statusCode).toBe(404);
    }
  });

  it("takes effect after the score write queued before it", async () => {
    const traceId = randomUUID();
    for (let attempt = 0; attempt < 5; attempt++) {
      const scoreId = randomUUID();
      const write = queueWrite([
        { id: randomUUID(), type: "score-create", timestamp: new Date().toISOString(), body: { id: scoreId, traceId, name: "q", value: attempt } },
        ...spans(traceId, 200),
      ]);
      const deleted = await inject("DELETE", `/api/public/scores/${scoreId}`);
      await write;
      expect(deleted.statusCode).toBe(202);
      expect((await inject("GET", `/api/public/v2/scores/${scoreId}`)).statusCode).toBe(404);
    }
  });
});
