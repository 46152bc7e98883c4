import { attributeRecord } from "./decode/any-value.ts";
import { normalizeId } from "./decode/ids.ts";
import { spanTimes } from "./decode/timestamps.ts";

export type Attributes = Record<string, unknown>;

export interface SpanEvent {
  name: string;
  attributes: Attributes;
}

export interface InstrumentationScope {
  name?: string;
  version?: string;
  attributes: Attributes;
}

/** One OTLP span with its resource and scope, ids and times read, attributes as plain values. */
export interface SpanRecord {
  traceId: string;
  spanId: string;
  /** Null for a root: no parent, or an empty one (what some exporters send for none). */
  parentSpanId: string | null;
  name: string;
  startMs: number;
  endMs: number;
  status: { code?: unknown; message?: unknown };
  attributes: Attributes;
  events: SpanEvent[];
  resourceAttributes: Attributes;
  scope: InstrumentationScope;
}

export interface SkippedSpan {
  spanId: string;
  reason: string;
}

type Obj = Record<string, unknown>;
const asObject = (value: unknown): Obj => (value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown) => (typeof value === "string" ? value : undefined);

function scopeOf(raw: Obj): InstrumentationScope {
  return { name: text(raw.name), version: text(raw.version), attributes: attributeRecord(raw.attributes) };
}

/**
 * Flattens a validated export into span records. Spans whose times storage cannot represent are
 * skipped and reported instead of failing the export.
 */
export function spanRecords(resourceSpans: unknown[], now: number): { spans: SpanRecord[]; skipped: SkippedSpan[] } {
  const spans: SpanRecord[] = [];
  const skipped: SkippedSpan[] = [];
  for (const resourceSpan of resourceSpans) {
    const resourceAttributes = attributeRecord(asObject(asObject(resourceSpan).resource).attributes);
    for (const scopeSpan of list(asObject(resourceSpan).scopeSpans)) {
      const scope = scopeOf(asObject(asObject(scopeSpan).scope));
      for (const rawSpan of list(asObject(scopeSpan).spans)) {
        const span = asObject(rawSpan);
        const spanId = normalizeId(span.spanId) ?? "";
        const times = spanTimes(span.startTimeUnixNano, span.endTimeUnixNano, now);
        if (!times) {
          skipped.push({ spanId, reason: "start or end time outside 1900–2299" });
          continue;
        }
        const status = asObject(span.status);
        spans.push({
          traceId: normalizeId(span.traceId) ?? "",
          spanId,
          parentSpanId: (span.parentSpanId ? normalizeId(span.parentSpanId) : undefined) || null,
          name: text(span.name) ?? "",
          ...times,
          status: { code: status.code, message: status.message },
          attributes: attributeRecord(span.attributes),
          events: list(span.events).map((event) => ({ name: text(asObject(event).name) ?? "", attributes: attributeRecord(asObject(event).attributes) })),
          resourceAttributes,
          scope,
        });
      }
    }
  }
  return { spans, skipped };
}
