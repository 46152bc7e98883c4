import { hash } from "node:crypto";
import type { SpanColumns } from "@wick/ingestion";
import { isoOf } from "./decode/timestamps.ts";
import { observationEventBody } from "./observation-fields.ts";
import { spanRecords, type SkippedSpan, type SpanRecord } from "./span-record.ts";
import { traceEventBody, traceEventKind } from "./trace-fields.ts";

/** An event in the shape `POST /api/public/ingestion` takes, ready for `checkBatch`. */
export interface IngestionEventInput {
  id: string;
  type: string;
  timestamp: string;
  body: Record<string, unknown>;
}

export interface ConvertedExport {
  events: IngestionEventInput[];
  /** The span each event came from, to say which span a rejected event cost. */
  spanOfEvent: Map<string, string>;
  /** The direct-path columns of each observation event's span, by event id, for `withSpanColumns`. */
  spanColumns: Map<string, SpanColumns>;
  skipped: SkippedSpan[];
  spanCount: number;
}

export interface ConvertOptions {
  /** Processing time, for spans without any timestamp. */
  now: number;
  /** Spans whose events serialise larger than this are skipped, not stored. */
  maxSpanBytes: number;
}

/**
 * A deterministic event id: the same span with the same content always gives the same id, so a
 * re-sent export repeats events the log already holds and folds to the same records.
 */
function eventId(type: string, spanId: string, contentJson: string): string {
  return hash("sha256", `${type}\u0000${spanId}\u0000${contentJson}`, "hex").slice(0, 32);
}

function event(type: string, span: SpanRecord, body: Record<string, unknown>, columns?: SpanColumns): { event: IngestionEventInput; bytes: number } {
  const json = JSON.stringify(body);
  const content = columns ? `${json}\u0000${JSON.stringify(columns)}` : json;
  return { event: { id: eventId(type, span.spanId, content), type, timestamp: isoOf(span.startMs), body }, bytes: content.length };
}

/**
 * Converts an export into ingestion events (otel.md 3): one observation `*-create` per span, a full
 * trace-create from each root, an update from each span that sets trace attributes, and a shallow
 * one for a trace that has neither in this export, so every trace has a record.
 */
export function exportToIngestionEvents(resourceSpans: unknown[], options: ConvertOptions): ConvertedExport {
  const { spans, skipped } = spanRecords(resourceSpans, options.now);
  const spanCount = spans.length + skipped.length;
  const observations: IngestionEventInput[] = [];
  const spanOfEvent = new Map<string, string>();
  const spanColumns = new Map<string, SpanColumns>();
  const traceEvents = new Map<string, Array<{ span: SpanRecord; body: Record<string, unknown>; made: IngestionEventInput }>>();
  const shallowCandidates = new Map<string, SpanRecord>();
  const publicTraces = new Set<string>();

  for (const span of spans) {
    const observation = observationEventBody(span);
    const kind = traceEventKind(span);
    const traceBody = kind === "shallow" ? undefined : traceEventBody(span, kind);
    const made = event(`${observation.type.toLowerCase()}-create`, span, observation.body, observation.columns);
    const traceMade = traceBody ? event("trace-create", span, traceBody) : undefined;
    const bytes = made.bytes + (traceMade?.bytes ?? 0);
    if (bytes > options.maxSpanBytes) {
      skipped.push({ spanId: span.spanId, reason: `span of ${bytes} bytes exceeds the limit of ${options.maxSpanBytes}` });
      continue;
    }
    observations.push(made.event);
    spanOfEvent.set(made.event.id, span.spanId);
    if (observation.columns) spanColumns.set(made.event.id, observation.columns);
    if (traceBody && traceMade) {
      traceEvents.set(span.traceId, [...(traceEvents.get(span.traceId) ?? []), { span, body: traceBody, made: traceMade.event }]);
      if (traceBody.public === true) publicTraces.add(span.traceId);
    } else if (!shallowCandidates.has(span.traceId)) {
      shallowCandidates.set(span.traceId, span);
    }
  }

  for (const [traceId, span] of shallowCandidates) {
    if (traceEvents.has(traceId)) continue;
    const body = traceEventBody(span, "shallow");
    traceEvents.set(traceId, [{ span, body, made: event("trace-create", span, body).event }]);
  }
  const events = [...observations];
  for (const [traceId, entries] of traceEvents) {
    for (const { span, body, made } of entries) {
      // Every trace event states `public` (leaving it out means "not public"): a trace is public
      // when any of its spans in this export says so, as the reference's per-span rows read.
      const traceEvent = publicTraces.has(traceId) && body.public !== true ? event("trace-create", span, { ...body, public: true }).event : made;
      events.push(traceEvent);
      spanOfEvent.set(traceEvent.id, span.spanId);
    }
  }
  return { events, spanOfEvent, spanColumns, skipped, spanCount };
}
