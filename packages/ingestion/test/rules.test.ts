import { describe, expect, it } from "vitest";
import { IngestionEvent } from "@wick/contracts";
import { checkBatch, foldObservation, foldScore, foldTrace, normalizeEnvironment, normalizeEvent, type LoggedEvent } from "../src/index.ts";

const at = (second: number) => new Date(Date.UTC(2025, 0, 1, 10, 0, second)).toISOString();

/** Validates and normalises raw events the way the endpoint does, then stamps them as logged. */
function logged(events: unknown[], receivedAt = 1_000): LoggedEvent[] {
  return events.map((raw) => {
    const normalized = normalizeEvent(IngestionEvent.parse(raw));
    if (!normalized) throw new Error("event stores nothing");
    return { ...normalized.event, receivedAt };
  });
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

describe("normalizeEnvironment", () => {
  it.each([
    [undefined, "default"],
    [42, "default"],
    ["Production", "production"],
    ["langfuse-test", "test"],
    ["langfuse_langfuse-x", "x"],
    ["langfuse", "default"],
    ["with space", "default"],
    ["a".repeat(50), "a".repeat(40)],
  ])("%s → %s", (input, expected) => {
    expect(normalizeEnvironment(input)).toBe(expected);
  });
});

describe("folding a trace", () => {
  const events = logged([
    {
      id: "e1",
      type: "trace-create",
      timestamp: at(0),
      body: { id: "t", name: "first", userId: "u", tags: ["b"], metadata: { a: 1, nested: { x: 1 } }, public: true, input: "in" },
    },
    { id: "e2", type: "trace-create", timestamp: at(1), body: { id: "t", name: null, tags: ["C", "a"], metadata: { nested: { y: 2 }, n: null }, environment: "prod", input: "" } },
    { id: "e3", type: "trace-create", timestamp: at(2), body: { id: "t", release: "r", timestamp: at(30), output: { ok: true } } },
  ]);

  it("keeps first values of immutable fields, lets null clear, unions tags, merges metadata", () => {
    const row = foldTrace("p", "t", events);
    expect(row).toMatchObject({
      timestamp: at(0),
      environment: "default",
      name: null,
      user_id: "u",
      release: "r",
      public: false,
      tags: ["C", "a", "b"],
      metadata: { a: "1", nested: '{"x":1,"y":2}', n: "null" },
      input: "in",
      output: '{"ok":true}',
      merge_version: 3,
    });
  });

  it("is the same whatever order the events arrive in, and ignores repeated deliveries", () => {
    const expected = foldTrace("p", "t", events);
    for (const order of permutations(events)) expect(foldTrace("p", "t", order)).toEqual(expected);
    expect(foldTrace("p", "t", [...events, ...events])).toEqual(expected);
  });
});

describe("folding an observation", () => {
  it("applies the create/update rules and clamps an end before the start", () => {
    const events = logged([
      { id: "u1", type: "span-update", timestamp: at(5), body: { id: "o", traceId: "t", statusMessage: null, endTime: at(1), version: "v2", level: null } },
      { id: "c1", type: "span-create", timestamp: at(5), body: { id: "o", traceId: "t", startTime: at(3), name: "n", statusMessage: "s", version: "v1", level: "ERROR" } },
    ]);
    const { row } = foldObservation("p", "o", events);
    expect(row).toMatchObject({ start_time: at(3), end_time: at(3), name: "n", status_message: "s", version: "v2", level: "DEFAULT", type: "SPAN" });
  });

  it("replaces usage maps as a whole and keeps them when an event has none", () => {
    const events = logged([
      { id: "a", type: "generation-create", timestamp: at(0), body: { id: "o", traceId: "t", usage: { input: 10 } } },
      { id: "b", type: "generation-update", timestamp: at(1), body: { id: "o", traceId: "t", usage: { output: 5 } } },
      { id: "c", type: "generation-update", timestamp: at(2), body: { id: "o", traceId: "t", name: "later" } },
    ]);
    expect(foldObservation("p", "o", events).row.provided_usage_details).toEqual({ output: 5, total: 5 });
  });

  it("normalises OpenAI usage forms", () => {
    const [chat] = logged([
      {
        id: "a",
        type: "generation-create",
        timestamp: at(0),
        body: { id: "o", usageDetails: { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100, prompt_tokens_details: { cached_tokens: 400 } } },
      },
    ]);
    expect(chat!.body.providedUsageDetails).toEqual({ input: 600, input_cached_tokens: 400, output: 100, total: 1100 });
    const [responses] = logged([
      {
        id: "r",
        type: "generation-create",
        timestamp: at(0),
        body: { id: "o", usageDetails: { input_tokens: 50, output_tokens: 20, total_tokens: 70, output_tokens_details: { reasoning_tokens: 5 } } },
      },
    ]);
    expect(responses!.body.providedUsageDetails).toEqual({ input: 50, output: 15, output_reasoning_tokens: 5, total: 70 });
    // A chat-shaped key with a value the shape refuses falls back to plain counts.
    const [partial] = logged([{ id: "s", type: "generation-create", timestamp: at(0), body: { id: "o", usageDetails: { prompt_tokens: 12, input: 3 } } }]);
    expect(partial!.body.providedUsageDetails).toEqual({ prompt_tokens: 12, input: 3 });
    const [legacy] = logged([
      { id: "b", type: "generation-create", timestamp: at(0), body: { id: "o", usage: { promptTokens: 7, completionTokens: 3, totalTokens: 10, inputCost: 9 } } },
    ]);
    expect(legacy!.body.providedUsageDetails).toEqual({ input: 7, output: 3, total: 10 });
    expect(legacy!.body.providedCostDetails).toEqual({});
    const [lenient] = logged([
      {
        id: "c",
        type: "generation-create",
        timestamp: at(0),
        body: { id: "o", usageDetails: { input: 1000, cache_read: "200", bad: -1, f: 1.5 }, costDetails: { input: 0.01, x: "1" } },
      },
    ]);
    expect(lenient!.body.providedUsageDetails).toEqual({ input: 1000, cache_read: 200 });
    expect(lenient!.body.providedCostDetails).toEqual({ input: 0.01 });
  });

  it("gives an observation without a trace a generated trace id that later folds keep", () => {
    const events = logged([{ id: "a", type: "event-create", timestamp: at(0), body: { id: "o", endTime: at(5) } }]);
    const first = foldObservation("p", "o", events).row;
    expect(first.trace_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.end_time).toBeNull();
    expect(foldObservation("p", "o", events).row.trace_id).toBe(first.trace_id);
  });
});

describe("folding a score", () => {
  it("stores each data type's value as the reference does, and lets null clear the comment", () => {
    const events = logged([
      { id: "a", type: "score-create", timestamp: at(0), body: { id: "s", traceId: "t", name: "ok", value: 1, dataType: "BOOLEAN", comment: "c" } },
      { id: "b", type: "score-create", timestamp: at(1), body: { id: "s", traceId: "t", name: "ok", value: 1, dataType: "BOOLEAN", comment: null } },
    ]);
    const row = foldScore("p", "s", events, { publicKey: "pk", sdkName: "js", sdkVersion: "3" });
    expect(row).toMatchObject({ value: 1, string_value: "True", data_type: "BOOLEAN", comment: null, timestamp: at(0), ingestion_sdk_name: "js" });
  });
});

describe("checkBatch", () => {
  const scope = { projectId: "p", accessLevel: "project" as const, attribution: { publicKey: "pk", sdkName: "x", sdkVersion: "1" } };

  it("lists successes as non-updates then updates, each by timestamp, and leaves SDK logs out", () => {
    const { response, sdkLogs } = checkBatch(
      [
        { id: "u2", type: "span-update", timestamp: at(1), body: { id: "o" } },
        { id: "c2", type: "span-create", timestamp: at(2), body: { id: "o2" } },
        { id: "u1", type: "span-update", timestamp: at(0), body: { id: "o" } },
        { id: "log", type: "sdk-log", timestamp: at(0), body: { log: { msg: "hi" } } },
        { id: "c1", type: "trace-create", timestamp: at(1), body: { id: "t" } },
      ],
      scope,
    );
    expect(response.successes.map((s) => s.id)).toEqual(["c1", "c2", "u1", "u2"]);
    expect(sdkLogs).toEqual([{ msg: "hi" }]);
  });

  it("acknowledges traces and scores without an id and stores nothing for them", () => {
    const { response, accepted } = checkBatch([{ id: "e", type: "trace-create", timestamp: at(0), body: { name: "no id" } }], scope);
    expect(response.successes).toEqual([{ id: "e", status: 201 }]);
    expect(accepted).toEqual([]);
  });

  it.each([
    [{ type: "score-create", body: { id: "s", name: "n", value: "x", dataType: "NUMERIC", traceId: "t" } }, "value"],
    [{ type: "score-create", body: { id: "s", name: "n", value: 1, traceId: "t", sessionId: "s" } }, "traceId"],
    [{ type: "generation-create", body: { id: "g", promptName: "p" } }, "promptVersion"],
    [{ type: "generation-create", body: { id: "g", usage: { input: 1.5 } } }, "usage.input"],
    [{ type: "generation-create", body: { id: "g", modelParameters: { logit_bias: { "1": 5 } } } }, "modelParameters"],
    [{ type: "trace-create", body: { id: "a\rb" } }, "body.id"],
    [{ type: "observation-create", body: { id: "o", type: "AGENT" } }, "body.type"],
    [{ type: "dataset-run-item-create", body: {} }, "only allowed for internal usage"],
  ])("rejects %j naming %s", (partial, named) => {
    const { response } = checkBatch([{ id: "e", timestamp: at(0), ...partial }], scope);
    expect(response.successes).toEqual([]);
    expect(response.errors).toHaveLength(1);
    expect(response.errors[0]!.message).toContain(named);
  });
});
