import { randomBytes } from "node:crypto";
import { deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectReferenceResponse } from "./support/reference-schema.ts";
import { createTestApp, type TestApp } from "./support/harness.ts";

const TRACES = "/api/public/otel/v1/traces";
const hex = (bytes: number) => randomBytes(bytes).toString("hex");
const nanos = (iso: string) => `${Date.parse(iso)}000000`;
const text = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

/** The worked example of otel.md §9, with fresh ids. */
function workedExample(traceId = hex(16), spanId = hex(8)) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [text("service.name", "checkout-api"), text("deployment.environment.name", "Staging")] },
        scopeSpans: [
          {
            scope: { name: "my-app", version: "1.2.0" },
            spans: [
              {
                traceId,
                spanId,
                name: "chat gpt-4o",
                kind: 3,
                startTimeUnixNano: "1746026930686364157",
                endTimeUnixNano: "1746026931686364157",
                attributes: [
                  text("gen_ai.operation.name", "chat"),
                  text("gen_ai.request.model", "gpt-4o"),
                  { key: "gen_ai.request.temperature", value: { doubleValue: 0.2 } },
                  int("gen_ai.usage.input_tokens", 120),
                  int("gen_ai.usage.output_tokens", 30),
                  text("langfuse.session.id", "sess-1"),
                  text("app.region", "eu"),
                ],
                status: { code: 2, message: "rate limited" },
              },
            ],
          },
        ],
      },
    ],
  };
}

function exportOf(spans: object[]) {
  return { resourceSpans: [{ resource: { attributes: [text("service.name", "svc")] }, scopeSpans: [{ scope: { name: "raw-test" }, spans }] }] };
}

describe("POST /api/public/otel/v1/traces over raw HTTP", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp("embedded");
  });
  afterAll(async () => t?.close());

  const post = (payload: string | Buffer, headers: Record<string, string> = {}, authorization: string | null = t.project.basic) =>
    t.app.inject({
      method: "POST",
      url: TRACES,
      headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}), ...headers },
      payload,
    });
  const postJson = (body: unknown, headers: Record<string, string> = {}) => post(JSON.stringify(body), headers);
  const get = (path: string) => t.app.inject({ method: "GET", url: path, headers: { authorization: t.project.basic } });

  it("stores the reference's worked example as it describes, readable at once", async () => {
    const traceId = hex(16);
    const spanId = hex(8);
    const response = await postJson(workedExample(traceId, spanId));
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toContain("application/json");
    expect(response.json()).toEqual({});
    expectReferenceResponse({ method: "POST", path: TRACES }, 200, response.json());

    const observation = (await get(`/api/public/observations/${spanId}`)).json();
    expectReferenceResponse({ method: "GET", path: "/api/public/observations/{observationId}" }, 200, observation);
    expect(observation).toMatchObject({
      id: spanId,
      traceId,
      parentObservationId: null,
      type: "GENERATION",
      name: "chat gpt-4o",
      startTime: "2025-04-30T15:28:50.686Z",
      endTime: "2025-04-30T15:28:51.686Z",
      environment: "staging",
      level: "ERROR",
      statusMessage: "rate limited",
      model: "gpt-4o",
      modelParameters: { temperature: 0.2 },
      usageDetails: { input: 120, output: 30 },
      input: null,
      output: null,
    });
    expect(observation.metadata).toMatchObject({
      attributes: { "gen_ai.request.temperature": "0.2", "gen_ai.usage.input_tokens": "120", "langfuse.session.id": "sess-1", "app.region": "eu" },
      resourceAttributes: { "service.name": "checkout-api", "deployment.environment.name": "Staging" },
      scope: { name: "my-app", version: "1.2.0", attributes: {} },
    });

    const trace = (await get(`/api/public/traces/${traceId}`)).json();
    expectReferenceResponse({ method: "GET", path: "/api/public/traces/{traceId}" }, 200, trace);
    expect(trace).toMatchObject({ id: traceId, name: "chat gpt-4o", sessionId: "sess-1", environment: "staging", tags: [], timestamp: "2025-04-30T15:28:50.686Z" });
    expect(trace.observations.map((o: { id: string }) => o.id)).toEqual([spanId]);
  });

  it("stores the same records when an export is delivered twice", async () => {
    const traceId = hex(16);
    const body = workedExample(traceId);
    await postJson(body);
    const first = (await get(`/api/public/traces/${traceId}`)).json();
    await postJson(body);
    expect((await get(`/api/public/traces/${traceId}`)).json()).toEqual(first);
  });

  it.each([
    ["gzip", gzipSync],
    ["deflate", deflateSync],
    ["deflate (raw stream)", deflateRawSync],
  ])("accepts %s bodies", async (name, compress) => {
    const traceId = hex(16);
    const response = await post(compress(Buffer.from(JSON.stringify(workedExample(traceId)))), { "content-encoding": name.split(" ")[0]! });
    expect(response.statusCode).toBe(200);
    expect((await get(`/api/public/traces/${traceId}`)).statusCode).toBe(200);
  });

  it.each([
    ["bad gzip", Buffer.from("not gzip"), { "content-encoding": "gzip" }, "Failed to decompress request body"],
    ["invalid JSON", Buffer.from("{nope"), {}, "Failed to parse OTel JSON Trace"],
    ["an empty JSON body", Buffer.alloc(0), {}, "Failed to parse OTel JSON Trace"],
    ["garbage protobuf", Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), { "content-type": "application/x-protobuf" }, "Failed to parse OTel Protobuf Trace"],
    ["a wrong content type", Buffer.from("{}"), { "content-type": "text/plain" }, "Invalid content type"],
    ["brotli, which is not decoded", Buffer.from("\u000b\u0001\u0080{}\u0003"), { "content-encoding": "br" }, "Failed to parse OTel JSON Trace"],
  ])("answers 400 with a JSON error for %s", async (_name, payload, headers, error) => {
    const response = await post(payload, headers);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error });
    expectReferenceResponse({ method: "POST", path: TRACES }, 400, response.json());
  });

  it("answers 200 {} for an export without spans, before checking anything else", async () => {
    expect((await postJson({ resourceSpans: [] }, { "x-langfuse-ingestion-version": "99" })).json()).toEqual({});
    expect((await postJson({})).json()).toEqual({});
    const emptyProtobuf = await post(Buffer.alloc(0), { "content-type": "application/x-protobuf" });
    expect([emptyProtobuf.statusCode, emptyProtobuf.json()]).toEqual([200, {}]);
  });

  it("refuses a structurally invalid export as a whole, naming the problems", async () => {
    const goodTrace = hex(16);
    const response = await postJson(
      exportOf([
        { traceId: goodTrace, spanId: hex(8), name: "fine", startTimeUnixNano: nanos("2025-01-01T00:00:00Z") },
        { traceId: hex(16), name: "no span id" },
        { traceId: hex(16), spanId: hex(8), attributes: { "a.b": "c" } },
      ]),
    );
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error).toMatch(/^Invalid OTLP trace export: 2 of 3 span\(s\) cannot be processed \(spanId:absent, attributes:not_an_array\)/);
    expect(error).toContain("raw-test");
    expect((await get(`/api/public/traces/${goodTrace}`)).statusCode).toBe(404);
  });

  it("checks x-langfuse-ingestion-version as the reference does, and accepts the SDK headers", async () => {
    const refused = await postJson(workedExample(), { "x-langfuse-ingestion-version": "5" });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toEqual({ error: 'Unsupported x-langfuse-ingestion-version: "5". Maximum supported: "4".' });
    expect((await postJson(workedExample(), { x_langfuse_ingestion_version: "abc" })).statusCode).toBe(400);
    for (const version of ["4", "4abc", "3"]) {
      const headers = {
        "x-langfuse-ingestion-version": version,
        "x-langfuse-sdk-name": "python",
        "x-langfuse-sdk-version": "4.14.3",
        "x-langfuse-public-key": t.project.publicKey,
      };
      expect((await postJson(workedExample(), headers)).statusCode).toBe(200);
    }
  });

  it("stores the good spans of an export with odd ones, and counts what it left out", async () => {
    const traceId = hex(16);
    const good = hex(8);
    const at = nanos("2025-02-01T10:00:00Z");
    const response = await postJson(
      exportOf([
        { traceId, spanId: good, name: "good", startTimeUnixNano: at, endTimeUnixNano: at },
        { traceId, spanId: "", name: "empty id", startTimeUnixNano: at },
        { traceId, spanId: hex(8), name: "year 3000", startTimeUnixNano: "32503680000000000000" },
        { traceId, spanId: hex(8), name: "huge", startTimeUnixNano: at, attributes: [text("input.value", "x".repeat(10_000_000))] },
      ]),
    );
    expect(response.statusCode).toBe(200);
    expectReferenceResponse({ method: "POST", path: TRACES }, 200, response.json());
    expect(response.json().partialSuccess).toMatchObject({ rejectedSpans: 3 });
    expect(response.json().partialSuccess.errorMessage).toMatch(/^3 of 4 span\(s\) not stored/);
    const trace = (await get(`/api/public/traces/${traceId}`)).json();
    expect(trace.observations.map((o: { id: string }) => o.id)).toEqual([good]);
  });

  it("answers 413 for bodies over the limit, sent or decompressed", async () => {
    const sent = await post(Buffer.alloc(65 * 1024 * 1024, 0x20));
    expect([sent.statusCode, sent.json().error]).toEqual([413, "PayloadTooLargeError"]);
    const decompressed = await post(gzipSync(Buffer.alloc(65 * 1024 * 1024, 0x20)), { "content-encoding": "gzip" });
    expect([decompressed.statusCode, decompressed.json()]).toEqual([413, { error: `Decompressed request body exceeds ${64 * 1024 * 1024} bytes` }]);
  });

  it("authenticates with a project key pair only", async () => {
    const missing = await post(JSON.stringify(workedExample()), {}, null);
    expect([missing.statusCode, missing.json()]).toEqual([401, { message: "No authorization header" }]);
    const bearer = await post(JSON.stringify(workedExample()), {}, `Bearer ${t.project.publicKey}`);
    expect([bearer.statusCode, bearer.json()]).toEqual([403, { message: "Access denied - insufficient permissions for this endpoint" }]);
  });

  it("answers 405 for other methods", async () => {
    const response = await t.app.inject({ method: "GET", url: TRACES, headers: { authorization: t.project.basic } });
    expect([response.statusCode, response.json()]).toEqual([405, { message: "Method not allowed", error: "MethodNotAllowedError" }]);
  });

  it("accepts and discards OTLP metrics", async () => {
    const ok = await t.app.inject({
      method: "POST",
      url: "/api/public/otel/v1/metrics",
      headers: { authorization: t.project.basic, "content-type": "application/x-protobuf" },
      payload: Buffer.from([1, 2, 3]),
    });
    expect([ok.statusCode, ok.json()]).toEqual([200, { message: "OK" }]);
    const unauthenticated = await t.app.inject({ method: "POST", url: "/api/public/otel/v1/metrics", payload: "{}" });
    expect(unauthenticated.statusCode).toBe(401);
  });
});
