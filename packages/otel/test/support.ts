import { checkBatch, type SpanColumns } from "@wick/ingestion";
import { expect } from "vitest";
import { exportToIngestionEvents, type IngestionEventInput } from "../src/index.ts";

const OPTIONS = { now: Date.UTC(2025, 0, 1), maxSpanBytes: 9_500_000 };

export const TRACE_ID = "5b8efff798038103d269b633813fc60c";
export const SPAN_ID = "eee19b7ec3c1b174";
export const START = "1746026930686364157";
export const END = "1746026931686364157";

type Plain = string | number | boolean | Plain[];

/** An OTLP/JSON `AnyValue` for a plain value. */
export function anyValue(value: Plain): object {
  if (typeof value === "string") return { stringValue: value };
  if (typeof value === "boolean") return { boolValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
  return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

export const attributeList = (attributes: Record<string, Plain>) => Object.entries(attributes).map(([key, value]) => ({ key, value: anyValue(value) }));

export interface SpanSpec {
  attributes?: Record<string, Plain>;
  resource?: Record<string, Plain>;
  scope?: { name?: string; version?: string; attributes?: Record<string, Plain> };
  name?: string;
  traceId?: unknown;
  spanId?: unknown;
  parentSpanId?: unknown;
  start?: unknown;
  end?: unknown;
  status?: object;
  events?: Array<{ name: string; attributes?: Record<string, Plain> }>;
}

export function span(spec: SpanSpec = {}): object {
  return {
    traceId: spec.traceId ?? TRACE_ID,
    spanId: spec.spanId ?? SPAN_ID,
    ...(spec.parentSpanId === undefined ? {} : { parentSpanId: spec.parentSpanId }),
    name: spec.name ?? "operation",
    kind: 1,
    startTimeUnixNano: spec.start ?? START,
    endTimeUnixNano: spec.end ?? END,
    attributes: attributeList(spec.attributes ?? {}),
    ...(spec.events ? { events: spec.events.map((event) => ({ name: event.name, timeUnixNano: START, attributes: attributeList(event.attributes ?? {}) })) } : {}),
    ...(spec.status ? { status: spec.status } : {}),
  };
}

/** One resource and scope around the given spans, as an export's `resourceSpans`. */
export function resourceSpans(spans: object[], spec: Pick<SpanSpec, "resource" | "scope"> = {}): unknown[] {
  const scope = spec.scope ?? { name: "test-instrumentation" };
  return [
    {
      resource: { attributes: attributeList(spec.resource ?? {}) },
      scopeSpans: [{ scope: { name: scope.name, version: scope.version, attributes: attributeList(scope.attributes ?? {}) }, spans }],
    },
  ];
}

/** Converts the export and checks that every event passes the ingestion schema, as the route requires. */
export function convert(exported: unknown[]): IngestionEventInput[] {
  const { events } = exportToIngestionEvents(exported, OPTIONS);
  const checked = checkBatch(events, { projectId: "p", accessLevel: "project", attribution: { publicKey: "pk", sdkName: "test", sdkVersion: "0" } });
  expect(checked.response.errors).toEqual([]);
  return events;
}

/** The observation event of a single span. */
export function observationOf(spec: SpanSpec): IngestionEventInput {
  const events = convert(resourceSpans([span(spec)], spec));
  return events.find((event) => event.type !== "trace-create")!;
}

/** The trace events a single span produces. */
export function traceOf(spec: SpanSpec): IngestionEventInput {
  return convert(resourceSpans([span(spec)], spec)).find((event) => event.type === "trace-create")!;
}

/** The direct-path columns a single span states, as the OTLP route hands them to ingestion. */
export function columnsOf(spec: SpanSpec): SpanColumns | undefined {
  const { events, spanColumns } = exportToIngestionEvents(resourceSpans([span(spec)], spec), OPTIONS);
  return spanColumns.get(events.find((event) => event.type !== "trace-create")!.id);
}
