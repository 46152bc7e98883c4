import type { SpanRecord } from "./span-record.ts";
import { rawEnvironment, release, version } from "./mapping/environment.ts";
import { inputOutput, traceUpdateInputOutput } from "./mapping/input-output.ts";
import { rootTraceMetadata, updateTraceMetadata } from "./mapping/metadata.ts";
import { observationName } from "./mapping/name-and-times.ts";
import { hasTraceUpdates, isPublic, isRoot, sessionId, tags, traceName, userId } from "./mapping/trace-fields.ts";
import { isoOf } from "./decode/timestamps.ts";
import { defined } from "./observation-fields.ts";

/** The ingestion schema refuses longer trace names; a long span name must not cost the trace. */
const MAX_TRACE_NAME = 1000;
const truncated = (name: string | undefined) => (name === undefined ? undefined : name.slice(0, MAX_TRACE_NAME));

export type TraceEventKind = "full" | "update" | "shallow";

/** What a span says about its trace (otel.md 3.1): a full record from a root, an update, or nothing. */
export function traceEventKind(span: SpanRecord): TraceEventKind {
  if (isRoot(span)) return "full";
  return hasTraceUpdates(span) ? "update" : "shallow";
}

/** The body of the trace-create event a span contributes (otel.md 3.1, 4.10, 5.3). */
export function traceEventBody(span: SpanRecord, kind: TraceEventKind): Record<string, unknown> {
  const identity = { id: span.traceId, timestamp: isoOf(span.startMs), environment: rawEnvironment(span) };
  if (kind === "shallow") return defined(identity);
  const spanTags = tags(span);
  const io = kind === "full" ? inputOutput(span, "trace") : traceUpdateInputOutput(span);
  return defined({
    ...identity,
    name: truncated(kind === "full" ? (traceName(span) ?? observationName(span)) : traceName(span)),
    userId: userId(span),
    sessionId: sessionId(span),
    release: release(span),
    version: version(span),
    public: isPublic(span),
    tags: spanTags.length > 0 ? spanTags : undefined,
    input: io.input,
    output: io.output,
    metadata: kind === "full" ? rootTraceMetadata(span) : updateTraceMetadata(span),
  });
}
