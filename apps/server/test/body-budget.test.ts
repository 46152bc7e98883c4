import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support/harness.ts";

const BUDGET = 1_000_000;

/** An ingestion body of about `bytes`, one trace with a large input. */
function batchOf(bytes: number, traceId: string): string {
  return JSON.stringify({
    batch: [{ id: randomUUID(), type: "trace-create", timestamp: new Date().toISOString(), body: { id: traceId, input: "x".repeat(bytes) } }],
  });
}

describe("the budget of large request bodies held at once", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("embedded", { inFlightBodyBytes: BUDGET });
  });
  afterAll(async () => t?.close());

  const ingest = (payload: string) =>
    t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: t.project.basic, "content-type": "application/json" }, payload });

  it("answers 503 with Retry-After beyond it, serves what fits, and frees it when requests end", async () => {
    const traceIds = Array.from({ length: 4 }, () => randomUUID());
    const answers = await Promise.all(traceIds.map((traceId) => ingest(batchOf(400_000, traceId))));
    const refused = answers.filter((answer) => answer.statusCode === 503);
    expect(answers.filter((answer) => answer.statusCode === 207)).toHaveLength(2);
    expect(refused).toHaveLength(2);
    for (const answer of refused) {
      expect(answer.headers["retry-after"]).toBe("1");
      expect(answer.json()).toEqual({
        message: expect.stringMatching(/^The server is holding \d+ KiB of request bodies, its limit; retry shortly$/),
        error: "ServiceUnavailableError",
      });
    }
    // Once those ended, the same batches fit again.
    const retried = await Promise.all(traceIds.filter((_, i) => answers[i]!.statusCode === 503).map((traceId) => ingest(batchOf(400_000, traceId))));
    expect(retried.map((answer) => answer.statusCode)).toEqual([207, 207]);
  });

  it("serves a body larger than the whole budget when it comes alone", async () => {
    const traceId = randomUUID();
    const answer = await ingest(batchOf(1_500_000, traceId));
    expect(answer.statusCode).toBe(207);
    expect(answer.json().errors).toEqual([]);
  });

  it("is not spent by requests that fail authentication", async () => {
    const unauthenticated = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { "content-type": "application/json" }, payload: batchOf(400_000, randomUUID()) }),
      ),
    );
    expect(unauthenticated.map((answer) => answer.statusCode)).toEqual([401, 401, 401, 401, 401]);
    const answers = await Promise.all([ingest(batchOf(400_000, randomUUID())), ingest(batchOf(400_000, randomUUID()))]);
    expect(answers.map((answer) => answer.statusCode)).toEqual([207, 207]);
  });
});
