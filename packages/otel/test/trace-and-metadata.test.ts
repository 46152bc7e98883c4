import { describe, expect, it } from "vitest";
import { convert, observationOf, resourceSpans, span, traceOf, TRACE_ID, type SpanSpec } from "./support.ts";

describe("trace-level fields (otel.md 4.10)", () => {
  it.each<[string, SpanSpec, object]>([
    [
      "user and session, Langfuse keys first",
      { attributes: { "langfuse.user.id": "u1", "user.id": "u2", "langfuse.session.id": "s1", "session.id": "s2" } },
      { userId: "u1", sessionId: "s1" },
    ],
    ["OpenTelemetry user.id / session.id", { attributes: { "user.id": "u2", "session.id": "s2" } }, { userId: "u2", sessionId: "s2" }],
    ["GenAI conversation id as session", { attributes: { "gen_ai.conversation.id": "conv" } }, { sessionId: "conv" }],
    [
      "AI SDK telemetry metadata",
      { attributes: { "ai.telemetry.metadata.userId": "au", "ai.telemetry.metadata.sessionId": "as", "ai.telemetry.metadata.tags": ["x", "y"] } },
      { userId: "au", sessionId: "as", tags: ["x", "y"] },
    ],
    [
      "Langfuse metadata keys",
      { attributes: { "langfuse.trace.metadata.langfuse_user_id": "mu", "langfuse.trace.metadata.langfuse_tags": '["t"]' } },
      { userId: "mu", tags: ["t"] },
    ],
    ["non-string ids as JSON", { attributes: { "user.id": 42 } }, { userId: "42" }],
    ["tags from a string array", { attributes: { "langfuse.trace.tags": ["a", "b"] } }, { tags: ["a", "b"] }],
    ["tags from a comma-separated string", { attributes: { "tag.tags": "a, b" } }, { tags: ["a", "b"] }],
    ["a single tag", { attributes: { "langfuse.tags": "solo" } }, { tags: ["solo"] }],
    ["public from true or 'true'", { attributes: { "langfuse.trace.public": "true" } }, { public: true }],
    ["public false for other values", { attributes: { "langfuse.public": "yes" } }, { public: false }],
    ["release and version", { attributes: { "langfuse.release": "r1" }, resource: { "service.version": "9" } }, { release: "r1", version: "9" }],
  ])("%s", (_name, spec, fields) => {
    expect(traceOf(spec).body).toMatchObject(fields);
  });

  it("a root's trace takes langfuse.trace.name, else the observation name, and the root's input/output", () => {
    expect(traceOf({ name: "span-name" }).body).toMatchObject({ name: "span-name" });
    expect(traceOf({ name: "span-name", attributes: { "langfuse.trace.name": "trace-name" } }).body).toMatchObject({ name: "trace-name" });
    expect(traceOf({ attributes: { "langfuse.observation.input": "q", "langfuse.trace.output": "final" } }).body).toMatchObject({ input: "q", output: "final" });
  });
});

describe("trace events (otel.md 3.1)", () => {
  const kinds = (spans: object[]) =>
    convert(resourceSpans(spans))
      .filter((event) => event.type === "trace-create")
      .map((event) => Object.keys(event.body).sort().join(","));

  it("a root gives a full trace event, stamped with the span start", () => {
    const [event] = convert(resourceSpans([span({ name: "root" })])).filter((e) => e.type === "trace-create");
    expect(event).toMatchObject({ timestamp: "2025-04-30T15:28:50.686Z", body: { id: TRACE_ID, name: "root", timestamp: "2025-04-30T15:28:50.686Z" } });
  });

  it("langfuse.internal.as_root makes a span with a parent a root", () => {
    expect(traceOf({ parentSpanId: "remote", name: "n", attributes: { "langfuse.internal.as_root": true } }).body).toMatchObject({ name: "n" });
  });

  it("a child with trace attributes gives an update without the span name or its input", () => {
    const body = traceOf({ parentSpanId: "p", name: "child", attributes: { "user.id": "u", "langfuse.observation.input": "q" } }).body;
    expect(body).toMatchObject({ userId: "u" });
    expect(body).not.toHaveProperty("name");
    expect(body).not.toHaveProperty("input");
    expect(body.metadata).not.toHaveProperty("attributes");
  });

  it("children without trace attributes give one shallow event per trace, and none beside a full or update event", () => {
    expect(kinds([span({ spanId: "a", parentSpanId: "p" }), span({ spanId: "b", parentSpanId: "p" })])).toEqual(["id,timestamp"]);
    expect(kinds([span({ spanId: "a", parentSpanId: "p" }), span({ spanId: "b", parentSpanId: "p", attributes: { "session.id": "s" } })])).toHaveLength(1);
  });

  it("a trace is public on every event when one of its spans says so", () => {
    const events = convert(resourceSpans([span({ spanId: "a" }), span({ spanId: "b", parentSpanId: "a", attributes: { "langfuse.trace.public": true, "user.id": "u" } })]));
    expect(events.filter((event) => event.type === "trace-create").map((event) => event.body.public)).toEqual([true, true]);
  });

  it("derives event ids from the span and its content, so a re-sent export repeats the same events", () => {
    const once = convert(resourceSpans([span({ attributes: { "user.id": "u" } })]));
    expect(convert(resourceSpans([span({ attributes: { "user.id": "u" } })]))).toEqual(once);
    const changed = convert(resourceSpans([span({ attributes: { "user.id": "v" } })]));
    expect(changed.map((event) => event.id)).not.toEqual(once.map((event) => event.id));
  });
});

describe("metadata (otel.md 5)", () => {
  it("observation metadata: resource metadata, user metadata, then attributes, resource attributes and scope", () => {
    const body = observationOf({
      attributes: {
        "langfuse.observation.metadata": '{"a":1,"b":2}',
        "langfuse.observation.metadata.b": '"raw"',
        "langfuse.metadata.c": "3",
        "ai.telemetry.metadata.d": "4",
        "app.flag": true,
      },
      resource: { "service.name": "svc", "langfuse.trace.metadata.team": "core" },
      scope: { name: "my-lib", version: "1.0", attributes: { public_key: "pk" } },
    }).body;
    expect(body.metadata).toEqual({
      team: "core",
      a: 1,
      b: '"raw"',
      c: "3",
      d: "4",
      attributes: { "langfuse.metadata.c": "3", "app.flag": "true" },
      resourceAttributes: { "service.name": "svc", "langfuse.trace.metadata.team": "core" },
      scope: { name: "my-lib", version: "1.0", attributes: { public_key: "pk" } },
    });
  });

  it("spans of the Langfuse SDKs get no attributes section", () => {
    expect(observationOf({ attributes: { "app.flag": "x" }, scope: { name: "langfuse-sdk" } }).body.metadata).not.toHaveProperty("attributes");
  });

  it("a root's trace metadata holds trace, observation and resource metadata; an update's only trace metadata", () => {
    const root = traceOf({ attributes: { "langfuse.trace.metadata.plan": "pro", "langfuse.observation.metadata.step": "1" } }).body;
    expect(root.metadata).toMatchObject({ plan: "pro", step: "1", attributes: {} });
    const update = traceOf({ parentSpanId: "p", attributes: { "langfuse.trace.metadata.plan": "pro", "langfuse.observation.metadata.step": "1" } }).body;
    expect(update.metadata).toMatchObject({ plan: "pro" });
    expect(update.metadata).not.toHaveProperty("step");
  });
});
