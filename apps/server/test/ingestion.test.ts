import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { createTestApp, type TestApp } from "./support/harness.ts";

const uid = () => randomUUID();
const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, second)).toISOString();

describe("POST /api/public/ingestion", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("embedded");
  });
  afterAll(async () => t?.close());

  const ingest = (batch: unknown[], authorization = t.project.basic, app = t.app) =>
    app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization }, payload: { batch } });
  const getTrace = (id: string) => t.app.inject({ method: "GET", url: `/api/public/traces/${id}`, headers: { authorization: t.project.basic } });
  const getObservation = (id: string) => t.app.inject({ method: "GET", url: `/api/public/observations/${id}`, headers: { authorization: t.project.basic } });

  it("stores a trace and a generation and shows them at once", async () => {
    const traceId = uid();
    const generationId = uid();
    const response = await ingest([
      { id: uid(), type: "trace-create", timestamp: at(0), body: { id: traceId, name: "chat", userId: "u-1", tags: ["b", "a"], metadata: { plan: "pro" }, input: { q: "hi" } } },
      {
        id: uid(),
        type: "generation-create",
        timestamp: at(1),
        body: {
          id: generationId,
          traceId,
          name: "llm",
          model: "my-model",
          startTime: at(1),
          endTime: at(3),
          input: [{ role: "user", content: "hi" }],
          output: "hello",
          usageDetails: { input: 12, output: 3 },
        },
      },
    ]);
    expect(response.statusCode).toBe(207);
    expectReferenceResponse({ method: "POST", path: "/api/public/ingestion" }, 207, response.json());
    expect(response.json().errors).toEqual([]);
    expect(response.json().successes).toHaveLength(2);

    const trace = await getTrace(traceId);
    expect(trace.statusCode).toBe(200);
    const body = trace.json();
    expectReferenceResponse({ method: "GET", path: "/api/public/traces/{traceId}" }, 200, body);
    expect(body).toMatchObject({ id: traceId, name: "chat", userId: "u-1", tags: ["a", "b"], metadata: { plan: "pro" }, input: { q: "hi" }, latency: 2 });
    expect(body.observations).toHaveLength(1);
    expect(body.observations[0]).toMatchObject({
      id: generationId,
      type: "GENERATION",
      model: "my-model",
      usageDetails: { input: 12, output: 3, total: 15 },
      usage: { input: 12, output: 3, total: 15, unit: "TOKENS" },
      output: "hello",
      latency: 2,
    });

    const observation = await getObservation(generationId);
    expect(observation.statusCode).toBe(200);
    expectReferenceResponse({ method: "GET", path: "/api/public/observations/{observationId}" }, 200, observation.json());
  });

  it("merges an update that arrives before its create into the same record", async () => {
    const id = uid();
    const traceId = uid();
    await ingest([{ id: uid(), type: "span-update", timestamp: at(5), body: { id, traceId, endTime: at(9), output: "done", metadata: { step: 2 } } }]);
    await ingest([
      { id: uid(), type: "span-create", timestamp: at(4), body: { id, traceId, name: "work", startTime: at(4), input: "go", metadata: { step: 1, status: "started" } } },
    ]);
    const body = (await getObservation(id)).json();
    expect(body).toMatchObject({ id, name: "work", startTime: at(4), endTime: at(9), input: "go", output: "done", metadata: { step: 2, status: "started" } });
    // The start time moved when the create arrived; the row filed under the old one is gone.
    const listed = await t.app.inject({ method: "GET", url: `/api/public/observations?traceId=${traceId}`, headers: { authorization: t.project.basic } });
    expect(listed.json().data.map((o: { startTime: string }) => o.startTime)).toEqual([at(4)]);
    const stale = await t.app.inject({ method: "GET", url: `/api/public/observations?traceId=${traceId}&fromStartTime=${at(5)}`, headers: { authorization: t.project.basic } });
    expect(stale.json().data).toEqual([]);
  });

  it("stores the same record whether a batch is delivered once or twice", async () => {
    const traceId = uid();
    const batch = [
      { id: uid(), type: "trace-create", timestamp: at(0), body: { id: traceId, name: "once", tags: ["x"] } },
      { id: uid(), type: "trace-create", timestamp: at(1), body: { id: traceId, release: "r1" } },
    ];
    await ingest(batch);
    const first = (await getTrace(traceId)).json();
    await ingest(batch);
    const second = (await getTrace(traceId)).json();
    expect(second).toEqual(first);
  });

  it("merges the create and the update of one observation received by two instances at once", async () => {
    const second = await createTestApp("embedded", { stores: t.stores });
    try {
      const id = uid();
      const traceId = uid();
      const [a, b] = await Promise.all([
        ingest([{ id: uid(), type: "generation-create", timestamp: at(10), body: { id, traceId, name: "gen", model: "m", startTime: at(10), input: "q" } }]),
        ingest([{ id: uid(), type: "generation-update", timestamp: at(12), body: { id, traceId, endTime: at(13), output: "a", level: "WARNING" } }], t.project.basic, second.app),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([207, 207]);
      const fromFirst = (await getObservation(id)).json();
      const fromSecond = (await second.app.inject({ method: "GET", url: `/api/public/observations/${id}`, headers: { authorization: t.project.basic } })).json();
      expect(fromFirst).toMatchObject({ name: "gen", model: "m", input: "q", output: "a", level: "WARNING", startTime: at(10), endTime: at(13) });
      expect(fromSecond).toEqual(fromFirst);
    } finally {
      await second.close();
    }
  });

  it("never shows another project's data", async () => {
    const other = await t.createProject();
    const traceId = uid();
    await ingest([{ id: uid(), type: "trace-create", timestamp: at(0), body: { id: traceId, name: "mine" } }]);
    const theirs = await t.app.inject({ method: "GET", url: `/api/public/traces/${traceId}`, headers: { authorization: other.basic } });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json()).toEqual({ message: `Trace ${traceId} not found within authorized project`, error: "LangfuseNotFoundError" });
  });

  it("answers 207 with exactly the invalid events in errors, naming the field, and stores the rest", async () => {
    const good = uid();
    const response = await ingest([
      { id: "bad-1", type: "span-create", timestamp: at(0), body: { name: "no id" } },
      { id: "ok-1", type: "trace-create", timestamp: at(0), body: { id: good } },
      { id: "bad-2", type: "not-a-type", timestamp: at(0), body: {} },
      { id: "bad-3", type: "trace-create", timestamp: "2025-01-01T10:00:00", body: { id: uid() } },
      { id: "bad-4", type: "span-create", timestamp: at(0), body: { id: uid(), startTime: "1800-01-01T00:00:00Z" } },
    ]);
    expect(response.statusCode).toBe(207);
    const body = response.json();
    expectReferenceResponse({ method: "POST", path: "/api/public/ingestion" }, 207, body);
    expect(body.successes).toEqual([{ id: "ok-1", status: 201 }]);
    expect(body.errors.map((e: { id: string }) => e.id)).toEqual(["bad-1", "bad-2", "bad-3", "bad-4"]);
    expect(body.errors[0]).toMatchObject({ status: 400, message: expect.stringContaining("body.id") });
    expect(body.errors[1].message).toContain("type");
    expect(body.errors[2].message).toContain("timestamp");
    expect(body.errors[3].message).toContain("between the years 1900 and 2299");
    expect((await getTrace(good)).statusCode).toBe(200);
  });

  it("stores deep, large and unicode metadata, and rejects non-numbers for numbers without losing the rest", async () => {
    let deep: Record<string, unknown> = { leaf: "🌍 ünïcødé" };
    for (let i = 0; i < 200; i += 1) deep = { level: deep };
    const big = "x".repeat(1_000_000);
    const traceId = uid();
    const response = await ingest([
      { id: "deep", type: "trace-create", timestamp: at(0), body: { id: traceId, name: "名前", metadata: { deep, big, κλειδί: "τιμή" } } },
      { id: "strings", type: "generation-create", timestamp: at(0), body: { id: uid(), traceId, usage: { input: "12" } } },
      { id: "unknown-fields", type: "span-create", timestamp: at(0), body: { id: uid(), traceId, somethingElse: { a: 1 } } },
    ]);
    expect(response.statusCode).toBe(207);
    expect(
      response
        .json()
        .successes.map((s: { id: string }) => s.id)
        .sort(),
    ).toEqual(["deep", "unknown-fields"]);
    expect(response.json().errors).toMatchObject([{ id: "strings", status: 400, message: expect.stringContaining("usage.input") }]);
    const trace = (await getTrace(traceId)).json();
    expect(trace.name).toBe("名前");
    expect(trace.metadata.big).toHaveLength(1_000_000);
    expect(trace.metadata.κλειδί).toBe("τιμή");
    let node = trace.metadata.deep;
    for (let i = 0; i < 200; i += 1) node = node.level;
    expect(node).toEqual({ leaf: "🌍 ünïcødé" });
    expect(trace.observations).toHaveLength(1);
  });

  it("keeps values ClickHouse cannot hold from failing the write round for everyone", async () => {
    const traceId = uid();
    const response = await ingest([
      { id: "huge-usage", type: "generation-create", timestamp: at(0), body: { id: "huge-usage", traceId, usageDetails: { input: 1e30, output: 7 } } },
      { id: "huge-cost", type: "generation-create", timestamp: at(0), body: { id: "huge-cost", traceId, costDetails: { total: 1e9 } } },
      { id: "normal", type: "span-create", timestamp: at(0), body: { id: "normal", traceId } },
    ]);
    expect(response.statusCode).toBe(207);
    expect(response.json().errors).toEqual([]);
    expect((await getObservation("huge-usage")).json().usageDetails).toEqual({ output: 7, total: 7 });
    expect((await getObservation("huge-cost")).json().costDetails).toEqual({ total: 999999.999999 });
    expect((await getObservation("normal")).statusCode).toBe(200);
  });

  it("refuses NaN, which JSON cannot carry, with a 400", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/public/ingestion",
      headers: { authorization: t.project.basic, "content-type": "application/json" },
      payload: '{"batch":[{"id":"e","type":"trace-create","timestamp":"2025-01-01T00:00:00Z","body":{"id":"t","metadata":{"x":NaN}}}]}',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().message).toMatch(/^Invalid JSON/);
  });

  it("refuses a body without a batch array with a 400 that says so", async () => {
    const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", headers: { authorization: t.project.basic }, payload: { events: [] } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ message: "Invalid request data", errors: [expect.stringContaining("batch")] });
  });

  it("refuses a non-JSON content type with a 400", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/api/public/ingestion",
      headers: { authorization: t.project.basic, "content-type": "application/x-www-form-urlencoded" },
      payload: "batch=1",
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0]).toMatch(/Content-Type: application\/json/);
  });

  it("authenticates before looking at the body, with the ingestion error shape", async () => {
    const response = await t.app.inject({ method: "POST", url: "/api/public/ingestion", payload: "not json", headers: { "content-type": "application/json" } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ message: "No authorization header", error: "UnauthorizedError" });
  });

  it("lets a public key alone send scores but nothing else", async () => {
    const traceId = uid();
    const response = await ingest(
      [
        { id: "s-1", type: "score-create", timestamp: at(0), body: { id: uid(), traceId, name: "quality", value: 0.5 } },
        { id: "t-1", type: "trace-create", timestamp: at(0), body: { id: traceId } },
      ],
      `Bearer ${t.project.publicKey}`,
    );
    expect(response.statusCode).toBe(207);
    expect(response.json()).toEqual({
      successes: [{ id: "s-1", status: 201 }],
      errors: [{ id: "t-1", status: 401, message: "Authentication error", error: "Access Scope Denied" }],
    });
  });
});

describe("prompt linking", () => {
  it("links a generation to the stored prompt its name and version name, and ignores unknown prompts", async () => {
    const t = await createTestApp("embedded");
    try {
      const created = await t.app.inject({
        method: "POST",
        url: "/api/public/v2/prompts",
        headers: { authorization: t.project.basic },
        payload: { name: "greeting", type: "text", prompt: "Hello {{name}}" },
      });
      expect(created.statusCode).toBe(201);
      const at0 = new Date().toISOString();
      await t.app.inject({
        method: "POST",
        url: "/api/public/ingestion",
        headers: { authorization: t.project.basic },
        payload: {
          batch: [
            { id: randomUUID(), type: "generation-create", timestamp: at0, body: { id: "linked", promptName: "greeting", promptVersion: 1 } },
            { id: randomUUID(), type: "generation-create", timestamp: at0, body: { id: "unknown", promptName: "missing", promptVersion: 3 } },
          ],
        },
      });
      const get = async (id: string) => (await t.app.inject({ method: "GET", url: `/api/public/observations/${id}`, headers: { authorization: t.project.basic } })).json();
      expect(await get("linked")).toMatchObject({ promptId: created.json().id, promptName: "greeting", promptVersion: 1 });
      expect(await get("unknown")).toMatchObject({ promptId: null, promptName: null, promptVersion: null });
    } finally {
      await t.close();
    }
  });
});
