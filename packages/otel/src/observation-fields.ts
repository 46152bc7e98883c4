import type { SpanColumns } from "@wick/ingestion";
import type { SpanRecord } from "./span-record.ts";
import { rawEnvironment, version } from "./mapping/environment.ts";
import { inputOutput } from "./mapping/input-output.ts";
import { observationLevel, statusMessage } from "./mapping/level.ts";
import { observationMetadata } from "./mapping/metadata.ts";
import { modelName, modelParameters } from "./mapping/model.ts";
import { completionStartTime, observationName } from "./mapping/name-and-times.ts";
import { observationType, type ObservationType } from "./mapping/observation-type.ts";
import { promptLink } from "./mapping/prompt.ts";
import { moveToolDefinitions } from "./mapping/tools.ts";
import { costDetails, usageDetails } from "./mapping/usage.ts";
import { isNonEmpty } from "./mapping/values.ts";
import { isoOf } from "./decode/timestamps.ts";
import { spanColumns } from "./span-columns.ts";

/** Observation types whose ingestion events carry model, usage, cost and prompt (otel.md 3.2). */
const GENERATION_LIKE = new Set<ObservationType>(["GENERATION", "AGENT", "TOOL", "CHAIN", "RETRIEVER", "EVALUATOR", "EMBEDDING", "GUARDRAIL"]);

export interface ObservationEventBody {
  type: ObservationType;
  body: Record<string, unknown>;
  /** The span's direct-path columns, which no ingestion event body can carry. */
  columns?: SpanColumns;
}

/** Drops undefined fields, so an event only states what the span says. */
export const defined = (fields: Record<string, unknown>) => Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));

/**
 * The body of the observation event one span becomes (otel.md 4.1–4.9, 4.12), restricted to the
 * fields the ingestion event type of its observation type has, and the span's own columns.
 */
export function observationEventBody(span: SpanRecord): ObservationEventBody {
  const usage = usageDetails(span);
  const cost = costDetails(span);
  const type = observationType(span, span.scope.name !== "ai" && (isNonEmpty(usage) || isNonEmpty(cost)));
  const io = inputOutput(span, "observation");
  const moved = moveToolDefinitions(io.input, observationMetadata(span));
  const columns = spanColumns(span, moved.input, io.output);
  const common = defined({
    id: span.spanId,
    traceId: span.traceId,
    parentObservationId: span.parentSpanId ?? undefined,
    name: observationName(span),
    startTime: isoOf(span.startMs),
    metadata: moved.metadata,
    input: moved.input,
    output: io.output,
    level: observationLevel(span),
    statusMessage: statusMessage(span),
    version: version(span),
    environment: rawEnvironment(span),
  });
  if (type === "EVENT") return { type, body: common, columns };
  if (!GENERATION_LIKE.has(type)) return { type, body: { ...common, endTime: isoOf(span.endMs) }, columns };
  const parameters = modelParameters(span);
  return {
    type,
    body: {
      ...common,
      ...defined({
        endTime: isoOf(span.endMs),
        completionStartTime: completionStartTime(span),
        model: modelName(span),
        modelParameters: parameters && Object.keys(parameters).length > 0 ? parameters : undefined,
        usageDetails: isNonEmpty(usage) ? usage : undefined,
        costDetails: isNonEmpty(cost) ? cost : undefined,
      }),
      ...promptLink(span, type),
    },
    columns,
  };
}
