import { randomUUID } from "node:crypto";
import { Langfuse } from "langfuse";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { createTestApp, listen, type TestApp } from "./support/harness.ts";

describe("the legacy langfuse v3 JS SDK against a running Wick", () => {
  let t: TestApp;
  let langfuse: Langfuse;
  beforeAll(async () => {
    t = await createTestApp("embedded");
    const baseUrl = await listen(t.app);
    langfuse = new Langfuse({ publicKey: t.project.publicKey, secretKey: t.project.secretKey, baseUrl, flushAt: 100, flushInterval: 60_000 });
  });
  afterAll(async () => {
    await langfuse?.shutdownAsync();
    await t?.close();
  });

  it("stores traces, nested spans, generations, events, scores and their updates, merged", async () => {
    const traceId = randomUUID();
    const trace = langfuse.trace({
      id: traceId,
      name: "support-chat",
      userId: "user-7",
      sessionId: "session-3",
      tags: ["prod"],
      metadata: { tier: "gold" },
      input: { question: "refund?" },
    });
    const retrieval = trace.span({ name: "retrieval", input: { query: "refund policy" }, metadata: { index: "faq" } });
    const lookup = retrieval.span({ name: "lookup" });
    lookup.end({ output: ["doc-1", "doc-2"] });
    retrieval.end({ output: { documents: 2 } });
    const generation = trace.generation({
      name: "answer",
      model: "gpt-4o",
      modelParameters: { temperature: 0.2, max_tokens: 200 },
      input: [{ role: "user", content: "refund?" }],
    });
    generation.end({ output: { role: "assistant", content: "Within 30 days." }, usage: { input: 120, output: 14 } });
    trace.event({ name: "handoff", level: "WARNING", statusMessage: "escalated" });
    trace.score({ name: "helpfulness", value: 0.9, comment: "good" });
    trace.update({ output: { answer: "Within 30 days." }, tags: ["refunds"], release: "v2" });
    await langfuse.flushAsync();

    const response = await t.app.inject({ method: "GET", url: `/api/public/traces/${traceId}`, headers: { authorization: t.project.basic } });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expectReferenceResponse({ method: "GET", path: "/api/public/traces/{traceId}" }, 200, body);
    expect(body).toMatchObject({
      id: traceId,
      name: "support-chat",
      userId: "user-7",
      sessionId: "session-3",
      release: "v2",
      tags: ["prod", "refunds"],
      metadata: { tier: "gold" },
      input: { question: "refund?" },
      output: { answer: "Within 30 days." },
    });

    const byName = Object.fromEntries(body.observations.map((o: { name: string }) => [o.name, o]));
    expect(Object.keys(byName).sort()).toEqual(["answer", "handoff", "lookup", "retrieval"]);
    expect(byName.retrieval).toMatchObject({ type: "SPAN", parentObservationId: null, input: { query: "refund policy" }, output: { documents: 2 }, metadata: { index: "faq" } });
    expect(byName.retrieval.endTime).not.toBeNull();
    expect(byName.lookup).toMatchObject({ type: "SPAN", parentObservationId: byName.retrieval.id, output: ["doc-1", "doc-2"] });
    expect(byName.answer).toMatchObject({
      type: "GENERATION",
      model: "gpt-4o",
      modelParameters: { temperature: 0.2, max_tokens: 200 },
      output: { role: "assistant", content: "Within 30 days." },
      usageDetails: { input: 120, output: 14, total: 134 },
      promptTokens: 120,
      completionTokens: 14,
      totalTokens: 134,
      // Inferred from gpt-4o's published prices: $2.50 per million input tokens, $10 per million output tokens.
      costDetails: { input: 0.0003, output: 0.00014, total: 0.00044 },
      calculatedTotalCost: 0.00044,
      inputPrice: 0.0000025,
      outputPrice: 0.00001,
    });
    expect(byName.answer.modelId).not.toBeNull();
    expect(body.totalCost).toBeCloseTo(0.00044, 12);
    expect(byName.handoff).toMatchObject({ type: "EVENT", level: "WARNING", statusMessage: "escalated", endTime: null });

    expect(body.scores).toHaveLength(1);
    expect(body.scores[0]).toMatchObject({ name: "helpfulness", value: 0.9, comment: "good", dataType: "NUMERIC", traceId, source: "API" });
  });
});
