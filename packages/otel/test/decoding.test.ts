import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { plainValue } from "../src/decode/any-value.ts";
import { normalizeId } from "../src/decode/ids.ts";
import { decodeExportBody, exportProblem, exportToIngestionEvents } from "../src/index.ts";
import { convert, resourceSpans, span } from "./support.ts";

describe("ids (otel.md 2.1)", () => {
  it.each<[string, unknown, string | undefined]>([
    ["a hex string, verbatim", "5B8EFFF798038103", "5B8EFFF798038103"],
    ["a base64 string, verbatim", "W47/95gDgQPSabYzgT/GDA==", "W47/95gDgQPSabYzgT/GDA=="],
    ["bytes as lower-case hex", new Uint8Array([0xab, 0x01]), "ab01"],
    ["a JSON byte array", [171, 1], "ab01"],
    ["a serialised Buffer", { type: "Buffer", data: [171, 1] }, "ab01"],
    ["a number is no id", 42, undefined],
    ["{data} without type is no id", { data: [1] }, undefined],
  ])("%s", (_name, value, id) => {
    expect(normalizeId(value)).toBe(id);
  });
});

describe("attribute values (otel.md 2.3)", () => {
  it.each<[string, object, unknown]>([
    ["string", { stringValue: "s" }, "s"],
    ["double", { doubleValue: 0.5 }, 0.5],
    ["double sent as a string", { doubleValue: "0.5" }, 0.5],
    ["NaN stays text", { doubleValue: "NaN" }, "NaN"],
    ["bool", { boolValue: false }, false],
    ["int as a decimal string", { intValue: "42" }, 42],
    ["int as {low, high}", { intValue: { low: 5, high: 1 } }, 4_294_967_301],
    ["array, recursively", { arrayValue: { values: [{ stringValue: "a" }, { intValue: 1 }] } }, ["a", 1]],
    ["key-value list as JSON text", { kvlistValue: { values: [] } }, '{"kvlistValue":{"values":[]}}'],
    ["an unreadable int as JSON text", { intValue: "1.5" }, '{"intValue":"1.5"}'],
  ])("%s", (_name, value, plain) => {
    expect(plainValue(value)).toEqual(plain);
  });

  it("keeps the last of duplicate keys and skips entries without a value", () => {
    const exported = resourceSpans([
      { ...span(), attributes: [{ key: "user.id", value: { stringValue: "first" } }, { key: "broken" }, { key: "user.id", value: { stringValue: "last" } }] },
    ]);
    expect(convert(exported).find((event) => event.type === "trace-create")?.body).toMatchObject({ userId: "last" });
  });
});

describe("request bodies", () => {
  const request = (body: Buffer, contentType: string, contentEncoding?: string, maxDecompressedBytes = 1_000_000) =>
    decodeExportBody({ body, contentType, contentEncoding, maxDecompressedBytes });

  it("decodes protobuf exports into the JSON shape: ids as bytes, 64-bit numbers as decimal strings", async () => {
    const require = createRequire(import.meta.url);
    const root = require("@opentelemetry/otlp-transformer/build/src/generated/root.js");
    const Request = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
    const message = Request.fromObject({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "svc" } }] },
          scopeSpans: [
            {
              scope: { name: "proto-scope" },
              spans: [
                {
                  traceId: Buffer.from("5b8efff798038103d269b633813fc60c", "hex"),
                  spanId: Buffer.from("eee19b7ec3c1b174", "hex"),
                  name: "chat",
                  startTimeUnixNano: "1746026930686364157",
                  endTimeUnixNano: "1746026931686364157",
                  attributes: [
                    { key: "gen_ai.request.model", value: { stringValue: "gpt-4o" } },
                    { key: "gen_ai.usage.input_tokens", value: { intValue: 120 } },
                  ],
                  status: { code: 2 },
                },
              ],
            },
          ],
        },
      ],
    });
    const decoded = await request(Buffer.from(Request.encode(message).finish()), "application/x-protobuf");
    expect(decoded.ok).toBe(true);
    const exported = (decoded as { resourceSpans: unknown[] }).resourceSpans;
    const observation = convert(exported).find((event) => event.type === "generation-create")!;
    expect(observation.body).toMatchObject({
      id: "eee19b7ec3c1b174",
      traceId: "5b8efff798038103d269b633813fc60c",
      startTime: "2025-04-30T15:28:50.686Z",
      level: "ERROR",
      model: "gpt-4o",
      usageDetails: { input: 120 },
    });
    expect(observation.body).not.toHaveProperty("parentObservationId");
    expect(observation.body).not.toHaveProperty("statusMessage");
  });

  it("refuses a body that decompresses beyond the limit", async () => {
    expect(await request(gzipSync(Buffer.alloc(10_000)), "application/json", "gzip", 1_000)).toMatchObject({ ok: false, status: 413 });
  });

  it("matches content types by substring, so parameters are fine", async () => {
    expect(await request(Buffer.from('{"resourceSpans":[]}'), "application/json; charset=utf-8")).toMatchObject({ ok: true, resourceSpans: [] });
  });
});

describe("structural validation (otel.md 1.4)", () => {
  it("accepts absent and empty collections and any string id", () => {
    expect(exportProblem([{}, { scopeSpans: [{ spans: [{ traceId: "", spanId: "" }] }] }])).toBeUndefined();
  });

  it("names every reason and the scopes of the offending spans", () => {
    const problem = exportProblem([
      {
        resource: { attributes: {} },
        scopeSpans: [
          {
            scope: { name: "logs-sdk" },
            spans: [
              { traceId: 1, spanId: "a", events: [{ attributes: "x" }] },
              { traceId: "t", spanId: "s", parentSpanId: 5 },
            ],
          },
        ],
      },
    ]);
    expect(problem).toMatch(/^Invalid OTLP trace export: 2 of 2 span\(s\) cannot be processed; 1 resource- or scope-level field\(s\) are present but not arrays/);
    for (const reason of ["traceId:not_an_id", "event.attributes:not_an_array", "parentSpanId:not_an_id", "resource.attributes:not_an_array", "logs-sdk"])
      expect(problem).toContain(reason);
  });
});

describe("spans that cannot be stored", () => {
  it("skips spans with times outside 1900–2299 or beyond the size limit, and says why", () => {
    const exported = resourceSpans([
      span({ spanId: "ok" }),
      span({ spanId: "old", start: "-5000000000000000000", end: "-5000000000000000000" }),
      span({ spanId: "big", attributes: { "input.value": "x".repeat(2_000) } }),
    ]);
    const result = exportToIngestionEvents(exported, { now: Date.now(), maxSpanBytes: 1_000 });
    expect(result.skipped.map((skip) => skip.spanId)).toEqual(["old", "big"]);
    expect(result.spanCount).toBe(3);
    expect(result.events.filter((event) => event.type !== "trace-create").map((event) => event.body.id)).toEqual(["ok"]);
  });

  it("falls back to the processing time when a span has no times at all", () => {
    const now = Date.UTC(2025, 5, 1);
    const result = exportToIngestionEvents(resourceSpans([{ traceId: "t", spanId: "s" }]), { now, maxSpanBytes: 1_000_000 });
    expect(result.events[0]!.body).toMatchObject({ startTime: "2025-06-01T00:00:00.000Z", endTime: "2025-06-01T00:00:00.000Z" });
  });
});
