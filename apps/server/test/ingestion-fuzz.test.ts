import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./support/harness.ts";

const HOSTILE: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e30,
  -1e30,
  Number.MAX_SAFE_INTEGER,
  "",
  "x",
  "💥".repeat(50),
  "' OR 1=1 --",
  "\\",
  "\u0000",
  "2025-01-01T00:00:00Z",
  "9999-12-31T23:59:59Z",
  [],
  [1, "a", null],
  {},
  { nested: { deeper: [1, { x: null }] } },
  "1e400",
];
const FIELDS = [
  "name",
  "userId",
  "sessionId",
  "release",
  "version",
  "public",
  "tags",
  "metadata",
  "input",
  "output",
  "environment",
  "level",
  "statusMessage",
  "parentObservationId",
  "model",
  "modelParameters",
  "usage",
  "usageDetails",
  "costDetails",
  "promptName",
  "promptVersion",
  "startTime",
  "endTime",
  "completionStartTime",
  "value",
  "dataType",
  "comment",
  "source",
  "configId",
  "traceId",
];
const TYPES = [
  "trace-create",
  "span-create",
  "span-update",
  "generation-create",
  "generation-update",
  "event-create",
  "agent-create",
  "score-create",
  "observation-create",
  "sdk-log",
];

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("ingestion under random hostile event bodies", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("embedded");
  });
  afterAll(async () => t?.close());

  it("answers every batch with a 207, stores the valid events, and keeps working", async () => {
    const next = random(42);
    const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!;
    let stored = 0;
    for (let round = 0; round < 20; round += 1) {
      const batch = Array.from({ length: 25 }, () => {
        const body: Record<string, unknown> = { id: randomUUID(), traceId: pick([randomUUID(), undefined]) };
        for (let i = 0; i < 4; i += 1) body[pick(FIELDS)] = pick(HOSTILE);
        return { id: randomUUID(), type: pick(TYPES), timestamp: new Date().toISOString(), body: { ...body, ...(next() < 0.1 ? { log: "x" } : {}) } };
      });
      const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: t.project.basic }, payload: { batch } });
      expect(response.statusCode, response.body.slice(0, 500)).toBe(207);
      stored += response.json().successes.length;
    }
    // Enough hostile-but-valid events got through for the write path to have been exercised.
    expect(stored).toBeGreaterThan(100);
    const check = randomUUID();
    const after = await t.app.inject({
      method: "POST",
      url: "/api/public/ingestion",
      headers: { authorization: t.project.basic },
      payload: { batch: [{ id: randomUUID(), type: "trace-create", timestamp: new Date().toISOString(), body: { id: check, name: "still fine" } }] },
    });
    expect(after.json()).toMatchObject({ errors: [] });
    expect((await t.app.inject({ method: "GET", url: `/api/public/traces/${check}`, headers: { authorization: t.project.basic } })).json().name).toBe("still fine");
  });
});
